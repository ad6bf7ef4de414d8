#include "ui/pacer_view.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "view/words.hpp"

namespace pneuma::ui {
namespace {
using namespace palette;

int px_of(float v) { return std::max(10, static_cast<int>(std::lround(v))); }

bool holding(app::PacerPhase p) {
  return p == app::PacerPhase::hold_in || p == app::PacerPhase::hold_out;
}

} // namespace

PacerGeometry PacerView::geometry(int width, int height, bool patient, double rate_bpm) {
  PacerGeometry g;
  const auto w = static_cast<float>(width), h = static_cast<float>(height);
  const float u = std::max(0.25F, std::min(w / 1280.0F, h / 720.0F));
  g.unit = u;
  const bool wide = !patient && w >= 1.25F * h;
  const float top = patient ? 0.06F * h : 56 * u;
  const float bottom = patient ? 0.04F * h : (wide ? 76 * u : 76 * u + 48 * u);
  const float panel_w = wide ? std::clamp(0.31F * w, 340 * u, 470 * u) : 0.0F;
  g.area = {0, top, w - (wide ? panel_w + 40 * u : 0.0F), h - top - bottom};
  g.word_px = patient ? px_of(h / 10) : px_of(40 * u);
  const float below = 1.9F * static_cast<float>(g.word_px);
  const float avail = std::max(10.0F, g.area.h - below - 16 * u);
  const float size = std::min(g.area.w * 0.86F, avail);
  g.r_max = 0.47F * size;
  g.r_min = 0.14F * size;
  g.cx = g.area.x + g.area.w / 2;
  g.cy = g.area.y + 8 * u + avail / 2;
  g.word_y = g.cy + g.r_max + 0.35F * static_cast<float>(g.word_px);
  const float bar_w = std::max(36 * u, 0.42F * g.r_max);
  g.bar = {g.cx - bar_w / 2, g.cy - g.r_max, bar_w, 2 * g.r_max};
  const float margin = 48 * u;
  g.wave = {g.area.x + margin, g.cy - g.r_max, std::max(10.0F, g.area.w - 2 * margin), 2 * g.r_max};
  g.wave_now_x = g.wave.x + 0.62F * g.wave.w;
  const double period = 60.0 / std::clamp(rate_bpm, 3.0, 12.0);
  const double total = std::clamp(2.2 * period, 14.0, 44.0);
  g.wave_past_s = 0.62 * total;
  g.wave_future_s = 0.38 * total;
  return g;
}

float PacerView::circle_radius(PacerGeometry const& g, double position) noexcept {
  return g.r_min + (g.r_max - g.r_min) * static_cast<float>(std::clamp(position, 0.0, 1.0));
}

float PacerView::bar_top(PacerGeometry const& g, double position) noexcept {
  // Never quite empty, so the bar is visible at the bottom of the breath.
  const float frac = 0.08F + 0.92F * static_cast<float>(std::clamp(position, 0.0, 1.0));
  return g.bar.y + g.bar.h * (1 - frac);
}

float PacerView::wave_y(PacerGeometry const& g, double position) noexcept {
  const float pad = 0.08F * g.wave.h;
  return g.wave.y + g.wave.h - pad - (g.wave.h - 2 * pad) * static_cast<float>(position);
}

PacerView::~PacerView() {
  if (layer_ != nullptr) SDL_DestroyTexture(layer_);
}

PacerView::LayerKey PacerView::layer_key(State const& m, int w, int h) {
  LayerKey k;
  k.quarter = static_cast<long>(std::floor(m.session_s * 4));
  k.w = w;
  k.h = h;
  k.stage = static_cast<int>(m.stage);
  k.shape = static_cast<int>(m.shape);
  k.score = static_cast<int>(m.score);
  k.flags = (m.paused ? 1 : 0) | (m.muted ? 2 : 0) | (m.audio ? 4 : 0) | (m.fullscreen ? 8 : 0) |
            (m.gliding ? 16 : 0) | (m.patient ? 32 : 0);
  k.rate_tenths = static_cast<int>(std::lround(m.timeline.settings().rate_bpm * 10));
  k.volume = static_cast<int>(std::lround(m.volume * 100));
  return k;
}

void PacerView::draw_layer(State const& m, Model const& vm, PacerGeometry const& g, int w, int h) {
  const float u = g.unit;
  paint_.clear(kBackground);
  draw_top_bar(vm, w, u, m.patient);
  layer_buttons_.clear();
  if (m.patient) return;
  const bool wide = static_cast<float>(w) >= 1.25F * static_cast<float>(h);
  if (wide) {
    const float x = g.area.x + g.area.w + 8 * u;
    draw_panel(m, vm, {x, 56 * u + 12 * u, static_cast<float>(w) - x - 32 * u,
                   static_cast<float>(h) - 56 * u - 76 * u - 12 * u}, u);
  } else {
    draw_compact_numbers(vm, static_cast<float>(h) - 76 * u - 44 * u, w, u);
  }
  layer_buttons_ = draw_buttons(m, vm, w, h, u);
  if (wide) layer_buttons_.push_back({{ActionKind::next_score}, score_card_, "", false}); // drawn as the card
}

std::vector<Button> const& PacerView::draw(State const& m, int w, int h) {
  app::update_view_model(own_model_, m);
  return draw(m, own_model_, w, h);
}

std::vector<Button> const& PacerView::draw(State const& m, Model const& vm, int w, int h) {
  const PacerGeometry g = geometry(w, h, m.patient, m.pacer.rate_bpm);
  // Everything but the pacer changes at most a few times a second: it is drawn into a layer
  // (a target texture) four times a second or when the state changes, and copied each frame.
  SDL_Renderer* r = paint_.renderer();
  const LayerKey key = layer_key(m, w, h);
  bool rebuilt = false;
  if (layer_ == nullptr || !(key == key_)) {
    if (layer_ != nullptr && (key.w != key_.w || key.h != key_.h)) {
      SDL_DestroyTexture(layer_);
      layer_ = nullptr;
    }
    if (layer_ == nullptr) {
      layer_ = SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h);
      if (layer_ != nullptr) SDL_SetTextureBlendMode(layer_, SDL_BLENDMODE_NONE);
    }
    if (layer_ == nullptr || SDL_SetRenderTarget(r, layer_) != 0) {
      // No render targets here: draw everything directly.
      draw_layer(m, vm, g, w, h);
      draw_pacer(m, vm, g);
      text_.end_frame();
      return layer_buttons_;
    }
    draw_layer(m, vm, g, w, h);
    SDL_SetRenderTarget(r, nullptr);
    key_ = key;
    rebuilt = true;
  }
  SDL_RenderCopy(r, layer_, nullptr, nullptr);
  draw_pacer(m, vm, g);
  if (rebuilt) text_.end_frame(); // keep the layer's text cached between rebuilds
  return layer_buttons_;
}

