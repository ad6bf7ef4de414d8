#pragma once
// The clinician's window: raw signals (the belt against the pacer target, heart rate), the
// standard numbers, rate control, and event markers with a short note; the patient meanwhile
// sees only the large pacer (PacerView in patient mode) on their own screen.

#include <SDL.h>

#include <string>
#include <vector>

#include "session/session_flow.hpp"
#include "ui/pacer_view.hpp"

namespace pneuma::ui {

struct ClinicianModel {
  ViewModel view;
  std::vector<app::EventMarker> const* markers = nullptr;
  bool editing_note = false;
  std::string note;
};

class ClinicianView {
public:
  ClinicianView(SDL_Renderer* renderer, TextRenderer& text) : paint_(renderer), text_(text) {}
  std::vector<Button> draw(ClinicianModel const& m, int width, int height);

private:
  void draw_belt(ViewModel const& v, SDL_FRect box, float u);
  Painter paint_;
  TextRenderer& text_;
  std::vector<SDL_FPoint> points_;
};

/// The action of the button under (x, y) (pixels), or none.
Action hit_test(std::vector<Button> const& buttons, float x, float y);

} // namespace pneuma::ui
