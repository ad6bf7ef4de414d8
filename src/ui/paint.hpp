#pragma once
// Drawing primitives for the view on top of SDL_RenderGeometry, with soft (feathered) edges: each
// shape gets a 1.5 px rim whose alpha falls to 0, which the renderer interpolates, so circles and
// curves look smooth with every renderer, the software one included. Palette: Okabe-Ito
// (colour-blind safe) on a deep navy ground.

#include <SDL.h>

#include <span>
#include <vector>

#include "view/format.hpp"

namespace pneuma::ui {

namespace palette {
inline constexpr SDL_Color kBackground{16, 24, 48, 255};
inline constexpr SDL_Color kPanel{26, 37, 68, 255};
inline constexpr SDL_Color kPanelEdge{40, 54, 92, 255};
inline constexpr SDL_Color kPacer{86, 180, 233, 255};   // sky blue
inline constexpr SDL_Color kHold{0, 158, 115, 255};     // bluish green
inline constexpr SDL_Color kGuide{70, 90, 130, 255};
inline constexpr SDL_Color kText{235, 240, 250, 255};
inline constexpr SDL_Color kMuted{150, 165, 195, 255};
inline constexpr SDL_Color kFaint{95, 110, 145, 255};   // unknown values, axes
inline constexpr SDL_Color kWarn{230, 159, 0, 255};     // orange
inline constexpr SDL_Color kBad{213, 94, 0, 255};       // vermillion
inline constexpr SDL_Color kGood{0, 158, 115, 255};     // bluish green
inline constexpr SDL_Color kNearly{240, 228, 66, 255};  // yellow
inline constexpr SDL_Color kBreath{230, 159, 0, 255};   // measured breath: orange against blue
inline constexpr SDL_Color kHeart{204, 121, 167, 255};  // reddish purple
} // namespace palette

inline SDL_Color with_alpha(SDL_Color c, Uint8 a) { return {c.r, c.g, c.b, a}; }
/// The colour each of the view model's tones is drawn in (view/format.hpp): text kText, muted
/// kMuted, faint kFaint, warn kWarn, good kGood, nearly kNearly, bad kBad.
SDL_Color colour_of(app::Tone tone) noexcept;
/// Linear mix of two colours (t = 0: a, 1: b).
SDL_Color mix(SDL_Color a, SDL_Color b, double t);

class Painter {
public:
  explicit Painter(SDL_Renderer* renderer) : renderer_(renderer) {}
  [[nodiscard]] SDL_Renderer* renderer() const noexcept { return renderer_; }

  void clear(SDL_Color c);
  void fill_rect(SDL_FRect r, SDL_Color c);
  void fill_round_rect(SDL_FRect r, float radius, SDL_Color c);
  void fill_circle(float cx, float cy, float radius, SDL_Color c);
  void ring(float cx, float cy, float radius, float thickness, SDL_Color c);
  /// A soft halo from `radius` (alpha of c) out to `radius + width` (transparent).
  void halo(float cx, float cy, float radius, float width, SDL_Color c);
  /// A smooth line through the points, `width` px wide, with feathered sides.
  void polyline(std::span<const SDL_FPoint> points, float width, SDL_Color c);

private:
  void opaque(bool on);
  void flush();
  void tri(int a, int b, int c);
  int vertex(float x, float y, SDL_Color c);
  SDL_Renderer* renderer_;
  std::vector<SDL_Vertex> v_;
  std::vector<int> idx_;
  std::vector<SDL_Rect> spans_;
};

} // namespace pneuma::ui
