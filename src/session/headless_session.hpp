#pragma once
// A session's flow without a window: the baseline (pacer still, breathing measured), training,
// and the glide from the person's own breathing rate down to the pacer's at the start of
// training, second by second from the headless loop; the summary at the end. The window's
// controller (ui/controls) runs the same flow around its buttons; ratings need the window (or
// --before and `pneuma rate`), so a headless flow has none.

#include <string_view>

#include "live/headless.hpp"
#include "pacer/pacer_timeline.hpp"
#include "session/pacer_follow.hpp"
#include "session/session_flow.hpp"

namespace pneuma::app {

struct HeadlessSetup {
  PacerSettings pacer{};
  FlowOptions flow{};   ///< flow.ratings must be false (throws std::invalid_argument otherwise)
  double glide_s = 0;   ///< glide from the measured rate to the pacer's over this long (0: none)
};

class HeadlessSession final : public HeadlessDriver {
public:
  /// The breathing rate a glide starts from when none could be measured: a typical resting adult's.
  static constexpr double kDefaultGlideFromBpm = 12.0;

  explicit HeadlessSession(HeadlessSetup const& setup);

  bool second(Snapshot const& s, Metrics const& latest) override;
  [[nodiscard]] std::string_view stage() const noexcept override;
  bool take_pacer_changed(PacerTimeline& timeline) noexcept override;

  /// The session ended before its time (interrupted): the summary says so.
  void end(double t_s);
  [[nodiscard]] SessionFlow const& flow() const noexcept { return flow_; }
  [[nodiscard]] PacerTimeline const& timeline() const noexcept { return timeline_; }

private:
  void sync_pause(double t_s);
  PacerTimeline timeline_;
  SessionFlow flow_;
  PacerFollow follow_;
  FollowResult follow_result_{};
  double glide_s_ = 0;
  bool training_seen_ = false;
  bool pacer_changed_ = true;
  std::string_view line_stage_ = "training";
};

} // namespace pneuma::app
