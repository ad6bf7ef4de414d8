#pragma once
// The Polar PMD start sequence as a pure state machine (protocols.md §2; polar-ble-sdk
// BlePMDClient.kt; bleakheart): control-point bytes in, control-point commands out. No I/O, no
// clock, no allocation; one thread. The transport writes what it is given and feeds back what the
// sensor answers on the control point (C81).
//
//   idle --begin()--> START ECG --F0 02 00 ..--> START ACC --F0 02 02 ..--> streaming
//   (ECG first when asked for, then ACC; one outstanding request at a time, as the SDK does)
//   * an answer with status 0 (success) or 6 (already in state) = that measurement started;
//     any other status = refused (the sequence goes on to the next measurement);
//   * a START answer may carry FACTOR: the ACC decoder must scale by it (Step::factor);
//   * an unprompted `01 tt..` (ONLINE_MEASUREMENT_STOPPED) is reported, nothing is re-requested;
//   * answers to GET/STOP, or to a START never sent, change nothing;
//   * stop_commands(): STOP for every measurement REQUESTED, answered or not (a late "started"
//     must not leave an H10 streaming until its battery dies; KnownIssues), ACC first, then ECG.

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "pneuma/drivers/parsers/pmd.hpp"

namespace pneuma::drivers {

struct PmdSequenceConfig {
  bool ecg = true;                    ///< ECG, 130 Hz, 14 bit (the H10's only ECG setting)
  bool acc = false;                   ///< ACC, 200 Hz, 16 bit, ±8 G
  std::uint16_t ecg_rate_hz = 130;
  std::uint16_t ecg_resolution = 14;
  std::uint16_t acc_rate_hz = 200;
  std::uint16_t acc_resolution = 16;
  std::uint16_t acc_range_g = 8;
};

class PmdStartSequence {
public:
  /// What one control-point notification meant.
  struct Step {
    enum class Event : std::uint8_t {
      none,              ///< not about our START (GET/STOP answers, a START we did not send)
      malformed,         ///< neither F0.. nor 01..: count it
      started,           ///< `type` started (status 0 or 6)
      refused,           ///< `type` refused with `status`
      stopped_by_sensor, ///< the sensor stopped streaming on its own
    };
    Event event = Event::none;
    PmdType type = PmdType::ecg;
    std::uint8_t status = 0;
    float factor = 1.0f;              ///< from a START answer (1 when absent)
    std::optional<PmdCommand> next;   ///< the command to write now, if any
  };
  struct Commands {
    std::array<PmdCommand, 2> command{};
    std::size_t count = 0;
    [[nodiscard]] std::span<const PmdCommand> view() const& noexcept { return {command.data(), count}; }
    /// A view of a temporary would dangle (e.g. `for (c : seq.stop_commands().view())`): name it first.
    std::span<const PmdCommand> view() const&& = delete;
  };

  explicit PmdStartSequence(PmdSequenceConfig config = {}) noexcept : config_(config) {}

  /// Both notifications (CP and data) are on: the first START to write (none if nothing asked).
  [[nodiscard]] std::optional<PmdCommand> begin() noexcept;
  /// A control-point notification from the sensor.
  [[nodiscard]] Step on_control(std::span<const std::uint8_t> value) noexcept;
  /// The STOPs to send on shutdown, for what was requested (ACC first, then ECG).
  [[nodiscard]] Commands stop_commands() const noexcept;
  /// The link is gone: a new connection starts from idle.
  void reset() noexcept;

  [[nodiscard]] bool requested(PmdType type) const noexcept;
  [[nodiscard]] bool started(PmdType type) const noexcept;
  /// Nothing more to request (every asked-for measurement answered).
  [[nodiscard]] bool settled() const noexcept { return pending_ == Pending::none && begun_; }
  [[nodiscard]] PmdSequenceConfig const& config() const noexcept { return config_; }

private:
  enum class Pending : std::uint8_t { none, ecg, acc };
  [[nodiscard]] PmdCommand start_command(PmdType type) const noexcept;
  [[nodiscard]] std::optional<PmdCommand> request(PmdType type) noexcept;

  PmdSequenceConfig config_;
  bool begun_ = false;
  Pending pending_ = Pending::none;
  bool requested_ecg_ = false, requested_acc_ = false;
  bool started_ecg_ = false, started_acc_ = false;
};

} // namespace pneuma::drivers
