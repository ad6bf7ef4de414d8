// The bridge line protocol (protocols.md §5): checksum, sequence gaps, t_us wrap, resync.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "drivers/parser_support.hpp"
#include "pneuma/drivers/parsers/bridge_line.hpp"
#include "pneuma/drivers/parsers/clock_map.hpp"

using namespace pneuma::drivers;
using pneuma::test::bytes;
using pneuma::test::CollectingSink;

namespace {
std::string line(std::string_view tag, std::uint32_t seq, std::uint32_t t_us, std::string_view payload) {
  std::array<char, 1200> buf{};
  const auto n = format_bridge_line(tag, seq, t_us, payload, buf);
  return {buf.data(), n};
}
} // namespace

TEST_CASE("bridge: NMEA checksum of the documented example", "[drivers]") {
  CHECK(nmea_checksum("HRM,1042,51234567,1048f803ee02") == 0x2B);
  CHECK(line("HRM", 1042, 51234567, "1048f803ee02") == "$HRM,1042,51234567,1048f803ee02*2B\r\n");
}

TEST_CASE("bridge: HRM line gives HR and RR through the 0x2A37 decoder", "[drivers]") {
  BridgeLineParser p;
  CollectingSink sink;
  p.feed(bytes("$HRM,1042,51234567,1048f803ee02*2B\r\n"), 10.0, sink);
  const auto hr = sink.of<HeartRate>();
  const auto rr = sink.of<RrInterval>();
  REQUIRE(hr.size() == 1);
  CHECK(hr[0].bpm == 72);
  REQUIRE(rr.size() == 2);
  CHECK(rr[0].ticks == 1016);
  CHECK(rr[1].ticks == 750);
  // The newest interval ends at the line's time; the one before it its own length earlier.
  CHECK(rr[1].device_t_s == Approx(51.234567));
  CHECK(rr[1].t_s == 10.0);
  CHECK(rr[0].device_t_s == Approx(51.234567 - 750 / 1024.0));
  CHECK(rr[0].t_s == Approx(10.0 - 750 / 1024.0));
  CHECK(p.stats().frames == 1);
  CHECK(p.stats().errors == 0);
}

TEST_CASE("bridge: LF-only lines, lower-case checksum and split writes parse", "[drivers]") {
  BridgeLineParser p;
  CollectingSink sink;
  const std::string text = "$RSP,7,100,2048,17*5f\n$BAT,1,5,5a*2B\n";
  for (char c : text) p.feed(bytes(std::string(1, c)), 1.0, sink); // one byte per read
  const auto resp = sink.of<RespSample>();
  REQUIRE(resp.size() == 1);
  CHECK(resp[0].value == 2048);
  REQUIRE(sink.of<BatteryLevel>().size() == 1);
  CHECK(sink.of<BatteryLevel>()[0].percent == 90);
  // seq 7 then 1 is a step back: a bridge restart, reported as a gap without a count
  CHECK(sink.of<SignalGap>().size() == 1);
  CHECK(sink.of<SignalGap>()[0].lost == 0);
}

TEST_CASE("bridge: RSP channel selection", "[drivers]") {
  BridgeLineParser p(1);
  CollectingSink sink;
  p.feed(bytes(line("RSP", 1, 0, "2048,17,5")), 0, sink);
  p.feed(bytes(line("RSP", 2, 0, "2048")), 0, sink); // no channel 1
  REQUIRE(sink.of<RespSample>().size() == 1);
  CHECK(sink.of<RespSample>()[0].value == 17);
  CHECK(p.stats().errors == 1);
}

TEST_CASE("bridge: corrupted line is dropped, counted and the next one parses", "[drivers]") {
  BridgeLineParser p;
  CollectingSink sink;
  std::string bad = line("RSP", 1, 0, "100");
  bad[6] ^= 0x01; // one bit flipped in the payload
  p.feed(bytes(bad + line("RSP", 2, 20000, "101")), 1.0, sink);
  REQUIRE(sink.of<RespSample>().size() == 1);
  CHECK(sink.of<RespSample>()[0].value == 101);
  CHECK(p.stats().errors == 1);
}

TEST_CASE("bridge: garbage between lines is skipped to the next dollar", "[drivers]") {
  BridgeLineParser p;
  CollectingSink sink;
  p.feed(bytes("\x01\xff junk$RS" + line("RSP", 1, 0, "5") + "zz\r\n" + line("RSP", 2, 0, "6")), 0, sink);
  const auto resp = sink.of<RespSample>();
  REQUIRE(resp.size() == 2);
  CHECK(resp[0].value == 5);
  CHECK(resp[1].value == 6);
  CHECK(p.stats().errors == 1); // the "$RS" fragment
  CHECK(p.stats().skipped_bytes > 0);
}

