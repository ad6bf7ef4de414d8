// Resonance-frequency assessment end to end: simulated persons of known resonance frequency, the
// compliance and artifact gates, the profile's rate used by `run`, and the offline re-analysis.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

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

} // namespace

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
