#pragma once
// What the trainer window shows, as plain data: every label, number, word and tone of the
// training screen (TrainerViewModel) and of the clinician's window (ClinicianViewModel), computed
// once per frame from what the window knows (TrainerState: the pacer, the latest Metrics, the
// follow score, the session's stage and the user's choices). No SDL: the views in src/ui only
// draw these structs, and the rules (which breathing rate is shown, when a number is "?" or
// greyed, the words for a device state, the sound button) are unit-tested here.
// update_*() reuse the strings they are given: once their capacity has grown (the first frames),
// building a frame's model allocates nothing. Thread contract: UI thread.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "live/metrics.hpp"
#include "pacer/pacer_timeline.hpp"
#include "session/pacer_follow.hpp"
#include "session/session_flow.hpp"
#include "view/format.hpp"

namespace pneuma::app {

enum class PacerShape : std::uint8_t { circle, bar, wave };
std::string_view shape_name(PacerShape shape) noexcept; ///< "circle", "bar", "wave"
/// Parses "circle" | "bar" | "wave"; throws std::invalid_argument otherwise.
PacerShape parse_shape(std::string_view text);

/// What the window knows this frame (the input of the view models).
struct TrainerState {
  PacerTimeline timeline{};
  PacerFrame pacer{};
  Metrics metrics{};
  FollowResult follow{};
  double session_s = 0;
  double stage_elapsed_s = 0;
  double stage_length_s = 0;
  FlowStage stage = FlowStage::training;
  PacerShape shape = PacerShape::circle;
  ScoreKind score = ScoreKind::coherence;
  bool paused = false;
  bool muted = false;
  bool audio = false; ///< an audio device is open
  double volume = 0.5;
  bool gliding = false;
  bool patient = false; ///< large and minimal (the patient's screen in clinician mode)
  bool fullscreen = false;
};

/// Where the breathing rate shown comes from.
enum class RateSource : std::uint8_t {
  breaths,  ///< the belt's detected breaths (breath by breath)
  spectral, ///< the spectral estimate (when the breaths are poor or missing)
};
/// The breathing rate shown: session_flow.hpp's breathing_rate() (breath by breath when the
/// belt's breaths are good, else spectral), where it came from, and whether it is trusted
/// (known, quality >= 0.5).
struct ShownBreathing {
  double bpm = kUnknown;
  double quality = 0;
  RateSource source = RateSource::spectral;
  bool trusted = false;
};
ShownBreathing shown_breathing(Metrics const& m) noexcept;
// Where breathing is measured from, as a person reads it: breathing_source_words() in
// live/metrics.hpp (one wording with the recording's annotation).
/// Which signal the heart numbers come from, said when it is an optical sensor's (Polar PPI)
/// rather than an ECG strap's (the training card's source line; the clinician's heart row).
inline constexpr std::string_view kBeatsOpticalWords = "beats from optical pulse (PPI)";
/// Why the heart rhythm's breathing is not shown ("" when it is): fast breathing, ectopy, low HRV.
std::string_view breathing_doubt_words(dsp::RsaDoubt doubt) noexcept;

/// The words for a device state: "connecting", "streaming", "stalled", "lost", ...
std::string_view device_state_words(drivers::DeviceStatus::State state) noexcept;
/// Its dot: streaming good, connecting nearly, stalled warn, lost and error bad, ended muted.
Tone device_state_tone(drivers::DeviceStatus::State state) noexcept;
/// "in step" green, "nearly with it" yellow, "off the pace" orange, unknown faint.
Tone follow_tone(FollowLevel level) noexcept;
/// The sound button: "no sound" (no audio device), "muted", or "sound 50%".
void assign_sound_words(std::string& out, bool audio, bool muted, double volume);
/// "Not known yet: ..." when the score is unknown, "From poor data ..." when it is not trusted,
/// else the score's meaning (score_texts.hpp); with the tone it is drawn in.
struct ScoreLine {
  std::string_view name;    ///< "Coherence", "RSA", "RMSSD"
  std::string_view unit;    ///< "", "bpm", "ms"
  std::string_view meaning; ///< the meaning, or why the number is not to be read as one
  Tone meaning_tone = Tone::muted;
  std::string_view typical; ///< "typical during slow breathing: 1-3 ..." (score_texts.hpp)
  ShownValue value;
};
void assign_score_line(ScoreLine& out, ScoreKind kind, Metrics const& m);

/// The one lag the window shows, on the training card and in the clinician's window alike: how
/// long after the pacer's end of inhale the person's in-breath ends (dsp::PacerCompliance, from
/// the belt's detected breaths; + = late), seconds. NaN until breaths are detected. The pacer
/// follow's best-correlation lag is not shown: it depends on the breath's shape (an uneven
/// in:out ratio against a rounder breath moves it), so the two disagreed by a second.
double shown_lag_s(Metrics const& m) noexcept;
/// "in-breath ends 1.1 s after the pacer's", "... 0.4 s before the pacer's", or "in-breath ends
/// with the pacer's" (within 0.3 s); empty when the lag is unknown.
void assign_lag_words(std::string& out, double lag_s);
/// The HR-breathing lag (Metrics::hr_resp_lag_s, > 0: the heart follows): "heart follows breath
/// by 1.2 s", "heart leads breath by 0.4 s", "heart in step with breath", or "heart vs breath: ?
/// (why)"; empty without breathing.
void assign_heart_follows_words(std::string& out, double lag_s, dsp::PhaseWithheld why);
/// A belt (or other breathing signal) is streaming samples now.
bool breath_signal_streaming(Metrics const& m) noexcept;
/// The training screen.
struct TrainerViewModel {
  // Top bar.
  double progress = 0;      ///< of the current stage, 0..1
  std::string timer;        ///< "01:40 / 10:00"
  Tone device_dot = Tone::muted;
  std::string device_line;  ///< "streaming · battery 80% · signal good"
  Tone device_line_tone = Tone::muted;
  std::string stage_line;   ///< "Training · 6.0 breaths/min · in:out 1:1.5"
  // Under the pacer.
  std::string_view phase_word; ///< "breathe in", "paused", "breathe as you like"
  Tone phase_tone = Tone::text;
  std::string phase_detail;    ///< seconds left in the phase, or a hint; empty: none
  // Card 1: following the pacer.
  std::string_view follow_word;
  Tone follow_word_tone = Tone::faint;
  std::string follow_detail;
  // Card 2: breathing and heart.
  ShownBreathing breathing_rate;
  ShownValue breathing;     ///< breaths/min
  ShownValue heart;         ///< beats/min
  std::string pacer_rate;   ///< "pacer 6.0 /min"
  std::string swing;        ///< "swing 15 bpm"; empty when unknown
  std::string heart_follows;  ///< "heart follows breath by 1.2 s", or "heart vs breath: ? (why)"; empty: no breathing
  /// "breathing from: chest motion", or why it is "?"; then "; " + kBeatsOpticalWords when the
  /// beats are optical (Metrics::beats_optical); empty: none
  std::string breathing_from;
  // Card 3: the chosen score.
  std::string score_title;  ///< "Coherence  (click or c: change)"
  ScoreLine score;
  // Narrow windows: one line of numbers instead of the cards.
  std::string compact_breathing; ///< "Breathing 5.9 /min"
  std::string compact_heart;     ///< "Heart 66 bpm"
  std::string_view compact_follow;
  Tone compact_follow_tone = Tone::faint;
  // Buttons.
  std::string rate_button;  ///< the pacer's set rate, "6.0 /min"
  std::string_view pause_button;
  std::string sound_button;
  std::string_view fullscreen_button;
  std::array<std::string_view, 3> shape_buttons{}; ///< circle, bar, wave
};
void update_view_model(TrainerViewModel& out, TrainerState const& s);
TrainerViewModel make_view_model(TrainerState const& s);

/// One row of the clinician's numbers.
struct ClinicianRow {
  std::string_view name;
  ShownValue value;
};

/// The clinician's window.
struct ClinicianViewModel {
  Tone device_dot = Tone::muted;
  std::string status;      ///< "Clinician · streaming: sim"
  std::string stage_line;  ///< "training  02:00 / 10:00"
  std::array<ClinicianRow, 14> rows{};
  std::string notes_line;  ///< the note being typed, or how to add one
  Tone notes_tone = Tone::muted;
  std::vector<std::string> marker_lines; ///< the last three markers, oldest first
  std::string rate_button;
  std::string_view pause_button;
  std::string sound_button; ///< the same words as the training screen's (assign_sound_words)
};
/// `markers` may be null (none); `note` is the note being typed when `editing_note`.
void update_clinician_view(ClinicianViewModel& out, TrainerState const& s,
                           std::vector<EventMarker> const* markers, bool editing_note,
                           std::string const& note);

/// "belt range 400 units" for a belt trace's range (lo..hi, arbitrary units).
void assign_belt_range(std::string& out, double range);

} // namespace pneuma::app
