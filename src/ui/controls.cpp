#include "ui/controls.hpp"

#include <algorithm>
#include <cmath>

namespace pneuma::ui {
namespace {
constexpr double kDefaultGlideFromBpm = 12.0; // a typical resting adult rate, when none is measured

bool is_rating(app::FlowStage s) {
  return s == app::FlowStage::rating_before || s == app::FlowStage::rating_after;
}
} // namespace

TrainerController::TrainerController(TrainerSetup const& setup)
    : shape(setup.shape), muted(setup.muted), volume(std::clamp(setup.volume, 0.0, 1.0)),
      fullscreen(setup.fullscreen), score(setup.flow.score), timeline_(setup.pacer),
      flow_(setup.flow), glide_s_(setup.glide_s) {
  sync_pause(0.0);
}

void TrainerController::set_buttons(std::vector<Button> const& buttons, float scale_x, float scale_y) {
  buttons_ = buttons;
  scale_x_ = scale_x;
  scale_y_ = scale_y;
}

bool TrainerController::take_pacer_changed() noexcept {
  const bool changed = pacer_changed_;
  pacer_changed_ = false;
  return changed;
}

Action TrainerController::action_for(SDL_Event const& e) const {
  using K = ActionKind;
  if (e.type == SDL_QUIT) return {K::quit};
  if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE) return {K::quit};
  if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT) {
    const SDL_FPoint p{static_cast<float>(e.button.x) * scale_x_, static_cast<float>(e.button.y) * scale_y_};
    for (auto const& b : buttons_)
      if (SDL_PointInFRect(&p, &b.rect)) return b.action;
    return {};
  }
  if (e.type != SDL_KEYDOWN) return {};
  const SDL_Keycode key = e.key.keysym.sym;
  const bool repeat = e.key.repeat != 0;
  const auto stage = flow_.stage();
  const bool up = key == SDLK_PLUS || key == SDLK_EQUALS || key == SDLK_KP_PLUS || key == SDLK_UP;
  const bool down = key == SDLK_MINUS || key == SDLK_KP_MINUS || key == SDLK_DOWN;
  const bool enter = key == SDLK_RETURN || key == SDLK_KP_ENTER;
  if (is_rating(stage)) {
    if (key >= SDLK_0 && key <= SDLK_9) return {K::choose, static_cast<int>(key - SDLK_0)};
    if (key >= SDLK_KP_1 && key <= SDLK_KP_9) return {K::choose, static_cast<int>(key - SDLK_KP_1 + 1)};
    if (key == SDLK_KP_0) return {K::choose, 0};
    if (up) return {K::nudge, 1};
    if (down) return {K::nudge, -1};
    if (enter || key == SDLK_SPACE) return repeat ? Action{} : Action{K::confirm};
    if (key == SDLK_s || key == SDLK_TAB) return {K::skip};
    if (key == SDLK_ESCAPE) return {K::end_session};
    return {};
  }
  if (stage == app::FlowStage::summary) {
    if (enter || key == SDLK_ESCAPE || key == SDLK_SPACE || key == SDLK_q) return {K::close};
    return {};
  }
  if (up) return {K::rate_up};
  if (down) return {K::rate_down};
  if (repeat) return {};
  switch (key) {
  case SDLK_SPACE: return {K::toggle_pause};
  case SDLK_f:
  case SDLK_F11: return {K::toggle_fullscreen};
  case SDLK_m: return {K::toggle_mute};
  case SDLK_LEFTBRACKET: return {K::volume_down};
  case SDLK_RIGHTBRACKET: return {K::volume_up};
  case SDLK_1:
  case SDLK_KP_1: return {K::shape, 0};
  case SDLK_2:
  case SDLK_KP_2: return {K::shape, 1};
  case SDLK_3:
  case SDLK_KP_3: return {K::shape, 2};
  case SDLK_c: return {K::next_score};
  case SDLK_n: return {K::note_begin};
  case SDLK_RETURN:
  case SDLK_KP_ENTER: return {K::confirm};
  case SDLK_ESCAPE:
  case SDLK_q: return {K::end_session};
  default: return {};
  }
}

