// The training screen drawn with the software renderer; pixels read back and checked against the
// geometry the view publishes, for each shape at known pacer phases.
#include <catch2/catch.hpp>
#include <cmath>

#include "pacer/pacer_timeline.hpp"
#include "ui/canvas.hpp"
#include "ui/pacer_view.hpp"

using namespace pneuma;
using test::Canvas;
namespace pal = ui::palette;

namespace {
constexpr int kW = 640, kH = 360;

app::TrainerState model_at(double t_s, ui::PacerShape shape, app::PacerSettings settings = {6.0, 1.0, 1.5, 0, 0}) {
  app::TrainerState m;
  m.timeline = app::PacerTimeline(settings);
  m.pacer = m.timeline.at(t_s);
  m.session_s = t_s;
  m.stage_elapsed_s = t_s;
  m.stage_length_s = 600;
  m.shape = shape;
  return m;
}

std::vector<ui::Button> draw(Canvas& c, app::TrainerState const& m) {
  ui::TextRenderer text(c.renderer.get());
  ui::PacerView view(c.renderer.get(), text);
  return view.draw(m, c.w, c.h);
}

/// A belt trace that follows the pacer exactly (newest sample at t_s).
void fill_breath(app::Metrics& metrics, app::PacerTimeline const& timeline, double t_s) {
  auto& tr = metrics.traces.breath;
  for (int i = 255; i >= 0; --i) {
    const double t = t_s - 0.1 * i;
    tr.push(t, static_cast<float>(100 * timeline.at(t).position));
  }
  metrics.t_s = t_s;
}
} // namespace

TEST_CASE("pacer view: the circle's radius follows the pacer", "[ui]") {
  test::TtfSession ttf;
  Canvas start(kW, kH), end(kW, kH);
  draw(start, model_at(0.05, ui::PacerShape::circle)); // inhale just begun
  draw(end, model_at(3.95, ui::PacerShape::circle));   // inhale about to end
  const auto g = ui::PacerView::geometry(kW, kH, false);
  const int small = start.count(pal::kPacer), large = end.count(pal::kPacer);
  INFO("pacer pixels: start " << small << ", end " << large);
  CHECK(small > 500);
  CHECK(large > 3 * small);
  for (double t : {0.05, 2.0, 3.95, 7.0}) {
    Canvas c(kW, kH);
    const auto m = model_at(t, ui::PacerShape::circle);
    draw(c, m);
    const float r = ui::PacerView::circle_radius(g, m.pacer.position);
    INFO("t " << t << " radius " << r);
    CHECK(c.pixel(g.cx, g.cy) == Canvas::argb(pal::kPacer));
    CHECK(c.pixel(g.cx + r - 3, g.cy) == Canvas::argb(pal::kPacer));
    CHECK(c.pixel(g.cx, g.cy - r + 3) == Canvas::argb(pal::kPacer));
    CHECK(Canvas::distance(c.pixel(g.cx + r + 4, g.cy), pal::kPacer) > 60); // only the soft halo
  }
  CHECK(end.pixel(2, kH - 2) == Canvas::argb(pal::kBackground));
}

TEST_CASE("pacer view: holds are drawn in the hold colour", "[ui]") {
  test::TtfSession ttf;
  Canvas c(kW, kH);
  // 6/min 1:1 with 2 s holds: inhale 3 s, hold 2 s (3..5 s), exhale 3 s, hold 2 s.
  const auto m = model_at(4.0, ui::PacerShape::circle, {6.0, 1.0, 1.0, 2.0, 2.0});
  REQUIRE(m.pacer.phase == app::PacerPhase::hold_in);
  draw(c, m);
  const auto g = ui::PacerView::geometry(kW, kH, false);
  CHECK(c.pixel(g.cx, g.cy) == Canvas::argb(pal::kHold));
  CHECK(c.count(pal::kPacer) < 50);
}

