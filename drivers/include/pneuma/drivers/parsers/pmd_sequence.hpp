#pragma once
// The Polar PMD start sequence as a pure state machine (protocols.md §2; polar-ble-sdk
// BlePMDClient.kt; bleakheart): control-point bytes in, control-point commands out. No I/O, no
// clock, no allocation; one thread. The transport writes what it is given and feeds back what the
// sensor answers on the control point (C81).
//
//   idle --begin(features)--> START ECG --F0 02 00 ..--> START ACC --F0 02 02 ..--> START PPI
//        --F0 02 03 ..--> streaming
//   (in that order, each only when asked for and, when the feature read is known, offered; one
//   outstanding request at a time, as the SDK does: each START waits for the previous answer)
//   * the feature read (`0F` + bitmask: a GATT read of the control point after both
//     notifications are on; PmdMeasurementType.fromByteArray) says which types the sensor has:
//     an H10 has ECG and ACC (bleakheart), a Verity Sense / OH1 PPG, PPI and ACC but no ECG
//     (the SDK's PolarVeritySense.md, PolarOH1.md). Without it (no read, read failed, not
//     `0F..`) every asked-for type is requested and a sensor that lacks one refuses it: the
//     sequence goes on to the next, so nothing stalls either way;
//   * PPI (optical pulse-to-pulse intervals) is started with no settings, `02 03` (the SDK's
//     startPpiStreaming passes an empty setting set); its first beats come ~25 s later, while
//     the sensor's PPI algorithm locks on (polar-ble-sdk PolarVeritySense.md, PolarOH1.md);
//   * an answer with status 0 (success) or 6 (already in state) = that measurement started;
//     any other status = refused (the sequence goes on to the next measurement);
//   * a START answer may carry FACTOR: the ACC decoder must scale by it (Step::factor);
//   * a START the sensor never answers (the transport's timeout: on_unanswered()) is given up:
//     the sequence goes on to the next, so one lost indication does not leave ACC and PPI
//     unasked; a late answer still counts (started or refused), requesting nothing more;
//   * an unprompted `01 tt..` (ONLINE_MEASUREMENT_STOPPED) is reported, nothing is re-requested;
//   * answers to GET/STOP, to a START never sent, or a repeated answer, change nothing; a `0F..`
//     value on the control point (BlueZ reports the feature read as a value change too) is
//     the feature read, not malformed;
//   * stop_commands(): STOP for every measurement REQUESTED, answered or not (a late "started"
//     must not leave an H10 streaming until its battery dies; KnownIssues), in the reverse
//     order of the starts: PPI, ACC, then ECG.

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "pneuma/drivers/parsers/pmd.hpp"

namespace pneuma::drivers {

struct PmdSequenceConfig {
  bool ecg = true;                    ///< ECG, 130 Hz, 14 bit (the H10's only ECG setting)
  bool acc = false;                   ///< ACC, 200 Hz, 16 bit, ±8 G
  bool ppi = false;                   ///< PPI: optical beats (Verity Sense, OH1), no settings
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
      unanswered,        ///< `type`'s START got no answer in time (on_unanswered)
    };
    Event event = Event::none;
    PmdType type = PmdType::ecg;
    std::uint8_t status = 0;
    float factor = 1.0f;              ///< from a START answer (1 when absent)
    std::optional<PmdCommand> next;   ///< the command to write now, if any
  };
  struct Commands {
    std::array<PmdCommand, 3> command{};
    std::size_t count = 0;
    [[nodiscard]] std::span<const PmdCommand> view() const& noexcept { return {command.data(), count}; }
    /// A view of a temporary would dangle (e.g. `for (c : seq.stop_commands().view())`): name it first.
    std::span<const PmdCommand> view() const&& = delete;
  };

  explicit PmdStartSequence(PmdSequenceConfig config = {}) noexcept : config_(config) {}

  /// Both notifications (CP and data) are on: the first START to write (none if nothing asked
  /// or offered). `features`: what the control point read returned (`0F` + bitmask); empty or
  /// not a feature value = not known, every asked-for type is requested.
  [[nodiscard]] std::optional<PmdCommand> begin(std::span<const std::uint8_t> features = {}) noexcept;
  /// A control-point notification from the sensor.
  [[nodiscard]] Step on_control(std::span<const std::uint8_t> value) noexcept;
  /// The outstanding START got no answer in time: given up (still stopped on shutdown), and the
  /// next START to write. Event none when nothing is outstanding.
  [[nodiscard]] Step on_unanswered() noexcept;
  /// A START is awaiting its answer (the transport times it).
  [[nodiscard]] bool awaiting() const noexcept { return pending_.has_value(); }
  /// The STOPs to send on shutdown, for what was requested (PPI, ACC, then ECG).
  [[nodiscard]] Commands stop_commands() const noexcept;
  /// The link is gone: a new connection starts from idle.
  void reset() noexcept;

  [[nodiscard]] bool requested(PmdType type) const noexcept;
  [[nodiscard]] bool started(PmdType type) const noexcept;
  /// The feature read's bitmask (pmd_offers()), when the sensor's was read.
  [[nodiscard]] std::optional<std::uint8_t> features() const noexcept { return features_; }
  /// Nothing more to request (every asked-for measurement answered).
  [[nodiscard]] bool settled() const noexcept { return !pending_ && begun_; }
  [[nodiscard]] PmdSequenceConfig const& config() const noexcept { return config_; }

private:
  [[nodiscard]] static constexpr std::uint8_t bit(PmdType type) noexcept {
    return static_cast<std::uint8_t>(1u << static_cast<unsigned>(type));
  }
  [[nodiscard]] bool wanted(PmdType type) const noexcept;
  [[nodiscard]] PmdCommand start_command(PmdType type) const noexcept;
  /// The next START in the order ECG, ACC, PPI: asked for, offered, not yet requested.
  [[nodiscard]] std::optional<PmdCommand> request_next() noexcept;

  PmdSequenceConfig config_;
  bool begun_ = false;
  std::optional<PmdType> pending_;      ///< the START awaiting its answer
  std::optional<std::uint8_t> features_; ///< the feature read's bitmask, when known
  std::uint8_t requested_ = 0, started_ = 0; ///< bit(type) sets
};

} // namespace pneuma::drivers
