#pragma once
// Causal R-peak (QRS) detector for single-lead ECG sampled at 100..1000 Hz (Polar H10: 130 Hz).
//
// Method: Pan & Tompkins 1985 (IEEE TBME 32(3):230-236) with Hamilton & Tompkins' 1986 decision
// rules, on one signal path:
//   band-pass 5-15 Hz (4th-order Butterworth high-pass + low-pass sections),
//   5-point derivative  d[n] = (2x[n] + x[n-1] - x[n-3] - 2x[n-4]) fs / 8,
//   squaring, 150 ms moving-window integration (MWI).
// A local maximum of the MWI is a candidate once the MWI has fallen to half of it (or 120 ms
// passed). Candidates above THR1 = NPKI + 0.25 (SPKI - NPKI), outside the 200 ms refractory
// period and not T-wave-like (within 360 ms of the last beat and with < 1/2 of its maximum slope)
// are beats; SPKI/NPKI are exponential averages (1/8) of beat and noise candidate heights.
// Search-back: when no beat came for 1.66 x the median of the last 8 RR (plus the time a regular
// beat needs to be decided), the highest noise candidate since the last beat, at least 360 ms
// after it, is taken if it exceeds THR2 = THR1 / 2 (SPKI updated by 1/4).
// Amplitude drops (gain change, electrode shift): after 3 s without a beat SPKI halves.
// Learning: thresholds are set from the first 2 s (SPKI = max MWI / 3, NPKI = mean MWI / 2);
// candidates seen meanwhile are decided at the end of learning.
//
// Fiducial: the largest deflection of the 0.5 Hz high-passed ECG in the 250 ms before the MWI
// maximum, with the polarity of the record learned from the beats so far (inverted or negative
// QRS leads work; a biphasic QRS keeps one fiducial instead of jumping between R and S), refined
// by a parabola through the apex and its neighbours: at 130 Hz one sample is 7.7 ms, and a
// flat-topped R otherwise toggles between two samples and adds that jitter to RMSSD.
//
// Units: input in any unit (mV, uV, counts: the thresholds are adaptive); output sample indices
// counted from the first process() call. Decision delay: regular beats are reported 150-280 ms
// after the R peak (filter delay + MWI width + fall to half); search-back beats later by nature
// (up to 1.66 RR); the first 2 s at the end of learning. Non-finite input is counted and treated
// as 0 (a flat line: no beats).
// Thread contract: the constructor allocates (ring buffers sized from fs) and may throw;
// process()/reset() are noexcept, allocation-free, one thread.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "pneuma/dsp/biquad.hpp"
#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

struct RPeak {
  std::int64_t sample = 0;   ///< index of the R fiducial (from the first process() call)
  std::int64_t decided_at = 0; ///< index of the sample whose arrival confirmed the beat
  float amplitude = 0;       ///< high-passed ECG at the fiducial (input units, signed)
  float fraction = 0;        ///< sub-sample offset of the apex, -0.5..0.5 (parabolic fit)
  bool search_back = false;  ///< found by search-back (lower threshold)
  /// Fiducial time in s from the first sample: (sample + fraction) / fs.
  [[nodiscard]] double time_s(double fs_hz) const noexcept { return (static_cast<double>(sample) + fraction) / fs_hz; }
};

struct RPeakConfig {
  Hz band_lo{5.0};
  Hz band_hi{15.0};
  double integration_s = 0.150;
  double refractory_s = 0.200;
  double t_wave_window_s = 0.360;
  double search_back_factor = 1.66;
  double learning_s = 2.0;
};

class RPeakDetector {
public:
  /// Throws std::invalid_argument when fs is outside 50..2000 Hz.
  explicit RPeakDetector(SampleRate fs, RPeakConfig const& config = {});

  /// One ECG sample in; a beat when one is decided (at most one per call, in time order).
  std::optional<RPeak> process(float x) noexcept;
  /// Clears history and thresholds (learning restarts); keeps the design.
  void reset() noexcept;

  [[nodiscard]] std::uint64_t invalid_samples() const noexcept { return invalid_; }
  [[nodiscard]] std::int64_t samples_seen() const noexcept { return n_; }
  [[nodiscard]] SampleRate sample_rate() const noexcept { return fs_; }
  /// Dominant QRS polarity learned so far: +1, -1, or 0 when unknown.
  [[nodiscard]] int polarity() const noexcept;

private:
  struct Candidate {
    double height = 0;      // MWI maximum
    double slope = 0;       // max |derivative| in the 250 ms before it
    std::int64_t mwi_at = -1;
    std::int64_t fiducial = -1;
    float amplitude = 0;
    float fraction = 0;
  };
  void locate(Candidate& c) const noexcept;
  void classify(Candidate const& c) noexcept;
  void accept(Candidate const& c, bool search_back) noexcept;
  void emit(RPeak const& p) noexcept;
  [[nodiscard]] double hp_at(std::int64_t idx) const noexcept;
  [[nodiscard]] double thr1() const noexcept { return npki_ + 0.25 * (spki_ - npki_); }

  SampleRate fs_;
  RPeakConfig cfg_;
  std::array<Biquad, 4> band_{};
  Biquad baseline_hp_{};
  std::array<double, 5> deriv_hist_{};
  std::vector<double> mwi_ring_;   // squared derivative, integration window
  std::vector<float> hp_ring_;     // 0.5 Hz high-passed ECG, fiducial search
  std::vector<float> slope_ring_;  // |derivative|, slope of the candidate
  double mwi_sum_ = 0, inv_mwi_len_ = 1, deriv_gain_ = 1;
  int mwi_len_ = 1, look_len_ = 1, fall_len_ = 1, refractory_ = 1, t_window_ = 1, learn_len_ = 1, drop_len_ = 1;
  std::size_t mwi_pos_ = 0, ring_pos_ = 0; // next write positions (== n_ modulo the ring sizes)
  std::int64_t n_ = 0;
  std::uint64_t invalid_ = 0;

  // candidate tracking on the MWI
  Candidate rising_{};
  bool tracking_ = false;
  // thresholds
  double spki_ = 0, npki_ = 0;
  bool learned_ = false;
  double learn_max_ = 0, learn_sum_ = 0;
  std::array<Candidate, 16> learn_cands_{};
  int learn_count_ = 0;
  // beats
  std::int64_t last_beat_ = -1;      // fiducial of the last beat
  std::int64_t last_beat_mwi_ = -1;  // MWI peak index of the last beat
  double last_slope_ = 0;
  std::array<double, 8> rr_hist_{};
  int rr_count_ = 0, rr_next_ = 0;
  double rr_mean_ = 0;               // samples
  Candidate best_noise_{};
  bool have_noise_ = false;
  double polarity_sum_ = 0, polarity_abs_ = 0;
  // output
  std::array<RPeak, 8> out_{};
  int out_head_ = 0, out_size_ = 0;
};

/// Offline use of the same detector: R-peak times in seconds for a whole record.
/// The fiducials come out in time order; search-back beats included.
std::vector<RPeak> detect_r_peaks(std::span<const float> ecg, SampleRate fs,
                                  RPeakConfig const& config = {});

} // namespace pneuma::dsp
