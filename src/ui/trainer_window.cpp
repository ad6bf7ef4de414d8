#include "ui/trainer_window.hpp"

#include <SDL.h>
#include <SDL_ttf.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string_view>

#include "ui/audio_output.hpp"
#include "ui/renderer_choice.hpp"
#include "ui/clinician_view.hpp"
#include "ui/pacer_view.hpp"
#include "ui/screens.hpp"
#include "ui/start_screen.hpp"
#include "view/words.hpp"

namespace pneuma::ui {
namespace {
struct SdlSession {
  bool video = false, ttf = false;
  ~SdlSession() {
    if (ttf) TTF_Quit();
    if (video) SDL_Quit();
  }
};

using WindowPtr = std::unique_ptr<SDL_Window, decltype(&SDL_DestroyWindow)>;
using RendererPtr = std::unique_ptr<SDL_Renderer, decltype(&SDL_DestroyRenderer)>;

RendererPtr make_renderer(SDL_Window* window) {
  RendererPtr r(SDL_CreateRenderer(window, -1, SDL_RENDERER_PRESENTVSYNC), &SDL_DestroyRenderer);
  if (!r) {
    // The software renderer draws into the window surface: keep that a plain surface rather than
    // an OpenGL texture (which would load a GL driver, ~60 MB, for nothing).
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    r.reset(SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE));
  }
  if (r) SDL_SetRenderDrawBlendMode(r.get(), SDL_BLENDMODE_BLEND);
  return r;
}

/// One window with its renderer, text cache and the buttons it shows.
struct Surface {
  WindowPtr window{nullptr, &SDL_DestroyWindow};
  RendererPtr renderer{nullptr, &SDL_DestroyRenderer};
  std::unique_ptr<TextRenderer> text;
  std::vector<Button> buttons;
  int w = 0, h = 0;
  float scale_x = 1, scale_y = 1;

  bool open(const char* title, int x, int y, int width, int height, Uint32 flags, std::string& why) {
    window.reset(SDL_CreateWindow(title, x, y, width, height, flags));
    if (!window) {
      why = std::string("cannot open a window: ") + SDL_GetError();
      return false;
    }
    SDL_SetWindowMinimumSize(window.get(), 480, 320);
    renderer = make_renderer(window.get());
    if (!renderer) {
      why = std::string("cannot create a renderer: ") + SDL_GetError();
      return false;
    }
    text = std::make_unique<TextRenderer>(renderer.get());
    return true;
  }
  [[nodiscard]] Uint32 id() const { return SDL_GetWindowID(window.get()); }
  [[nodiscard]] bool minimised() const {
    return (SDL_GetWindowFlags(window.get()) & (SDL_WINDOW_MINIMIZED | SDL_WINDOW_HIDDEN)) != 0;
  }
  void measure() {
    SDL_GetRendererOutputSize(renderer.get(), &w, &h);
    int ww = 0, wh = 0;
    SDL_GetWindowSize(window.get(), &ww, &wh);
    scale_x = ww > 0 ? static_cast<float>(w) / static_cast<float>(ww) : 1.0F;
    scale_y = wh > 0 ? static_cast<float>(h) / static_cast<float>(wh) : 1.0F;
  }
};

Uint32 window_of(SDL_Event const& e) {
  switch (e.type) {
  case SDL_WINDOWEVENT: return e.window.windowID;
  case SDL_KEYDOWN:
  case SDL_KEYUP: return e.key.windowID;
  case SDL_TEXTINPUT: return e.text.windowID;
  case SDL_MOUSEBUTTONDOWN:
  case SDL_MOUSEBUTTONUP: return e.button.windowID;
  default: return 0;
  }
}

std::string clinician_path(std::string const& path) {
  const std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + "-clinician" + p.extension().string())).string();
}
} // namespace

