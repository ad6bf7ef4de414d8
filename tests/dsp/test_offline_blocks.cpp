// The offline helpers shared by `analyze` and the session analysis: periodogram + peak fit,
// linear resampling, heavy-ectopy safety net, mean coherence.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <vector>

#include "pneuma/dsp/artifact_corrector.hpp"
#include "pneuma/dsp/coherence.hpp"
#include "pneuma/dsp/periodogram.hpp"
#include "pneuma/dsp/spline.hpp"

using namespace pneuma::dsp;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("periodogram: a 0.1 Hz sine peaks at 0.1 Hz and its power is its variance", "[dsp]") {
  const double fs = 4.0;
  std::vector<double> x(300); // 75 s
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 3.0 + 2.0 * std::sin(2 * std::numbers::pi * 0.1 * i / fs);
  const Periodogram p = periodogram(x, SampleRate(fs));
  REQUIRE_FALSE(p.empty());
  const auto f = p.peak(Hz(0.05), Hz(0.7));
  REQUIRE(f);
  CHECK_THAT(f->hz(), WithinAbs(0.1, 1e-3)); // log-parabolic fit on a Hann lobe: << one bin (0.004 Hz)
  // Parseval with the Hann window normalisation: total density * df = variance (2^2 / 2 = 2).
  CHECK_THAT(p.power(Hz(0.0), Hz(2.0)), WithinRel(2.0, 0.02));
  CHECK(periodogram(std::vector<double>(15, 1.0), SampleRate(fs)).empty());
}

TEST_CASE("log-parabolic offset: exact for a Gaussian peak, 0 when flat", "[dsp]") {
  const double d = 0.3; // true peak 0.3 bins right of bin 0
  auto g = [&](double k) { return std::exp(-(k - d) * (k - d) / 2.0); };
  CHECK_THAT(log_parabolic_offset(g(-1), g(0), g(1)), WithinAbs(d, 1e-12));
  CHECK(log_parabolic_offset(1.0, 1.0, 1.0) == 0.0); // flat: no curvature, no offset
}

TEST_CASE("linear resample: interpolates on the grid and holds at the ends", "[dsp]") {
  const std::vector<double> t{1.0, 2.0, 3.0}, v{10.0, 20.0, 40.0};
  const auto y = linear_resample(t, v, 0.0, 3.5, SampleRate(2.0));
  REQUIRE(y.size() == 7);
  CHECK(y[0] == 10.0);                    // before the first point: held
  CHECK_THAT(y[3], WithinAbs(15.0, 1e-12)); // t = 1.5
  CHECK_THAT(y[5], WithinAbs(30.0, 1e-12)); // t = 2.5
  CHECK(y[6] == 40.0);                    // t = 3.0
  CHECK(linear_resample(std::vector<double>{1.0}, std::vector<double>{1.0}, 0, 1, SampleRate(4)).empty());
}

TEST_CASE("heavy ectopy flags: a short-long spike is flagged, RSA swings are not", "[dsp]") {
  std::vector<double> rr;
  for (int i = 0; i < 60; ++i) rr.push_back(900 + 150 * std::sin(2 * std::numbers::pi * i / 10.0)); // 6/min RSA, +-17 %
  const auto clean = heavy_ectopy_flags(rr);
  for (bool b : clean) CHECK_FALSE(b);
  rr[30] = 550; // premature beat
  rr[31] = 1250; // compensatory pause
  const auto flags = heavy_ectopy_flags(rr);
  CHECK(flags[30]);
  CHECK(flags[31]);
  CHECK(flags.size() == rr.size());
}

TEST_CASE("mean coherence: the mean of the series, NaN beats skipped, NaN when too short", "[dsp]") {
  std::vector<double> t, rr;
  double now = 0;
  for (int i = 0; i < 300; ++i) {
    const double x = 1000 + 100 * std::sin(2 * std::numbers::pi * 0.1 * now);
    now += x / 1000.0;
    t.push_back(now);
    rr.push_back(x);
  }
  const auto series = coherence_series(t, rr);
  REQUIRE_FALSE(series.empty());
  double sum = 0;
  for (auto const& c : series) sum += c.ratio;
  CHECK_THAT(mean_coherence(t, rr), WithinRel(sum / static_cast<double>(series.size()), 1e-12));
  auto with_break = rr;
  with_break[150] = std::nan("");
  CHECK(std::isfinite(mean_coherence(t, with_break)));
  CHECK(std::isnan(mean_coherence(std::vector<double>(t.begin(), t.begin() + 40), std::vector<double>(rr.begin(), rr.begin() + 40))));
}
