#pragma once
// A Polar strap's PMD streams, transport-free: the start sequence (PmdStartSequence), the data
// frame decoder and the batch clock that maps each notification onto the session clock. The
// strap's GATT part writes what this asks for and feeds it what C81 and C82 notify.
// One thread (the io thread); no I/O, no allocation.

#include <optional>
#include <span>
#include <string_view>

#include "pneuma/drivers/parsers/clock_map.hpp"
#include "pneuma/drivers/parsers/pmd.hpp"
#include "pneuma/drivers/parsers/pmd_sequence.hpp"

namespace pneuma::drivers {

class PolarPmd {
public:
  using Step = PmdStartSequence::Step;
  /// `pmd_reset_after_s`: re-anchor the PMD clock map after a jump this large (session s).
  PolarPmd(PmdSequenceConfig config, double pmd_reset_after_s);
  /// A new connection: the sequence from idle, the decoder and the clock forget the old one.
  void reset() noexcept;
  /// Notifications on (and the control point read, when there was one: `features`): the first
  /// START to write.
  [[nodiscard]] std::optional<PmdCommand> begin(std::span<const std::uint8_t> features = {}) noexcept {
    return sequence_.begin(features);
  }
  /// The outstanding START went unanswered for too long: the next START to write, if any.
  [[nodiscard]] Step on_unanswered() noexcept { return sequence_.on_unanswered(); }
  [[nodiscard]] bool awaiting() const noexcept { return sequence_.awaiting(); }
  /// A C81 notification; a START answer's FACTOR is applied to the ACC decoder here.
  [[nodiscard]] Step on_control(std::span<const std::uint8_t> value) noexcept;
  /// A C82 notification arriving at `now_s`: samples into `sink`, as one batch. False: malformed.
  bool on_data(std::span<const std::uint8_t> value, double now_s, SampleSink& sink) noexcept;
  [[nodiscard]] PmdStartSequence::Commands stop_commands() const noexcept { return sequence_.stop_commands(); }
  [[nodiscard]] bool started(PmdType type) const noexcept { return sequence_.started(type); }
  [[nodiscard]] std::uint64_t lost_frames() const noexcept { return decoder_.stats().lost; }
  /// What the user reads after a step ("Polar ECG refused: ...", "streaming heart rate, Polar ECG
  /// and ACC"), empty when nothing to say. A refusal that costs nothing is not told as one: a
  /// measurement the sensor lacks, PPI refused while ECG streams (an H10 has no optical beats),
  /// ACC refused for its H10 settings on the way to PPI (an optical sensor's other rates).
  [[nodiscard]] std::string_view describe(Step const& step, std::span<char> buf) const noexcept;

private:
  PmdStartSequence sequence_;
  PmdFrameDecoder decoder_;
  BatchClock batch_;
};

} // namespace pneuma::drivers
