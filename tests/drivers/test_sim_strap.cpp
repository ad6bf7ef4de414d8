// The simulated person as a Polar H10: the chest accelerometer (acc_synth.hpp) and the PMD frames
// the bridge and the mock BlueZ carry (pmd_framer.hpp), decoded back by the real PMD decoder.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "pneuma/drivers/parsers/pmd.hpp"
#include "pneuma/drivers/sim/pmd_framer.hpp"
#include "pneuma/drivers/sim/sim_device.hpp"

using namespace pneuma::drivers;

namespace {
struct Collect final : SampleSink {
  std::vector<DeviceSample> samples;
  void on_sample(DeviceSample const& s) noexcept override { samples.push_back(s); }
  template <class T> std::vector<T> of() const {
    std::vector<T> out;
    for (auto const& s : samples)
      if (auto const* v = std::get_if<T>(&s)) out.push_back(*v);
    return out;
  }
};
} // namespace

TEST_CASE("sim strap: ACC at its own rate, gravity ~1 G, breathing tilt of tens of mG", "[drivers][sim][strap]") {
  auto p = sim::PersonParams::from_spec(SourceSpec::parse("sim:acc=200,posture=0,moves=0"));
  sim::SimSensors sensors(p, [](double t) { return std::optional<sim::BreathCue>({t * 0.1, 6.0, 0.4}); });
  Collect c;
  sensors.advance_to(60.0, c);
  const auto acc = c.of<AccSample>();
  REQUIRE(acc.size() == Approx(12000).margin(2));
  CHECK(acc[1].device_t_s - acc[0].device_t_s == Approx(0.005).margin(1e-9));
  double lo = 1e9, hi = -1e9, g = 0;
  for (std::size_t i = 3000; i < acc.size(); ++i) {
    lo = std::min<double>(lo, acc[i].z_mg);
    hi = std::max<double>(hi, acc[i].z_mg);
    g += std::sqrt(acc[i].x_mg * acc[i].x_mg + acc[i].y_mg * acc[i].y_mg + acc[i].z_mg * acc[i].z_mg);
  }
  CHECK(g / static_cast<double>(acc.size() - 3000) == Approx(1000).margin(5)); // gravity, mG
  // 2 deg of pitch per unit depth at ~10 deg lean: ~34 mG on z, plus noise and heartbeat.
  CHECK(hi - lo > 20);
  CHECK(hi - lo < 80);
  CHECK_THROWS_WITH(sim::PersonParams::from_spec(SourceSpec::parse("sim:acc=10")), Catch::Contains("25..200"));
}

TEST_CASE("sim strap: posture changes and movement bursts happen when asked", "[drivers][sim][strap]") {
  sim::AccSynth a(50, 3, 6.0, 6.0); // 6 a minute each
  int n = 0;
  for (int i = 1; i <= 50 * 120; ++i) a.advance(i / 50.0, 0.5, [&](AccSample const&) { ++n; });
  CHECK(n == 6000);
  CHECK(a.posture_changes() >= 4);  // Poisson, mean 12 in 2 min (minus the 1.5 s moves)
  CHECK(a.moves() >= 4);
}

TEST_CASE("pmd framer: ECG and ACC frames decode back to the same samples and times", "[drivers][sim][strap]") {
  sim::PmdFramer ecg(PmdType::ecg), acc(PmdType::acc);
  PmdFrameDecoder dec;
  dec.configure(PmdType::acc, PmdStreamConfig{200, 16, 3, 1.0f});
  Collect out;
  int frames = 0;
  for (int i = 0; i < 2 * 36; ++i) {
    const double t = 10 + i / 200.0;
    if (acc.add(AccSample{t, t, static_cast<float>(i), -1000.0f, static_cast<float>(-i)})) {
      ++frames;
      CHECK(acc.frame().size() == 10 + 36 * 6);
      CHECK(dec.decode(acc.frame(), t, out) == 36);
    }
  }
  for (int i = 0; i < 73; ++i) {
    const double t = 10 + i / 130.0;
    if (ecg.add(EcgSample{t, t, static_cast<float>(1000 - 20 * i)})) CHECK(dec.decode(ecg.frame(), t, out) == 73);
  }
  CHECK(frames == 2);
  const auto a = out.of<AccSample>();
  REQUIRE(a.size() == 72);
  CHECK(a[40].x_mg == 40);
  CHECK(a[40].y_mg == -1000);
  CHECK(a[40].z_mg == -40);
  // PMD time: ns since 2000 on a clock that restarted at 2019-01-01, of the frame's last sample.
  CHECK(a[71].device_t_s - a[36].device_t_s == Approx(35 / 200.0).margin(1e-6));
  CHECK(a[71].device_t_s == Approx(static_cast<double>(kPmdDefaultEpochNs) * 1e-9 + 10 + 71 / 200.0).margin(1e-6));
  const auto e = out.of<EcgSample>();
  REQUIRE(e.size() == 73);
  CHECK(e[72].microvolts == 1000 - 20 * 72);
  CHECK(out.of<SignalGap>().empty());
}
