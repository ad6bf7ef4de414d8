#include "ui/paint.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace pneuma::ui {

SDL_Color colour_of(app::Tone tone) noexcept {
  using T = app::Tone;
  switch (tone) {
  case T::text: return palette::kText;
  case T::faint: return palette::kFaint;
  case T::warn: return palette::kWarn;
  case T::good: return palette::kGood;
  case T::nearly: return palette::kNearly;
  case T::bad: return palette::kBad;
  default: return palette::kMuted;
  }
}

namespace {
constexpr float kFeather = 1.5F;
int segments_for(float radius) { return std::clamp(static_cast<int>(radius * 0.8F), 24, 256); }
} // namespace

SDL_Color mix(SDL_Color a, SDL_Color b, double t) {
  t = std::clamp(t, 0.0, 1.0);
  auto m = [t](Uint8 x, Uint8 y) {
    return static_cast<Uint8>(std::lround(x + (static_cast<double>(y) - x) * t));
  };
  return {m(a.r, b.r), m(a.g, b.g), m(a.b, b.b), m(a.a, b.a)};
}

int Painter::vertex(float x, float y, SDL_Color c) {
  v_.push_back({{x, y}, c, {0, 0}});
  return static_cast<int>(v_.size()) - 1;
}

void Painter::tri(int a, int b, int c) {
  idx_.push_back(a);
  idx_.push_back(b);
  idx_.push_back(c);
}

void Painter::flush() {
  if (!idx_.empty())
    SDL_RenderGeometry(renderer_, nullptr, v_.data(), static_cast<int>(v_.size()), idx_.data(),
                       static_cast<int>(idx_.size()));
  v_.clear();
  idx_.clear();
}

void Painter::clear(SDL_Color c) {
  SDL_SetRenderDrawBlendMode(renderer_, SDL_BLENDMODE_BLEND);
  SDL_SetRenderDrawColor(renderer_, c.r, c.g, c.b, c.a);
  SDL_RenderClear(renderer_);
}

void Painter::fill_rect(SDL_FRect r, SDL_Color c) {
  SDL_SetRenderDrawColor(renderer_, c.r, c.g, c.b, c.a);
  SDL_RenderFillRectF(renderer_, &r);
}

