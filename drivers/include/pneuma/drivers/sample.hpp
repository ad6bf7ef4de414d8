#pragma once
// What a device delivers: small, trivially copyable values stamped with the host session time at
// arrival (`t_s`, seconds since the session started, from the injected Clock) and, where the device
// has a clock of its own, with the device time (`device_t_s`, NaN when absent).

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <limits>
#include <string_view>
#include <type_traits>
#include <variant>

namespace pneuma::drivers {

inline constexpr double kNoDeviceTime = std::numeric_limits<double>::quiet_NaN();

/// One respiration-belt value (arbitrary units: strain, impedance, % of range).
struct RespSample {
  double t_s = 0;
  double device_t_s = kNoDeviceTime;
  float value = 0;
};

/// One beat-to-beat interval as a BLE strap reports it: 1/1024 s ticks (full precision kept).
struct RrInterval {
  double t_s = 0;
  double device_t_s = kNoDeviceTime;
  std::uint16_t ticks = 0;
  /// t_s is this beat's own time (a file of beat times), not a notification's arrival: a
  /// recorder writes it as is instead of chaining the intervals.
  bool beat_time_known = false;
  /// A pulse-to-pulse interval from an optical sensor (Polar PPI), not an ECG R-R interval: the
  /// pulse wave's transit time varies with breathing and posture, so it is HRV of lower fidelity.
  bool optical = false;
  [[nodiscard]] double ms() const noexcept { return ticks * (1000.0 / 1024.0); }
  [[nodiscard]] double seconds() const noexcept { return ticks / 1024.0; }
};

/// One ECG sample in microvolts.
struct EcgSample {
  double t_s = 0;
  double device_t_s = kNoDeviceTime;
  float microvolts = 0;
};

/// One 3-axis accelerometer sample in milli-g.
struct AccSample {
  double t_s = 0;
  double device_t_s = kNoDeviceTime;
  float x_mg = 0, y_mg = 0, z_mg = 0;
};

/// The heart rate a strap computed itself (beats/min), and its skin-contact flag when supported.
struct HeartRate {
  double t_s = 0;
  float bpm = 0;
  bool contact_supported = false;
  bool contact = false;
};

/// Battery level in percent (0..100).
struct BatteryLevel {
  double t_s = 0;
  std::uint8_t percent = 0;
};

/// Data known to be missing (lost frames, a stall): never silently interpolated.
struct SignalGap {
  /// Which signal has the hole: a strap's gap must not break a belt's breathing window.
  enum class Stream : std::uint8_t { any, resp, rr, ecg, acc };
  double t_s = 0;       ///< when the gap was noticed
  double from_s = 0;    ///< first missing instant (session time)
  double to_s = 0;      ///< data resumes here
  std::uint32_t lost = 0; ///< frames or samples lost, when countable
  Stream stream = Stream::any;
  /// The same span on the device's clock (NaN when the link has none): BatchClock maps it onto
  /// from_s/to_s like the samples around it, so the gap sits where the data really stopped.
  double device_from_s = kNoDeviceTime;
  double device_to_s = kNoDeviceTime;
};

/// Link state of a device, with a short human-readable text.
struct DeviceStatus {
  enum class State : std::uint8_t { connecting, streaming, stalled, lost, reconnecting, error, ended };
  double t_s = 0;
  State state = State::connecting;
  std::array<char, 120> text{};

  static DeviceStatus make(double t_s, State state, std::string_view text) noexcept {
    DeviceStatus s;
    s.t_s = t_s;
    s.state = state;
    const std::size_t n = std::min(text.size(), s.text.size() - 1);
    std::memcpy(s.text.data(), text.data(), n);
    s.text[n] = '\0';
    return s;
  }
  [[nodiscard]] std::string_view message() const noexcept { return {text.data()}; }
};

std::string_view to_string(DeviceStatus::State state) noexcept;

using DeviceSample = std::variant<RespSample, RrInterval, EcgSample, AccSample, HeartRate,
                                  BatteryLevel, SignalGap, DeviceStatus>;
static_assert(std::is_trivially_copyable_v<DeviceSample>);

/// Session time of any sample.
inline double time_of(DeviceSample const& s) noexcept {
  return std::visit([](auto const& v) { return v.t_s; }, s);
}

} // namespace pneuma::drivers
