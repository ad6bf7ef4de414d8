// Polar PMD control-point responses, commands and ECG/ACC data frames (protocols.md §2).
#include <catch2/catch.hpp>
#include <cstring>
#include <random>

#include "drivers/parser_support.hpp"
#include "pneuma/drivers/parsers/pmd.hpp"

using namespace pneuma::drivers;
using pneuma::test::CollectingSink;
using pneuma::test::hex;

namespace {
std::vector<std::uint8_t> view(PmdCommand const& c) { return {c.bytes.begin(), c.bytes.begin() + static_cast<long>(c.size)}; }
std::vector<std::uint8_t> frame(std::uint8_t type, std::uint64_t ts, std::uint8_t ftype,
                                std::vector<std::uint8_t> payload) {
  std::vector<std::uint8_t> f{type};
  for (int i = 0; i < 8; ++i) f.push_back(static_cast<std::uint8_t>(ts >> (8 * i)));
  f.push_back(ftype);
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}
} // namespace

TEST_CASE("pmd: H10 commands are the documented bytes", "[drivers]") {
  CHECK(view(pmd_start(PmdType::ecg, 130, 14)) == hex("02 00 00 01 82 00 01 01 0E 00"));
  CHECK(view(pmd_start(PmdType::acc, 200, 16, 8)) == hex("02 02 00 01 C8 00 01 01 10 00 02 01 08 00"));
  CHECK(view(pmd_stop(PmdType::ecg)) == hex("03 00"));
  CHECK(view(pmd_stop(PmdType::acc)) == hex("03 02"));
  CHECK(view(pmd_get_settings(PmdType::acc)) == hex("01 02"));
}

TEST_CASE("pmd: control-point responses decode with settings", "[drivers]") {
  const auto ok = decode_pmd_control(hex("F0 02 00 00 00"));
  REQUIRE(ok);
  CHECK(ok->kind == PmdControlResponse::Kind::response);
  CHECK(ok->op == 2);
  CHECK(ok->type == 0);
  CHECK(ok->status == 0);
  CHECK_FALSE(ok->more);

  // GET ACC settings: rates 25,50,100,200; resolution 16; ranges 2,4,8; more = 0
  const auto get = decode_pmd_control(
      hex("F0 01 02 00 00 00 04 19 00 32 00 64 00 C8 00 01 01 10 00 02 03 02 00 04 00 08 00"));
  REQUIRE(get);
  REQUIRE(get->settings_valid);
  REQUIRE(get->settings.sample_rate_count == 4);
  CHECK(get->settings.sample_rates[3] == 200);
  CHECK(get->settings.resolutions[0] == 16);
  REQUIRE(get->settings.range_count == 3);
  CHECK(get->settings.ranges[2] == 8);

  const auto nak = decode_pmd_control(hex("F0 02 00 06 00"));
  REQUIRE(nak);
  CHECK(nak->status == 6);
  CHECK(pmd_status_text(nak->status) == "already in state");

  const auto more = decode_pmd_control(hex("F0 01 00 00 01 00 01 82 00"));
  REQUIRE(more);
  CHECK(more->more);

  const auto stopped = decode_pmd_control(hex("01 00 02"));
  REQUIRE(stopped);
  CHECK(stopped->kind == PmdControlResponse::Kind::measurement_stopped);
  REQUIRE(stopped->stopped_count == 2);
  CHECK(stopped->stopped[1] == 2);

  CHECK_FALSE(decode_pmd_control(hex("F0 02")));
  CHECK_FALSE(decode_pmd_control(hex("77 02 00 00")));
  const auto truncated = decode_pmd_control(hex("F0 01 02 00 00 00 04 19 00"));
  REQUIRE(truncated);
  CHECK_FALSE(truncated->settings_valid);
}

TEST_CASE("pmd: FACTOR setting is read as float32", "[drivers]") {
  const float f = 0.5f;
  std::uint32_t bits = 0;
  std::memcpy(&bits, &f, 4);
  auto v = hex("F0 02 02 00 00 05 01");
  for (int i = 0; i < 4; ++i) v.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
  const auto r = decode_pmd_control(v);
  REQUIRE(r);
  CHECK(r->settings.factor == 0.5f);
}

