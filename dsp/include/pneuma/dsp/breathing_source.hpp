#pragma once
// Which breathing signal to believe, once a second: the belt when there is one, else the chest
// strap's surrogates (resp_derived.hpp) in the order of how directly they see the chest move:
//   belt > chest motion (ACC) > ECG R-amplitude (EDR) > heart rhythm (RSA).
//
// Each candidate offers a score in 0..1 (its RespAnalyzer signal-quality index, 0 while it has no
// data) and whether it is usable (score >= `usable`). Hysteresis, so the source does not flip every
// second on noise in the scores:
//   * a usable belt is taken at once (it measures breathing itself);
//   * a candidate replaces the current source only after it has been usable AND better for
//     `switch_after` seconds in a row, where "better" = higher in the order above and not clearly
//     worse (score >= current - margin / 2), or lower in the order with a score above the current
//     one's by `margin`;
//   * a current source that has been unusable for `drop_after` seconds is replaced at once by the
//     best usable candidate (or none).
// A new source is announced by the `changed` flag of the next update().
//
// RSA follows breathing only where the baroreflex lets it (Eckberg 1983; Hirsch & Bishop 1981:
// the HR response to breathing is a low-pass whose gain falls by half from 6 to 12 breaths/min;
// Task Force 1996 on ectopy): rsa_follows_breathing() says no, with the reason, when
//   * the breathing is fast: rate > 10/min (HR swings become small and lag by up to half a cycle),
//   * ectopy or artifacts: > 5 % of the last 60 s of beats corrected,
//   * low HRV: the HR swing per breath < 1.5 beats/min, or RMSSD < 8 ms (too little vagal
//     modulation to carry a breathing signal above the beat-timing noise);
//   * no steady rhythm: the CV of the last 8 HR-derived breath periods > 0.3 (what the heart
//     shows is Mayer waves and noise, not breaths: typical when breathing is fast, so that the
//     heart's own rate estimate reads slow and would pass the first rule).
// Units: scores 0..1, rates breaths/min, times s. Delay: one update period plus `switch_after`.
// Thread contract: no allocation; update() is noexcept; one thread.

#include <array>
#include <cstdint>
#include <string_view>

namespace pneuma::dsp {

enum class BreathingSource : std::uint8_t { none, belt, chest_motion, ecg, heart_rhythm };
inline constexpr std::size_t kBreathingSources = 5;

/// Stable machine name (headless lines, recordings): "belt", "chest_motion", "ecg", "heart_rhythm".
std::string_view breathing_source_key(BreathingSource s) noexcept;

struct BreathingSourceConfig {
  double usable = 0.35;       ///< a score below this is not a breathing signal
  double margin = 0.2;        ///< a lower-ranked source must beat the current one by this much
  double switch_after_s = 10; ///< a better source must stay better this long
  double drop_after_s = 5;    ///< an unusable current source is dropped after this long
};

class BreathingSourceChooser {
public:
  explicit BreathingSourceChooser(BreathingSourceConfig const& config = {}) noexcept : cfg_(config) {}

  /// One decision at session time `t_s` from the scores (index = BreathingSource; none ignored).
  /// Returns the source to use now.
  BreathingSource update(double t_s, std::array<double, kBreathingSources> const& scores) noexcept;
  [[nodiscard]] BreathingSource current() const noexcept { return current_; }
  /// The last update() changed the source.
  [[nodiscard]] bool changed() const noexcept { return changed_; }
  void reset() noexcept;

private:
  BreathingSourceConfig cfg_;
  BreathingSource current_ = BreathingSource::none;
  bool changed_ = false;
  double last_t_ = -1;
  std::array<double, kBreathingSources> better_for_{}; ///< seconds each candidate has been better
  double unusable_for_ = 0;
};

/// Why RSA-derived breathing is not trusted now (none: it is).
enum class RsaDoubt : std::uint8_t { none, fast_breathing, ectopy, low_hrv, irregular };

struct RsaTrustInputs {
  double breathing_bpm;   ///< the derived breathing rate (NaN unknown)
  double artifact_pct;    ///< corrected beats in the last 60 s, %
  double hr_swing_bpm;    ///< HR peak-to-trough per breath (RSA amplitude), NaN unknown
  double rmssd_ms;        ///< NaN unknown
  double regularity_cv;   ///< CV of the last 8 derived breath periods, NaN unknown
};

/// Stable machine name: "fast_breathing", "ectopy", "low_hrv", "irregular" ("none").
std::string_view rsa_doubt_key(RsaDoubt d) noexcept;

/// The rules of the banner; an unknown input (NaN, e.g. in the first minute) raises no doubt.
RsaDoubt rsa_follows_breathing(RsaTrustInputs const& in) noexcept;

} // namespace pneuma::dsp
