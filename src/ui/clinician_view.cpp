#include "ui/clinician_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/format.hpp"

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

void ClinicianView::draw_belt(ViewModel const& v, SDL_FRect box, float u) {
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
    for (double t = t_end - window; t <= t_end; t += 0.1) points_.push_back({x_of(t), y_of(v.timeline.at(t).position)});
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
    text_.draw("no belt signal", small, kFaint, static_cast<int>(box.x + box.w / 2),
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
  char buf[64];
  std::snprintf(buf, sizeof buf, "belt range %.0f units", static_cast<double>(hi - lo));
  text_.draw(buf, small, kFaint, static_cast<int>(box.x + box.w), static_cast<int>(box.y + box.h + 4 * u), Align::right);
}

std::vector<Button> ClinicianView::draw(ClinicianModel const& cm, int w, int h) {
  ViewModel const& v = cm.view;
  const auto fw = static_cast<float>(w), fh = static_cast<float>(h);
  const float u = std::max(0.25F, std::min(fw / 1280.0F, fh / 800.0F));
  paint_.clear(kBackground);
  const int title = px_of(16 * u), body = px_of(19 * u), small = px_of(15 * u);

  // Header: what, status, time.
  const auto& st = v.metrics.status;
  paint_.fill_circle(24 * u, 28 * u, 6 * u, state_colour(st.state));
  std::string status = "Clinician · " + std::string(drivers::to_string(st.state));
  if (!st.message().empty()) status += ": " + std::string(st.message());
  text_.draw(status, body, kMuted, static_cast<int>(38 * u), static_cast<int>(16 * u));
  std::string stage = v.stage == app::FlowStage::baseline ? "baseline" :
                      v.stage == app::FlowStage::training ? (v.paused ? "training (paused)" : "training") :
                      v.stage == app::FlowStage::summary ? "summary" : "self-rating";
  text_.draw(stage + "  " + format_clock(v.stage_elapsed_s) + " / " + format_clock(v.stage_length_s),
             body, kText, static_cast<int>(fw - 24 * u), static_cast<int>(16 * u), Align::right);

  // Numbers, left column.
  const SDL_FRect left{24 * u, 60 * u, 0.30F * fw, fh - 60 * u - 200 * u};
  paint_.fill_round_rect(left, 12 * u, kPanel);
  const bool good = v.metrics.quality >= 0.5;
  const bool hrv_ok = good && !(std::isfinite(v.metrics.artifact_pct) && v.metrics.artifact_pct > 5);
  auto const& s = v.timeline.settings();
  char pacer[96];
  std::snprintf(pacer, sizeof pacer, "%.1f /min  %g:%g  holds %g/%g s", v.pacer.rate_bpm, s.inhale_parts,
                s.exhale_parts, s.hold_in_s, s.hold_out_s);
  char follow[64] = "?";
  if (std::isfinite(v.follow.score))
    std::snprintf(follow, sizeof follow, "r %.2f, lag %+.1f s", v.follow.score, v.follow.lag_s);
  struct Row {
    const char* name;
    ShownValue value;
  };
  const auto level = app::follow_level(v.follow);
  const Row rows[] = {
      {"Pacer", {pacer, true}},
      {"Breathing /min", shown(v.metrics.breathing_bpm, 2, v.metrics.breathing_quality >= 0.5)},
      {"Follow", {std::string(app::follow_words(level)) + "  " + follow, std::isfinite(v.follow.score)}},
      {"Heart rate bpm", shown(v.metrics.hr_bpm, 1, good)},
      {"RMSSD ms", shown(v.metrics.rmssd_ms, 1, hrv_ok)},
      {"Coherence", shown(v.metrics.coherence, 2, hrv_ok)},
      {"RSA bpm", shown(v.metrics.rsa_bpm, 1, hrv_ok)},
      {"Artifacts %", shown(v.metrics.artifact_pct, 1, true)},
      {"Signal quality", shown(100 * v.metrics.quality, 0, true)},
      {"Battery %", shown(v.metrics.battery_pct >= 0 ? v.metrics.battery_pct : app::kUnknown, 0, true)},
      {"Samples / lost", {std::to_string(v.metrics.samples) + " / " + std::to_string(v.metrics.dropped), true}},
  };
  float y = left.y + 16 * u;
  const float row_h = std::min(44 * u, (left.h - 24 * u) / 11);
  for (auto const& r : rows) {
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
  text_.draw("Breathing: belt (orange) and pacer target (blue), last 25 s", title, kMuted,
             static_cast<int>(belt.x + 16 * u), static_cast<int>(belt.y + 10 * u));
  draw_belt(v, {belt.x + 16 * u, belt.y + 36 * u, belt.w - 32 * u, belt.h - 60 * u}, u);
  const SDL_FRect heart{rx, left.y + plot_h + 20 * u, rw, plot_h};
  paint_.fill_round_rect(heart, 12 * u, kPanel);
  text_.draw("Heart rate, last 60 s (pacer inhale shaded)", title, kMuted,
             static_cast<int>(heart.x + 16 * u), static_cast<int>(heart.y + 10 * u));
  draw_hr_trace(paint_, text_, v.metrics, &v.timeline,
                {heart.x + 16 * u, heart.y + 36 * u, heart.w - 32 * u, heart.h - 52 * u}, u, points_);

  // Markers and the note being typed.
  const float my = left.y + left.h + 14 * u;
  text_.draw(cm.editing_note ? "Note: " + cm.note + "_   (Enter saves, Esc cancels)"
                             : "Markers (n: add one with a note)",
             body, cm.editing_note ? kNearly : kMuted, static_cast<int>(left.x), static_cast<int>(my));
  if (cm.markers != nullptr) {
    float ly = my + 30 * u;
    const std::size_t n = cm.markers->size();
    for (std::size_t i = n > 3 ? n - 3 : 0; i < n; ++i) {
      auto const& mk = (*cm.markers)[i];
      text_.draw(format_clock(mk.t_s) + "  " + (mk.note.empty() ? std::string("(no note)") : mk.note), small, kText,
                 static_cast<int>(left.x + 16 * u), static_cast<int>(ly));
      ly += 24 * u;
    }
  }

  // Controls.
  std::vector<Button> b;
  const float bh = 44 * u, by = fh - 60 * u, gap = 10 * u;
  float x = 24 * u;
  auto add = [&](Action a, std::string label, bool on, float width) {
    b.push_back({a, {x, by, width, bh}, std::move(label), on});
    x += width + gap;
  };
  using K = ActionKind;
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.1f /min", s.rate_bpm);
  add({K::rate_down}, "\u2212", false, bh);
  add({}, rate, false, 96 * u);
  add({K::rate_up}, "+", false, bh);
  x += 20 * u;
  add({K::toggle_pause}, v.paused ? "resume" : "pause", v.paused, 96 * u);
  add({K::note_begin}, "marker", cm.editing_note, 96 * u);
  x += 20 * u;
  add({K::shape, 0}, "circle", v.shape == PacerShape::circle, 84 * u);
  add({K::shape, 1}, "bar", v.shape == PacerShape::bar, 64 * u);
  add({K::shape, 2}, "wave", v.shape == PacerShape::wave, 76 * u);
  x += 20 * u;
  add({K::toggle_mute}, v.muted ? "muted" : "sound", v.muted, 96 * u);
  x = fw - 24 * u - 72 * u;
  add({K::end_session}, "end", false, 72 * u);
  for (auto const& button : b) draw_button(paint_, text_, button, px_of(17 * u));
  text_.end_frame();
  return b;
}

} // namespace pneuma::ui
