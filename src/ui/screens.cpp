#include "ui/screens.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "ui/format.hpp"
#include "view/score_texts.hpp"
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
  const bool tension = m.question == app::RatingQuestion::tension;
  text_.draw(m.after ? "After the session" : "Before we start", px_of(22 * u), kMuted, w / 2,
             static_cast<int>(0.14F * static_cast<float>(h)), Align::centre);
  text_.draw(tension ? "How tense do you feel right now?" : "How much pain do you feel right now?",
             px_of(44 * u), kText, w / 2, static_cast<int>(0.24F * static_cast<float>(h)), Align::centre);
  text_.draw(tension ? "0 = completely relaxed, 10 = as tense as you can imagine"
                     : "0 = no pain, 10 = the worst pain you can imagine",
             px_of(20 * u), kMuted, w / 2, static_cast<int>(0.34F * static_cast<float>(h)), Align::centre);
  std::vector<Button> buttons;
  for (int v = 0; v <= 10; ++v) {
    const SDL_FRect r = rating_cell(v, w, h);
    // Calm blue for low values shading to orange for high ones; the chosen one is filled.
    const SDL_Color tint = mix(kPacer, kWarn, v / 10.0);
    const bool chosen = v == m.draft;
    paint_.fill_round_rect(r, r.w / 2, chosen ? tint : kPanel);
    if (!chosen) paint_.ring(r.x + r.w / 2, r.y + r.h / 2, r.w / 2, 2 * u, with_alpha(tint, 150));
    const int px = px_of(30 * u);
    text_.draw(std::to_string(v), px, chosen ? kBackground : kText, static_cast<int>(r.x + r.w / 2),
               static_cast<int>(r.y + r.h / 2 - static_cast<float>(px) * 0.62F), Align::centre);
    buttons.push_back({{ActionKind::choose, v}, r, "", chosen});
  }
  const SDL_FRect first = rating_cell(0, w, h), last = rating_cell(10, w, h);
  const int small = px_of(17 * u);
  const auto label_y = static_cast<int>(first.y + first.h + 10 * u);
  text_.draw(tension ? "relaxed" : "no pain", small, kMuted, static_cast<int>(first.x + first.w / 2), label_y, Align::centre);
  text_.draw(tension ? "very tense" : "worst pain", small, kMuted, static_cast<int>(last.x + last.w / 2), label_y, Align::centre);
  // Skip and next.
  const float bh = 52 * u, bw = 150 * u, y = static_cast<float>(h) * 0.74F;
  const float cx = static_cast<float>(w) / 2;
  buttons.push_back({{ActionKind::skip}, {cx - bw - 12 * u, y, bw, bh}, "skip", false});
  buttons.push_back({{ActionKind::confirm}, {cx + 12 * u, y, bw, bh}, m.draft >= 0 ? "next" : "next (skip)", m.draft >= 0});
  for (std::size_t i = 11; i < buttons.size(); ++i) draw_button(paint_, text_, buttons[i], px_of(20 * u));
  text_.draw("keys: 0-9, up / down, Enter to go on, s to skip", px_of(16 * u), kFaint, w / 2,
             static_cast<int>(static_cast<float>(h) * 0.88F), Align::centre);
  text_.end_frame();
  return buttons;
}