void mark_events(app::Pipeline& pipeline, TrainerController const& control, MarkState& last,
                 app::Metrics const& metrics) {
  namespace words = app::words;
  auto const& flow = control.flow();
  char text[48];
  if (flow.stage() != last.stage) {
    last.stage = flow.stage();
    if (const auto mark = words::stage_mark(flow.stage()); !mark.empty()) (void)pipeline.mark(mark);
  }
  if (control.user_paused != last.paused) {
    last.paused = control.user_paused;
    (void)pipeline.mark(last.paused ? words::kMarkPaused : words::kMarkResumed);
  }
  const int tenths = static_cast<int>(std::lround(control.timeline().settings().rate_bpm * 10));
  if (tenths != last.rate_tenths) {
    if (last.rate_tenths >= 0) {
      std::snprintf(text, sizeof text, words::kMarkRateFormat, tenths / 10.0);
      (void)pipeline.mark(text);
    }
    last.rate_tenths = tenths;
  }
  const auto source = metrics.breathing_source;
  if (source != last.breathing_source && source != dsp::BreathingSource::none) {
    last.breathing_source = source;
    std::snprintf(text, sizeof text, app::kMarkBreathingFromFormat, app::breathing_source_words(source));
    (void)pipeline.mark(text);
  }
  for (; last.markers < flow.markers().size(); ++last.markers) {
    auto const& note = flow.markers()[last.markers].note;
    (void)pipeline.mark(note.empty() ? words::kMarkNoNote : std::string_view(note));
  }
}

std::string display_unavailable_reason() {
  const char* driver = std::getenv("SDL_VIDEODRIVER");
  if (driver != nullptr && *driver != '\0') return {}; // the user chose a driver: trust it
  const char* x11 = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  if ((x11 == nullptr || *x11 == '\0') && (wayland == nullptr || *wayland == '\0'))
    return "no display (DISPLAY and WAYLAND_DISPLAY are unset)";
  return {};
}

bool save_screenshot(SDL_Renderer* renderer, std::string const& path, std::string& why) {
  int w = 0, h = 0;
  SDL_GetRendererOutputSize(renderer, &w, &h);
  std::unique_ptr<SDL_Surface, decltype(&SDL_FreeSurface)> shot(
      SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888), &SDL_FreeSurface);
  if (!shot || SDL_RenderReadPixels(renderer, nullptr, SDL_PIXELFORMAT_ARGB8888, shot->pixels, shot->pitch) != 0 ||
      SDL_SaveBMP(shot.get(), path.c_str()) != 0) {
    why = "cannot save screenshot " + path + ": " + SDL_GetError();
    return false;
  }
  return true;
}

namespace {
/// SDL, the main window and, in clinician mode, the clinician's: opened once, used by the start
/// screen and the session alike.
struct Windows {
  SdlSession sdl;
  Surface main;
  Surface clinic;
  bool fullscreen = false;
};

bool start_sdl(SdlSession& sdl, std::string& why) {
  why = display_unavailable_reason();
  if (!why.empty()) return false;
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
    why = std::string("cannot start SDL video: ") + SDL_GetError();
    return false;
  }
  sdl.video = true;
  if (TTF_Init() != 0) {
    why = std::string("cannot start SDL_ttf: ") + TTF_GetError();
    return false;
  }
  sdl.ttf = true;
  SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "1");
  (void)choose_renderer(); // SDL's software renderer when OpenGL is drawn by the CPU
  SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0"); // two windows, two screens
  return true;
}

/// Opens the window(s) for these options (SDL started).
bool open_windows(Windows& win, WindowOptions const& options, std::string& why) {
  auto& main = win.main;
  auto& clinic = win.clinic;
  // The main window: the trainer, or in clinician mode the patient's screen.
  const int displays = std::max(1, SDL_GetNumVideoDisplays());
  const int patient_display =
      options.display >= 0 ? std::min(options.display, displays - 1) : displays - 1;
  const Uint32 base = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
  bool fullscreen = options.setup.fullscreen || (options.clinician && (displays > 1 || options.display >= 0));
  {
    const int pos = options.clinician ? static_cast<int>(SDL_WINDOWPOS_CENTERED_DISPLAY(patient_display))
                                      : static_cast<int>(SDL_WINDOWPOS_CENTERED);
    const int w = options.clinician && !fullscreen ? options.width * 3 / 4 : options.width;
    const int h = options.clinician && !fullscreen ? options.height * 3 / 4 : options.height;
    if (!main.open(options.clinician ? app::words::kTitlePatient : app::words::kTitleTrainer, pos, pos, w, h,
                   base | (fullscreen ? static_cast<Uint32>(SDL_WINDOW_FULLSCREEN_DESKTOP) : 0U), why))
      return false;
  }
  if (options.clinician) {
    const int pos = static_cast<int>(SDL_WINDOWPOS_CENTERED_DISPLAY(patient_display == 0 && displays > 1 ? 1 : 0));
    if (!clinic.open(app::words::kTitleClinician, pos, pos, 1280, 800, base, why)) return false;
  }
  win.fullscreen = fullscreen;
  return true;
}

