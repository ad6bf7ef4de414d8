// No silent failure in the plumbing: an exception escaping a handler on the io thread reaches
// the IoThread's error handler, and in a live pipeline it becomes a fatal DeviceStatus that the
// window (Metrics::status) and the recording see. Waits are for conditions, with timeouts.
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "live/headless.hpp"
#include "live/pipeline.hpp"
#include "pneuma/drivers/io_thread.hpp"

using namespace pneuma;
using State = drivers::DeviceStatus::State;

namespace {

template <class Pred> bool eventually(Pred pred, std::chrono::seconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

/// A device whose first handler throws (what a driver must never do).
class ThrowingDevice final : public drivers::Device {
public:
  explicit ThrowingDevice(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}
  void start(drivers::SampleSink&) override {
    boost::asio::post(executor_, [] { throw std::runtime_error("handler blew up"); });
  }
  void stop() noexcept override {}
  [[nodiscard]] std::string_view name() const noexcept override { return "throwing"; }

private:
  boost::asio::any_io_executor executor_;
};

} // namespace

TEST_CASE("io thread: an exception escaping a handler reaches the error handler and the loop goes on", "[drivers]") {
  std::mutex m;
  std::string seen;
  std::atomic<bool> later_ran{false};
  drivers::IoThread io([&](std::string const& what) {
    std::lock_guard lock(m);
    seen = what;
  });
  boost::asio::post(io.executor(), [] { throw std::runtime_error("boom"); });
  boost::asio::post(io.executor(), [&] { later_ran = true; });
  io.start();
  REQUIRE(eventually([&] { return later_ran.load(); }));
  io.stop();
  std::lock_guard lock(m);
  CHECK(seen == "boom");
}

TEST_CASE("pipeline: an exception on the io thread becomes a fatal device status the user sees", "[app]") {
  drivers::SessionClock clock;
  app::PipelineConfig config;
  config.sources.push_back(drivers::SourceSpec::parse("sim"));
  app::Pipeline pipeline(config, clock);
  pipeline.add_device(std::make_unique<ThrowingDevice>(pipeline.executor()));
  pipeline.start();
  app::Metrics metrics;
  const bool shown = eventually([&] {
    (void)pipeline.metrics().read(metrics);
    return metrics.status.state == State::error;
  });
  const std::string text(metrics.status.message());
  pipeline.stop();
  INFO(text);
  REQUIRE(shown);
  CHECK(text.find("fatal: handler blew up") == 0);
  CHECK(pipeline.io_errors() == 1);
}

TEST_CASE("headless: an exception on the io thread is told on stderr, once, while the lines go on", "[app]") {
  drivers::SessionClock clock(50.0); // 30 s of session in about 0.6 s
  app::PipelineConfig config;
  config.sources.push_back(drivers::SourceSpec::parse("sim"));
  app::Pipeline pipeline(config, clock);
  pipeline.add_device(std::make_unique<ThrowingDevice>(pipeline.executor()));
  std::ostringstream out, err;
  std::atomic<bool> interrupted{false};
  app::run_headless(pipeline, 0.5, out, interrupted, err);
  INFO(err.str());
  CHECK(err.str() == "pneuma: device error: fatal: handler blew up (I/O thread; a device may have stopped)\n");
  // The session itself went on: one line per second of session time.
  std::size_t lines = 0;
  for (char c : out.str()) lines += c == '\n';
  CHECK(lines == 30);
}

TEST_CASE("pipeline: devices are added before start only", "[app]") {
  drivers::SessionClock clock;
  app::PipelineConfig config;
  config.sources.push_back(drivers::SourceSpec::parse("sim"));
  app::Pipeline pipeline(config, clock);
  pipeline.start();
  CHECK_THROWS_AS(pipeline.add_device(std::make_unique<ThrowingDevice>(pipeline.executor())), std::logic_error);
  pipeline.stop();
}
