#pragma once
// One Boost.Asio io_context on one thread, guarded: an exception escaping a handler is reported
// through `on_error` and the loop resumes, so a bad device never takes the session down.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <string>
#include <thread>

namespace pneuma::drivers {

class IoThread {
public:
  using ErrorHandler = std::function<void(std::string const&)>;
  explicit IoThread(ErrorHandler on_error = {});
  ~IoThread();
  IoThread(IoThread const&) = delete;
  IoThread& operator=(IoThread const&) = delete;

  boost::asio::io_context& context() noexcept { return io_; }
  boost::asio::any_io_executor executor() noexcept { return io_.get_executor(); }
  void start();
  /// Lets the handlers already posted run (up to 5 s: devices' shutdowns), then stops the loop
  /// and joins; idempotent. Not from the io thread itself.
  void stop() noexcept;

private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  ErrorHandler on_error_;
  std::thread thread_;
};

} // namespace pneuma::drivers
