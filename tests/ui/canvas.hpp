#pragma once
// A software-rendered canvas for render tests: an SDL_Surface with a software renderer, pixels
// read back directly. Needs no video driver (SDL_CreateSoftwareRenderer draws into memory).
#include <SDL.h>
#include <SDL_ttf.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <memory>

namespace pneuma::test {

struct TtfSession {
  TtfSession() { REQUIRE(TTF_Init() == 0); }
  ~TtfSession() { TTF_Quit(); }
};

struct Canvas {
  int w, h;
  std::unique_ptr<SDL_Surface, decltype(&SDL_FreeSurface)> surface;
  std::unique_ptr<SDL_Renderer, decltype(&SDL_DestroyRenderer)> renderer;
  explicit Canvas(int width = 640, int height = 360)
      : w(width), h(height),
        surface(SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888), &SDL_FreeSurface),
        renderer(SDL_CreateSoftwareRenderer(surface.get()), &SDL_DestroyRenderer) {
    REQUIRE(renderer);
    SDL_SetRenderDrawBlendMode(renderer.get(), SDL_BLENDMODE_BLEND);
  }
  [[nodiscard]] Uint32 pixel(int x, int y) const {
    return static_cast<Uint32 const*>(surface->pixels)[y * surface->pitch / 4 + x];
  }
  [[nodiscard]] Uint32 pixel(float x, float y) const {
    return pixel(static_cast<int>(x), static_cast<int>(y));
  }
  static Uint32 argb(SDL_Color c) {
    return 0xFF000000u | (Uint32{c.r} << 16) | (Uint32{c.g} << 8) | Uint32{c.b};
  }
  /// Colour distance (max channel difference) between a pixel and a colour.
  static int distance(Uint32 p, SDL_Color c) {
    const int r = static_cast<int>((p >> 16) & 0xFF), g = static_cast<int>((p >> 8) & 0xFF),
              b = static_cast<int>(p & 0xFF);
    return std::max({std::abs(r - c.r), std::abs(g - c.g), std::abs(b - c.b)});
  }
  /// Pixels within `tolerance` of colour c in a rectangle (whole canvas by default).
  [[nodiscard]] int count(SDL_Color c, int tolerance = 0, SDL_Rect r = {0, 0, -1, -1}) const {
    if (r.w < 0) r = {0, 0, w, h};
    int n = 0;
    for (int y = std::max(0, r.y); y < std::min(h, r.y + r.h); ++y)
      for (int x = std::max(0, r.x); x < std::min(w, r.x + r.w); ++x) n += distance(pixel(x, y), c) <= tolerance ? 1 : 0;
    return n;
  }
  /// Near-white pixels (text drawn in the main text colour) in a rectangle.
  [[nodiscard]] int bright(SDL_Rect r) const {
    int n = 0;
    for (int y = std::max(0, r.y); y < std::min(h, r.y + r.h); ++y)
      for (int x = std::max(0, r.x); x < std::min(w, r.x + r.w); ++x) {
        const Uint32 p = pixel(x, y);
        n += (((p >> 16) & 0xFF) > 200 && ((p >> 8) & 0xFF) > 200 && (p & 0xFF) > 200) ? 1 : 0;
      }
    return n;
  }
};

} // namespace pneuma::test
