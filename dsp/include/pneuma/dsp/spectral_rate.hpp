#pragma once
// Breathing rate from the dominant spectral peak of a sliding window.
//
// Method: the input is block-averaged down to ~4 Hz, kept in a ring of `window`; every `hop`
// the window is mean-removed, Hann-windowed, zero-padded to `nfft` and transformed (KissFFT).
// The breath's peak is the highest bin of the flow spectrum (power x f^2, the spectrum of the
// signal's derivative) inside [lo, hi], moved to the volume spectrum's local maximum beside it and
// refined there by Gaussian (log-parabolic) interpolation, which is exact for a Gaussian peak and
// near-exact for a Hann main lobe. The flow spectrum ranks a shallow fast breath above a larger
// slow baseline swing under it (and above the 1/f^2 leakage of a movement transient or a DC
// step); a flow peak at 2x or 3x (+-6 %) of a stronger volume peak is that peak's harmonic and
// gives way to it.
// Units: input arbitrary; rate in breaths/min; quality in 0..1 = share of in-band flow power
// within +-2 bins of the peak. Latency: about window / 2 (the window's centre of mass).
// Reference: the toolchain prototype (60 s at 10 Hz -> 6.00/min); cf. HeartPy calc_breathing.
// Thread contract: constructor may throw; process()/reset()/bridge() are noexcept, allocation-free, one
// thread.

#include <complex>
#include <optional>
#include <vector>

#include "pneuma/dsp/real_fft.hpp"
#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

struct SpectralRateConfig {
  Seconds window{60.0};   ///< analysis window
  Seconds min_fill{20.0}; ///< no estimate before this much signal
  Seconds hop{1.0};       ///< one estimate per hop
  Hz lo{0.05};            ///< 3 breaths/min
  Hz hi{0.7};             ///< 42 breaths/min
  Hz analysis{4.0};       ///< rate after block averaging
  int nfft = 2048;        ///< zero-padded transform size (even)
  /// Rank peaks by flow power (P x f^2, a volume signal: belt, chest motion, R-amplitude) or by
  /// plain power (false: a rate signal such as heart rate from RR intervals, whose beat-timing
  /// jitter is already differentiated white noise rising as f^2 towards half the heart rate;
  /// another f^2 would put the peak there instead of on a slow breath).
  bool flow_weighted = true;
};

struct SpectralRate {
  double rate_bpm;        ///< breaths per minute (the breath's peak)
  double quality;         ///< 0..1 peak concentration (flow power)
  double volume_rate_bpm; ///< the largest volume oscillation (a slower one under the breath)
};

class SpectralRateEstimator {
public:
  /// Throws std::invalid_argument for a band outside (0, Nyquist of the analysis rate), or a
  /// window longer than nfft analysis samples.
  SpectralRateEstimator(SpectralRateConfig const& config, SampleRate fs);

  /// Feeds one sample; returns an estimate when a hop completes (and enough signal is held).
  /// Non-finite samples are dropped and counted.
  std::optional<SpectralRate> process(float x) noexcept;
  /// Clears history (e.g. after a gap); keeps the design.
  void reset() noexcept;
  /// A hole of `seconds` in the input before the next sample. Up to a sixth of the window it is
  /// bridged: the window keeps what it holds and the hole is filled with a straight line from the
  /// last sample to the next, so the samples after it stay where they are in time and the
  /// breath's phase carries across (a restart would give the next minute a shorter window, whose
  /// rate differs from the full window's by the person's own minute-to-minute variation). The
  /// peak's frequency is set by the window's length and the phase of its data, which a hole
  /// leaves alone; it only spreads a little of the peak's power (quality falls a little).
  /// Longer holes reset. Returns whether the hole was bridged.
  bool bridge(double seconds) noexcept;
  /// The longest hole bridge() bridges, s.
  [[nodiscard]] double max_bridge_s() const noexcept { return window_len_ / 6.0 / analysis_hz_; }

  /// In the latest estimate's spectrum: the volume peak within +-`tol` (relative) of `bpm`, as
  /// {rate, share of the band's flow power within +-2 bins}; nullopt without a local maximum.
  [[nodiscard]] std::optional<SpectralRate> peak_near(double bpm, double tol) const noexcept;
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }
  [[nodiscard]] double analysis_rate_hz() const noexcept { return analysis_hz_; }

private:
  std::optional<SpectralRate> estimate() noexcept;

  SpectralRateConfig config_;
  int decimation_;
  double analysis_hz_;
  int window_len_;
  int hop_len_;
  int min_fill_;
  RealFft fft_;
  std::vector<float> ring_;
  std::vector<float> frame_;
  std::vector<float> hann_;
  std::vector<std::complex<float>> spectrum_;
  double block_sum_ = 0;
  int block_count_ = 0;
  int write_ = 0;
  int filled_ = 0;
  int since_hop_ = 0;
  int pending_fill_ = 0;    ///< analysis samples of a bridged hole, filled at the next sample
  std::uint64_t dropped_ = 0;
  int last_n_ = 0;          ///< samples in the latest estimate (0: none yet)
  double last_band_flow_ = 0;
};

} // namespace pneuma::dsp
