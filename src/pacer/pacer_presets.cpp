#include "pacer/pacer_presets.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace pneuma::app {
namespace {
ResonanceProvider& provider() {
  static ResonanceProvider p;
  return p;
}

std::optional<std::array<double, 4>> parse_seconds(std::string_view text) {
  std::array<double, 4> v{};
  std::size_t part = 0;
  while (part < 4) {
    const auto dash = text.find('-');
    const std::string_view field = text.substr(0, dash);
    const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), v[part]);
    if (field.empty() || ec != std::errc{} || ptr != field.data() + field.size() ||
        !std::isfinite(v[part]) || v[part] < 0)
      return std::nullopt;
    ++part;
    if (dash == std::string_view::npos) break;
    text.remove_prefix(dash + 1);
    if (part == 4) return std::nullopt; // a fifth field
  }
  if (part != 4) return std::nullopt;
  return v;
}
} // namespace

void set_resonance_provider(ResonanceProvider p) { provider() = std::move(p); }

std::optional<double> assessed_resonance_bpm() {
  if (!provider()) return std::nullopt;
  const auto rf = provider()();
  if (!rf || !(*rf >= PacerSettings::kMinRate && *rf <= PacerSettings::kMaxRate)) return std::nullopt;
  return rf;
}

std::vector<PacerPreset> const& pacer_presets() {
  static const std::vector<PacerPreset> presets{
      {"coherent", "5-0-5-0: 6 breaths/min, inhale 5 s, exhale 5 s"},
      {"relax", "4-0-6-0: 6 breaths/min, inhale 4 s, exhale 6 s (longer exhale)"},
      {"resonance", "your assessed resonance frequency, inhale:exhale 1:1.5 (run pneuma assess)"},
  };
  return presets;
}

PacerSettings preset_settings(std::string_view name) {
  if (name == "coherent") return PacerSettings::from_seconds(5, 0, 5, 0);
  if (name == "relax") return PacerSettings::from_seconds(4, 0, 6, 0);
  if (name == "resonance") {
    const auto rf = assessed_resonance_bpm();
    if (!rf)
      throw std::invalid_argument("preset 'resonance': no resonance frequency assessed yet "
                                  "(run pneuma assess first, or choose --rate)");
    PacerSettings s;
    s.rate_bpm = PacerSettings::snap_rate(*rf);
    s.inhale_parts = 1.0;
    s.exhale_parts = 1.5;
    return s;
  }
  const auto seconds = parse_seconds(name);
  if (!seconds)
    throw std::invalid_argument("preset '" + std::string(name) +
                                "' is not known (expected coherent, relax, resonance, or "
                                "inhale-hold-exhale-hold seconds like 4-0-6-0)");
  try {
    return PacerSettings::from_seconds((*seconds)[0], (*seconds)[1], (*seconds)[2], (*seconds)[3]);
  } catch (std::invalid_argument const& e) {
    throw std::invalid_argument("preset '" + std::string(name) + "': " + e.what());
  }
}

} // namespace pneuma::app
