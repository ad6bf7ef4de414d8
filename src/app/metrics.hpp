#pragma once
// What the DSP thread tells the UI and the session log. Trivially copyable (mailbox, queues).
// NaN means "not known yet" (never a made-up number).

#include <cmath>
#include <cstdint>
#include <limits>

#include "app/live_traces.hpp"
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
  // For the trainer window (NaN/-1 = unknown; filled as the DSP blocks that compute them land).
  double rmssd_ms = kUnknown;       ///< RMSSD of the last 60 s of clean beats, ms
  double coherence = kUnknown;      ///< HRV coherence ratio (see the Heart block's header)
  double rsa_bpm = kUnknown;        ///< RSA: HR peak-to-trough per breath, beats/min
  double artifact_pct = kUnknown;   ///< beats corrected or rejected, % of the last minute
  int battery_pct = -1;             ///< strap / belt battery, % (-1 unknown)
  LiveTraces traces{};              ///< recent belt and HR histories for the pacer and HR trace
};

/// One line of the session log, one per second of session time.
struct Snapshot {
  double t_s = 0;
  double breathing_bpm = kUnknown;
  double hr_bpm = kUnknown;
  double quality = 0;
};

} // namespace pneuma::app
