#pragma once
// Named pacer presets and the "I-H-E-H" seconds notation used by breathing teachers:
//   coherent   5-0-5-0  (6/min, equal in and out: "coherent breathing")
//   relax      4-0-6-0  (6/min, longer exhale)
//   resonance  the person's assessed resonance frequency, 1:1.5 (needs an assessment)
//   "4-2-6-0"  any inhale-hold-exhale-hold seconds whose cycle gives 3..12 breaths/min
// The resonance preset asks a provider for the person's resonance frequency
// (set_resonance_provider; `pneuma run` installs one that reads the profile's latest assessment
// from the session store); while none is known the preset is refused with a message that says
// how to get one.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pacer/pacer_model.hpp"

namespace pneuma::app {

/// Returns the person's assessed resonance frequency in breaths/min, or nullopt when unknown.
using ResonanceProvider = std::function<std::optional<double>()>;

/// Installs the lookup used by the "resonance" preset (call at start-up, before parsing options).
void set_resonance_provider(ResonanceProvider provider);
/// The assessed resonance frequency, when a provider is installed and knows it.
std::optional<double> assessed_resonance_bpm();

struct PacerPreset {
  std::string name;
  std::string description;
};
/// The named presets, for `--help` and the UI.
std::vector<PacerPreset> const& pacer_presets();

/// Settings for a preset name or an "I-H-E-H" seconds string. Throws std::invalid_argument with a
/// one-line message naming the value and what is expected.
PacerSettings preset_settings(std::string_view name);

} // namespace pneuma::app
