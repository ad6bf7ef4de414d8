#include "view/trainer_view_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "view/score_texts.hpp"

namespace pneuma::app {
namespace {
constexpr double kTrusted = 0.5; // quality from which a number is drawn as a fact

using Clock = ClockText;

void assign_timer(std::string& out, double elapsed_s, double length_s) {
  if (length_s > 0)
    assign_format(out, "%s / %s", Clock(elapsed_s).text, Clock(length_s).text);
  else
    out.assign(Clock(elapsed_s).text);
}

std::string_view signal_words(double quality) noexcept {
  const int pct = static_cast<int>(std::lround(100 * std::clamp(quality, 0.0, 1.0)));
  return pct >= 70 ? "good" : pct >= 50 ? "fair" : "poor";
}
} // namespace

std::string_view shape_name(PacerShape shape) noexcept {
  switch (shape) {
  case PacerShape::bar: return "bar";
  case PacerShape::wave: return "wave";
  default: return "circle";
  }
}

PacerShape parse_shape(std::string_view text) {
  if (text == "circle") return PacerShape::circle;
  if (text == "bar") return PacerShape::bar;
  if (text == "wave") return PacerShape::wave;
  throw std::invalid_argument("shape '" + std::string(text) + "' is not known (expected circle, bar or wave)");
}

ShownBreathing shown_breathing(Metrics const& m) noexcept {
  const BreathingRate rate = breathing_rate(m);
  ShownBreathing out;
  out.bpm = rate.bpm;
  out.quality = rate.quality;
  // breathing_rate() hands back the belt's breath-by-breath pair itself when it chose it.
  const bool from_breaths = std::isfinite(rate.bpm) && rate.bpm == m.breath_rate_bpm &&
                            rate.quality == m.breath_quality;
  out.source = from_breaths ? RateSource::breaths : RateSource::spectral;
  out.trusted = std::isfinite(rate.bpm) && rate.quality >= kTrusted;
  return out;
}

std::string_view breathing_doubt_words(dsp::RsaDoubt doubt) noexcept {
  switch (doubt) {
  case dsp::RsaDoubt::fast_breathing: return "heart rhythm cannot follow breathing this fast";
  case dsp::RsaDoubt::ectopy: return "too many irregular beats to read breathing";
  case dsp::RsaDoubt::low_hrv: return "heart rhythm varies too little to read breathing";
  case dsp::RsaDoubt::irregular: return "heart rhythm shows no steady breathing rhythm";
  case dsp::RsaDoubt::none: break;
  }
  return {};
}

std::string_view device_state_words(drivers::DeviceStatus::State state) noexcept {
  using S = drivers::DeviceStatus::State;
  switch (state) {
  case S::connecting: return "connecting";
  case S::streaming: return "streaming";
  case S::stalled: return "stalled";
  case S::lost: return "lost";
  case S::reconnecting: return "reconnecting";
  case S::error: return "error";
  case S::ended: return "ended";
  }
  return "unknown";
}

Tone device_state_tone(drivers::DeviceStatus::State state) noexcept {
  using S = drivers::DeviceStatus::State;
  switch (state) {
  case S::streaming: return Tone::good;
  case S::connecting:
  case S::reconnecting: return Tone::nearly;
  case S::stalled: return Tone::warn;
  case S::lost:
  case S::error: return Tone::bad;
  default: return Tone::muted;
  }
}

Tone follow_tone(FollowLevel level) noexcept {
  switch (level) {
  case FollowLevel::in_step: return Tone::good;
  case FollowLevel::close: return Tone::nearly;
  case FollowLevel::off_pace: return Tone::warn;
  default: return Tone::faint;
  }
}

void assign_sound_words(std::string& out, bool audio, bool muted, double volume) {
  if (!audio)
    out.assign("no sound");
  else if (muted)
    out.assign("muted");
  else
    assign_format(out, "sound %d%%", static_cast<int>(std::lround(volume * 100)));
}

void assign_score_line(ScoreLine& out, ScoreKind kind, Metrics const& m) {
  const double v = score_value(kind, m);
  const bool good = m.quality >= kTrusted && !m.hrv_poor;
  assign_shown(out.value, v, kind == ScoreKind::coherence ? 1 : 0, good);
  out.name = score_name(kind);
  out.unit = score_unit(kind);
  if (!std::isfinite(v)) {
    out.meaning = "Not known yet: needs a minute of clean beats.";
    out.meaning_tone = Tone::faint;
  } else if (!out.value.trusted) {
    out.meaning = "From poor data (few clean beats or many corrected): read it as a rough guess.";
    out.meaning_tone = Tone::warn;
  } else {
    out.meaning = score_meaning(kind);
    out.meaning_tone = Tone::muted;
  }
  out.typical = score_typical(kind);
}

double shown_lag_s(Metrics const& m) noexcept { return m.pacer_lag_s; }

void assign_lag_words(std::string& out, double lag_s) {
  if (!std::isfinite(lag_s))
    out.clear();
  else if (std::abs(lag_s) < 0.3) // within the breath detector's timing scatter
    out.assign("in-breath ends with the pacer's");
  else
    assign_format(out, "in-breath ends %.1f s %s the pacer's", std::abs(lag_s), lag_s > 0 ? "after" : "before");
}

void assign_heart_follows_words(std::string& out, double lag_s, dsp::PhaseWithheld why) {
  if (std::isfinite(lag_s)) {
    if (std::abs(lag_s) < 0.2) // within a 4-Hz grid step and the beats' own timing
      out.assign("heart in step with breath");
    else
      assign_format(out, "heart %s breath by %.1f s", lag_s > 0 ? "follows" : "leads", std::abs(lag_s));
  } else if (why == dsp::PhaseWithheld::no_breathing || why == dsp::PhaseWithheld::none) {
    out.clear();
  } else {
    out.assign("heart vs breath: ? (").append(dsp::phase_withheld_words(why)).append(")");
  }
}

bool breath_signal_streaming(Metrics const& m) noexcept {
  return m.status.state == drivers::DeviceStatus::State::streaming && std::isfinite(m.belt);
}

void update_view_model(TrainerViewModel& out, TrainerState const& s) {
  auto const& m = s.metrics;
  auto const& set = s.timeline.settings();
  // Top bar: device state and signal, what is happening, the stage's clock.
  out.progress = s.stage_length_s > 0 ? std::clamp(s.stage_elapsed_s / s.stage_length_s, 0.0, 1.0) : 0.0;
  assign_timer(out.timer, s.stage_elapsed_s, s.stage_length_s);
  const auto& st = m.status;
  const bool streaming = st.state == drivers::DeviceStatus::State::streaming;
  out.device_dot = device_state_tone(st.state);
  out.device_line.assign(device_state_words(st.state));
  if (!streaming && !st.message().empty()) out.device_line.append(": ").append(st.message());
  if (m.battery_pct >= 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " \u00b7 battery %d%%", m.battery_pct);
    out.device_line.append(buf);
  }
  out.device_line.append(" \u00b7 signal ").append(signal_words(m.quality));
  const int quality = static_cast<int>(std::lround(100 * std::clamp(m.quality, 0.0, 1.0)));
  out.device_line_tone = streaming && quality >= 50 ? Tone::muted : Tone::warn;
  if (s.stage == FlowStage::baseline) {
    out.stage_line.assign("Baseline \u00b7 breathe as you like");
  } else if (s.gliding) {
    assign_format(out.stage_line, "Slowing down towards %.1f /min", set.rate_bpm);
  } else {
    assign_format(out.stage_line, "Training \u00b7 %.1f breaths/min \u00b7 in:out %g:%g", s.pacer.rate_bpm,
                  set.inhale_parts, set.exhale_parts);
    if (set.hold_in_s > 0 || set.hold_out_s > 0) {
      char buf[64];
      std::snprintf(buf, sizeof buf, " \u00b7 holds %g/%g s", set.hold_in_s, set.hold_out_s);
      out.stage_line.append(buf);
    }
  }
  // The phase word and under it how long the phase lasts (or a hint).
  if (s.stage == FlowStage::baseline) {
    out.phase_word = "breathe as you like";
    out.phase_tone = Tone::text;
    assign_format(out.phase_detail, "measuring your resting rhythm \u00b7 %s left",
                  Clock(std::max(0.0, s.stage_length_s - s.stage_elapsed_s)).text);
  } else if (s.paused) {
    out.phase_word = "paused";
    out.phase_tone = Tone::warn;
    if (s.patient)
      out.phase_detail.clear();
    else
      out.phase_detail.assign("press space to go on");
  } else {
    out.phase_word = to_prompt(s.pacer.phase);
    out.phase_tone = Tone::text;
    const int left = static_cast<int>(std::ceil(std::max(0.0, s.pacer.phase_left_s) - 1e-6));
    assign_format(out.phase_detail, "%d", std::max(1, left));
  }
  // Card 1: following the pacer, in a word and a colour, and the lag in words (shown_lag_s: the
  // one definition). While the follow score warms up (its 20 s window, a few breaths for the
  // lag) with any breathing source streaming, it says so and names the source.
  const auto level = follow_level(s.follow);
  const bool measuring = !s.paused && s.stage == FlowStage::training;
  out.follow_word = measuring ? follow_words(level) : s.paused ? "paused" : "not yet";
  out.follow_word_tone = measuring ? follow_tone(level) : Tone::faint;
  const double lag = shown_lag_s(m);
  if (!measuring) {
    out.follow_detail.assign(s.paused ? "press space to go on" : "starts with the training");
  } else if (std::isfinite(lag)) {
    assign_lag_words(out.follow_detail, lag);
  } else if (m.breathing_source == dsp::BreathingSource::none && !std::isfinite(m.belt)) {
    out.follow_detail.assign("needs a breathing signal: a belt, or a chest strap's heart beats");
  } else if (m.breathing_doubt != dsp::RsaDoubt::none) {
    out.follow_detail.assign(breathing_doubt_words(m.breathing_doubt));
  } else if (std::isfinite(s.follow.score)) {
    out.follow_detail.assign("timing: needs a few clear breaths");
  } else {
    out.follow_detail.assign("measuring: about 20 s of breathing first");
  }
  // Card 2: breathing and heart rate.
  out.breathing_rate = shown_breathing(m);
  assign_shown(out.breathing, out.breathing_rate.bpm, 1, out.breathing_rate.trusted);
  assign_shown(out.heart, m.hr_bpm, 0, m.quality >= kTrusted);
  assign_format(out.pacer_rate, "pacer %.1f /min", s.pacer.rate_bpm);
  if (std::isfinite(m.rsa_bpm))
    assign_format(out.swing, "swing %.0f bpm", m.rsa_bpm);
  else
    out.swing.clear();
  assign_heart_follows_words(out.heart_follows, m.hr_resp_lag_s, m.hr_resp_withheld);
  if (m.breathing_doubt != dsp::RsaDoubt::none)
    out.breathing_from.assign(breathing_doubt_words(m.breathing_doubt));
  else if (m.breathing_source != dsp::BreathingSource::none)
    out.breathing_from.assign("breathing from: ").append(breathing_source_words(m.breathing_source));
  else
    out.breathing_from.clear();
  // The heart numbers' signal, when it is not an ECG strap's: an optical sensor's pulse beats.
  if (m.beats_optical) out.breathing_from.append(out.breathing_from.empty() ? "" : "; ").append(kBeatsOpticalWords);
  // Card 3: the chosen score and what it means.
  assign_score_line(out.score, s.score, m);
  out.score_title.assign(out.score.name).append("  (click or c: change)");
  // Narrow windows.
  assign_format(out.compact_breathing, "Breathing %s /min", out.breathing.text.c_str());
  assign_format(out.compact_heart, "Heart %s bpm", out.heart.text.c_str());
  out.compact_follow = follow_words(level);
  out.compact_follow_tone = follow_tone(level);
  // Buttons.
  assign_format(out.rate_button, "%.1f /min", set.rate_bpm);
  out.pause_button = s.paused ? "resume" : "pause";
  assign_sound_words(out.sound_button, s.audio, s.muted, s.volume);
  out.fullscreen_button = s.fullscreen ? "window" : "full screen";
  out.shape_buttons = {shape_name(PacerShape::circle), shape_name(PacerShape::bar), shape_name(PacerShape::wave)};
}

