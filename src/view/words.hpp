#pragma once
// The fixed words of the window: titles, legends and hints that do not depend on the data. The
// words that do (a state, a number, a choice) are in the view models (trainer_view_model.hpp,
// screen_view_models.hpp). All text a person reads in the window lives in src/view.

#include <string_view>

#include "session/session_flow.hpp"

namespace pneuma::app::words {

// Window titles: the trainer; in clinician mode the patient's and the clinician's.
inline constexpr const char* kTitleTrainer = "Pneuma - breathing trainer";
inline constexpr const char* kTitlePatient = "Pneuma";
inline constexpr const char* kTitleClinician = "Pneuma - clinician";
// Training screen: the pacer.
inline constexpr std::string_view kNoBreathToDraw = "no breathing signal to draw";
inline constexpr std::string_view kLegendPacer = "pacer";
inline constexpr std::string_view kLegendBreath = "your breath";
// Training screen: the cards.
inline constexpr std::string_view kFollowTitle = "Following the pacer";
inline constexpr std::string_view kBreathingTitle = "Breathing";
inline constexpr std::string_view kHeartTitle = "Heart";
inline constexpr std::string_view kPerMinute = "/min";
inline constexpr std::string_view kBpm = "bpm";
inline constexpr std::string_view kHrTraceTitle = "Heart rate \u00b7 last 60 s";
inline constexpr std::string_view kNoBeatsYet = "no heart beats yet";
// Buttons.
inline constexpr std::string_view kRateDown = "\u2212";
inline constexpr std::string_view kRateUp = "+";
inline constexpr std::string_view kEnd = "end";
inline constexpr std::string_view kMarker = "marker";
inline constexpr std::string_view kDone = "done";
inline constexpr std::string_view kSkip = "skip";
// Clinician window.
inline constexpr std::string_view kBeltPlotTitle = "Breathing: belt (orange) and pacer target (blue), last 25 s";
inline constexpr std::string_view kHrPlotTitle = "Heart rate, last 60 s (pacer inhale shaded)";
inline constexpr std::string_view kNoBelt = "no belt signal";

// What the window writes into the recording (EDF+ annotations, read in EDFbrowser and reports).
inline constexpr std::string_view kMarkPaused = "pacer paused";
inline constexpr std::string_view kMarkResumed = "pacer resumed";
inline constexpr std::string_view kMarkNoNote = "marker";
inline constexpr const char* kMarkRateFormat = "pacer %.1f/min"; ///< printf, breaths/min
/// The annotation when the session enters `stage` (empty: none).
constexpr std::string_view stage_mark(FlowStage stage) noexcept {
  switch (stage) {
  case FlowStage::baseline: return "baseline start";
  case FlowStage::training: return "training start";
  case FlowStage::rating_after:
  case FlowStage::summary: return "training end";
  default: return {};
  }
}

} // namespace pneuma::app::words
