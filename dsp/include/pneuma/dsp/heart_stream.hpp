#pragma once
// The live heart stream: strap RR intervals (or ECG R peaks) -> ONE beat timeline -> ONE artifact
// corrector -> sliding-window HRV, coherence and RSA; heart rate, the HR trace, the RSA-derived
// and the ECG-derived breathing all take their beats from this one stream.
//
//   RR ticks (1/1024 s) + arrival time -> RrTimeline (rr_timeline.hpp): beat time = anchored sum
//   ECG samples (uV) -> RPeakDetector (rpeak_detector.hpp, Pan-Tompkins / Hamilton-Tompkins):
//       R-peak time = sample time - decision delay; each peak is reported (R amplitude for EDR)
//       and becomes a beat, RR = difference of R times, when no strap RR arrived for
//       `ecg_fallback` (a strap sends RR and ECG together; its RR is the better clock)
//   raw beat -> BeatRateTracker (beat_rate.hpp): HR = 60000 / median of the last 5 RR
//            -> ArtifactCorrector (artifact_corrector.hpp, Lipponen & Tarvainen 2019): NN beats,
//               released 7 beats late; normal beats keep their own time, corrected ones follow
//               the corrected intervals
//   NN beat -> HrvWindows (60 s RMSSD, 5 min SDNN, artifact %), CoherenceTracker (coherence.hpp,
//              64 s every 5 s), RsaTracker (rsa.hpp) per breath between the breath onsets given
//              by breath_onset() (each onset waits until the NN beats have passed it);
//              without onsets for 30 s, RSA = mean over the last 3 breath periods (from
//              set_breathing_rate()) of HR max - min.
//
// Units: times in s on the caller's (session) clock, RR in ms, HR in beats/min, ECG in any unit.
// Delay: HR one beat; NN beats, HRV, coherence and RSA 7 beats (the corrector's look-ahead);
// ECG beats 150-280 ms after the R peak (the detector's decision delay).
// Thread contract: the constructor allocates (detector rings, FFT plan) and may throw
// std::invalid_argument; rr(), ecg(), breath_onset(), set_breathing_rate(): noexcept,
// allocation-free, one thread.

#include <array>
#include <cstdint>
#include <limits>

#include "pneuma/dsp/artifact_corrector.hpp"
#include "pneuma/dsp/beat_rate.hpp"
#include "pneuma/dsp/coherence.hpp"
#include "pneuma/dsp/hrv_window.hpp"
#include "pneuma/dsp/rpeak_detector.hpp"
#include "pneuma/dsp/rr_timeline.hpp"
#include "pneuma/dsp/rsa.hpp"
#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

struct HeartStreamConfig {
  Hz ecg_rate{130.0};          ///< ECG sampling rate (Polar H10: 130 Hz)
  Seconds ecg_fallback{5.0};   ///< R peaks become beats after this long without strap RR
  Seconds rr_max_skew{2.5};    ///< timeline re-anchors when beats fall this far behind arrival
  Seconds rsa_fallback{30.0};  ///< without breath onsets for this long, RSA from the breathing rate
  int hr_beats = 5;            ///< median length of the heart rate
};

/// Running heart numbers; NaN until known.
struct HeartMetrics {
  static constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();
  double hr_bpm = kUnknown;            ///< median of the last beats, beats/min
  double rmssd_ms = kUnknown;          ///< 60 s window, once covered
  double sdnn_ms = kUnknown;           ///< 5 min window, once covered
  double artifact_pct = kUnknown;      ///< corrected beats in the last 60 s, %
  double coherence = kUnknown;         ///< Pneuma coherence ratio
  double coherence_peak_hz = kUnknown;
  double rsa_bpm = kUnknown;           ///< HR peak-to-trough per breath
  bool hrv_poor = true;                ///< > 5 % artifacts or < 60 s
};

/// One raw beat of the timeline (before correction).
struct StreamBeat {
  double t_s = 0;          ///< beat time
  double rr_ms = 0;        ///< interval ending at it
  bool after_gap = false;  ///< the timeline re-anchored before it
  bool from_ecg = false;   ///< an R peak of the ECG, not a strap RR
};

