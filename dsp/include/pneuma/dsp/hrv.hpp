#pragma once
// The full HRV report of one NN series: time domain, frequency domain, nonlinear, stress index,
// plus the data quality it was computed from. See hrv_time.hpp, hrv_frequency.hpp, dfa.hpp and
// sampen.hpp for the equations; this file only assembles them.
//
// Quality gate: `poor_quality` is set when more than 5 % of the beats were artifacts (Kubios'
// rule of thumb for reliable HRV) or fewer than 60 s of data; the UI greys such numbers.
// Units: ms, ms^2, Hz, beats/min as named per field. Delay: none (offline / windowed).
// Thread contract: allocates (offline / windowed use).

#include <cstdint>
#include <span>

#include "pneuma/dsp/hrv_frequency.hpp"
#include "pneuma/dsp/hrv_time.hpp"

namespace pneuma::dsp {

struct HrvOptions {
  HrvFrequencyConfig frequency{};
  bool nonlinear = true;        ///< DFA and sample entropy
  int dfa1_min = 4, dfa1_max = 16, dfa2_min = 16, dfa2_max = 64;
  double sampen_r = 0.2;        ///< tolerance, fraction of SD
  double artifact_pct = 0;      ///< of the series this came from (for the quality gate)
  /// Per interval: 1 = corrected by the artifact corrector (no successive difference at it; see
  /// hrv_time.hpp). Empty: all normal.
  std::span<const std::uint8_t> corrected{};
};

struct HrvReport {
  HrvTime time{};
  HrvFrequency freq{};
  double dfa_alpha1 = 0, dfa_alpha2 = 0, sampen = 0;
  double artifact_pct = 0;
  bool poor_quality = false;
};

HrvReport compute_hrv(std::span<const double> nn_ms, std::span<const double> t_s = {}, HrvOptions const& options = {});

} // namespace pneuma::dsp
