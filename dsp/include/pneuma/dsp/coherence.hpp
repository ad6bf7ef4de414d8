#pragma once
// Heart-rhythm coherence, HeartMath-style. HeartMath does not publish its exact algorithm; this is
// Pneuma's variant, built from the published description (McCraty et al. 2009; McCraty 2022):
//
//   the last 64 s of beats -> IBI resampled every 0.5 s (128 points, linear interpolation between
//   beats), mean and linear trend removed, Hann window, zero-padded 512-point FFT (0.0039 Hz bins)
//   peak  = highest PSD bin in 0.04-0.26 Hz;  Ppeak = power within +-0.015 Hz of it (0.030 Hz)
//   Ptot  = power in 0.0033-0.4 Hz
//   ratio    ("Pneuma coherence ratio", McCraty 2022 form)   CR  = Ppeak / (Ptot - Ppeak)
//   ratio_sq ("Pneuma coherence ratio^2", HeartMath 2006 form) CR2 = CR^2
// Recomputed every 5 s of beat time (as emWave / Inner Balance). Units: dimensionless; peak in Hz.
// Interpretation: ~0.5 or less low, ~1-2 medium, >= 3 high coherence for the ratio form (scores
// are not calibrated to HeartMath's 0-16 scale: do not compare them with a HeartMath device).
// Delay: the estimate covers the last 64 s of beats (centre 32 s back), refreshed every 5 s.
// Thread contract: the constructor allocates (FFT plan, buffers); push()/reset() are noexcept,
// allocation-free, one thread.

#include <array>
#include <complex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "pneuma/dsp/real_fft.hpp"

namespace pneuma::dsp {

struct Coherence {
  double t_s = 0;        ///< beat time of the newest beat used
  double ratio = 0;      ///< Ppeak / (Ptot - Ppeak)
  double ratio_sq = 0;   ///< ratio squared
  double peak_hz = 0;    ///< frequency of the coherence peak
  double peak_power_ms2 = 0, total_power_ms2 = 0;
  /// One plain-language line for the UI.
};

class CoherenceTracker {
public:
  CoherenceTracker();
  /// One NN beat (time of the beat in s, interval in ms). A new estimate every 5 s of beat time
  /// once 64 s are covered; nullopt otherwise. Non-finite or non-increasing beats are ignored.
  std::optional<Coherence> push(double t_s, double rr_ms) noexcept;
  void reset() noexcept;

  static constexpr double kWindowS = 64.0;
  static constexpr double kUpdateS = 5.0;

private:
  static constexpr int kBeats = 256; // 64 s at up to 240 beats/min
  static constexpr int kPoints = 128;
  static constexpr int kFft = 512;
  std::optional<Coherence> compute(double t_end) noexcept;

  std::array<double, kBeats> t_{}, rr_{};
  int head_ = 0, count_ = 0;
  double next_update_ = -1;
  RealFft fft_;
  std::vector<float> frame_;
  std::vector<std::complex<float>> bins_;
};

/// Offline: every 5 s estimate over a whole NN series (beat times in s, intervals in ms).
std::vector<Coherence> coherence_series(std::span<const double> t_s, std::span<const double> rr_ms);

/// Offline: the mean coherence ratio of coherence_series over a record (NaN beats are skipped,
/// as breaks); NaN when the record covers less than one 64 s window. The one mean coherence of
/// `analyze` and the session analysis.
double mean_coherence(std::span<const double> t_s, std::span<const double> rr_ms);

} // namespace pneuma::dsp
