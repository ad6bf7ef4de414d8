// The session flow from a script: ratings, baseline, training, summary.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "record/record_journal.hpp"
#include "session/record_session.hpp"
#include "session/recordings.hpp"
#include "session/session_flow.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

using namespace pneuma::app;
using Catch::Matchers::WithinAbs;

namespace {
Metrics metrics(double hr, double rmssd, double breathing, double coherence, double quality) {
  Metrics m;
  m.hr_bpm = hr;
  m.rmssd_ms = rmssd;
  m.breathing_bpm = breathing;
  m.coherence = coherence;
  m.quality = quality;
  m.hrv_poor = false;
  return m;
}
} // namespace

TEST_CASE("session flow: a scripted session with ratings and baseline gives its summary", "[app][flow]") {
  SessionFlow flow({true, 60.0, 300.0, ScoreKind::coherence});
  REQUIRE(flow.stage() == FlowStage::rating_before);
  CHECK(flow.question() == RatingQuestion::tension);
  flow.choose(7);
  flow.confirm(5.0);
  CHECK(flow.question() == RatingQuestion::pain);
  flow.nudge(-1); // from the middle: 4
  flow.confirm(8.0);
  REQUIRE(flow.stage() == FlowStage::baseline);
  CHECK_FALSE(flow.pacer_running());
  double t = 8.0;
  for (; flow.stage() == FlowStage::baseline; t += 0.02)
    flow.tick(t, metrics(72, 30, 13, 0.5, 0.9), 6.0, {});
  CHECK_THAT(t, WithinAbs(68.0, 0.05));
  REQUIRE(flow.stage() == FlowStage::training);
  CHECK(flow.pacer_running());
  for (; flow.stage() == FlowStage::training; t += 0.02) {
    const double in = flow.stage_elapsed(t);
    // Breathing settles onto the pacer after a minute; HR falls, RMSSD rises; 20 s of poor data.
    const double br = in < 60 ? 9.0 : 6.05;
    const double q = (in > 100 && in < 120) ? 0.2 : 0.9;
    flow.tick(t, metrics(in < 150 ? 68 : 64, in < 150 ? 40 : 55, br, in < 150 ? 1.5 : 3.0, q), 6.0, {});
  }
  REQUIRE(flow.stage() == FlowStage::rating_after);
  flow.choose(3);
  flow.confirm(t);
  flow.skip(t); // pain not answered
  REQUIRE(flow.stage() == FlowStage::summary);
  const auto s = flow.summary();
  CHECK(s.before.tension == 7);
  CHECK(s.before.pain == 4);
  CHECK(s.after.tension == 3);
  CHECK(s.after.pain == -1);
  CHECK(s.start_is_baseline);
  CHECK_THAT(s.start.hr_bpm, WithinAbs(72, 1e-6));
  CHECK_THAT(s.start.breathing_bpm, WithinAbs(13, 1e-6));
  CHECK_THAT(s.end.hr_bpm, WithinAbs(64, 1e-6));
  CHECK_THAT(s.end.rmssd_ms, WithinAbs(55, 1e-6));
  CHECK_THAT(s.end.score, WithinAbs(3.0, 1e-6));
  CHECK_THAT(s.training_s, WithinAbs(300, 1.0));
  // Close to the pace from 60 s on, except the 20 poor seconds which cannot be judged.
  CHECK_THAT(s.measured_pace_s, WithinAbs(280, 2.0));
  CHECK_THAT(s.close_to_pace_s, WithinAbs(220, 2.0));
  flow.close();
  CHECK(flow.stage() == FlowStage::done);
}

TEST_CASE("session flow: without baseline the first minutes are the before period", "[app][flow]") {
  SessionFlow flow({false, 0.0, 200.0, ScoreKind::rmssd});
  REQUIRE(flow.stage() == FlowStage::training);
  double t = 0;
  for (; t < 90; t += 0.05) flow.tick(t, metrics(70, 35, 6, 1, 0.9), 6.0, {});
  flow.finish_stage(t); // the user ends early
  REQUIRE(flow.stage() == FlowStage::summary);
  const auto s = flow.summary();
  CHECK_FALSE(s.start_is_baseline);
  CHECK(s.ended_early);
  CHECK_THAT(s.start.score, WithinAbs(35, 1e-6)); // RMSSD is the chosen score
  CHECK_THAT(s.training_s, WithinAbs(90, 1.0));
}

TEST_CASE("session flow: means from poor data are unknown, not numbers", "[app][flow]") {
  SessionFlow flow({false, 0.0, 60.0, ScoreKind::coherence});
  for (double t = 0; flow.stage() == FlowStage::training; t += 0.1)
    flow.tick(t, metrics(70, 35, 6, 1, 0.3), 6.0, {});
  const auto s = flow.summary();
  CHECK(std::isnan(s.end.hr_bpm));
  CHECK(std::isnan(s.start.breathing_bpm));
  CHECK(s.end.good_seconds == 0);
  CHECK(s.measured_pace_s == 0);
}

TEST_CASE("session flow: RMSSD and the score only count seconds whose HRV is not poor", "[app][flow]") {
  SessionFlow flow({false, 0.0, 60.0, ScoreKind::coherence});
  for (double t = 0; flow.stage() == FlowStage::training; t += 0.1) {
    Metrics m = metrics(70, t < 30 ? 99 : 40, 6, t < 30 ? 9.0 : 2.0, 0.9);
    m.hrv_poor = t < 30; // the first half: too few clean beats yet
    flow.tick(t, m, 6.0, {});
  }
  const auto s = flow.summary();
  CHECK_THAT(s.end.rmssd_ms, WithinAbs(40, 1e-6));
  CHECK_THAT(s.end.score, WithinAbs(2.0, 1e-6));
  CHECK_THAT(s.end.hr_bpm, WithinAbs(70, 1e-6)); // heart rate itself is not HRV
}

TEST_CASE("recording names: sessions started in the same second get different files, each reserved",
          "[app]") {
  pneuma::test::TempDir dir;
  pneuma::app::Store store(dir.path);
  const auto a = pneuma::app::new_recording_path(store, "run");
  const auto b = pneuma::app::new_recording_path(store, "run");
  const auto c = pneuma::app::new_recording_path(store, "run");
  CHECK(a != b);
  CHECK(b != c);
  CHECK(a != c);
  // Reserved: created (empty) at once, so a concurrent process cannot pick the same name.
  CHECK(std::filesystem::exists(a));
  CHECK(std::filesystem::exists(b));
  CHECK(std::filesystem::file_size(c) == 0);
}

TEST_CASE("recovery: a session killed before its first record second leaves nothing behind and is "
          "marked interrupted",
          "[app]") {
  // What a kill in the first seconds leaves: the reserved (empty) recording, its journal, the
  // store row still "recording".
  pneuma::test::TempDir dir;
  Store store(dir.path);
  const auto path = new_recording_path(store, "run");
  { std::ofstream(journal_path(path)) << "# pneuma recording journal v1: onset_100us duration_100us text\n"; }
  SessionRow row;
  row.profile_id = store.ensure_profile(Store::kDefaultProfile, "home").id;
  row.recording = path.string();
  const auto id = store.begin_session(row);
  const auto messages = recover_interrupted_sessions(store);
  INFO((messages.empty() ? std::string() : messages.front()));
  CHECK(messages.empty());
  CHECK(store.sessions_with_status("recording").empty());
  const auto sessions = store.sessions();
  REQUIRE(sessions.size() == 1);
  CHECK(sessions[0].id == id);
  CHECK(sessions[0].status == "interrupted");
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(journal_path(path)));
}
