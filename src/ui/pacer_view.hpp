#pragma once
// Draws one frame of the trainer: the pacer (expanding circle), the phase word, the measured
// breathing and heart rate, session time and device status. Draws only what it is given.

#include <SDL.h>

#include "app/metrics.hpp"
#include "app/pacer_model.hpp"
#include "ui/text.hpp"

namespace pneuma::ui {

struct ViewModel {
  app::PacerFrame pacer{};
  app::Metrics metrics{};
  double session_s = 0;
  double session_length_s = 0;
  bool paused = false;
};

/// Okabe-Ito colour-blind-safe palette.
namespace palette {
inline constexpr SDL_Color kBackground{16, 24, 48, 255};
inline constexpr SDL_Color kPacer{86, 180, 233, 255};  // sky blue
inline constexpr SDL_Color kHold{0, 158, 115, 255};    // bluish green
inline constexpr SDL_Color kGuide{70, 90, 130, 255};
inline constexpr SDL_Color kText{235, 240, 250, 255};
inline constexpr SDL_Color kMuted{150, 165, 195, 255};
inline constexpr SDL_Color kWarn{230, 159, 0, 255};    // orange
} // namespace palette

class PacerView {
public:
  PacerView(SDL_Renderer* renderer, TextRenderer& text) : renderer_(renderer), text_(text) {}
  void draw(ViewModel const& model, int width, int height);
  /// Radius of the pacer circle for a target position 0..1 in a window of this size.
  static int circle_radius(double position, int width, int height) noexcept;

private:
  void fill_circle(int cx, int cy, int radius, SDL_Color colour);
  void ring(int cx, int cy, int radius, int thickness, SDL_Color colour);
  SDL_Renderer* renderer_;
  TextRenderer& text_;
};

} // namespace pneuma::ui