void PacerView::draw_top_bar(Model const& vm, int w, float u, bool patient) {
  const auto fw = static_cast<float>(w);
  // Progress of the current stage along the very top edge.
  const float thick = std::max(3.0F, 4 * u);
  paint_.fill_rect({0, 0, fw, thick}, kPanel);
  paint_.fill_rect({0, 0, fw * static_cast<float>(vm.progress), thick}, with_alpha(kPacer, 200));
  if (patient) {
    const int px = px_of(static_cast<float>(w) / 60);
    text_.draw(vm.timer, px, kFaint, w - px, px, Align::right);
    return;
  }
  const int px = px_of(18 * u);
  const float mid = 28 * u;
  // Device state and signal quality, left; what is happening, centre; the clock, right.
  paint_.fill_circle(24 * u, mid, 6 * u, colour_of(vm.device_dot));
  text_.draw(vm.device_line, px, colour_of(vm.device_line_tone), static_cast<int>(38 * u),
             static_cast<int>(mid - px * 0.62F));
  text_.draw(vm.stage_line, px, kMuted, w / 2, static_cast<int>(mid - px * 0.62F), Align::centre);
  text_.draw(vm.timer, px_of(22 * u), kText, static_cast<int>(fw - 32 * u),
             static_cast<int>(mid - 22 * u * 0.62F), Align::right);
}

void PacerView::draw_pacer(State const& m, Model const& vm, PacerGeometry const& g) {
  const bool baseline = m.stage == app::FlowStage::baseline;
  SDL_Color fill = holding(m.pacer.phase) ? kHold : kPacer;
  if (baseline) fill = kGuide;
  switch (m.shape) {
  case PacerShape::bar: draw_bar(m, g, fill); break;
  case PacerShape::wave: draw_wave(m, g, fill); break;
  default: draw_circle(m, g, fill); break;
  }
  // The phase word, and under it how long the phase lasts (or a hint).
  const auto word_y = static_cast<int>(g.word_y);
  const auto cx = static_cast<int>(g.cx);
  const int small = std::max(12, g.word_px * 2 / 5);
  text_.draw(vm.phase_word, g.word_px, colour_of(vm.phase_tone), cx, word_y, Align::centre);
  if (!vm.phase_detail.empty())
    text_.draw(vm.phase_detail, small, kMuted, cx, word_y + g.word_px * 13 / 10, Align::centre);
}

