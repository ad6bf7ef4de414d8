// Frame cost of the trainer window with SDL's software renderer (the slowest path: no GPU), at
// 1280x720 and 1920x1080: CPU time per frame for each pacer shape and for the clinician view,
// and what that means at 60 frames/s (percent of one core). Drawn into a surface, so no display
// is needed; a real window adds the copy to the screen (present).
//
// ui_window_session_cpu: the real window during a session (simulated person, 8 s of real
// time): the window's share of a core (process CPU less the same session without a window;
// OpenGL's rasteriser threads included), the UI thread's alone, and the process's peak memory, with the renderer the window chooses on this display. Run it where the
// question is asked, e.g. `xvfb-run -a pneuma-bench ui_window` on a machine without a GPU (Mesa
// llvmpipe): target <= 5 % of a core. With no display it uses SDL's offscreen driver.
#include <SDL.h>
#include <SDL_ttf.h>

#include <cmath>
#include <ctime>
#include <memory>
#include <stdexcept>

#include <atomic>
#include <chrono>
#include <thread>
#include <cstdlib>
#include <sys/resource.h>
#include <unistd.h>

#include "bench.hpp"
#include "live/pipeline.hpp"
#include "pneuma/drivers/clock.hpp"
#include "ui/renderer_choice.hpp"
#include "ui/trainer_window.hpp"
#include "ui/clinician_view.hpp"
#include "ui/pacer_view.hpp"
#include "view/trainer_view_model.hpp"

