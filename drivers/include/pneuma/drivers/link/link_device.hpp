#pragma once
// A device behind a byte link: a serial port (opened and reopened BY PATH, so a replugged adapter
// or a re-created symlink is found again), a TCP client, or a UDP socket (one line per datagram).
// Runs a ByteProtocol over it, on one io thread, and reports the link through DeviceStatus:
//   connecting -> streaming -> (stalled | lost) -> reconnecting -> streaming ...
// * EOF or an error on the link = device gone: close, back off (0.5 s doubling to 5 s), reopen.
// * Stall watchdog (steady_timer, 3x the protocol's expected period, at least 1 s): "stalled";
//   after 4 silent watchdog periods a serial/TCP link is closed and reopened (re-handshake).
// * When data resumes after a loss or a stall, a SignalGap covers the silence.
// * Device timestamps (bridge t_us, PMD, BITalino sample count) are mapped onto the session clock
//   with DeviceClockMap, so bursts keep their device spacing.
// Thread contract: construct and start() on any thread before the io thread runs; stop() from any
// thread (it runs on the io thread and waits up to 1 s); handlers never throw.

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/serial_port.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "pneuma/drivers/clock.hpp"
#include "pneuma/drivers/device.hpp"
#include "pneuma/drivers/link/byte_protocol.hpp"
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

class LinkDevice final : public Device, private SampleSink {
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
  void on_sample(DeviceSample const& sample) noexcept override; // from the protocol
  void flush_batch(double arrival_s) noexcept;
  void status(DeviceStatus::State state, std::string_view text) noexcept;
  void open_serial_or_throw();
  void open_async() noexcept;
  void on_opened() noexcept;
  void read() noexcept;
  void on_read(boost::system::error_code ec, std::size_t n, std::uint64_t generation) noexcept;
  void send(std::span<const std::uint8_t> bytes) noexcept;
  void write_pending() noexcept;
  void link_lost(std::string_view why) noexcept;
  void close_link() noexcept;
  void schedule_reopen() noexcept;
  void arm_watchdog() noexcept;
  void shutdown_on_io_thread() noexcept;

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
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer watchdog_;

  std::array<std::uint8_t, 4096> rx_{};
  std::array<std::uint8_t, 64> tx_{};
  std::size_t tx_len_ = 0;
  std::array<std::uint8_t, 64> tx_inflight_{};
  bool writing_ = false;

  bool running_ = false;
  bool open_ = false;
  std::uint64_t generation_ = 0; // bumps on every close: stale handlers see a different value
  double backoff_s_ = 0;
  double stall_s_ = 1;
  int silent_periods_ = 0;
  double last_data_s_ = 0;
  bool gap_pending_ = false; // data lost since last_data_s_ (loss or stall)
  DeviceStatus::State state_ = DeviceStatus::State::connecting;
  // What one read produced: mapped to session time together, anchored on its newest sample.
  std::array<DeviceSample, 256> batch_{};
  std::size_t batch_len_ = 0;
  double batch_arrival_s_ = 0;
  DeviceClockMap link_clock_;
  DeviceClockMap pmd_clock_{2.0};
};

} // namespace pneuma::drivers
