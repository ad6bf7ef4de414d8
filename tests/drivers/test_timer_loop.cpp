// The generated sources' one timer loop: ticks with the session time, stops without waiting.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <vector>

#include "pneuma/drivers/timer_loop.hpp"

using namespace pneuma::drivers;

TEST_CASE("timer loop: each tick gets the session time, after stop no tick runs", "[drivers]") {
  boost::asio::io_context io;
  ManualClock clock;
  clock.set(12.5);
  TimerLoop loop(io.get_executor(), clock);
  std::vector<double> ticks;
  loop.start([&](double now_s) {
    ticks.push_back(now_s);
    clock.advance(0.01);
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (ticks.size() < 3 && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(100));
  REQUIRE(ticks.size() == 3);
  CHECK(ticks[0] == 12.5);
  CHECK(ticks[2] == Approx(12.52));
  loop.stop();
  CHECK_FALSE(loop.running());
  io.poll(); // the cancelled wait completes without a tick
  CHECK(ticks.size() == 3);
}
