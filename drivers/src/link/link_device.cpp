#include "pneuma/drivers/link/link_device.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <termios.h>

namespace pneuma::drivers {
namespace asio = boost::asio;
using State = DeviceStatus::State;

namespace {
SupervisorConfig supervision(LinkConfig const& config, ByteProtocol const& protocol, Clock const& clock) {
  SupervisorConfig c;
  c.backoff_min_s = config.backoff_min_s;
  c.backoff_max_s = config.backoff_max_s;
  c.backoff_decimals = 1;
  const double stall_s = config.stall_s > 0 ? config.stall_s : std::max(1.0, 3.0 * protocol.expected_period_s());
  c.watchdog_wall_s = stall_s;
  c.stall_after_s = stall_s * clock.speed();
  c.reopen_after_silent = config.kind == LinkConfig::Kind::udp ? 0 : 4; // UDP has nothing to reopen
  std::array<char, 64> text{};
  const int n = std::snprintf(text.data(), text.size(), "stalled: no data for %.1f s", stall_s);
  c.stalled_text.assign(text.data(), static_cast<std::size_t>(std::clamp(n, 0, 63)));
  c.report_every_s = 10.0 * std::max(1.0, clock.speed());
  return c;
}

std::string link_name(LinkConfig const& config, ByteProtocol const& protocol) {
  std::string name;
  switch (config.kind) {
  case LinkConfig::Kind::serial: name = "serial:" + config.path; break;
  case LinkConfig::Kind::tcp: name = "tcp:" + config.host + ":" + std::to_string(config.port); break;
  case LinkConfig::Kind::udp: name = "udp:" + config.host + ":" + std::to_string(config.port); break;
  }
  return name + " (" + std::string(protocol.name()) + ")";
}
} // namespace

LinkDevice::LinkDevice(asio::any_io_executor executor, Clock const& clock, LinkConfig config,
                       std::unique_ptr<ByteProtocol> protocol)
    : executor_(executor), clock_(clock), config_(std::move(config)), protocol_(std::move(protocol)),
      name_(link_name(config_, *protocol_)), serial_(executor), tcp_(executor), udp_(executor),
      // Transport delays are wall time; at --speed K they are K times longer in session seconds.
      batch_(5.0 * std::max(1.0, clock.speed()), 2.0 * std::max(1.0, clock.speed())),
      supervisor_(executor, clock, name_, supervision(config_, *protocol_, clock), *this) {
  supervisor_.flowing(protocol_->stream(), true);
}

LinkDevice::~LinkDevice() { supervisor_.finish(); }

boost::system::error_code LinkDevice::open_serial() noexcept {
  boost::system::error_code ec;
  serial_.open(config_.path, ec); // resolves the path (and any symlink) afresh every time
  if (!ec) serial_.set_option(asio::serial_port::baud_rate(config_.baud), ec);
  if (!ec) serial_.set_option(asio::serial_port::character_size(8), ec);
  if (!ec) serial_.set_option(asio::serial_port::parity(asio::serial_port::parity::none), ec);
  if (!ec) serial_.set_option(asio::serial_port::stop_bits(asio::serial_port::stop_bits::one), ec);
  if (!ec) serial_.set_option(asio::serial_port::flow_control(asio::serial_port::flow_control::none), ec);
  if (ec) {
    boost::system::error_code ignored;
    serial_.close(ignored);
    return ec;
  }
  ::tcflush(serial_.native_handle(), TCIFLUSH); // bytes queued before we opened are stale
  return ec;
}

LinkDevice::Text LinkDevice::explain(std::string_view what, boost::system::error_code ec) noexcept {
  // strerror_r into a stack buffer: no allocation on the io thread, even on this path
  std::array<char, 64> why{};
  char const* text = why.data();
  if (ec.category() == boost::system::system_category() || ec.category() == boost::system::generic_category())
    text = ::strerror_r(ec.value(), why.data(), why.size());
  else if (ec == asio::error::eof)
    text = "end of file";
  else
    std::snprintf(why.data(), why.size(), "error %d", ec.value());
  Text line;
  const int n = std::snprintf(line.buf.data(), line.buf.size(), "%.*s (%s)", static_cast<int>(what.size()),
                              what.data(), text);
  line.len = static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(line.buf.size()) - 1));
  return line;
}

void LinkDevice::start(SampleSink& sink) {
  sink_ = &sink;
  supervisor_.begin(sink);
  supervisor_.status(State::connecting, "opening");
  if (config_.kind == LinkConfig::Kind::serial) {
    if (const auto ec = open_serial()) {
      supervisor_.abandon();
      throw std::runtime_error("cannot open serial port " + config_.path + ": " + ec.message());
    }
    on_opened();
  } else if (config_.kind == LinkConfig::Kind::udp) {
    try {
      const asio::ip::udp::endpoint at(asio::ip::make_address(config_.host), config_.port);
      udp_.open(at.protocol());
      udp_.bind(at);
    } catch (boost::system::system_error const& e) {
      supervisor_.abandon();
      throw std::runtime_error("cannot listen on udp " + config_.host + ":" +
                               std::to_string(config_.port) + ": " + e.code().message());
    }
    on_opened();
  } else {
    // Resolve once, here (set-up may block); reconnects reuse the address.
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(config_.host, ec);
    if (!ec) {
      endpoint_ = asio::ip::tcp::endpoint(address, config_.port);
    } else {
      asio::ip::tcp::resolver resolver(executor_);
      const auto results = resolver.resolve(config_.host, std::to_string(config_.port), ec);
      if (ec || results.empty()) {
        supervisor_.abandon();
        throw std::runtime_error("cannot resolve host '" + config_.host + "'");
      }
      endpoint_ = *results.begin();
    }
    open_link();
  }
}

