#include "analysis/record_analysis.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <complex>
#include <numbers>
#include <numeric>

#include "pneuma/drivers/files/rr_file.hpp"
#include "pneuma/dsp/artifact_corrector.hpp"
#include "pneuma/dsp/breath_count.hpp"
#include "pneuma/dsp/coherence.hpp"
#include "pneuma/dsp/hrv_frequency.hpp"
#include "pneuma/dsp/hrv_time.hpp"
#include "pneuma/dsp/periodogram.hpp"
#include "pneuma/dsp/spline.hpp"

namespace pneuma::app {
namespace {

constexpr double kGridHz = 4.0;
constexpr double kLfLo = 0.04, kLfHi = 0.15;

using Spectrum = dsp::Periodogram;

Spectrum periodogram(std::vector<double> const& x, double fs) { return dsp::periodogram(x, dsp::SampleRate(fs)); }

std::optional<double> peak_hz(Spectrum const& s, double lo, double hi) {
  if (auto f = s.peak(dsp::Hz(lo), dsp::Hz(hi))) return f->hz();
  return std::nullopt;
}

/// Linear interpolation of (t, v) points at kGridHz over [t0, t1).
std::vector<double> resample(std::vector<double> const& t, std::vector<double> const& v, double t0,
                             double t1) {
  return dsp::linear_resample(t, v, t0, t1, dsp::SampleRate(kGridHz));
}

void flag_artifacts(BeatSeries& b) {
  // Lipponen & Tarvainen 2019 through the heart DSP's offline corrector. An interval is flagged
  // when its corrected beat is not "normal" (ectopic, missed, extra, long/short, gap) or when it
  // was merged away (an extra beat: the second interval of the pair has no beat of its own).
  const std::size_t n = b.rr_ms.size();
  b.artifact.assign(n, false);
  std::vector<double> raw;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < n; ++i)
    if (std::isfinite(b.rr_ms[i]) && b.rr_ms[i] >= dsp::kMinRrMs) {
      raw.push_back(b.rr_ms[i]);
      where.push_back(i);
    }
  if (raw.empty()) return;
  const dsp::CleanedRr cleaned = dsp::clean_rr(raw);
  std::vector<bool> seen(raw.size(), false);
  for (auto const& beat : cleaned.beats) {
    if (beat.raw_index >= raw.size()) continue;
    seen[beat.raw_index] = true;
    if (beat.cls != dsp::BeatClass::normal) b.artifact[where[beat.raw_index]] = true;
  }
  for (std::size_t k = 0; k < raw.size(); ++k)
    if (!seen[k]) b.artifact[where[k]] = true;
  // Safety net for heavy ectopy (dsp::heavy_ectopy_flags: fixed-ratio rules the adaptive
  // thresholds cannot outgrow).
  const std::vector<bool> heavy = dsp::heavy_ectopy_flags(raw);
  for (std::size_t k = 0; k < raw.size(); ++k)
    if (heavy[k]) b.artifact[where[k]] = true;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

} // namespace

drivers::files::SignalData const* find_signal(drivers::files::Recording const& rec,
                                              std::string const& label_prefix) {
  const std::string want = lower(label_prefix);
  for (auto const& s : rec.signals)
    if (lower(s.label).rfind(want, 0) == 0) return &s;
  return nullptr;
}

BeatSeries beats_from_annotations(drivers::files::Recording const& rec, std::string const& label) {
  std::vector<double> times;
  std::vector<long long> gaps; // on the EDF's 100-us grid, as the beats they mark
  for (auto const& a : rec.annotations) {
    if (a.text == label) times.push_back(a.onset_s);
    if (a.text == kRrGapLabel) gaps.push_back(std::llround(a.onset_s * 10000.0));
  }
  std::sort(times.begin(), times.end());
  std::sort(gaps.begin(), gaps.end());
  BeatSeries b;
  b.optical = drivers::files::beats_mostly_optical(rec, times);
  for (std::size_t i = 0; i < times.size(); ++i) {
    b.t_s.push_back(times[i]);
    const bool gap = std::binary_search(gaps.begin(), gaps.end(), std::llround(times[i] * 10000.0));
    b.rr_ms.push_back(i == 0 || gap ? std::nan("") : 1000.0 * (times[i] - times[i - 1]));
  }
  flag_artifacts(b);
  return b;
}

BeatSeries beats_from_rr(std::vector<double> const& rr_ms, std::vector<double> const& beat_times) {
  BeatSeries b;
  double t = 0;
  for (std::size_t i = 0; i < rr_ms.size(); ++i) {
    t = beat_times.size() == rr_ms.size() ? beat_times[i] : t + rr_ms[i] / 1000.0;
    b.t_s.push_back(t);
    b.rr_ms.push_back(rr_ms[i]);
  }
  flag_artifacts(b);
  return b;
}

std::vector<PacerSpan> pacer_spans(drivers::files::Recording const& rec) {
  std::vector<PacerSpan> spans;
  for (auto const& a : rec.annotations) {
    if (a.text.rfind("Pacer ", 0) != 0 || a.text.find("/min") == std::string::npos) continue;
    double rate = 0;
    if (std::sscanf(a.text.c_str(), "Pacer %lf/min", &rate) != 1) continue;
    if (!spans.empty()) spans.back().t1 = a.onset_s;
    spans.push_back({a.onset_s, rec.duration_s, rate, a.text});
  }
  return spans;
}

std::vector<double> hr_series(BeatSeries const& beats, double t0, double t1, double fs) {
  std::vector<double> t, v;
  for (std::size_t i = 0; i < beats.t_s.size(); ++i) {
    if (beats.artifact[i] || !std::isfinite(beats.rr_ms[i])) continue;
    if (beats.t_s[i] < t0 - 5 || beats.t_s[i] > t1 + 5) continue;
    t.push_back(beats.t_s[i] - beats.rr_ms[i] / 2000.0); // the interval's rate belongs to its middle
    v.push_back(60000.0 / beats.rr_ms[i]);
  }
  return dsp::linear_resample(t, v, t0, t1, dsp::SampleRate(fs));
}

WindowStats analyze_window(drivers::files::Recording const& rec, BeatSeries const& beats, double t0,
                           double t1, double pace_bpm) {
  WindowStats w;
  w.t0 = t0;
  w.t1 = t1;
  // Time domain over the NN intervals in the window (dsp::hrv_time; NaN marks a removed beat, so
  // no successive difference spans it).
  std::vector<double> nn_t, nn, nn_with_breaks;
  int artifacts = 0;
  for (std::size_t i = 0; i < beats.t_s.size(); ++i) {
    if (beats.t_s[i] < t0 || beats.t_s[i] >= t1 || !std::isfinite(beats.rr_ms[i])) continue;
    ++w.beats;
    if (beats.artifact[i]) {
      ++artifacts;
      nn_with_breaks.push_back(std::nan(""));
      continue;
    }
    nn_with_breaks.push_back(beats.rr_ms[i]);
    nn_t.push_back(beats.t_s[i]);
    nn.push_back(beats.rr_ms[i]);
  }
  if (w.beats > 0) w.artifact_pct = 100.0 * artifacts / w.beats;
  if (nn.size() >= 2) {
    const dsp::HrvTime td = dsp::hrv_time(nn_with_breaks);
    w.mean_hr_bpm = td.mean_hr_bpm;
    w.sdnn_ms = td.sdnn_ms;
    if (td.n_diff > 0) w.rmssd_ms = td.rmssd_ms;
  }
  const double span = t1 - t0;
  // RR spectrum: LF power, LF peak, number of LF peaks, coherence.
  if (nn.size() >= 20 && span >= 30) {
    const Spectrum rr = periodogram(resample(nn_t, nn, t0, t1), kGridHz);
    if (!rr.psd.empty()) {
      w.lf_ms2 = rr.power(dsp::Hz(kLfLo), dsp::Hz(kLfHi));
      double top = 0;
      std::size_t top_k = 0;
      for (std::size_t k = 0; k < rr.psd.size(); ++k) {
        const double f = static_cast<double>(k) * rr.df;
        if (f >= kLfLo && f < kLfHi && rr.psd[k] > top) {
          top = rr.psd[k];
          top_k = k;
        }
      }
      w.lf_peak_ms2_hz = top;
      w.lf_peak_hz = static_cast<double>(top_k) * rr.df;
      int peaks = 0;
      for (std::size_t k = 1; k + 1 < rr.psd.size(); ++k) {
        const double f = static_cast<double>(k) * rr.df;
        if (f < kLfLo || f >= kLfHi) continue;
        if (rr.psd[k] > rr.psd[k - 1] && rr.psd[k] >= rr.psd[k + 1] && rr.psd[k] >= 0.1 * top)
          ++peaks;
      }
      w.lf_peaks = peaks;
    }
    if (span >= 120) { // long enough for the Task Force LF estimate (Welch, detrended): use it
      const dsp::HrvFrequency fd = dsp::hrv_frequency(nn, nn_t);
      if (std::isfinite(fd.lf_ms2)) w.lf_ms2 = fd.lf_ms2;
      if (std::isfinite(fd.lf_peak_hz)) w.lf_peak_hz = fd.lf_peak_hz;
    }
    // Coherence: the heart DSP's ratio (64 s windows every 5 s), averaged over the window.
    const double coherence = dsp::mean_coherence(nn_t, nn);
    if (std::isfinite(coherence)) w.coherence = coherence;
  }
  // Breathing: belt spectrum, else RSA-derived from HR.
  const auto* belt = find_signal(rec, "Resp");
  std::vector<double> volume;
  if (belt != nullptr && belt->fs_hz > 0) volume = dsp::smoothed_grid(belt->values, dsp::SampleRate(belt->fs_hz), t0, t1, dsp::SampleRate(kGridHz));
  const std::vector<double> hr = hr_series(beats, t0, t1, kGridHz);
  Spectrum belt_spec, hr_spec;
  if (volume.size() >= 64) belt_spec = periodogram(volume, kGridHz);
  if (hr.size() >= 64) hr_spec = periodogram(hr, kGridHz);
  if (!belt_spec.psd.empty()) {
    if (auto f = peak_hz(belt_spec, 0.05, 0.7)) {
      w.breathing_bpm = *f * 60.0;
      w.breathing_from_belt = true;
      // Counting breaths is steadier than the peak over a short window (sighs, drift).
      if (auto counted = dsp::counted_breath_rate(volume, dsp::SampleRate(kGridHz), 60.0 / std::max(*w.breathing_bpm, 3.0)))
        w.breathing_bpm = *counted;
    }
  } else if (!hr_spec.psd.empty()) {
    if (auto f = peak_hz(hr_spec, 0.05, 0.4)) w.breathing_bpm = *f * 60.0;
  }
  if (pace_bpm > 0 && !hr_spec.psd.empty()) {
    const double fp = pace_bpm / 60.0;
    const double total = hr_spec.power(dsp::Hz(0.02), dsp::Hz(0.5));
    if (total > 0) w.smoothness = hr_spec.power(dsp::Hz(fp - 0.02), dsp::Hz(fp + 0.02)) / total;
    if (!belt_spec.psd.empty()) {
      const std::size_t k = hr_spec.bin(dsp::Hz(fp));
      const auto cross = hr_spec.bins[k] * std::conj(belt_spec.bins[k]);
      w.phase_deg = std::arg(cross) * 180.0 / std::numbers::pi;
    }
  }
  // Peak-to-trough HR per pacer cycle (or per measured breath period without a pacer).
  std::vector<double> onsets;
  for (auto const& a : rec.annotations)
    if (a.text == "Pacer inhale" && a.onset_s >= t0 && a.onset_s < t1) onsets.push_back(a.onset_s);
  std::sort(onsets.begin(), onsets.end());
  if (onsets.size() < 2 && w.breathing_bpm && *w.breathing_bpm > 0) {
    onsets.clear();
    for (double x = t0; x < t1; x += 60.0 / *w.breathing_bpm) onsets.push_back(x);
  }
  std::vector<double> swings;
  for (std::size_t c = 0; c + 1 < onsets.size(); ++c) {
    double lo = 1e9, hi = -1e9;
    int n = 0;
    for (std::size_t i = 0; i < beats.t_s.size(); ++i) {
      if (beats.t_s[i] < onsets[c] || beats.t_s[i] >= onsets[c + 1]) continue;
      if (beats.artifact[i] || !std::isfinite(beats.rr_ms[i])) continue;
      const double h = 60000.0 / beats.rr_ms[i];
      lo = std::min(lo, h);
      hi = std::max(hi, h);
      ++n;
    }
    if (n >= 2) swings.push_back(hi - lo);
  }
  if (!swings.empty())
    w.p2t_bpm = std::accumulate(swings.begin(), swings.end(), 0.0) / static_cast<double>(swings.size());
  return w;
}

} // namespace pneuma::app
