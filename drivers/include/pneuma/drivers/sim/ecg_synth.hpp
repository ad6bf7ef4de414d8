#pragma once
// A synthetic ECG for the simulated person, after ECGSYN (McSharry, Clifford, Tarassenko & Smith
// 2003, IEEE TBME 50(3):289-294): five Gaussian events P, Q, R, S, T on a phase that turns once
// per beat, at angles (-70, -15, 0, 15, 100) deg with widths (0.25, 0.1, 0.1, 0.1, 0.4) rad and
// weights a_i b_i^2 from a = (1.2, -5, 30, -7.5, 0.75) (the model's steady-state z, scaled so R is
// 1 mV). Widths scale with sqrt(HR/60) and the P, Q, S, T angles as in ECGSYN (hrfact, its root).
//
// Unlike ECGSYN's free-running oscillator, the phase is pinned to the person's beats: between
// beats k and k+1 it runs linearly from 0 to 2 pi, so every R apex sits exactly on a beat time the
// strap reports (tests can score R-peak detection against it). Samples are therefore produced
// once the next beat is known: up to one RR interval late, stamped with their own time (a real
// Polar H10 delivers ECG in ~0.5 s frames too). Respiration: baseline wander 0.15 mV per unit of
// lung volume and +-8 % R amplitude modulation; white noise (default 10 uV).
// Output: microvolts at `fs_hz`. Thread contract: the simulator's thread; no allocation after
// construction.

#include <array>
#include <cstdint>
#include <random>

#include "pneuma/drivers/sample.hpp"

namespace pneuma::drivers::sim {

class EcgSynth {
public:
  EcgSynth(double fs_hz, std::uint64_t seed, double noise_uv = 10.0);
  /// Lung volume (depth units) at time t; call every simulation step, in time order.
  void volume(double t_s, double v) noexcept;
  /// A beat (R apex) at t_s: every sample before it can now be drawn; `emit(EcgSample)` each.
  template <class Emit> void beat(double t_s, Emit&& emit) {
    if (last_beat_s_ >= 0 && t_s > last_beat_s_) {
      for (; next_sample_s_ < t_s; next_sample_s_ = start_s_ + static_cast<double>(++index_) / fs_hz_)
        emit(EcgSample{next_sample_s_, next_sample_s_, sample(next_sample_s_, last_beat_s_, t_s)});
    } else if (last_beat_s_ < 0) {
      start_s_ = next_sample_s_ = t_s;
      index_ = 0;
    }
    last_beat_s_ = t_s;
  }
  [[nodiscard]] double fs_hz() const noexcept { return fs_hz_; }

private:
  float sample(double t, double beat0, double beat1) noexcept;
  double volume_at(double t) const noexcept;

  double fs_hz_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> noise_;
  double last_beat_s_ = -1, next_sample_s_ = 0, start_s_ = 0;
  std::int64_t index_ = 0;
  std::array<double, 512> vol_t_{}, vol_v_{};
  int vol_head_ = 0, vol_count_ = 0;
};

} // namespace pneuma::drivers::sim
