// The live HR-breathing phase (dsp::HrRespPhaseTracker through app::LiveAnalyzer) on the
// simulated person: its heart rate is its lung volume through a baroreflex resonator plus a fast
// vagal path (drivers/src/sim/person.cpp), so its true lag depends on the pace. The truth is the
// same cross-spectral phase computed on the person's own continuous HR and volume (no beats, no
// sensors), over the same stretch; the live value comes from the beats and the chosen breathing
// source. Run with -s to see the figures.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "live/live_analyzer.hpp"
#include "pneuma/drivers/sim/sim_device.hpp"
#include "pneuma/dsp/rsa_phase.hpp"
#include "support/alloc_counter.hpp"

using namespace pneuma;
using dsp::BreathingSource;

namespace {

enum class Feed { belt, strap, rr_only, no_rsa };

drivers::sim::PersonParams person(Feed feed, std::uint64_t seed) {
  drivers::SourceSpec spec = drivers::SourceSpec::parse("sim");
  auto p = drivers::sim::PersonParams::from_spec(spec);
  p.seed = seed;
  p.ecg_hz = feed == Feed::rr_only ? 0 : 130;
  p.acc_hz = feed == Feed::rr_only ? 0 : 100;
  p.posture_per_min = 0;
  p.moves_per_min = 0;
  if (feed == Feed::no_rsa) p.rsa_bpm = 0; // a heart that does not answer breathing (no vagal RSA)
  return p;
}

drivers::sim::BreathGuide paced(double pace) {
  return [pace](double t) { return std::optional<drivers::sim::BreathCue>({t * pace / 60.0, pace, 0.4}); };
}

/// The person's own HR-volume lag (s, > 0: HR after volume) over [from_s, to_s].
double true_lag(drivers::sim::PersonParams const& p, double pace, double from_s, double to_s) {
  drivers::sim::Person person(p, paced(pace));
  std::vector<double> hr, vol;
  while (person.time_s() < to_s) {
    const auto f = person.step();
    if (f.t_s < from_s) continue;
    hr.push_back(f.hr_bpm);
    vol.push_back(f.volume);
  }
  dsp::HrRespCouplingAnalyzer a(dsp::SampleRate(p.belt_hz), 32.0);
  const auto c = a.compute(hr, vol);
  return -c.phase_deg / (360.0 * pace / 60.0);
}

struct Run {
  std::vector<double> lag_s, msc; ///< each second from 120 s on, NaN withheld
  std::vector<dsp::PhaseWithheld> why; ///< each second
  std::vector<BreathingSource> source; ///< each second
  std::uint64_t allocations = 0;       ///< in the analyzer after 70 s
};

Run run(Feed feed, double pace, double seconds, std::uint64_t seed) {
  drivers::sim::SimSensors sensors(person(feed, seed), paced(pace));
  app::LiveAnalyzer analyzer(app::LiveAnalyzerConfig{50.0, 130.0});
  struct Sink final : drivers::SampleSink {
    app::LiveAnalyzer* a;
    Feed feed;
    void on_sample(drivers::DeviceSample const& s) noexcept override {
      if (feed != Feed::belt && feed != Feed::no_rsa && std::holds_alternative<drivers::RespSample>(s)) return;
      a->process(s);
    }
  } sink;
  sink.a = &analyzer;
  sink.feed = feed;
  Run r;
  for (int step = 1; step <= static_cast<int>(seconds); ++step) {
    if (step == 71) {
      test::AllocationCount counted;
      sensors.advance_to(step, sink);
      r.allocations = counted.count(); // the sensors allocate nothing per sample either
    } else {
      sensors.advance_to(step, sink);
    }
    app::Metrics const& m = analyzer.metrics();
    r.why.push_back(m.hr_resp_withheld);
    r.source.push_back(m.breathing_source);
    if (step >= 120) {
      r.lag_s.push_back(m.hr_resp_lag_s);
      r.msc.push_back(m.hr_resp_msc);
    }
  }
  return r;
}

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return NAN;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

void check_paces(Feed feed, BreathingSource want, double tol_s) {
  for (double pace : {4.5, 6.0, 7.0}) {
    for (std::uint64_t seed : {11u, 3u}) {
      const Run r = run(feed, pace, 240, seed);
      const double truth = true_lag(person(feed, seed), pace, 120 - 64, 240);
      const double live = median(r.lag_s);
      std::size_t shown = 0;
      for (double v : r.lag_s) shown += std::isfinite(v) ? 1 : 0;
      std::printf("hr-resp phase %s pace %.1f seed %2d: true lag %.2f s, live median %.2f s, shown %zu/%zu s, msc %.2f\n",
                  feed == Feed::belt ? "belt " : "chest", pace, static_cast<int>(seed), truth, live, shown, r.lag_s.size(),
                  median(r.msc));
      INFO("pace " << pace << " seed " << seed << " truth " << truth << " live " << live);
      CHECK(r.source.back() == want);
      CHECK(std::abs(live - truth) <= tol_s);
      CHECK(shown >= r.lag_s.size() * 9 / 10); // a paced person's HR follows breathing: shown
    }
  }
}

} // namespace

