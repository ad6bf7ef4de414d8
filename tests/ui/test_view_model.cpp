// The view models (src/view): what the window shows, as plain data, without SDL.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "view/score_texts.hpp"
#include "view/screen_view_models.hpp"
#include "view/trainer_view_model.hpp"

using namespace pneuma;
using app::Tone;
using State = drivers::DeviceStatus::State;

namespace {
/// A training second with good belt breaths, good beats and clean HRV.
app::TrainerState training_state() {
  app::TrainerState s;
  s.timeline = app::PacerTimeline({6.0, 1.0, 1.5, 0, 0});
  s.session_s = s.stage_elapsed_s = 100.3;
  s.pacer = s.timeline.at(s.session_s);
  s.stage_length_s = 600;
  s.audio = true;
  auto& m = s.metrics;
  m.breath_rate_bpm = 5.91;
  m.breath_quality = 0.8;
  m.breathing_bpm = 6.02;
  m.breathing_quality = 0.9;
  m.hr_bpm = 66;
  m.quality = 0.88;
  m.coherence = 2.4;
  m.rmssd_ms = 48;
  m.rsa_bpm = 14.6;
  m.hrv_poor = false;
  m.status = drivers::DeviceStatus::make(0, State::streaming, "sim");
  s.follow = {0.82, 0.6};
  return s;
}
} // namespace

TEST_CASE("view model: the breathing rate shown is the belt's breaths while they are good, else spectral", "[ui]") {
  auto s = training_state();
  auto vm = app::make_view_model(s);
  CHECK(vm.breathing_rate.source == app::RateSource::breaths);
  CHECK(vm.breathing_rate.bpm == 5.91);
  CHECK(vm.breathing.text == "5.9");
  CHECK(vm.breathing.trusted);
  CHECK(vm.compact_breathing == "Breathing 5.9 /min");

  s.metrics.breath_quality = 0.3; // the belt's breaths turn poor: the spectral rate takes over
  app::update_view_model(vm, s);
  CHECK(vm.breathing_rate.source == app::RateSource::spectral);
  CHECK(vm.breathing_rate.bpm == 6.02);
  CHECK(vm.breathing_rate.quality == 0.9);
  CHECK(vm.breathing.text == "6.0");
  CHECK(vm.breathing.trusted);

  s.metrics.breath_rate_bpm = app::kUnknown; // no breaths at all
  s.metrics.breath_quality = 0.9;
  app::update_view_model(vm, s);
  CHECK(vm.breathing_rate.source == app::RateSource::spectral);
  CHECK(vm.breathing.text == "6.0");

  s.metrics.breathing_quality = 0.2; // the spectral peak is poor too: greyed, with a "?"
  app::update_view_model(vm, s);
  CHECK(vm.breathing.text == "6.0?");
  CHECK_FALSE(vm.breathing.trusted);
  CHECK_FALSE(app::shown_breathing(s.metrics).trusted);
}

TEST_CASE("view model: unknown numbers are \"?\" and the score line says why it cannot be read", "[ui]") {
  auto s = training_state();
  s.metrics.coherence = app::kUnknown;
  s.metrics.hr_bpm = app::kUnknown;
  s.metrics.rsa_bpm = app::kUnknown;
  s.metrics.breath_rate_bpm = s.metrics.breathing_bpm = app::kUnknown;
  auto vm = app::make_view_model(s);
  CHECK(vm.score.value.text == "?");
  CHECK_FALSE(vm.score.value.trusted);
  CHECK(vm.score.meaning == "Not known yet: needs a minute of clean beats.");
  CHECK(vm.score.meaning_tone == Tone::faint);
  CHECK(vm.heart.text == "?");
  CHECK(vm.breathing.text == "?");
  CHECK(vm.compact_heart == "Heart ? bpm");
  CHECK(vm.swing.empty()); // no "swing ? bpm": the line is left out

  s = training_state();
  s.metrics.hrv_poor = true; // a number from poor beats: shown, greyed, with the warning
  app::update_view_model(vm, s);
  CHECK(vm.score.value.text == "2.4?");
  CHECK(vm.score.meaning.find("From poor data") == 0);
  CHECK(vm.score.meaning_tone == Tone::warn);

  s = training_state();
  app::update_view_model(vm, s);
  CHECK(vm.score.value.text == "2.4");
  CHECK(vm.score.meaning == app::coherence_meaning());
  CHECK(vm.score.meaning_tone == Tone::muted);
  CHECK(vm.swing == "swing 15 bpm");
}

