#include "pneuma/drivers/link/link_device.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <future>
#include <stdexcept>

namespace pneuma::drivers {
namespace asio = boost::asio;
using State = DeviceStatus::State;

namespace {
std::chrono::steady_clock::duration seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}
} // namespace

LinkDevice::LinkDevice(asio::any_io_executor executor, Clock const& clock, LinkConfig config,
                       std::unique_ptr<ByteProtocol> protocol)
    : executor_(executor), clock_(clock), config_(std::move(config)), protocol_(std::move(protocol)),
      serial_(executor), tcp_(executor), udp_(executor), retry_timer_(executor), watchdog_(executor) {
  switch (config_.kind) {
  case LinkConfig::Kind::serial: name_ = "serial:" + config_.path; break;
  case LinkConfig::Kind::tcp: name_ = "tcp:" + config_.host + ":" + std::to_string(config_.port); break;
  case LinkConfig::Kind::udp: name_ = "udp:" + config_.host + ":" + std::to_string(config_.port); break;
  }
  name_ += " (" + std::string(protocol_->name()) + ")";
  stall_s_ = config_.stall_s > 0 ? config_.stall_s : std::max(1.0, 3.0 * protocol_->expected_period_s());
  backoff_s_ = config_.backoff_min_s;
}

LinkDevice::~LinkDevice() { stop(); }

void LinkDevice::status(State state, std::string_view text) noexcept {
  state_ = state;
  if (sink_ == nullptr) return;
  std::array<char, 120> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%.*s: %.*s", static_cast<int>(name_.size()),
                              name_.data(), static_cast<int>(text.size()), text.data());
  sink_->on_sample(DeviceStatus::make(clock_.now_s(), state,
                                      {buf.data(), static_cast<std::size_t>(std::clamp(n, 0, 119))}));
}

void LinkDevice::open_serial_or_throw() {
  serial_.open(config_.path); // resolves the path (and any symlink) afresh every time
  serial_.set_option(asio::serial_port::baud_rate(config_.baud));
  serial_.set_option(asio::serial_port::character_size(8));
  serial_.set_option(asio::serial_port::parity(asio::serial_port::parity::none));
  serial_.set_option(asio::serial_port::stop_bits(asio::serial_port::stop_bits::one));
  serial_.set_option(asio::serial_port::flow_control(asio::serial_port::flow_control::none));
}

void LinkDevice::start(SampleSink& sink) {
  sink_ = &sink;
  running_ = true;
  status(State::connecting, "opening");
  if (config_.kind == LinkConfig::Kind::serial) {
    try {
      open_serial_or_throw();
    } catch (boost::system::system_error const& e) {
      running_ = false;
      boost::system::error_code ignored;
      serial_.close(ignored);
      throw std::runtime_error("cannot open serial port " + config_.path + ": " + e.code().message());
    }
    on_opened();
  } else if (config_.kind == LinkConfig::Kind::udp) {
    try {
      const asio::ip::udp::endpoint at(asio::ip::make_address(config_.host), config_.port);
      udp_.open(at.protocol());
      udp_.bind(at);
    } catch (boost::system::system_error const& e) {
      running_ = false;
      throw std::runtime_error("cannot listen on udp " + config_.host + ":" +
                               std::to_string(config_.port) + ": " + e.code().message());
    }
    on_opened();
  } else {
    open_async();
  }
}

void LinkDevice::open_async() noexcept {
  if (!running_) return;
  boost::system::error_code ec;
  if (config_.kind == LinkConfig::Kind::serial) {
    try {
      open_serial_or_throw();
    } catch (boost::system::system_error const& e) {
      serial_.close(ec);
      status(State::reconnecting, "not there yet (" + e.code().message() + ")");
      schedule_reopen();
      return;
    }
    on_opened();
    return;
  }
  // TCP: connect to a numeric address (or resolve a host name once per attempt).
  asio::ip::tcp::endpoint endpoint;
  const auto address = asio::ip::make_address(config_.host, ec);
  if (ec) {
    asio::ip::tcp::resolver resolver(executor_);
    const auto results = resolver.resolve(config_.host, std::to_string(config_.port), ec);
    if (ec || results.empty()) {
      status(State::reconnecting, "cannot resolve host");
      schedule_reopen();
      return;
    }
    endpoint = *results.begin();
  } else {
    endpoint = asio::ip::tcp::endpoint(address, config_.port);
  }
  const std::uint64_t gen = generation_;
  tcp_.async_connect(endpoint, [this, gen](boost::system::error_code e) {
    if (!running_ || gen != generation_) return;
    if (e) {
      boost::system::error_code ignored;
      tcp_.close(ignored);
      status(State::reconnecting, "connect failed (" + e.message() + ")");
      schedule_reopen();
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
  silent_periods_ = 0;
  tx_len_ = 0;
  writing_ = false;
  status(State::connecting, protocol_->streaming() ? "open, waiting for data" : "open, handshake");
  send(protocol_->on_open(clock_.now_s()));
  read();
  arm_watchdog();
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
  if (!running_ || gen != generation_) return;
  const double now = clock_.now_s();
  if (n > 0) {
    if (gap_pending_) { // silence behind us: tell the DSP it was a gap
      sink_->on_sample(SignalGap{now, last_data_s_, now, 0});
      gap_pending_ = false;
    }
    last_data_s_ = now;
    silent_periods_ = 0;
    batch_arrival_s_ = now;
    send(protocol_->on_bytes({rx_.data(), n}, now, *this));
    if (config_.kind == LinkConfig::Kind::udp) protocol_->on_datagram_end(now, *this);
    if (protocol_->streaming() && state_ != State::streaming && state_ != State::error) {
      backoff_s_ = config_.backoff_min_s;
      status(State::streaming, "streaming");
    }
    flush_batch(now);
  }
  if (ec) {
    if (ec == asio::error::operation_aborted) return;
    if (config_.kind == LinkConfig::Kind::udp && ec != asio::error::bad_descriptor) {
      read(); // ICMP errors and truncation on UDP are per-datagram: keep listening
      return;
    }
    link_lost(ec == asio::error::eof ? "device gone (end of file)" : ec.message());
    return;
  }
  read();
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
  watchdog_.cancel();
  protocol_->on_close();
  link_clock_.reset();
  pmd_clock_.reset();
}

void LinkDevice::link_lost(std::string_view why) noexcept {
  close_link();
  gap_pending_ = true;
  status(State::lost, why);
  schedule_reopen();
}

void LinkDevice::schedule_reopen() noexcept {
  if (!running_) return;
  std::array<char, 48> text{};
  const int n = std::snprintf(text.data(), text.size(), "reconnecting in %.1f s", backoff_s_);
  status(State::reconnecting, {text.data(), static_cast<std::size_t>(std::max(n, 0))});
  retry_timer_.expires_after(seconds(backoff_s_));
  backoff_s_ = std::min(config_.backoff_max_s, backoff_s_ * 2);
  retry_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !running_) return;
    open_async();
  });
}

