#pragma once
// The trainer window: SDL2 video + event loop around the views. The UI never waits on I/O or DSP:
// each frame it reads the metrics mailbox, advances the session flow, publishes the pacer when it
// changed, and draws (vsync; capped at --fps when the renderer does not wait). Minimised, it
// draws nothing and wakes ten times a second.
// Clinician mode opens two windows: the patient's (large and minimal, fullscreen on the chosen
// display when there is a second one) and the clinician's (signals, numbers, controls, markers).

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "pacer/audio_cue.hpp"
#include "live/pipeline.hpp"
#include "session/session_flow.hpp"
#include "ui/controls.hpp"
#include "view/start_view_model.hpp"

namespace pneuma::ui {

struct WindowOptions {
  TrainerSetup setup{};
  bool clinician = false;
  int display = -1;             ///< patient display (clinician mode); -1: the last one
  bool audio = true;
  app::CueStyle cue = app::CueStyle::tone;
  int fps = 0;                  ///< frame cap (30..144); 0: the display's vsync (<= 144), else 60, 30 with the software renderer
  int width = 1280, height = 720; ///< initial window size
  std::string screenshot;       ///< BMP path: capture and close (clinician: also <stem>-clinician.bmp)
  double screenshot_at_s = -1;  ///< session time to capture at; -1: when the summary shows
  std::string plan_notes;       ///< the home plan's notes, shown on the summary
};

enum class WindowOutcome { finished, closed, no_display };

struct WindowReport {
  app::SessionSummary summary{};
  std::vector<app::EventMarker> markers;
  bool ran = false;
  std::string audio_note; ///< why there is no sound, when there is none
  std::string renderer;   ///< SDL's renderer that drew the window ("software", "opengl", ...)
};

/// What the window tells the recording (EDF+ annotations through Pipeline::mark): stage changes,
/// pause and resume, pacer rate changes, and the clinician's markers with their notes.
struct MarkState {
  app::FlowStage stage = app::FlowStage::done;
  bool paused = false;
  int rate_tenths = -1;
  std::size_t markers = 0;
  pneuma::dsp::BreathingSource breathing_source = pneuma::dsp::BreathingSource::none;
};
/// Marks what changed since `last` (UI thread; Pipeline::mark never blocks); `metrics` tells
/// where breathing comes from (annotated when it changes).
void mark_events(app::Pipeline& pipeline, TrainerController const& control, MarkState& last,
                 app::Metrics const& metrics = {});

/// Why no window can be opened here (empty when one probably can).
std::string display_unavailable_reason();

/// Opens the window(s), starts the pipeline and runs the session. Returns no_display (pipeline not
/// started, `why` set) when no window can be opened.
WindowOutcome run_trainer_window(app::Pipeline& pipeline, WindowOptions const& options,
                                 std::atomic<bool> const& interrupted, std::string& why,
                                 WindowReport* report = nullptr);

class StartScreen;

/// The start screen's set-up (what it offers, what was chosen last time).
struct StartWindowSetup {
  app::StartInputs inputs;
  app::StartChoices last;
  double scan_s = 6;           ///< BLE scan length (an H10 advertises every ~0.1-1 s)
  app::TrialLimits limits{};
  int width = 1280, height = 720;
  std::string shots_dir;       ///< when set, a BMP of each start-screen phase is saved here
  std::function<void(StartScreen&)> on_frame; ///< called after each drawn frame (tests drive it)
};

/// Builds the session once the start screen's choices are known and the source answered: fills
/// the window options and returns the pipeline to run (not started; a recording attached), or
/// null with `why` set. Called on the UI thread; the pipeline must outlive the window.
using SessionStarter =
    std::function<app::Pipeline*(app::StartChoices const& choices, WindowOptions& options, std::string& why)>;

/// Opens the window on the start screen; when the person has chosen and the source answered,
/// calls `begin` and runs the session in the same window. `chosen` receives the choices (to be
/// remembered). closed when the window was closed on the start screen or `begin` failed.
WindowOutcome run_start_window(StartWindowSetup const& start, SessionStarter const& begin,
                               std::atomic<bool> const& interrupted, std::string& why,
                               WindowReport* report = nullptr, app::StartChoices* chosen = nullptr);

/// Saves what the renderer has drawn (call before SDL_RenderPresent) as a BMP file.
bool save_screenshot(SDL_Renderer* renderer, std::string const& path, std::string& why);

} // namespace pneuma::ui
