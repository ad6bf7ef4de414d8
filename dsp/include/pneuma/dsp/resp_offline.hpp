#pragma once
// A whole recording through the causal respiration pipeline (RespAnalyzer), for `pneuma analyze`
// and the accuracy tests: every breath in its final form (revisions applied), the smoothed rate at
// each breath, and summary numbers.
//
// Automatic polarity: when the streaming pass ends up flipping the polarity, the recording is run
// again with the decided polarity, so the breaths before the decision are not lost (the only
// non-causal step; the live pipeline flips once and carries on).
// Summary: rate_bpm = 60 / mean peak-to-peak period (gap-free periods); regularity_cv = CV of those
// periods; amplitude = median depth; quality = mean of the per-second quality index; inhale,
// exhale and I:E = medians over completed breaths.
// Units: times in s from the first sample, rates in breaths/min.
// Thread contract: allocates (set-up code, not for the real-time path); throws what RespAnalyzer's
// constructor throws.

#include <span>
#include <vector>

#include "pneuma/dsp/resp_analyzer.hpp"

namespace pneuma::dsp {

struct RespRecordSummary {
  double duration_s = 0;
  double rate_bpm = kRespUnknown;
  double regularity_cv = kRespUnknown;
  double amplitude = kRespUnknown;
  double quality = 0;
  double inhale_s = kRespUnknown;
  double exhale_s = kRespUnknown;
  double ie_ratio = kRespUnknown;
  double spectral_rate_bpm = kRespUnknown; ///< median of the spectral estimates
  double max_latency_s = kRespUnknown;     ///< max over breaths of reported_s - peak_s
  double clipped_fraction = 0;             ///< mean over the recording
  std::uint64_t sighs = 0, invalid_samples = 0, gaps = 0;
  RespPolarity polarity = RespPolarity::up;
};

struct RespRecordAnalysis {
  std::vector<Breath> breaths;
  std::vector<std::pair<double, double>> rate_series; ///< (peak time s, smoothed rate /min)
  RespRecordSummary summary;
};

/// Runs `x` (NaN = missing) sampled at `fs` through a RespAnalyzer built from `config`.
RespRecordAnalysis analyze_respiration(std::span<const double> x, SampleRate fs,
                                       RespAnalyzerConfig const& config = {});

} // namespace pneuma::dsp
