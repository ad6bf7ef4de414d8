#include "live/source_factory.hpp"

#include <map>
#include <mutex>
#include <stdexcept>

#include "pneuma/drivers/ble/ble.hpp"
#include "pneuma/drivers/link/link_factory.hpp"
#include "pneuma/drivers/replay_device.hpp"
#include "pneuma/drivers/sim/sim_device.hpp"

namespace pneuma::app {
std::shared_ptr<const drivers::ReplayContent> replay_content(drivers::SourceSpec const& spec) {
  // Set-up only (main thread), but guarded anyway: the length, the rate and the device itself all
  // need the content, and a long recording should be parsed once.
  static std::mutex guard;
  static std::map<std::string, std::shared_ptr<const drivers::ReplayContent>> loaded;
  std::string key = spec.target;
  for (auto const& [k, v] : spec.options) key += '\n' + k + '=' + v;
  std::lock_guard lock(guard);
  auto& slot = loaded[key];
  if (!slot) slot = std::make_shared<const drivers::ReplayContent>(drivers::ReplayContent::load(spec));
  return slot;
}

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
  if (spec.kind == "replay")
    return std::make_unique<drivers::ReplayDevice>(ctx.executor, ctx.clock, replay_content(spec));
  throw std::invalid_argument("source kind '" + spec.kind + "' is not supported by this build yet");
}

double nominal_resp_hz(drivers::SourceSpec const& spec) {
  if (spec.kind == "sim") return drivers::sim::PersonParams::from_spec(spec).belt_hz;
  if (drivers::is_link_source(spec)) return drivers::link_resp_hz(spec);
  if (spec.kind == "replay") {
    const auto content = replay_content(spec);
    return content->resp.fs > 0 ? content->resp.fs : 50.0;
  }
  return 50.0;
}

double nominal_ecg_hz(drivers::SourceSpec const& spec) {
  if (spec.kind == "sim") {
    const double hz = drivers::sim::PersonParams::from_spec(spec).ecg_hz;
    return hz > 0 ? hz : 130.0;
  }
  if (spec.kind == "replay") {
    const auto content = replay_content(spec);
    return content->ecg.fs > 0 ? content->ecg.fs : 130.0;
  }
  return 130.0; // Polar H10 PMD ECG
}

std::optional<double> replay_duration_s(std::vector<drivers::SourceSpec> const& specs) {
  std::optional<double> longest;
  for (auto const& s : specs)
    if (s.kind == "replay") longest = std::max(longest.value_or(0), replay_content(s)->duration_s());
  return longest;
}

double replay_speed(std::vector<drivers::SourceSpec> const& specs) {
  for (auto const& s : specs)
    if (s.kind == "replay") return s.number("speed", 1, 0.01, 10000);
  return 1.0;
}

} // namespace pneuma::app
