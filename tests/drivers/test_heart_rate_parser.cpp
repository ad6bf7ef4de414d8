// 0x2A37 Heart Rate Measurement and 0x2A19 Battery Level against protocols.md §1 vectors.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "drivers/parser_support.hpp"
#include "pneuma/drivers/parsers/heart_rate.hpp"

using namespace pneuma::drivers;
using pneuma::test::hex;

TEST_CASE("heart rate 0x2A37: protocol vectors decode", "[drivers]") {
  SECTION("RR flag with no RR") {
    const auto m = decode_heart_rate(hex("10 4b"));
    REQUIRE(m);
    CHECK(m->bpm == 75);
    CHECK(m->rr_count == 0);
    CHECK_FALSE(m->malformed);
  }
  SECTION("two RR, oldest first") {
    const auto m = decode_heart_rate(hex("10 48 f8 03 ee 02"));
    REQUIRE(m);
    CHECK(m->bpm == 72);
    REQUIRE(m->rr_count == 2);
    CHECK(m->rr_ticks[0] == 1016);
    CHECK(m->rr_ticks[1] == 750);
    CHECK(RrInterval{0, 0, m->rr_ticks[0]}.ms() == Approx(992.1875));
    CHECK(RrInterval{0, 0, m->rr_ticks[1]}.ms() == Approx(732.421875));
  }
  SECTION("contact supported and detected") {
    const auto m = decode_heart_rate(hex("16 48 00 04"));
    REQUIRE(m);
    CHECK(m->contact_supported);
    CHECK(m->contact);
    CHECK(m->bpm == 72);
    REQUIRE(m->rr_count == 1);
    CHECK(m->rr_ticks[0] == 1024);
  }
  SECTION("uint16 HR, energy expended, RR") {
    const auto m = decode_heart_rate(hex("19 48 00 2c 01 00 04"));
    REQUIRE(m);
    CHECK(m->bpm == 72);
    REQUIRE(m->energy_kj);
    CHECK(*m->energy_kj == 300);
    REQUIRE(m->rr_count == 1);
    CHECK(m->rr_ticks[0] == 1024);
  }
  SECTION("contact supported, not detected") {
    const auto m = decode_heart_rate(hex("04 48"));
    REQUIRE(m);
    CHECK(m->contact_supported);
    CHECK_FALSE(m->contact);
    CHECK(m->rr_count == 0);
  }
  SECTION("contact bit without the supported bit means nothing") {
    const auto m = decode_heart_rate(hex("02 48"));
    REQUIRE(m);
    CHECK_FALSE(m->contact_supported);
    CHECK_FALSE(m->contact);
  }
  SECTION("reserved flag bits are ignored") {
    const auto m = decode_heart_rate(hex("f0 48 00 04"));
    REQUIRE(m);
    CHECK(m->rr_count == 1);
  }
}

TEST_CASE("heart rate 0x2A37: nine RR in one 20-byte notification", "[drivers]") {
  const auto m = decode_heart_rate(hex("10 3c 00 04 01 04 02 04 03 04 04 04 05 04 06 04 07 04 08 04"));
  REQUIRE(m);
  REQUIRE(m->rr_count == 9);
  for (std::size_t i = 0; i < 9; ++i) CHECK(m->rr_ticks[i] == 1024 + i);
}

TEST_CASE("heart rate 0x2A37: malformed values are flagged or rejected", "[drivers]") {
  CHECK_FALSE(decode_heart_rate(hex("")));
  CHECK_FALSE(decode_heart_rate(hex("10")));
  CHECK_FALSE(decode_heart_rate(hex("01 48")));       // uint16 HR cut short
  CHECK_FALSE(decode_heart_rate(hex("08 48 2c")));    // energy field cut short
  const auto odd = decode_heart_rate(hex("10 48 00 04 ee"));
  REQUIRE(odd);
  CHECK(odd->malformed);
  CHECK(odd->rr_count == 1);
  const auto zero = decode_heart_rate(hex("10 48 00 00 00 04"));
  REQUIRE(zero);
  CHECK(zero->malformed);
  REQUIRE(zero->rr_count == 1);
  CHECK(zero->rr_ticks[0] == 1024);
}