TEST_CASE("view model: the score line gives name, unit and meaning for each score", "[ui]") {
  auto s = training_state();
  struct Case {
    app::ScoreKind kind;
    const char *name, *unit, *value;
  };
  for (auto const& c : {Case{app::ScoreKind::coherence, "Coherence", "", "2.4"},
                        Case{app::ScoreKind::rsa, "RSA", "bpm", "15"},
                        Case{app::ScoreKind::rmssd, "RMSSD", "ms", "48"}}) {
    s.score = c.kind;
    const auto vm = app::make_view_model(s);
    INFO(c.name);
    CHECK(vm.score.name == c.name);
    CHECK(vm.score.unit == c.unit);
    CHECK(vm.score.value.text == c.value);
    CHECK(vm.score.meaning == app::score_meaning(c.kind));
    CHECK(vm.score_title == std::string(c.name) + "  (click or c: change)");
  }
}

TEST_CASE("view model: device states have their words and dot tones", "[ui]") {
  struct Case {
    State state;
    const char* words;
    Tone tone;
  };
  for (auto const& c : {Case{State::connecting, "connecting", Tone::nearly}, Case{State::streaming, "streaming", Tone::good},
                        Case{State::stalled, "stalled", Tone::warn}, Case{State::lost, "lost", Tone::bad},
                        Case{State::reconnecting, "reconnecting", Tone::nearly}, Case{State::error, "error", Tone::bad},
                        Case{State::ended, "ended", Tone::muted}}) {
    INFO(c.words);
    CHECK(app::device_state_words(c.state) == c.words);
    CHECK(app::device_state_tone(c.state) == c.tone);
  }
  auto s = training_state();
  s.metrics.battery_pct = 80;
  auto vm = app::make_view_model(s);
  CHECK(vm.device_line == "streaming \u00b7 battery 80% \u00b7 signal good"); // the source's name is not news
  CHECK(vm.device_dot == Tone::good);
  CHECK(vm.device_line_tone == Tone::muted);
  s.metrics.status = drivers::DeviceStatus::make(1, State::reconnecting, "link down, retry in 2 s");
  s.metrics.battery_pct = -1;
  s.metrics.quality = 0.55;
  app::update_view_model(vm, s);
  CHECK(vm.device_line == "reconnecting: link down, retry in 2 s \u00b7 signal fair");
  CHECK(vm.device_dot == Tone::nearly);
  CHECK(vm.device_line_tone == Tone::warn); // not streaming
  app::ClinicianViewModel cvm;
  app::update_clinician_view(cvm, s, nullptr, false, {});
  CHECK(cvm.status == "Clinician \u00b7 reconnecting: link down, retry in 2 s");
  CHECK(cvm.device_dot == Tone::nearly);
}

