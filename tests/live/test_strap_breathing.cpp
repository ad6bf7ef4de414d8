// Breathing from a chest strap alone (chest motion, ECG, heart rhythm) against truth:
//   * the simulated person, whose ends of inspiration are known exactly, paced at 4.5, 6 and 7/min
//     and breathing freely at 12, 15 and 18/min; the strap's RR, ECG and ACC go through the live
//     analyzer, the belt does not;
//   * real recordings with a breathing reference (../shared): MARSH (R-peak times; impedance
//     pneumography breath annotations), BIDMC 01 and NeuroKit's resting sample (ECG; the belt run
//     through the same breath detector is the truth).
// Per source: 60-s rate error (the source's 60-s spectral rate against the true mean rate of the
// same 60 s, every 10 s), and breath by breath: the share of true breaths matched within 30 % of
// a period, the timing error of those, and how long after the true breath it was reported.
// Run `build-test/tests/pneuma_tests "[strap-truth]"` to see the figures (the note quotes them).
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "live/live_analyzer.hpp"
#include "pneuma/drivers/sim/sim_device.hpp"
#include "support/shared_data.hpp"

using namespace pneuma;
using dsp::BreathingSource;

namespace {

constexpr std::array<BreathingSource, 3> kSources = {BreathingSource::chest_motion, BreathingSource::ecg,
                                                     BreathingSource::heart_rhythm};
const char* name_of(BreathingSource s) {
  return s == BreathingSource::chest_motion ? "ACC" : s == BreathingSource::ecg ? "ECG" : "RSA";
}

/// What one source produced: breath peaks (session s), when each was known, spectral rates.
struct SourceTrack {
  std::uint64_t seen = 0;
  std::vector<double> peaks, known_at, onsets;
  std::vector<std::pair<double, double>> rates; ///< (t, 60-s spectral rate)
};

struct Figures {
  double rate_err_mean = NAN, rate_err_max = NAN;
  int windows = 0;
  double matched = NAN;        ///< share of true breaths found
  double timing_err_s = NAN;   ///< mean |detected - true| of those
  double latency_p95_s = NAN;  ///< 95th percentile of (known at - true peak)
  double onset_err_s = NAN;    ///< mean |onset - reference onset| of the onsets within 30 % of a period
  double onset_matched = NAN;  ///< share of reference onsets that have one
};

/// Feeds a LiveAnalyzer and follows every surrogate's breaths and rates.
struct Harness {
  app::LiveAnalyzer analyzer;
  std::array<SourceTrack, 3> tracks;
  double next_rate_t = 60.0;
  explicit Harness(double ecg_hz = 130.0) : analyzer(app::LiveAnalyzerConfig{50.0, ecg_hz}) {}

