#pragma once
// Offline numbers from a recorded session (an EDF+ file written by RecordWriter, or any file the
// drivers' readers load): the session summary for the store, the report's charts, and the
// resonance-frequency assessment's per-step criteria.
//
// Beats: "R" annotations (RecordWriter) or beat times of an RR file. RR = difference of beat
// times; artifacts are classified by the heart DSP's Lipponen & Tarvainen 2019 corrector
// (dsp::clean_rr: ectopic, missed, extra, long/short, gaps), whose thresholds adapt to the
// series, so the 30 % RR swings of slow breathing are not mistaken for artifacts; plus its
// safety net for heavy ectopy (dsp::heavy_ectopy_flags), which inflates those thresholds. The NN series drops artifacts, and no successive difference spans one.
// Time domain: dsp::hrv_time (Task Force 1996): mean HR, SDNN, RMSSD.
// LF power: windows of 120 s or more use dsp::hrv_frequency (spline, smoothness-priors detrend,
// Welch; Kubios defaults). Shorter windows (the assessment's 75 s steps, below the Task Force
// minimum) use dsp::periodogram of the window (periodogram.hpp): RR (or HR) interpolated
// linearly at 4 Hz (dsp::linear_resample), mean removed, Hann window, zero-padded; one-sided PSD
// in ms^2/Hz; band power = sum P df; LF = 0.04-0.15 Hz. The LF peak
// amplitude and the number of LF peaks always come from that periodogram.
// Coherence: dsp::mean_coherence (Pneuma coherence ratio, 64 s windows) over the window.
// Breathing rate in a window: breaths counted on the belt (4 Hz grid, baseline over one breath
// period - from the belt spectrum's 0.05-0.7 Hz peak - removed, upward crossings with hysteresis:
// zero-crossing counting as biosppy), rate = (breaths - 1) / time between the first and last;
// the spectral peak when fewer than 3 breaths; without a belt, the HR spectrum's peak in
// 0.05-0.4 Hz (RSA-derived).
// Resonance criteria (Shaffer & Meehan 2020) per window at pacing frequency fp:
//   phase: HR vs lung volume (belt) phase at fp from the cross-spectrum, degrees, + = HR leads;
//   p2t: mean over pacer cycles ("Pacer inhale" onsets) of max - min instantaneous HR, bpm;
//   lf_power (ms^2), lf_peak (ms^2/Hz, highest PSD value in LF);
//   smoothness: share of HR variance (0.02-0.5 Hz) within +-0.02 Hz of fp (1 = pure sine);
//   lf_peaks: local maxima in the LF PSD above 10 % of its highest.
// Thread contract: plain functions, any thread, not real-time (they allocate).

#include <optional>
#include <string>
#include <vector>

#include "pneuma/drivers/files/signal_file.hpp"

namespace pneuma::app {

struct BeatSeries {
  std::vector<double> t_s;   ///< beat times
  std::vector<double> rr_ms; ///< interval ending at each beat (first beat: NaN)
  std::vector<bool> artifact;
  bool optical = false; ///< most beats are an optical sensor's pulse intervals (kBeatsOpticalLabel)
};

/// Annotation a recording writes at a beat whose interval to the beat before is not measured
/// (beats were lost between them: the span is two or more beats).
inline constexpr char const* kRrGapLabel = "RR gap";

/// Beats from "R" annotations (or `label` annotations); a beat with an "RR gap" at its time has
/// no interval (NaN), never one long beat.
BeatSeries beats_from_annotations(drivers::files::Recording const& rec,
                                  std::string const& label = "R");
/// Beats from a list of RR intervals (beat times = cumulative sum), artifacts flagged.
BeatSeries beats_from_rr(std::vector<double> const& rr_ms, std::vector<double> const& beat_times = {});

struct WindowStats {
  double t0 = 0, t1 = 0;
  int beats = 0;
  double artifact_pct = 0;
  std::optional<double> mean_hr_bpm, rmssd_ms, sdnn_ms;
  std::optional<double> lf_ms2, lf_peak_ms2_hz, lf_peak_hz, coherence;
  std::optional<double> breathing_bpm;      ///< measured
  bool breathing_from_belt = false;
  std::optional<double> phase_deg, p2t_bpm, smoothness;
  std::optional<int> lf_peaks;
};

/// The signal with this label (case-insensitive prefix match), or null.
drivers::files::SignalData const* find_signal(drivers::files::Recording const& rec,
                                              std::string const& label_prefix);

/// Numbers over [t0, t1). `pace_bpm` (> 0) enables the phase/smoothness criteria at that rate.
WindowStats analyze_window(drivers::files::Recording const& rec, BeatSeries const& beats, double t0,
                           double t1, double pace_bpm = 0);

/// Pacer settings in effect over time, from "Pacer 6.00/min 1:1.5" annotations.
struct PacerSpan {
  double t0, t1, rate_bpm;
  std::string text;
};
std::vector<PacerSpan> pacer_spans(drivers::files::Recording const& rec);

/// Instantaneous HR at `fs` Hz over [t0, t1) from beats: 60000 / RR placed at the middle of each
/// interval (its rate belongs there, not to the beat that ends it), linear between; artifacts skipped.
std::vector<double> hr_series(BeatSeries const& beats, double t0, double t1, double fs);

} // namespace pneuma::app