TEST_CASE("view model: the sound button says whether there is sound, muted, or its volume", "[ui]") {
  std::string words;
  app::assign_sound_words(words, false, false, 0.5);
  CHECK(words == "no sound");
  app::assign_sound_words(words, false, true, 0.5);
  CHECK(words == "no sound"); // no device: muting changes nothing
  app::assign_sound_words(words, true, true, 0.5);
  CHECK(words == "muted");
  app::assign_sound_words(words, true, false, 0.5);
  CHECK(words == "sound 50%");
  app::assign_sound_words(words, true, false, 0.8);
  CHECK(words == "sound 80%");
  auto s = training_state();
  s.muted = true;
  auto vm = app::make_view_model(s);
  CHECK(vm.sound_button == "muted");
  // Both windows say the same: the clinician's button once said "sound" where the patient's
  // said "no sound".
  app::ClinicianViewModel cvm;
  app::update_clinician_view(cvm, s, nullptr, false, {});
  CHECK(cvm.sound_button == "muted");
  s.muted = false;
  for (const bool audio : {true, false}) {
    s.audio = audio;
    app::update_clinician_view(cvm, s, nullptr, false, {});
    CHECK(cvm.sound_button == app::make_view_model(s).sound_button);
  }
  CHECK(cvm.sound_button == "no sound");
}

TEST_CASE("view model: the phase word, the follow card and the top bar follow the session's stage", "[ui]") {
  auto s = training_state();
  s.session_s = s.stage_elapsed_s = 0.5; // 4 s inhale just begun
  s.pacer = s.timeline.at(s.session_s);
  auto vm = app::make_view_model(s);
  CHECK(vm.phase_word == "breathe in");
  CHECK(vm.phase_detail == "4");
  CHECK(vm.timer == "00:00 / 10:00");
  CHECK(vm.stage_line == "Training \u00b7 6.0 breaths/min \u00b7 in:out 1:1.5");
  CHECK(vm.follow_word == "in step");
  CHECK(vm.follow_word_tone == Tone::good);
  // One lag: the end of the in-breath against the pacer's, from the detected breaths; the
  // follow score's correlation lag (0.6 s here) is never shown.
  CHECK(vm.follow_detail == "needs a breathing belt signal"); // no belt sample in this state
  s.metrics.pacer_lag_s = 1.1;
  app::update_view_model(vm, s);
  CHECK(vm.follow_detail == "in-breath ends 1.1 s after the pacer's");
  s.metrics.pacer_lag_s = -0.9;
  app::update_view_model(vm, s);
  CHECK(vm.follow_detail == "in-breath ends 0.9 s before the pacer's");
  s.metrics.pacer_lag_s = 0.2; // within the detector's timing scatter
  app::update_view_model(vm, s);
  CHECK(vm.follow_detail == "in-breath ends with the pacer's");
  // Warming up while a belt streams: it is measuring, it does not ask for a belt.
  s.follow = {};
  s.metrics.pacer_lag_s = app::kUnknown;
  s.metrics.belt = 512;
  app::update_view_model(vm, s);
  CHECK(vm.follow_detail == "measuring: about 20 s of breathing first");
  s.follow = {0.82, 0.6}; // the follow score is known, the breaths' timing not yet
  app::update_view_model(vm, s);
  CHECK(vm.follow_detail == "timing: needs a few clear breaths");
  s.metrics.belt = app::kUnknown; // the belt is gone
  s.follow = {};
  app::update_view_model(vm, s);
  CHECK(vm.follow_detail == "needs a breathing belt signal");
  s.follow = {0.82, 0.6};

  s.paused = true;
  app::update_view_model(vm, s);
  CHECK(vm.phase_word == "paused");
  CHECK(vm.phase_tone == Tone::warn);
  CHECK(vm.phase_detail == "press space to go on");
  CHECK(vm.follow_word == "paused");
  CHECK(vm.pause_button == "resume");
  s.patient = true; // nothing to press on the patient's screen
  app::update_view_model(vm, s);
  CHECK(vm.phase_detail.empty());

  s = training_state();
  s.stage = app::FlowStage::baseline;
  s.stage_length_s = 60;
  s.stage_elapsed_s = 15;
  app::update_view_model(vm, s);
  CHECK(vm.phase_word == "breathe as you like");
  CHECK(vm.phase_detail == "measuring your resting rhythm \u00b7 00:45 left");
  CHECK(vm.stage_line == "Baseline \u00b7 breathe as you like");
  CHECK(vm.follow_word == "not yet");
  CHECK(vm.follow_detail == "starts with the training");
  CHECK(vm.progress == Approx(0.25));

  s = training_state();
  s.gliding = true;
  app::update_view_model(vm, s);
  CHECK(vm.stage_line == "Slowing down towards 6.0 /min");
  s.gliding = false;
  s.timeline = app::PacerTimeline({5.5, 1.0, 1.0, 2.0, 1.0});
  s.pacer = s.timeline.at(s.session_s);
  app::update_view_model(vm, s);
  CHECK(vm.stage_line == "Training \u00b7 5.5 breaths/min \u00b7 in:out 1:1 \u00b7 holds 2/1 s");
  CHECK(vm.rate_button == "5.5 /min");
}