void TrainerController::handle(SDL_Event const& e, double now_s) {
  if (editing_note) {
    // Typing a marker note: text goes to the note, Enter saves, Esc cancels.
    if (e.type == SDL_TEXTINPUT) {
      if (note.size() < 200) note += e.text.text;
      return;
    }
    if (e.type == SDL_KEYDOWN) {
      const SDL_Keycode key = e.key.keysym.sym;
      if (key == SDLK_RETURN || key == SDLK_KP_ENTER) {
        flow_.add_marker(now_s, note);
        note.clear();
        editing_note = false;
      } else if (key == SDLK_ESCAPE) {
        note.clear();
        editing_note = false;
      } else if (key == SDLK_BACKSPACE && !note.empty()) {
        // Remove one UTF-8 character.
        std::size_t n = note.size() - 1;
        while (n > 0 && (static_cast<unsigned char>(note[n]) & 0xC0) == 0x80) --n;
        note.erase(n);
      }
      return;
    }
  }
  Action a = action_for(e);
  // The scale runs 0-10 and keys 0-9: "1" then "0" within a second types 10.
  if (a.kind == ActionKind::choose && e.type == SDL_KEYDOWN) {
    const bool ten = a.value == 0 && last_digit_ == 1 && flow_.draft() == 1 &&
                     e.key.timestamp - last_digit_ms_ <= kTwoDigitMs;
    last_digit_ = ten ? -1 : a.value;
    last_digit_ms_ = e.key.timestamp;
    if (ten) a.value = 10;
  }
  apply(a, now_s);
}

void TrainerController::change_rate(double delta, double now_s) {
  app::PacerSettings s = timeline_.settings();
  const double current = app::PacerSettings::snap_rate(timeline_.rate_at(now_s));
  s.rate_bpm = app::PacerSettings::snap_rate(current + delta);
  timeline_.change(now_s, s);
  pacer_changed_ = true;
}

void TrainerController::apply(Action a, double now_s) {
  using K = ActionKind;
  switch (a.kind) {
  case K::none: break;
  case K::rate_down: change_rate(-app::PacerSettings::kRateStep, now_s); break;
  case K::rate_up: change_rate(app::PacerSettings::kRateStep, now_s); break;
  case K::toggle_pause:
    user_paused = !user_paused;
    sync_pause(now_s);
    break;
  case K::toggle_fullscreen: fullscreen = !fullscreen; break;
  case K::toggle_mute: muted = !muted; break;
  case K::volume_down: volume = std::max(0.0, std::round(volume * 10 - 1) / 10); break;
  case K::volume_up: volume = std::min(1.0, std::round(volume * 10 + 1) / 10); break;
  case K::shape: shape = static_cast<PacerShape>(std::clamp(a.value, 0, 2)); break;
  case K::next_score: score = static_cast<app::ScoreKind>((static_cast<int>(score) + 1) % 3); break;
  case K::confirm:
    if (is_rating(flow_.stage()))
      flow_.confirm(now_s);
    else if (flow_.stage() == app::FlowStage::baseline)
      flow_.finish_stage(now_s);
    else if (flow_.stage() == app::FlowStage::summary)
      flow_.close();
    break;
  case K::skip: flow_.skip(now_s); break;
  case K::choose: flow_.choose(a.value); break;
  case K::nudge: flow_.nudge(a.value); break;
  case K::end_session: flow_.end(now_s); break;
  case K::close: flow_.close(); break;
  case K::note_begin:
    editing_note = true;
    note.clear();
    break;
  case K::quit: quit = true; break;
  default: break; // the start screen's actions mean nothing here
  }
  sync_pause(now_s);
  if (flow_.stage() == app::FlowStage::done) quit = true;
}

void TrainerController::sync_pause(double now_s) {
  const bool run = flow_.pacer_running() && !user_paused;
  if (run && timeline_.paused()) {
    timeline_.resume(now_s);
    pacer_changed_ = true;
  } else if (!run && !timeline_.paused()) {
    timeline_.pause(now_s);
    pacer_changed_ = true;
  }
}

void TrainerController::update(double now_s, app::Metrics const& m) {
  flow_.tick(now_s, m, timeline_.rate_at(now_s), follow_result_);
  if (flow_.stage() == app::FlowStage::training && !training_seen_) {
    training_seen_ = true;
    const double target = timeline_.settings().rate_bpm;
    if (glide_s_ > 0) {
      // From the rate the window shows, when it is trusted.
      const auto rate = app::shown_breathing(m);
      const double from = app::PacerSettings::snap_rate(rate.trusted ? rate.bpm : kDefaultGlideFromBpm);
      if (from > target + 0.05) {
        timeline_.glide(now_s, from, glide_s_);
        pacer_changed_ = true;
      }
    }
  }
  sync_pause(now_s);
  const bool running = !timeline_.paused();
  follow_.record(now_s, timeline_);
  if (last_assess_s_ < 0 || now_s - last_assess_s_ >= 0.25 || now_s < last_assess_s_) {
    follow_result_ = running ? follow_.assess(m.traces.breath) : app::FollowResult{};
    last_assess_s_ = now_s;
  }
  if (flow_.stage() == app::FlowStage::done) quit = true;
}

} // namespace pneuma::ui
