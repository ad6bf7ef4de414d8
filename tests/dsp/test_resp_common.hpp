#pragma once
// Helpers of the respiration tests: CSV columns, running the analyzer over a signal, matching
// detected breaths with reference annotations, windowed breathing rates.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "pneuma/dsp/resp_analyzer.hpp"

namespace pneuma::test {

/// One numeric column of a CSV file with a header row.
inline std::vector<double> csv_column(std::filesystem::path const& file, std::string const& name) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  {
    std::istringstream h(line);
    for (std::string cell; std::getline(h, cell, ',');) {
      if (!cell.empty() && cell.back() == '\r') cell.pop_back();
      header.push_back(cell);
    }
  }
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) throw std::runtime_error("no column " + name + " in " + file.string());
  const auto col = static_cast<std::size_t>(it - header.begin());
  std::vector<double> v;
  while (std::getline(in, line)) {
    std::size_t start = 0;
    for (std::size_t c = 0; c < col; ++c) start = line.find(',', start) + 1;
    v.push_back(std::strtod(line.c_str() + start, nullptr));
  }
  return v;
}

struct RespRun {
  std::vector<pneuma::dsp::Breath> breaths; ///< final state of every breath (revisions applied)
  pneuma::dsp::RespMetrics metrics;
  double max_latency_s = 0;                 ///< max(reported_s - peak_s) over the breaths
};

/// Streams `x` through a RespAnalyzer; collects every breath in its final form.
inline RespRun run_resp(std::vector<double> const& x, double fs,
                        pneuma::dsp::RespAnalyzerConfig const& config = {}) {
  using namespace pneuma::dsp;
  RespAnalyzer a(config, SampleRate(fs));
  RespRun run;
  for (double v : x) {
    const unsigned ev = a.process(static_cast<float>(v));
    if (ev & kRespPolarityChanged) run.breaths.clear(); // the detector restarted the other way up
    if (ev & kRespBreathCompleted && !run.breaths.empty()) {
      Breath const& prev = a.breaths().recent(1);
      if (run.breaths.back().number == prev.number) run.breaths.back() = prev;
    }
    if (ev & kRespBreathRevised && !run.breaths.empty()) run.breaths.back() = a.last_breath();
    if (ev & kRespNewBreath) run.breaths.push_back(a.last_breath());
  }
  for (auto const& b : run.breaths)
    run.max_latency_s = std::max(run.max_latency_s, b.reported_s - b.peak_s);
  run.metrics = a.metrics();
  return run;
}

inline std::vector<double> peaks_of(std::vector<pneuma::dsp::Breath> const& breaths) {
  std::vector<double> p;
  for (auto const& b : breaths) p.push_back(b.peak_s);
  return p;
}

struct Match {
  int tp = 0, fp = 0, fn = 0;
  [[nodiscard]] double f1() const { return tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn); }
};

/// One-to-one matching within +-tol s, closest pairs first.
inline Match match_events(std::vector<double> const& detected, std::vector<double> const& reference,
                          double tol) {
  struct Pair { double d; std::size_t i, j; };
  std::vector<Pair> pairs;
  for (std::size_t i = 0; i < detected.size(); ++i) {
    const auto lo = std::lower_bound(reference.begin(), reference.end(), detected[i] - tol);
    for (auto it = lo; it != reference.end() && *it <= detected[i] + tol; ++it)
      pairs.push_back({std::abs(*it - detected[i]), i, static_cast<std::size_t>(it - reference.begin())});
  }
  std::sort(pairs.begin(), pairs.end(), [](Pair const& a, Pair const& b) { return a.d < b.d; });
  std::vector<char> used_d(detected.size()), used_r(reference.size());
  Match m;
  for (auto const& p : pairs) {
    if (used_d[p.i] || used_r[p.j]) continue;
    used_d[p.i] = used_r[p.j] = 1;
    ++m.tp;
  }
  m.fp = static_cast<int>(detected.size()) - m.tp;
  m.fn = static_cast<int>(reference.size()) - m.tp;
  return m;
}

/// Breathing rate in [t0, t1): 60 / mean of the peak-to-peak intervals that end in the window.
inline double window_rate(std::vector<double> const& peaks, double t0, double t1) {
  double sum = 0;
  int n = 0;
  for (std::size_t i = 1; i < peaks.size(); ++i)
    if (peaks[i] >= t0 && peaks[i] < t1) {
      sum += peaks[i] - peaks[i - 1];
      ++n;
    }
  return n > 0 ? 60.0 * n / sum : NAN;
}

/// Median breath depth of `x` (sampled at `fs`): each annotated peak minus the lowest point since
/// the previous one.
inline double median_breath_depth(std::vector<double> const& x, std::vector<double> const& peaks, double fs) {
  std::vector<double> depths;
  for (std::size_t k = 1; k < peaks.size(); ++k) {
    const auto i0 = static_cast<std::ptrdiff_t>(peaks[k - 1] * fs), i1 = static_cast<std::ptrdiff_t>(peaks[k] * fs);
    depths.push_back(x[static_cast<std::size_t>(i1)] - *std::min_element(x.begin() + i0, x.begin() + i1));
  }
  std::nth_element(depths.begin(), depths.begin() + static_cast<std::ptrdiff_t>(depths.size() / 2), depths.end());
  return depths[depths.size() / 2];
}

} // namespace pneuma::test