TEST_CASE("view model: the clinician's rows show each number with its trust, and the last three markers", "[ui]") {
  auto s = training_state();
  s.metrics.breath_quality = 0.3;
  s.metrics.sdnn_ms = app::kUnknown;
  s.metrics.samples = 12345;
  s.metrics.dropped = 3;
  std::vector<app::EventMarker> markers{{10, "cough"}, {20, ""}, {30, "talked"}, {65, "moved"}};
  app::ClinicianViewModel vm;
  app::update_clinician_view(vm, s, &markers, false, {});
  auto row = [&](std::string_view name) -> app::ShownValue const& {
    for (auto const& r : vm.rows)
      if (r.name == name) return r.value;
    FAIL("no row " << name);
    return vm.rows[0].value;
  };
  CHECK(row("Pacer").text == "6.0 /min  1:1.5  holds 0/0 s");
  CHECK(row("Breathing /min (breaths)").text == "5.91?"); // poor breaths: greyed
  CHECK_FALSE(row("Breathing /min (breaths)").trusted);
  CHECK(row("Breathing /min (spectral)").text == "6.02");
  CHECK(row("Follow").text == "in step  r 0.82"); // no second lag beside the breaths' one
  CHECK(row("Lag, end of in-breath").text == "?");
  CHECK(row("SDNN ms (5 min)").text == "?");
  CHECK(row("Battery %").text == "?");
  CHECK(row("Samples / lost").text == "12345 / 3");
  CHECK(vm.stage_line == "training  01:40 / 10:00");
  CHECK(vm.notes_line == "Markers (n: add one with a note)");
  REQUIRE(vm.marker_lines.size() == 3);
  CHECK(vm.marker_lines[0] == "00:20  (no note)");
  CHECK(vm.marker_lines[2] == "01:05  moved");
  // The lag row shows the training card's lag, with the share of breaths in phase.
  s.metrics.pacer_lag_s = 1.1;
  s.metrics.pacer_in_phase = 0.8;
  app::update_clinician_view(vm, s, &markers, false, {});
  CHECK(row("Lag, end of in-breath").text == "+1.1 s  (80 % in phase)");
  CHECK(app::make_view_model(s).follow_detail == "in-breath ends 1.1 s after the pacer's");
  app::update_clinician_view(vm, s, &markers, true, "leg cra");
  CHECK(vm.notes_line == "Note: leg cra_   (Enter saves, Esc cancels)");
  CHECK(vm.notes_tone == Tone::nearly);
}

TEST_CASE("view model: a frame's model reuses the strings of the last one", "[ui]") {
  auto s = training_state();
  app::TrainerViewModel vm;
  app::update_view_model(vm, s);
  const char* device = vm.device_line.data();
  const char* stage = vm.stage_line.data();
  const char* meaning_source = vm.follow_detail.data();
  for (int i = 0; i < 100; ++i) {
    s.session_s = s.stage_elapsed_s = 100.3 + i / 60.0;
    s.pacer = s.timeline.at(s.session_s);
    app::update_view_model(vm, s);
  }
  CHECK(vm.device_line.data() == device);
  CHECK(vm.stage_line.data() == stage);
  CHECK(vm.follow_detail.data() == meaning_source);
}