TEST_CASE("bridge: sequence gaps are reported with their count", "[drivers]") {
  BridgeLineParser p;
  CollectingSink sink;
  p.feed(bytes(line("RSP", 100, 0, "1")), 1.0, sink);
  p.feed(bytes(line("RSP", 101, 20000, "1")), 1.02, sink);
  p.feed(bytes(line("RSP", 105, 100000, "1")), 1.10, sink);
  const auto gaps = sink.of<SignalGap>();
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0].lost == 3);
  CHECK(gaps[0].stream == SignalGap::Stream::resp); // belt lines every 20 ms: 80 ms is 3 of them
  CHECK(gaps[0].from_s == 1.02);
  CHECK(gaps[0].to_s == 1.10);
  CHECK(gaps[0].device_from_s == Approx(0.02));
  CHECK(gaps[0].device_to_s == Approx(0.10));
  CHECK(p.stats().lost == 3);
  // the sequence number itself wraps at 2^32 without a gap
  BridgeLineParser q;
  CollectingSink s2;
  q.feed(bytes(line("RSP", 0xFFFFFFFFu, 0, "1") + line("RSP", 0, 1, "1")), 0, s2);
  CHECK(s2.of<SignalGap>().empty());
}

TEST_CASE("bridge: t_us wraps at 2^32 into a continuous device time", "[drivers]") {
  BridgeLineParser p;
  CollectingSink sink;
  p.feed(bytes(line("RSP", 1, 4294960000u, "1")), 0, sink);
  p.feed(bytes(line("RSP", 2, 2704u, "1")), 0, sink); // 10 000 µs later, after the wrap
  const auto resp = sink.of<RespSample>();
  REQUIRE(resp.size() == 2);
  CHECK(resp[1].device_t_s - resp[0].device_t_s == Approx(0.010).margin(1e-9));
}

TEST_CASE("bridge: status lines become device status", "[drivers]") {
  BridgeLineParser p;
  CollectingSink sink;
  p.feed(bytes(line("STA", 1, 0, "CONNECTED,A0:9E:1A:12:34:56") + line("STA", 2, 0, "DISCONNECTED,timeout") +
               line("ERR", 3, 0, "no strap")), 0, sink);
  const auto st = sink.of<DeviceStatus>();
  REQUIRE(st.size() == 3);
  CHECK(st[0].state == DeviceStatus::State::streaming);
  CHECK(st[0].message() == "bridge: CONNECTED,A0:9E:1A:12:34:56");
  CHECK(st[1].state == DeviceStatus::State::lost);
  CHECK(st[2].state == DeviceStatus::State::error);
}

TEST_CASE("bridge: PMD lines go through the PMD decoder", "[drivers]") {
  BridgeLineParser p;
  CollectingSink sink;
  p.feed(bytes(line("PMD", 1, 0, "00daebc39e98435208008" "8ffff230000000400")), 0, sink);
  const auto ecg = sink.of<EcgSample>();
  REQUIRE(ecg.size() == 3);
  CHECK(ecg[1].microvolts == 35);
  p.feed(bytes(line("PMC", 2, 0, "f002000000")), 0, sink);
  REQUIRE(p.last_pmd_control());
  CHECK(p.last_pmd_control()->op == 2);
}

TEST_CASE("bridge: over-long lines are dropped whole and bounded", "[drivers]") {
  BridgeLineParser p;
  CollectingSink sink;
  p.feed(bytes("$RSP,1,0," + std::string(5000, '1') + "*00\r\n" + line("RSP", 2, 0, "7")), 0, sink);
  REQUIRE(sink.of<RespSample>().size() == 1);
  CHECK(sink.of<RespSample>()[0].value == 7);
  CHECK(p.stats().errors == 1);
}

TEST_CASE("bridge: a datagram without CR LF is one line", "[drivers]") {
  BridgeLineParser p;
  CollectingSink sink;
  std::string l = line("RSP", 1, 0, "9");
  l.resize(l.size() - 2);
  p.feed(bytes(l), 0, sink);
  p.end_of_datagram(0, sink);
  REQUIRE(sink.of<RespSample>().size() == 1);
}

TEST_CASE("bridge: random bytes mixed with lines never crash and valid lines survive", "[drivers]") {
  BridgeLineParser p;
  std::mt19937 rng(3);
  CollectingSink sink;
  int sent = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string garbage(rng() % 20, ' ');
    for (auto& c : garbage) { c = static_cast<char>(rng()); if (c == '$') c = '#'; }
    p.feed(bytes(garbage + "\n"), 0, sink);
    p.feed(bytes(line("RSP", static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i * 20000), "3")), 0, sink);
    ++sent;
  }
  CHECK(sink.of<RespSample>().size() == static_cast<std::size_t>(sent));
}