  dsp::RespAnalyzer const& of(BreathingSource s) const {
    auto const& b = analyzer.breathing();
    return s == BreathingSource::chest_motion ? b.acc_analyzer() : s == BreathingSource::ecg ? b.edr_analyzer() : b.rsa_analyzer();
  }
  double offset(BreathingSource s) const {
    auto const& b = analyzer.breathing();
    return s == BreathingSource::chest_motion ? b.acc_offset_s() : s == BreathingSource::ecg ? b.edr_offset_s() : b.rsa_offset_s();
  }
  void process(drivers::DeviceSample const& sample) {
    analyzer.process(sample);
    const double now = analyzer.data_time_s();
    for (std::size_t i = 0; i < kSources.size(); ++i) {
      auto const& a = of(kSources[i]);
      if (a.metrics().breaths == 0) continue;
      const double peak = a.last_breath().peak_s + offset(kSources[i]);
      if (a.metrics().breaths != tracks[i].seen) {
        tracks[i].seen = a.metrics().breaths;
        tracks[i].peaks.push_back(peak);
        tracks[i].known_at.push_back(now);
        tracks[i].onsets.push_back(a.last_breath().onset_s + offset(kSources[i]));
      } else if (a.last_breath().revised && !tracks[i].peaks.empty()) {
        tracks[i].peaks.back() = peak; // a shoulder: the breath's peak moved later
      }
    }
    if (now >= next_rate_t) {
      for (std::size_t i = 0; i < kSources.size(); ++i) tracks[i].rates.emplace_back(now, of(kSources[i]).metrics().spectral_rate_bpm);
      next_rate_t += 10.0;
    }
  }
};

/// Mean rate of the true breaths in [t0, t1]: cycles / time between the first and last peak.
double true_rate(std::vector<double> const& truth, double t0, double t1) {
  std::vector<double> in;
  for (double p : truth)
    if (p >= t0 && p <= t1) in.push_back(p);
  if (in.size() < 3) return NAN;
  return 60.0 * static_cast<double>(in.size() - 1) / (in.back() - in.front());
}

Figures score(SourceTrack const& track, std::vector<double> const& truth, double from_s, double to_s) {
  Figures f;
  std::vector<double> errs;
  for (auto const& [t, rate] : track.rates) {
    if (t - 60 < from_s || t > to_s) continue;
    const double truth_rate = true_rate(truth, t - 60, t);
    if (!std::isfinite(truth_rate)) continue;
    ++f.windows;
    errs.push_back(std::isfinite(rate) ? std::abs(rate - truth_rate) : 99.0); // no rate: a miss
  }
  if (!errs.empty()) {
    double sum = 0;
    for (double e : errs) sum += e;
    f.rate_err_mean = sum / static_cast<double>(errs.size());
    f.rate_err_max = *std::max_element(errs.begin(), errs.end());
  }
  int n = 0, hit = 0;
  double timing = 0;
  std::vector<double> latency;
  for (std::size_t k = 1; k + 1 < truth.size(); ++k) {
    const double p = truth[k];
    if (p < from_s + 30 || p > to_s - 5) continue; // detectors settle over the first breaths
    ++n;
    const double tol = 0.3 * 0.5 * (truth[k + 1] - truth[k - 1]);
    std::size_t best = track.peaks.size();
    for (std::size_t j = 0; j < track.peaks.size(); ++j)
      if (std::abs(track.peaks[j] - p) <= tol && (best == track.peaks.size() || std::abs(track.peaks[j] - p) < std::abs(track.peaks[best] - p)))
        best = j;
    if (best == track.peaks.size()) continue;
    ++hit;
    timing += std::abs(track.peaks[best] - p);
    latency.push_back(track.known_at[best] - p);
  }
  if (n > 0) f.matched = static_cast<double>(hit) / n;
  f.onset_err_s = NAN;
  if (hit > 0) {
    f.timing_err_s = timing / hit;
    std::sort(latency.begin(), latency.end());
    f.latency_p95_s = latency[static_cast<std::size_t>(0.95 * static_cast<double>(latency.size() - 1))];
  }
  return f;
}

/// Breath onsets against reference onsets (the belt through the same detector): the breath
/// detector's own onset definition cancels, what is left is the surrogate's path.
void score_onsets(Figures& f, SourceTrack const& track, std::vector<double> const& ref, double from_s, double to_s) {
  int n = 0, hit = 0;
  double err = 0;
  for (std::size_t k = 1; k + 1 < ref.size(); ++k) {
    if (!std::isfinite(ref[k - 1] + ref[k] + ref[k + 1])) continue; // a breath without an onset
    if (ref[k] < from_s + 30 || ref[k] > to_s - 5) continue;
    ++n;
    const double tol = 0.3 * 0.5 * (ref[k + 1] - ref[k - 1]);
    double best = HUGE_VAL;
    for (double o : track.onsets)
      if (std::isfinite(o) && std::abs(o - ref[k]) < std::abs(best)) best = o - ref[k];
    if (std::getenv("PNEUMA_STRAP_DEBUG")) std::printf("onset ref %.2f  err %+.2f tol %.2f\n", ref[k], best, tol);
    if (std::abs(best) > tol) continue;
    ++hit;
    err += std::abs(best);
  }
  if (n > 0) f.onset_matched = static_cast<double>(hit) / n;
  if (hit > 0) f.onset_err_s = err / hit;
}

void print(std::string const& what, BreathingSource s, Figures const& f) {
  std::printf("%-34s %s  60-s rate error mean %5.2f max %5.2f /min (%2d windows)  breaths matched %5.1f %%  "
              "timing %4.2f s  known after p95 %4.2f s  onsets %5.1f %% %4.2f s\n",
              what.c_str(), name_of(s), f.rate_err_mean, f.rate_err_max, f.windows, 100 * f.matched, f.timing_err_s,
              f.latency_p95_s, 100 * f.onset_matched, f.onset_err_s);
}

struct SimRun {
  std::array<Figures, 3> figures;
  std::array<int, dsp::kBreathingSources> chosen{}; ///< seconds each source was the chosen one
  int doubted_s = 0;                                ///< seconds the RSA rate was withheld
};

/// The simulated person for `seconds`, strap only (the belt is dropped), at `pace` (0: free).
SimRun run_sim(double pace, double spont, double seconds, std::uint64_t seed = 11) {
  drivers::SourceSpec spec = drivers::SourceSpec::parse("sim");
  auto p = drivers::sim::PersonParams::from_spec(spec);
  p.seed = seed;
  p.spont_bpm = spont;
  p.ecg_hz = 130;
  p.acc_hz = 100;
  p.posture_per_min = 0; // a still person: movement is tested on its own
  p.moves_per_min = 0;
  drivers::sim::BreathGuide guide;
  if (pace > 0) guide = [pace](double t) { return std::optional<drivers::sim::BreathCue>({t * pace / 60.0, pace, 0.4}); };
  drivers::sim::SimSensors sensors(p, guide);
  Harness h;
  // The belt is not given to the analyzer; it goes through its own detector for reference onsets.
  struct Sink final : drivers::SampleSink {
    Harness* h;
    dsp::RespAnalyzer belt{dsp::RespAnalyzerConfig::live_belt(), dsp::SampleRate(50.0)};
    double belt_t0 = NAN;
    std::uint64_t belt_seen = 0;
    std::vector<double> onsets;
    void on_sample(drivers::DeviceSample const& s) noexcept override {
      if (auto const* r = std::get_if<drivers::RespSample>(&s)) {
        if (!std::isfinite(belt_t0)) belt_t0 = r->t_s;
        (void)belt.process(r->value);
        if (belt.metrics().breaths != belt_seen) {
          belt_seen = belt.metrics().breaths;
          onsets.push_back(belt.last_breath().onset_s + belt_t0);
        }
        return;
      }
      h->process(s); // a strap, no belt
    }
  } sink;
  sink.h = &h;
  std::vector<double> truth;
  SimRun run;
  for (int step = 1; step <= static_cast<int>(seconds * 10); ++step) {
    const double t = step / 10.0;
    sensors.advance_to(t, sink);
    const double peak = sensors.person().last_peak_s();
    if (std::isfinite(peak) && (truth.empty() || peak > truth.back())) truth.push_back(peak);
    if (step % 10 == 0) {
      ++run.chosen[static_cast<std::size_t>(h.analyzer.metrics().breathing_source)];
      if (h.analyzer.metrics().breathing_doubt != dsp::RsaDoubt::none) ++run.doubted_s;
    }
  }
  for (std::size_t i = 0; i < kSources.size(); ++i) {
    run.figures[i] = score(h.tracks[i], truth, 0, seconds);
    score_onsets(run.figures[i], h.tracks[i], sink.onsets, 0, seconds);
  }
  if (std::getenv("PNEUMA_STRAP_DEBUG"))
    std::printf("chosen s: acc %d ecg %d rsa %d none %d; quality acc %.2f ecg %.2f rsa %.2f; acc polarity %d\n",
                run.chosen[2], run.chosen[3], run.chosen[4], run.chosen[0], h.of(BreathingSource::chest_motion).metrics().quality,
                h.of(BreathingSource::ecg).metrics().quality, h.of(BreathingSource::heart_rhythm).metrics().quality,
                static_cast<int>(h.of(BreathingSource::chest_motion).metrics().polarity));
  return run;
}

} // namespace