TrainerViewModel make_view_model(TrainerState const& s) {
  TrainerViewModel vm;
  update_view_model(vm, s);
  return vm;
}

void update_clinician_view(ClinicianViewModel& out, TrainerState const& s,
                           std::vector<EventMarker> const* markers, bool editing_note,
                           std::string const& note) {
  auto const& m = s.metrics;
  auto const& st = m.status;
  out.device_dot = device_state_tone(st.state);
  out.status.assign("Clinician \u00b7 ").append(device_state_words(st.state));
  if (!st.message().empty()) out.status.append(": ").append(st.message());
  const char* stage = s.stage == FlowStage::baseline   ? "baseline"
                      : s.stage == FlowStage::training ? (s.paused ? "training (paused)" : "training")
                      : s.stage == FlowStage::summary  ? "summary"
                                                       : "self-rating";
  assign_format(out.stage_line, "%s  %s / %s", stage, Clock(s.stage_elapsed_s).text, Clock(s.stage_length_s).text);

  const bool good = m.quality >= kTrusted;
  const bool hrv_ok = good && !m.hrv_poor;
  auto const& set = s.timeline.settings();
  std::size_t i = 0;
  auto row = [&](std::string_view name) -> ShownValue& {
    out.rows[i].name = name;
    return out.rows[i++].value;
  };
  {
    auto& v = row("Pacer");
    assign_format(v.text, "%.1f /min  %g:%g  holds %g/%g s", s.pacer.rate_bpm, set.inhale_parts, set.exhale_parts,
                  set.hold_in_s, set.hold_out_s);
    v.trusted = true;
  }
  assign_shown(row("Breathing /min (breaths)"), m.breath_rate_bpm, 2, m.breath_quality >= kTrusted);
  assign_shown(row("Breathing /min (spectral)"), m.breathing_bpm, 2, m.breathing_quality >= kTrusted);
  {
    // The same lag as the training card (shown_lag_s), with the share of breaths in phase.
    auto& v = row("In-breath lag");
    const double lag = shown_lag_s(m);
    v.trusted = std::isfinite(lag);
    if (!v.trusted)
      v.text.assign("?");
    else if (std::isfinite(m.pacer_in_phase))
      assign_format(v.text, "%+.1f s \u00b7 %.0f%% in phase", lag, 100 * m.pacer_in_phase);
    else
      assign_format(v.text, "%+.1f s", lag);
  }
  {
    auto& v = row("Follow");
    v.trusted = std::isfinite(s.follow.score);
    const std::string_view words = follow_words(follow_level(s.follow));
    if (v.trusted)
      assign_format(v.text, "%.*s  r %.2f", static_cast<int>(words.size()), words.data(), s.follow.score);
    else
      assign_format(v.text, "%.*s  ?", static_cast<int>(words.size()), words.data());
  }
  assign_shown(row(m.beats_optical ? "Heart bpm (optical PPI)" : "Heart rate bpm"), m.hr_bpm, 1, good);
  assign_shown(row("RMSSD ms (60 s)"), m.rmssd_ms, 1, hrv_ok);
  assign_shown(row("SDNN ms (5 min)"), m.sdnn_ms, 1, hrv_ok);
  assign_shown(row("Coherence"), m.coherence, 2, hrv_ok);
  assign_shown(row("RSA bpm"), m.rsa_bpm, 1, hrv_ok);
  assign_shown(row("Artifacts %"), m.artifact_pct, 1, true);
  assign_shown(row("Signal quality"), 100 * m.quality, 0, true);
  assign_shown(row("Battery %"), m.battery_pct >= 0 ? m.battery_pct : kUnknown, 0, true);
  {
    auto& v = row("Samples / lost");
    assign_format(v.text, "%llu / %llu", static_cast<unsigned long long>(m.samples),
                  static_cast<unsigned long long>(m.dropped));
    v.trusted = true;
  }

  if (editing_note) {
    out.notes_line.assign("Note: ").append(note).append("_   (Enter saves, Esc cancels)");
    out.notes_tone = Tone::nearly;
  } else {
    out.notes_line.assign("Markers (n: add one with a note)");
    out.notes_tone = Tone::muted;
  }
  const std::size_t n = markers != nullptr ? markers->size() : 0;
  const std::size_t first = n > 3 ? n - 3 : 0;
  out.marker_lines.resize(n - first);
  for (std::size_t k = first; k < n; ++k) {
    auto const& mk = (*markers)[k];
    auto& line = out.marker_lines[k - first];
    line.assign(Clock(mk.t_s).text).append("  ");
    if (mk.note.empty())
      line.append("(no note)");
    else
      line.append(mk.note);
  }
  assign_format(out.rate_button, "%.1f /min", set.rate_bpm);
  out.pause_button = s.paused ? "resume" : "pause";
  assign_sound_words(out.sound_button, s.audio, s.muted, s.volume);
}

void assign_belt_range(std::string& out, double range) {
  assign_format(out, "belt range %.0f units", range);
}

} // namespace pneuma::app
