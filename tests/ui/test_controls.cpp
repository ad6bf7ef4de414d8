// Keyboard and mouse through real SDL events: pushed with SDL_PushEvent, polled back, handled.
#include <SDL.h>
#include <catch2/catch.hpp>

#include "pneuma/drivers/clock.hpp"
#include "ui/controls.hpp"
#include "ui/trainer_window.hpp"

using namespace pneuma;
using Catch::Matchers::WithinAbs;

namespace {
struct SdlEvents {
  SdlEvents() {
    if (SDL_getenv("SDL_VIDEODRIVER") == nullptr) SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    REQUIRE(SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) == 0);
    SDL_FlushEvents(SDL_FIRSTEVENT, SDL_LASTEVENT);
  }
  ~SdlEvents() { SDL_Quit(); }
};

void push_key(SDL_Keycode key, bool repeat = false) {
  SDL_Event e{};
  e.type = SDL_KEYDOWN;
  e.key.state = SDL_PRESSED;
  e.key.repeat = repeat ? 1 : 0;
  e.key.keysym.sym = key;
  REQUIRE(SDL_PushEvent(&e) == 1);
}

void push_click(int x, int y) {
  SDL_Event e{};
  e.type = SDL_MOUSEBUTTONDOWN;
  e.button.button = SDL_BUTTON_LEFT;
  e.button.state = SDL_PRESSED;
  e.button.clicks = 1;
  e.button.x = x;
  e.button.y = y;
  REQUIRE(SDL_PushEvent(&e) == 1);
}

/// Delivers every queued event to the controller, as the window's loop does.
int pump(ui::TrainerController& c, double now_s) {
  int n = 0;
  SDL_Event e;
  while (SDL_PollEvent(&e) != 0) {
    c.handle(e, now_s);
    ++n;
  }
  return n;
}

ui::TrainerSetup setup(bool ratings = false) {
  ui::TrainerSetup s;
  s.pacer = {6.0, 1.0, 1.5, 0, 0};
  s.flow.ratings = ratings;
  s.flow.training_s = 600;
  return s;
}
} // namespace

TEST_CASE("controls: keys change rate, pause, shape, sound and fullscreen", "[ui]") {
  SdlEvents sdl;
  ui::TrainerController c(setup());
  REQUIRE(c.flow().stage() == app::FlowStage::training);
  CHECK_FALSE(c.timeline().paused());
  c.take_pacer_changed();

  push_key(SDLK_PLUS);
  push_key(SDLK_PLUS, true); // held down: repeats count for the rate
  CHECK(pump(c, 10.0) == 2);
  CHECK_THAT(c.timeline().settings().rate_bpm, WithinAbs(6.2, 1e-9));
  CHECK(c.take_pacer_changed());
  push_key(SDLK_MINUS);
  push_key(SDLK_KP_MINUS);
  push_key(SDLK_MINUS);
  pump(c, 11.0);
  CHECK_THAT(c.timeline().settings().rate_bpm, WithinAbs(5.9, 1e-9));

  push_key(SDLK_SPACE);
  pump(c, 12.0);
  CHECK(c.user_paused);
  CHECK(c.timeline().paused());
  push_key(SDLK_SPACE, true); // a held space does not toggle again
  pump(c, 12.5);
  CHECK(c.timeline().paused());
  push_key(SDLK_SPACE);
  pump(c, 13.0);
  CHECK_FALSE(c.timeline().paused());

  push_key(SDLK_2);
  pump(c, 14.0);
  CHECK(c.shape == ui::PacerShape::bar);
  push_key(SDLK_3);
  pump(c, 14.0);
  CHECK(c.shape == ui::PacerShape::wave);
  push_key(SDLK_1);
  pump(c, 14.0);
  CHECK(c.shape == ui::PacerShape::circle);

  push_key(SDLK_m);
  push_key(SDLK_f);
  push_key(SDLK_RIGHTBRACKET);
  pump(c, 15.0);
  CHECK(c.muted);
  CHECK(c.fullscreen);
  CHECK_THAT(c.volume, WithinAbs(0.6, 1e-9));
  push_key(SDLK_c);
  pump(c, 15.0);
  CHECK(c.score == app::ScoreKind::rsa);

  // Esc ends the session: the summary shows; Esc again closes.
  push_key(SDLK_ESCAPE);
  pump(c, 16.0);
  CHECK(c.flow().stage() == app::FlowStage::summary);
  CHECK(c.flow().summary().ended_early);
  CHECK_FALSE(c.quit);
  push_key(SDLK_ESCAPE);
  pump(c, 17.0);
  CHECK(c.quit);
}

