#pragma once
// What the start screen shows, as plain data: the sources one can connect now (BLE straps in
// range with their signal and battery, serial ports and whether this user may open them, the
// simulated person), who practises (the store's profiles), the pace (presets, the profile's
// assessed resonance rate, the home plan's session that is due) and the length; then, while
// connecting, the progress and, when it cannot, the plain reason and what to do about it.
// No SDL and no I/O: src/ui/start_screen draws this; live/device_scan and live/connection_trial
// find and try the devices.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "live/connection_trial.hpp"
#include "live/device_scan.hpp"
#include "pacer/pacer_model.hpp"
#include "view/format.hpp"

namespace pneuma::app {

/// What the person chose; remembered for next time.
struct StartChoices {
  std::string source = "sim"; ///< a source string (drivers/source_spec.hpp)
  std::string profile = "default";
  std::string pace = "coherent"; ///< coherent | relax | resonance | plan
  double minutes = 10;
};

/// A home plan's session that is due today, for one profile.
struct StartPlan {
  std::string path;    ///< the plan's file (the session runs as `run --plan PATH`)
  std::string line;    ///< "Plan day 3: 10 min at 5.5 /min"
  std::string notes;   ///< the clinician's notes for the patient
  double minutes = 10;
  PacerSettings pacer;
};

struct StartProfile {
  std::string name;
  std::optional<double> resonance_bpm; ///< assessed resonance rate
  std::optional<StartPlan> plan;
};

/// What the start screen offers besides the devices (read from the store by the caller).
struct StartInputs {
  std::vector<StartProfile> profiles; ///< at least one ("default")
};

/// One choice on the screen.
struct StartRow {
  std::string label;
  std::string detail;
  bool selected = false;
  bool enabled = true;
  Tone detail_tone = Tone::muted;
};

enum class StartPhase : std::uint8_t { choosing, connecting, failed };

struct StartView {
  std::string_view title;     ///< "Pneuma"
  std::string_view subtitle;
  std::string_view sources_head, profiles_head, pace_head, minutes_head;
  std::vector<StartRow> sources, profiles, paces, minutes;
  std::vector<std::string> source_keys; ///< the source string of each row of `sources`
  std::vector<std::string> pace_keys;
  std::string scan_line;      ///< "looking for straps ... 40%", "3 straps found", why BLE cannot be used
  Tone scan_tone = Tone::muted;
  std::string_view scan_button; ///< "scan again"
  std::string status;         ///< connecting progress, or the plain reason it cannot
  std::string advice;         ///< what to do about it (failed), or a hint
  Tone status_tone = Tone::muted;
  std::string notes;          ///< the plan's notes, when the plan is chosen
  std::string_view start_button; ///< "start", "connecting ...", "try again"
  bool start_enabled = true;
  std::string_view back_button;  ///< "back" while connecting or after a failure; empty otherwise
};

/// Everything the view is built from this frame.
struct StartState {
  StartInputs const* inputs = nullptr;
  StartChoices choices;
  DeviceScanSnapshot scan;
  StartPhase phase = StartPhase::choosing;
  TrialState trial;           ///< while connecting or after a failure
  std::string trying;         ///< the label of the source being tried
};

StartView make_start_view(StartState const& s);

/// "good (-58 dBm)", "fair (-80 dBm)", "weak (-92 dBm)" for a BLE RSSI; empty when unknown (0).
std::string signal_words(short rssi_dbm);

/// Why a try failed, in plain words (first) and what to do (second). `source`: the source string
/// tried; `group`: the group owning the serial port (dialout on Debian) when known.
struct PlainReason {
  std::string what;
  std::string todo;
};
PlainReason plain_reason(TrialState const& trial, std::string_view source, std::string_view group = "dialout");

/// The profile chosen (the first when the name is unknown).
StartProfile const& chosen_profile(StartInputs const& inputs, std::string_view name);
/// The pacer a pace choice sets, and whether it is available for the profile.
std::optional<PacerSettings> pace_settings(StartProfile const& profile, std::string_view pace);

} // namespace pneuma::app