TEST_CASE("bridge: device text cannot smuggle terminal escapes into status", "[drivers]") {
  BridgeLineParser p;
  CollectingSink sink;
  p.feed(bytes(line("ERR", 1, 0, "\x1b]0;pwned\x07 strap")), 0, sink);
  const auto st = sink.of<DeviceStatus>();
  REQUIRE(st.size() == 1);
  CHECK(st[0].message() == "bridge error: ?]0;pwned? strap");
}

namespace {
/// One second of a bridge forwarding belt and strap: RSP every 20 ms, an HRM at the second.
std::vector<std::string> bridge_second(std::uint32_t& seq, int second) {
  std::vector<std::string> lines;
  for (int k = 0; k < 50; ++k) {
    const auto t_us = static_cast<std::uint32_t>(second * 1000000 + k * 20000);
    lines.push_back(line("RSP", seq++, t_us, "2000"));
    if (k == 0) lines.push_back(line("HRM", seq++, t_us, "1048f803ee02"));
  }
  return lines;
}
} // namespace

TEST_CASE("bridge: a lost line is charged to the stream whose cadence it breaks", "[drivers]") {
  std::uint32_t seq = 1;
  std::vector<std::string> lines;
  for (int s = 0; s < 4; ++s) {
    auto one = bridge_second(seq, s);
    lines.insert(lines.end(), one.begin(), one.end());
  }
  // Lines: second 0 = 0..50 (index 1 is its HRM). Lose an RSP line in second 1, and second 2's HRM.
  const std::size_t lost_rsp = 51 + 10, lost_hrm = 102 + 1;
  REQUIRE(lines[lost_hrm].rfind("$HRM", 0) == 0);
  BridgeLineParser p;
  CollectingSink sink;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i == lost_rsp || i == lost_hrm) continue;
    p.feed(bytes(lines[i]), static_cast<double>(i) * 0.0196, sink);
  }
  const auto gaps = sink.of<SignalGap>();
  REQUIRE(gaps.size() == 2);
  CHECK(gaps[0].stream == SignalGap::Stream::resp); // one belt sample: the belt alone has a hole
  CHECK(gaps[0].lost == 1);
  CHECK(gaps[0].device_to_s - gaps[0].device_from_s == Approx(0.04));
  CHECK(gaps[1].stream == SignalGap::Stream::rr); // one notification: the strap alone
  CHECK(gaps[1].lost == 1);
  CHECK(gaps[1].device_to_s - gaps[1].device_from_s == Approx(2.0));
  CHECK(p.stats().lost == 2);
}

TEST_CASE("bridge: a strap-only bridge that loses a line breaks no belt window", "[drivers]") {
  BridgeLineParser p;
  CollectingSink sink;
  p.feed(bytes(line("HRM", 1, 0, "1048f803ee02")), 0, sink);
  p.feed(bytes(line("HRM", 2, 1000000, "1048f803ee02")), 1, sink);
  p.feed(bytes(line("HRM", 4, 2000000, "1048f803ee02")), 2, sink); // line 3 (a BAT line, say) lost
  CHECK(sink.of<SignalGap>().empty()); // the HRM cadence held: no notification was lost
  p.feed(bytes(line("HRM", 6, 4000000, "1048f803ee02")), 4, sink);
  REQUIRE(sink.of<SignalGap>().size() == 1);
  CHECK(sink.of<SignalGap>()[0].stream == SignalGap::Stream::rr);
}

TEST_CASE("bridge: through the batch clock, a gap sits at the device times of its lines", "[drivers]") {
  BridgeLineParser p;
  CollectingSink out;
  BatchClock clock;
  const double offset = 100.0; // the bridge's micros() started 100 s before the session
  auto read = [&](std::string const& text, double arrival) {
    clock.begin(arrival, out);
    p.feed(bytes(text), arrival, clock);
    clock.flush();
  };
  std::uint32_t seq = 1;
  for (int k = 0; k < 100; ++k) {
    if (k == 50 || k == 51) { ++seq; continue; } // two belt lines lost
    const double dev = offset + k * 0.02;
    read(line("RSP", seq++, static_cast<std::uint32_t>(dev * 1e6), "1"), k * 0.02 + 0.005 + (k % 7) * 0.003);
  }
  const auto gaps = out.of<SignalGap>();
  REQUIRE(gaps.size() == 1);
  // On the session clock the hole runs from the last line before it to the first after it,
  // placed by the device's own times (arrival jitter of up to 23 ms does not move it).
  CHECK(gaps[0].from_s == Approx(49 * 0.02 + 0.005).margin(0.004));
  CHECK(gaps[0].to_s == Approx(52 * 0.02 + 0.005).margin(0.004));
  CHECK(gaps[0].to_s - gaps[0].from_s == Approx(0.06).margin(1e-6));
}
