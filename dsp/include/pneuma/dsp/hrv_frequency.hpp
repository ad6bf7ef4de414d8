#pragma once
// Frequency-domain HRV (Task Force 1996; Kubios HRV defaults).
//
// 1. Beat times t_k (given, or the running sum of the NN intervals) and NN_k -> natural cubic
//    spline at 4 Hz.
// 2. Smoothness-priors detrending, lambda = 500 (-6 dB at ~0.04 Hz at 4 Hz; Tarvainen 2002).
// 3. Welch PSD: 256 s Hann segments (1024 samples), 50 % overlap (Kubios default); whole record
//    when shorter. Also Lomb-Scargle on the uneven NN series (detrended with the lambda that has
//    the same cut-off at the mean beat rate), 0.001 Hz grid, for records up to 20 000 beats
//    (its cost is beats x frequencies; longer records get NaN there and use Welch).
// Bands: VLF 0.0033-0.04, LF 0.04-0.15, HF 0.15-0.4 Hz; powers in ms^2 (rectangle rule).
// VLF is taken from the mean-removed (not detrended) spectrum, because the lambda = 500 detrend
// is itself a 0.04 Hz high-pass that would remove VLF; LF, HF, peaks and LF/HF from the detrended
// one. LF nu = LF / (LF + HF) * 100. Minimum durations (NeuroKit2 / Task Force): HF 60 s,
// LF 120 s, VLF 300 s; shorter -> NaN.
// Note for the UI: during slow breathing (~0.1 Hz) the breathing itself lands in LF, so LF and
// LF/HF rise sharply; that is resonance, not "stress".
// Units: powers in ms^2, frequencies in Hz. Delay: none (offline / windowed).
// Thread contract: allocates (offline / windowed use).

#include <span>

namespace pneuma::dsp {

struct HrvFrequencyConfig {
  double resample_hz = 4.0;
  double detrend_lambda = 500.0; ///< 0: only the mean is removed
  double welch_segment_s = 256.0;
  bool lomb = true;
};

struct HrvFrequency {
  double vlf_ms2, lf_ms2, hf_ms2, total_ms2, lf_hf, lf_nu, hf_nu, lf_peak_hz, hf_peak_hz;
  double lf_lomb_ms2, hf_lomb_ms2, lf_hf_lomb;
  double duration_s;
};

/// nn_ms: NN intervals (NaN = break, skipped); t_s: beat times in s (empty: running sum of nn).
HrvFrequency hrv_frequency(std::span<const double> nn_ms, std::span<const double> t_s = {},
                           HrvFrequencyConfig const& config = {});

} // namespace pneuma::dsp
