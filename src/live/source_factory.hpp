#pragma once
// Source string -> device, on the io thread's executor. The one place that knows every kind.

#include <memory>
#include <optional>
#include <vector>

#include "pacer/pacer_timeline.hpp"
#include "live/seqlock.hpp"
#include "pneuma/drivers/clock.hpp"
#include "pneuma/drivers/device.hpp"
#include "pneuma/drivers/replay_device.hpp"
#include "pneuma/drivers/source_spec.hpp"
#include <boost/asio/any_io_executor.hpp>

namespace pneuma::app {

struct SourceContext {
  boost::asio::any_io_executor executor;
  drivers::Clock const& clock;
  SeqLock<PacerTimeline> const& pacer; ///< what a simulated person follows
};

/// Throws std::invalid_argument with a one-line message for a bad or unsupported source.
std::unique_ptr<drivers::Device> make_device(drivers::SourceSpec const& spec, SourceContext const& ctx);

/// Nominal respiration sampling rate the source delivers (Hz), for sizing the DSP.
double nominal_resp_hz(drivers::SourceSpec const& spec);
/// The ECG sampling rate a source sends (the R-peak detector is designed for it): a replay's ECG
/// column rate, the simulator's `ecg` option, else 130 Hz (Polar H10).
double nominal_ecg_hz(drivers::SourceSpec const& spec);

/// Length of the longest replayed file (nullopt without replay sources). Throws like make_device.
/// A replay source's content, loaded once per process however often it is asked for.
std::shared_ptr<const drivers::ReplayContent> replay_content(drivers::SourceSpec const& spec);

std::optional<double> replay_duration_s(std::vector<drivers::SourceSpec> const& specs);
/// The `speed=N` of a replay source (1 without one): folded into the session clock.
double replay_speed(std::vector<drivers::SourceSpec> const& specs);

} // namespace pneuma::app
