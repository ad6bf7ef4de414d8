#include "ui/screens.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "ui/pacer_view.hpp"

namespace pneuma::ui {
namespace {
using namespace palette;
float unit_of(int w, int h) {
  return std::max(0.25F, std::min(static_cast<float>(w) / 1280.0F, static_cast<float>(h) / 720.0F));
}
int px_of(float v) { return std::max(10, static_cast<int>(std::lround(v))); }
} // namespace

SDL_FRect Screens::rating_cell(int value, int w, int h) {
  const float u = unit_of(w, h);
  const float cell = 72 * u, gap = 12 * u;
  const float total = 11 * cell + 10 * gap;
  const float x0 = (static_cast<float>(w) - total) / 2;
  return {x0 + static_cast<float>(value) * (cell + gap), static_cast<float>(h) * 0.46F, cell, cell};
}

std::vector<Button> Screens::draw_rating(RatingModel const& m, int w, int h) {
  const float u = unit_of(w, h);
  paint_.clear(kBackground);
  const app::RatingView v = app::make_rating_view(m);
  text_.draw(v.heading, px_of(22 * u), kMuted, w / 2,
             static_cast<int>(0.14F * static_cast<float>(h)), Align::centre);
  text_.draw(v.question, px_of(44 * u), kText, w / 2, static_cast<int>(0.24F * static_cast<float>(h)), Align::centre);
  text_.draw(v.scale, px_of(20 * u), kMuted, w / 2, static_cast<int>(0.34F * static_cast<float>(h)), Align::centre);
  std::vector<Button> buttons;
  for (int value = 0; value <= 10; ++value) {
    const SDL_FRect r = rating_cell(value, w, h);
    // Calm blue for low values shading to orange for high ones; the chosen one is filled.
    const SDL_Color tint = mix(kPacer, kWarn, value / 10.0);
    const bool chosen = value == m.draft;
    paint_.fill_round_rect(r, r.w / 2, chosen ? tint : kPanel);
    if (!chosen) paint_.ring(r.x + r.w / 2, r.y + r.h / 2, r.w / 2, 2 * u, with_alpha(tint, 150));
    const int px = px_of(30 * u);
    text_.draw(std::to_string(value), px, chosen ? kBackground : kText, static_cast<int>(r.x + r.w / 2),
               static_cast<int>(r.y + r.h / 2 - static_cast<float>(px) * 0.62F), Align::centre);
    buttons.push_back({{ActionKind::choose, value}, r, "", chosen});
  }
  const SDL_FRect first = rating_cell(0, w, h), last = rating_cell(10, w, h);
  const int small = px_of(17 * u);
  const auto label_y = static_cast<int>(first.y + first.h + 10 * u);
  text_.draw(v.low, small, kMuted, static_cast<int>(first.x + first.w / 2), label_y, Align::centre);
  text_.draw(v.high, small, kMuted, static_cast<int>(last.x + last.w / 2), label_y, Align::centre);
  // One button: "skip" until a value is chosen, then "next".
  const float bh = 52 * u, bw = 170 * u, y = static_cast<float>(h) * 0.74F;
  const float cx = static_cast<float>(w) / 2;
  buttons.push_back({{v.next_on ? ActionKind::confirm : ActionKind::skip}, {cx - bw / 2, y, bw, bh},
                     std::string(v.next), v.next_on});
  draw_button(paint_, text_, buttons.back(), px_of(20 * u));
  text_.draw(v.keys, px_of(16 * u), kFaint, w / 2,
             static_cast<int>(static_cast<float>(h) * 0.88F), Align::centre);
  text_.end_frame();
  return buttons;
}

std::vector<Button> Screens::draw_summary(app::SummaryView const& v, int w, int h) {
  const float u = unit_of(w, h);
  const auto fw = static_cast<float>(w), fh = static_cast<float>(h);
  paint_.clear(kBackground);
  const int title = px_of(40 * u), head = px_of(18 * u), body = px_of(26 * u), small = px_of(17 * u);
  text_.draw(v.title, title, kText, w / 2, static_cast<int>(0.07F * fh), Align::centre);
  text_.draw(v.subtitle, head, kMuted, w / 2, static_cast<int>(0.07F * fh + static_cast<float>(title) * 1.35F),
             Align::centre);

  // The table: before / after / change.
  const SDL_FRect card{fw * 0.12F, fh * 0.25F, fw * 0.76F, fh * 0.40F};
  paint_.fill_round_rect(card, 16 * u, kPanel);
  const float c0 = card.x + 28 * u, c1 = card.x + card.w * 0.45F, c2 = card.x + card.w * 0.66F,
              c3 = card.x + card.w * 0.86F;
  float y = card.y + 20 * u;
  text_.draw(v.before_head, head, kMuted, static_cast<int>(c1), static_cast<int>(y), Align::centre);
  text_.draw(v.after_head, head, kMuted, static_cast<int>(c2), static_cast<int>(y), Align::centre);
  text_.draw(v.change_head, head, kMuted, static_cast<int>(c3), static_cast<int>(y), Align::centre);
  y += 40 * u;
  const float row_h = (card.y + card.h - y - 12 * u) / static_cast<float>(v.rows.size());
  for (auto const& r : v.rows) {
    text_.draw(r.name, body, kText, static_cast<int>(c0), static_cast<int>(y));
    text_.draw(r.before, body, r.before_known ? kText : kFaint, static_cast<int>(c1), static_cast<int>(y), Align::centre);
    text_.draw(r.after, body, r.after_known ? kText : kFaint, static_cast<int>(c2), static_cast<int>(y), Align::centre);
    if (r.change_known)
      text_.draw(r.change, body, kMuted, static_cast<int>(c3), static_cast<int>(y), Align::centre);
    else
      text_.draw(r.change, small, kFaint, static_cast<int>(c3), static_cast<int>(y + 4 * u), Align::centre);
    y += row_h;
  }

  // Time close to the pace, as a bar.
  y = card.y + card.h + 30 * u;
  text_.draw(v.pace_line, body, kText, static_cast<int>(card.x), static_cast<int>(y));
  const SDL_FRect track{card.x, y + static_cast<float>(body) * 1.5F, card.w, 12 * u};
  paint_.fill_round_rect(track, track.h / 2, kPanel);
  if (v.pace_fraction >= 0)
    paint_.fill_round_rect({track.x, track.y, track.w * static_cast<float>(v.pace_fraction), track.h}, track.h / 2, kGood);

  // Self-ratings, the range the score is read against, and the plan's notes.
  float line = track.y + 36 * u;
  if (!v.ratings_line.empty()) {
    text_.draw(v.ratings_line, body, kText, static_cast<int>(card.x), static_cast<int>(line));
    line += static_cast<float>(body) * 1.5F;
  }
  text_.draw(v.score_typical, small, kMuted, static_cast<int>(card.x), static_cast<int>(line));
  line += static_cast<float>(small) * 1.6F;
  if (!v.notes.empty())
    text_.draw_wrapped(v.notes, small, kText, static_cast<int>(card.x), static_cast<int>(line),
                       static_cast<int>(card.w * 0.7F));
  std::vector<Button> buttons;
  buttons.push_back({{ActionKind::close}, {fw / 2 - 80 * u, fh - 80 * u, 160 * u, 50 * u}, std::string(v.done), true});
  draw_button(paint_, text_, buttons.back(), px_of(20 * u));
  text_.end_frame();
  return buttons;
}

} // namespace pneuma::ui
