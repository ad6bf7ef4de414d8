#pragma once
// Maps a device clock (PMD ns, bridge t_us, BITalino sample count) onto the host session clock.
//
// host = device + offset + drift * (device - anchor). Transport delay only ever adds, so the
// mapping tracks the lower envelope of (host - device): an early arrival pulls the offset down at
// once, late ones lift it by a small fraction, slewed at most 500 µs per device second (so a slow
// device clock is followed, while a burst after a delay keeps the device's spacing).
// Drift: slope between the minima of the first and the latest 10-s window (needs >= 30 s, capped
// at ±1000 ppm). A backwards step or a jump of more than `reset_after_s` between the two clocks
// re-anchors the map (an H10 whose clock reset to 2019, a bridge reboot).
// Pure: no I/O, no clock of its own, no allocation; one thread.
//
// BatchClock: what one read (a link) or one notification (BLE) produced, mapped together. Samples
// are collected as the parser emits them; flush() teaches each clock domain its batch's NEWEST
// device time (the arrival bounds the last sample, not the earlier ones) and places every sample
// of the batch by its device time, never later than the arrival. Two domains: the link's own
// clock (RespSample, RrInterval: bridge t_us, BITalino count) and the PMD clock (EcgSample,
// AccSample). A SignalGap with device times (bridge lines) is placed on the link clock too.
// Samples without a device time, and every other kind, pass through unchanged, in order. Capacity is fixed; a batch that overflows it is flushed in parts.

#include <array>
#include <cstddef>
#include <optional>

#include "pneuma/drivers/device.hpp"

namespace pneuma::drivers {

class DeviceClockMap {
public:
  explicit DeviceClockMap(double reset_after_s = 5.0) : reset_after_s_(reset_after_s) {}

  /// Host time of `device_s`, learning from the pair (device_s arrived at host_s).
  double map(double device_s, double host_s) noexcept;
  /// Host time of `device_s` without learning (for samples of a frame before its last one).
  [[nodiscard]] double peek(double device_s) const noexcept;
  void reset() noexcept { anchored_ = false; resets_ = 0; }
  [[nodiscard]] double drift_ppm() const noexcept { return drift_ * 1e6; }
  [[nodiscard]] double offset_s() const noexcept { return offset_; }
  /// Times the map re-anchored after a clock jump (not counting the first anchor).
  [[nodiscard]] int resets() const noexcept { return resets_; }

private:
  void anchor(double device_s, double host_s) noexcept;

  double reset_after_s_;
  bool anchored_ = false;
  int resets_ = 0;
  double anchor_dev_ = 0, offset_ = 0, drift_ = 0, last_dev_ = 0;
  // windowed minima of (host - device) for the drift fit
  double first_win_start_ = 0, first_win_min_ = 0;
  double win_start_ = 0, win_min_ = 0;
  bool first_done_ = false;
};

class BatchClock final : public SampleSink {
public:
  /// Room for a full PMD frame (PmdFrameDecoder::kMaxSamplesPerFrame) plus its gap and status.
  static constexpr std::size_t kCapacity = 520;
  /// `*_reset_after_s`: DeviceClockMap re-anchoring thresholds of the two domains (session s).
  explicit BatchClock(double link_reset_after_s = 5.0, double pmd_reset_after_s = 2.0) noexcept
      : link_(link_reset_after_s), pmd_(pmd_reset_after_s) {}

  /// A new batch arrives at host time `arrival_s`; flush() delivers it to `out`.
  void begin(double arrival_s, SampleSink& out) noexcept {
    arrival_s_ = arrival_s;
    out_ = &out;
  }
  /// Collects one sample of the batch (the parser's sink). Before begin(): dropped.
  void on_sample(DeviceSample const& sample) noexcept override;
  /// Maps the batch and passes it on; the batch is empty afterwards.
  void flush() noexcept;
  /// The link closed: both clocks re-anchor on the next batch; a pending batch is dropped.
  void reset() noexcept;
  [[nodiscard]] DeviceClockMap const& link_clock() const noexcept { return link_; }
  [[nodiscard]] DeviceClockMap const& pmd_clock() const noexcept { return pmd_; }

private:
  std::array<DeviceSample, kCapacity> batch_{};
  std::size_t len_ = 0;
  double arrival_s_ = 0;
  SampleSink* out_ = nullptr;
  DeviceClockMap link_;
  DeviceClockMap pmd_;
};

} // namespace pneuma::drivers