TEST_CASE("heart rate 0x2A37: encode then decode round-trips every flag combination", "[drivers]") {
  for (int wide = 0; wide < 2; ++wide)
    for (int contact = 0; contact < 3; ++contact)
      for (int ee = 0; ee < 2; ++ee)
        for (std::size_t rr = 0; rr < 8; ++rr) {
          HeartRateMeasurement m;
          m.bpm = wide ? 300 : 61;
          m.contact_supported = contact > 0;
          m.contact = contact == 2;
          if (ee) m.energy_kj = 4242;
          m.rr_count = rr;
          for (std::size_t i = 0; i < rr; ++i) m.rr_ticks[i] = static_cast<std::uint16_t>(700 + 13 * i);
          std::array<std::uint8_t, 64> buf{};
          const std::size_t n = encode_heart_rate(m, buf);
          REQUIRE(n > 0);
          const auto d = decode_heart_rate({buf.data(), n});
          REQUIRE(d);
          CHECK(d->bpm == m.bpm);
          CHECK(d->contact_supported == m.contact_supported);
          CHECK(d->contact == m.contact);
          CHECK(d->energy_kj == m.energy_kj);
          REQUIRE(d->rr_count == rr);
          for (std::size_t i = 0; i < rr; ++i) CHECK(d->rr_ticks[i] == m.rr_ticks[i]);
          CHECK_FALSE(d->malformed);
        }
}

TEST_CASE("heart rate 0x2A37: random bytes never over-read", "[drivers]") {
  std::mt19937 rng(5);
  std::vector<std::uint8_t> v;
  for (int i = 0; i < 20000; ++i) {
    v.resize(rng() % 40);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    if (const auto m = decode_heart_rate(v)) {
      CHECK(m->rr_count <= v.size() / 2);
      for (std::size_t k = 0; k < m->rr_count; ++k) CHECK(m->rr_ticks[k] != 0);
    }
  }
}

TEST_CASE("battery level 0x2A19: one byte, 0 to 100", "[drivers]") {
  CHECK(decode_battery_level(hex("5a")) == std::optional<std::uint8_t>(90));
  CHECK(decode_battery_level(hex("00")) == std::optional<std::uint8_t>(0));
  CHECK_FALSE(decode_battery_level(hex("65")));
  CHECK_FALSE(decode_battery_level(hex("")));
  CHECK_FALSE(decode_battery_level(hex("10 10")));
}

TEST_CASE("heart rate 0x2A37: the intervals of one notification are placed back from its time", "[drivers]") {
  // Three beats in one notification sent at t = 50 s (device 1000 s): the newest ends at the
  // notification, each earlier one the sum of the later intervals before it. One stamp for all
  // would record beats a notification apart whatever their RR.
  HeartRateMeasurement m;
  m.bpm = 70;
  m.rr_count = 3;
  m.rr_ticks = {};
  m.rr_ticks[0] = 900;
  m.rr_ticks[1] = 1000;
  m.rr_ticks[2] = 800;
  pneuma::test::CollectingSink sink;
  emit_heart_rate(m, 50.0, 1000.0, sink);
  const auto rr = sink.of<RrInterval>();
  REQUIRE(rr.size() == 3);
  CHECK(rr[0].ticks == 900); // oldest first, as the strap sent them
  CHECK(rr[2].t_s == 50.0);
  CHECK(rr[1].t_s == Approx(50.0 - 800 / 1024.0));
  CHECK(rr[0].t_s == Approx(50.0 - 1800 / 1024.0));
  CHECK(rr[0].device_t_s == Approx(1000.0 - 1800 / 1024.0));
  CHECK(rr[1].t_s - rr[0].t_s == Approx(rr[1].seconds())); // spacing = the interval between
  CHECK(rr[2].t_s - rr[1].t_s == Approx(rr[2].seconds()));
  pneuma::test::CollectingSink ble; // no device clock (BlueZ): device time stays unknown
  emit_heart_rate(m, 50.0, kNoDeviceTime, ble);
  CHECK(std::isnan(ble.of<RrInterval>()[0].device_t_s));
  CHECK(ble.of<RrInterval>()[0].t_s == Approx(50.0 - 1800 / 1024.0));
}
