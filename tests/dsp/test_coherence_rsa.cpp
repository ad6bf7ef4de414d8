#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include "pneuma/dsp/coherence.hpp"
#include "pneuma/dsp/rsa.hpp"
#include "pneuma/dsp/rsa_phase.hpp"
#include "support/alloc_counter.hpp"

using namespace pneuma::dsp;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
struct Beats {
  std::vector<double> t, rr;
};
/// Beats whose RR follows mean + amp sin(2 pi f t + phase) + white noise (sd).
Beats make_beats(double f, double amp, double seconds, double sd = 0, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0, sd > 0 ? sd : 1);
  Beats b;
  double t = 0;
  while (t < seconds) {
    const double rr = 900 + amp * std::sin(2 * std::numbers::pi * f * t) + (sd > 0 ? n(rng) : 0);
    t += rr / 1000;
    b.t.push_back(t);
    b.rr.push_back(rr);
  }
  return b;
}
} // namespace

TEST_CASE("coherence: a single 0.1 Hz rhythm is highly coherent, noise is not", "[dsp][heart]") {
  const auto res = make_beats(0.1, 60, 300, 5);
  const auto c = coherence_series(res.t, res.rr);
  REQUIRE(c.size() >= 40); // every 5 s after the first 64 s
  for (auto const& e : c) {
    CHECK_THAT(e.peak_hz, WithinAbs(0.1, 0.008));
    CHECK(e.ratio > 5);
    CHECK_THAT(e.ratio_sq, WithinRel(e.ratio * e.ratio, 1e-12));
  }
  const auto noise = make_beats(0.1, 0, 300, 40, 3);
  double mean = 0;
  const auto cn = coherence_series(noise.t, noise.rr);
  for (auto const& e : cn) mean += e.ratio / static_cast<double>(cn.size());
  CHECK(mean < 0.5);
}

TEST_CASE("coherence: updates every 5 s of beat time without allocating state", "[dsp][heart]") {
  CoherenceTracker tr;
  const auto b = make_beats(0.1, 40, 200);
  const double max_rr_s = *std::max_element(b.rr.begin(), b.rr.end()) / 1000; // 0.94 s
  std::vector<double> times;
  times.reserve(b.t.size());
  std::uint64_t allocations = 0;
  {
    const pneuma::test::AllocationCount counted;
    for (std::size_t i = 0; i < b.t.size(); ++i)
      if (auto c = tr.push(b.t[i], b.rr[i])) times.push_back(c->t_s);
    allocations = counted.count();
  }
  CHECK(allocations == 0); // the dsp thread's block: its buffers are made in the constructor
  // The first estimate comes with the first beat that closes 64 s after the first beat; each next
  // one with the first beat at least 5 s after the last: so 5 s <= gap < 5 s + one RR.
  REQUIRE(times.size() >= 2);
  CHECK(times.front() >= b.t.front() + 64.0);
  CHECK(times.front() < b.t.front() + 64.0 + max_rr_s);
  for (std::size_t i = 1; i < times.size(); ++i) {
    INFO("estimate " << i << " at " << times[i] << " s");
    CHECK(times[i] - times[i - 1] >= 5.0);
    CHECK(times[i] - times[i - 1] < 5.0 + max_rr_s);
  }
  // Every 5 s from ~65 s to 200 s: 136 s / (5 s + up to one RR) gives between 23 and 28 estimates.
  CHECK(times.size() >= static_cast<std::size_t>((b.t.back() - times.front()) / (5.0 + max_rr_s)));
  CHECK(times.size() <= static_cast<std::size_t>((b.t.back() - times.front()) / 5.0) + 1);
  CHECK_FALSE(tr.push(std::nan(""), 900));
}

TEST_CASE("rsa: per-breath peak-to-trough and HR range of a 6/min rhythm", "[dsp][heart]") {
  const auto b = make_beats(0.1, 100, 120);
  std::vector<double> onsets;
  for (double t = 0; t < 120; t += 10) onsets.push_back(t);
  const auto r = rsa_per_breath(b.t, b.rr, onsets);
  REQUIRE(r.size() == 11);
  for (auto const& x : r) {
    CHECK_THAT(x.p2t_ms, WithinAbs(200, 15));                           // 2 x 100 ms, sampled by beats
    CHECK_THAT(x.hr_range_bpm, WithinAbs(60000.0 / 800 - 60000.0 / 1000, 2.5)); // 15 bpm
    CHECK(x.duration_s == Approx(10));
  }
  RsaTracker tr; // a breath without beats, and absurd durations, give nothing
  CHECK_FALSE(tr.onset(0));
  CHECK_FALSE(tr.onset(60));
}

TEST_CASE("rsa phase: HR leading breathing by 45 degrees is measured, MSC near 1", "[dsp][heart]") {
  const SampleRate fs(4);
  const std::size_t n = 4 * 240;
  std::vector<double> hr(n), resp(n);
  std::mt19937 rng(2);
  std::normal_distribution<double> noise(0, 0.2);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / 4;
    resp[i] = std::sin(2 * std::numbers::pi * 0.1 * t) + 0.05 * noise(rng);
    hr[i] = 70 + 8 * std::sin(2 * std::numbers::pi * 0.1 * t + std::numbers::pi / 4) + noise(rng);
  }
  HrRespCouplingAnalyzer a(fs);
  const auto c = a.compute(hr, resp);
  CHECK(c.segments == 6);
  CHECK_THAT(c.breathing_hz, WithinAbs(0.1, 0.01));
  CHECK_THAT(c.phase_deg, WithinAbs(45, 5));
  CHECK(c.msc > 0.95);
  // Unrelated HR: low coherence at the breathing frequency.
  for (auto& v : hr) v = 70 + 3 * noise(rng);
  CHECK(a.compute(hr, resp).msc < 0.5);
  CHECK(a.compute(std::span<const double>(hr).first(10), std::span<const double>(resp).first(10)).segments == 0);
}

TEST_CASE("rsa phase: HR on a grid interpolates between beats", "[dsp][heart]") {
  const std::vector<double> t = {1.0, 2.0, 3.0}, rr = {1000, 1000, 500};
  const auto g = hr_on_grid(t, rr, 1.0, SampleRate(4), 9);
  CHECK_THAT(g[0], WithinRel(60.0, 1e-12));
  CHECK_THAT(g[6], WithinRel(60 + 0.5 * 60, 1e-12));
  CHECK_THAT(g[8], WithinRel(120.0, 1e-12));
}