/// One beat of the corrected (NN) series.
struct NnBeat {
  double t_s = 0;
  double rr_ms = 0;
  bool corrected = false;  ///< an artifact the corrector replaced
  bool after_gap = false;  ///< no successive difference into this beat
};

/// One detected R peak.
struct StreamRPeak {
  double t_s = 0;          ///< fiducial time
  float amplitude = 0;     ///< high-passed ECG at the fiducial (input units, signed)
};

/// Bits returned by rr() and ecg(): what this input produced.
enum HeartEvent : unsigned {
  kHeartNone = 0,
  kHeartBeat = 1u << 0,   ///< a new raw beat (last_beat())
  kHeartRate = 1u << 1,   ///< metrics().hr_bpm updated
  kHeartNn = 1u << 2,     ///< NN beats released (nn_count(), nn(i)); HRV numbers updated
  kHeartRPeak = 1u << 3,  ///< an R peak was detected (last_r_peak())
};

class HeartStream {
public:
  explicit HeartStream(HeartStreamConfig const& config = {});

  /// A strap's RR interval in 1/1024 s ticks, with the host time its notification arrived.
  unsigned rr(std::uint32_t ticks, double arrival_t_s) noexcept;
  /// The device reported lost beats (a lost notification): the next interval re-anchors the
  /// beat timeline and no successive difference spans the hole; the HRV windows carry on.
  void rr_lost() noexcept { timeline_.reset(); }
  /// One ECG sample at host time `t_s`.
  unsigned ecg(float microvolts, double t_s) noexcept;
  /// An inspiration onset (session time) from the breathing DSP: closes one breath for RSA.
  void breath_onset(double t_s) noexcept;
  /// The current breathing rate (breaths/min, NaN unknown), for the RSA fallback.
  void set_breathing_rate(double bpm) noexcept { breathing_bpm_ = bpm; }

  [[nodiscard]] HeartMetrics const& metrics() const noexcept { return m_; }
  [[nodiscard]] StreamBeat const& last_beat() const noexcept { return last_beat_; }
  [[nodiscard]] StreamRPeak const& last_r_peak() const noexcept { return last_peak_; }
  /// NN beats released by the last rr()/ecg() call (0..16).
  [[nodiscard]] int nn_count() const noexcept { return nn_n_; }
  [[nodiscard]] NnBeat const& nn(int i) const noexcept { return nn_[static_cast<std::size_t>(i)]; }
  [[nodiscard]] ArtifactCounts const& artifact_counts() const noexcept { return corrector_.counts(); }

private:
  unsigned beat(double t_s, double rr_ms, bool after_gap, bool from_ecg) noexcept;
  void release(int n) noexcept;
  void rsa_fallback(double now_s) noexcept;

  HeartStreamConfig cfg_;
  RrTimeline timeline_;
  RPeakDetector rpeaks_;
  BeatRateTracker rate_;
  ArtifactCorrector corrector_;
  HrvWindows windows_;
  CoherenceTracker coherence_;
  RsaTracker rsa_;
  HeartMetrics m_{};
  StreamBeat last_beat_{};
  StreamRPeak last_peak_{};
  std::array<NnBeat, 16> nn_{};
  int nn_n_ = 0;
  std::array<double, 64> raw_t_{}; // beat times by raw index (the corrector looks 7 beats ahead)
  std::array<double, 64> hr_t_{}, hr_{}; // recent NN beats for the RSA fallback
  int hr_head_ = 0, hr_count_ = 0;
  double last_t_ = 0;
  double last_rr_arrival_s_ = -1e9;
  double last_onset_s_ = -1e9;
  double breathing_bpm_ = HeartMetrics::kUnknown;
  // Onsets wait here until the NN beats (released ~7 beats late) have passed them, so a breath
  // is closed only when all of its beats are in.
  std::array<double, 16> onsets_{};
  int onset_head_ = 0, onset_count_ = 0;
  double ecg_last_r_s_ = -1;
  bool pending_gap_ = false;
};

} // namespace pneuma::dsp