TEST_CASE("pacer view: the bar rises on the inhale and falls on the exhale", "[ui]") {
  test::TtfSession ttf;
  const auto g = ui::PacerView::geometry(kW, kH, false);
  const int x = static_cast<int>(g.cx);
  for (double t : {0.3, 2.0, 3.9, 6.0, 9.5}) {
    Canvas c(kW, kH);
    const auto m = model_at(t, ui::PacerShape::bar);
    draw(c, m);
    const float top = ui::PacerView::bar_top(g, m.pacer.position);
    INFO("t " << t << " position " << m.pacer.position << " top " << top);
    // Filled from the bottom up to the top of the fill, track colour above it.
    CHECK(c.pixel(x, static_cast<int>(top) + 4) == Canvas::argb(pal::kPacer));
    CHECK(c.pixel(x, static_cast<int>(g.bar.y + g.bar.h) - 4) == Canvas::argb(pal::kPacer));
    if (top - g.bar.y > 12) CHECK(c.pixel(x, static_cast<int>(top) - 6) == Canvas::argb(pal::kPanel));
  }
  // Pixel height of the fill: larger at the end of the inhale than at its start.
  Canvas lo(kW, kH), hi(kW, kH);
  draw(lo, model_at(0.3, ui::PacerShape::bar));
  draw(hi, model_at(3.9, ui::PacerShape::bar));
  const SDL_Rect column{x - 2, 0, 4, kH};
  CHECK(hi.count(pal::kPacer, 0, column) > 4 * lo.count(pal::kPacer, 0, column));
}

TEST_CASE("pacer view: the wave rides the pacer's curve with the measured breath behind", "[ui]") {
  test::TtfSession ttf;
  const double t = 62.0; // mid-inhale
  auto m = model_at(t, ui::PacerShape::wave);
  fill_breath(m.metrics, m.timeline, t);
  Canvas c(kW, kH);
  draw(c, m);
  const auto g = ui::PacerView::geometry(kW, kH, false, 6.0);
  // The ball at "now", on the pacer's position.
  CHECK(c.pixel(g.wave_now_x, ui::PacerView::wave_y(g, m.pacer.position)) == Canvas::argb(pal::kPacer));
  // The pacer curve ahead: 3 s later its height is the pacer's then.
  const double pps = (g.wave_now_x - g.wave.x) / g.wave_past_s;
  for (double ahead : {2.0, 3.0, 5.0}) {
    const auto x = static_cast<float>(g.wave_now_x + ahead * pps);
    const float y = ui::PacerView::wave_y(g, m.timeline.at(t + ahead).position);
    int best = 255;
    for (int dy = -2; dy <= 2; ++dy) best = std::min(best, Canvas::distance(c.pixel(x, y + static_cast<float>(dy)), pal::kPacer));
    INFO("ahead " << ahead << " s");
    CHECK(best < 30);
  }
  // The measured breath (orange) is only drawn in the past, left of "now".
  const SDL_Rect past{static_cast<int>(g.wave.x), static_cast<int>(g.wave.y),
                      static_cast<int>(g.wave_now_x - g.wave.x) - 2, static_cast<int>(g.wave.h)};
  const SDL_Rect future{static_cast<int>(g.wave_now_x) + 20, static_cast<int>(g.wave.y),
                        static_cast<int>(g.wave.x + g.wave.w - g.wave_now_x) - 20, static_cast<int>(g.wave.h)};
  CHECK(c.count(pal::kBreath, 10, past) > 200);
  CHECK(c.count(pal::kBreath, 10, future) == 0);
}

TEST_CASE("pacer view: numbers from poor data are greyed, not shown as facts", "[ui]") {
  test::TtfSession ttf;
  auto good = model_at(20.0, ui::PacerShape::circle);
  good.metrics.breathing_bpm = 6.1;
  good.metrics.breathing_quality = 0.9;
  good.metrics.hr_bpm = 64;
  good.metrics.quality = 0.9;
  auto poor = good;
  poor.metrics.breathing_quality = 0.2;
  poor.metrics.quality = 0.2;
  Canvas a(1280, 720), b(1280, 720);
  draw(a, good);
  draw(b, poor);
  // The Breathing / Heart card: right panel, second card.
  const SDL_Rect card{860, 220, 400, 60};
  INFO("bright pixels good " << a.bright(card) << " poor " << b.bright(card));
  CHECK(a.bright(card) > 300);
  CHECK(b.bright(card) < a.bright(card) / 10);
}

