#include "ui/pacer_view.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

namespace pneuma::ui {
namespace {
constexpr int kSegments = 180;

std::string format_rate(const char* label, double v, const char* unit) {
  char buf[64];
  if (std::isfinite(v))
    std::snprintf(buf, sizeof buf, "%s %.1f %s", label, v, unit);
  else
    std::snprintf(buf, sizeof buf, "%s -- %s", label, unit);
  return buf;
}

std::string format_clock(double s) {
  const int total = static_cast<int>(std::max(0.0, s));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", total / 60, total % 60);
  return buf;
}
} // namespace

int PacerView::circle_radius(double position, int width, int height) noexcept {
  const double size = std::min(static_cast<double>(width), height * 0.78);
  const double r_min = 0.12 * size, r_max = 0.36 * size;
  return static_cast<int>(std::lround(r_min + (r_max - r_min) * std::clamp(position, 0.0, 1.0)));
}

void PacerView::fill_circle(int cx, int cy, int radius, SDL_Color colour) {
  std::array<SDL_Vertex, kSegments + 1> v{};
  const SDL_FPoint centre{static_cast<float>(cx), static_cast<float>(cy)};
  v[0] = {centre, colour, {0, 0}};
  for (int i = 0; i < kSegments; ++i) {
    const double a = 2 * std::numbers::pi * i / kSegments;
    v[static_cast<std::size_t>(i + 1)] = {
        {static_cast<float>(cx + radius * std::cos(a)), static_cast<float>(cy + radius * std::sin(a))},
        colour, {0, 0}};
  }
  std::array<int, kSegments * 3> idx{};
  for (int i = 0; i < kSegments; ++i) {
    idx[static_cast<std::size_t>(3 * i)] = 0;
    idx[static_cast<std::size_t>(3 * i + 1)] = i + 1;
    idx[static_cast<std::size_t>(3 * i + 2)] = (i + 1) % kSegments + 1;
  }
  SDL_RenderGeometry(renderer_, nullptr, v.data(), static_cast<int>(v.size()), idx.data(),
                     static_cast<int>(idx.size()));
}

void PacerView::ring(int cx, int cy, int radius, int thickness, SDL_Color colour) {
  std::array<SDL_Vertex, 2 * kSegments> v{};
  for (int i = 0; i < kSegments; ++i) {
    const double a = 2 * std::numbers::pi * i / kSegments;
    const float c = static_cast<float>(std::cos(a)), s = static_cast<float>(std::sin(a));
    const float r_out = static_cast<float>(radius), r_in = static_cast<float>(radius - thickness);
    v[static_cast<std::size_t>(2 * i)] = {{cx + r_out * c, cy + r_out * s}, colour, {0, 0}};
    v[static_cast<std::size_t>(2 * i + 1)] = {{cx + r_in * c, cy + r_in * s}, colour, {0, 0}};
  }
  std::array<int, kSegments * 6> idx{};
  for (int i = 0; i < kSegments; ++i) {
    const int a = 2 * i, b = 2 * i + 1, c = (2 * i + 2) % (2 * kSegments),
              d = (2 * i + 3) % (2 * kSegments);
    const std::array<int, 6> quad{a, b, c, b, d, c};
    std::copy(quad.begin(), quad.end(), idx.begin() + 6 * i);
  }
  SDL_RenderGeometry(renderer_, nullptr, v.data(), static_cast<int>(v.size()), idx.data(),
                     static_cast<int>(idx.size()));
}

void PacerView::draw(ViewModel const& m, int width, int height) {
  using namespace palette;
  SDL_SetRenderDrawBlendMode(renderer_, SDL_BLENDMODE_BLEND);
  SDL_SetRenderDrawColor(renderer_, kBackground.r, kBackground.g, kBackground.b, 255);
  SDL_RenderClear(renderer_);

  const int cx = width / 2;
  const int cy = static_cast<int>(height * 0.42);
  const int px = std::max(12, height / 36); // base text size: readable across a room when large
  const int r_max = circle_radius(1.0, width, height);
  const int r = circle_radius(m.pacer.position, width, height);
  const bool holding =
      m.pacer.phase == app::PacerPhase::hold_in || m.pacer.phase == app::PacerPhase::hold_out;
  const SDL_Color fill = holding ? kHold : kPacer;

  ring(cx, cy, r_max + 3, 3, kGuide); // where a full breath reaches
  SDL_Color glow = fill;
  glow.a = 50;
  fill_circle(cx, cy, r + std::max(4, r / 12), glow);
  fill_circle(cx, cy, r, fill);

  // Phase word and seconds left, under the circle.
  const int word_y = cy + r_max + px;
  std::string prompt{m.paused ? "paused" : app::to_prompt(m.pacer.phase)};
  text_.draw(prompt, 2 * px, m.paused ? kWarn : kText, cx, word_y, Align::centre);

  // Numbers along the bottom: what the body does, next to what the pacer asks.
  const int row_y = height - 3 * px;
  const int margin = px;
  text_.draw(format_rate("Pacer", m.pacer.rate_bpm, "/min"), px, kMuted, margin, row_y);
  text_.draw(format_rate("Breathing", m.metrics.breathing_bpm, "/min"), px, kText, width / 2 - px * 5,
             row_y, Align::centre);
  text_.draw(format_rate("Heart", m.metrics.hr_bpm, "bpm"), px, kText, width / 2 + px * 6, row_y,
             Align::centre);
  std::string timer = format_clock(m.session_s);
  if (m.session_length_s > 0) timer += " / " + format_clock(m.session_length_s);
  text_.draw(timer, px, kMuted, width - margin, row_y, Align::right);

  // Status line at the top: device state and signal quality.
  const auto state = m.metrics.status.state;
  const bool ok = state == drivers::DeviceStatus::State::streaming;
  std::string status{drivers::to_string(state)};
  if (!m.metrics.status.message().empty()) status += ": " + std::string(m.metrics.status.message());
  text_.draw(status, std::max(10, px * 2 / 3), ok ? kMuted : kWarn, margin, margin / 2);
  char quality[48];
  std::snprintf(quality, sizeof quality, "signal %d%%",
                static_cast<int>(std::lround(100 * m.metrics.quality)));
  text_.draw(quality, std::max(10, px * 2 / 3), m.metrics.quality >= 0.5 ? kMuted : kWarn,
             width - margin, margin / 2, Align::right);
  text_.end_frame();
}

} // namespace pneuma::ui
