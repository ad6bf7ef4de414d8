// The SDL view drawn with the software renderer into a surface; pixels read back and checked.
#include <SDL.h>
#include <SDL_ttf.h>
#include <catch2/catch.hpp>
#include <memory>

#include "app/pacer_model.hpp"
#include "ui/pacer_view.hpp"

using namespace pneuma;

namespace {
struct Canvas {
  static constexpr int kW = 640, kH = 360;
  std::unique_ptr<SDL_Surface, decltype(&SDL_FreeSurface)> surface{
      SDL_CreateRGBSurfaceWithFormat(0, kW, kH, 32, SDL_PIXELFORMAT_ARGB8888), &SDL_FreeSurface};
  std::unique_ptr<SDL_Renderer, decltype(&SDL_DestroyRenderer)> renderer{
      SDL_CreateSoftwareRenderer(surface.get()), &SDL_DestroyRenderer};
  Canvas() {
    REQUIRE(TTF_WasInit() > 0);
    REQUIRE(renderer);
  }
  Uint32 pixel(int x, int y) const {
    return static_cast<Uint32 const*>(surface->pixels)[y * surface->pitch / 4 + x];
  }
  static Uint32 argb(SDL_Color c) { return 0xFF000000u | (c.r << 16) | (c.g << 8) | c.b; }
  int count(SDL_Color c) const {
    int n = 0;
    for (int y = 0; y < kH; ++y)
      for (int x = 0; x < kW; ++x) n += pixel(x, y) == argb(c) ? 1 : 0;
    return n;
  }
  /// Pixels that are neither background nor pacer colours, in a band of rows: text.
  int text_pixels(int y0, int y1) const {
    int n = 0;
    for (int y = y0; y < y1; ++y)
      for (int x = 0; x < kW; ++x) {
        const Uint32 p = pixel(x, y);
        n += (p != argb(ui::palette::kBackground) && ((p >> 16) & 0xFF) > 120) ? 1 : 0;
      }
    return n;
  }
};

struct TtfSession {
  TtfSession() { TTF_Init(); }
  ~TtfSession() { TTF_Quit(); }
};

void draw(Canvas& canvas, double t_s, app::Metrics metrics = {}) {
  ui::TextRenderer text(canvas.renderer.get());
  ui::PacerView view(canvas.renderer.get(), text);
  app::PacerModel pacer({6.0, 1.0, 1.5, 0, 0});
  ui::ViewModel m;
  m.pacer = pacer.at(t_s);
  m.metrics = metrics;
  m.session_s = t_s;
  m.session_length_s = 600;
  view.draw(m, Canvas::kW, Canvas::kH);
}
} // namespace

TEST_CASE("pacer view: the circle is larger at the end of inhale than at its start", "[ui]") {
  TtfSession ttf;
  Canvas start, end;
  draw(start, 0.05); // inhale just begun
  draw(end, 3.95);   // inhale about to end
  const int small = start.count(ui::palette::kPacer);
  const int large = end.count(ui::palette::kPacer);
  INFO("pacer pixels: start " << small << ", end " << large);
  CHECK(small > 1000);
  CHECK(large > 3 * small);
  // Centre is pacer-coloured, a corner is background.
  CHECK(end.pixel(Canvas::kW / 2, static_cast<int>(Canvas::kH * 0.42)) == Canvas::argb(ui::palette::kPacer));
  CHECK(end.pixel(2, Canvas::kH - 2) == Canvas::argb(ui::palette::kBackground));
  // Radius matches the model: a pixel just inside the expected edge is filled, just outside not.
  const int r = ui::PacerView::circle_radius(app::PacerModel({6.0, 1, 1.5, 0, 0}).at(3.95).position,
                                             Canvas::kW, Canvas::kH);
  const int cy = static_cast<int>(Canvas::kH * 0.42);
  CHECK(end.pixel(Canvas::kW / 2 + r - 3, cy) == Canvas::argb(ui::palette::kPacer));
  CHECK(end.pixel(Canvas::kW / 2 + r + 12, cy) != Canvas::argb(ui::palette::kPacer));
}

TEST_CASE("pacer view: the phase word and the numbers are drawn", "[ui]") {
  TtfSession ttf;
  Canvas blank, with_numbers;
  app::Metrics m;
  m.breathing_bpm = 6.1;
  m.hr_bpm = 64;
  draw(blank, 1.0);
  draw(with_numbers, 1.0, m);
  const int word_top = static_cast<int>(Canvas::kH * 0.42) +
                       ui::PacerView::circle_radius(1.0, Canvas::kW, Canvas::kH);
  CHECK(blank.text_pixels(word_top, word_top + 40) > 100); // "breathe in"
  // Numbers replace the "--" placeholders: the bottom row gains ink.
  CHECK(with_numbers.text_pixels(Canvas::kH - 40, Canvas::kH) >
        blank.text_pixels(Canvas::kH - 40, Canvas::kH));
}