TEST_CASE("pacer view: patient mode is minimal with a phase word readable across a room", "[ui]") {
  test::TtfSession ttf;
  auto m = model_at(1.0, ui::PacerShape::circle);
  m.patient = true;
  Canvas c(960, 540);
  const auto buttons = draw(c, m);
  CHECK(buttons.empty());
  const auto g = ui::PacerView::geometry(960, 540, true);
  // At 1080 px high the word is 108 px: about 3 cm tall on a 24" screen, readable at 3 m.
  CHECK(ui::PacerView::geometry(1920, 1080, true).word_px >= 100);
  CHECK(c.bright({0, static_cast<int>(g.word_y), 960, g.word_px}) > 1000);
  CHECK(c.count(pal::kPanel, 0, {0, 10, 960, 530}) == 0); // no cards, no buttons below the progress line
}

TEST_CASE("pacer view: the buttons are laid out for the mouse in a normal window", "[ui]") {
  test::TtfSession ttf;
  Canvas c(1280, 720);
  const auto buttons = draw(c, model_at(1.0, ui::PacerShape::bar));
  auto find = [&](ui::ActionKind k, int v = 0) {
    for (auto const& b : buttons)
      if (b.action.kind == k && b.action.value == v) return true;
    return false;
  };
  CHECK(find(ui::ActionKind::rate_up));
  CHECK(find(ui::ActionKind::rate_down));
  CHECK(find(ui::ActionKind::toggle_pause));
  CHECK(find(ui::ActionKind::shape, 2));
  CHECK(find(ui::ActionKind::toggle_mute));
  CHECK(find(ui::ActionKind::toggle_fullscreen));
  CHECK(find(ui::ActionKind::end_session));
  CHECK(find(ui::ActionKind::next_score)); // the score card itself
  for (auto const& b : buttons) {
    CHECK(b.rect.x >= 0);
    CHECK(b.rect.x + b.rect.w <= 1280);
    CHECK(b.rect.y + b.rect.h <= 720);
  }
}

TEST_CASE("pacer view: when breathing stops the wave shows a flat line, not magnified noise", "[ui]") {
  test::TtfSession ttf;
  Canvas first(kW, kH);
  auto m = model_at(60.0, ui::PacerShape::wave);
  fill_breath(m.metrics, m.timeline, 60.0);
  {
    ui::TextRenderer text(first.renderer.get());
    ui::PacerView view(first.renderer.get(), text);
    view.draw(m, kW, kH);
    // 15 s later: the last 25 s are a tiny wobble (0.5 % of the breaths' range).
    auto later = model_at(75.0, ui::PacerShape::wave);
    for (int i = 255; i >= 0; --i) {
      const double t = 75.0 - 0.1 * i;
      const float v = t < 50 ? static_cast<float>(100 * m.timeline.at(t).position)
                             : 50.0F + 0.5F * static_cast<float>(std::sin(t * 7));
      later.metrics.traces.breath.push(t, v);
    }
    view.draw(later, kW, kH); // the same view: it remembers the breaths' range
  }
  const auto g = ui::PacerView::geometry(kW, kH, false, 6.0);
  // Orange pixels of the flat stretch occupy a narrow band of rows.
  int top = kH, bottom = 0;
  for (int y = static_cast<int>(g.wave.y); y < static_cast<int>(g.wave.y + g.wave.h); ++y)
    for (int x = static_cast<int>(g.wave.x); x < static_cast<int>(g.wave_now_x) - 4; ++x)
      if (Canvas::distance(first.pixel(x, y), pal::kBreath) <= 10) {
        top = std::min(top, y);
        bottom = std::max(bottom, y);
      }
  INFO("breath rows " << top << ".." << bottom);
  REQUIRE(bottom >= top);
  CHECK(bottom - top < 12);
}
