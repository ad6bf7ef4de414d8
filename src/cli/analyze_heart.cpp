// `pneuma analyze --kind ecg|rr`: R peaks, RR cleaning and HRV (design.md §5 keys ecg, rr, hrv,
// hrv_raw). hrv.* comes from the corrected NN series, hrv_raw.* from the raw one; on clean data
// they are identical because the correction leaves normal beats alone.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "cli/analysis.hpp"
#include "view/score_texts.hpp"
#include "pneuma/drivers/files/rr_file.hpp"
#include "pneuma/drivers/files/signal_file.hpp"
#include "pneuma/dsp/artifact_corrector.hpp"
#include "pneuma/dsp/coherence.hpp"
#include "pneuma/dsp/hrv.hpp"
#include "pneuma/dsp/resp_offline.hpp"
#include "pneuma/dsp/rpeak_detector.hpp"
#include "pneuma/dsp/rsa.hpp"
#include "pneuma/dsp/rsa_phase.hpp"
#include "pneuma/dsp/welch.hpp"

namespace pneuma::cli {

double qrs_band_share(std::vector<double> const& values, double fs_hz) {
  if (!(fs_hz >= 20.0) || values.size() < static_cast<std::size_t>(4 * fs_hz)) return std::nan("");
  std::vector<double> x(values);
  double last = 0;
  for (double& v : x) v = std::isfinite(v) ? (last = v) : last; // a hole holds, adding no power
  int len = 2;
  while (len < 4 * fs_hz) len *= 2;
  const auto psd = dsp::welch_psd(x, dsp::SampleRate(fs_hz), len);
  const double top = std::min(40.0, 0.999 * fs_hz / 2);
  const double total = psd.band_power(0.05, top); // from the slowest breath up: all but DC
  return total > 0 ? psd.band_power(5.0, std::min(30.0, top)) / total : std::nan("");
}

namespace {

/// Below this QRS-band share a signal is not an ECG (see qrs_band_share): a fifth of the lowest
/// lead measured (0.53-0.80 on MIT-BIH 100, BIDMC 01, NeuroKit's ECGs), ten times a PPG's
/// (0.002-0.009) and far above a breathing belt's (< 0.001).
constexpr double kMinEcgQrsShare = 0.1;

/// NaN and infinities become null (JSON has no NaN).
nlohmann::ordered_json num(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr); }

nlohmann::ordered_json hrv_json(dsp::HrvReport const& h, double coherence) {
  nlohmann::ordered_json j;
  j["n"] = h.time.n;
  j["mean_nn_ms"] = num(h.time.mean_nn_ms);
  j["sdnn_ms"] = num(h.time.sdnn_ms);
  j["rmssd_ms"] = num(h.time.rmssd_ms);
  j["sdsd_ms"] = num(h.time.sdsd_ms);
  j["pnn50_pct"] = num(h.time.pnn50_pct);
  j["mean_hr_bpm"] = num(h.time.mean_hr_bpm);
  j["median_nn_ms"] = num(h.time.median_nn_ms);
  j["vlf_ms2"] = num(h.freq.vlf_ms2);
  j["lf_ms2"] = num(h.freq.lf_ms2);
  j["hf_ms2"] = num(h.freq.hf_ms2);
  j["lf_hf"] = num(h.freq.lf_hf);
  j["lf_nu"] = num(h.freq.lf_nu);
  j["hf_nu"] = num(h.freq.hf_nu);
  j["lf_peak_hz"] = num(h.freq.lf_peak_hz);
  j["hf_peak_hz"] = num(h.freq.hf_peak_hz);
  j["lf_lomb_ms2"] = num(h.freq.lf_lomb_ms2);
  j["hf_lomb_ms2"] = num(h.freq.hf_lomb_ms2);
  j["lf_hf_lomb"] = num(h.freq.lf_hf_lomb);
  j["sd1_ms"] = num(h.time.sd1_ms);
  j["sd2_ms"] = num(h.time.sd2_ms);
  j["dfa_alpha1"] = num(h.dfa_alpha1);
  j["dfa_alpha2"] = num(h.dfa_alpha2);
  j["sampen"] = num(h.sampen);
  j["stress_index"] = num(h.time.stress_index);
  j["coherence"] = num(coherence);
  j["rsa_p2t_ms"] = nullptr; // needs breath onsets: not in an ECG/RR file on its own
  j["artifact_pct"] = num(h.artifact_pct);
  j["poor_quality"] = h.poor_quality;
  // LF during slow breathing: explain it rather than let it read as "stress" (algorithms.md).
  nlohmann::ordered_json notes = nlohmann::ordered_json::array();
  if (std::isfinite(h.freq.lf_peak_hz) && h.freq.lf_peak_hz >= 0.075 && std::isfinite(coherence) && coherence >= 1.5 &&
      h.freq.lf_hf > 2)
  {
    char text[160];
    std::snprintf(text, sizeof text,
                  "LF holds one strong rhythm at %.1f cycles/min: slow breathing (resonance) raises LF and LF/HF; "
                  "it is not a sign of stress",
                  h.freq.lf_peak_hz * 60.0);
    notes.push_back(text);
  }
  if (h.poor_quality) notes.push_back("more than 5 % of beats were corrected, or under 60 s of data: read with care");
  j["notes"] = notes;
  return j;
}

/// Fills rr, hrv and hrv_raw from raw intervals (ms) and, when known, beat times (s).
void analyze_intervals(std::vector<double> const& raw, std::vector<double> beat_t, nlohmann::ordered_json& out) {
  const dsp::CleanedRr clean = dsp::clean_rr(raw);
  // Raw series (invalid entries dropped) with its times.
  std::vector<double> raw_ok, raw_t;
  double acc = beat_t.empty() ? 0.0 : std::nan("");
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (!(std::isfinite(raw[i]) && raw[i] >= dsp::kMinRrMs)) continue; // as the corrector: < 200 ms is no heart cycle
    acc += raw[i] / 1000.0;
    raw_ok.push_back(raw[i] > 3000 ? std::nan("") : raw[i]); // a gap: not an interval to analyse
    raw_t.push_back(beat_t.empty() ? acc : beat_t[i]);
  }
  // Corrected series: times from the raw beat times where a beat maps one-to-one, else the sum.
  std::vector<double> nn, nn_t;
  std::vector<std::uint8_t> corrected; // no successive difference at a corrected beat (hrv_time.hpp)
  double t_run = raw_t.empty() ? 0.0 : raw_t.front() - raw_ok.front() / 1000.0;
  if (!std::isfinite(t_run)) t_run = 0;
  for (auto const& b : clean.beats) {
    if (b.cls == dsp::BeatClass::gap) {
      t_run = b.raw_index < raw_t.size() ? raw_t[b.raw_index] : t_run + b.raw_rr_ms / 1000.0;
      nn.push_back(std::nan(""));
      nn_t.push_back(t_run);
      corrected.push_back(0);
      continue;
    }
    t_run += b.rr_ms / 1000.0;
    nn.push_back(b.rr_ms);
    nn_t.push_back(t_run);
    corrected.push_back(b.cls == dsp::BeatClass::normal ? 0 : 1);
  }
  const auto& c = clean.counts;
  out["rr"] = {{"n", c.beats},
               {"artifacts", {{"ectopic", c.ectopic}, {"missed", c.missed}, {"extra", c.extra},
                              {"long_short", c.long_short}, {"gaps", c.gaps}, {"invalid", c.invalid}}},
               {"corrected_pct", c.percent()}};
  const double pct = c.percent();
  dsp::HrvOptions options;
  options.artifact_pct = pct;
  const bool times_ok = std::is_sorted(nn_t.begin(), nn_t.end());
  dsp::HrvOptions nn_options = options;
  nn_options.corrected = corrected;
  out["hrv"] = hrv_json(dsp::compute_hrv(nn, times_ok ? std::span<const double>(nn_t) : std::span<const double>{}, nn_options),
                        dsp::mean_coherence(nn_t, nn));
  out["hrv_raw"] = hrv_json(dsp::compute_hrv(raw_ok, beat_t.empty() ? std::span<const double>{} : std::span<const double>(raw_t), options),
                            dsp::mean_coherence(raw_t, raw_ok));
  if (!out.contains("duration_s")) {
    double total = 0;
    for (double v : raw_ok)
      if (std::isfinite(v)) total += v / 1000.0;
    out["duration_s"] = total;
  }
}