TEST_CASE("controls: a rate change by key keeps the pacer phase continuous", "[ui]") {
  SdlEvents sdl;
  ui::TrainerController c(setup());
  const double before = c.timeline().at(33.3).cycles;
  push_key(SDLK_UP);
  pump(c, 33.3);
  CHECK_THAT(c.timeline().at(33.3).cycles, WithinAbs(before, 1e-12));
  CHECK_THAT(c.timeline().rate_at(40.0), WithinAbs(6.1, 1e-12));
  // The rate stays within 3..12.
  for (int i = 0; i < 100; ++i) push_key(SDLK_UP);
  pump(c, 40.0);
  CHECK_THAT(c.timeline().settings().rate_bpm, WithinAbs(12.0, 1e-9));
}

TEST_CASE("controls: mouse clicks hit the buttons, HiDPI coordinates scaled", "[ui]") {
  SdlEvents sdl;
  ui::TrainerController c(setup());
  std::vector<ui::Button> buttons{
      {{ui::ActionKind::rate_up}, {100, 600, 40, 40}, "+", false},
      {{ui::ActionKind::shape, 2}, {200, 600, 80, 40}, "wave", false},
      {{ui::ActionKind::toggle_pause}, {300, 600, 80, 40}, "pause", false},
  };
  c.set_buttons(buttons); // 1:1
  push_click(120, 620);
  push_click(250, 610);
  push_click(10, 10); // nothing there
  pump(c, 5.0);
  CHECK_THAT(c.timeline().settings().rate_bpm, WithinAbs(6.1, 1e-9));
  CHECK(c.shape == ui::PacerShape::wave);
  // A HiDPI window: renderer pixels are twice the window coordinates the mouse reports.
  c.set_buttons(buttons, 2.0F, 2.0F);
  push_click(170, 310); // = (340, 620) in pixels: pause
  pump(c, 6.0);
  CHECK(c.user_paused);
}

TEST_CASE("controls: the self-ratings are given with keys and the session starts", "[ui]") {
  SdlEvents sdl;
  ui::TrainerController c(setup(true));
  REQUIRE(c.flow().stage() == app::FlowStage::rating_before);
  CHECK(c.timeline().paused()); // no pacer while rating
  push_key(SDLK_7);
  push_key(SDLK_RETURN);
  push_key(SDLK_DOWN); // from the middle of the scale: 4
  push_key(SDLK_KP_ENTER);
  pump(c, 3.0);
  REQUIRE(c.flow().stage() == app::FlowStage::training);
  c.update(3.1, {});
  CHECK_FALSE(c.timeline().paused());
  // Keys mean the pacer again: '2' is the bar, not a rating.
  push_key(SDLK_2);
  pump(c, 4.0);
  CHECK(c.shape == ui::PacerShape::bar);
  push_key(SDLK_ESCAPE); // end: the after-ratings come first
  pump(c, 5.0);
  REQUIRE(c.flow().stage() == app::FlowStage::rating_after);
  push_key(SDLK_2);
  push_key(SDLK_RETURN);
  push_key(SDLK_s); // pain skipped
  pump(c, 6.0);
  REQUIRE(c.flow().stage() == app::FlowStage::summary);
  const auto s = c.flow().summary();
  CHECK(s.before.tension == 7);
  CHECK(s.before.pain == 4);
  CHECK(s.after.tension == 2);
  CHECK(s.after.pain == -1);
}

TEST_CASE("controls: the 0-10 scale is reachable by keys: 1 then 0 within a second is 10", "[ui]") {
  SdlEvents sdl;
  ui::TrainerController c(setup(true));
  auto key = [&](SDL_Keycode k, Uint32 ms) {
    SDL_Event e{};
    e.type = SDL_KEYDOWN;
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = k;
    e.key.timestamp = ms;
    c.handle(e, 1.0);
  };
  key(SDLK_1, 5000);
  CHECK(c.flow().draft() == 1);
  key(SDLK_0, 5400);
  CHECK(c.flow().draft() == 10);
  key(SDLK_0, 5600); // a third digit starts again
  CHECK(c.flow().draft() == 0);
  key(SDLK_1, 8000);
  key(SDLK_0, 9200); // too late for one number: 0
  CHECK(c.flow().draft() == 0);
  // Pushed through SDL's queue (timestamps from SDL's clock) it is the same.
  push_key(SDLK_1);
  push_key(SDLK_0);
  pump(c, 2.0);
  CHECK(c.flow().draft() == 10);
}