TEST_CASE("strap breathing: paced 4.5-7/min, RSA within 0.5/min and ACC within 0.3/min of the truth",
          "[live][strap-truth]") {
  for (double pace : {4.5, 5.0, 5.5, 6.0, 6.5, 7.0}) {
    double rsa_matched = 0;
    for (std::uint64_t seed : {11, 3, 7}) {
      const SimRun r = run_sim(pace, 13, 240, seed);
      char what[64];
      std::snprintf(what, sizeof what, "sim paced %.1f/min seed %2d", pace, static_cast<int>(seed));
      for (std::size_t i = 0; i < kSources.size(); ++i) print(what, kSources[i], r.figures[i]);
      INFO("pace " << pace << " seed " << seed);
      // Targets (issue): during paced breathing the 60-s rate from chest motion is within
      // 0.3/min, from RSA within 0.5/min (the heart follows slow breathing one-to-one; the rate
      // error is the spectral peak's resolution plus the person's own breath-to-breath variation).
      CHECK(r.figures[0].rate_err_mean <= 0.3);
      CHECK(r.figures[2].rate_err_mean <= 0.5);
      // Chest motion times every breath: its orientation comes from the heart (HR rises on
      // inspiration), not from the arbitrary sign of its principal axis. Its ends of
      // inspiration within 0.5 s of the person's own (the filters' delay and the gravity
      // average's lead are taken off), its onsets within 0.5 s of the belt's through the same
      // detector, each known within 1 s of the true end of inspiration.
      CHECK(r.figures[0].matched >= 0.95);
      CHECK(r.figures[0].timing_err_s <= 0.5);
      CHECK(r.figures[0].onset_matched >= 0.9);
      CHECK(r.figures[0].onset_err_s <= 0.5);
      CHECK(r.figures[0].latency_p95_s <= 1.0);
      // RSA: HR peaks up to 2 s from the end of inspiration (ahead below the baroreflex
      // resonance, behind above it), so a breath is matched within 30 % of a period; at least
      // 85 % of them on every seed.
      CHECK(r.figures[2].matched >= 0.85);
      rsa_matched += r.figures[2].matched / 3;
      // With the accelerometer streaming, it is the source from when its quality has 4 breaths
      // to judge (4 periods) and the chooser's 10-s hysteresis are over.
      CHECK(r.chosen[static_cast<std::size_t>(BreathingSource::chest_motion)] >= 240 - (4 * 60 / pace + 15));
    }
    INFO("pace " << pace);
    CHECK(rsa_matched >= 0.9); // and 9 in 10 over the three
  }
}

