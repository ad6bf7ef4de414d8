// The rating and summary screens, drawn with the software renderer from a scripted session.
#include <catch2/catch.hpp>

#include "session/session_flow.hpp"
#include "ui/canvas.hpp"
#include "ui/paint.hpp"
#include "ui/screens.hpp"

using namespace pneuma;
using test::Canvas;
namespace pal = ui::palette;

TEST_CASE("summary screen: a scripted session shows its numbers and time close to the pace", "[ui]") {
  test::TtfSession ttf;
  app::SessionFlow flow({false, 60.0, 240.0, app::ScoreKind::coherence});
  app::Metrics m;
  m.quality = 0.9;
  m.hrv_poor = false;
  m.hr_bpm = 70;
  m.rmssd_ms = 30;
  m.breathing_bpm = 12;
  m.coherence = 0.8;
  double t = 0;
  for (; flow.stage() == app::FlowStage::baseline; t += 0.05) flow.tick(t, m, 6.0, {});
  for (; flow.stage() == app::FlowStage::training; t += 0.05) {
    const double in = flow.stage_elapsed(t);
    m.breathing_bpm = in < 60 ? 8.0 : 6.0; // on the pace for the last 3 of 4 minutes
    m.hr_bpm = 64;
    m.rmssd_ms = 52;
    m.coherence = 3.1;
    flow.tick(t, m, 6.0, {});
  }
  REQUIRE(flow.stage() == app::FlowStage::summary);
  const auto s = flow.summary();
  REQUIRE(s.measured_pace_s > 200);

  Canvas c(1280, 720);
  ui::TextRenderer text(c.renderer.get());
  ui::Screens screens(c.renderer.get(), text);
  const auto buttons = screens.draw_summary(s, 1280, 720);
  // The close-to-the-pace bar: its green part is the fraction of time on the pace.
  const double fraction = s.close_to_pace_s / s.measured_pace_s;
  CHECK(fraction == Approx(0.75).margin(0.02));
  int row_best = 0;
  for (int y = 400; y < 700; ++y) row_best = std::max(row_best, c.count(pal::kGood, 0, {0, y, 1280, 1}));
  const double card_w = 1280 * 0.76;
  INFO("green run " << row_best << " px of " << card_w);
  CHECK(row_best == Approx(fraction * card_w).margin(12));
  // The table has text in its before and after columns (numbers, not "?").
  CHECK(c.bright({500, 230, 200, 200}) > 800);
  CHECK(c.bright({700, 230, 200, 200}) > 800);
  // The done button closes the summary.
  REQUIRE(buttons.size() == 1);
  CHECK(buttons[0].action.kind == ui::ActionKind::close);
}

TEST_CASE("summary screen: unknown numbers are drawn as question marks in grey", "[ui]") {
  test::TtfSession ttf;
  app::SessionFlow flow({false, 0.0, 30.0, app::ScoreKind::rmssd});
  app::Metrics poor;
  poor.quality = 0.1;
  poor.hr_bpm = 70;
  for (double t = 0; flow.stage() == app::FlowStage::training; t += 0.1) flow.tick(t, poor, 6.0, {});
  Canvas c(1280, 720);
  ui::TextRenderer text(c.renderer.get());
  ui::Screens screens(c.renderer.get(), text);
  screens.draw_summary(flow.summary(), 1280, 720);
  // No bright numbers in the value columns: only grey question marks.
  CHECK(c.bright({500, 230, 420, 200}) < 50);
  CHECK(c.count(pal::kFaint, 30, {500, 230, 420, 200}) > 50);
}

TEST_CASE("rating screen: the chosen value is filled and the scale is clickable", "[ui]") {
  test::TtfSession ttf;
  Canvas c(1280, 720);
  ui::TextRenderer text(c.renderer.get());
  ui::Screens screens(c.renderer.get(), text);
  const auto buttons = screens.draw_rating({false, app::RatingQuestion::pain, 3}, 1280, 720);
  const SDL_FRect chosen = ui::Screens::rating_cell(3, 1280, 720);
  const SDL_FRect other = ui::Screens::rating_cell(8, 1280, 720);
  const SDL_Color tint = ui::mix(pal::kPacer, pal::kWarn, 0.3);
  CHECK(c.pixel(chosen.x + 8, chosen.y + chosen.h / 2) == Canvas::argb(tint));
  CHECK(c.pixel(other.x + 8, other.y + other.h / 2) == Canvas::argb(pal::kPanel));
  int cells = 0;
  for (auto const& b : buttons)
    if (b.action.kind == ui::ActionKind::choose) {
      ++cells;
      const SDL_FRect r = ui::Screens::rating_cell(b.action.value, 1280, 720);
      CHECK(b.rect.x == r.x);
    }
  CHECK(cells == 11);
  // One button to go on: "next" once a value is chosen; with none, the same place says "skip".
  auto go = [](std::vector<ui::Button> const& bs) {
    std::vector<ui::Button> out;
    for (auto const& b : bs)
      if (b.action.kind != ui::ActionKind::choose) out.push_back(b);
    return out;
  };
  const auto chosen_go = go(buttons);
  REQUIRE(chosen_go.size() == 1);
  CHECK(chosen_go[0].label == "next");
  CHECK(chosen_go[0].action.kind == ui::ActionKind::confirm);
  const auto none_go = go(screens.draw_rating({false, app::RatingQuestion::pain, -1}, 1280, 720));
  REQUIRE(none_go.size() == 1);
  CHECK(none_go[0].label == "skip");
  CHECK(none_go[0].action.kind == ui::ActionKind::skip);
}
