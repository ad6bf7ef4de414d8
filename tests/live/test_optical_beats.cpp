// Optical beats (Polar PPI from a Verity Sense / OH1) are named as such downstream: the flag on
// RrInterval reaches Metrics, the headless line ("beats_optical") and the window's words.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "drivers/parser_support.hpp"
#include "live/headless.hpp"
#include "live/live_analyzer.hpp"
#include "pneuma/drivers/parsers/pmd.hpp"
#include "view/trainer_view_model.hpp"

using namespace pneuma;

namespace {
/// A PMD PPI notification (type 3, frame type 0): `n` samples of `pp_ms`, skin contact.
std::vector<std::uint8_t> ppi_frame(unsigned pp_ms, std::size_t n) {
  std::vector<std::uint8_t> f = {0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0x00};
  for (std::size_t i = 0; i < n; ++i) {
    const auto hr = static_cast<std::uint8_t>(60000 / pp_ms);
    const std::uint8_t sample[6] = {hr, static_cast<std::uint8_t>(pp_ms & 0xFF), static_cast<std::uint8_t>(pp_ms >> 8),
                                    10, 0, 0x06};
    f.insert(f.end(), sample, sample + 6);
  }
  return f;
}

/// Beats alternating 950/1050 ms (HRV to measure), `seconds` of them.
template <class Feed> void beats(double seconds, Feed&& feed) {
  double t = 0;
  for (int i = 0; t < seconds; ++i) {
    const unsigned ms = i % 2 ? 1050 : 950;
    t += ms / 1000.0;
    feed(t, ms);
  }
}
} // namespace

TEST_CASE("optical beats: PPI frames decoded into the live analyzer mark its metrics optical", "[app][heart]") {
  app::LiveAnalyzer a({50.0});
  drivers::PmdFrameDecoder decoder;
  test::CollectingSink sink;
  beats(90, [&](double t, unsigned ms) { decoder.decode(ppi_frame(ms, 1), t, sink); });
  REQUIRE(sink.of<drivers::RrInterval>().size() > 80);
  for (auto const& s : sink.all) a.process(s);
  auto const& m = a.metrics();
  CHECK(m.beats_optical);
  CHECK(std::isfinite(m.hr_bpm)); // the beats count as beats: heart rate and HRV come from them
  CHECK(std::isfinite(m.rmssd_ms));
  const auto snap = app::Snapshot::of(m, 90, false);
  CHECK(snap.beats_optical);
  const std::string line = app::snapshot_json(snap, app::PacerFrame{});
  CHECK(line.find("\"beats_optical\":true") != std::string::npos);
}

TEST_CASE("optical beats: an ECG strap's beats are not marked, and the headless line has no key", "[app][heart]") {
  app::LiveAnalyzer a({50.0});
  beats(90, [&](double t, unsigned ms) {
    a.process(drivers::RrInterval{t, drivers::kNoDeviceTime, static_cast<std::uint16_t>(std::lround(ms * 1.024))});
  });
  CHECK_FALSE(a.metrics().beats_optical);
  CHECK(std::isfinite(a.metrics().rmssd_ms));
  const std::string line = app::snapshot_json(app::Snapshot::of(a.metrics(), 90, false), app::PacerFrame{});
  CHECK(line.find("beats_optical") == std::string::npos);
}

TEST_CASE("optical beats: the window says the heart numbers are from an optical pulse", "[ui]") {
  app::TrainerState s;
  s.metrics.hr_bpm = 62;
  s.metrics.quality = 0.9;
  s.metrics.breathing_source = dsp::BreathingSource::heart_rhythm;
  auto vm = app::make_view_model(s);
  CHECK(vm.breathing_from == "breathing from: heart rhythm");
  app::ClinicianViewModel cvm;
  app::update_clinician_view(cvm, s, nullptr, false, {});
  auto heart_row = [&] {
    for (auto const& r : cvm.rows)
      if (r.name.starts_with("Heart")) return r.name;
    return std::string_view{};
  };
  CHECK(heart_row() == "Heart rate bpm");

  s.metrics.beats_optical = true;
  vm = app::make_view_model(s);
  CHECK(vm.breathing_from == "breathing from: heart rhythm; beats from optical pulse (PPI)");
  app::update_clinician_view(cvm, s, nullptr, false, {});
  CHECK(heart_row() == "Heart bpm (optical PPI)");
  s.metrics.breathing_source = dsp::BreathingSource::none;
  vm = app::make_view_model(s);
  CHECK(vm.breathing_from == "beats from optical pulse (PPI)");
}
