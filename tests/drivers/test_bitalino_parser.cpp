// BITalino (r)evolution frames: CRC4, layout, sequence, resync (protocols.md §4.1).
#include <catch2/catch.hpp>
#include <random>

#include "drivers/parser_support.hpp"
#include "pneuma/drivers/parsers/bitalino.hpp"

using namespace pneuma::drivers;
using pneuma::test::CollectingSink;
using pneuma::test::hex;

TEST_CASE("bitalino: documented frame vectors decode", "[drivers]") {
  const auto one = decode_bitalino_frame(hex("00 08 51"), 1);
  REQUIRE(one);
  CHECK(one->seq == 5);
  CHECK(one->analog[0] == 512);
  const auto two = decode_bitalino_frame(hex("bc 02 08 0d"), 2);
  REQUIRE(two);
  CHECK(two->seq == 0);
  CHECK(two->analog[0] == 512);
  CHECK(two->analog[1] == 700);
  const auto six = decode_bitalino_frame(hex("e1 0f d0 7f 00 fc 0f fe"), 6);
  REQUIRE(six);
  CHECK(six->seq == 15);
  CHECK(six->analog == std::array<std::uint16_t, 6>{1023, 0, 511, 256, 63, 33});
}

TEST_CASE("bitalino: encoder reproduces the vectors", "[drivers]") {
  std::array<std::uint8_t, 8> out{};
  BitalinoFrame f;
  f.seq = 15;
  f.analog = {1023, 0, 511, 256, 63, 33};
  REQUIRE(encode_bitalino_frame(f, 6, out) == 8);
  CHECK(std::vector<std::uint8_t>(out.begin(), out.end()) == hex("e1 0f d0 7f 00 fc 0f fe"));
  BitalinoFrame g;
  g.seq = 0;
  g.analog = {512, 700};
  REQUIRE(encode_bitalino_frame(g, 2, out) == 4);
  CHECK(std::vector<std::uint8_t>(out.begin(), out.begin() + 4) == hex("bc 02 08 0d"));
}

TEST_CASE("bitalino: frame sizes and every flipped bit fails the CRC", "[drivers]") {
  CHECK(bitalino_frame_size(1) == 3);
  CHECK(bitalino_frame_size(3) == 6);
  CHECK(bitalino_frame_size(4) == 7);
  CHECK(bitalino_frame_size(6) == 8);
  CHECK(bitalino_frame_size(7) == 0);
  const auto good = hex("e1 0f d0 7f 00 fc 0f fe");
  for (std::size_t bit = 0; bit < 64; ++bit) {
    auto bad = good;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    CHECK_FALSE(decode_bitalino_frame(bad, 6)); // CRC4 catches every single-bit error
  }
}

TEST_CASE("bitalino: PZT transfer function", "[drivers]") {
  CHECK(pzt_percent(512, 10) == Approx(0.0));
  CHECK(pzt_percent(0, 10) == Approx(-50.0));
  CHECK(pzt_percent(1023, 10) == Approx(49.902).margin(1e-3));
  CHECK(pzt_percent(48, 6) == Approx(25.0));
}

TEST_CASE("bitalino: version reply and commands", "[drivers]") {
  const auto v = parse_bitalino_version("\x05\xffgarbageBITalino_v5.1\n");
  REQUIRE(v);
  CHECK(v->major == 5);
  CHECK(v->minor == 1);
  CHECK_FALSE(parse_bitalino_version("hello\n"));
  CHECK(bitalino_rate_command(100) == std::optional<std::uint8_t>(0x83));
  CHECK(bitalino_rate_command(1000) == std::optional<std::uint8_t>(0xC3));
  CHECK_FALSE(bitalino_rate_command(50));
  CHECK(bitalino_start_command(0x01) == 0x05);
  CHECK(bitalino_start_command(0x3F) == 0xFD);
}

