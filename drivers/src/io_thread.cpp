#include "pneuma/drivers/io_thread.hpp"

#include <exception>

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
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

} // namespace pneuma::drivers
