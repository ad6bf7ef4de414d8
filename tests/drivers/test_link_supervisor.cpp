// LinkSupervisor with a hand-moved clock and hand-fired timers: backoff, watchdog, gaps, status
// throttling and a stop that returns before the io thread has done anything. No sleeps.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>

#include "drivers/parser_support.hpp"
#include "pneuma/drivers/link_supervisor.hpp"

using namespace pneuma::drivers;
using pneuma::test::CollectingSink;
using State = DeviceStatus::State;
using Slot = SupervisorTimers::Slot;

namespace {

struct FakeTimers final : SupervisorTimers {
  std::array<std::optional<double>, 2> armed;
  void arm(Slot slot, double wall_s) noexcept override { armed[static_cast<std::size_t>(slot)] = wall_s; }
  void cancel(Slot slot) noexcept override { armed[static_cast<std::size_t>(slot)].reset(); }
  std::optional<double> const& operator[](Slot slot) const { return armed[static_cast<std::size_t>(slot)]; }
};

struct FakeLink final : SupervisedLink {
  int opens = 0, closes = 0, shutdowns = 0;
  void open_link() noexcept override { ++opens; }
  void close_link() noexcept override { ++closes; }
  void shutdown_link() noexcept override { ++shutdowns; }
};

struct Rig {
  boost::asio::io_context io; // never run unless a test says so
  ManualClock clock;
  FakeTimers timers;
  FakeLink link;
  CollectingSink sink;
  LinkSupervisor sup;
  explicit Rig(SupervisorConfig c = config())
      : sup(io.get_executor(), clock, "test", std::move(c), link, &timers) {
    sup.flowing(SignalGap::Stream::resp, true);
    sup.begin(sink);
  }
  static SupervisorConfig config() {
    SupervisorConfig c;
    c.backoff_min_s = 0.5;
    c.backoff_max_s = 5.0;
    c.watchdog_wall_s = 1.0;
    c.stall_after_s = 1.0;
    c.reopen_after_silent = 4;
    c.stalled_text = "stalled: no data for 1.0 s";
    return c;
  }
  /// Fires a timer that must be armed, as Asio would.
  void fire(Slot slot) {
    REQUIRE(timers[slot].has_value());
    timers.armed[static_cast<std::size_t>(slot)].reset();
    sup.on_timer(slot);
  }
  std::vector<DeviceStatus> statuses() const { return sink.of<DeviceStatus>(); }
  DeviceStatus last_status() const { return statuses().back(); }
};

} // namespace

TEST_CASE("link supervisor: failures back off 0.5, 1, 2, 4, 5, 5 s and streaming starts over", "[drivers]") {
  Rig rig;
  std::vector<double> waits;
  rig.sup.retry(State::reconnecting, "not there yet");
  for (int i = 0; i < 6; ++i) {
    waits.push_back(*rig.timers[Slot::retry]);
    rig.fire(Slot::retry);
    CHECK(rig.link.opens == i + 1);
    rig.sup.retry(State::reconnecting, "not there yet"); // the transport fails again
  }
  CHECK(waits == std::vector<double>{0.5, 1, 2, 4, 5, 5});
  CHECK(rig.last_status().message() == "test: reconnecting in 5.0 s");
  rig.sup.streaming("streaming");
  CHECK(rig.sup.state() == State::streaming);
  rig.sup.lost("device gone");
  CHECK(*rig.timers[Slot::retry] == 0.5);
  CHECK(rig.link.closes == 8); // every failure and the loss closed the link
}

TEST_CASE("link supervisor: silence is stalled once, and data resumes with a SignalGap", "[drivers]") {
  Rig rig;
  rig.sup.watch();
  rig.clock.set(10.0);
  rig.sup.data(10.0);
  rig.sup.streaming("streaming");
  rig.clock.set(10.5);
  rig.fire(Slot::watchdog); // 0.5 s of silence: fine
  CHECK(rig.sup.state() == State::streaming);
  rig.clock.set(11.6);
  rig.fire(Slot::watchdog);
  CHECK(rig.sup.state() == State::stalled);
  CHECK(rig.last_status().message() == "test: stalled: no data for 1.0 s");
  rig.clock.set(12.7);
  rig.fire(Slot::watchdog); // still silent: no second "stalled"
  std::size_t stalled = 0;
  for (auto const& s : rig.statuses()) stalled += s.state == State::stalled;
  CHECK(stalled == 1);
  CHECK(rig.sink.of<SignalGap>().empty()); // the gap goes out when data resumes, not before
  rig.clock.set(13.0);
  rig.sup.data(13.0);
  const auto gaps = rig.sink.of<SignalGap>();
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0].from_s == 10.0);
  CHECK(gaps[0].to_s == 13.0);
  CHECK(gaps[0].stream == SignalGap::Stream::resp);
  rig.sup.data(13.1);
  CHECK(rig.sink.of<SignalGap>().size() == 1); // one gap per silence
}

