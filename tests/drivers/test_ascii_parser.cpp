// Arduino Serial-Plotter lines (protocols.md §4.3).
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "drivers/parser_support.hpp"
#include "pneuma/drivers/parsers/ascii_plotter.hpp"

using namespace pneuma::drivers;
using pneuma::test::bytes;
using pneuma::test::CollectingSink;

TEST_CASE("ascii plotter: bare numbers with LF and CR LF", "[drivers]") {
  AsciiPlotterParser p;
  CollectingSink sink;
  p.feed(bytes("512\r\n513\n\n\r\n-4.5\n"), 2.0, sink);
  const auto r = sink.of<RespSample>();
  REQUIRE(r.size() == 3);
  CHECK(r[0].value == 512);
  CHECK(r[2].value == -4.5f);
  CHECK(r[0].t_s == 2.0);
  CHECK(p.stats().errors == 0);
}

TEST_CASE("ascii plotter: columns, separators and labels", "[drivers]") {
  AsciiPlotterParser col(1);
  CollectingSink a;
  col.feed(bytes("1 2 3\n4\t5\t6\n7,8,9\n"), 0, a);
  REQUIRE(a.of<RespSample>().size() == 3);
  CHECK(a.of<RespSample>()[2].value == 8);
  AsciiPlotterParser lab(0, "belt");
  CollectingSink b;
  lab.feed(bytes("hr:70,belt:1234\nbelt:1240 hr:71\nhr:72\n"), 0, b);
  REQUIRE(b.of<RespSample>().size() == 2);
  CHECK(b.of<RespSample>()[1].value == 1240);
  CHECK(lab.stats().errors == 1);
}

TEST_CASE("ascii plotter: boot noise and half numbers are garbage, sync is kept", "[drivers]") {
  AsciiPlotterParser p;
  CollectingSink sink;
  using namespace std::string_view_literals;
  p.feed(bytes("\xff\xfe\x00garbage\n12x\n100\n"sv), 0, sink);
  REQUIRE(sink.of<RespSample>().size() == 1);
  CHECK(sink.of<RespSample>()[0].value == 100);
  CHECK(p.stats().errors == 2);
}

TEST_CASE("ascii plotter: over-long lines are dropped whole", "[drivers]") {
  AsciiPlotterParser p;
  CollectingSink sink;
  p.feed(bytes(std::string(1000, '1') + "\n42\n"), 0, sink);
  REQUIRE(sink.of<RespSample>().size() == 1);
  CHECK(sink.of<RespSample>()[0].value == 42);
}

TEST_CASE("ascii plotter: random bytes never crash", "[drivers]") {
  AsciiPlotterParser p(2, "");
  std::mt19937 rng(9);
  std::vector<std::uint8_t> v(50000);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng() % 4 == 0 ? '\n' : rng());
  struct Null final : SampleSink { void on_sample(DeviceSample const&) noexcept override {} } null;
  p.feed(v, 0, null);
  CHECK(p.stats().bytes == 50000);
}
