#pragma once
// A synthetic chest accelerometer for the simulated person, as a Polar H10 on its strap reports it
// (PMD ACC: x, y, z in mG, 25..200 Hz).
//
//   a = R(posture) * g + breathing tilt + heartbeat (BCG) + movement + sensor noise, quantised to
//   1 mG (the H10's int16 frames at +-8 G carry mG directly).
// * Gravity: 1000 mG along the sensor direction given by the posture (pitch: leaning back/forward,
//   roll: turned sideways); upright sitting leans back 10 deg. Posture changes arrive as a
//   Poisson process (`posture_per_min`): a new pitch (-10..40 deg) and roll (+-25 deg) reached
//   over 1.5 s along a raised cosine.
// * Breathing: the chest wall under the strap tilts with lung volume (Bates et al. 2010,
//   "Respiratory rate and flow waveform estimation from tri-axial accelerometer data": 0.5-3 deg per
//   breath at rest; EBYT measures breathing from exactly this). Here 2 deg per unit depth in pitch
//   and 0.6 deg in roll, so the breathing axis is not a sensor axis (the principal-axis step has
//   work to do): ~35 mG peak-to-peak at 6/min.
// * Heartbeat: a 3-mG, 80-ms ballistocardiographic pulse 0.12 s after each R peak.
// * Movement artifacts: Poisson (`moves_per_min`), 1-3 s of 80 mG RMS motion low-passed at 3 Hz.
// * Sensor noise: white, 2 mG RMS.
// Samples come on their own even grid (device time = sample time); volume between simulation
// steps is interpolated linearly. Deterministic for a seed. Thread contract: the simulator's
// thread; no allocation.

#include <cstdint>
#include <random>

#include "pneuma/drivers/sample.hpp"

namespace pneuma::drivers::sim {

class AccSynth {
public:
  /// `fs_hz` 25..200 (throws std::invalid_argument otherwise).
  AccSynth(double fs_hz, std::uint64_t seed, double posture_per_min, double moves_per_min);
  /// A beat (R apex) at t_s, for the heartbeat pulse.
  void beat(double t_s) noexcept { last_beat_s_ = t_s; }
  /// The simulation reached `t_s` with lung volume `v`: emits every sample up to t_s.
  template <class Emit> void advance(double t_s, double v, Emit&& emit) {
    while (next_s_ <= t_s) {
      const double w = t_s > last_t_ ? (next_s_ - last_t_) / (t_s - last_t_) : 1.0;
      emit(sample(next_s_, last_v_ + w * (v - last_v_)));
      next_s_ += 1.0 / fs_hz_;
    }
    last_t_ = t_s;
    last_v_ = v;
  }
  [[nodiscard]] double fs_hz() const noexcept { return fs_hz_; }
  /// Posture changes and movement bursts so far (for tests).
  [[nodiscard]] int posture_changes() const noexcept { return posture_changes_; }
  [[nodiscard]] int moves() const noexcept { return moves_; }

private:
  AccSample sample(double t, double volume) noexcept;

  double fs_hz_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_{0.0, 1.0};
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  double posture_rate_hz_, move_rate_hz_;
  double next_s_ = 0, last_t_ = 0, last_v_ = 0;
  double last_beat_s_ = -1e9;
  // posture: pitch / roll in degrees, moving from `from` to `to` over [t0, t0 + 1.5 s]
  double pitch_from_ = 10, pitch_to_ = 10, roll_from_ = 0, roll_to_ = 0, posture_t0_ = -1e9;
  // movement burst: until move_end_, 3 axes of noise low-passed at 3 Hz (one-pole, twice)
  double move_end_ = -1e9;
  double m1_[3]{}, m2_[3]{};
  int posture_changes_ = 0, moves_ = 0;
};

} // namespace pneuma::drivers::sim