TEST_CASE("hr-breathing phase live: belt, paces 4.5/6/7, lag within 0.3 s of the person's", "[live][hr-resp-phase]") {
  check_paces(Feed::belt, BreathingSource::belt, 0.3);
}

TEST_CASE("hr-breathing phase live: chest motion only, paces 4.5/6/7, lag within 0.4 s of the person's",
          "[live][hr-resp-phase]") {
  check_paces(Feed::strap, BreathingSource::chest_motion, 0.4);
}

TEST_CASE("hr-breathing phase live: withheld as warming up before 64 s of pairs", "[live][hr-resp-phase]") {
  const Run r = run(Feed::belt, 6.0, 90, 11);
  for (std::size_t s = 0; s < 60; ++s) {
    INFO("second " << s + 1);
    CHECK((r.why[s] == dsp::PhaseWithheld::warming_up || r.why[s] == dsp::PhaseWithheld::no_breathing));
  }
  CHECK(r.why.back() == dsp::PhaseWithheld::none); // and shown by 90 s
}

TEST_CASE("hr-breathing phase live: withheld when breathing is read from the heart rhythm", "[live][hr-resp-phase]") {
  const Run r = run(Feed::rr_only, 6.0, 180, 11);
  CHECK(r.source.back() == BreathingSource::heart_rhythm);
  for (std::size_t s = 0; s < r.lag_s.size(); ++s) {
    INFO("second " << s + 120);
    CHECK(std::isnan(r.lag_s[s]));
    CHECK(r.why[s + 119] == dsp::PhaseWithheld::rsa_source);
  }
}

TEST_CASE("hr-breathing phase live: withheld for low coherence when the heart does not follow breathing",
          "[live][hr-resp-phase]") {
  // Belt breathing at 6/min; the heart rate carries only its Mayer and VLF waves.
  const Run r = run(Feed::no_rsa, 6.0, 180, 11);
  CHECK(r.source.back() == BreathingSource::belt);
  std::size_t low = 0;
  for (std::size_t s = 0; s < r.lag_s.size(); ++s) low += r.why[s + 119] == dsp::PhaseWithheld::low_coherence ? 1 : 0;
  for (std::size_t s = 0; s < r.lag_s.size(); ++s) {
    if (r.why[s + 119] != dsp::PhaseWithheld::low_coherence) continue;
    INFO("second " << s + 120);
    CHECK(std::isnan(r.lag_s[s]));
    CHECK(r.msc[s] < 0.5);
  }
  std::printf("hr-resp phase, no RSA: low coherence %zu of %zu s, median msc %.2f\n", low, r.lag_s.size(), median(r.msc));
  // With 3 Hann segments two unrelated signals still reach MSC >= 0.5 about a quarter of the time
  // (P = (1 - 0.5)^(K - 1) for K independent segments), so some seconds are shown; most are not.
  CHECK(low >= r.lag_s.size() * 2 / 3);
}

TEST_CASE("hr-breathing phase live: the analyzer stays allocation-free", "[live][hr-resp-phase]") {
  CHECK(run(Feed::strap, 6.0, 75, 11).allocations == 0);
}
