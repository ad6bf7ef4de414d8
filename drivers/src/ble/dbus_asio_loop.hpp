#pragma once
// Drives an sd-bus connection from an Asio io_context: the connection's fd and timeout are
// watched by Asio, and pending messages are dispatched (sdbus callbacks run on the io thread).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <poll.h>
#include <sdbus-c++/IConnection.h>
#include <time.h>
#include <unistd.h>

namespace pneuma::drivers::detail {

class DbusAsioLoop {
public:
  DbusAsioLoop(boost::asio::any_io_executor executor, sdbus::IConnection& connection)
      : executor_(executor), connection_(connection), fd_(executor), timer_(executor),
        alive_(std::make_shared<bool>(true)) {
    fd_.assign(::dup(connection_.getEventLoopPollData().fd));
  }
  ~DbusAsioLoop() { stop(); }
  DbusAsioLoop(DbusAsioLoop const&) = delete;
  DbusAsioLoop& operator=(DbusAsioLoop const&) = delete;

  /// Dispatches what is pending now and re-arms; call after sending anything.
  void kick() noexcept {
    std::weak_ptr<bool> alive = alive_;
    boost::asio::post(executor_, [this, alive] {
      if (alive.lock()) pump();
    });
  }
  void stop() noexcept {
    alive_.reset();
    boost::system::error_code ec;
    fd_.cancel(ec);
    fd_.close(ec);
    timer_.cancel();
  }
  /// Runs one dispatch round now (on the io thread).
  void pump() noexcept {
    if (!alive_) return;
    try {
      for (int i = 0; i < 1000 && connection_.processPendingRequest(); ++i) {
        if (!alive_) return; // a callback stopped us
      }
    } catch (...) { // a handler threw or the connection broke: the device notices on its own
    }
    if (alive_) arm();
  }

private:
  void arm() noexcept {
    sdbus::IConnection::PollData pd{};
    try {
      pd = connection_.getEventLoopPollData();
    } catch (...) {
      return;
    }
    std::weak_ptr<bool> alive = alive_;
    if (!read_waiting_) {
      read_waiting_ = true;
      fd_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                     [this, alive](boost::system::error_code ec) {
                       if (!alive.lock()) return;
                       read_waiting_ = false;
                       if (!ec) pump();
                     });
    }
    if ((pd.events & POLLOUT) && !write_waiting_) {
      write_waiting_ = true;
      fd_.async_wait(boost::asio::posix::descriptor_base::wait_write,
                     [this, alive](boost::system::error_code ec) {
                       if (!alive.lock()) return;
                       write_waiting_ = false;
                       if (!ec) pump();
                     });
    }
    if (pd.timeout_usec != UINT64_MAX) {
      timespec now{};
      clock_gettime(CLOCK_MONOTONIC, &now);
      const auto now_us = static_cast<std::uint64_t>(now.tv_sec) * 1000000u +
                          static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
      const auto wait_us = pd.timeout_usec > now_us ? pd.timeout_usec - now_us : 0;
      timer_.expires_after(std::chrono::microseconds(wait_us));
      timer_.async_wait([this, alive](boost::system::error_code ec) {
        if (!ec && alive.lock()) pump();
      });
    }
  }

  boost::asio::any_io_executor executor_;
  sdbus::IConnection& connection_;
  boost::asio::posix::stream_descriptor fd_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<bool> alive_;
  bool read_waiting_ = false;
  bool write_waiting_ = false;
};

} // namespace pneuma::drivers::detail