TEST_CASE("strap breathing: paces 4.5-7/min over seeds (figures)", "[.strap-sweep]") {
  for (double pace : {4.5, 5.0, 5.5, 6.0, 6.5, 7.0})
    for (std::uint64_t seed : {11, 3, 7, 21, 42}) {
      const SimRun r = run_sim(pace, 13, 240, seed);
      char what[64];
      std::snprintf(what, sizeof what, "sim paced %.1f/min seed %2d", pace, static_cast<int>(seed));
      for (std::size_t i = 0; i < kSources.size(); ++i) print(what, kSources[i], r.figures[i]);
    }
}

TEST_CASE("strap breathing: spontaneous 12-18/min, chest motion holds, RSA is withheld", "[live][strap-truth]") {
  for (double rate : {12.0, 15.0, 18.0}) {
    const SimRun r = run_sim(0, rate, 240);
    char what[64];
    std::snprintf(what, sizeof what, "sim spontaneous %.0f/min", rate);
    for (std::size_t i = 0; i < kSources.size(); ++i) print(what, kSources[i], r.figures[i]);
    INFO("rate " << rate);
    // Spontaneous breathing varies 12 % breath to breath: the true 60-s rate is itself noisy, so
    // chest motion is held to 1/min, not 0.3.
    CHECK(r.figures[0].rate_err_mean <= 1.0);
  }
}

TEST_CASE("strap breathing: without ACC and ECG, heart rhythm is the source and is withheld when fast",
          "[live][strap-truth]") {
  // RR only (a strap without PMD): slow paced breathing is shown; free breathing at 15/min is not.
  for (double pace : {6.0, 0.0}) {
    drivers::SourceSpec spec = drivers::SourceSpec::parse("sim:seed=5,rate=15");
    auto p = drivers::sim::PersonParams::from_spec(spec);
    drivers::sim::BreathGuide guide;
    if (pace > 0) guide = [pace](double t) { return std::optional<drivers::sim::BreathCue>({t * pace / 60.0, pace, 0.4}); };
    drivers::sim::SimSensors sensors(p, guide);
    app::LiveAnalyzer a({50.0});
    struct Sink final : drivers::SampleSink {
      app::LiveAnalyzer* a;
      void on_sample(drivers::DeviceSample const& s) noexcept override {
        if (!std::holds_alternative<drivers::RespSample>(s)) a->process(s);
      }
    } sink;
    sink.a = &a;
    sensors.advance_to(180.0, sink);
    auto const& m = a.metrics();
    INFO("pace " << pace);
    if (pace > 0) {
      CHECK(m.breathing_source == BreathingSource::heart_rhythm);
      REQUIRE(std::isfinite(m.breathing_bpm));
      CHECK(m.breathing_bpm == Approx(6.0).margin(0.5)); // the RSA target
      CHECK(std::isfinite(m.rsa_bpm));                   // RSA per breath, from these breaths
      CHECK(m.breathing_doubt == dsp::RsaDoubt::none);
    } else {
      // Withheld: with the reason when the heart rhythm still shows breaths, or no source at all.
      CHECK_FALSE(std::isfinite(m.breathing_bpm));
      if (m.breathing_source == BreathingSource::heart_rhythm) CHECK(m.breathing_doubt != dsp::RsaDoubt::none);
      else CHECK(m.breathing_source == BreathingSource::none);
    }
  }
}

