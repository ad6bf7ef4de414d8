#include "app/source_factory.hpp"

#include <stdexcept>

#include "pneuma/drivers/ble/ble.hpp"
#include "pneuma/drivers/link/link_factory.hpp"
#include "app/record_repair.hpp"
#include "pneuma/drivers/replay_device.hpp"
#include "pneuma/drivers/sim/sim_device.hpp"

namespace pneuma::app {
namespace {
/// A recording cut short by a crash is repaired before it is replayed (never a foreign non-EDF file).
drivers::SourceSpec readable(drivers::SourceSpec const& spec) {
  try {
    if (recording_state(spec.target) == RecordingState::interrupted) repair_recording(spec.target);
  } catch (std::exception const&) { // not an EDF file, or unreadable: the replay reader says why
  }
  return spec;
}
} // namespace

std::unique_ptr<drivers::Device> make_device(drivers::SourceSpec const& spec,
                                             SourceContext const& ctx) {
  if (spec.kind == "sim") {
    auto const* pacer = &ctx.pacer;
    drivers::sim::BreathGuide guide = [pacer](double t_s) -> std::optional<drivers::sim::BreathCue> {
      const PacerTimeline timeline = pacer->load();
      if (timeline.paused()) return std::nullopt;
      const PacerFrame f = timeline.at(t_s);
      return drivers::sim::BreathCue{f.cycles, f.rate_bpm, timeline.settings().inhale_fraction()};
    };
    return std::make_unique<drivers::sim::SimDevice>(
        ctx.executor, ctx.clock, drivers::sim::PersonParams::from_spec(spec), std::move(guide));
  }
  if (drivers::is_link_source(spec)) return drivers::make_link_device(spec, ctx.executor, ctx.clock);
  if (spec.kind == "ble")
    return drivers::make_ble_strap(ctx.executor, ctx.clock, drivers::ble_config_from_spec(spec));
  if (spec.kind == "replay") return std::make_unique<drivers::ReplayDevice>(ctx.executor, ctx.clock, readable(spec));
  throw std::invalid_argument("source kind '" + spec.kind + "' is not supported by this build yet");
}

double nominal_resp_hz(drivers::SourceSpec const& spec) {
  if (spec.kind == "sim") return drivers::sim::PersonParams::from_spec(spec).belt_hz;
  if (drivers::is_link_source(spec)) return drivers::link_resp_hz(spec);
  if (spec.kind == "replay") {
    const auto content = drivers::ReplayContent::load(readable(spec));
    return content.resp.fs > 0 ? content.resp.fs : 50.0;
  }
  return 50.0;
}

std::optional<double> replay_duration_s(std::vector<drivers::SourceSpec> const& specs) {
  std::optional<double> longest;
  for (auto const& s : specs)
    if (s.kind == "replay") longest = std::max(longest.value_or(0), drivers::ReplayContent::load(readable(s)).duration_s());
  return longest;
}

double replay_speed(std::vector<drivers::SourceSpec> const& specs) {
  for (auto const& s : specs)
    if (s.kind == "replay") return s.number("speed", 1, 0.01, 10000);
  return 1.0;
}

} // namespace pneuma::app
