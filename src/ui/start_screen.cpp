#include "ui/start_screen.hpp"

#include <algorithm>
#include <cmath>

#include "ui/clinician_view.hpp"
#include "ui/pacer_view.hpp"

namespace pneuma::ui {
namespace {
using namespace palette;
constexpr std::size_t kMaxSources = 6; // rows that fit the column at 720 px

float unit_of(int w, int h) {
  return std::max(0.25F, std::min(static_cast<float>(w) / 1280.0F, static_cast<float>(h) / 720.0F));
}
int px_of(float v) { return std::max(10, static_cast<int>(std::lround(v))); }

bool heart_source(std::string_view source) { return source.rfind("serial:", 0) != 0; }
} // namespace

StartScreen::StartScreen(SDL_Renderer* renderer, TextRenderer& text, app::StartInputs inputs,
                         app::StartChoices last, double scan_s, app::TrialLimits limits)
    : paint_(renderer), text_(text), inputs_(std::move(inputs)), scan_s_(scan_s), limits_(limits) {
  if (inputs_.profiles.empty()) inputs_.profiles.push_back({"default", std::nullopt, std::nullopt});
  state_.inputs = &inputs_;
  state_.choices = std::move(last);
  state_.choices.profile = app::chosen_profile(inputs_, state_.choices.profile).name;
  // A remembered pace the profile no longer offers (no plan now): the coherent preset.
  if (!app::pace_settings(app::chosen_profile(inputs_, state_.choices.profile), state_.choices.pace))
    state_.choices.pace = "coherent";
  scan_.start(scan_s_);
  update();
}

void StartScreen::handle(SDL_Event const& e, float scale_x, float scale_y) {
  using K = ActionKind;
  scale_x_ = scale_x;
  scale_y_ = scale_y;
  if (e.type == SDL_QUIT || (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE)) {
    quit = true;
    return;
  }
  if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT) {
    apply(hit_test(buttons_, static_cast<float>(e.button.x) * scale_x_, static_cast<float>(e.button.y) * scale_y_));
    return;
  }
  if (e.type != SDL_KEYDOWN || e.key.repeat != 0) return;
  const SDL_Keycode key = e.key.keysym.sym;
  if (key == SDLK_RETURN || key == SDLK_KP_ENTER) apply({K::start});
  if (key == SDLK_ESCAPE) apply({state_.phase == app::StartPhase::choosing ? K::quit : K::back});
}

void StartScreen::apply(Action a) {
  using K = ActionKind;
  const bool choosing = state_.phase != app::StartPhase::connecting;
  const auto index = static_cast<std::size_t>(std::max(0, a.value));
  switch (a.kind) {
  case K::pick_source:
    if (choosing && index < view_.source_keys.size()) state_.choices.source = view_.source_keys[index];
    if (state_.phase == app::StartPhase::failed) state_.phase = app::StartPhase::choosing;
    break;
  case K::pick_profile:
    if (choosing && index < inputs_.profiles.size()) {
      state_.choices.profile = inputs_.profiles[index].name;
      if (!app::pace_settings(inputs_.profiles[index], state_.choices.pace)) state_.choices.pace = "coherent";
    }
    break;
  case K::pick_pace:
    if (choosing && index < view_.pace_keys.size() &&
        app::pace_settings(app::chosen_profile(inputs_, state_.choices.profile), view_.pace_keys[index]))
      state_.choices.pace = view_.pace_keys[index];
    break;
  case K::pick_minutes:
    if (choosing && index < view_.minutes.size()) state_.choices.minutes = std::stod(view_.minutes[index].label);
    break;
  case K::scan:
    if (choosing) scan_.start(scan_s_);
    break;
  case K::start:
    if (choosing) start_trial();
    break;
  case K::back:
    retire_trial();
    state_.phase = app::StartPhase::choosing;
    break;
  case K::quit: quit = true; break;
  default: break;
  }
  update();
}

