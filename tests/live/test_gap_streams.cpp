// Gaps say which signal has the hole, and the analyzer only restarts breathing for the belt's.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "live/live_analyzer.hpp"
#include "drivers/parser_support.hpp"
#include "pneuma/drivers/link/byte_protocol.hpp"
#include "pneuma/drivers/parsers/bitalino.hpp"
#include "pneuma/drivers/parsers/pmd.hpp"

using namespace pneuma::drivers;
using pneuma::test::CollectingSink;
using Stream = SignalGap::Stream;

TEST_CASE("gaps: each parser names the stream it lost", "[drivers]") {
  CollectingSink sink;
  BitalinoParser bitalino(1, 0, 100);
  std::vector<std::uint8_t> bytes;
  for (int seq : {0, 1, 2, 5, 6}) {
    BitalinoFrame f;
    f.seq = static_cast<std::uint8_t>(seq);
    std::array<std::uint8_t, 8> b{};
    const auto n = encode_bitalino_frame(f, 1, b);
    bytes.insert(bytes.end(), b.begin(), b.begin() + static_cast<long>(n));
  }
  bitalino.feed(bytes, 0, sink);
  PmdFrameDecoder pmd;
  std::vector<std::uint8_t> frame(10 + 3 * 10, 0);
  pmd.decode(frame, 0, sink);
  frame[5] = 0x10; // ~1.1 s later: far more than 10 samples missing
  pmd.decode(frame, 1, sink);
  const auto gaps = sink.of<SignalGap>();
  REQUIRE(gaps.size() == 2);
  CHECK(gaps[0].stream == Stream::resp);
  CHECK(gaps[1].stream == Stream::ecg);
  CHECK(make_bitalino_protocol()->stream() == Stream::resp);
  CHECK(make_ascii_protocol(0, "", 50)->stream() == Stream::resp);
  CHECK(make_bridge_protocol()->stream() == Stream::any);
}

TEST_CASE("gaps: a strap's gap leaves the belt's breathing estimate alone", "[drivers][app]") {
  pneuma::app::LiveAnalyzer analyzer(pneuma::app::LiveAnalyzerConfig{50.0});
  // 90 s of a 6/min belt at 50 Hz
  for (int i = 0; i < 90 * 50; ++i) {
    const double t = i / 50.0;
    analyzer.process(RespSample{t, t, static_cast<float>(2000 + 300 * std::sin(2 * std::numbers::pi * 0.1 * t))});
  }
  REQUIRE(std::isfinite(analyzer.metrics().breathing_bpm));
  analyzer.process(SignalGap{90, 88, 90, 0, Stream::rr});
  analyzer.process(SignalGap{90, 88, 90, 3, Stream::ecg});
  CHECK(std::isfinite(analyzer.metrics().breathing_bpm));
  analyzer.process(SignalGap{102, 90, 102, 1, Stream::resp}); // 12 s of belt lost
  CHECK_FALSE(std::isfinite(analyzer.metrics().breathing_bpm));
}

TEST_CASE("gaps: short belt holes are bridged, the breathing rate carries on, a long one restarts", "[drivers][app]") {
  // One belt sample in 100 lost (a bridge dropping 1 % of its lines), each hole reported by the
  // parser as it is: one 20-ms slot. The breathing window is bridged over
  // each (a straight line over 20 ms of a 10-s breath), never restarted.
  pneuma::app::LiveAnalyzer analyzer(pneuma::app::LiveAnalyzerConfig{50.0});
  int known_late = 0;
  for (int i = 0; i < 120 * 50; ++i) {
    const double t = i / 50.0;
    if (i % 100 == 57) {
      analyzer.process(SignalGap{t + 0.02, t, t + 0.02, 1, Stream::resp});
      continue;
    }
    analyzer.process(RespSample{t, t, static_cast<float>(2000 + 300 * std::sin(2 * std::numbers::pi * 0.1 * t))});
    if (t >= 90 && std::isfinite(analyzer.metrics().breathing_bpm)) {
      ++known_late;
      CHECK(analyzer.metrics().breathing_bpm == Approx(6.0).margin(0.3));
    }
  }
  CHECK(known_late == 30 * 50 - 15); // every sample of the last 30 s had a rate
  CHECK(analyzer.metrics().gaps_bridged == 60);
  // 3 s of silence (a stall): the breath in progress is lost, the window is bridged in time and
  // its rate carries on.
  analyzer.process(SignalGap{123, 120, 123, 150, Stream::resp});
  CHECK(std::isfinite(analyzer.metrics().breathing_bpm));
  for (int i = 123 * 50; i < 150 * 50; ++i) {
    const double t = i / 50.0;
    analyzer.process(RespSample{t, t, static_cast<float>(2000 + 300 * std::sin(2 * std::numbers::pi * 0.1 * t))});
    REQUIRE(std::isfinite(analyzer.metrics().breathing_bpm));
    CHECK(analyzer.metrics().breathing_bpm == Approx(6.0).margin(0.3));
  }
  // More than a sixth of the window lost: it starts over.
  analyzer.process(SignalGap{162, 150, 162, 600, Stream::resp});
  CHECK_FALSE(std::isfinite(analyzer.metrics().breathing_bpm));
}