void PacerView::draw_circle(State const& m, PacerGeometry const& g, SDL_Color fill) {
  const float u = g.unit;
  paint_.ring(g.cx, g.cy, g.r_max + 3 * u, std::max(1.5F, 2 * u), with_alpha(kGuide, 170));
  paint_.ring(g.cx, g.cy, g.r_min, std::max(1.0F, 1 * u), with_alpha(kGuide, 90));
  const float r = circle_radius(g, m.pacer.position);
  paint_.halo(g.cx, g.cy, r - 1, std::max(6.0F, 0.10F * r), with_alpha(fill, 80));
  paint_.fill_circle(g.cx, g.cy, r, fill);
}

void PacerView::draw_bar(State const& m, PacerGeometry const& g, SDL_Color fill) {
  const float radius = g.bar.w / 2;
  paint_.fill_round_rect({g.bar.x - 4, g.bar.y - 4, g.bar.w + 8, g.bar.h + 8}, radius + 4, kPanelEdge);
  paint_.fill_round_rect(g.bar, radius, kPanel);
  const float top = bar_top(g, m.pacer.position);
  paint_.fill_round_rect({g.bar.x, top, g.bar.w, g.bar.y + g.bar.h - top}, radius, fill);
  // Ticks at the empty and full marks, left and right of the track.
  const float tick = 0.35F * g.bar.w;
  for (double p : {0.0, 1.0}) {
    const float y = bar_top(g, p);
    paint_.fill_rect({g.bar.x - tick - 10 * g.unit, y - 1, tick, 2}, kGuide);
    paint_.fill_rect({g.bar.x + g.bar.w + 10 * g.unit, y - 1, tick, 2}, kGuide);
  }
}

void PacerView::draw_wave(State const& m, PacerGeometry const& g, SDL_Color fill) {
  const float u = g.unit;
  const double pps = (g.wave_now_x - g.wave.x) / g.wave_past_s; // pixels per second
  // Guides at empty and full.
  for (double p : {0.0, 1.0})
    paint_.fill_rect({g.wave.x, wave_y(g, p) - 1, g.wave.w, 2}, with_alpha(kGuide, 110));
  paint_.fill_rect({g.wave_now_x - 1, g.wave.y, 2, g.wave.h}, with_alpha(kGuide, 140));
  const bool baseline = m.stage == app::FlowStage::baseline;
  // The pacer's curve: past dimmer, what is coming brighter.
  if (!baseline) {
    for (int part = 0; part < 2; ++part) {
      points_.clear();
      const float x0 = part == 0 ? g.wave.x : g.wave_now_x;
      const float x1 = part == 0 ? g.wave_now_x : g.wave.x + g.wave.w;
      for (float x = x0;; x += 3) {
        const float xc = std::min(x, x1);
        const double t = m.session_s + (xc - g.wave_now_x) / pps;
        points_.push_back({xc, wave_y(g, m.timeline.at(t).position)});
        if (xc >= x1) break;
      }
      paint_.polyline(points_, std::max(3.0F, 7 * u), with_alpha(fill, part == 0 ? 110 : 255));
    }
  }
  // The measured breath on the same scale: normalised to its range over the visible past.
  auto const& tr = m.metrics.traces.breath;
  float lo = 1e30F, hi = -1e30F;
  for (std::size_t i = 0; i < tr.count; ++i) {
    if (tr.time_of(i) < m.session_s - g.wave_past_s) continue;
    lo = std::min(lo, tr.at(i));
    hi = std::max(hi, tr.at(i));
  }
  const float legend_px = static_cast<float>(px_of(15 * u));
  // The scale remembers recent breaths (its span decays with a 20 s time constant), so a pause in
  // breathing shows as a flat line rather than magnified noise.
  if (tr.count > 10 && hi >= lo) {
    const double dt = std::clamp(m.session_s - span_t_, 0.0, 60.0);
    breath_span_ = std::max(hi - lo, breath_span_ * static_cast<float>(std::exp(-dt / 20.0)));
  }
  span_t_ = m.session_s;
  if (tr.count > 10 && breath_span_ > 1e-6F) {
    points_.clear();
    const float span = breath_span_;
    lo = (lo + hi) / 2 - span / 2;
    for (std::size_t i = 0; i < tr.count; ++i) {
      const double t = tr.time_of(i);
      if (t < m.session_s - g.wave_past_s) continue;
      const auto x = static_cast<float>(g.wave_now_x - (m.session_s - t) * pps);
      const double p = 0.05 + 0.9 * (tr.at(i) - lo) / span;
      points_.push_back({std::min(x, g.wave_now_x), wave_y(g, p)});
    }
    paint_.polyline(points_, std::max(2.0F, 4 * u), kBreath);
  } else {
    text_.draw(app::words::kNoBreathToDraw, static_cast<int>(legend_px), kFaint,
               static_cast<int>(g.wave.x + 0.3F * g.wave.w), static_cast<int>(g.wave.y + g.wave.h / 2),
               Align::centre);
  }
  // Legend, under the plot.
  const auto ly = static_cast<int>(g.wave.y + g.wave.h + 8 * u);
  const auto lx = static_cast<int>(g.wave.x);
  paint_.fill_rect({g.wave.x, static_cast<float>(ly) + legend_px * 0.55F, 22 * u, 4 * u}, kPacer);
  const SDL_Point a = text_.draw(app::words::kLegendPacer, static_cast<int>(legend_px), kMuted, lx + static_cast<int>(30 * u), ly);
  const float bx = g.wave.x + 30 * u + static_cast<float>(a.x) + 24 * u;
  paint_.fill_rect({bx, static_cast<float>(ly) + legend_px * 0.55F, 22 * u, 4 * u}, kBreath);
  text_.draw(app::words::kLegendBreath, static_cast<int>(legend_px), kMuted, static_cast<int>(bx + 30 * u), ly);
  // The ball rides the pacer at "now".
  if (!baseline) {
    const float y = wave_y(g, m.pacer.position);
    const float r = 14 * u;
    paint_.halo(g.wave_now_x, y, r, 10 * u, with_alpha(fill, 80));
    paint_.fill_circle(g.wave_now_x, y, r, fill);
  }
}