namespace pneuma::bench {
namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// Metrics as a session in progress has them: full belt and HR traces.
app::Metrics live_metrics(app::PacerTimeline const& timeline, double t_s) {
  app::Metrics m;
  m.t_s = t_s;
  m.breathing_bpm = 6.02;
  m.breathing_quality = 0.9;
  m.hr_bpm = 66;
  m.quality = 0.88;
  m.rmssd_ms = 48;
  m.coherence = 2.4;
  m.status = drivers::DeviceStatus::make(0, drivers::DeviceStatus::State::streaming, "sim");
  for (int i = 255; i >= 0; --i) {
    const double t = t_s - 0.1 * i;
    m.traces.breath.push(t, static_cast<float>(400 * timeline.at(t - 1).position));
  }
  for (int i = 239; i >= 0; --i) {
    const double t = t_s - 0.25 * i;
    m.traces.hr.push(t, static_cast<float>(66 + 8 * std::sin(2 * 3.14159265 * t / 10)));
  }
  return m;
}

enum class Screen { circle, bar, wave, clinician };

Result frames(int w, int h, Screen screen) {
  if (TTF_WasInit() == 0 && TTF_Init() != 0) throw std::runtime_error(TTF_GetError());
  std::unique_ptr<SDL_Surface, decltype(&SDL_FreeSurface)> surface(
      SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888), &SDL_FreeSurface);
  std::unique_ptr<SDL_Renderer, decltype(&SDL_DestroyRenderer)> renderer(
      SDL_CreateSoftwareRenderer(surface.get()), &SDL_DestroyRenderer);
  if (!renderer) throw std::runtime_error(SDL_GetError());
  ui::TextRenderer text(renderer.get());
  ui::PacerView view(renderer.get(), text);
  ui::ClinicianView clinician(renderer.get(), text);
  app::TrainerState m;
  app::TrainerViewModel vm; // built once per frame, as the window does
  app::ClinicianViewModel cvm;
  m.timeline = app::PacerTimeline({6.0, 1.0, 1.5, 0, 0});
  m.shape = screen == Screen::bar ? ui::PacerShape::bar : screen == Screen::wave ? ui::PacerShape::wave
                                                                                 : ui::PacerShape::circle;
  m.stage_length_s = 600;
  m.audio = true;
  const int n = 240; // 4 s of frames at 60 /s
  double t = 100;
  auto frame = [&] {
    t += 1.0 / 60;
    m.session_s = m.stage_elapsed_s = t;
    m.pacer = m.timeline.at(t);
    if (static_cast<int>(t * 60) % 6 == 0) m.metrics = live_metrics(m.timeline, t); // metrics at ~10 Hz
    app::update_view_model(vm, m);
    if (screen == Screen::clinician) {
      const ui::ClinicianModel cm{m, nullptr, false, {}};
      app::update_clinician_view(cvm, cm.view, cm.markers, cm.editing_note, cm.note);
      keep(clinician.draw(cm, cvm, w, h));
    } else {
      keep(view.draw(m, vm, w, h));
    }
  };
  m.metrics = live_metrics(m.timeline, t);
  for (int i = 0; i < 30; ++i) frame(); // warm the text cache
  const double c0 = cpu_seconds();
  Result r = measure(n, [&] {
    for (int i = 0; i < n; ++i) frame();
  });
  const double cpu_ms = 1000 * (cpu_seconds() - c0) / n;
  r.extra["cpu_ms_per_frame"] = cpu_ms;
  r.extra["core_pct_at_60fps"] = cpu_ms * 60 / 10;
  r.extra["core_pct_at_30fps"] = cpu_ms * 30 / 10;
  return r;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

Result window_session() {
  if (std::getenv("DISPLAY") == nullptr && std::getenv("WAYLAND_DISPLAY") == nullptr)
    ::setenv("SDL_VIDEODRIVER", "offscreen", 0);
  constexpr double kSeconds = 8;
  app::PipelineConfig config;
  config.sources.push_back(drivers::SourceSpec::parse("sim"));
  // The session without a window first: what the io and dsp threads cost on their own.
  double pipeline_cpu = 0;
  {
    drivers::SessionClock clock(1.0);
    app::Pipeline pipeline(config, clock);
    const double c0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    pipeline.start();
    std::this_thread::sleep_for(std::chrono::duration<double>(kSeconds));
    pipeline.stop();
    pipeline_cpu = (cpu_seconds() - c0) / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  drivers::SessionClock clock(1.0);
  app::Pipeline pipeline(config, clock);
  ui::WindowOptions options;
  options.audio = false;
  options.setup.flow.training_s = 600;
  // The screenshot closes the window at kSeconds of session time (real time at speed 1).
  options.screenshot = "/tmp/pneuma-bench-window-" + std::to_string(::getpid()) + ".bmp";
  options.screenshot_at_s = kSeconds;
  std::atomic<bool> interrupted{false};
  std::string why;
  ui::WindowReport report;
  const double ui0 = thread_cpu_seconds(), cpu0 = cpu_seconds();
  Result r = measure(kSeconds, [&] {
    if (ui::run_trainer_window(pipeline, options, interrupted, why, &report) == ui::WindowOutcome::no_display)
      throw std::runtime_error(why);
  });
  const double ui_cpu = thread_cpu_seconds() - ui0, process_cpu = cpu_seconds() - cpu0;
  ::unlink(options.screenshot.c_str());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  // The window's share: the whole process (the UI thread and any rasteriser threads OpenGL
  // starts) less what the same session costs without a window.
  r.extra["window_core_pct"] = 100 * (process_cpu / r.seconds - pipeline_cpu);
  r.extra["ui_thread_core_pct"] = 100 * ui_cpu / r.seconds;
  r.extra["pipeline_core_pct"] = 100 * pipeline_cpu;
  r.extra["peak_rss_mb"] = static_cast<double>(usage.ru_maxrss) / 1024;
  r.extra["software_renderer"] = report.renderer == "software" ? 1 : 0;
  return r;
}

const Registration kWindow("ui_window_session_cpu", "the window during an 8 s session: its share of a core",
                           [] { return window_session(); });

const Registration kCircle720("ui_frame_circle_1280x720", "training screen, circle, software renderer",
                              [] { return frames(1280, 720, Screen::circle); });
const Registration kWave720("ui_frame_wave_1280x720", "training screen, wave + breath, software renderer",
                            [] { return frames(1280, 720, Screen::wave); });
const Registration kBar720("ui_frame_bar_1280x720", "training screen, bar, software renderer",
                           [] { return frames(1280, 720, Screen::bar); });
const Registration kCircle1080("ui_frame_circle_1920x1080", "training screen, circle, software renderer",
                               [] { return frames(1920, 1080, Screen::circle); });
const Registration kWave1080("ui_frame_wave_1920x1080", "training screen, wave + breath, software renderer",
                             [] { return frames(1920, 1080, Screen::wave); });
const Registration kClinician1080("ui_frame_clinician_1920x1080", "clinician window, software renderer",
                                  [] { return frames(1920, 1080, Screen::clinician); });

} // namespace
} // namespace pneuma::bench
