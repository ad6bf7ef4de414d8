#pragma once
// Streaming time-domain HRV over sliding time windows (default 60 s, 2 min, 5 min), updated on
// every beat in O(1) amortised time without allocating: running sums over a shared ring of beats.
//
//   per window: MeanNN, SDNN (n-1), RMSSD, pNN50, MeanHR = 60000 / MeanNN, artifact %
//   (successive differences only between two normal beats, both inside the window and not
//   across a gap: a corrected beat starts no difference and ends none, as in hrv_time.hpp)
// RMSSD needs >= 60 s for ultra-short-term use (Shaffer & Ginsberg 2017); `complete` says the
// window is covered. `poor` when > 5 % of its beats were corrected artifacts (Kubios' rule of
// thumb) - the UI greys the numbers. Sums are kept relative to the first beat's interval and
// recomputed every 4096 beats, so hours of streaming do not drift.
// Units: times in s, intervals in ms, HR in beats/min. Delay: none beyond the window itself.
// Thread contract: the constructor allocates the ring (and may throw); push()/reset()/stats()
// are noexcept and allocation-free, one thread.

#include <array>
#include <cstdint>
#include <vector>

namespace pneuma::dsp {

struct HrvWindowStats {
  double span_s = 0;
  int n = 0;
  double mean_nn_ms = 0, sdnn_ms = 0, rmssd_ms = 0, pnn50_pct = 0, mean_hr_bpm = 0, artifact_pct = 0;
  bool complete = false; ///< the window's whole span is covered by beats
  bool poor = false;     ///< > 5 % artifacts (or too few beats)
};

class HrvWindows {
public:
  static constexpr int kWindows = 3;
  /// Spans in s (each > 0, ascending); the ring holds the longest at up to 240 beats/min.
  explicit HrvWindows(std::array<double, kWindows> spans_s = {60.0, 120.0, 300.0});

  /// One corrected beat: its time (s), interval (ms), whether it was an artifact (corrected),
  /// and whether a gap precedes it (no successive difference across).
  void push(double t_s, double rr_ms, bool artifact, bool after_gap) noexcept;
  [[nodiscard]] HrvWindowStats stats(int window) const noexcept;
  void reset() noexcept;

private:
  struct Beat {
    double t = 0, x = 0; // x = rr - offset
    bool artifact = false, diff_ok = false;
    double d = 0;        // rr - previous rr, when diff_ok
  };
  struct Sums {
    std::int64_t tail = 0; // oldest beat index inside the window
    double n = 0, sx = 0, sxx = 0, sdd = 0, nd = 0, over50 = 0, artifacts = 0;
  };
  void add(Sums& s, Beat const& b, bool has_prev) noexcept;
  void remove(Sums& s, Beat const& b, Beat const* next) noexcept;
  void rebuild() noexcept;
  Beat const& at(std::int64_t i) const noexcept { return ring_[static_cast<std::size_t>(i % cap_)]; }

  std::array<double, kWindows> span_{};
  std::vector<Beat> ring_;
  std::int64_t cap_ = 0;
  std::int64_t head_ = 0; // next index to write
  double offset_ = 0;
  double last_rr_ = 0;
  bool last_artifact_ = false;
  std::array<Sums, kWindows> sums_{};
};

} // namespace pneuma::dsp