TEST_CASE("pmd: ECG frame vector decodes to microvolts with the last sample at ts", "[drivers]") {
  PmdFrameDecoder d;
  CollectingSink sink;
  const auto n = d.decode(hex("00 da eb c3 9e 98 43 52 08 00 88 ff ff 23 00 00 00 04 00"), 3.0, sink);
  REQUIRE(n == 3);
  const auto ecg = sink.of<EcgSample>();
  REQUIRE(ecg.size() == 3);
  CHECK(ecg[0].microvolts == -120);
  CHECK(ecg[1].microvolts == 35);
  CHECK(ecg[2].microvolts == 1024);
  CHECK(ecg[2].device_t_s == Approx(599616023171427290.0 * 1e-9));
  CHECK(ecg[2].device_t_s - ecg[1].device_t_s == Approx(1.0 / 130).margin(2e-7)); // ~60 ns: double s since 2000
  CHECK(ecg[0].t_s == 3.0);
}

TEST_CASE("pmd: sample spacing follows the device clock across frames", "[drivers]") {
  PmdFrameDecoder d;
  CollectingSink sink;
  const std::uint64_t t0 = 599616023171427290ULL;
  std::vector<std::uint8_t> payload(3 * 10, 0);
  d.decode(frame(0, t0, 0, payload), 1.0, sink);
  // 10 samples later at an effective 131 Hz: spacing from the stamps, not the nominal 130 Hz
  const std::uint64_t t1 = t0 + static_cast<std::uint64_t>(10 * 1e9 / 131.0);
  d.decode(frame(0, t1, 0, payload), 1.1, sink);
  const auto ecg = sink.of<EcgSample>();
  REQUIRE(ecg.size() == 20);
  CHECK(ecg[19].device_t_s - ecg[18].device_t_s == Approx(1.0 / 131).epsilon(1e-4));
  CHECK(ecg[10].device_t_s - ecg[9].device_t_s == Approx(1.0 / 131).epsilon(1e-4));
  CHECK(sink.of<SignalGap>().empty());
}

TEST_CASE("pmd: a lost frame becomes a gap, a clock reset restarts spacing", "[drivers]") {
  PmdFrameDecoder d;
  CollectingSink sink;
  const std::uint64_t t0 = 700000000000000000ULL;
  std::vector<std::uint8_t> payload(3 * 73, 0);
  const auto dt = static_cast<std::uint64_t>(73 * 1e9 / 130);
  d.decode(frame(0, t0, 0, payload), 1.0, sink);
  d.decode(frame(0, t0 + 3 * dt, 0, payload), 2.0, sink); // two frames missing
  auto gaps = sink.of<SignalGap>();
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0].lost == 146); // rounded, not truncated: the recording fills exactly this many
  CHECK(gaps[0].from_s == 1.0);
  CHECK(gaps[0].to_s == 2.0);
  // clock reset to 2019-01-01: nominal spacing, no gap
  d.decode(frame(0, kPmdDefaultEpochNs + 5000000000ULL, 0, payload), 3.0, sink);
  const auto ecg = sink.of<EcgSample>();
  CHECK(ecg.back().device_t_s - ecg[ecg.size() - 2].device_t_s == Approx(1.0 / 130).margin(2e-7));
  CHECK(sink.of<SignalGap>().size() == 1);
}

TEST_CASE("pmd: ACC uncompressed int16 and int8 frames", "[drivers]") {
  PmdFrameDecoder d;
  CollectingSink sink;
  REQUIRE(d.decode(frame(2, 1000000000, 1, hex("e8 03 18 fc 00 00  01 00 02 00 03 00")), 0, sink) == 2);
  auto acc = sink.of<AccSample>();
  REQUIRE(acc.size() == 2);
  CHECK(acc[0].x_mg == 1000);
  CHECK(acc[0].y_mg == -1000);
  CHECK(acc[0].z_mg == 0);
  CHECK(acc[1].z_mg == 3);
  CollectingSink s8;
  REQUIRE(d.decode(frame(2, 2000000000, 0, hex("ff 7f 80")), 0, s8) == 1);
  acc = s8.of<AccSample>();
  CHECK(acc[0].x_mg == -1);
  CHECK(acc[0].y_mg == 127);
  CHECK(acc[0].z_mg == -128);
}

