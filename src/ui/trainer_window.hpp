#pragma once
// The trainer window: SDL2 video + event loop around PacerView. The UI never waits on I/O or DSP:
// it reads the metrics mailbox and the pacer each frame (vsync).

#include <atomic>
#include <string>

#include "app/pipeline.hpp"

namespace pneuma::ui {

struct WindowOptions {
  bool fullscreen = false;
  double minutes = 10;
};

enum class WindowOutcome { finished, closed, no_display };

/// Why no window can be opened here (empty when one probably can).
std::string display_unavailable_reason();

/// Opens the window, starts the pipeline and runs the session. Returns no_display (pipeline not
/// started, `why` set) when no window can be opened. Keys: Esc / q quit, space pause.
WindowOutcome run_trainer_window(app::Pipeline& pipeline, WindowOptions const& options,
                                 std::atomic<bool> const& interrupted, std::string& why);

} // namespace pneuma::ui