void LinkDevice::open_link() noexcept {
  if (!supervisor_.running()) return;
  if (config_.kind == LinkConfig::Kind::serial) {
    if (const auto ec = open_serial()) {
      supervisor_.retry(State::reconnecting, explain("not there yet", ec).view());
      return;
    }
    on_opened();
    return;
  }
  const std::uint64_t gen = generation_;
  tcp_.async_connect(endpoint_, [this, gen](boost::system::error_code e) {
    if (!supervisor_.running() || gen != generation_) return;
    if (e) {
      supervisor_.retry(State::reconnecting, explain("connect failed", e).view());
      return;
    }
    asio::ip::tcp::no_delay nd(true);
    boost::system::error_code ignored;
    tcp_.set_option(nd, ignored);
    on_opened();
  });
}

void LinkDevice::on_opened() noexcept {
  open_ = true;
  tx_len_ = 0;
  writing_ = false;
  supervisor_.status(State::connecting, protocol_->streaming() ? "open, waiting for data" : "open, handshake");
  send(protocol_->on_open(clock_.now_s()));
  read();
  supervisor_.watch();
}

void LinkDevice::read() noexcept {
  const std::uint64_t gen = generation_;
  auto handler = [this, gen](boost::system::error_code ec, std::size_t n) { on_read(ec, n, gen); };
  switch (config_.kind) {
  case LinkConfig::Kind::serial: serial_.async_read_some(asio::buffer(rx_), handler); break;
  case LinkConfig::Kind::tcp: tcp_.async_read_some(asio::buffer(rx_), handler); break;
  case LinkConfig::Kind::udp: udp_.async_receive_from(asio::buffer(rx_), udp_from_, handler); break;
  }
}

void LinkDevice::on_read(boost::system::error_code ec, std::size_t n, std::uint64_t gen) noexcept {
  if (!supervisor_.running() || gen != generation_) return;
  const double now = clock_.now_s();
  if (n > 0) {
    supervisor_.data(now); // a gap covering the silence goes out first
    batch_.begin(now, *sink_);
    send(protocol_->on_bytes({rx_.data(), n}, now, batch_));
    if (config_.kind == LinkConfig::Kind::udp) protocol_->on_datagram_end(now, batch_);
    const State state = supervisor_.state();
    if (protocol_->streaming() && state != State::streaming && state != State::error)
      supervisor_.streaming("streaming");
    report_errors(now);
    batch_.flush();
  }
  if (ec) {
    if (ec == asio::error::operation_aborted) return;
    if (config_.kind == LinkConfig::Kind::udp && ec != asio::error::bad_descriptor) {
      read(); // ICMP errors and truncation on UDP are per-datagram: keep listening
      return;
    }
    supervisor_.lost(explain("device gone", ec).view());
    return;
  }
  read();
}

void LinkDevice::report_errors(double now) noexcept {
  // Bad and lost frames are counted by the parser; the app hears of new ones every 10 s at most.
  const ParserStats s = protocol_->stats();
  if (!supervisor_.report_due(now, s.errors, s.lost)) return;
  std::array<char, 80> text{};
  const int n = std::snprintf(text.data(), text.size(), "streaming; %llu bad frames skipped, %llu lost so far",
                              static_cast<unsigned long long>(s.errors), static_cast<unsigned long long>(s.lost));
  supervisor_.status(supervisor_.state(), {text.data(), static_cast<std::size_t>(std::clamp(n, 0, 79))});
}

void LinkDevice::send(std::span<const std::uint8_t> bytes) noexcept {
  if (bytes.empty() || !open_ || config_.kind == LinkConfig::Kind::udp) return;
  const std::size_t n = std::min(bytes.size(), tx_.size() - tx_len_);
  std::memcpy(tx_.data() + tx_len_, bytes.data(), n);
  tx_len_ += n;
  write_pending();
}

void LinkDevice::write_pending() noexcept {
  if (writing_ || tx_len_ == 0 || !open_) return;
  std::memcpy(tx_inflight_.data(), tx_.data(), tx_len_);
  const std::size_t n = tx_len_;
  tx_len_ = 0;
  writing_ = true;
  const std::uint64_t gen = generation_;
  auto done = [this, gen](boost::system::error_code ec, std::size_t) {
    if (gen != generation_) return;
    writing_ = false;
    if (ec) return; // the read side reports the loss
    write_pending();
  };
  if (config_.kind == LinkConfig::Kind::serial)
    asio::async_write(serial_, asio::buffer(tx_inflight_.data(), n), done);
  else
    asio::async_write(tcp_, asio::buffer(tx_inflight_.data(), n), done);
}

void LinkDevice::close_link() noexcept {
  ++generation_;
  open_ = false;
  writing_ = false;
  tx_len_ = 0;
  boost::system::error_code ec;
  serial_.close(ec);
  tcp_.close(ec);
  protocol_->on_close();
  batch_.reset();
}

void LinkDevice::shutdown_link() noexcept {
  if (open_) {
    const auto bye = protocol_->on_shutdown();
    if (!bye.empty()) { // best effort, synchronous: the device must stop streaming
      boost::system::error_code ec;
      if (config_.kind == LinkConfig::Kind::serial) asio::write(serial_, asio::buffer(bye.data(), bye.size()), ec);
      if (config_.kind == LinkConfig::Kind::tcp) asio::write(tcp_, asio::buffer(bye.data(), bye.size()), ec);
    }
  }
  close_link();
  boost::system::error_code ec;
  udp_.close(ec);
}

void LinkDevice::stop() noexcept { supervisor_.stop(); }

} // namespace pneuma::drivers
