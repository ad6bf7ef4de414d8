// Resonance-frequency assessment end to end: simulated persons of known resonance frequency, the
// compliance and artifact gates, the profile's rate used by `run`, and the offline re-analysis.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "pneuma/drivers/sim/person.hpp"
#include "session/assess.hpp"
#include "store/store.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using pneuma::test::pneuma_binary;
using pneuma::test::run_process;

using pneuma::test::TempDir;

namespace {


nlohmann::json assess(TempDir const& dir, std::string const& options) {
  const auto r = run_process("XDG_DATA_HOME=" + dir.path.string() + " " + pneuma_binary() +
                             " assess --headless --json --speed 150 " + options);
  INFO(options);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

namespace sim = pneuma::drivers::sim;

/// A pacer stepping through `rates` for `step_s` each, as the assess command runs it (I:E 4:6).
sim::BreathGuide stepped_guide(std::vector<double> rates, double step_s) {
  return [rates = std::move(rates), step_s](double t) -> std::optional<sim::BreathCue> {
    double cycles = 0;
    for (std::size_t i = 0; i < rates.size(); ++i) {
      const double in_step = std::clamp(t - static_cast<double>(i) * step_s, 0.0, step_s);
      cycles += in_step * rates[i] / 60.0;
      if (t < static_cast<double>(i + 1) * step_s || i + 1 == rates.size())
        return sim::BreathCue{cycles, rates[i], 0.4};
    }
    return std::nullopt;
  };
}

/// A simulated person's mean HR peak-to-trough per breath (bpm) while paced at `rate` for 150 s,
/// the first 30 s (entrainment) not counted: the RSA amplitude Vaschillo and Lehrer plot.
double simulated_rsa(double rf, double q, double rate, std::uint64_t seed) {
  sim::PersonParams p;
  p.rf_bpm = rf;
  p.q = q;
  p.seed = seed;
  sim::Person person(p, stepped_guide({rate}, 1e9));
  const double period = 60.0 / rate;
  double lo = 1e9, hi = -1e9, sum = 0;
  int breaths = 0;
  double cycle_end = 30.0 + period;
  for (;;) {
    const auto f = person.step();
    if (f.t_s < 30.0) continue;
    lo = std::min(lo, f.hr_bpm);
    hi = std::max(hi, f.hr_bpm);
    if (f.t_s >= cycle_end) {
      sum += hi - lo;
      ++breaths;
      lo = 1e9;
      hi = -1e9;
      cycle_end += period;
      if (f.t_s >= 150.0) break;
    }
  }
  return sum / breaths;
}

/// An assessment session of a simulated person as the recorder stores it: the belt, a beat ("R")
/// at every heartbeat, the pacer's rate changes and inhale onsets.
pneuma::drivers::files::Recording simulated_session(double rf, std::uint64_t seed, std::vector<double> const& rates,
                                                     double step_s, double q = sim::PersonParams{}.q) {
  sim::PersonParams p;
  p.rf_bpm = rf;
  p.q = q;
  p.seed = seed;
  const auto guide = stepped_guide(rates, step_s);
  sim::Person person(p, guide);
  pneuma::drivers::files::Recording rec;
  rec.duration_s = step_s * static_cast<double>(rates.size());
  rec.signals.push_back({"Resp belt", "au", p.belt_hz, {}});
  for (std::size_t i = 0; i < rates.size(); ++i) {
    char text[64];
    std::snprintf(text, sizeof text, "Pacer %.2f/min 4:6", rates[i]);
    rec.annotations.push_back({static_cast<double>(i) * step_s, -1, text});
  }
  double next_inhale = 0;
  for (;;) {
    const auto f = person.step();
    if (f.t_s >= rec.duration_s) break;
    rec.signals[0].values.push_back(f.belt);
    if (f.beat_s) rec.annotations.push_back({*f.beat_s, -1, "R"});
    if (const auto cue = guide(f.t_s); cue && cue->cycles >= next_inhale) {
      rec.annotations.push_back({f.t_s, -1, "Pacer inhale"});
      next_inhale = std::floor(cue->cycles) + 1;
    }
  }
  return rec;
}

pneuma::app::AssessResult assess_simulated(double rf, std::uint64_t seed, double q = sim::PersonParams{}.q) {
  pneuma::app::AssessProtocol protocol; // 6.5 -> 4.5 in 0.5 steps, 120 s each, 45 s discarded
  return pneuma::app::assess_recording(simulated_session(rf, seed, protocol.rates_bpm, protocol.step_s, q), protocol);
}

} // namespace

TEST_CASE("sim person: RSA peaks at the resonance rate, about 1 breath/min wide (Vaschillo 2002, Lehrer 2000)",
          "[app]") {
  // Published paced-breathing curves: HR peak-to-trough is largest at the resonance rate and falls
  // off within about a breath/min either side (half-power width ~1/min), to the few bpm of
  // respiratory gating far from it. Mean of 3 seeds: one 120-s run carries +-1 bpm of Mayer-wave
  // noise, which would move the peak by a grid step.
  for (double rf : {4.5, 5.5, 7.0}) {
    std::vector<double> rates, rsa;
    for (double r = rf - 1.5; r <= rf + 1.5 + 1e-9; r += 0.25) {
      double sum = 0;
      for (std::uint64_t seed : {21, 22, 23}) sum += simulated_rsa(rf, sim::PersonParams{}.q, r, seed);
      rates.push_back(r);
      rsa.push_back(sum / 3);
    }
    const auto top = static_cast<std::size_t>(std::max_element(rsa.begin(), rsa.end()) - rsa.begin());
    INFO("rf " << rf << ": peak " << rsa[top] << " bpm at " << rates[top]);
    CHECK(std::abs(rates[top] - rf) <= 0.25 + 1e-9);
    // Half-power width: where the curve crosses peak / sqrt(2) on either side (linear between).
    const double half = rsa[top] / std::sqrt(2.0);
    double lo = rates.front(), hi = rates.back();
    for (std::size_t i = top; i > 0; --i)
      if (rsa[i - 1] < half) {
        lo = rates[i - 1] + (half - rsa[i - 1]) / (rsa[i] - rsa[i - 1]) * 0.25;
        break;
      }
    for (std::size_t i = top; i + 1 < rsa.size(); ++i)
      if (rsa[i + 1] < half) {
        hi = rates[i] + (rsa[i] - half) / (rsa[i] - rsa[i + 1]) * 0.25;
        break;
      }
    INFO("half-power width " << hi - lo << " breaths/min (" << lo << " to " << hi << ")");
    CHECK(hi - lo >= 0.6);
    CHECK(hi - lo <= 1.8); // rf / q grows with rf: 0.9 at 4.5, 1.4 at 7, plus the fast path's skirt
    // 1.5/min away the resonance is gone (slower breaths are deeper, so that side falls less).
    CHECK(rsa.front() < 0.8 * rsa[top]);
    CHECK(rsa.back() < 0.7 * rsa[top]);
    CHECK(rsa[top] > 10); // Lehrer 2000: 10-25 bpm peak-to-trough at resonance in adults
    CHECK(rsa[top] < 30);
  }
}

TEST_CASE("assess: persons at rates off the 0.5 grid, many seeds, are told their rate or an honest range",
          "[app]") {
  // An assessment that answered the middle of the protocol whatever the person (5.5/min) is off by
  // 0.575/min on average over these rates and by more than 0.5 for half of them.
  const std::vector<double> rfs = {4.6, 4.9, 5.2, 5.4, 5.7, 6.1, 6.3, 6.6};
  int n = 0, near = 0, ranges = 0;
  double error_sum = 0;
  for (std::uint64_t seed : {101, 102, 103}) {
    for (double rf : rfs) {
      const auto r = assess_simulated(rf, seed + static_cast<std::uint64_t>(rf * 10));
      INFO("rf " << rf << " seed " << seed << ": " << r.to_json().dump());
      REQUIRE(r.recommended_bpm);
      ++n;
      const double error = std::abs(*r.recommended_bpm - rf);
      error_sum += error;
      if (r.equally_good_bpm) {
        ++ranges;
        CHECK(rf >= r.equally_good_bpm->first - 0.5); // the range holds the person's rate
        CHECK(rf <= r.equally_good_bpm->second + 0.5);
      }
      // The nearest tested rate is <= 0.25 away; a step of noise more is allowed, no more.
      if (error <= 0.5 + 1e-9) ++near;
      else CHECK(r.confidence < 0.5); // wrong by more than a step: never stated with confidence
    }
  }
  INFO(near << " of " << n << " within 0.5/min, " << ranges << " ranges, mean error " << error_sum / n);
  CHECK(near >= n * 9 / 10);
  CHECK(error_sum / n <= 0.35);
  // A range is the exception, not a way out. 9 of these 24 (8 before the vagal-latency bias of
  // the phase crossing was allowed for), each holding the person's rate (checked above).
  CHECK(ranges * 5 <= n * 2);
}

TEST_CASE("assess: a resonance at or beyond the edge of the tested range is said to be there", "[app]") {
  for (std::uint64_t seed : {201, 202}) {
    const auto fast = assess_simulated(7.0, seed);
    INFO(fast.to_json().dump());
    REQUIRE(fast.recommended_bpm);
    CHECK(*fast.recommended_bpm == 6.5);
    CHECK(fast.edge == "fast");
    CHECK(fast.note.find("beyond") != std::string::npos);
    CHECK(fast.confidence <= 0.6);
    const auto slow = assess_simulated(4.0, seed);
    INFO(slow.to_json().dump());
    REQUIRE(slow.recommended_bpm);
    CHECK(*slow.recommended_bpm == 4.5);
    CHECK(slow.edge == "slow");
    CHECK(slow.confidence <= 0.6);
  }
}

TEST_CASE("assess: a flat resonance curve gives the rate, a range or a low confidence, never a confident wrong rate",
          "[app]") {
  // q 0.7: RSA within ~15 % from 4.5 to 6.5/min (the curve the issue's rf 6.5 person had), so the
  // amplitude criteria differ by noise alone; only the HR-volume phase still points at rf.
  for (std::uint64_t seed = 301; seed < 305; ++seed) {
    for (double rf : {5.2, 6.3}) {
      const auto r = assess_simulated(rf, seed, 0.7);
      INFO("rf " << rf << " seed " << seed << ": " << r.to_json().dump());
      REQUIRE(r.recommended_bpm);
      const bool right = std::abs(*r.recommended_bpm - rf) <= 0.5 + 1e-9;
      CHECK((right || r.equally_good_bpm || r.confidence < 0.5));
    }
  }
}

TEST_CASE("assess: scoring ranks the step that wins the prioritised criteria", "[app]") {
  pneuma::app::AssessResult r;
  auto step = [](double rate, double phase, double p2t, double lf) {
    pneuma::app::StepResult s;
    s.rate_bpm = rate;
    s.valid = true;
    s.stats.breathing_bpm = rate;
    s.stats.phase_deg = phase;
    s.stats.p2t_bpm = p2t;
    s.stats.lf_ms2 = lf;
    s.stats.lf_peak_ms2_hz = lf * 40;
    s.stats.smoothness = 0.9;
    s.stats.lf_peaks = 1;
    return s;
  };
  r.steps = {step(6.5, -50, 12, 3000), step(6.0, -25, 15, 4000), step(5.5, 2, 19, 6000), step(5.0, 20, 17, 5500),
             step(4.5, 40, 16, 5000)};
  pneuma::app::score_steps(r);
  REQUIRE(r.recommended_bpm);
  CHECK(*r.recommended_bpm == 5.5);
  CHECK(r.confidence == Approx(1.0)); // every criterion agrees, clear margin, not at an edge
  REQUIRE(r.in_phase_bpm);
  CHECK(*r.in_phase_bpm == Approx(5.5 + 0.5 * 2 / 27.0)); // between 5.5 (+2 deg) and 6.0 (-25 deg)
  CHECK(*r.steps[2].criteria[0] == Approx(1 - (0.5 * 2 / 27.0) / 0.5)); // 0 at 0.5/min away
  CHECK(*r.steps[0].criteria[1] == Approx(12 / 19.0)); // the largest swing scores 1
  // A step off the pacer by the whole tolerance keeps half its score.
  auto off = r;
  off.steps[2].stats.breathing_bpm = 6.0;
  pneuma::app::score_steps(off);
  CHECK(*off.steps[2].score == Approx(*r.steps[2].score * 0.5));
  // One valid step cannot be compared with anything.
  for (std::size_t i = 1; i < r.steps.size(); ++i) r.steps[i].valid = false;
  pneuma::app::score_steps(r);
  CHECK_FALSE(r.recommended_bpm);
  CHECK(r.confidence == 0);
  CHECK(pneuma::app::AssessProtocol::stepped(6.5, 4.5, 0.5) == std::vector<double>{6.5, 6.0, 5.5, 5.0, 4.5});
  CHECK(pneuma::app::AssessProtocol::stepped(4.5, 6.0, 0.5) == std::vector<double>{4.5, 5.0, 5.5, 6.0});
}

TEST_CASE("assess: one step's phase dip is no resonance crossing when the farther steps deny it", "[app]") {
  // The steps of a simulated person resonating at 7/min (seed 3) as CI once measured them: HR
  // leads by 13..27 deg at four steps and lags by 8.5 deg at 5.0/min, with ~10 deg of phase
  // noise per step. A resonant loop's phase falls as the rate rises, so HR still leading by 20 deg
  // on average at 5.5-6.5 says the resonance is beyond 6.5, not at 4.8.
  auto step = [](double rate, double phase) {
    pneuma::app::StepResult s;
    s.rate_bpm = rate;
    s.valid = true;
    s.stats.breathing_bpm = rate;
    s.stats.phase_deg = phase;
    s.stats.p2t_bpm = 6 + rate; // RSA grows towards the fast end, as towards a resonance there
    s.stats.lf_ms2 = 300 * rate;
    s.stats.lf_peak_ms2_hz = 12000 * rate;
    s.stats.smoothness = 0.1 * rate;
    s.stats.lf_peaks = 1;
    return s;
  };
  pneuma::app::AssessResult dip;
  dip.steps = {step(6.5, 18.2), step(6.0, 15.5), step(5.5, 26.6), step(5.0, -8.5), step(4.5, 13.3)};
  pneuma::app::score_steps(dip, nullptr, 10.0);
  CHECK_FALSE(dip.in_phase_bpm);
  REQUIRE(dip.recommended_bpm);
  CHECK(*dip.recommended_bpm == 6.5);
  // Without a noise estimate the crossing is taken as found (a half scored on its own, before).
  auto unchecked = dip;
  pneuma::app::score_steps(unchecked);
  REQUIRE(unchecked.in_phase_bpm);
  CHECK(*unchecked.in_phase_bpm == Approx(4.5 + 0.5 * 13.3 / 21.8));
  // A real crossing, its farther steps agreeing within their noise, stands.
  pneuma::app::AssessResult turn;
  turn.steps = {step(6.5, -30), step(6.0, -12), step(5.5, 6), step(5.0, 3), step(4.5, 25)};
  pneuma::app::score_steps(turn, nullptr, 10.0);
  REQUIRE(turn.in_phase_bpm);
  CHECK(*turn.in_phase_bpm == Approx(5.5 + 0.5 * 6 / 18.0));
  // The same dip among steps whose noise is 20 deg is within it: the crossing stands.
  auto noisy = dip;
  pneuma::app::score_steps(noisy, nullptr, 20.0);
  CHECK(noisy.in_phase_bpm);
}

TEST_CASE("assess e2e: simulated persons of known resonance frequency are found within 0.5/min",
          "[e2e][slow]") {
  for (double rf : {5.0, 5.5, 6.0}) {
    TempDir dir;
    char source[64];
    std::snprintf(source, sizeof source, "--source sim:rf=%.1f,seed=7", rf);
    const auto j = assess(dir, std::string(source) + " --profile tester");
    INFO("rf " << rf << ": " << j.dump());
    REQUIRE(j["recommended_bpm"].is_number());
    CHECK(std::abs(j["recommended_bpm"].get<double>() - rf) <= 0.5 + 1e-9);
    CHECK(j["confidence"].get<double>() > 0.2);
    CHECK(j["confidence"].get<double>() <= 1.0);
    REQUIRE(j["steps"].size() == 5);
    for (std::size_t i = 0; i < 5; ++i) {
      auto const& s = j["steps"][i];
      CHECK(s["rate_bpm"].get<double>() == Approx(6.5 - 0.5 * static_cast<double>(i)));
      CHECK(s["valid"] == true);
      CHECK(s["window_s"][0].get<double>() == Approx(120.0 * static_cast<double>(i) + 45));
      CHECK(std::abs(s["breathing_bpm"].get<double>() - s["rate_bpm"].get<double>()) <= 0.5);
      for (const char* key : {"phase_deg", "p2t_bpm", "lf_ms2", "lf_peak_ms2_hz", "smoothness", "lf_peaks", "score"})
        CHECK(s[key].is_number());
    }
    // Stored on the profile, and `run` paces at it by default.
    pneuma::app::Store store(dir.path / "pneuma");
    const auto profile = store.find_profile("tester");
    REQUIRE(profile);
    REQUIRE(profile->rf_bpm);
    CHECK(*profile->rf_bpm == j["recommended_bpm"].get<double>());
    REQUIRE(store.assessments(profile->id).size() == 1);
    const auto run = run_process("XDG_DATA_HOME=" + dir.path.string() + " " + pneuma_binary() +
                                 " run --headless --minutes 0.05 --speed 50 --profile tester --no-record");
    REQUIRE(run.exit_code == 0);
    const auto first = nlohmann::json::parse(run.out.substr(0, run.out.find('\n')));
    CHECK(first["pacer_bpm"].get<double>() == j["recommended_bpm"].get<double>());

    if (rf == 5.5) { // the report of an assessment session carries the steps table
      const auto sessions = store.sessions(profile->id);
      REQUIRE(sessions.size() >= 1);
      const auto html = dir.path / "a.html";
      REQUIRE(run_process("XDG_DATA_HOME=" + dir.path.string() + " " + pneuma_binary() + " report " +
                          std::to_string(sessions.front().id) + " -o " + html.string())
                  .exit_code == 0);
      std::ifstream in(html);
      const std::string page{std::istreambuf_iterator<char>(in), {}};
      CHECK(page.find("id=\"assessment\"") != std::string::npos);
      CHECK(page.find("class=\"best\"") != std::string::npos);
    }
  }
}

TEST_CASE("assess e2e: a person who ignores the pacer or a strap full of artifacts gives no recommendation",
          "[e2e][slow]") {
  TempDir dir;
  const auto ignored = assess(dir, "--source sim:rf=5.5,follow=0 --no-store --rates 6,5 --step-minutes 1.5 --discard 30");
  INFO(ignored.dump());
  CHECK(ignored["recommended_bpm"].is_null());
  CHECK(ignored["confidence"].get<double>() == 0);
  for (auto const& s : ignored["steps"]) {
    CHECK(s["valid"] == false);
    CHECK(s["reason"].get<std::string>().find("did not follow the pacer") != std::string::npos);
  }
  const auto noisy = assess(dir, "--source sim:rf=5.5,ectopic=0.15 --no-store --rates 6,5 --step-minutes 1.5 --discard 30");
  INFO(noisy.dump());
  CHECK(noisy["recommended_bpm"].is_null());
  for (auto const& s : noisy["steps"]) {
    CHECK(s["valid"] == false);
    CHECK(s["reason"].get<std::string>().find("artifacts") != std::string::npos);
  }
}

TEST_CASE("assess e2e: a recording can be re-assessed offline, and bad settings are usage errors", "[e2e]") {
  TempDir dir;
  const auto edf = dir.path / "a.edf";
  const auto live = assess(dir, "--source sim:rf=5.0,seed=3 --no-store --rates 5.5,5,4.5 --step-minutes 1 --discard 20 --record " +
                                    edf.string());
  const auto again = run_process(pneuma_binary() + " assess --json --no-store --analyze " + edf.string() +
                                 " --discard 20");
  REQUIRE(again.exit_code == 0);
  const auto j = nlohmann::json::parse(again.out);
  CHECK(j["recommended_bpm"] == live["recommended_bpm"]);
  CHECK(j["steps"].size() == 3);
  for (const char* bad : {"--discard 200", "--from 20", "--step 0", "--rates 6,x", "--step-minutes 0.1"}) {
    INFO(bad);
    const auto r = run_process(pneuma_binary() + " assess --headless --no-store " + bad, true);
    CHECK(r.exit_code == 2);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  }
}

TEST_CASE("assess: over many persons, seeds and curve widths, no confident wrong rate", "[app]") {
  // Resonance rates 4.5-7 in quarter steps, four seeds each, and three curve widths: the
  // published one (q 5, half-power width ~1.2/min), a broad one (q 1.5, ~4/min) and a nearly flat
  // one (q 0.7). A result is right within 0.5/min, or says a range or a low confidence; a
  // confident wrong rate may come only from noise both halves of a step agree on (rare).
  for (double q : {5.0, 1.5, 0.7}) {
    int wrong = 0, ranges = 0, n = 0;
    for (double rf = 4.5; rf <= 7.0 + 1e-9; rf += 0.25)
      for (std::uint64_t seed = 500; seed < 504; ++seed) {
        const auto r = assess_simulated(rf, seed, q);
        ++n;
        REQUIRE(r.recommended_bpm);
        const bool right = std::abs(*r.recommended_bpm - rf) <= 0.5 + 1e-9;
        if (r.equally_good_bpm) ++ranges;
        if (!right && !r.equally_good_bpm && r.confidence >= 0.5) {
          ++wrong;
          std::printf("confidently wrong: q %.1f rf %.2f seed %llu: %s\n", q, rf, static_cast<unsigned long long>(seed),
                      r.to_json().dump().c_str());
        }
      }
    std::printf("assess q %.1f: %d of %d confidently wrong, %d ranges\n", q, wrong, n, ranges);
    CHECK(wrong <= (q >= 5 ? 0 : 1));
  }
}
