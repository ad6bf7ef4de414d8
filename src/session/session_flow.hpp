#pragma once
// The steps of one training session, as a pure state machine (no SDL, no clock: times are passed
// in), so the whole flow is unit-tested from a script:
//
//   [rating before] -> [baseline] -> training -> [rating after] -> summary -> done
//
// Ratings (tension, then pain, 0-10, each may be skipped) and the baseline (breathing freely, no
// pacer) are optional. Once per second of session time the flow takes the latest Metrics and
// keeps per-second samples of the baseline and the training (fixed capacity, reserved up front);
// the summary compares "before" (the baseline, or the first 2 min of training when there is none)
// with "after" (the last 2 min of training; the two halves of a training shorter than 4 min).
// Only seconds whose signal quality is at least 0.5
// count towards a mean, and for RMSSD and the score only seconds whose HRV is not flagged poor
// (Metrics::hrv_poor): a mean built from fewer than 10 good seconds is reported as unknown.
// "Close to the pace": seconds of training when the breath followed the pacer (follow score
// >= 0.7), or, without a belt trace, when the breathing rate was within 0.5 /min of the pacer.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "live/metrics.hpp"
#include "session/pacer_follow.hpp"

namespace pneuma::app {

enum class ScoreKind : std::uint8_t { coherence, rsa, rmssd };
std::string_view score_name(ScoreKind kind) noexcept; ///< "Coherence", "RSA", "RMSSD"
double score_value(ScoreKind kind, Metrics const& m) noexcept;
/// Parses "coherence" | "rsa" | "rmssd"; throws std::invalid_argument otherwise.
ScoreKind parse_score_kind(std::string_view text);

/// The breathing rate to show: breath by breath (the belt's detected breaths) when that signal is
/// good, else the spectral estimate; with the quality (0..1) of whichever is used.
struct BreathingRate {
  double bpm = kUnknown;
  double quality = 0;
};
BreathingRate breathing_rate(Metrics const& m) noexcept;

enum class FlowStage : std::uint8_t { rating_before, baseline, training, rating_after, summary, done };
enum class RatingQuestion : std::uint8_t { tension, pain };

struct FlowOptions {
  bool ratings = false;  ///< ask tension and pain before and after
  double baseline_s = 0; ///< free breathing before training (0: none)
  double training_s = 600;
  ScoreKind score = ScoreKind::coherence;
};

struct SelfRating {
  int tension = -1; ///< 0..10, -1 skipped
  int pain = -1;
};

struct PeriodStats {
  double hr_bpm = kUnknown;
  double rmssd_ms = kUnknown;
  double breathing_bpm = kUnknown;
  double score = kUnknown;
  int good_seconds = 0; ///< seconds with quality >= 0.5
  int seconds = 0;
};

struct SessionSummary {
  SelfRating before, after;
  PeriodStats start, end;     ///< "before" and "after" periods
  bool start_is_baseline = false;
  double training_s = 0;      ///< seconds of training done
  double close_to_pace_s = 0; ///< seconds of training close to the pace
  double measured_pace_s = 0; ///< seconds of training where following could be judged
  ScoreKind score = ScoreKind::coherence;
  bool ended_early = false;
};

struct EventMarker {
  double t_s = 0;
  std::string note;
};

/// One JSON object: {"summary": {...}, "markers": [{"t_s":..,"note":..}, ...]}; unknown = null.
std::string summary_json(SessionSummary const& s, std::vector<EventMarker> const& markers);

class SessionFlow {
public:
  explicit SessionFlow(FlowOptions options);

  [[nodiscard]] FlowStage stage() const noexcept { return stage_; }
  [[nodiscard]] FlowOptions const& options() const noexcept { return options_; }
  /// Whether the pacer should run now (training only).
  [[nodiscard]] bool pacer_running() const noexcept { return stage_ == FlowStage::training; }

  // Rating screens.
  [[nodiscard]] RatingQuestion question() const noexcept { return question_; }
  [[nodiscard]] int draft() const noexcept { return draft_; } ///< value being chosen, -1 none
  void choose(int value) noexcept;                            ///< 0..10 (clamped)
  void nudge(int delta) noexcept;                             ///< arrow keys
  void confirm(double t_s);                                   ///< takes the draft (or skips)
  void skip(double t_s);                                      ///< this question left out

  /// Once per frame: moves through timed stages and samples the metrics once per second.
  void tick(double t_s, Metrics const& m, double pacer_bpm, FollowResult const& follow);
  /// Ends the current stage early (baseline: start training; training: on to the summary).
  void finish_stage(double t_s);
  /// Ends the session from any stage: training goes on to the after-ratings (when asked for)
  /// or the summary; before training, straight to the summary; in the summary, done.
  void end(double t_s);
  /// From the summary: done.
  void close() noexcept;

  [[nodiscard]] double stage_elapsed(double t_s) const noexcept { return t_s - stage_start_s_; }
  [[nodiscard]] double stage_length() const noexcept;
  [[nodiscard]] SessionSummary summary() const;

  void add_marker(double t_s, std::string note);
  [[nodiscard]] std::vector<EventMarker> const& markers() const noexcept { return markers_; }

private:
  struct Second {
    float hr, rmssd, breathing, score, quality;
    bool close, judged, hrv_ok;
  };
  void enter(FlowStage stage, double t_s);
  void after_ratings(double t_s);
  static PeriodStats stats(std::vector<Second> const& s, std::size_t from, std::size_t to);

  FlowOptions options_;
  FlowStage stage_ = FlowStage::rating_before;
  RatingQuestion question_ = RatingQuestion::tension;
  int draft_ = -1;
  SelfRating before_, after_;
  double stage_start_s_ = 0;
  double next_sample_s_ = -1;
  bool ended_early_ = false;
  std::vector<Second> baseline_, training_;
  std::vector<EventMarker> markers_;
};

} // namespace pneuma::app
