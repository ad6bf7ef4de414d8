#pragma once
// The screens around the training: the 0-10 self-ratings (tension, pain) before and after, and
// the summary (before / after heart rate, RMSSD, breathing rate, the chosen score, time close to
// the pace, the ratings). Each returns the buttons it drew for the mouse.

#include <SDL.h>

#include <vector>

#include "session/session_flow.hpp"
#include "ui/controls.hpp"
#include "ui/paint.hpp"
#include "ui/text.hpp"

namespace pneuma::ui {

struct RatingModel {
  bool after = false;
  app::RatingQuestion question = app::RatingQuestion::tension;
  int draft = -1;
};

class Screens {
public:
  Screens(SDL_Renderer* renderer, TextRenderer& text) : paint_(renderer), text_(text) {}
  std::vector<Button> draw_rating(RatingModel const& m, int width, int height);
  std::vector<Button> draw_summary(app::SessionSummary const& s, int width, int height);
  /// The rating scale's button for `value` (0..10) in a window of this size.
  static SDL_FRect rating_cell(int value, int width, int height);

private:
  Painter paint_;
  TextRenderer& text_;
};

} // namespace pneuma::ui
