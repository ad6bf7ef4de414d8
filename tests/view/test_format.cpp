// view/format: the numbers the window shows, "?" for unknown, a trailing "?" for poor data, and
// no allocation once a kept string has room (the UI thread formats every frame).
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "support/alloc_counter.hpp"
#include "view/format.hpp"

using namespace pneuma::app;

TEST_CASE("view format: clock, numbers and shown values", "[view]") {
  CHECK(format_clock(0) == "00:00");
  CHECK(format_clock(252.4) == "04:12");
  CHECK(format_clock(59.9999999) == "01:00"); // a float a hair under the second still shows it
  CHECK(format_clock(3600) == "60:00");       // minutes keep counting past an hour
  CHECK(format_clock(-5) == "00:00");
  CHECK(std::string(ClockText(61).text) == "01:01");
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  CHECK(format_number(nan, 1) == "?");
  CHECK(format_number(inf, 1) == "?");
  CHECK(format_number(6.04, 1) == "6.0");
  CHECK(format_number(67.35, 0) == "67");
  CHECK(format_number(0.125, 3) == "0.125");
  const auto unknown = shown(nan, 1, true);
  CHECK(unknown.text == "?");
  CHECK_FALSE(unknown.trusted);
  const auto poor = shown(5.26, 1, false);
  CHECK(poor.text == "5.3?");
  CHECK_FALSE(poor.trusted);
  const auto good = shown(5.26, 1, true);
  CHECK(good.text == "5.3");
  CHECK(good.trusted);
  std::string long_line;
  assign_format(long_line, "%s", std::string(400, 'x').c_str());
  CHECK(long_line.size() == 255); // at most 255 characters, cut, never overflowing
}

TEST_CASE("view format: a kept value is reformatted without allocating", "[view]") {
  ShownValue kept;
  kept.text.reserve(32);
  std::string line;
  line.reserve(64);
  std::uint64_t allocations = 0;
  {
    const pneuma::test::AllocationCount counted;
    for (int frame = 0; frame < 1000; ++frame) {
      assign_shown(kept, 60 + frame * 0.01, 1, frame % 2 == 0);
      assign_format(line, "%s /min  %d", kept.text.c_str(), frame);
    }
    allocations = counted.count();
  }
  CHECK(allocations == 0);
  CHECK(kept.text == "70.0?");
  CHECK(line == "70.0? /min  999");
}
