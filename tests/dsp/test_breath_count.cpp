// Offline breath counting on a short window (dsp/breath_count.hpp), against signals whose breath
// count is known by construction.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "pneuma/dsp/breath_count.hpp"

using namespace pneuma::dsp;

namespace {
constexpr double kPi = 3.14159265358979323846;

std::vector<double> breathing(double bpm, double seconds, double fs, double drift_per_s = 0) {
  std::vector<double> v;
  for (int i = 0; i < static_cast<int>(seconds * fs); ++i) {
    const double t = i / fs;
    v.push_back(std::sin(2 * kPi * bpm / 60.0 * t) + drift_per_s * t);
  }
  return v;
}
} // namespace

TEST_CASE("breath count: a 75 s window of 6/min with drift and a sigh counts 6/min", "[dsp]") {
  auto belt = breathing(6.0, 75.0, 50.0, 0.02);
  // A sigh: one breath three times as deep (30-40 s) is still one breath.
  for (std::size_t i = 1500; i < 2000; ++i) belt[i] *= 3.0;
  const auto grid = smoothed_grid(belt, SampleRate(50.0), 0.0, 75.0, SampleRate(4.0));
  REQUIRE(grid.size() == 300);
  const auto rate = counted_breath_rate(grid, SampleRate(4.0), 10.0);
  REQUIRE(rate);
  // Six whole cycles between the first and last upward crossing; each crossing may move by up to
  // about half a second (the 0.25 s grid, and the drift under the baseline slid inwards at the
  // window's ends): 1 s of 60 s is 0.1/min.
  CHECK(*rate == Approx(6.0).margin(0.1));
}

TEST_CASE("breath count: 15/min on a 60 s window, fewer than 3 breaths give nothing", "[dsp]") {
  const auto grid = smoothed_grid(breathing(15.0, 60.0, 25.0), SampleRate(25.0), 0.0, 60.0, SampleRate(4.0));
  const auto rate = counted_breath_rate(grid, SampleRate(4.0), 4.0);
  REQUIRE(rate);
  CHECK(*rate == Approx(15.0).margin(0.1));
  const auto two = smoothed_grid(breathing(3.0, 40.0, 25.0), SampleRate(25.0), 0.0, 40.0, SampleRate(4.0));
  CHECK_FALSE(counted_breath_rate(two, SampleRate(4.0), 20.0));
  CHECK_FALSE(counted_breath_rate(std::vector<double>(100, 1.0), SampleRate(4.0), 10.0)); // flat
}

TEST_CASE("breath count: missing belt samples are skipped, not counted as values", "[dsp]") {
  std::vector<double> belt(500, 2.0);
  for (std::size_t i = 100; i < 150; ++i) belt[i] = std::numeric_limits<double>::quiet_NaN();
  const auto grid = smoothed_grid(belt, SampleRate(50.0), 0.0, 10.0, SampleRate(4.0));
  REQUIRE(grid.size() == 40);
  for (double x : grid) CHECK(x == Approx(2.0));
}