TEST_CASE("summary view: rows say \"?\" and why when a period had no clean data", "[ui]") {
  app::SessionSummary s;
  s.training_s = 240;
  s.start.seconds = s.end.seconds = 120; // the first and last 2 min of a 4-minute session
  s.start.hr_bpm = 70;
  s.end.hr_bpm = 64;
  s.start.breathing_bpm = 8.04;
  s.end.breathing_bpm = 6.0;
  s.score = app::ScoreKind::rmssd;
  const auto v = app::make_summary_view(s);
  CHECK(v.title == "Session complete");
  CHECK(v.subtitle == "04:00 of paced breathing");
  CHECK(v.before_head == "before (first 2 min)");
  CHECK(v.after_head == "after (last 2 min)");
  CHECK(v.score_typical == "RMSSD: typical during slow breathing: 20-75 ms (less with age)");
  CHECK(v.notes.empty());
  CHECK(v.rows[0].before == "70 bpm");
  CHECK(v.rows[0].change == "-6");
  CHECK(v.rows[2].change == "-2.0");
  CHECK(v.rows[1].before == "?");
  CHECK_FALSE(v.rows[1].before_known);
  CHECK(v.rows[1].change == "not enough clean data");
  CHECK(v.rows[3].name == "RMSSD");
  CHECK(v.pace_line == "Close to the pace: not measured (no clean breathing signal)");
  CHECK(v.pace_fraction < 0);
  CHECK(v.ratings_line.empty());

  s.measured_pace_s = 200;
  s.close_to_pace_s = 150;
  s.before = {6, 3};
  s.after = {4, -1};
  s.ended_early = true;
  const auto w = app::make_summary_view(s);
  CHECK(w.title == "Session ended");
  CHECK(w.pace_line == "Close to the pace: 02:30 of 03:20 (75%)");
  CHECK(w.pace_fraction == Approx(0.75));
  CHECK(w.ratings_line == "Tension 6 \u2192 4      Pain 3 \u2192 -");
}

TEST_CASE("summary view: the periods' heads say how long they really are", "[ui]") {
  // A 1-minute session without a baseline: its two halves, named as such (it said "last 2 min").
  app::FlowOptions o;
  o.training_s = 60;
  o.ratings = false;
  app::SessionFlow flow(o);
  app::Metrics m;
  m.quality = 0.9;
  m.hr_bpm = 70;
  for (int t = 0; t <= 61; ++t) flow.tick(t, m, 6.0, {});
  const auto v = app::make_summary_view(flow.summary(), "Breathe low, into the belly.");
  CHECK(v.before_head == "before (first 30 s)");
  CHECK(v.after_head == "after (last 30 s)");
  CHECK(v.notes == "From your plan: Breathe low, into the belly.");
  CHECK(app::period_words(60) == "1 min");
  CHECK(app::period_words(150) == "2.5 min");
  CHECK(app::period_words(45) == "45 s");
}

TEST_CASE("rating view: the question, the scale's ends and the one next button", "[ui]") {
  auto v = app::make_rating_view({false, app::RatingQuestion::tension, -1});
  CHECK(v.heading == "Before we start");
  CHECK(v.question == "How tense do you feel right now?");
  CHECK(v.low == "relaxed");
  CHECK(v.next == "skip"); // nothing chosen: going on skips (no "skip" beside "next (skip)")
  CHECK_FALSE(v.next_on);
  CHECK(v.keys.find("0-10") != std::string_view::npos);
  v = app::make_rating_view({true, app::RatingQuestion::pain, 4});
  CHECK(v.heading == "After the session");
  CHECK(v.high == "worst pain");
  CHECK(v.next == "next");
  CHECK(v.next_on);
}