namespace {
std::vector<std::uint8_t> stream(int channels, int frames, int first_seq = 0, std::uint16_t base = 300) {
  std::vector<std::uint8_t> out;
  for (int i = 0; i < frames; ++i) {
    BitalinoFrame f;
    f.seq = static_cast<std::uint8_t>((first_seq + i) & 15);
    for (int c = 0; c < channels; ++c)
      f.analog[static_cast<std::size_t>(c)] = static_cast<std::uint16_t>((base + i * 7 + c) % (c < 4 ? 1024 : 64));
    std::array<std::uint8_t, 8> b{};
    const auto n = encode_bitalino_frame(f, channels, b);
    out.insert(out.end(), b.begin(), b.begin() + static_cast<long>(n));
  }
  return out;
}
} // namespace

TEST_CASE("bitalino parser: a clean stream gives every sample with device time", "[drivers]") {
  BitalinoParser p(2, 0, 100);
  CollectingSink sink;
  p.feed(stream(2, 40), 1.0, sink);
  const auto resp = sink.of<RespSample>();
  REQUIRE(resp.size() == 40);
  CHECK(resp[0].value == Approx(pzt_percent(300, 10)));
  CHECK(resp[39].device_t_s == Approx(0.39));
  CHECK(p.stats().errors == 0);
  CHECK(sink.of<SignalGap>().empty());
}

TEST_CASE("bitalino parser: garbage before and between frames resyncs", "[drivers]") {
  BitalinoParser p(3, 1, 100);
  CollectingSink sink;
  auto s = stream(3, 20);
  auto data = hex("ff 13 77 01");
  data.insert(data.end(), s.begin(), s.begin() + 60);    // 10 frames
  data.insert(data.end(), {0xAA, 0x55, 0x12});           // garbage mid-stream
  data.insert(data.end(), s.begin() + 60, s.end());      // 10 more
  p.feed(data, 0, sink);
  const auto resp = sink.of<RespSample>();
  CHECK(resp.size() >= 16); // a resync costs at most the frames around the garbage
  CHECK(resp.back().value == Approx(pzt_percent(static_cast<std::uint16_t>((300 + 19 * 7 + 1) % 1024), 10)));
  CHECK(p.synced());
  CHECK(p.stats().skipped_bytes > 0);
}

TEST_CASE("bitalino parser: a dropped frame is a gap, a corrupted one is counted", "[drivers]") {
  BitalinoParser p(1, 0, 100);
  CollectingSink sink;
  auto s = stream(1, 20);
  s.erase(s.begin() + 30, s.begin() + 33); // frame 10 lost
  s[3 * 14 + 1] ^= 0x10;                   // frame 15 (index 14 after the loss) corrupted
  p.feed(s, 5.0, sink);
  const auto gaps = sink.of<SignalGap>();
  REQUIRE(gaps.size() == 2);
  CHECK(gaps[0].lost == 1);
  CHECK(gaps[1].lost == 1);
  CHECK(sink.of<RespSample>().size() == 18);
  CHECK(p.stats().errors == 1);
  CHECK(sink.of<RespSample>().back().device_t_s == Approx(0.19));
}

TEST_CASE("bitalino parser: split frames across reads", "[drivers]") {
  BitalinoParser p(6, 0, 100);
  CollectingSink sink;
  const auto s = stream(6, 10);
  for (auto b : s) p.feed({&b, 1}, 0, sink);
  CHECK(sink.of<RespSample>().size() == 10);
}

TEST_CASE("bitalino parser: random bytes never crash", "[drivers]") {
  for (int ch = 1; ch <= 6; ++ch) {
    BitalinoParser p(ch, 0, 100);
    std::mt19937 rng(static_cast<unsigned>(ch));
    std::vector<std::uint8_t> v(20000);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    struct Null final : SampleSink { void on_sample(DeviceSample const&) noexcept override {} } null;
    p.feed(v, 0, null);
    CHECK(p.stats().bytes == 20000);
  }
}
