#pragma once
// The audio cue for eyes-closed practice, generated as plain samples (no SDL: the SDL audio
// callback only asks for the next buffer and copies it out).
//
// Two styles:
//   tone    a soft voice (sine with weak 2nd and 3rd partials) whose pitch follows the pacer's
//           eased position: it rises over the inhale (low_hz -> high_hz) and falls over the
//           exhale; its loudness swells and fades within each phase (sin of progress), so the
//           turns are quiet and the holds silent.
//   chimes  a short bell (partials 1 and 2.76, 1.2 s decay) at each turn: higher at the start of
//           an inhale, lower at the start of an exhale, soft at the start of a hold.
// Clicks are avoided by construction: the oscillator integrates frequency (phase-continuous
// through any rate change), and the output gain (volume x mute x pause) moves through a one-pole
// smoother (time constant 30 ms), so no step in any control reaches the output as a step.
// Thread contract: set_volume / set_muted / set_style from any thread (atomics); render() from
// one thread (the audio callback), noexcept and allocation-free.

#include <atomic>
#include <cstdint>
#include <span>

#include "pacer/pacer_timeline.hpp"

namespace pneuma::app {

enum class CueStyle : std::uint8_t { tone, chimes };

struct AudioCueConfig {
  double sample_rate = 48000;
  double low_hz = 196.0;  ///< G3: pitch at empty lungs
  double high_hz = 293.7; ///< D4 (a fifth up): pitch at full lungs
  double volume = 0.5;    ///< 0..1
};

class AudioCue {
public:
  explicit AudioCue(AudioCueConfig const& config = {});

  void set_volume(double volume) noexcept; ///< 0..1, clamped
  void set_muted(bool muted) noexcept { muted_.store(muted); }
  void set_style(CueStyle style) noexcept { style_.store(style); }
  [[nodiscard]] double volume() const noexcept { return volume_.load(); }
  [[nodiscard]] bool muted() const noexcept { return muted_.load(); }
  [[nodiscard]] CueStyle style() const noexcept { return style_.load(); }

  /// Fills `out` (mono, -1..1) for session times t0_s, t0_s + dt_s, ... following `pacer`.
  /// dt_s is normally 1 / sample_rate (larger when the session clock runs fast).
  void render(std::span<float> out, PacerTimeline const& pacer, double t0_s, double dt_s) noexcept;

private:
  double fs_;
  double low_hz_, high_hz_;
  std::atomic<double> volume_;
  std::atomic<bool> muted_{false};
  std::atomic<CueStyle> style_{CueStyle::tone};
  // Oscillator and smoother state (render thread only).
  double phase_ = 0;      ///< tone oscillator phase, cycles (0..1)
  double gain_ = 0;       ///< smoothed output gain
  double gain_coeff_;     ///< one-pole coefficient for 30 ms
  double chime_env_ = 0;  ///< bell envelope
  double chime_attack_ = 0;
  double chime_hz_ = 0;
  double chime_phase1_ = 0, chime_phase2_ = 0;
  double chime_decay_;
  int last_phase_ = -1;
};

} // namespace pneuma::app