/// Runs the session in open windows: starts the pipeline, stops it at the end.
WindowOutcome run_session(Windows& win, app::Pipeline& pipeline, WindowOptions const& options,
                          std::atomic<bool> const& interrupted, WindowReport* report) {
  auto& main = win.main;
  auto& clinic = win.clinic;
  bool fullscreen = win.fullscreen;

  // The dummy video driver shows nothing to anyone: run unattended (no ratings to wait for, and
  // close once the summary is reached; it is printed anyway).
  const char* video_driver = SDL_GetCurrentVideoDriver();
  const bool unattended = video_driver != nullptr && std::string_view(video_driver) == "dummy";
  TrainerSetup setup = options.setup;
  setup.fullscreen = fullscreen;
  if (unattended) setup.flow.ratings = false;
  TrainerController control(setup);
  pipeline.pacer().store(control.timeline());
  control.take_pacer_changed();
  PacerView view(main.renderer.get(), *main.text);
  Screens screens(main.renderer.get(), *main.text);
  std::unique_ptr<ClinicianView> clinician_view;
  if (options.clinician) clinician_view = std::make_unique<ClinicianView>(clinic.renderer.get(), *clinic.text);

  pipeline.start();
  auto& clock = pipeline.clock();
  AudioOutput audio(pipeline.pacer(), clock);
  std::string audio_note;
  if (options.audio && !unattended) {
    app::AudioCueConfig cue_config;
    cue_config.volume = setup.volume;
    if (audio.open(cue_config, audio_note)) audio.cue()->set_style(options.cue);
  } else {
    audio_note = unattended ? "" : "sound off (--no-sound)";
  }
  if (clinic.window) SDL_StartTextInput();

  app::TrainerState model;
  app::TrainerViewModel view_model;        // built once per drawn frame, strings reused
  app::ClinicianViewModel clinician_model; // built when the clinician's window is drawn
  app::Metrics metrics;
  MarkState marks;
  WindowOutcome outcome = WindowOutcome::finished;
  // Slow breathing moves slowly: 30 frames/s look as smooth as 60 when every frame is drawn by
  // the CPU (software renderer), at half the cost. With a GPU, 60 (or the display's vsync).
  SDL_RendererInfo info{};
  SDL_GetRendererInfo(main.renderer.get(), &info);
  const bool software = (info.flags & SDL_RENDERER_SOFTWARE) != 0;
  if (report != nullptr && info.name != nullptr) report->renderer = info.name;
  // With vsync the display sets the pace (30-144 Hz); the cap then only guards against a driver
  // that reports vsync but does not wait (144 /s), unless --fps asks for less.
  const bool vsync = (info.flags & SDL_RENDERER_PRESENTVSYNC) != 0 && !software;
  const int fps = options.fps > 0 ? std::clamp(options.fps, 30, 144) : (software ? 30 : vsync ? 144 : 60);
  const Uint64 frame_ms = static_cast<Uint64>(1000 / fps);

  // Rating and summary screens stand still: drawn again only after input, a change of stage,
  // or once a second, and the loop then waits for events instead of spinning.
  app::FlowStage drawn_stage = app::FlowStage::done;
  Uint64 static_drawn_ms = 0;
  Uint64 clinic_drawn_ms = 0;
  while (!control.quit) {
    const Uint64 frame_start = SDL_GetTicks64();
    SDL_Event e;
    int events = 0;
    while (SDL_PollEvent(&e) != 0) {
      ++events;
      const double now = clock.now_s();
      const bool from_clinic = clinic.window && window_of(e) == clinic.id();
      if (from_clinic && e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT) {
        control.apply(hit_test(clinic.buttons, static_cast<float>(e.button.x) * clinic.scale_x,
                               static_cast<float>(e.button.y) * clinic.scale_y),
                      now);
        continue;
      }
      if (e.type == SDL_QUIT || (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE))
        outcome = WindowOutcome::closed;
      // Marker notes are typed in the clinician window only.
      if (e.type == SDL_TEXTINPUT && !from_clinic) continue;
      control.handle(e, now);
    }
    const double now = clock.now_s();
    if (interrupted.load()) {
      outcome = WindowOutcome::closed;
      break;
    }
    pipeline.metrics().read(metrics);
    control.update(now, metrics);
    mark_events(pipeline, control, marks, metrics);
    if (control.take_pacer_changed()) pipeline.pacer().store(control.timeline());
    if (control.fullscreen != fullscreen) {
      fullscreen = control.fullscreen;
      SDL_SetWindowFullscreen(main.window.get(), fullscreen ? static_cast<Uint32>(SDL_WINDOW_FULLSCREEN_DESKTOP) : 0U);
    }
    if (auto* cue = audio.cue()) {
      cue->set_muted(control.muted);
      cue->set_volume(control.volume);
    }
    if (control.quit) break;

    auto const& flow = control.flow();
    model.timeline = control.timeline();
    model.pacer = model.timeline.at(now);
    model.metrics = metrics;
    model.follow = control.follow();
    model.session_s = now;
    model.stage = flow.stage();
    model.stage_elapsed_s = std::min(flow.stage_elapsed(now), std::max(flow.stage_length(), 0.0));
    model.stage_length_s = flow.stage_length();
    model.shape = control.shape;
    model.score = control.score;
    model.paused = control.user_paused;
    model.muted = control.muted;
    model.audio = audio.cue() != nullptr;
    model.volume = control.volume;
    model.gliding = model.timeline.gliding(now);
    model.patient = options.clinician;
    model.fullscreen = fullscreen;

    const bool shoot = !options.screenshot.empty() &&
                       (options.screenshot_at_s >= 0 ? now >= options.screenshot_at_s
                                                     : flow.stage() == app::FlowStage::summary);
    const bool still = flow.stage() == app::FlowStage::rating_before ||
                       flow.stage() == app::FlowStage::rating_after || flow.stage() == app::FlowStage::summary;
    const bool stale = !still || events > 0 || flow.stage() != drawn_stage || frame_start - static_drawn_ms >= 1000;
    const bool draw_main = (!main.minimised() && stale) || shoot;
    if (draw_main) {
      drawn_stage = flow.stage();
      static_drawn_ms = frame_start;
      main.measure();
      if (flow.stage() == app::FlowStage::rating_before || flow.stage() == app::FlowStage::rating_after)
        control.set_buttons(screens.draw_rating({flow.stage() == app::FlowStage::rating_after, flow.question(), flow.draft()},
                                                main.w, main.h),
                            main.scale_x, main.scale_y);
      else if (flow.stage() == app::FlowStage::summary)
        control.set_buttons(screens.draw_summary(app::make_summary_view(flow.summary(), options.plan_notes), main.w, main.h), main.scale_x, main.scale_y);
      else {
        app::update_view_model(view_model, model); // what the training screen shows, this frame
        control.set_buttons(view.draw(model, view_model, main.w, main.h), main.scale_x, main.scale_y);
      }
    }
    // The clinician's signals arrive at 10 Hz (belt) and 4 Hz (heart): 10 redraws a second do.
    const bool draw_clinic = clinic.window && ((!clinic.minimised() && (events > 0 || frame_start - clinic_drawn_ms >= 100)) || shoot);
    if (draw_clinic) {
      clinic_drawn_ms = frame_start;
      clinic.measure();
      ClinicianModel cm{model, &flow.markers(), control.editing_note, control.note};
      cm.view.patient = false;
      app::update_clinician_view(clinician_model, cm.view, cm.markers, cm.editing_note, cm.note);
      clinic.buttons = clinician_view->draw(cm, clinician_model, clinic.w, clinic.h); // reuses its capacity
    }
    if (shoot) {
      std::string shot_why;
      if (!save_screenshot(main.renderer.get(), options.screenshot, shot_why) ||
          (clinic.window && !save_screenshot(clinic.renderer.get(), clinician_path(options.screenshot), shot_why)))
        SDL_Log("%s", shot_why.c_str());
      control.quit = true;
    }
    if (unattended && flow.stage() == app::FlowStage::summary) control.quit = true;
    if (draw_main) SDL_RenderPresent(main.renderer.get());
    if (draw_clinic) SDL_RenderPresent(clinic.renderer.get());

    if (!draw_main && !draw_clinic) {
      SDL_WaitEventTimeout(nullptr, still ? 250 : 100); // minimised or a still screen: idle politely
    } else {
      // Cap the frame rate when the renderer does not wait for vsync (software, offscreen).
      const Uint64 spent = SDL_GetTicks64() - frame_start;
      if (spent < frame_ms) SDL_Delay(static_cast<Uint32>(frame_ms - spent));
    }
  }
  if (clinic.window) SDL_StopTextInput();
  pipeline.stop();
  if (report != nullptr) {
    report->summary = control.flow().summary();
    report->markers = control.flow().markers();
    report->ran = true;
    report->audio_note = audio_note;
  }
  return outcome;
}
} // namespace

