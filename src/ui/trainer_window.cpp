#include "ui/trainer_window.hpp"

#include <SDL.h>
#include <SDL_ttf.h>

#include <cstdlib>
#include <memory>

#include "ui/pacer_view.hpp"

namespace pneuma::ui {
namespace {
struct SdlSession {
  bool video = false, ttf = false;
  ~SdlSession() {
    if (ttf) TTF_Quit();
    if (video) SDL_Quit();
  }
};
} // namespace

std::string display_unavailable_reason() {
  const char* driver = std::getenv("SDL_VIDEODRIVER");
  if (driver != nullptr && *driver != '\0') return {}; // the user chose a driver: trust it
  const char* x11 = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  if ((x11 == nullptr || *x11 == '\0') && (wayland == nullptr || *wayland == '\0'))
    return "no display (DISPLAY and WAYLAND_DISPLAY are unset)";
  return {};
}

WindowOutcome run_trainer_window(app::Pipeline& pipeline, WindowOptions const& options,
                                 std::atomic<bool> const& interrupted, std::string& why) {
  why = display_unavailable_reason();
  if (!why.empty()) return WindowOutcome::no_display;

  SdlSession sdl;
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
    why = std::string("cannot start SDL video: ") + SDL_GetError();
    return WindowOutcome::no_display;
  }
  sdl.video = true;
  if (TTF_Init() != 0) {
    why = std::string("cannot start SDL_ttf: ") + TTF_GetError();
    return WindowOutcome::no_display;
  }
  sdl.ttf = true;
  SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "1");
  Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
  if (options.fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  std::unique_ptr<SDL_Window, decltype(&SDL_DestroyWindow)> window(
      SDL_CreateWindow("Pneuma", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1280, 720, flags),
      &SDL_DestroyWindow);
  if (!window) {
    why = std::string("cannot open a window: ") + SDL_GetError();
    return WindowOutcome::no_display;
  }
  std::unique_ptr<SDL_Renderer, decltype(&SDL_DestroyRenderer)> renderer(
      SDL_CreateRenderer(window.get(), -1, SDL_RENDERER_PRESENTVSYNC), &SDL_DestroyRenderer);
  if (!renderer) renderer.reset(SDL_CreateRenderer(window.get(), -1, SDL_RENDERER_SOFTWARE));
  if (!renderer) {
    why = std::string("cannot create a renderer: ") + SDL_GetError();
    return WindowOutcome::no_display;
  }

  TextRenderer text(renderer.get());
  PacerView view(renderer.get(), text);
  pipeline.start();
  auto& clock = pipeline.clock();
  const double end_s = options.minutes * 60.0;
  ViewModel model;
  model.session_length_s = end_s;
  WindowOutcome outcome = WindowOutcome::finished;

  for (bool running = true; running;) {
    const Uint64 frame_start = SDL_GetTicks64();
    SDL_Event e;
    while (SDL_PollEvent(&e) != 0) {
      if (e.type == SDL_QUIT) {
        running = false;
        outcome = WindowOutcome::closed;
      } else if (e.type == SDL_KEYDOWN && e.key.repeat == 0) {
        const SDL_Keycode key = e.key.keysym.sym;
        if (key == SDLK_ESCAPE || key == SDLK_q) {
          running = false;
          outcome = WindowOutcome::closed;
        } else if (key == SDLK_SPACE) {
          auto timeline = pipeline.pacer().load();
          if (timeline.paused())
            timeline.resume(clock.now_s());
          else
            timeline.pause(clock.now_s());
          pipeline.pacer().store(timeline);
        }
      }
    }
    const double now = clock.now_s();
    if (now >= end_s || interrupted.load()) running = false;
    const auto timeline = pipeline.pacer().load();
    model.pacer = timeline.at(now);
    model.paused = timeline.paused();
    model.session_s = std::min(now, end_s);
    pipeline.metrics().read(model.metrics);

    int w = 0, h = 0;
    SDL_GetRendererOutputSize(renderer.get(), &w, &h);
    view.draw(model, w, h);
    SDL_RenderPresent(renderer.get());
    if ((SDL_GetWindowFlags(window.get()) & SDL_WINDOW_MINIMIZED) != 0) {
      SDL_Delay(100); // idle politely while minimised
    } else {
      // Cap at ~60 frames/s when the renderer does not wait for vsync (software, offscreen).
      const Uint64 spent = SDL_GetTicks64() - frame_start;
      if (spent < 16) SDL_Delay(static_cast<Uint32>(16 - spent));
    }
  }
  pipeline.stop();
  return outcome;
}

} // namespace pneuma::ui