namespace {
std::vector<std::vector<double>> read_csv(std::filesystem::path const& path, std::vector<std::string>& header) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  header.clear();
  std::stringstream hs(line);
  for (std::string c; std::getline(hs, c, ',');) header.push_back(c);
  std::vector<std::vector<double>> cols(header.size());
  while (std::getline(in, line)) {
    std::size_t at = 0;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const std::size_t comma = line.find(',', at);
      cols[c].push_back(std::strtod(line.c_str() + at, nullptr));
      at = comma == std::string::npos ? line.size() : comma + 1;
    }
  }
  return cols;
}

std::size_t column(std::vector<std::string> const& header, std::string const& name) {
  return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
}

/// The belt through the same breath detector: its ends of inspiration are the truth.
std::vector<double> belt_truth(std::vector<double> const& belt, double fs) {
  dsp::RespAnalyzer r(dsp::RespAnalyzerConfig{}, dsp::SampleRate(fs));
  std::vector<double> peaks;
  std::uint64_t seen = 0;
  for (double v : belt) {
    (void)r.process(static_cast<float>(v));
    if (r.metrics().breaths > seen) {
      seen = r.metrics().breaths;
      peaks.push_back(r.last_breath().peak_s);
    }
  }
  return peaks;
}

void ecg_recording(std::string const& what, std::filesystem::path const& file, std::string const& ecg_col,
                   std::string const& belt_col, double fs) {
  std::vector<std::string> header;
  const auto cols = read_csv(file, header);
  const auto& ecg = cols[column(header, ecg_col)];
  const auto truth = belt_truth(cols[column(header, belt_col)], fs);
  Harness h(fs);
  for (std::size_t i = 0; i < ecg.size(); ++i)
    h.process(drivers::EcgSample{static_cast<double>(i) / fs, drivers::kNoDeviceTime, static_cast<float>(1000.0 * ecg[i])});
  const double end = static_cast<double>(ecg.size()) / fs;
  for (std::size_t i = 1; i < kSources.size(); ++i) print(what, kSources[i], score(h.tracks[i], truth, 0, end));
}
} // namespace

TEST_CASE("strap breathing: real recordings against their breathing reference (figures)", "[live][strap-truth]") {
  // MARSH: R-peak times are the strap's beats; the annotated impedance breaths are the truth.
  // Every path first: a missing one skips the test before any check (support/skip.hpp).
  const auto marsh = pneuma::test::shared_path("data/marsh");
  if (!marsh) return;
  const auto bidmc = pneuma::test::shared_path("data/bidmc_01/bidmc_01_125hz.csv");
  if (!bidmc) return;
  const auto nk = pneuma::test::shared_path("data/neurokit_bio_resting_5min_100hz/bio_resting_5min_100hz.csv");
  if (!nk) return;
  int subjects = 0;
  double spont_matched = 0;
  for (char const* id : {"0005", "0023", "0256", "1000", "1436", "1707", "4909", "5329", "5600", "5757"}) {
    std::vector<std::string> header;
    const auto beats = read_csv(*marsh / (std::string(id) + "_rpeaks.csv"), header)[0];
    const auto truth = read_csv(*marsh / (std::string(id) + "_ip_breaths.csv"), header)[0];
    Harness h;
    for (std::size_t i = 1; i < beats.size(); ++i) {
      const double rr = beats[i] - beats[i - 1];
      if (rr <= 0 || rr * 1024 > 65535) continue;
      h.process(drivers::RrInterval{beats[i], drivers::kNoDeviceTime, static_cast<std::uint16_t>(std::lround(rr * 1024))});
    }
    const Figures spont = score(h.tracks[2], truth, 0, 180);
    const Figures ramp = score(h.tracks[2], truth, 180, 300);
    print(std::string("MARSH ") + id + " spontaneous 0-180 s", BreathingSource::heart_rhythm, spont);
    print(std::string("MARSH ") + id + " paced ramp 180-300 s", BreathingSource::heart_rhythm, ramp);
    if (std::isfinite(spont.matched)) {
      spont_matched += spont.matched;
      ++subjects;
    }
  }
  REQUIRE(subjects == 10);
  // Not a target (RSA is not claimed for spontaneous breathing, whose rate is mostly above
  // 10/min), but a floor: RSA finds more than a third of the breaths of people at rest, so the
  // path from beats to breaths is live on real data.
  CHECK(spont_matched / subjects > 0.33);
  ecg_recording("BIDMC 01 (ECG II, 125 Hz)", *bidmc, "II", "RESP", 125.0);
  ecg_recording("NeuroKit resting (ECG, 100 Hz)", *nk, "ECG", "RSP", 100.0);
}

