// Benchmarks of the heart DSP: full HRV of 24 h, R peaks of 10 min at 1000 Hz, one live beat.
// Peer figures (shared/reference/README.md, NeuroKit2 0.2.12, 2-core Debian 12): hrv_time +
// hrv_frequency + hrv_nonlinear on nsr001 about 66 s; ecg_process on 10 min at 1000 Hz 2.56 s.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "pneuma/dsp/heart_stream.hpp"
#include "bench.hpp"
#include "pneuma/dsp/artifact_corrector.hpp"
#include "pneuma/dsp/hrv.hpp"
#include "pneuma/dsp/rpeak_detector.hpp"

namespace pneuma::bench {
namespace {

/// One named column of a CSV in ../shared (throws when the data is not beside this clone).
std::vector<double> shared_column(std::string const& relative, std::string const& column) {
  const std::string path = std::string(PNEUMA_SHARED_DIR) + "/" + relative;
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + " not found (the shared recordings are not beside this clone)");
  std::string line;
  std::getline(in, line);
  std::stringstream header(line);
  std::size_t col = 0, idx = 0;
  for (std::string cell; std::getline(header, cell, ','); ++idx)
    if (cell == column) col = idx;
  std::vector<double> out;
  while (std::getline(in, line)) {
    std::size_t start = 0;
    for (std::size_t c = 0; c < col; ++c) start = line.find(',', start) + 1;
    out.push_back(std::stod(line.substr(start)));
  }
  return out;
}

Result hrv_full_24h() {
  const auto rr = shared_column("data/nsr2db_nsr001/nsr001_rr.csv", "rr_ms");
  dsp::HrvReport report;
  const std::clock_t c0 = std::clock();
  Result r = measure(static_cast<double>(rr.size()), [&] { report = dsp::compute_hrv(rr); });
  // CPU time too: on a shared machine wall time includes waiting for a core.
  r.extra["cpu_s"] = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  keep(report);
  r.extra["beats"] = static_cast<double>(rr.size());
  r.extra["neurokit2_s"] = 66.0;
  r.extra["speedup_vs_neurokit2"] = 66.0 / r.seconds;
  r.extra["sampen"] = report.sampen;
  r.extra["dfa_alpha1"] = report.dfa_alpha1;
  // Artifact correction of the same series, for scale.
  const auto t0 = std::chrono::steady_clock::now();
  const auto cleaned = dsp::clean_rr(rr);
  r.extra["artifact_correction_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  keep(cleaned);
  return r;
}

Result ecg_rpeaks_10min_1000hz() {
  const auto one = shared_column("data/neurokit_ecg_1000hz/ecg_1000hz.csv", "ECG");
  std::vector<float> ecg;
  ecg.reserve(600000);
  while (ecg.size() < 600000) // 50 s tiled to 10 min
    for (double v : one)
      if (ecg.size() < 600000) ecg.push_back(static_cast<float>(v));
  std::vector<dsp::RPeak> peaks;
  const std::clock_t c0 = std::clock();
  Result r = measure(static_cast<double>(ecg.size()), [&] { peaks = dsp::detect_r_peaks(ecg, dsp::SampleRate(1000)); });
  r.extra["cpu_s"] = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  keep(peaks);
  r.extra["beats"] = static_cast<double>(peaks.size());
  r.extra["neurokit2_s"] = 2.56;
  r.extra["speedup_vs_neurokit2"] = 2.56 / r.seconds;
  return r;
}

Result hrv_beat_update() {
  // The live path for one strap beat: timeline, artifact correction, 3 HRV windows, coherence
  // (its 5 s FFT update included where it falls), RSA. RR from nsr001 as BLE ticks.
  const auto rr = shared_column("data/nsr2db_nsr001/nsr001_rr.csv", "rr_ms");
  const std::size_t warm = 2000, n = std::min<std::size_t>(rr.size(), 42000);
  dsp::HeartStream heart;
  heart.set_breathing_rate(12); // lets the RSA fallback run too
  double t = 0;
  auto sample = [&](std::size_t i) {
    t += rr[i] / 1000.0;
    struct { double t_s; std::uint32_t ticks; } s{};
    s.t_s = t;
    s.ticks = static_cast<std::uint32_t>(std::lround(rr[i] * 1.024));
    return s;
  };
  for (std::size_t i = 0; i < warm; ++i) { const auto s = sample(i); (void)heart.rr(s.ticks, s.t_s); }
  std::vector<double> us(n - warm);
  Result r = measure(static_cast<double>(n - warm), [&] {
    for (std::size_t i = warm; i < n; ++i) {
      const auto s = sample(i);
      const auto a = std::chrono::steady_clock::now();
      (void)heart.rr(s.ticks, s.t_s);
      us[i - warm] = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - a).count();
    }
  });
  keep(heart.metrics());
  std::sort(us.begin(), us.end());
  r.extra["p50_us"] = us[us.size() / 2];
  r.extra["p99_us"] = us[us.size() * 99 / 100];
  r.extra["max_us"] = us.back();
  return r;
}

Registration r1("hrv_full_24h",
                "full HRV (time, Welch + smoothness priors, DFA a1/a2, SampEn, SI) on nsr001, 106 459 beats; items = beats",
                hrv_full_24h);
Registration r2("ecg_rpeaks_10min_1000hz", "causal R-peak detection on 10 min of 1000 Hz ECG; items = samples",
                ecg_rpeaks_10min_1000hz);
Registration r3("hrv_beat_update", "one live strap beat through the heart path (p50/p99 in us); items = beats",
                hrv_beat_update);

} // namespace
} // namespace pneuma::bench