void StartScreen::start_trial() {
  retire_trial();
  state_.trial = {};
  state_.trying.clear();
  for (std::size_t i = 0; i < view_.source_keys.size(); ++i)
    if (view_.source_keys[i] == state_.choices.source) state_.trying = view_.sources[i].label;
  if (state_.trying.empty()) state_.trying = state_.choices.source;
  try {
    trial_ = std::make_unique<app::ConnectionTrial>(drivers::SourceSpec::parse(state_.choices.source),
                                                    heart_source(state_.choices.source), limits_);
    state_.phase = app::StartPhase::connecting;
  } catch (std::exception const& e) { // a remembered source that no longer parses
    state_.trial.phase = app::TrialState::Phase::failed;
    state_.trial.failure = e.what();
    state_.phase = app::StartPhase::failed;
  }
}

void StartScreen::retire_trial() {
  if (trial_) retiring_.push_back(std::move(trial_));
  closing_ = false;
}

void StartScreen::update() {
  std::erase_if(retiring_, [](auto const& t) { return t->finished(); });
  state_.scan = scan_.snapshot();
  if (trial_ && state_.phase == app::StartPhase::connecting) {
    state_.trial = trial_->poll();
    if (state_.trial.phase == app::TrialState::Phase::failed) {
      state_.phase = app::StartPhase::failed;
      retire_trial();
    } else if (state_.trial.phase == app::TrialState::Phase::ready) {
      closing_ = true; // it answered: once it has let the device go, the session takes it
    }
  }
  if (closing_ && trial_ && trial_->finished()) {
    ready_ = state_.choices;
    trial_.reset();
    closing_ = false;
  }
  view_ = app::make_start_view(state_);
}