TEST_CASE("controls: a marker note is typed as text and saved with Enter", "[ui]") {
  SdlEvents sdl;
  ui::TrainerController c(setup());
  push_key(SDLK_n);
  pump(c, 42.0);
  REQUIRE(c.editing_note);
  SDL_Event text{};
  text.type = SDL_TEXTINPUT;
  SDL_strlcpy(text.text.text, "yawn", sizeof text.text.text);
  SDL_PushEvent(&text);
  SDL_strlcpy(text.text.text, "s", sizeof text.text.text);
  SDL_PushEvent(&text);
  push_key(SDLK_BACKSPACE);
  push_key(SDLK_m); // typed into the note, does not mute
  pump(c, 43.0);
  CHECK_FALSE(c.muted);
  SDL_strlcpy(text.text.text, "!", sizeof text.text.text);
  SDL_PushEvent(&text);
  push_key(SDLK_RETURN);
  pump(c, 44.0);
  CHECK_FALSE(c.editing_note);
  REQUIRE(c.flow().markers().size() == 1);
  CHECK(c.flow().markers()[0].note == "yawn!");
  CHECK_THAT(c.flow().markers()[0].t_s, WithinAbs(44.0, 1e-9));
}

TEST_CASE("controls: a glide starts from the measured rate when training starts", "[ui]") {
  SdlEvents sdl;
  auto s = setup();
  s.flow.baseline_s = 60;
  s.glide_s = 180;
  ui::TrainerController c(s);
  REQUIRE(c.flow().stage() == app::FlowStage::baseline);
  app::Metrics m;
  m.breath_rate_bpm = 11.23; // breath by breath, good belt: preferred over the spectral rate
  m.breath_quality = 0.8;
  m.breathing_bpm = 9.0;
  m.breathing_quality = 0.9;
  m.quality = 0.9;
  for (double t = 0; t <= 60.5; t += 0.1) c.update(t, m);
  REQUIRE(c.flow().stage() == app::FlowStage::training);
  CHECK(c.timeline().gliding(70.0));
  CHECK_THAT(c.timeline().rate_at(60.0), WithinAbs(11.2, 0.05));
  CHECK_THAT(c.timeline().rate_at(60.0 + 90), WithinAbs((11.2 + 6.0) / 2, 0.05));
  CHECK_THAT(c.timeline().rate_at(60.0 + 200), WithinAbs(6.0, 1e-9));
}

TEST_CASE("controls: stage changes, pauses, rate changes and notes become recording markers", "[ui]") {
  SdlEvents sdl;
  pneuma::drivers::ManualClock clock;
  app::PipelineConfig config;
  config.sources.push_back(pneuma::drivers::SourceSpec::parse("sim"));
  app::Pipeline pipeline(config, clock); // not started: marks only queue up
  auto s = setup();
  s.flow.baseline_s = 10;
  ui::TrainerController c(s);
  ui::MarkState marks;
  auto drain = [&] {
    std::vector<std::string> out;
    app::Marker m;
    while (pipeline.markers().try_pop(m)) out.emplace_back(m.text.data());
    return out;
  };
  ui::mark_events(pipeline, c, marks);
  CHECK(drain() == std::vector<std::string>{"baseline start"});
  c.update(10.5, {});
  push_key(SDLK_UP);
  push_key(SDLK_SPACE);
  pump(c, 11.0);
  ui::mark_events(pipeline, c, marks);
  CHECK(drain() == std::vector<std::string>{"training start", "pacer paused", "pacer 6.1/min"});
  push_key(SDLK_n);
  pump(c, 12.0);
  SDL_Event text{};
  text.type = SDL_TEXTINPUT;
  SDL_strlcpy(text.text.text, "cough", sizeof text.text.text);
  SDL_PushEvent(&text);
  push_key(SDLK_RETURN);
  pump(c, 12.5);
  ui::mark_events(pipeline, c, marks);
  CHECK(drain() == std::vector<std::string>{"cough"});
  ui::mark_events(pipeline, c, marks); // nothing new, nothing marked
  CHECK(drain().empty());
}
