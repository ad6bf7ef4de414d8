#include "pneuma/drivers/io_thread.hpp"

#include <boost/asio/post.hpp>
#include <chrono>
#include <exception>
#include <future>
#include <memory>

namespace pneuma::drivers {

IoThread::IoThread(ErrorHandler on_error)
    : work_(boost::asio::make_work_guard(io_)), on_error_(std::move(on_error)) {}

IoThread::~IoThread() { stop(); }

void IoThread::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    while (!io_.stopped()) {
      try {
        io_.run();
        return;
      } catch (std::exception const& e) {
        if (on_error_) on_error_(e.what());
      } catch (...) {
        if (on_error_) on_error_("unknown error on the I/O thread");
      }
    }
  });
}

void IoThread::stop() noexcept {
  // Handlers posted before now run first (a device's stop() posts its shutdown, which sends the
  // device its stop commands): wait for them, a bounded time, unless called from the loop itself.
  if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id() && !io_.stopped()) {
    try {
      auto done = std::make_shared<std::promise<void>>();
      auto drained = done->get_future();
      boost::asio::post(io_, [done] { done->set_value(); });
      (void)drained.wait_for(std::chrono::seconds(5));
    } catch (...) { // cannot post or wait: stop without draining
    }
  }
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

} // namespace pneuma::drivers
