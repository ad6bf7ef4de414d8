#pragma once
// The start screen: what the window opens on when Pneuma is started without options (the menu
// entry). The person picks a strap, belt or the simulated person, who is practising, the pace and
// the length, and presses start; the source is then tried (live/connection_trial) while the screen
// shows the progress, and, when it cannot connect, the plain reason and what to do. Scanning and
// trying run on threads of their own: the screen only reads their snapshots, so it never waits.
// Mouse: every choice is a button. Keys: Enter starts (or tries again), Esc goes back or closes.
// The words come from view/start_view_model.hpp; this file only draws them and keeps the state.

#include <SDL.h>

#include <memory>
#include <optional>
#include <vector>

#include "live/connection_trial.hpp"
#include "live/device_scan.hpp"
#include "ui/controls.hpp"
#include "ui/paint.hpp"
#include "ui/text.hpp"
#include "view/start_view_model.hpp"

namespace pneuma::ui {

class StartScreen {
public:
  /// Starts the first scan at once (`scan_s` of BLE discovery; 0: serial ports only).
  StartScreen(SDL_Renderer* renderer, TextRenderer& text, app::StartInputs inputs, app::StartChoices last,
              double scan_s, app::TrialLimits limits = {});

  /// One event (window coordinates scaled to pixels by scale_x / scale_y for the mouse).
  void handle(SDL_Event const& e, float scale_x = 1, float scale_y = 1);
  void apply(Action a);
  /// Once a frame: reads the scan and the trial, and builds the view.
  void update();
  /// Draws the view built by update(); returns the buttons drawn.
  std::vector<Button> const& draw(int width, int height);

  /// The choices once the source answered and was closed again: the session may open it.
  [[nodiscard]] std::optional<app::StartChoices> const& ready() const noexcept { return ready_; }
  [[nodiscard]] app::StartView const& view() const noexcept { return view_; }
  [[nodiscard]] app::StartPhase phase() const noexcept { return state_.phase; }
  [[nodiscard]] std::vector<Button> const& buttons() const noexcept { return buttons_; }
  bool quit = false;

private:
  void start_trial();
  void retire_trial();
  Painter paint_;
  TextRenderer& text_;
  app::StartInputs inputs_;
  app::StartState state_;
  app::StartView view_;
  app::DeviceScan scan_;
  double scan_s_;
  app::TrialLimits limits_;
  std::unique_ptr<app::ConnectionTrial> trial_;
  std::vector<std::unique_ptr<app::ConnectionTrial>> retiring_; ///< closing their device
  bool closing_ = false; ///< the trial succeeded; waiting for it to close the device
  std::optional<app::StartChoices> ready_;
  std::vector<Button> buttons_;
  float scale_x_ = 1, scale_y_ = 1;
};

} // namespace pneuma::ui