TEST_CASE("pmd: ACC delta-compressed frame reconstructs samples", "[drivers]") {
  PmdFrameDecoder d;
  d.configure(PmdType::acc, PmdStreamConfig{200, 16, 3, 1.0f});
  CollectingSink sink;
  // reference (100,-200,1000); 4-bit block: (+1,-1,+2) (-3,+7,0); 6-bit block: (-32,+31,+5)
  const auto f = frame(2, 5000000000ULL, 0x81,
                       hex("64 00 38 ff e8 03  04 02 f1 d2 07  06 01 e0 57 00"));
  REQUIRE(d.decode(f, 0, sink) == 4);
  const auto acc = sink.of<AccSample>();
  REQUIRE(acc.size() == 4);
  CHECK(acc[0].x_mg == 100);  CHECK(acc[0].y_mg == -200); CHECK(acc[0].z_mg == 1000);
  CHECK(acc[1].x_mg == 101);  CHECK(acc[1].y_mg == -201); CHECK(acc[1].z_mg == 1002);
  CHECK(acc[2].x_mg == 98);   CHECK(acc[2].y_mg == -194); CHECK(acc[2].z_mg == 1002);
  CHECK(acc[3].x_mg == 66);   CHECK(acc[3].y_mg == -163); CHECK(acc[3].z_mg == 1007);
}

TEST_CASE("pmd: malformed frames are counted, not decoded", "[drivers]") {
  PmdFrameDecoder d;
  CollectingSink sink;
  CHECK(d.decode(hex("00 01 02"), 0, sink) == 0);                                   // short
  CHECK(d.decode(frame(0, 1, 0, hex("01 02 03 04")), 0, sink) == 0);                // len % 3
  CHECK(d.decode(frame(9, 1, 0, hex("01 02 03")), 0, sink) == 0);                   // unknown type
  CHECK(d.decode(frame(2, 1, 0x81, hex("64 00 38 ff e8 03 04 09 f1")), 0, sink) == 0); // truncated block
  CHECK(d.stats().errors == 4);
  CHECK(sink.all.empty());
}

TEST_CASE("pmd: random frames never crash or over-read", "[drivers]") {
  PmdFrameDecoder d;
  std::mt19937 rng(11);
  std::vector<std::uint8_t> v;
  struct Null final : SampleSink { void on_sample(DeviceSample const&) noexcept override {} } null;
  for (int i = 0; i < 20000; ++i) {
    v.resize(rng() % 80);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    if (v.size() > 0 && rng() % 2) v[0] = static_cast<std::uint8_t>(rng() % 3);
    if (v.size() > 9 && rng() % 2) v[9] = static_cast<std::uint8_t>(0x80 | (rng() % 3));
    (void)d.decode(v, i * 0.01, null);
    (void)decode_pmd_control(v);
  }
  CHECK(d.stats().bytes > 0);
}

// Polar's SDK (polar-ble-sdk AccData.kt, EcgData.kt, BlePMDClient.kt) for the frame types the
// H10, H9, Verity Sense and OH1 send on the two streams Pneuma reads.
TEST_CASE("pmd: uncompressed ACC is mG as sent, the FACTOR scales compressed frames only", "[drivers]") {
  PmdFrameDecoder d;
  // Verity Sense / newer H10 firmware: compressed type 1, FACTOR 0.24 from the START response.
  d.configure(PmdType::acc, PmdStreamConfig{52, 16, 3, 0.24f});
  CollectingSink raw;
  // An uncompressed int16 frame (type 1) carries mG already: the SDK applies no factor to it.
  REQUIRE(d.decode(frame(2, 1000000000, 1, hex("e8 03 18 fc 00 00")), 0, raw) == 1);
  CHECK(raw.of<AccSample>()[0].x_mg == 1000);
  CHECK(raw.of<AccSample>()[0].y_mg == -1000);
  // Compressed type 1: int16 reference (1000, -1000, 4000) counts, one 4-bit delta (+1, -1, +2).
  CollectingSink c1;
  REQUIRE(d.decode(frame(2, 2000000000, 0x81, hex("e8 03 18 fc a0 0f  04 01 f1 02")), 0, c1) == 2);
  const auto acc = c1.of<AccSample>();
  CHECK(acc[0].x_mg == Approx(240.0));  // 1000 counts x 0.24 mG
  CHECK(acc[0].y_mg == Approx(-240.0));
  CHECK(acc[0].z_mg == Approx(960.0));
  CHECK(acc[1].x_mg == Approx(1001 * 0.24));
  CHECK(acc[1].y_mg == Approx(-1001 * 0.24));
  CHECK(acc[1].z_mg == Approx(4002 * 0.24));
  // Compressed type 0 counts in G: x FACTOR x 1000 (the SDK's "type 0 data arrives in G units").
  PmdFrameDecoder g;
  g.configure(PmdType::acc, PmdStreamConfig{50, 16, 3, 0.001f});
  CollectingSink c0;
  REQUIRE(g.decode(frame(2, 1000000000, 0x80, hex("e8 03 00 00 18 fc")), 0, c0) == 1);
  CHECK(c0.of<AccSample>()[0].x_mg == Approx(1000.0)); // 1000 counts x 0.001 G = 1 G = 1000 mG
  CHECK(c0.of<AccSample>()[0].z_mg == Approx(-1000.0));
}