void PacerView::draw_panel(State const& m, Model const& vm, SDL_FRect panel, float u) {
  namespace words = app::words;
  const int title = px_of(16 * u), big = px_of(36 * u), small = px_of(15 * u);
  const float pad = 18 * u, gap = 12 * u, radius = 14 * u;
  const auto x = static_cast<int>(panel.x + pad);
  float y = panel.y;
  auto card = [&](float height) {
    paint_.fill_round_rect({panel.x, y, panel.w, height}, radius, kPanel);
    const float top = y;
    y += height + gap;
    return top;
  };
  auto line_y = [](float top, float offset) { return static_cast<int>(top + offset); };
  auto value_colour = [](app::ShownValue const& v) { return v.trusted ? kText : kFaint; };

  // 1. Following the pacer: a word and a colour.
  {
    const float top = card(112 * u);
    text_.draw(words::kFollowTitle, title, kMuted, x, line_y(top, pad * 0.8F));
    text_.draw(vm.follow_word, big, colour_of(vm.follow_word_tone), x, line_y(top, pad * 0.8F + 24 * u));
    text_.draw(vm.follow_detail, small, kMuted, x, line_y(top, pad * 0.8F + 70 * u));
  }
  // 2. Breathing and heart rate, side by side, and under them which signal the breathing is from.
  {
    const float top = card(146 * u);
    const int x2 = static_cast<int>(panel.x + panel.w / 2 + pad / 2);
    text_.draw(words::kBreathingTitle, title, kMuted, x, line_y(top, pad * 0.8F));
    text_.draw(words::kHeartTitle, title, kMuted, x2, line_y(top, pad * 0.8F));
    const SDL_Point a = text_.draw(vm.breathing.text, big, value_colour(vm.breathing), x, line_y(top, pad * 0.8F + 22 * u));
    text_.draw(words::kPerMinute, small, kMuted, x + a.x + static_cast<int>(6 * u), line_y(top, pad * 0.8F + 40 * u));
    const SDL_Point b = text_.draw(vm.heart.text, big, value_colour(vm.heart), x2, line_y(top, pad * 0.8F + 22 * u));
    text_.draw(words::kBpm, small, kMuted, x2 + b.x + static_cast<int>(6 * u), line_y(top, pad * 0.8F + 40 * u));
    text_.draw(vm.pacer_rate, small, kMuted, x, line_y(top, pad * 0.8F + 68 * u));
    if (!vm.swing.empty()) text_.draw(vm.swing, small, kMuted, x2, line_y(top, pad * 0.8F + 68 * u));
    if (!vm.heart_follows.empty()) text_.draw(vm.heart_follows, small, kMuted, x, line_y(top, pad * 0.8F + 88 * u));
    if (!vm.breathing_from.empty())
      text_.draw_wrapped(vm.breathing_from, small, kFaint, x, line_y(top, pad * 0.8F + 108 * u),
                         static_cast<int>(panel.w - 2 * pad));
  }
  // 3. The chosen score and what it means (a click on the card changes the score).
  {
    // Under the meaning, the range to read the number against ("typical during slow breathing").
    const float height = 176 * u;
    const float top = card(height);
    score_card_ = {panel.x, top, panel.w, height};
    text_.draw(vm.score_title, title, kMuted, x, line_y(top, pad * 0.8F));
    const SDL_Point a = text_.draw(vm.score.value.text, big, value_colour(vm.score.value), x, line_y(top, pad * 0.8F + 22 * u));
    text_.draw(vm.score.unit, small, kMuted, x + a.x + static_cast<int>(6 * u), line_y(top, pad * 0.8F + 40 * u));
    const SDL_Point said = text_.draw_wrapped(vm.score.meaning, px_of(14 * u), colour_of(vm.score.meaning_tone), x,
                                              line_y(top, pad * 0.8F + 72 * u), static_cast<int>(panel.w - 2 * pad));
    text_.draw_wrapped(vm.score.typical, px_of(14 * u), kText, x,
                       line_y(top, pad * 0.8F + 78 * u) + said.y, static_cast<int>(panel.w - 2 * pad));
  }
  // 4. Heart rate, last 60 s: the RSA waves.
  {
    const float height = panel.y + panel.h - y;
    if (height < 90 * u) return;
    const float top = card(height);
    text_.draw(words::kHrTraceTitle, title, kMuted, x, line_y(top, pad * 0.8F));
    draw_hr_trace(paint_, text_, m.metrics, &m.timeline, paced_from(m),
                  {panel.x + pad, top + pad + 26 * u, panel.w - 2 * pad, height - 2 * pad - 26 * u}, u,
                  points_);
  }
}

