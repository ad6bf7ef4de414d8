#pragma once
// Time-domain and geometric HRV of an NN-interval series (Task Force 1996; Shaffer & Ginsberg 2017).
//
//   MeanNN = mean(NN)                 SDNN  = sd(NN, n-1)
//   RMSSD  = sqrt(mean(dNN^2))        SDSD  = sd(dNN, n-1)     dNN = successive differences
//   pNN50  = 100 * #(|dNN| > 50 ms) / #dNN                     MeanHR = 60000 / MeanNN
//   Poincare (Brennan 2001): SD1 = sd((NN[k+1] - NN[k]) / sqrt 2), SD2 = sd((NN[k+1] + NN[k]) / sqrt 2)
//   Baevsky stress index: SI = AMo / (2 Mo MxDMn); 50 ms histogram bins aligned to multiples of
//   50 ms, Mo = modal bin centre [s], AMo = % of intervals in it, MxDMn = max - min [s].
//   (Kubios reports sqrt(SI); we report SI itself, as Baevsky defined it.)
//
// Input: NN intervals in ms; a NaN entry marks a break (a gap or a removed beat): it is skipped and
// no successive difference spans it (as NeuroKit's non-successive handling). Intervals below
// kMinRrMs are no heart cycle (the ventricles' refractory period): breaks too. An optional mask
// marks corrected intervals (artifacts the corrector replaced): they count for MeanNN and SDNN
// but no successive difference starts or ends at one (RMSSD, pNN50, SD1 are normal-to-normal:
// a corrected value is an estimate, its differences are not the heart's).
// A difference needs both intervals normal; the mask may be empty (all normal). Results in ms, %,
// beats/min; NaN when undefined (fewer than 2 intervals, 0 spread for SI).
// Units: ms, %, beats/min as named. Delay: none (offline / windowed).
// Thread contract: pure functions; hrv_time() allocates nothing.

#include <cstdint>
#include <span>

namespace pneuma::dsp {

/// Shortest interval that is a heart cycle, ms (300 beats/min; ventricular refractory period).
inline constexpr double kMinRrMs = 200.0;

struct HrvTime {
  int n = 0;                 ///< valid intervals
  int n_diff = 0;            ///< valid successive differences
  double mean_nn_ms = 0, sdnn_ms = 0, rmssd_ms = 0, sdsd_ms = 0, pnn50_pct = 0, pnn20_pct = 0;
  double mean_hr_bpm = 0, median_nn_ms = 0;
  double sd1_ms = 0, sd2_ms = 0;
  double stress_index = 0;   ///< Baevsky SI (dimension 1/s^2 with AMo in %)
};

HrvTime hrv_time(std::span<const double> nn_ms, std::span<const std::uint8_t> corrected = {}) noexcept;

} // namespace pneuma::dsp