TEST_CASE("pmd: frame types no H10 sends on ECG are refused, not misread", "[drivers]") {
  PmdFrameDecoder d;
  CollectingSink sink;
  CHECK(d.decode(frame(0, 1, 0, hex("01 02 03")), 0, sink) == 1);    // type 0: int24 µV (H10)
  CHECK(d.decode(frame(0, 2, 1, hex("01 02 03")), 0, sink) == 0);    // type 1: 14 bits + flags
  CHECK(d.decode(frame(0, 3, 2, hex("01 02 03")), 0, sink) == 0);    // type 2: 22 bits + tags
  CHECK(d.decode(frame(0, 4, 0x80, hex("01 02 03")), 0, sink) == 0); // compressed ECG: no such format
  CHECK(d.decode(frame(2, 5, 0x82, hex("01 02 03 04 05 06")), 0, sink) == 0); // compressed ACC type 2
  CHECK(d.decode(frame(1, 6, 0, hex("01 02 03")), 0, sink) == 0);    // PPG (Verity Sense, OH1): not read
  CHECK(d.stats().errors == 5);
}

TEST_CASE("pmd: a control-point stop that lists no stream is a bare stop, not malformed", "[drivers]") {
  const auto bare = decode_pmd_control(hex("01"));
  REQUIRE(bare);
  CHECK(bare->kind == PmdControlResponse::Kind::measurement_stopped);
  CHECK(bare->stopped_count == 0);
  const auto both = decode_pmd_control(hex("01 00 02"));
  REQUIRE(both);
  CHECK(both->stopped_count == 2);
  CHECK_FALSE(decode_pmd_control({}));
}

TEST_CASE("pmd: PPI frames (Verity Sense, OH1) give optical beats, invalid samples none", "[drivers]") {
  // polar-ble-sdk PpiData: per sample hr u8, PP interval u16 LE ms, error estimate u16 LE ms,
  // flags (bit0 blocker, bit1 skin contact, bit2 contact supported); frame type 0.
  PmdFrameDecoder d;
  CollectingSink sink;
  const auto f = frame(3, 0, 0,
                       hex("3c e8 03 0a 00 06 "    // 60 bpm, 1000 ms, err 10, contact
                           "3e c4 03 0c 00 06 "    // 62 bpm, 964 ms
                           "3e 20 03 40 00 07 "    // blocker: motion, no pulse measured
                           "3e 10 04 0a 00 04 "    // contact supported but lost
                           "41 84 03 08 00 00"));  // 65 bpm, 900 ms, contact not supported
  CHECK(d.decode(f, 5.0, sink) == 3);
  const auto rr = sink.of<RrInterval>();
  REQUIRE(rr.size() == 3);
  CHECK(rr[0].ms() == Approx(1000).margin(0.5)); // 1/1024-s ticks: within half a tick
  CHECK(rr[1].ms() == Approx(964).margin(0.5));
  CHECK(rr[2].ms() == Approx(900).margin(0.5));
  for (auto const& r : rr) {
    CHECK(r.optical);
    CHECK(r.t_s == 5.0);
    CHECK_FALSE(r.beat_time_known);
  }
  CHECK(d.ppi_dropped() == 2);
  const auto gaps = sink.of<SignalGap>();
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0].stream == SignalGap::Stream::rr);
  CHECK(gaps[0].lost == 2);
  CHECK(d.stats().errors == 0);
  // A sample cut short, or a compressed / unknown PPI frame type, is malformed.
  CHECK(d.decode(frame(3, 0, 0, hex("3c e8 03 0a 00")), 6.0, sink) == 0);
  CHECK(d.decode(frame(3, 0, 0x80, hex("3c e8 03 0a 00 06")), 6.0, sink) == 0);
  CHECK(d.decode(frame(3, 0, 1, hex("3c e8 03 0a 00 06")), 6.0, sink) == 0);
  CHECK(d.stats().errors == 3);
  CHECK(sink.of<RrInterval>().size() == 3);
}
