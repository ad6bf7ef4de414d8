#pragma once
// What the user can do in the trainer, and the state it changes. Keyboard and mouse events become
// Actions; a TrainerController applies them to the pacer timeline, the session flow and the view
// state. It owns the truth of the session on the UI thread; the window publishes the pacer to the
// pipeline whenever it changed. No drawing here, so events can be tested with synthetic SDL
// events and no renderer.
//
// Keys: + / - (or Up / Down) rate by 0.1, space pause, f fullscreen, m mute, [ ] volume,
// 1 2 3 shape (circle, bar, wave), c change the main score, Enter next step, Esc end the session
// (the summary follows; Esc again closes). Rating screens: 0-9 (1 then 0 within a second: 10) or
// Up / Down choose, Enter confirms, s skips. Clinician window: n starts a marker note, Enter saves it, Esc cancels.

#include <SDL.h>

#include <string>
#include <vector>

#include "pacer/audio_cue.hpp"
#include "live/metrics.hpp"
#include "session/pacer_follow.hpp"
#include "pacer/pacer_timeline.hpp"
#include "session/session_flow.hpp"
#include "view/trainer_view_model.hpp"

namespace pneuma::ui {

// The pacer's shapes live with the view model (view/trainer_view_model.hpp).
using app::PacerShape;
using app::parse_shape;
using app::shape_name;

enum class ActionKind : std::uint8_t {
  none, rate_down, rate_up, toggle_pause, toggle_fullscreen, toggle_mute, volume_down, volume_up,
  shape, next_score, confirm, skip, choose, nudge, end_session, close, note_begin, quit,
  // The start screen (ui/start_screen.hpp): value is the row's index.
  pick_source, pick_profile, pick_pace, pick_minutes, scan, start, back
};
struct Action {
  ActionKind kind = ActionKind::none;
  int value = 0; ///< shape index, rating value, nudge direction
  bool operator==(Action const&) const = default;
};

/// A clickable area in pixels of the renderer output.
struct Button {
  Action action;
  SDL_FRect rect;
  std::string label;
  bool on = false; ///< drawn highlighted (current shape, muted, paused)
};

struct TrainerSetup {
  app::PacerSettings pacer{};
  app::FlowOptions flow{};
  PacerShape shape = PacerShape::circle;
  bool muted = false;
  double volume = 0.5;
  double glide_s = 0; ///< glide from the person's rate to the target over this long (0: none)
  bool fullscreen = false;
};

class TrainerController {
public:
  explicit TrainerController(TrainerSetup const& setup);

  /// The buttons now on screen (pixels) and the pixel/window-coordinate ratio for the mouse.
  /// Copied into the kept list (no allocation once it has room).
  void set_buttons(std::vector<Button> const& buttons, float scale_x = 1, float scale_y = 1);
  [[nodiscard]] std::vector<Button> const& buttons() const noexcept { return buttons_; }
  /// Maps an event to an action (none when it means nothing here).
  [[nodiscard]] Action action_for(SDL_Event const& e) const;
  /// Handles an event at session time now_s.
  void handle(SDL_Event const& e, double now_s);
  void apply(Action a, double now_s);
  /// Once per frame: the flow's clock, the follow score, pause state and the glide.
  void update(double now_s, app::Metrics const& m);

  [[nodiscard]] app::PacerTimeline const& timeline() const noexcept { return timeline_; }
  /// True once after each change of the timeline (the window then publishes it).
  bool take_pacer_changed() noexcept;
  [[nodiscard]] app::SessionFlow& flow() noexcept { return flow_; }
  [[nodiscard]] app::SessionFlow const& flow() const noexcept { return flow_; }
  [[nodiscard]] app::FollowResult const& follow() const noexcept { return follow_result_; }

  PacerShape shape = PacerShape::circle;
  bool muted = false;
  double volume = 0.5;
  bool fullscreen = false;
  bool user_paused = false;
  bool quit = false;
  app::ScoreKind score = app::ScoreKind::coherence;
  // Marker note being typed (clinician window).
  bool editing_note = false;
  std::string note;

private:
  void change_rate(double delta, double now_s);
  void sync_pause(double now_s);
  app::PacerTimeline timeline_;
  app::SessionFlow flow_;
  app::PacerFollow follow_;
  app::FollowResult follow_result_{};
  double glide_s_ = 0;
  double last_assess_s_ = -1;
  bool pacer_changed_ = true;
  bool training_seen_ = false;
  std::vector<Button> buttons_;
  float scale_x_ = 1, scale_y_ = 1;
  static constexpr Uint32 kTwoDigitMs = 1000; ///< "1" then "0" within this long is 10
  int last_digit_ = -1;                       ///< the last rating digit typed
  Uint32 last_digit_ms_ = 0;                  ///< its key event's SDL timestamp
};

} // namespace pneuma::ui