std::vector<Button> Screens::draw_summary(app::SessionSummary const& s, int w, int h) {
  const float u = unit_of(w, h);
  const auto fw = static_cast<float>(w), fh = static_cast<float>(h);
  paint_.clear(kBackground);
  const int title = px_of(40 * u), head = px_of(18 * u), body = px_of(26 * u), small = px_of(17 * u);
  text_.draw(s.ended_early ? "Session ended" : "Session complete", title, kText, w / 2,
             static_cast<int>(0.07F * fh), Align::centre);
  text_.draw(format_clock(s.training_s) + " of paced breathing", head, kMuted, w / 2,
             static_cast<int>(0.07F * fh + static_cast<float>(title) * 1.35F), Align::centre);

  // The table: before / after / change.
  const SDL_FRect card{fw * 0.12F, fh * 0.25F, fw * 0.76F, fh * 0.40F};
  paint_.fill_round_rect(card, 16 * u, kPanel);
  const float c0 = card.x + 28 * u, c1 = card.x + card.w * 0.45F, c2 = card.x + card.w * 0.66F,
              c3 = card.x + card.w * 0.86F;
  float y = card.y + 20 * u;
  text_.draw(s.start_is_baseline ? "before (baseline)" : "before (first 2 min)", head, kMuted,
             static_cast<int>(c1), static_cast<int>(y), Align::centre);
  text_.draw("after (last 2 min)", head, kMuted, static_cast<int>(c2), static_cast<int>(y), Align::centre);
  text_.draw("change", head, kMuted, static_cast<int>(c3), static_cast<int>(y), Align::centre);
  y += 40 * u;
  struct Row {
    std::string name;
    double before, after;
    int decimals;
    std::string unit;
  };
  const Row rows[] = {
      {"Heart rate", s.start.hr_bpm, s.end.hr_bpm, 0, "bpm"},
      {"RMSSD", s.start.rmssd_ms, s.end.rmssd_ms, 0, "ms"},
      {"Breathing rate", s.start.breathing_bpm, s.end.breathing_bpm, 1, "/min"},
      {std::string(app::score_name(s.score)), s.start.score, s.end.score,
       s.score == app::ScoreKind::coherence ? 1 : 0, std::string(app::score_unit(s.score))},
  };
  const float row_h = (card.y + card.h - y - 12 * u) / 4;
  for (auto const& r : rows) {
    text_.draw(r.name, body, kText, static_cast<int>(c0), static_cast<int>(y));
    auto cell = [&](double v, float x) {
      const std::string t = std::isfinite(v) ? format_number(v, r.decimals) + " " + r.unit : "?";
      text_.draw(t, body, std::isfinite(v) ? kText : kFaint, static_cast<int>(x), static_cast<int>(y), Align::centre);
    };
    cell(r.before, c1);
    cell(r.after, c2);
    if (std::isfinite(r.before) && std::isfinite(r.after)) {
      const double d = r.after - r.before;
      char buf[32];
      std::snprintf(buf, sizeof buf, "%+.*f", r.decimals, d);
      text_.draw(buf, body, kMuted, static_cast<int>(c3), static_cast<int>(y), Align::centre);
    } else {
      text_.draw("not enough clean data", small, kFaint, static_cast<int>(c3), static_cast<int>(y + 4 * u), Align::centre);
    }
    y += row_h;
  }

  // Time close to the pace, as a bar.
  y = card.y + card.h + 30 * u;
  std::string pace = "Close to the pace: ";
  if (s.measured_pace_s >= 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s of %s (%d%%)", format_clock(s.close_to_pace_s).c_str(),
                  format_clock(s.measured_pace_s).c_str(),
                  static_cast<int>(std::lround(100 * s.close_to_pace_s / s.measured_pace_s)));
    pace += buf;
  } else {
    pace += "not measured (no clean breathing signal)";
  }
  text_.draw(pace, body, kText, static_cast<int>(card.x), static_cast<int>(y));
  const SDL_FRect track{card.x, y + static_cast<float>(body) * 1.5F, card.w, 12 * u};
  paint_.fill_round_rect(track, track.h / 2, kPanel);
  if (s.measured_pace_s >= 1)
    paint_.fill_round_rect({track.x, track.y, track.w * static_cast<float>(s.close_to_pace_s / s.measured_pace_s), track.h},
                           track.h / 2, kGood);

  // Self-ratings.
  auto rating = [](int v) { return v < 0 ? std::string("-") : std::to_string(v); };
  if (s.before.tension >= 0 || s.after.tension >= 0 || s.before.pain >= 0 || s.after.pain >= 0) {
    const std::string line = "Tension " + rating(s.before.tension) + " \u2192 " + rating(s.after.tension) +
                             "      Pain " + rating(s.before.pain) + " \u2192 " + rating(s.after.pain);
    text_.draw(line, body, kText, static_cast<int>(card.x), static_cast<int>(track.y + 36 * u));
  }
  std::vector<Button> buttons;
  buttons.push_back({{ActionKind::close}, {fw / 2 - 80 * u, fh - 80 * u, 160 * u, 50 * u}, "done", true});
  draw_button(paint_, text_, buttons.back(), px_of(20 * u));
  text_.end_frame();
  return buttons;
}

} // namespace pneuma::ui