WindowOutcome run_trainer_window(app::Pipeline& pipeline, WindowOptions const& options,
                                 std::atomic<bool> const& interrupted, std::string& why,
                                 WindowReport* report) {
  Windows win;
  if (!start_sdl(win.sdl, why) || !open_windows(win, options, why)) return WindowOutcome::no_display;
  return run_session(win, pipeline, options, interrupted, report);
}

WindowOutcome run_start_window(StartWindowSetup const& start, SessionStarter const& begin,
                               std::atomic<bool> const& interrupted, std::string& why, WindowReport* report,
                               app::StartChoices* chosen) {
  Windows win;
  WindowOptions first;
  first.width = start.width;
  first.height = start.height;
  if (!start_sdl(win.sdl, why) || !open_windows(win, first, why)) return WindowOutcome::no_display;
  auto& main = win.main;
  StartScreen screen(main.renderer.get(), *main.text, start.inputs, start.last, start.scan_s, start.limits);
  int shot = 0;
  auto phase_shot = app::StartPhase::choosing;
  bool shot_taken = false;
  // The start screen: a still picture that changes with the scan and the trial, 20 frames a second.
  while (!screen.ready()) {
    const Uint64 frame_start = SDL_GetTicks64();
    SDL_Event e;
    while (SDL_PollEvent(&e) != 0) screen.handle(e, main.scale_x, main.scale_y);
    screen.update();
    if (screen.quit || interrupted.load()) return WindowOutcome::closed;
    if (screen.ready()) break;
    main.measure();
    screen.draw(main.w, main.h);
    if (start.on_frame) start.on_frame(screen);
    if (!start.shots_dir.empty() && (screen.phase() != phase_shot || !shot_taken)) {
      phase_shot = screen.phase();
      shot_taken = true;
      std::string shot_why;
      const auto path = start.shots_dir + "/start-" + std::to_string(++shot) + ".bmp";
      if (!save_screenshot(main.renderer.get(), path, shot_why)) SDL_Log("%s", shot_why.c_str());
    }
    SDL_RenderPresent(main.renderer.get());
    const Uint64 spent = SDL_GetTicks64() - frame_start;
    if (spent < 50) SDL_WaitEventTimeout(nullptr, static_cast<int>(50 - spent));
  }
  if (chosen != nullptr) *chosen = *screen.ready();
  WindowOptions options;
  app::Pipeline* pipeline = begin(*screen.ready(), options, why);
  if (pipeline == nullptr) return WindowOutcome::closed;
  SDL_SetWindowTitle(main.window.get(), app::words::kTitleTrainer);
  return run_session(win, *pipeline, options, interrupted, report);
}

} // namespace pneuma::ui
