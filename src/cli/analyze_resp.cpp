// `pneuma analyze FILE --kind resp`: breaths and breathing metrics of a respiration signal (belt,
// impedance, thermistor, or any derived respiration), through the same causal pipeline as live.
#include <cmath>
#include <stdexcept>

#include "cli/analysis.hpp"
#include "pneuma/drivers/files/signal_file.hpp"
#include "pneuma/dsp/resp_offline.hpp"

namespace pneuma::cli {
namespace {

/// Above this QRS-band share (qrs_band_share) a signal is not respiration: a belt holds < 0.02
/// (noise, cardiac ripple), an ECG 0.3-0.7.
constexpr double kMaxRespQrsShare = 0.2;

/// JSON number, or null for NaN / inf (unknown).
nlohmann::ordered_json num(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nullptr; }

/// Rounded to `digits` decimals (keeps the output readable; times are exact to 1 ms at 1 kHz).
double round_to(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::isfinite(v) ? std::round(v * f) / f : v;
}

void analyze_resp(AnalyzeRequest const& request, nlohmann::ordered_json& out) {
  const auto signal = drivers::files::read_signal(request.path, request.column, request.fs_hz);
  if (!(signal.fs_hz >= 4.0) || signal.fs_hz > 20000.0)
    throw std::invalid_argument("sampling rate " + std::to_string(signal.fs_hz) +
                                " Hz is outside 4..20000 Hz for respiration (check --fs)");
  if (signal.values.empty()) throw std::runtime_error(request.path.string() + ": the signal is empty");
  const auto result = dsp::analyze_respiration(signal.values, dsp::SampleRate(signal.fs_hz));
  auto const& s = result.summary;

  out["input"]["signal"] = signal.label;
  out["input"]["fs_hz"] = signal.fs_hz;
  if (!signal.unit.empty()) out["input"]["unit"] = signal.unit;
  out["duration_s"] = round_to(s.duration_s, 3);

  nlohmann::ordered_json b = nlohmann::ordered_json::object();
  b["rate_bpm"] = num(round_to(s.rate_bpm, 3));
  nlohmann::ordered_json breaths = nlohmann::ordered_json::array();
  for (auto const& br : result.breaths) {
    breaths.push_back({{"onset_s", num(round_to(br.onset_s, 3))},
                       {"peak_s", num(round_to(br.peak_s, 3))},
                       {"duration_s", num(round_to(br.duration_s, 3))},
                       {"ie_ratio", num(round_to(br.ie_ratio, 3))},
                       {"inhale_s", num(round_to(br.inhale_s, 3))},
                       {"exhale_s", num(round_to(br.exhale_s, 3))},
                       {"rate_bpm", num(round_to(br.rate_bpm, 3))},
                       {"depth", num(br.depth)},
                       {"depth_rel", num(round_to(br.depth_rel, 3))},
                       {"sigh", br.sigh},
                       {"latency_s", num(round_to(br.reported_s - br.peak_s, 3))}});
  }
  b["breaths"] = std::move(breaths);
  nlohmann::ordered_json series = nlohmann::ordered_json::array();
  for (auto const& [t, r] : result.rate_series) series.push_back({round_to(t, 3), round_to(r, 3)});
  b["rate_series"] = std::move(series);
  b["amplitude"] = num(s.amplitude);
  b["regularity_cv"] = num(round_to(s.regularity_cv, 4));
  b["quality"] = round_to(s.quality, 3);
  b["n_breaths"] = result.breaths.size();
  b["spectral_rate_bpm"] = num(round_to(s.spectral_rate_bpm, 3));
  b["inhale_s"] = num(round_to(s.inhale_s, 3));
  b["exhale_s"] = num(round_to(s.exhale_s, 3));
  b["ie_ratio"] = num(round_to(s.ie_ratio, 3));
  b["sighs"] = s.sighs;
  b["polarity"] = s.polarity == dsp::RespPolarity::down ? "down" : "up";
  b["invalid_samples"] = s.invalid_samples;
  b["clipped_fraction"] = round_to(s.clipped_fraction, 4);
  b["max_latency_s"] = num(round_to(s.max_latency_s, 3));
  // Plain-language flags for what the numbers cannot say by themselves.
  nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
  const std::string fs_text = std::to_string(static_cast<int>(std::lround(signal.fs_hz)));
  if (result.breaths.size() < 2)
    warnings.push_back("no breathing found: check --column, and --fs (" + fs_text + " Hz declared)");
  else if (s.rate_bpm > 40.0)
    warnings.push_back("breathing faster than 40/min: is --fs (" + fs_text + " Hz) too high?");
  else if (s.rate_bpm < 4.0)
    warnings.push_back("breathing slower than 4/min: is --fs (" + fs_text + " Hz) too low?");
  if (s.clipped_fraction > 0.02) warnings.push_back("the signal is clipped (flat at its range limits)");
  if (s.invalid_samples > 0)
    warnings.push_back(std::to_string(s.invalid_samples) + " samples missing or not finite");
  if (s.quality < 0.3 && result.breaths.size() >= 2) warnings.push_back("poor signal quality");
  // Breathing lives below 1 Hz; a signal with much of its power in the QRS band is an ECG (or
  // noise), and breaths "found" in it are not breaths.
  const double qrs_share = qrs_band_share(signal.values, signal.fs_hz);
  const bool not_resp = std::isfinite(qrs_share) && qrs_share > kMaxRespQrsShare;
  if (not_resp)
    warnings.push_back("'" + signal.label + "' does not look like respiration (" +
                       std::to_string(static_cast<int>(std::lround(100 * qrs_share))) +
                       " % of its power in 5-30 Hz, where no breathing is): is it an ECG?");
  b["poor_quality"] = not_resp || s.quality < 0.3 || result.breaths.size() < 2;
  b["warnings"] = std::move(warnings);
  out["breathing"] = std::move(b);
}

const AnalysisRegistration kResp({"resp", "breaths, rate, I:E, regularity and quality of a respiration signal",
                                  &analyze_resp});

} // namespace
} // namespace pneuma::cli