/// A respiration signal recorded beside the ECG (column or EDF label naming resp/rsp/belt/breath).
std::optional<drivers::files::SignalData> respiration_beside(AnalyzeRequest const& request, double fs_hz) {
  std::vector<std::string> names;
  try {
    names = drivers::files::signal_names(request.path);
  } catch (std::exception const&) {
    return std::nullopt;
  }
  for (auto const& name : names) {
    std::string low = name;
    std::transform(low.begin(), low.end(), low.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const bool resp = low.find("resp") != std::string::npos || low.find("rsp") != std::string::npos ||
                      low.find("belt") != std::string::npos || low.find("breath") != std::string::npos;
    if (!resp || (request.column && name == *request.column)) continue;
    try {
      auto sig = drivers::files::read_signal(request.path, name, drivers::files::detect_file_kind(request.path) ==
                                                                        drivers::files::FileKind::edf
                                                                    ? std::nullopt
                                                                    : std::optional<double>(fs_hz));
      if (!sig.values.empty() && sig.fs_hz >= 4.0) return sig;
    } catch (std::exception const&) {
    }
  }
  return std::nullopt;
}

/// RSA per breath and HR-respiration coupling, when the file also holds a respiration signal.
/// Fills hrv.rsa_p2t_ms and a "rsa" object; breath onsets from the breathing pipeline.
void join_respiration(AnalyzeRequest const& request, double ecg_fs, std::vector<double> const& beat_t,
                      std::vector<double> const& nn, nlohmann::ordered_json& out) {
  const auto resp = respiration_beside(request, ecg_fs);
  if (!resp) return;
  const auto breathing = dsp::analyze_respiration(resp->values, dsp::SampleRate(resp->fs_hz));
  std::vector<double> onsets, t_ok, nn_ok;
  for (auto const& b : breathing.breaths)
    if (std::isfinite(b.onset_s)) onsets.push_back(b.onset_s);
  for (std::size_t i = 0; i < nn.size(); ++i)
    if (std::isfinite(nn[i])) {
      t_ok.push_back(beat_t[i]);
      nn_ok.push_back(nn[i]);
    }
  const auto per_breath = dsp::rsa_per_breath(t_ok, nn_ok, onsets);
  nlohmann::ordered_json rsa;
  rsa["signal"] = resp->label;
  rsa["breaths"] = per_breath.size();
  double p2t = 0, range = 0;
  for (auto const& b : per_breath) {
    p2t += b.p2t_ms / static_cast<double>(per_breath.size());
    range += b.hr_range_bpm / static_cast<double>(per_breath.size());
  }
  rsa["p2t_ms"] = per_breath.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p2t);
  rsa["hr_range_bpm"] = per_breath.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(range);
  rsa["meaning"] = app::breath_rsa_meaning();
  // HR and belt on one 4 Hz grid (belt block-averaged), cross-spectrum at the breathing frequency.
  const dsp::SampleRate grid(4.0);
  const auto n = static_cast<std::size_t>(static_cast<double>(resp->values.size()) / resp->fs_hz * grid.hz());
  std::vector<double> belt(n, 0.0);
  const double per = resp->fs_hz / grid.hz();
  bool ok = !t_ok.empty() && n >= 64 * 4;
  for (std::size_t i = 0; i < n && ok; ++i) {
    const auto a = static_cast<std::size_t>(static_cast<double>(i) * per);
    const auto b = std::max(a + 1, static_cast<std::size_t>(static_cast<double>(i + 1) * per));
    double sum = 0;
    int cnt = 0;
    for (std::size_t k = a; k < b && k < resp->values.size(); ++k)
      if (std::isfinite(resp->values[k])) sum += resp->values[k], ++cnt;
    belt[i] = cnt > 0 ? sum / cnt : (i > 0 ? belt[i - 1] : 0.0);
  }
  if (ok) {
    const auto hr = dsp::hr_on_grid(t_ok, nn_ok, 0.125, grid, n);
    const auto c = dsp::HrRespCouplingAnalyzer(grid).compute(hr, belt);
    rsa["breathing_hz"] = c.segments > 0 ? nlohmann::ordered_json(c.breathing_hz) : nlohmann::ordered_json(nullptr);
    rsa["hr_resp_phase_deg"] = c.segments > 0 ? nlohmann::ordered_json(c.phase_deg) : nlohmann::ordered_json(nullptr);
    rsa["hr_resp_msc"] = c.segments > 0 ? nlohmann::ordered_json(c.msc) : nlohmann::ordered_json(nullptr);
    rsa["coupling_meaning"] = app::hr_resp_coupling_meaning();
  }
  out["hrv"]["rsa_p2t_ms"] = rsa["p2t_ms"];
  out["rsa"] = std::move(rsa);
}

