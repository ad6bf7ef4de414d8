#pragma once
// RR artifact detection and correction: Lipponen & Tarvainen 2019 (J Med Eng Technol
// 43(3):173-181, the Kubios "automatic correction"), as a streaming variant on a look-back window.
//
//   dRR[k] = RR[k] - RR[k-1]
//   mRR[k] = RR[k] - median(RR[k-5..k+5]),  negative values doubled
//   Th1 = a * QD(|dRR|), Th2 = a * QD(|mRR|)   QD = (Q3 - Q1) / 2 over the last 91 beats, a = 5.2
//   normalised D = dRR / Th1, M = mRR / Th2; S12, S22 as in the paper (neighbouring D values);
//   ectopic:  D > 1 and S12 < -c1 D - c2,  or  D < -1 and S12 > -c1 D + c2   (c1 0.13, c2 0.17)
//   long/short candidates: (D > 1 and S22 < -1) or |M| > 3 or (D < -1 and S22 > 1), then
//   missed:  long and |RR/2 - med| < Th2   -> split into two equal intervals
//   extra:   short and |RR[k] + RR[k+1] - med| < Th2 -> merged into one interval
//   otherwise long/short -> replaced by the local median;  ectopic pair -> both set to their mean
//   (the premature beat moved to the middle of its neighbours; the pair's total time is kept).
//
// Differences from the paper's offline form, and why:
// * Thresholds use the 91 beats that end at the newest beat (look-back) instead of +-45 around
//   the beat: the live stream has no future. Decisions wait for 5 beats of look-ahead (the
//   median window), so a beat is released 7 beats after it arrived.
// * Both beats of an ectopic pair are classified together (the pattern is tested at the beat and
//   the next one before the long/short rules), so a premature beat is "ectopic", not "short".
// * Thresholds are floored at 10 % of the local median RR: on exactly periodic or alternating
//   series QD is 0 and every tiny change would otherwise be an artifact (correction must not
//   touch clean data).
// * Intervals that are not numbers or <= 0 are dropped and counted invalid. One shorter than
//   200 ms is no heart cycle (the ventricles' refractory period, 300/min): a false detection,
//   merged into the next interval (counted extra); two such in a row are invalid, so a stream of
//   50 ms or 1e-300 ms values gives no beat at all. Intervals > 3 s are gaps: released as they
//   are, flagged `gap`, never corrected or bridged.
// * Before the adaptive rules, a premature beat is recognised by its shape alone: two intervals
//   that differ by > 30 % of their mean (an early beat and its pause) and together span about two
//   sinus cycles (the median of neighbouring pair means, which stays on the sinus rhythm even in
//   bigeminy). The adaptive thresholds (quartile deviations over 91 beats) grow with the
//   artifacts themselves: with 30-45 % premature beats they pass every one of them.
// * HRV time-domain differences are taken only between two normal beats (hrv_time's `corrected`
//   mask, HrvWindows): a corrected interval is an estimate, and its differences are not the
//   heart's beat-to-beat change (Task Force 1996: NN = normal-to-normal).
//
// Units: ms. Delay: 7 beats. Thread contract: construction allocates nothing; push() and
// reset() are noexcept, allocation-free, one thread.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "pneuma/dsp/hrv_time.hpp"

namespace pneuma::dsp {

enum class BeatClass : std::uint8_t { normal, ectopic, missed, extra, long_short, gap };
std::string_view to_string(BeatClass c) noexcept;

/// One beat of the corrected (NN) series, released after the look-ahead.
struct CorrectedBeat {
  double rr_ms = 0;        ///< corrected interval (the raw one when normal)
  double raw_rr_ms = 0;    ///< what came in (for a split or merge: the interval it came from)
  BeatClass cls = BeatClass::normal;
  bool after_gap = false;  ///< successive differences must not span into this beat
  std::uint64_t raw_index = 0; ///< index of the (first) raw interval it came from
};

struct ArtifactCounts {
  std::uint64_t beats = 0;   ///< raw intervals accepted
  std::uint64_t ectopic = 0; ///< raw intervals in ectopic pairs
  std::uint64_t missed = 0;  ///< raw intervals that hid a missed beat
  std::uint64_t extra = 0;   ///< raw intervals created by an extra beat
  std::uint64_t long_short = 0;
  std::uint64_t gaps = 0;
  std::uint64_t invalid = 0; ///< dropped: NaN, < min_rr_ms
  [[nodiscard]] std::uint64_t artifacts() const noexcept { return ectopic + missed + extra + long_short + gaps; }
  [[nodiscard]] double percent() const noexcept {
    return beats == 0 ? 0.0 : 100.0 * static_cast<double>(artifacts()) / static_cast<double>(beats);
  }
};

struct ArtifactConfig {
  double alpha = 5.2;
  double c1 = 0.13;
  double c2 = 0.17;
  int qd_window = 91;
  double min_threshold_rel = 0.10; ///< threshold floor, fraction of the local median RR
  double gap_ms = 3000;
  /// Premature beat by shape: |RR[k] - RR[k+1]| > 2 x this x their mean (a 30 % reversal within
  /// two beats: beyond sinus arrhythmia, which changes RR by < 10 % a beat at rest) ...
  double premature_rel = 0.15;
  /// ... and their mean within this share of the local sinus cycle (a compensatory pause).
  double pair_sum_rel = 0.12;
  /// An interval further than this from the local sinus cycle is an artifact (long_short): sinus
  /// arrhythmia swings RR by up to ~+-20 % around its median even at resonance breathing.
  double outlier_rel = 0.30;
  /// Intervals shorter than this are not a heart cycle (ventricular refractory period ~200 ms,
  /// 300 beats/min): merged into the next, or invalid when two come in a row.
  double min_rr_ms = kMinRrMs;
};

class ArtifactCorrector {
public:
  explicit ArtifactCorrector(ArtifactConfig const& config = {}) noexcept : cfg_(config) {}

