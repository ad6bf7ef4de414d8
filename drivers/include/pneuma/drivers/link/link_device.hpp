#pragma once
// A device behind a byte link: a serial port (opened and reopened BY PATH, so a replugged adapter
// or a re-created symlink is found again), a TCP client, or a UDP socket (one line per datagram).
// Runs a ByteProtocol over it, on one io thread, and reports the link through DeviceStatus:
//   connecting -> streaming -> (stalled | lost) -> reconnecting -> streaming ...
// The link's life is a LinkSupervisor's (link_supervisor.hpp); this class is the transport:
// * EOF or an error on the link = device gone: close, back off (0.5 s doubling to 5 s), reopen.
// * Stall watchdog (3x the protocol's expected period, at least 1 s): "stalled"; after 4 silent
//   watchdog periods a serial/TCP link is closed and reopened (re-handshake).
// * When data resumes after a loss or a stall, a SignalGap covers the silence.
// * Device timestamps (bridge t_us, PMD, BITalino sample count) are mapped onto the session clock
//   with DeviceClockMap, so bursts keep their device spacing.
// Thread contract: construct and start() on any thread before the io thread runs; stop() from any
// thread (it posts the shutdown, which sends the protocol's stop bytes, to the io thread and
// returns at once); destroy after the io thread stopped; handlers never throw.

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/serial_port.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "pneuma/drivers/clock.hpp"
#include "pneuma/drivers/device.hpp"
#include "pneuma/drivers/link/byte_protocol.hpp"
#include "pneuma/drivers/link_supervisor.hpp"
#include "pneuma/drivers/parsers/clock_map.hpp"

namespace pneuma::drivers {

struct LinkConfig {
  enum class Kind { serial, tcp, udp };
  Kind kind = Kind::serial;
  std::string path;           ///< serial: device path (or symlink)
  unsigned baud = 115200;     ///< serial
  std::string host = "127.0.0.1"; ///< tcp: server; udp: address to bind
  std::uint16_t port = 0;     ///< tcp/udp
  double backoff_min_s = 0.5;
  double backoff_max_s = 5.0;
  double stall_s = 0;         ///< 0: 3x the protocol's expected period, at least 1 s
};

class LinkDevice final : public Device, private SupervisedLink {
public:
  LinkDevice(boost::asio::any_io_executor executor, Clock const& clock, LinkConfig config,
             std::unique_ptr<ByteProtocol> protocol);
  ~LinkDevice() override;
  /// Opens the link. Serial: throws std::runtime_error when the port cannot be opened at all;
  /// UDP: when the port cannot be bound. TCP connects asynchronously (and keeps retrying).
  void start(SampleSink& sink) override;
  void stop() noexcept override;
  [[nodiscard]] std::string_view name() const noexcept override { return name_; }
  /// Parser counters (read after stop(), or on the io thread).
  [[nodiscard]] ParserStats stats() const noexcept { return protocol_->stats(); }

private:
  struct Text { // a status line built on the stack
    std::array<char, 100> buf{};
    std::size_t len = 0;
    [[nodiscard]] std::string_view view() const noexcept { return {buf.data(), len}; }
  };
  static Text explain(std::string_view what, boost::system::error_code ec) noexcept;
  boost::system::error_code open_serial() noexcept;
  void open_link() noexcept override;
  void close_link() noexcept override;
  void shutdown_link() noexcept override;
  void on_opened() noexcept;
  void read() noexcept;
  void on_read(boost::system::error_code ec, std::size_t n, std::uint64_t generation) noexcept;
  void send(std::span<const std::uint8_t> bytes) noexcept;
  void write_pending() noexcept;
  void report_errors(double now) noexcept;

  boost::asio::any_io_executor executor_;
  Clock const& clock_;
  LinkConfig config_;
  std::unique_ptr<ByteProtocol> protocol_;
  std::string name_;
  SampleSink* sink_ = nullptr;

  boost::asio::serial_port serial_;
  boost::asio::ip::tcp::socket tcp_;
  boost::asio::ip::udp::socket udp_;
  boost::asio::ip::udp::endpoint udp_from_;
  boost::asio::ip::tcp::endpoint endpoint_; ///< tcp: resolved once at start

  std::array<std::uint8_t, 4096> rx_{};
  std::array<std::uint8_t, 64> tx_{};
  std::size_t tx_len_ = 0;
  std::array<std::uint8_t, 64> tx_inflight_{};
  bool writing_ = false;

  bool open_ = false;
  std::uint64_t generation_ = 0; // bumps on every close: stale handlers see a different value
  // What one read produced: mapped to session time together, anchored on its newest sample.
  BatchClock batch_;
  LinkSupervisor supervisor_; // last: its finish() uses everything above
};

} // namespace pneuma::drivers