void LinkDevice::arm_watchdog() noexcept {
  watchdog_.expires_after(seconds(stall_s_));
  const std::uint64_t gen = generation_;
  watchdog_.async_wait([this, gen](boost::system::error_code ec) {
    if (ec || !running_ || gen != generation_) return;
    const double silent = clock_.now_s() - last_data_s_;
    if (silent * 1.0 >= stall_s_ * clock_.speed() * 0.999 || last_data_s_ == 0) ++silent_periods_;
    else silent_periods_ = 0;
    if (silent_periods_ > 0) {
      if (state_ != State::stalled) {
        gap_pending_ = true;
        std::array<char, 64> text{};
        const int n = std::snprintf(text.data(), text.size(), "stalled: no data for %.1f s", stall_s_);
        status(State::stalled, {text.data(), static_cast<std::size_t>(std::max(n, 0))});
      }
      if (silent_periods_ >= 4 && config_.kind != LinkConfig::Kind::udp) {
        link_lost("silent too long, reopening");
        return;
      }
    }
    arm_watchdog();
  });
}

void LinkDevice::on_sample(DeviceSample const& sample) noexcept {
  if (batch_len_ == batch_.size()) flush_batch(batch_arrival_s_);
  batch_[batch_len_++] = sample;
}

void LinkDevice::flush_batch(double arrival_s) noexcept {
  // Learn from the newest device time of each clock: the samples before it happened earlier.
  double link_dev = -1e300, pmd_dev = -1e300;
  for (std::size_t i = 0; i < batch_len_; ++i) {
    std::visit(
        [&](auto const& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, EcgSample> || std::is_same_v<T, AccSample>) {
            if (std::isfinite(v.device_t_s)) pmd_dev = std::max(pmd_dev, v.device_t_s);
          } else if constexpr (std::is_same_v<T, RespSample> || std::is_same_v<T, RrInterval>) {
            if (std::isfinite(v.device_t_s)) link_dev = std::max(link_dev, v.device_t_s);
          }
        },
        batch_[i]);
  }
  if (link_dev > -1e300) (void)link_clock_.map(link_dev, arrival_s);
  if (pmd_dev > -1e300) (void)pmd_clock_.map(pmd_dev, arrival_s);
  for (std::size_t i = 0; i < batch_len_; ++i) {
    DeviceSample& s = batch_[i];
    std::visit(
        [&](auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, EcgSample> || std::is_same_v<T, AccSample>) {
            if (std::isfinite(v.device_t_s)) v.t_s = std::min(pmd_clock_.peek(v.device_t_s), arrival_s);
          } else if constexpr (std::is_same_v<T, RespSample> || std::is_same_v<T, RrInterval>) {
            if (std::isfinite(v.device_t_s)) v.t_s = std::min(link_clock_.peek(v.device_t_s), arrival_s);
          }
        },
        s);
    sink_->on_sample(s);
  }
  batch_len_ = 0;
}

void LinkDevice::shutdown_on_io_thread() noexcept {
  if (!running_) return;
  running_ = false;
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
  retry_timer_.cancel();
  status(State::ended, "stopped");
}

void LinkDevice::stop() noexcept {
  if (!running_) return;
  try {
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    asio::post(executor_, [this, done] {
      shutdown_on_io_thread();
      done->set_value();
    });
    if (finished.wait_for(std::chrono::seconds(1)) == std::future_status::ready) return;
  } catch (...) { // posting failed: fall through
  }
  shutdown_on_io_thread(); // the io thread is not running: nobody else touches us
}

} // namespace pneuma::drivers
