#pragma once
// The breathing pacer as a pure function of time: rate, inhale:exhale ratio and optional holds ->
// which phase the person should be in and where the (eased) target breath is.
//
// One cycle lasts 60 / rate s; the holds take their set seconds (scaled down if they would not
// fit), and the rest is split inhale:exhale. Position rises 0 -> 1 over the inhale with a raised
// cosine ease, stays 1 during the hold after inhale, falls over the exhale, stays 0 in the last hold.
// Rate changes are phase-continuous: the cycle count is anchored at the change (as EBYT does), so
// the pacer never jumps. A glide moves the rate linearly from one value to another over a few
// minutes (e.g. from the person's own rate down to the target); the cycle count is then the
// integral of rate over time, so it stays continuous too. No SDL, no clock of its own: time is
// passed in (session seconds).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace pneuma::app {

enum class PacerPhase : std::uint8_t { inhale, hold_in, exhale, hold_out };
std::string_view to_json_word(PacerPhase phase) noexcept; ///< "in" | "hold" | "out"
std::string_view to_prompt(PacerPhase phase) noexcept;    ///< "breathe in", "hold", "breathe out"

struct PacerSettings {
  double rate_bpm = 6.0;
  double inhale_parts = 1.0;  ///< I of I:E
  double exhale_parts = 1.5;  ///< E of I:E
  double hold_in_s = 0.0;     ///< pause after inhale
  double hold_out_s = 0.0;    ///< pause after exhale

  static constexpr double kMinRate = 3.0;
  static constexpr double kMaxRate = 12.0;
  static constexpr double kRateStep = 0.1;
  /// Rate rounded to the 0.1 breaths/min grid and clamped to 3..12.
  [[nodiscard]] static double snap_rate(double rate_bpm) noexcept;
  /// Settings from seconds: inhale, hold after inhale, exhale, hold after exhale (e.g. 4-0-6-0).
  /// Throws std::invalid_argument when the cycle does not give 3..12 breaths/min.
  static PacerSettings from_seconds(double inhale_s, double hold_in_s, double exhale_s,
                                    double hold_out_s);
  /// Seconds of each part of one cycle at this rate (holds shrink if they take over half of it).
  struct Durations {
    double inhale_s, hold_in_s, exhale_s, hold_out_s;
  };
  [[nodiscard]] Durations durations() const noexcept;
  /// Throws std::invalid_argument naming the bad field.
  void validate() const;
  /// Parses "1:1.5"; throws std::invalid_argument on anything else.
  static std::pair<double, double> parse_ratio(std::string_view text);
  [[nodiscard]] double inhale_fraction() const noexcept;
};

struct PacerFrame {
  PacerPhase phase = PacerPhase::inhale;
  double phase_progress = 0; ///< 0..1 within the phase
  double position = 0;       ///< eased target volume 0..1
  double cycles = 0;         ///< continuous cycle count; integer = inhale onset
  double rate_bpm = 0;
  double phase_left_s = 0;   ///< seconds until the phase ends
};

class PacerModel {
public:
  explicit PacerModel(PacerSettings settings = {});
  [[nodiscard]] PacerFrame at(double t_s) const noexcept;
  [[nodiscard]] double cycles_at(double t_s) const noexcept;
  /// New settings from time t_s on, without a jump in phase (ends any glide).
  void change(double t_s, PacerSettings settings);
  /// From t_s on, glide the rate linearly from `from_bpm` to the settings' rate over `duration_s`.
  void glide(double t_s, double from_bpm, double duration_s);
  /// Rate at t_s (the glide's current value while one runs).
  [[nodiscard]] double rate_at(double t_s) const noexcept;
  [[nodiscard]] bool gliding(double t_s) const noexcept {
    return glide_s_ > 0 && t_s < anchor_t_ + glide_s_;
  }
  [[nodiscard]] PacerSettings const& settings() const noexcept { return settings_; }

private:
  PacerSettings settings_;
  double anchor_t_ = 0;
  double anchor_cycles_ = 0;
  double glide_from_bpm_ = 0; ///< rate at anchor_t_ while gliding
  double glide_s_ = 0;        ///< glide length from anchor_t_ (0: none)
};

} // namespace pneuma::app
