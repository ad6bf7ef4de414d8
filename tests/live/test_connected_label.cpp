// The strap's "connected to NAME (ADDRESS)" status reaches Metrics::connected_to (headless prints
// it once) as LinkSupervisor really sends it: prefixed with the device's own name.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <string>

#include "drivers/parser_support.hpp"
#include "live/live_analyzer.hpp"
#include "pneuma/drivers/link_supervisor.hpp"

using namespace pneuma;
using State = drivers::DeviceStatus::State;

namespace {
struct NoLink final : drivers::SupervisedLink {
  void open_link() noexcept override {}
  void close_link() noexcept override {}
  void shutdown_link() noexcept override {}
};
struct NoTimers final : drivers::SupervisorTimers {
  void arm(Slot, double) noexcept override {}
  void cancel(Slot) noexcept override {}
};
} // namespace

TEST_CASE("live: the strap it connected to, from the supervisor's prefixed status", "[live][ble]") {
  boost::asio::io_context io; // never run
  drivers::ManualClock clock;
  NoLink link;
  NoTimers timers;
  test::CollectingSink sink;
  // Named as BleStrap names it: the address's colons are in the prefix.
  drivers::LinkSupervisor sup(io.get_executor(), clock, "ble:A0:9E:1A:12:34:56", {}, link, &timers);
  sup.begin(sink);
  app::LiveAnalyzer analyzer(app::LiveAnalyzerConfig{});
  auto feed = [&] {
    for (auto const& s : sink.all) analyzer.process(s);
    sink.all.clear();
  };

  sup.status(State::connecting, "connecting to dev_A0_9E_1A_12_34_56");
  feed();
  CHECK(std::string(analyzer.metrics().connected_to.data()).empty());

  sup.streaming("connected to Polar H10 1234ABCD (A0:9E:1A:12:34:56): streaming heart rate; starting Polar ECG");
  feed();
  CHECK(analyzer.metrics().status.message().starts_with("ble:A0:9E:1A:12:34:56: connected to ")); // as sent
  CHECK(std::string(analyzer.metrics().connected_to.data()) == "Polar H10 1234ABCD (A0:9E:1A:12:34:56)");

  // A later status (a stall, the next count) leaves the label; a status that is not streaming
  // never sets one.
  clock.advance(2);
  sup.status(State::stalled, "stalled: no notification for a while");
  feed();
  CHECK(std::string(analyzer.metrics().connected_to.data()) == "Polar H10 1234ABCD (A0:9E:1A:12:34:56)");

  app::LiveAnalyzer other(app::LiveAnalyzerConfig{});
  sup.status(State::connecting, "connected to Polar H10 1234ABCD (A0:9E:1A:12:34:56): not yet streaming");
  for (auto const& s : sink.all) other.process(s);
  CHECK(std::string(other.metrics().connected_to.data()).empty());
}
