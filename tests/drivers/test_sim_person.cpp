#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "pneuma/drivers/sim/sim_device.hpp"

using namespace pneuma::drivers;
using namespace pneuma::drivers::sim;

namespace {
BreathGuide pacer_at(double bpm, double inhale_fraction = 0.4) {
  return [=](double t) { return std::optional<BreathCue>({t * bpm / 60.0, bpm, inhale_fraction}); };
}

struct Collector final : SampleSink {
  std::vector<RespSample> belt;
  std::vector<RrInterval> rr;
  std::vector<HeartRate> hr;
  void on_sample(DeviceSample const& s) noexcept override {
    if (auto const* b = std::get_if<RespSample>(&s)) belt.push_back(*b);
    if (auto const* r = std::get_if<RrInterval>(&s)) rr.push_back(*r);
    if (auto const* h = std::get_if<HeartRate>(&s)) hr.push_back(*h);
  }
};

/// Inhale onsets (times when volume leaves its trough), from the person's own frames.
std::vector<double> breath_onsets(Person& p, double seconds) {
  std::vector<double> onsets;
  bool was_inhaling = true;
  while (p.time_s() < seconds) {
    const auto f = p.step();
    if (f.inhaling && !was_inhaling) onsets.push_back(f.t_s);
    was_inhaling = f.inhaling;
  }
  return onsets;
}

/// Mean HR peak-to-trough per breath cycle, from beat times, over [from, to).
double rsa_peak_to_trough(double pacer_bpm, std::uint64_t seed) {
  PersonParams params;
  params.seed = seed;
  params.sighs_per_min = 0;
  Person p(params, pacer_at(pacer_bpm));
  std::vector<double> beats;
  while (p.time_s() < 300) {
    const auto f = p.step();
    if (f.beat_s) beats.push_back(*f.beat_s);
  }
  const double period = 60.0 / pacer_bpm;
  double sum = 0;
  int cycles = 0;
  for (double start = 60; start + period <= 300; start += period, ++cycles) {
    double lo = 1e9, hi = 0;
    for (std::size_t i = 1; i < beats.size(); ++i)
      if (beats[i] >= start && beats[i] < start + period) {
        const double hr = 60.0 / (beats[i] - beats[i - 1]);
        lo = std::min(lo, hr);
        hi = std::max(hi, hr);
      }
    sum += hi - lo;
  }
  return sum / cycles;
}
} // namespace

TEST_CASE("sim person: breathing follows the pacer with a lag and some variability", "[drivers][sim]") {
  PersonParams params;
  params.sighs_per_min = 0;
  Person p(params, pacer_at(6.0));
  const auto onsets = breath_onsets(p, 600);
  REQUIRE(onsets.size() >= 55);
  std::vector<double> periods, lags;
  for (std::size_t i = 5; i < onsets.size(); ++i) {
    periods.push_back(onsets[i] - onsets[i - 1]);
    lags.push_back(std::fmod(onsets[i], 10.0)); // pacer onsets at multiples of 10 s
  }
  double mean = 0, var = 0, lag = 0;
  for (double d : periods) mean += d / periods.size();
  for (double d : periods) var += (d - mean) * (d - mean) / periods.size();
  for (double l : lags) lag += (l > 5 ? l - 10 : l) / lags.size();
  CHECK(mean == Approx(10.0).margin(0.1));          // same rate as the pacer
  CHECK(std::sqrt(var) / mean > 0.01);              // not a metronome
  CHECK(std::sqrt(var) / mean < 0.10);
  CHECK(lag > 0.3);                                  // behind the pacer, as people are
  CHECK(lag < 2.0);
}

TEST_CASE("sim person: RSA is largest at the resonance frequency", "[drivers][sim]") {
  const double at_resonance = rsa_peak_to_trough(5.5, 11);
  const double at_12 = rsa_peak_to_trough(12.0, 11);
  INFO("p2t at 5.5/min " << at_resonance << " bpm, at 12/min " << at_12 << " bpm");
  CHECK(at_resonance > 12.0);
  CHECK(at_resonance < 30.0);
  CHECK(at_resonance > 2.0 * at_12);
}

TEST_CASE("sim person: same seed gives the same person, another seed another", "[drivers][sim]") {
  auto run = [](std::uint64_t seed) {
    PersonParams params;
    params.seed = seed;
    Person p(params, pacer_at(6.0));
    double acc = 0;
    for (int i = 0; i < 5000; ++i) acc += p.step().belt;
    return acc;
  };
  CHECK(run(7) == run(7));
  CHECK(run(7) != run(8));
}

TEST_CASE("sim sensors: RR arrives as a strap sends it, in 1/1024 s ticks once per second", "[drivers][sim]") {
  PersonParams params;
  params.ectopic = 0.0;
  SimSensors sensors(params, pacer_at(6.0));
  Collector c;
  sensors.advance_to(120.0, c);
  CHECK(c.belt.size() == Approx(120 * 50).margin(1));
  REQUIRE(c.hr.size() >= 115);
  REQUIRE(c.rr.size() > 100);
  double rr_sum = 0;
  for (auto const& r : c.rr) {
    rr_sum += r.seconds();
    // Each RR arrives in a notification at a whole second.
    CHECK(r.t_s == Approx(std::round(r.t_s)).margin(0.021));
  }
  // The sum of reported intervals spans the beats (no rounding drift): about the session length.
  CHECK(rr_sum == Approx(c.rr.back().t_s).margin(3.0));
  const double mean_hr = 60.0 * c.rr.size() / rr_sum;
  CHECK(mean_hr == Approx(66).margin(6));
}

TEST_CASE("sim options: parsed from the source string, bad ones named", "[drivers][sim]") {
  const auto p = PersonParams::from_spec(SourceSpec::parse("sim:seed=7,rf=5.0,ectopic=0.01"));
  CHECK(p.seed == 7);
  CHECK(p.rf_bpm == 5.0);
  CHECK(p.ectopic == 0.01);
  CHECK_THROWS_WITH(PersonParams::from_spec(SourceSpec::parse("sim:rf=abc")), Catch::Contains("rf"));
  CHECK_THROWS_WITH(PersonParams::from_spec(SourceSpec::parse("sim:colour=red")),
                    Catch::Contains("colour"));
  CHECK_THROWS_WITH(SourceSpec::parse("bogus:x"), Catch::Contains("unknown kind"));
  const auto serial = SourceSpec::parse("serial:/dev/ttyUSB0?protocol=bridge&baud=115200");
  CHECK(serial.target == "/dev/ttyUSB0");
  CHECK(serial.options.at("protocol") == "bridge");
}