void PacerView::draw_compact_numbers(Model const& vm, float y, int w, float u) {
  const int px = px_of(20 * u);
  const auto iy = static_cast<int>(y);
  text_.draw(vm.compact_breathing, px, vm.breathing.trusted ? kText : kFaint, w / 6, iy, Align::centre);
  text_.draw(vm.compact_heart, px, vm.heart.trusted ? kText : kFaint, w / 2, iy, Align::centre);
  text_.draw(vm.compact_follow, px, colour_of(vm.compact_follow_tone), 5 * w / 6, iy, Align::centre);
}

void draw_button(Painter& paint, TextRenderer& text, Button const& b, int px) {
  if (b.action.kind != ActionKind::none)
    paint.fill_round_rect(b.rect, b.rect.h / 2, b.on ? mix(kPanel, kPacer, 0.45) : kPanel);
  text.draw(b.label, px, b.action.kind == ActionKind::none ? kText : (b.on ? kText : kMuted),
            static_cast<int>(b.rect.x + b.rect.w / 2),
            static_cast<int>(b.rect.y + b.rect.h / 2 - static_cast<float>(px) * 0.62F), Align::centre);
}

std::vector<Button> PacerView::draw_buttons(State const& m, Model const& vm, int w, int h, float u) {
  std::vector<Button> b;
  b.reserve(12); // one allocation for the row
  const float bh = 44 * u, y = static_cast<float>(h) - 60 * u, gap = 10 * u, group = 28 * u;
  const int px = px_of(17 * u);
  float x = 24 * u;
  auto add = [&](Action a, std::string_view label, bool on, float width) {
    b.push_back({a, {x, y, width, bh}, std::string(label), on});
    x += width + gap;
  };
  using K = ActionKind;
  add({K::rate_down}, app::words::kRateDown, false, bh);
  add({}, vm.rate_button, false, 96 * u);
  add({K::rate_up}, app::words::kRateUp, false, bh);
  x += group;
  add({K::toggle_pause}, vm.pause_button, m.paused, 96 * u);
  x += group;
  add({K::shape, 0}, vm.shape_buttons[0], m.shape == PacerShape::circle, 84 * u);
  add({K::shape, 1}, vm.shape_buttons[1], m.shape == PacerShape::bar, 64 * u);
  add({K::shape, 2}, vm.shape_buttons[2], m.shape == PacerShape::wave, 76 * u);
  x += group;
  add({K::toggle_mute}, vm.sound_button, m.muted, 120 * u);
  const float right = static_cast<float>(w) - 24 * u;
  const float end_w = 72 * u, fs_w = 120 * u;
  if (x + fs_w + end_w + gap < right) {
    x = right - end_w - gap - fs_w;
    add({K::toggle_fullscreen}, vm.fullscreen_button, m.fullscreen, fs_w);
    add({K::end_session}, app::words::kEnd, false, end_w);
  }
  for (auto const& button : b) draw_button(paint_, text_, button, px);
  return b;
}