void analyze_rr(AnalyzeRequest const& request, nlohmann::ordered_json& out) {
  const auto series = drivers::files::read_rr(request.path, request.column);
  if (series.rr_ms.empty()) throw std::runtime_error(request.path.string() + ": no RR intervals found");
  out["input"]["source"] = series.source;
  if (series.optical) out["input"]["beats_optical"] = true; // as the live headless key
  std::vector<double> t = series.beat_time_s;
  if (t.size() != series.rr_ms.size()) t.clear();
  analyze_intervals(series.rr_ms, t, out);
}

void analyze_ecg(AnalyzeRequest const& request, nlohmann::ordered_json& out) {
  const auto sig = drivers::files::read_signal(request.path, request.column, request.fs_hz);
  if (sig.values.empty()) throw std::runtime_error(request.path.string() + ": the ECG signal is empty");
  if (sig.fs_hz < 50 || sig.fs_hz > 2000)
    throw std::invalid_argument("--fs " + std::to_string(sig.fs_hz) + ": ECG needs 50..2000 Hz");
  std::vector<float> x(sig.values.size());
  std::transform(sig.values.begin(), sig.values.end(), x.begin(), [](double v) { return static_cast<float>(v); });
  const dsp::SampleRate fs(sig.fs_hz);
  const auto peaks = dsp::detect_r_peaks(x, fs);
  nlohmann::ordered_json ecg;
  std::vector<double> t;
  for (auto const& p : peaks) t.push_back(p.time_s(fs.hz()));
  ecg["r_peaks_s"] = t;
  ecg["n_beats"] = t.size();
  ecg["search_back_beats"] = std::count_if(peaks.begin(), peaks.end(), [](dsp::RPeak const& p) { return p.search_back; });
  ecg["fs_hz"] = fs.hz();
  std::size_t nan_count = std::count_if(sig.values.begin(), sig.values.end(), [](double v) { return !std::isfinite(v); });
  ecg["invalid_samples"] = nan_count;
  // Quality: implausible rates usually mean a wrong --fs or not an ECG.
  std::vector<std::string> warnings;
  const double qrs_share = qrs_band_share(sig.values, fs.hz());
  ecg["qrs_band_share"] = num(qrs_share);
  const bool not_ecg = std::isfinite(qrs_share) && qrs_share < kMinEcgQrsShare;
  if (not_ecg)
    warnings.push_back("'" + sig.label + "' does not look like an ECG (" +
                       std::to_string(static_cast<int>(std::lround(100 * qrs_share))) +
                       " % of its power in the QRS band, 5-30 Hz): its beats and HRV are not heart data");
  std::vector<double> rr;
  for (std::size_t i = 1; i < t.size(); ++i) rr.push_back(1000.0 * (t[i] - t[i - 1]));
  const double duration = static_cast<double>(x.size()) / fs.hz();
  out["duration_s"] = duration;
  if (t.size() < 2) {
    warnings.push_back(duration < 5 ? "record shorter than 5 s" : "no heartbeats found (flat, noise or not an ECG)");
  } else {
    std::vector<double> sorted = rr;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2), sorted.end());
    const double hr = 60000.0 / sorted[sorted.size() / 2];
    ecg["median_hr_bpm"] = hr;
    if (hr < 25 || hr > 230)
      warnings.push_back("median heart rate " + std::to_string(static_cast<int>(hr)) +
                         " beats/min is implausible: check --fs");
  }
  if (rr.empty()) {
    ecg["warnings"] = warnings;
    ecg["quality_ok"] = warnings.empty();
    out["ecg"] = ecg;
    out["rr"] = {{"n", 0}};
    return;
  }
  analyze_intervals(rr, std::vector<double>(t.begin() + 1, t.end()), out);
  // Many uncertain beats: noise, a wrong --fs or a wrong column. Say so; the numbers stay.
  const double sb = static_cast<double>(ecg["search_back_beats"].get<std::int64_t>()) / static_cast<double>(t.size());
  const double pct = out["rr"]["corrected_pct"].get<double>();
  if (sb > 0.10 || pct > 20.0)
    warnings.push_back("many uncertain beats (" + std::to_string(static_cast<int>(100 * sb)) + " % search-back, " +
                       std::to_string(static_cast<int>(pct)) + " % artifacts): noisy ECG, or check --fs and --column");
  ecg["warnings"] = warnings;
  ecg["quality_ok"] = warnings.empty();
  if (not_ecg) { // numbers from a signal that is not an ECG are poor, whatever their artifacts
    for (const char* key : {"hrv", "hrv_raw"}) {
      out[key]["poor_quality"] = true;
      out[key]["notes"].push_back("the signal does not look like an ECG: these are not heart-rate variability");
    }
  }
  // Keep the documented key order: ecg before rr.
  nlohmann::ordered_json ordered;
  for (auto it = out.begin(); it != out.end(); ++it) {
    if (it.key() == "rr") ordered["ecg"] = ecg;
    ordered[it.key()] = *it;
  }
  out = std::move(ordered);
  // RSA needs the corrected beats with their times: rebuild them the way analyze_intervals did.
  const dsp::CleanedRr clean = dsp::clean_rr(rr);
  std::vector<double> nn, nn_t;
  double t_run = t.front();
  for (auto const& b : clean.beats) {
    if (b.cls == dsp::BeatClass::gap) {
      t_run = t[std::min<std::size_t>(b.raw_index + 1, t.size() - 1)];
      continue;
    }
    t_run = b.cls == dsp::BeatClass::normal ? t[std::min<std::size_t>(b.raw_index + 1, t.size() - 1)] : t_run + b.rr_ms / 1000.0;
    nn.push_back(b.rr_ms);
    nn_t.push_back(t_run);
  }
  join_respiration(request, fs.hz(), nn_t, nn, out);
}

const AnalysisRegistration kRr({"rr", "RR intervals: artifact correction (Lipponen & Tarvainen 2019), HRV", &analyze_rr});
const AnalysisRegistration kEcg({"ecg", "ECG: R peaks (Pan-Tompkins, causal), then as rr", &analyze_ecg});

} // namespace
} // namespace pneuma::cli
