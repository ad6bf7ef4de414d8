#include "ui/clinician_view.hpp"

#include <algorithm>
#include <cmath>

#include "view/words.hpp"

namespace pneuma::ui {
namespace {
using namespace palette;
int px_of(float v) { return std::max(10, static_cast<int>(std::lround(v))); }
} // namespace

Action hit_test(std::vector<Button> const& buttons, float x, float y) {
  const SDL_FPoint p{x, y};
  for (auto const& b : buttons)
    if (SDL_PointInFRect(&p, &b.rect)) return b.action;
  return {};
}

void ClinicianView::draw_belt(app::TrainerState const& v, SDL_FRect box, float u) {
  auto const& tr = v.metrics.traces.breath;
  const double window = 25.0;
  const double t_end = std::max(v.session_s, tr.count > 0 ? tr.t_last_s : 0.0);
  auto x_of = [&](double t) { return box.x + box.w * static_cast<float>((t - (t_end - window)) / window); };
  auto y_of = [&](double p) { return box.y + box.h * static_cast<float>(0.92 - 0.84 * p); };
  paint_.fill_rect({box.x, y_of(0), box.w, 1}, with_alpha(kGuide, 90));
  paint_.fill_rect({box.x, y_of(1), box.w, 1}, with_alpha(kGuide, 90));
  // Pacer target (what was asked).
  if (v.stage == app::FlowStage::training) {
    points_.clear();
    for (double t = std::max(t_end - window, paced_from(v)); t <= t_end; t += 0.1)
      points_.push_back({x_of(t), y_of(v.timeline.at(t).position)});
    paint_.polyline(points_, std::max(2.0F, 3 * u), with_alpha(kPacer, 200));
  }
  // Belt (drift removed, smoothed), scaled to its own range over the window.
  float lo = 1e30F, hi = -1e30F;
  for (std::size_t i = 0; i < tr.count; ++i) {
    lo = std::min(lo, tr.at(i));
    hi = std::max(hi, tr.at(i));
  }
  const int small = px_of(14 * u);
  if (tr.count < 2 || !(hi - lo > 1e-6F)) {
    text_.draw(app::words::kNoBelt, small, kFaint, static_cast<int>(box.x + box.w / 2),
               static_cast<int>(box.y + box.h / 2), Align::centre);
    return;
  }
  points_.clear();
  for (std::size_t i = 0; i < tr.count; ++i) {
    const double t = tr.time_of(i);
    if (t < t_end - window) continue;
    points_.push_back({x_of(t), y_of((tr.at(i) - lo) / (hi - lo))});
  }
  paint_.polyline(points_, std::max(2.0F, 2.5F * u), kBreath);
  app::assign_belt_range(belt_range_, static_cast<double>(hi - lo));
  text_.draw(belt_range_, small, kFaint, static_cast<int>(box.x + box.w), static_cast<int>(box.y + box.h + 4 * u), Align::right);
}

std::vector<Button> const& ClinicianView::draw(ClinicianModel const& cm, int w, int h) {
  app::update_clinician_view(own_model_, cm.view, cm.markers, cm.editing_note, cm.note);
  return draw(cm, own_model_, w, h);
}

std::vector<Button> const& ClinicianView::draw(ClinicianModel const& cm, app::ClinicianViewModel const& vm, int w,
                                                int h) {
  app::TrainerState const& v = cm.view;
  const auto fw = static_cast<float>(w), fh = static_cast<float>(h);
  const float u = std::max(0.25F, std::min(fw / 1280.0F, fh / 800.0F));
  paint_.clear(kBackground);
  const int title = px_of(16 * u), body = px_of(19 * u), small = px_of(15 * u);

  // Header: what, status, time.
  paint_.fill_circle(24 * u, 28 * u, 6 * u, colour_of(vm.device_dot));
  text_.draw(vm.status, body, kMuted, static_cast<int>(38 * u), static_cast<int>(16 * u));
  text_.draw(vm.stage_line, body, kText, static_cast<int>(fw - 24 * u), static_cast<int>(16 * u), Align::right);

  // Numbers, left column.
  const SDL_FRect left{24 * u, 60 * u, 0.30F * fw, fh - 60 * u - 200 * u};
  paint_.fill_round_rect(left, 12 * u, kPanel);
  float y = left.y + 16 * u;
  const float row_h = std::min(44 * u, (left.h - 24 * u) / static_cast<float>(vm.rows.size()));
  for (auto const& r : vm.rows) {
    text_.draw(r.name, small, kMuted, static_cast<int>(left.x + 16 * u), static_cast<int>(y + 3 * u));
    text_.draw(r.value.text, body, r.value.trusted ? kText : kFaint, static_cast<int>(left.x + left.w - 16 * u),
               static_cast<int>(y), Align::right);
    y += row_h;
  }

  // Signals, right.
  const float rx = left.x + left.w + 20 * u, rw = fw - rx - 24 * u;
  const float plot_h = (left.h - 20 * u) / 2;
  const SDL_FRect belt{rx, left.y, rw, plot_h};
  paint_.fill_round_rect(belt, 12 * u, kPanel);
  text_.draw(app::words::kBeltPlotTitle, title, kMuted,
             static_cast<int>(belt.x + 16 * u), static_cast<int>(belt.y + 10 * u));
  draw_belt(v, {belt.x + 16 * u, belt.y + 36 * u, belt.w - 32 * u, belt.h - 60 * u}, u);
  const SDL_FRect heart{rx, left.y + plot_h + 20 * u, rw, plot_h};
  paint_.fill_round_rect(heart, 12 * u, kPanel);
  text_.draw(app::words::kHrPlotTitle, title, kMuted,
             static_cast<int>(heart.x + 16 * u), static_cast<int>(heart.y + 10 * u));
  draw_hr_trace(paint_, text_, v.metrics, &v.timeline, paced_from(v),
                {heart.x + 16 * u, heart.y + 36 * u, heart.w - 32 * u, heart.h - 52 * u}, u, points_);

  // Markers and the note being typed.
  const float my = left.y + left.h + 14 * u;
  text_.draw(vm.notes_line, body, colour_of(vm.notes_tone), static_cast<int>(left.x), static_cast<int>(my));
  float ly = my + 30 * u;
  for (auto const& line : vm.marker_lines) {
    text_.draw(line, small, kText, static_cast<int>(left.x + 16 * u), static_cast<int>(ly));
    ly += 24 * u;
  }

  // Controls.
  auto& b = buttons_;
  b.clear(); // keeps its capacity
  const float bh = 44 * u, by = fh - 60 * u, gap = 10 * u;
  float x = 24 * u;
  auto add = [&](Action a, std::string_view label, bool on, float width) {
    b.push_back({a, {x, by, width, bh}, std::string(label), on});
    x += width + gap;
  };
  using K = ActionKind;
  namespace words = app::words;
  add({K::rate_down}, words::kRateDown, false, bh);
  add({}, vm.rate_button, false, 96 * u);
  add({K::rate_up}, words::kRateUp, false, bh);
  x += 20 * u;
  add({K::toggle_pause}, vm.pause_button, v.paused, 96 * u);
  add({K::note_begin}, words::kMarker, cm.editing_note, 96 * u);
  x += 20 * u;
  add({K::shape, 0}, app::shape_name(PacerShape::circle), v.shape == PacerShape::circle, 84 * u);
  add({K::shape, 1}, app::shape_name(PacerShape::bar), v.shape == PacerShape::bar, 64 * u);
  add({K::shape, 2}, app::shape_name(PacerShape::wave), v.shape == PacerShape::wave, 76 * u);
  x += 20 * u;
  add({K::toggle_mute}, vm.sound_button, v.muted, 96 * u);
  x = fw - 24 * u - 72 * u;
  add({K::end_session}, words::kEnd, false, 72 * u);
  for (auto const& button : b) draw_button(paint_, text_, button, px_of(17 * u));
  text_.end_frame();
  return b;
}

} // namespace pneuma::ui