void Painter::opaque(bool on) {
  SDL_SetRenderDrawBlendMode(renderer_, on ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
}

void Painter::fill_round_rect(SDL_FRect r, float radius, SDL_Color c) {
  // On whole pixels, so the straight sides and the rounded corners meet without a notch.
  r = {std::round(r.x), std::round(r.y), std::round(r.w), std::round(r.h)};
  radius = std::floor(std::min({radius, r.w / 2, r.h / 2}));
  if (radius < 1) {
    fill_rect(r, c);
    return;
  }
  // Centre cross as rectangles on whole pixels, overlapping by a pixel so no seam shows between
  // them; corners as quarter discs with a feathered rim.
  auto snap = [this, c](float x0, float y0, float x1, float y1) {
    const SDL_Rect px{static_cast<int>(std::floor(x0)), static_cast<int>(std::floor(y0)),
                      static_cast<int>(std::ceil(x1) - std::floor(x0)), static_cast<int>(std::ceil(y1) - std::floor(y0))};
    SDL_SetRenderDrawColor(renderer_, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(renderer_, &px);
  };
  opaque(c.a == 255);
  snap(r.x + radius, r.y, r.x + r.w - radius, r.y + r.h);
  snap(r.x, r.y + radius, r.x + radius + 1, r.y + r.h - radius);
  snap(r.x + r.w - radius - 1, r.y + radius, r.x + r.w, r.y + r.h - radius);
  opaque(false);
  const SDL_Color clear = with_alpha(c, 0);
  const float cxs[4] = {r.x + radius, r.x + r.w - radius, r.x + r.w - radius, r.x + radius};
  const float cys[4] = {r.y + radius, r.y + radius, r.y + r.h - radius, r.y + r.h - radius};
  const int n = std::max(8, segments_for(radius) / 2);
  for (int k = 0; k < 4; ++k) {
    const int centre = vertex(cxs[k], cys[k], c);
    const double a0 = std::numbers::pi * (1.0 + 0.5 * k);
    int prev_in = -1, prev_out = -1;
    for (int i = 0; i <= n; ++i) {
      const double a = a0 + 0.5 * std::numbers::pi * i / n;
      const auto ca = static_cast<float>(std::cos(a)), sa = static_cast<float>(std::sin(a));
      const int in = vertex(cxs[k] + (radius - kFeather / 2) * ca, cys[k] + (radius - kFeather / 2) * sa, c);
      const int out = vertex(cxs[k] + (radius + kFeather / 2) * ca, cys[k] + (radius + kFeather / 2) * sa, clear);
      if (prev_in >= 0) {
        tri(centre, prev_in, in);
        tri(prev_in, prev_out, in);
        tri(in, prev_out, out);
      }
      prev_in = in;
      prev_out = out;
    }
  }
  // The straight edges get the same soft rim as the corners, so they meet without a step.
  const float f = kFeather / 2;
  auto strip = [&](float x0, float y0, float x1, float y1, float nx, float ny) {
    const int a = vertex(x0 - nx * f, y0 - ny * f, c), b = vertex(x1 - nx * f, y1 - ny * f, c);
    const int a2 = vertex(x0 + nx * f, y0 + ny * f, clear), b2 = vertex(x1 + nx * f, y1 + ny * f, clear);
    tri(a, b, a2);
    tri(b, b2, a2);
  };
  strip(r.x + radius, r.y, r.x + r.w - radius, r.y, 0, -1);                       // top
  strip(r.x + radius, r.y + r.h, r.x + r.w - radius, r.y + r.h, 0, 1);            // bottom
  strip(r.x, r.y + radius, r.x, r.y + r.h - radius, -1, 0);                       // left
  strip(r.x + r.w, r.y + radius, r.x + r.w, r.y + r.h - radius, 1, 0);            // right
  flush();
}

void Painter::fill_circle(float cx, float cy, float radius, SDL_Color c) {
  if (radius <= 0) return;
  const int n = segments_for(radius);
  const SDL_Color clear = with_alpha(c, 0);
  const float r_in = std::max(0.0F, radius - kFeather / 2), r_out = radius + kFeather / 2;
  // The interior as one horizontal span per pixel row (plain fills: fast in every renderer,
  // much faster than triangles in the software one), then the feathered rim with blending.
  spans_.clear();
  const int y0 = static_cast<int>(std::ceil(cy - r_in)), y1 = static_cast<int>(std::floor(cy + r_in));
  for (int y = y0; y <= y1; ++y) {
    const float dy = static_cast<float>(y) + 0.5F - cy;
    const float half = std::sqrt(std::max(0.0F, r_in * r_in - dy * dy));
    // Rounded outward: the rim below starts a pixel inside, so no background shows between.
    const int x0 = static_cast<int>(std::floor(cx - half)), x1 = static_cast<int>(std::ceil(cx + half));
    if (x1 > x0) spans_.push_back({x0, y, x1 - x0, 1});
  }
  opaque(c.a == 255);
  SDL_SetRenderDrawColor(renderer_, c.r, c.g, c.b, c.a);
  SDL_RenderFillRects(renderer_, spans_.data(), static_cast<int>(spans_.size()));
  SDL_SetRenderDrawBlendMode(renderer_, SDL_BLENDMODE_BLEND);
  const float r_solid = std::max(0.0F, r_in - 1.0F);
  for (int i = 0; i < n; ++i) {
    const double a = 2 * std::numbers::pi * i / n;
    const auto ca = static_cast<float>(std::cos(a)), sa = static_cast<float>(std::sin(a));
    vertex(cx + r_solid * ca, cy + r_solid * sa, c);
    vertex(cx + r_out * ca, cy + r_out * sa, clear);
  }
  for (int i = 0; i < n; ++i) {
    const int in = 2 * i, out = in + 1;
    const int in2 = 2 * ((i + 1) % n), out2 = in2 + 1;
    tri(in, out, in2);
    tri(in2, out, out2);
  }
  flush();
}

void Painter::ring(float cx, float cy, float radius, float thickness, SDL_Color c) {
  const int n = segments_for(radius);
  const SDL_Color clear = with_alpha(c, 0);
  const float radii[4] = {radius - thickness - kFeather / 2, radius - thickness + kFeather / 2,
                          radius - kFeather / 2, radius + kFeather / 2};
  for (int i = 0; i < n; ++i) {
    const double a = 2 * std::numbers::pi * i / n;
    const auto ca = static_cast<float>(std::cos(a)), sa = static_cast<float>(std::sin(a));
    for (int k = 0; k < 4; ++k) vertex(cx + radii[k] * ca, cy + radii[k] * sa, (k == 0 || k == 3) ? clear : c);
  }
  for (int i = 0; i < n; ++i) {
    const int a = 4 * i, b = 4 * ((i + 1) % n);
    for (int k = 0; k < 3; ++k) {
      tri(a + k, a + k + 1, b + k);
      tri(a + k + 1, b + k + 1, b + k);
    }
  }
  flush();
}

void Painter::halo(float cx, float cy, float radius, float width, SDL_Color c) {
  const int n = segments_for(radius + width);
  const SDL_Color clear = with_alpha(c, 0);
  for (int i = 0; i < n; ++i) {
    const double a = 2 * std::numbers::pi * i / n;
    const auto ca = static_cast<float>(std::cos(a)), sa = static_cast<float>(std::sin(a));
    vertex(cx + radius * ca, cy + radius * sa, c);
    vertex(cx + (radius + width) * ca, cy + (radius + width) * sa, clear);
  }
  for (int i = 0; i < n; ++i) {
    const int a = 2 * i, b = 2 * ((i + 1) % n);
    tri(a, a + 1, b);
    tri(a + 1, b + 1, b);
  }
  flush();
}

void Painter::polyline(std::span<const SDL_FPoint> p, float width, SDL_Color c) {
  if (p.size() < 2) return;
  const SDL_Color clear = with_alpha(c, 0);
  const float half = std::max(0.5F, width / 2 - kFeather / 2);
  // Per point: miter-free normals averaged from neighbouring segments (the curves are smooth).
  for (std::size_t i = 0; i < p.size(); ++i) {
    const SDL_FPoint a = p[i == 0 ? 0 : i - 1], b = p[std::min(i + 1, p.size() - 1)];
    float dx = b.x - a.x, dy = b.y - a.y;
    const float len = std::hypot(dx, dy);
    if (len > 0) {
      dx /= len;
      dy /= len;
    }
    const float nx = -dy, ny = dx;
    vertex(p[i].x + nx * (half + kFeather), p[i].y + ny * (half + kFeather), clear);
    vertex(p[i].x + nx * half, p[i].y + ny * half, c);
    vertex(p[i].x - nx * half, p[i].y - ny * half, c);
    vertex(p[i].x - nx * (half + kFeather), p[i].y - ny * (half + kFeather), clear);
  }
  for (std::size_t i = 0; i + 1 < p.size(); ++i) {
    const int a = static_cast<int>(4 * i), b = a + 4;
    for (int k = 0; k < 3; ++k) {
      tri(a + k, a + k + 1, b + k);
      tri(a + k + 1, b + k + 1, b + k);
    }
  }
  flush();
}

} // namespace pneuma::ui
