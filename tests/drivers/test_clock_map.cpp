// Device clock -> host clock: offset, drift, jitter and resets.
#include <catch2/catch.hpp>
#include <random>

#include "pneuma/drivers/parsers/clock_map.hpp"

using pneuma::drivers::DeviceClockMap;

TEST_CASE("clock map: jittered arrivals map onto the device's own spacing", "[drivers]") {
  DeviceClockMap map;
  std::mt19937 rng(1);
  std::exponential_distribution<double> delay(1.0 / 0.004); // 4 ms mean transport delay
  double prev = 0;
  double max_step_err = 0;
  for (int i = 0; i < 6000; ++i) { // 60 s at 100 Hz
    const double dev = 1000.0 + i * 0.01;
    const double host = 5.0 + i * 0.01 + delay(rng);
    const double t = map.map(dev, host);
    if (i > 500) max_step_err = std::max(max_step_err, std::abs((t - prev) - 0.01));
    prev = t;
  }
  CHECK(max_step_err < 0.002); // arrival jitter (several ms) is mostly removed
  CHECK(map.offset_s() == Approx(5.0 - 1000.0).margin(0.003));
}

TEST_CASE("clock map: a device clock running 200 ppm fast is tracked", "[drivers]") {
  DeviceClockMap map;
  double t = 0;
  for (int i = 0; i < 12000; ++i) { // 120 s
    const double host = i * 0.01;
    const double dev = host * (1 + 200e-6);
    t = map.map(dev, host + 0.001);
  }
  CHECK(map.drift_ppm() == Approx(-200).margin(20));
  CHECK(t == Approx(119.99 + 0.001).margin(0.002));
}

TEST_CASE("clock map: a clock reset re-anchors", "[drivers]") {
  DeviceClockMap map;
  for (int i = 0; i < 100; ++i) map.map(800000000.0 + i * 0.1, i * 0.1);
  const double t = map.map(599616000.0, 10.05); // H10 back at 2019-01-01
  CHECK(t == 10.05);
  CHECK(map.resets() == 1);
  CHECK(map.map(599616000.1, 10.16) == Approx(10.15).margin(1e-6));
}