std::vector<Button> const& StartScreen::draw(int w, int h) {
  const float u = unit_of(w, h);
  const auto fw = static_cast<float>(w), fh = static_cast<float>(h);
  auto const& v = view_;
  paint_.clear(kBackground);
  buttons_.clear();
  text_.draw(v.title, px_of(40 * u), kText, static_cast<int>(48 * u), static_cast<int>(28 * u));
  text_.draw(v.subtitle, px_of(18 * u), kMuted, static_cast<int>(48 * u), static_cast<int>(84 * u));

  const int head = px_of(17 * u), label = px_of(20 * u), detail = px_of(14 * u);
  const float top = 150 * u, rows_y = 184 * u;
  // A column of choices: each row a button, the chosen one lit.
  auto column = [&](std::string_view title, std::vector<app::StartRow> const& rows, ActionKind kind, float x,
                    float width, float y, float row_h, std::size_t max_rows) {
    text_.draw(title, head, kMuted, static_cast<int>(x), static_cast<int>(y - 34 * u));
    for (std::size_t i = 0; i < rows.size() && i < max_rows; ++i) {
      auto const& r = rows[i];
      const SDL_FRect rect{x, y, width, row_h};
      paint_.fill_round_rect(rect, 12 * u, r.selected ? mix(kPanel, kPacer, 0.45) : kPanel);
      const SDL_Color ink = !r.enabled ? kFaint : kText;
      const bool two_lines = !r.detail.empty() && row_h >= 56 * u;
      const float label_y = two_lines ? y + 8 * u : y + row_h / 2 - static_cast<float>(label) * 0.62F;
      text_.draw(r.label, label, ink, static_cast<int>(x + 16 * u), static_cast<int>(label_y));
      if (two_lines)
        text_.draw(r.detail, detail, r.enabled ? colour_of(r.detail_tone) : kFaint, static_cast<int>(x + 16 * u),
                   static_cast<int>(y + 36 * u));
      else if (!r.detail.empty())
        text_.draw(r.detail, detail, kMuted, static_cast<int>(x + width - 14 * u),
                   static_cast<int>(y + row_h / 2 - static_cast<float>(detail) * 0.62F), Align::right);
      buttons_.push_back({r.enabled ? Action{kind, static_cast<int>(i)} : Action{}, rect, "", r.selected});
      y += row_h + 8 * u;
    }
    return y;
  };

  // Column 1: sources, with the scan's state and "scan again".
  const float c1 = 48 * u, c1w = 560 * u;
  column(v.sources_head, v.sources, ActionKind::pick_source, c1, c1w, rows_y, 62 * u, kMaxSources);
  text_.draw(v.scan_line, detail, colour_of(v.scan_tone), static_cast<int>(c1 + 150 * u), static_cast<int>(top + 2 * u));
  if (!v.scan_button.empty()) {
    buttons_.push_back({{ActionKind::scan}, {c1 + c1w - 130 * u, top - 8 * u, 130 * u, 34 * u}, std::string(v.scan_button), false});
    draw_button(paint_, text_, buttons_.back(), px_of(15 * u));
  }
  // Column 2: who, and the length.
  const float c2 = 640 * u, c2w = 250 * u;
  const float after_profiles = column(v.profiles_head, v.profiles, ActionKind::pick_profile, c2, c2w, rows_y, 46 * u, 4);
  const float minutes_y = std::max(after_profiles, rows_y + 2 * 54 * u) + 44 * u;
  text_.draw(v.minutes_head, head, kMuted, static_cast<int>(c2), static_cast<int>(minutes_y - 34 * u));
  for (std::size_t i = 0; i < v.minutes.size(); ++i) {
    auto const& r = v.minutes[i];
    const float bw = (c2w - 3 * 8 * u) / 4;
    Button b{r.enabled ? Action{ActionKind::pick_minutes, static_cast<int>(i)} : Action{},
             {c2 + static_cast<float>(i) * (bw + 8 * u), minutes_y, bw, 44 * u}, r.label, r.selected};
    if (!r.enabled) { // the plan sets the length: drawn plainly, not as a button
      paint_.fill_round_rect(b.rect, b.rect.h / 2, kPanel);
      text_.draw(r.label, px_of(16 * u), kFaint, static_cast<int>(b.rect.x + bw / 2),
                 static_cast<int>(minutes_y + 22 * u - 16 * u * 0.62F), Align::centre);
    } else {
      draw_button(paint_, text_, b, px_of(16 * u));
    }
    buttons_.push_back(std::move(b));
  }
  // Column 3: the pace, and the plan's notes under it.
  const float c3 = 922 * u, c3w = fw - c3 - 48 * u;
  const float after_paces = column(v.pace_head, v.paces, ActionKind::pick_pace, c3, c3w, rows_y, 62 * u, 4);
  if (!v.notes.empty())
    text_.draw_wrapped(v.notes, detail, kText, static_cast<int>(c3), static_cast<int>(after_paces + 4 * u),
                       static_cast<int>(c3w));

  // Footer: progress or the plain reason, what to do, and the buttons.
  const float footer = fh - 118 * u;
  paint_.fill_rect({0, footer - 14 * u, fw, 1}, kPanelEdge);
  text_.draw(v.status, px_of(20 * u), colour_of(v.status_tone), static_cast<int>(48 * u), static_cast<int>(footer));
  text_.draw_wrapped(v.advice, px_of(16 * u), kMuted, static_cast<int>(48 * u), static_cast<int>(footer + 34 * u),
                     static_cast<int>(fw - 48 * u - 420 * u));
  const float bw = 200 * u, bh = 60 * u, by = fh - 96 * u;
  buttons_.push_back({v.start_enabled ? Action{ActionKind::start} : Action{}, {fw - 48 * u - bw, by, bw, bh},
                      std::string(v.start_button), v.start_enabled});
  draw_button(paint_, text_, buttons_.back(), px_of(22 * u));
  if (!v.back_button.empty()) {
    buttons_.push_back({{ActionKind::back}, {fw - 48 * u - bw - 16 * u - 140 * u, by, 140 * u, bh},
                        std::string(v.back_button), false});
    draw_button(paint_, text_, buttons_.back(), px_of(20 * u));
  }
  text_.end_frame();
  return buttons_;
}

} // namespace pneuma::ui
