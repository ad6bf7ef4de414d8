// The README's keys that had no test, through real SDL events: `[` (no bracket in a test name:
// ctest's test list would split on it) turns the sound down in 0.1
// steps to silence, F11 toggles full screen, Enter ends the baseline and starts training now,
// `q` ends the session (summary) and closes it from there.
#include <SDL.h>
#include <catch2/catch.hpp>

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

void key(ui::TrainerController& c, SDL_Keycode sym, double now_s) {
  SDL_Event e{};
  e.type = SDL_KEYDOWN;
  e.key.state = SDL_PRESSED;
  e.key.keysym.sym = sym;
  REQUIRE(SDL_PushEvent(&e) == 1);
  SDL_Event got;
  while (SDL_PollEvent(&got) != 0) c.handle(got, now_s);
}

ui::TrainerSetup setup(double baseline_s) {
  ui::TrainerSetup s;
  s.pacer = {6.0, 1.0, 1.5, 0, 0};
  s.flow.baseline_s = baseline_s;
  s.flow.training_s = 600;
  s.volume = 0.3;
  return s;
}

} // namespace

TEST_CASE("keys: the left bracket lowers the volume to silence, F11 toggles full screen", "[ui]") {
  SdlEvents sdl;
  ui::TrainerController c(setup(0));
  CHECK_THAT(c.volume, WithinAbs(0.3, 1e-9));
  key(c, SDLK_LEFTBRACKET, 1.0);
  CHECK_THAT(c.volume, WithinAbs(0.2, 1e-9));
  for (int i = 0; i < 5; ++i) key(c, SDLK_LEFTBRACKET, 1.0);
  CHECK(c.volume == 0.0); // floored at silence, never negative
  CHECK_FALSE(c.fullscreen);
  key(c, SDLK_F11, 2.0);
  CHECK(c.fullscreen);
  key(c, SDLK_F11, 2.5);
  CHECK_FALSE(c.fullscreen);
}

TEST_CASE("keys: Enter in the baseline starts training now, q ends the session, q again closes", "[ui]") {
  SdlEvents sdl;
  ui::TrainerController c(setup(120));
  REQUIRE(c.flow().stage() == app::FlowStage::baseline);
  key(c, SDLK_RETURN, 30.0);
  CHECK(c.flow().stage() == app::FlowStage::training);
  key(c, SDLK_q, 40.0);
  CHECK(c.flow().stage() == app::FlowStage::summary);
  CHECK(c.flow().summary().ended_early);
  CHECK_FALSE(c.quit);
  key(c, SDLK_q, 41.0);
  CHECK(c.quit);
}
