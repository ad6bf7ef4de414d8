#pragma once
// The clinician's window: raw signals (the belt against the pacer target, heart rate), the
// standard numbers, rate control, and event markers with a short note; the patient meanwhile
// sees only the large pacer (PacerView in patient mode) on their own screen.
// Draws only what it is given: the frame's state (traces, pacer) and the ClinicianViewModel
// (every word and number; view/trainer_view_model.hpp).

#include <SDL.h>

#include <string>
#include <vector>

#include "session/session_flow.hpp"
#include "ui/pacer_view.hpp"
#include "view/trainer_view_model.hpp"

namespace pneuma::ui {

struct ClinicianModel {
  app::TrainerState view;
  std::vector<app::EventMarker> const* markers = nullptr;
  bool editing_note = false;
  std::string note;
};

class ClinicianView {
public:
  ClinicianView(SDL_Renderer* renderer, TextRenderer& text) : paint_(renderer), text_(text) {}
  /// Draws the window from this frame's state and its view model (update_clinician_view).
  std::vector<Button> const& draw(ClinicianModel const& m, app::ClinicianViewModel const& vm, int width,
                                  int height);
  /// The same, building the view model itself.
  std::vector<Button> const& draw(ClinicianModel const& m, int width, int height);

private:
  void draw_belt(app::TrainerState const& v, SDL_FRect box, float u);
  Painter paint_;
  TextRenderer& text_;
  std::vector<SDL_FPoint> points_;
  std::string belt_range_;
  std::vector<Button> buttons_; // kept from frame to frame
  app::ClinicianViewModel own_model_; // for draw(m, w, h)
};

/// The action of the button under (x, y) (pixels), or none.
Action hit_test(std::vector<Button> const& buttons, float x, float y);

} // namespace pneuma::ui
