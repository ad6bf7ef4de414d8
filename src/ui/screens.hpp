#pragma once
// The screens around the training: the 0-10 self-ratings (tension, pain) before and after, and
// the summary (before / after heart rate, RMSSD, breathing rate, the chosen score, time close to
// the pace, the ratings). Each returns the buttons it drew for the mouse. The words and numbers
// come from view/screen_view_models.hpp; these only draw them.

#include <SDL.h>

#include <vector>

#include "session/session_flow.hpp"
#include "ui/controls.hpp"
#include "ui/paint.hpp"
#include "ui/text.hpp"
#include "view/screen_view_models.hpp"

namespace pneuma::ui {

using RatingModel = app::RatingState;

class Screens {
public:
  Screens(SDL_Renderer* renderer, TextRenderer& text) : paint_(renderer), text_(text) {}
  std::vector<Button> draw_rating(RatingModel const& m, int width, int height);
  std::vector<Button> draw_summary(app::SummaryView const& v, int width, int height);
  std::vector<Button> draw_summary(app::SessionSummary const& s, int width, int height) {
    return draw_summary(app::make_summary_view(s), width, height);
  }
  /// The rating scale's button for `value` (0..10) in a window of this size.
  static SDL_FRect rating_cell(int value, int width, int height);

private:
  Painter paint_;
  TextRenderer& text_;
};

} // namespace pneuma::ui
