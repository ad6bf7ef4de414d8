#pragma once
// The live heart path of the DSP thread: RR intervals (or ECG R peaks) -> beat times ->
// artifact correction -> sliding-window HRV, coherence and RSA -> Metrics fields.
// Everything is allocated at construction; every call is noexcept and allocation-free.

#include <array>

#include "live/metrics.hpp"
#include "pneuma/drivers/sample.hpp"
#include "pneuma/dsp/artifact_corrector.hpp"
#include "pneuma/dsp/coherence.hpp"
#include "pneuma/dsp/hrv_window.hpp"
#include "pneuma/dsp/rpeak_detector.hpp"
#include "pneuma/dsp/rr_timeline.hpp"
#include "pneuma/dsp/rsa.hpp"

namespace pneuma::app {

class HeartLive {
public:
  explicit HeartLive(double ecg_hz = 130.0);
  /// A strap's RR interval (1/1024 s ticks), stamped with its arrival time.
  void on_rr(drivers::RrInterval const& rr, Metrics& m) noexcept;
  /// An ECG sample (Polar H10 PMD): R peaks become beats when no strap RR is arriving.
  void on_ecg(drivers::EcgSample const& s, Metrics& m) noexcept;
  /// An inspiration onset from the breathing DSP: closes one breath for RSA.
  void on_breath_onset(double t_s, Metrics& m) noexcept;

private:
  void beat(double t_s, double rr_ms, Metrics& m) noexcept;
  void release(int n, Metrics& m) noexcept;
  void rsa_fallback(double now_s, Metrics& m) noexcept;

  dsp::RrTimeline timeline_;
  dsp::ArtifactCorrector corrector_;
  dsp::HrvWindows windows_;
  dsp::CoherenceTracker coherence_;
  dsp::RsaTracker rsa_;
  dsp::RPeakDetector rpeaks_;
  std::array<double, 64> raw_t_{}; // beat times by raw index (the corrector looks 7 beats ahead)
  std::array<double, 64> hr_t_{}, hr_{}; // recent corrected beats for the RSA fallback
  int hr_head_ = 0, hr_count_ = 0;
  double last_t_ = 0;
  double last_rr_arrival_s_ = -1e9;
  double last_onset_s_ = -1e9;
  // Onsets wait here until the corrected beats (released ~7 beats late) have passed them, so a
  // breath is closed only when all of its beats are in.
  std::array<double, 16> onsets_{};
  int onset_head_ = 0, onset_count_ = 0;
  double ecg_last_r_s_ = -1;
  bool pending_gap_ = false;
};

} // namespace pneuma::app
