#pragma once
// A simulated person for the `sim` source, tests and demos: breathing that follows a pacer, a heart
// whose rate answers breathing through a resonant baroreflex loop, and a respiration belt.
//
// Breathing (algorithms.md "Simulating a person"): breath by breath. With a pacer the person aims
// each breath onset at the pacer's onset `lag_s` earlier, correcting 60 % of the phase error per
// breath, with breath-to-breath CV `rate_cv` and depth CV `depth_cv`; without one they breathe
// spontaneously at `spont_bpm` (CV 12 %). Inhale: raised cosine over the pacer's inhale fraction
// (0.42 spontaneous); exhale: passive exponential decay (time constant 1.2 s), which leaves an
// end-expiratory pause at slow rates. Sighs: Poisson, `sighs_per_min`, 2.2x depth, 1.3x duration.
// Paced depth grows at slow rates: sqrt(6 / rate), capped at 1.2 (1.0 at 6/min).
//
// Heart: HR = hr0 + rsa * BP(v) + 0.3 * rsa * D(v) + LF + VLF, where v is lung volume (0..depth),
// BP a unity-peak second-order band-pass at the resonance frequency `rf_bpm` with quality `q`
// (the ~5 s baroreflex delay loop, Vaschillo; Lehrer), D the fast vagal path (low-pass 0.15 Hz minus
// its 0.02 Hz trend), LF a 0.1 Hz Mayer-wave narrow-band noise (SD ~1 bpm) and VLF a 0.02 Hz
// low-passed noise (SD ~1.5 bpm). At resonance HR swings ~17 bpm peak-to-trough nearly in phase
// with volume; at 12/min a few bpm. Beats by integral pulse frequency modulation (IPFM) with 1.2 %
// threshold jitter; optional ectopic beats (premature at 65 % of the interval, compensatory pause).
//
// Belt: 2000 + 400 * (v + drift) + noise, arbitrary units, drift a slow random walk.
// Chest strap extras: ECG (ecg_synth.hpp) and accelerometer (acc_synth.hpp) from the same volume.
// Deterministic for a given seed and step sequence. Time step 1 / belt_hz.

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <random>

#include "pneuma/drivers/sim/tone_episodes.hpp"
#include "pneuma/drivers/source_spec.hpp"

namespace pneuma::drivers::sim {

/// What the pacer asks for at a given session time.
struct BreathCue {
  double cycles = 0;            ///< continuous pacer cycle count (integer = inhale onset)
  double rate_bpm = 6;          ///< current pacer rate
  double inhale_fraction = 0.4; ///< inhale share of the cycle
};
/// Returns the pacer's cue at session time t (nullopt: no pacer, breathe spontaneously).
/// Called on the simulator's thread; the caller makes it thread-safe.
using BreathGuide = std::function<std::optional<BreathCue>(double t_s)>;

struct PersonParams {
  std::uint64_t seed = 1;
  double rf_bpm = 5.5;        ///< resonance frequency, breaths/min
  double q = 2.0;             ///< resonance quality factor
  double hr_bpm = 66;         ///< mean heart rate
  double rsa_bpm = 14;        ///< HR swing at resonance per unit depth (bpm peak-to-trough)
  double spont_bpm = 13;      ///< spontaneous breathing rate
  double lag_s = 1.0;         ///< delay behind the pacer
  double rate_cv = 0.04;      ///< paced breath-to-breath CV
  double depth_cv = 0.10;     ///< breath depth CV
  double sighs_per_min = 0.25;
  double ectopic = 0.0;       ///< probability per beat
  double belt_hz = 50;        ///< belt sampling rate (and simulation step)
  double noise = 0.01;        ///< belt white noise SD, in depth units
  double drift = 0.15;        ///< belt drift SD, in depth units
  bool follow = true;         ///< follows the pacer when one is given
  double ecg_hz = 0;          ///< > 0: also stream a synthetic ECG (EcgSynth) at this rate
  int tone_days = 0;          ///< > 0: days of stress and movement episodes (tone_episodes.hpp)
  double day_start_h = 0;     ///< local hour of day at time 0, for the episodes' clock
  double acc_hz = 0;          ///< > 0: also stream a chest accelerometer (AccSynth) at this rate
  double posture_per_min = 0.1; ///< ACC: changes of posture per minute
  double moves_per_min = 0.3;   ///< ACC: movement artifacts per minute

  /// From `sim:` options (seed, rf, q, hr, rsa, rate, lag, cv, depth_cv, sighs, ectopic, belt_hz,
  /// noise, drift, follow, ecg, days, from, acc, posture, moves). Throws std::invalid_argument
  /// naming an unknown key or bad value.
  static PersonParams from_spec(SourceSpec const& spec);
};

/// One simulation step.
struct PersonFrame {
  double t_s = 0;
  double volume = 0;          ///< lung volume above rest, depth units
  double belt = 0;            ///< belt reading, arbitrary units
  double hr_bpm = 0;          ///< instantaneous modulated heart rate
  std::optional<double> beat_s; ///< a beat (R peak) that fired during this step
  bool inhaling = false;
  double activity_mg = 0;     ///< movement a chest accelerometer would see (episodes only)
};

class Person {
public:
  Person(PersonParams params, BreathGuide guide);
  /// Advances one step of 1 / belt_hz.
  PersonFrame step();
  [[nodiscard]] PersonParams const& params() const noexcept { return params_; }
  [[nodiscard]] double time_s() const noexcept { return t_; }
  /// Truth for tests: time of the latest end of inspiration (NaN before the first), s.
  [[nodiscard]] double last_peak_s() const noexcept { return last_peak_s_; }

private:
  struct Resonator { // unity-peak RBJ band-pass / low-pass section: the person's physiology
    double b0 = 0, b1 = 0, b2 = 0, a1 = 0, a2 = 0, z1 = 0, z2 = 0;
    static Resonator bandpass(double f, double fs, double q);
    static Resonator lowpass(double f, double fs);
    double operator()(double x);
  };

  void start_breath();
  double volume_at(double t) const;
  double gauss(double sd) { return sd * normal_(rng_); }

  PersonParams params_;
  BreathGuide guide_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_{0.0, 1.0};
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  double dt_;
  double t_ = 0;
  // current breath
  double breath_start_ = 0, breath_len_ = 4, inhale_frac_ = 0.42, depth_ = 0.5, residual_ = 0;
  // heart
  Resonator baroreflex_, vagal_fast_, vagal_trend_, mayer_, vlf_;
  double mayer_gain_ = 0, vlf_gain_ = 0;
  double ipfm_phase_ = 0, ipfm_threshold_ = 1;
  double last_beat_ = 0;
  bool pending_ectopic_ = false;
  // belt
  double drift_ = 0;
  // the day's episodes (tone_days > 0)
  std::optional<ToneSchedule> tone_;
  bool was_inhaling_ = false;
  double last_peak_s_ = std::numeric_limits<double>::quiet_NaN();
};

} // namespace pneuma::drivers::sim