  /// One raw interval in; returns how many corrected beats are now released (read with out(i)).
  int push(double rr_ms) noexcept;
  /// Releases everything still waiting (end of a record); same contract as push().
  int flush() noexcept;
  [[nodiscard]] CorrectedBeat const& out(int i) const noexcept { return out_[static_cast<std::size_t>(i)]; }
  [[nodiscard]] ArtifactCounts const& counts() const noexcept { return counts_; }
  void reset() noexcept;

private:
  static constexpr int kCap = 256;
  static constexpr int kLookAhead = 5;
  struct Slot {
    double rr = 0, raw = 0, absd = 0, absm = 0;
    std::uint64_t raw_index = 0;
    BeatClass cls = BeatClass::normal;
    bool synthetic = false, gap = false, after_gap = false;
  };
  void append(double rr, bool synthetic) noexcept;
  void evaluate() noexcept;
  void refresh(int from, int to) noexcept;
  [[nodiscard]] double median_around(int k) const noexcept;
  [[nodiscard]] double sinus_cycle_around(int k) const noexcept;
  [[nodiscard]] double premature_fit(int k) const noexcept;
  [[nodiscard]] bool premature_pair_at(int k) const noexcept;
  [[nodiscard]] double norm_d(int k, double th1) const noexcept;
  [[nodiscard]] bool ectopic_at(int k, double th1) const noexcept;
  [[nodiscard]] double quartile_dev(bool use_m, int last) const noexcept;
  void release(int upto) noexcept;
  void insert_at(int k, Slot const& s) noexcept;
  void erase_at(int k) noexcept;

  ArtifactConfig cfg_;
  std::array<Slot, kCap> s_{};
  int size_ = 0;
  int eval_ = 1;     // next beat to classify
  int released_ = 0; // beats [0, released_) have been emitted
  std::array<CorrectedBeat, 16> out_{};
  int out_n_ = 0;
  ArtifactCounts counts_{};
  bool next_after_gap_ = false;
  double held_ms_ = 0; ///< a too-short interval waiting to be merged into the next
};

/// Offline: the whole raw series through the same corrector.
struct CleanedRr {
  std::vector<double> raw_ms;         ///< accepted raw intervals (invalid ones dropped)
  std::vector<CorrectedBeat> beats;   ///< corrected series with classes
  ArtifactCounts counts{};
  [[nodiscard]] std::vector<double> nn_ms() const; ///< corrected intervals, gaps left out
};
CleanedRr clean_rr(std::span<const double> raw_ms, ArtifactConfig const& config = {});

/// Offline: the NN beats with their times exactly as dsp::HeartStream releases them live (one
/// rule for live and offline): the same corrector; a normal beat keeps its own time, a corrected
/// one follows the corrected intervals from the beat before; a gap gives no beat and marks the
/// next one after_gap. `beat_s` and `rr_ms` are the raw beats (same length). Allocates.
struct NnSeries {
  std::vector<double> t_s, rr_ms;
  std::vector<std::uint8_t> corrected, after_gap;
};
NnSeries nn_series(std::span<const double> beat_s, std::span<const double> rr_ms, ArtifactConfig const& config = {});

/// Offline safety net for heavy ectopy, where the corrector's adaptive thresholds (a quartile
/// deviation over 91 beats) grow with the artifacts themselves and pass them. Flags an interval
/// more than 35 % from the median of the (up to) 10 around it, or a short-long spike: differences
/// to both neighbours above 15 % of that median, of opposite sign. Breathing changes RR gradually,
/// so neither fires on RSA. Fixed-ratio rules of this kind are the classic RR editing criteria
/// (Malik et al. 1989: 20 % from the previous interval; Kamath & Fallen 1995); used together
/// with clean_rr, never instead of it. One flag per input interval (same length); allocates.
std::vector<bool> heavy_ectopy_flags(std::span<const double> raw_ms);

} // namespace pneuma::dsp
