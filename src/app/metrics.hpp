#pragma once
// What the DSP thread tells the UI and the session log. Trivially copyable (mailbox, queues).
// NaN means "not known yet" (never a made-up number).

#include <cmath>
#include <cstdint>
#include <limits>

#include "pneuma/drivers/sample.hpp"

namespace pneuma::app {

inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

struct Metrics {
  double t_s = 0;                   ///< session time the numbers refer to (latest data)
  double breathing_bpm = kUnknown;  ///< spectral breathing rate, breaths/min
  double breathing_quality = 0;     ///< 0..1 spectral peak concentration
  double hr_bpm = kUnknown;         ///< heart rate from RR, beats/min
  double belt = kUnknown;           ///< latest belt value (arbitrary units)
  double quality = 0;               ///< 0..1 overall signal quality
  std::uint64_t samples = 0;        ///< samples processed
  std::uint64_t dropped = 0;        ///< samples lost (queue full, bad values)
  drivers::DeviceStatus status{};   ///< latest device status
};

/// One line of the session log, one per second of session time.
struct Snapshot {
  double t_s = 0;
  double breathing_bpm = kUnknown;
  double hr_bpm = kUnknown;
  double quality = 0;
};

} // namespace pneuma::app
