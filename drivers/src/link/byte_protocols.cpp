#include <array>
#include <stdexcept>

#include "pneuma/drivers/link/byte_protocol.hpp"
#include "pneuma/drivers/parsers/ascii_plotter.hpp"
#include "pneuma/drivers/parsers/bitalino.hpp"
#include "pneuma/drivers/parsers/bridge_line.hpp"

namespace pneuma::drivers {
namespace {

class BridgeProtocol final : public ByteProtocol {
public:
  explicit BridgeProtocol(std::size_t channel) : parser_(channel) {}
  std::span<const std::uint8_t> on_open(double) noexcept override { return {}; }
  std::span<const std::uint8_t> on_bytes(std::span<const std::uint8_t> b, double t,
                                         SampleSink& sink) noexcept override {
    parser_.feed(b, t, sink);
    return {};
  }
  void on_datagram_end(double t, SampleSink& sink) noexcept override { parser_.end_of_datagram(t, sink); }
  void on_close() noexcept override { parser_.reset(); }
  bool streaming() const noexcept override { return true; }
  double expected_period_s() const noexcept override { return 1.0; } // HRM once a second at least
  ParserStats stats() const noexcept override { return parser_.stats(); }
  std::string_view name() const noexcept override { return "bridge"; }

private:
  BridgeLineParser parser_;
};

class AsciiProtocol final : public ByteProtocol {
public:
  AsciiProtocol(std::size_t column, std::string_view label, double hz)
      : parser_(column, label), period_(1.0 / hz) {}
  std::span<const std::uint8_t> on_open(double) noexcept override { return {}; }
  std::span<const std::uint8_t> on_bytes(std::span<const std::uint8_t> b, double t,
                                         SampleSink& sink) noexcept override {
    parser_.feed(b, t, sink);
    return {};
  }
  void on_datagram_end(double t, SampleSink& sink) noexcept override {
    static constexpr std::uint8_t kNewline = '\n';
    parser_.feed({&kNewline, 1}, t, sink);
  }
  void on_close() noexcept override { parser_.reset(); }
  bool streaming() const noexcept override { return true; }
  double expected_period_s() const noexcept override { return period_; }
  ParserStats stats() const noexcept override { return parser_.stats(); }
  std::string_view name() const noexcept override { return "ascii"; }

private:
  AsciiPlotterParser parser_;
  double period_;
};

/// Handshake (BITalino cpp-api): stop, ask the version, wait for "BITalino..._vX.Y\n", then set
/// the sample rate and start live acquisition of the belt's channel. Stop (0x00) on shutdown.
class BitalinoProtocol final : public ByteProtocol {
public:
  BitalinoProtocol(int analog_input, int rate_hz) : parser_(1, 0, rate_hz), rate_hz_(rate_hz) {
    if (analog_input < 1 || analog_input > 6)
      throw std::invalid_argument("bitalino: channel must be 1 to 6 (A1..A6)");
    const auto rate = bitalino_rate_command(rate_hz);
    if (!rate) throw std::invalid_argument("bitalino: rate must be 1, 10, 100 or 1000 Hz");
    start_cmd_ = {*rate, bitalino_start_command(static_cast<std::uint8_t>(1u << (analog_input - 1)))};
  }
  std::span<const std::uint8_t> on_open(double) noexcept override {
    state_ = State::awaiting_version;
    reply_len_ = 0;
    return open_cmd_;
  }
  std::span<const std::uint8_t> on_bytes(std::span<const std::uint8_t> b, double t,
                                         SampleSink& sink) noexcept override {
    if (state_ == State::streaming) {
      parser_.feed(b, t, sink);
      return {};
    }
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (reply_len_ == reply_.size()) { // no header in 128 bytes: keep only the tail
        std::copy(reply_.begin() + 64, reply_.end(), reply_.begin());
        reply_len_ = 64;
      }
      reply_[reply_len_++] = static_cast<char>(b[i]);
      if (b[i] != '\n') continue;
      if (const auto v = parse_bitalino_version({reply_.data(), reply_len_})) {
        version_ = *v;
        state_ = State::streaming;
        sink.on_sample(DeviceStatus::make(t, DeviceStatus::State::connecting,
                                          "BITalino answered; starting acquisition"));
        parser_.feed(b.subspan(i + 1), t, sink); // frames right behind the reply (unlikely)
        return start_cmd_;
      }
      reply_len_ = 0; // a line without the header: discard it
    }
    return {};
  }
  void on_close() noexcept override {
    parser_.reset();
    state_ = State::closed;
  }
  std::span<const std::uint8_t> on_shutdown() noexcept override { return stop_cmd_; }
  bool streaming() const noexcept override { return state_ == State::streaming; }
  double expected_period_s() const noexcept override { return std::max(1.0 / rate_hz_, 0.05); }
  ParserStats stats() const noexcept override { return parser_.stats(); }
  std::string_view name() const noexcept override { return "bitalino"; }

private:
  enum class State { closed, awaiting_version, streaming };
  BitalinoParser parser_;
  int rate_hz_;
  State state_ = State::closed;
  std::array<char, 128> reply_{};
  std::size_t reply_len_ = 0;
  BitalinoVersion version_;
  std::array<std::uint8_t, 2> open_cmd_{kBitalinoStop, kBitalinoVersion};
  std::array<std::uint8_t, 2> start_cmd_{};
  std::array<std::uint8_t, 1> stop_cmd_{kBitalinoStop};
};

} // namespace

std::unique_ptr<ByteProtocol> make_bridge_protocol(std::size_t resp_channel) {
  return std::make_unique<BridgeProtocol>(resp_channel);
}
std::unique_ptr<ByteProtocol> make_bitalino_protocol(int analog_input, int rate_hz) {
  return std::make_unique<BitalinoProtocol>(analog_input, rate_hz);
}
std::unique_ptr<ByteProtocol> make_ascii_protocol(std::size_t column, std::string_view label,
                                                  double expected_hz) {
  if (!(expected_hz > 0 && expected_hz <= 10000))
    throw std::invalid_argument("ascii: hz must be from 0 to 10000");
  return std::make_unique<AsciiProtocol>(column, label, expected_hz);
}

} // namespace pneuma::drivers
