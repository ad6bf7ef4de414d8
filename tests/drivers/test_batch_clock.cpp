// One notification / one read = one batch: mapped onto the session clock by its newest device time.
#include <catch2/catch.hpp>

#include "drivers/parser_support.hpp"
#include "pneuma/drivers/parsers/clock_map.hpp"

using namespace pneuma::drivers;
using pneuma::test::CollectingSink;

TEST_CASE("batch clock: a frame keeps its device spacing and ends at its arrival", "[drivers]") {
  BatchClock clock(5.0, 2.0);
  CollectingSink out;
  clock.begin(10.0, out);
  for (int i = 0; i < 3; ++i) clock.on_sample(EcgSample{10.0, 1000.0 + i / 130.0, static_cast<float>(i)});
  clock.flush();
  const auto ecg = out.of<EcgSample>();
  REQUIRE(ecg.size() == 3);
  CHECK(ecg[2].t_s == Approx(10.0));                       // the newest sample anchors the frame
  CHECK(ecg[1].t_s == Approx(10.0 - 1.0 / 130).margin(1e-9)); // earlier ones happened before it
  CHECK(ecg[0].t_s == Approx(10.0 - 2.0 / 130).margin(1e-9));
}

TEST_CASE("batch clock: the two clock domains are mapped apart, others pass in order", "[drivers]") {
  BatchClock clock;
  CollectingSink out;
  clock.begin(5.0, out);
  clock.on_sample(RespSample{5.0, 100.0, 1.0f});                  // link clock
  clock.on_sample(HeartRate{5.0, 60.0f, false, false});           // no device time
  clock.on_sample(EcgSample{5.0, 7000.0, 2.0f});                  // PMD clock
  clock.on_sample(RrInterval{5.0, kNoDeviceTime, 1024});          // no device time: unchanged
  clock.flush();
  REQUIRE(out.all.size() == 4);
  CHECK(std::holds_alternative<RespSample>(out.all[0]));
  CHECK(std::holds_alternative<HeartRate>(out.all[1]));
  CHECK(std::get<RespSample>(out.all[0]).t_s == Approx(5.0));
  CHECK(std::get<EcgSample>(out.all[2]).t_s == Approx(5.0));
  CHECK(std::get<RrInterval>(out.all[3]).t_s == Approx(5.0));
  // a later batch: 1 s on both device clocks, arriving 1.2 s later (0.2 s of delay)
  clock.begin(6.2, out);
  clock.on_sample(RespSample{6.2, 101.0, 1.0f});
  clock.on_sample(EcgSample{6.2, 7001.0, 2.0f});
  clock.flush();
  CHECK(std::get<RespSample>(out.all[4]).t_s == Approx(6.0).margin(0.01)); // delay only adds
  CHECK(std::get<EcgSample>(out.all[5]).t_s == Approx(6.0).margin(0.01));
}

TEST_CASE("batch clock: an overflowing batch is passed on in parts, nothing lost", "[drivers]") {
  BatchClock clock;
  CollectingSink out;
  clock.begin(1.0, out);
  const std::size_t n = BatchClock::kCapacity + 10;
  for (std::size_t i = 0; i < n; ++i) clock.on_sample(AccSample{1.0, 50.0 + static_cast<double>(i) * 0.005, 0, 0, 0});
  clock.flush();
  const auto acc = out.of<AccSample>();
  REQUIRE(acc.size() == n);
  for (auto const& a : acc) CHECK(a.t_s <= 1.0);
}

TEST_CASE("batch clock: reset re-anchors and drops a pending batch", "[drivers]") {
  BatchClock clock;
  CollectingSink out;
  clock.begin(1.0, out);
  clock.on_sample(RespSample{1.0, 10.0, 0});
  clock.flush();
  clock.on_sample(RespSample{1.0, 11.0, 0});
  clock.reset();
  clock.flush();
  CHECK(out.all.size() == 1);
  clock.begin(50.0, out);
  clock.on_sample(RespSample{50.0, 3.0, 0}); // device rebooted: its clock starts again
  clock.flush();
  CHECK(std::get<RespSample>(out.all[1]).t_s == Approx(50.0));
}
