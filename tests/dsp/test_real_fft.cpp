// RealFft (KissFFT kiss_fftr behind RAII): against a long double naive DFT, and its size contract.
#include <catch2/catch.hpp>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include "pneuma/dsp/real_fft.hpp"

using pneuma::dsp::RealFft;

TEST_CASE("real fft: agrees with a naive DFT (relative RMSE, as KissFFT's own tests)", "[dsp]") {
  const int n = 96;
  std::mt19937 rng(3);
  std::normal_distribution<float> g(0, 1);
  std::vector<float> x(n);
  for (auto& v : x) v = g(rng);
  RealFft fft(n);
  std::vector<std::complex<float>> out(static_cast<std::size_t>(fft.bins()));
  REQUIRE(fft.forward(x, out));
  long double err = 0, ref = 0;
  for (int k = 0; k < fft.bins(); ++k) {
    std::complex<long double> X{};
    for (int i = 0; i < n; ++i) {
      const long double a = -2.0L * std::numbers::pi_v<long double> * k * i / n;
      X += static_cast<long double>(x[static_cast<std::size_t>(i)]) * std::complex<long double>(std::cos(a), std::sin(a));
    }
    const std::complex<long double> got(out[static_cast<std::size_t>(k)].real(), out[static_cast<std::size_t>(k)].imag());
    err += std::norm(got - X);
    ref += std::norm(X);
  }
  CHECK(std::sqrt(err / ref) < 1e-5L); // float transform of 96 points: ~1e-7 expected
}

TEST_CASE("real fft: a size mismatch writes nothing and says so", "[dsp]") {
  RealFft fft(64);
  std::vector<float> in(64, 1.0F), short_in(63, 1.0F);
  const std::complex<float> marker(42.0F, -1.0F);
  std::vector<std::complex<float>> out(33, marker), short_out(32, marker);
  CHECK_FALSE(fft.forward(short_in, out));
  CHECK_FALSE(fft.forward(in, short_out));
  for (auto const& c : out) CHECK(c == marker);
  for (auto const& c : short_out) CHECK(c == marker);
  REQUIRE(fft.forward(in, out));
  CHECK(out[0].real() == Approx(64.0F)); // DC of 64 ones
}

TEST_CASE("real fft: odd or tiny sizes are refused at set-up", "[dsp]") {
  CHECK_THROWS_AS(RealFft(63), std::invalid_argument);
  CHECK_THROWS_AS(RealFft(0), std::invalid_argument);
}