double paced_from(app::TrainerState const& m) noexcept {
  return m.stage == app::FlowStage::training ? m.session_s - m.stage_elapsed_s
                                             : std::numeric_limits<double>::infinity();
}

void draw_hr_trace(Painter& paint, TextRenderer& text, app::Metrics const& m,
                   app::PacerTimeline const* timeline, double paced_from_s, SDL_FRect box, float u,
                   std::vector<SDL_FPoint>& pts) {
  auto const& tr = m.traces.hr;
  box.w -= 30 * u; // room on the right for the scale
  const double t_end = std::max(m.t_s, tr.count > 0 ? tr.t_last_s : 0.0);
  const double t_begin = t_end - 60.0;
  const int px = std::max(10, static_cast<int>(std::lround(13 * u)));
  auto x_of = [&](double t) { return box.x + box.w * static_cast<float>((t - t_begin) / 60.0); };
  // Inhale periods of the pacer, shaded, so the heart's rise with each breath in is easy to see.
  if (timeline != nullptr && !timeline->paused()) {
    for (double t = std::max(t_begin, paced_from_s); t < t_end; t += 0.25) {
      if (timeline->at(t).phase != app::PacerPhase::inhale) continue;
      double t2 = t;
      while (t2 < t_end && timeline->at(t2).phase == app::PacerPhase::inhale) t2 += 0.25;
      paint.fill_rect({x_of(t), box.y, x_of(t2) - x_of(t), box.h}, with_alpha(palette::kPacer, 26));
      t = t2;
    }
  }
  float lo = 1e9F, hi = -1e9F;
  for (std::size_t i = 0; i < tr.count; ++i) {
    const float v = tr.at(i);
    if (std::isfinite(v) && tr.time_of(i) >= t_begin) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (hi < lo) {
    text.draw(app::words::kNoBeatsYet, px, palette::kFaint, static_cast<int>(box.x + box.w / 2),
              static_cast<int>(box.y + box.h / 2 - static_cast<float>(px)), Align::centre);
    return;
  }
  // At least 12 bpm of range, with grid lines every 5 bpm.
  const float mid = (lo + hi) / 2, span = std::max(12.0F, (hi - lo) * 1.15F);
  lo = mid - span / 2;
  hi = mid + span / 2;
  auto y_of = [&](float v) { return box.y + box.h * (hi - v) / (hi - lo); };
  for (float g = std::ceil(lo / 5) * 5; g <= hi; g += 5) {
    const float y = y_of(g);
    paint.fill_rect({box.x, y, box.w, 1}, with_alpha(palette::kGuide, 70));
    if (y > box.y + static_cast<float>(px) && y < box.y + box.h - 2)
      text.draw(std::to_string(static_cast<int>(g)), px, palette::kFaint, static_cast<int>(box.x + box.w + 30 * u),
                static_cast<int>(y - static_cast<float>(px) * 0.62F), Align::right);
  }
  pts.clear();
  auto flush = [&] {
    if (pts.size() >= 2) paint.polyline(pts, std::max(2.0F, 3 * u), palette::kHeart);
    pts.clear();
  };
  // One point per beat (where the held value changes), joined by straight lines.
  float previous = std::numeric_limits<float>::quiet_NaN();
  for (std::size_t i = 0; i < tr.count; ++i) {
    const double t = tr.time_of(i);
    const float v = tr.at(i);
    if (t < t_begin || !std::isfinite(v)) {
      flush();
      previous = std::numeric_limits<float>::quiet_NaN();
      continue;
    }
    if (v != previous || i + 1 == tr.count) pts.push_back({x_of(t), y_of(v)});
    previous = v;
  }
  flush();
}

} // namespace pneuma::ui