TEST_CASE("link supervisor: after four silent periods the link is reopened", "[drivers]") {
  Rig rig;
  rig.sup.watch();
  for (int i = 1; i <= 4; ++i) {
    rig.clock.set(1.0 * i);
    rig.fire(Slot::watchdog); // never any data
  }
  CHECK(rig.link.closes == 1);
  CHECK(rig.sup.state() == State::reconnecting);
  CHECK_FALSE(rig.timers[Slot::watchdog].has_value());
  REQUIRE(rig.timers[Slot::retry].has_value());
  rig.fire(Slot::retry);
  CHECK(rig.link.opens == 1);
}

TEST_CASE("link supervisor: a loss marks a gap for every stream that was flowing", "[drivers]") {
  Rig rig;
  rig.sup.flowing(SignalGap::Stream::ecg, true);
  rig.sup.data(1.0);
  rig.sup.lost("disconnected");
  rig.sup.flowing(SignalGap::Stream::ecg, false); // the new link has not started ECG yet
  rig.sup.data(4.0);
  const auto gaps = rig.sink.of<SignalGap>();
  REQUIRE(gaps.size() == 2);
  CHECK(gaps[0].stream == SignalGap::Stream::resp);
  CHECK(gaps[1].stream == SignalGap::Stream::ecg);
  CHECK(gaps[1].from_s == 1.0);
  // a loss that asks for no gap (before streaming) leaves none
  rig.sup.lost("connect failed", false);
  rig.sup.data(6.0);
  CHECK(rig.sink.of<SignalGap>().size() == 2);
}

TEST_CASE("link supervisor: count reports are throttled to one per period", "[drivers]") {
  Rig rig;
  CHECK_FALSE(rig.sup.report_due(1.0, 0, 0)); // nothing new
  CHECK(rig.sup.report_due(1.0, 1, 0));
  CHECK_FALSE(rig.sup.report_due(2.0, 2, 0)); // new, but too soon
  CHECK_FALSE(rig.sup.report_due(10.9, 3, 1));
  CHECK(rig.sup.report_due(11.0, 3, 1));
  CHECK_FALSE(rig.sup.report_due(30.0, 3, 1)); // late, but nothing new
}

TEST_CASE("link supervisor: stop returns before the io thread ran, the shutdown runs there", "[drivers]") {
  Rig rig;
  rig.sup.watch();
  rig.sup.stop(); // the io context is not running: a waiting stop would hang here
  CHECK(rig.link.shutdowns == 0);
  CHECK(rig.sup.running());
  rig.sup.stop(); // twice is fine
  rig.io.poll();
  CHECK(rig.link.shutdowns == 1);
  CHECK_FALSE(rig.sup.running());
  CHECK(rig.last_status().state == State::ended);
  CHECK_FALSE(rig.timers[Slot::watchdog].has_value());
  rig.sup.finish(); // the destructor's call: nothing more
  CHECK(rig.link.shutdowns == 1);
}

TEST_CASE("link supervisor: finish shuts down when the posted stop never ran", "[drivers]") {
  FakeLink link;
  {
    boost::asio::io_context io;
    ManualClock clock;
    FakeTimers timers;
    CollectingSink sink;
    LinkSupervisor sup(io.get_executor(), clock, "test", SupervisorConfig{}, link, &timers);
    sup.begin(sink);
    sup.stop();
    sup.finish();
    CHECK(link.shutdowns == 1);
    io.poll(); // the posted shutdown finds it done
  }
  CHECK(link.shutdowns == 1);
}

TEST_CASE("link supervisor: the default timers fire on the io context", "[drivers]") {
  boost::asio::io_context io;
  ManualClock clock;
  FakeLink link;
  CollectingSink sink;
  SupervisorConfig c;
  c.backoff_min_s = 0.001;
  LinkSupervisor sup(io.get_executor(), clock, "test", c, link, nullptr);
  sup.begin(sink);
  sup.retry(State::reconnecting, "not there yet");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (link.opens == 0 && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(100));
  CHECK(link.opens == 1);
  sup.finish();
}
