#include "pneuma/dsp/butterworth.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace pneuma::dsp {
namespace {

using cplx = std::complex<double>;
constexpr double kFsNorm = 2.0; // scipy designs at fs = 2 (frequencies as a fraction of Nyquist)

double prewarp(double f_hz, SampleRate fs, char const* what) {
  if (!(f_hz > 0.0) || !(f_hz < fs.hz() / 2.0))
    throw std::invalid_argument(std::string("Butterworth ") + what +
                                " must lie strictly between 0 Hz and the Nyquist frequency");
  const double wn = 2.0 * f_hz / fs.hz(); // fraction of Nyquist
  return 2.0 * kFsNorm * std::tan(std::numbers::pi * wn / kFsNorm);
}

} // namespace

ZpkDesign butterworth_zpk(ButterworthSpec const& spec, SampleRate fs) {
  if (spec.order < 1 || spec.order > 8)
    throw std::invalid_argument("Butterworth order must be 1..8");
  const int n = spec.order;
  std::vector<cplx> proto;
  for (int k = 0; k < n; ++k)
    proto.push_back(std::polar(1.0, std::numbers::pi * (2.0 * k + n + 1) / (2.0 * n)));

  std::vector<cplx> za, pa; // analog zeros and poles
  double ka = 1.0;
  switch (spec.band) {
  case FilterBand::lowpass: {
    const double w = prewarp(spec.f1_hz, fs, "cut-off");
    for (auto p : proto) pa.push_back(w * p);
    ka = std::pow(w, n);
    break;
  }
  case FilterBand::highpass: {
    const double w = prewarp(spec.f1_hz, fs, "cut-off");
    cplx prod = 1.0;
    for (auto p : proto) {
      pa.push_back(w / p);
      prod *= -p;
    }
    za.assign(static_cast<std::size_t>(n), 0.0);
    ka = (1.0 / prod).real();
    break;
  }
  case FilterBand::bandpass: {
    if (!(spec.f2_hz > spec.f1_hz))
      throw std::invalid_argument("Butterworth band-pass needs upper edge > lower edge");
    const double w1 = prewarp(spec.f1_hz, fs, "lower edge");
    const double w2 = prewarp(spec.f2_hz, fs, "upper edge");
    const double bw = w2 - w1, w0 = std::sqrt(w1 * w2);
    for (auto p : proto) {
      const cplx half = p * bw / 2.0;
      const cplx root = std::sqrt(half * half - w0 * w0);
      pa.push_back(half + root);
      pa.push_back(half - root);
    }
    za.assign(static_cast<std::size_t>(n), 0.0);
    ka = std::pow(bw, n);
    break;
  }
  }

  // Bilinear transform.
  const double fs2 = 2.0 * kFsNorm;
  ZpkDesign d;
  cplx num = 1.0, den = 1.0;
  for (auto z : za) {
    d.zeros.push_back((fs2 + z) / (fs2 - z));
    num *= fs2 - z;
  }
  for (auto p : pa) {
    d.poles.push_back((fs2 + p) / (fs2 - p));
    den *= fs2 - p;
  }
  while (d.zeros.size() < d.poles.size()) d.zeros.emplace_back(-1.0, 0.0);
  d.gain = ka * (num / den).real();
  return d;
}

std::vector<BiquadCoeffs> butterworth_sos(ButterworthSpec const& spec, SampleRate fs) {
  // scipy.signal.zpk2sos(pairing='nearest') for real zeros, so the sections match scipy's exactly:
  // the pole nearest the unit circle is paired first with its nearest zeros and fills the last
  // section; an odd filter gets a pole and a zero at the origin.
  const ZpkDesign d = butterworth_zpk(spec, fs);
  std::vector<double> zeros;
  for (auto z : d.zeros) zeros.push_back(z.real());
  std::vector<cplx> upper;
  std::vector<double> real;
  for (auto p : d.poles) {
    if (std::abs(p.imag()) <= 1e-12 * std::max(1.0, std::abs(p))) real.push_back(p.real());
    else if (p.imag() > 0) upper.push_back(p);
  }
  if (d.poles.size() % 2 == 1) {
    real.push_back(0.0);
    zeros.push_back(0.0);
  }
  std::sort(zeros.begin(), zeros.end());
  std::sort(real.begin(), real.end());
  std::vector<cplx> poles(upper.begin(), upper.end()); // scipy order: complex first, then real
  for (double r : real) poles.emplace_back(r, 0.0);
  auto is_real = [](cplx p) { return p.imag() == 0.0; };
  auto pop_nearest_zero = [&zeros](cplx p) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < zeros.size(); ++i)
      if (std::abs(p - zeros[i]) < std::abs(p - zeros[best])) best = i;
    const double z = zeros[best];
    zeros.erase(zeros.begin() + static_cast<std::ptrdiff_t>(best));
    return z;
  };
  auto pop_worst_pole = [&poles](bool real_only) {
    std::size_t best = poles.size();
    for (std::size_t i = 0; i < poles.size(); ++i) {
      if (real_only && poles[i].imag() != 0.0) continue;
      if (best == poles.size() ||
          std::abs(1.0 - std::abs(poles[i])) < std::abs(1.0 - std::abs(poles[best])))
        best = i;
    }
    const cplx p = poles[best];
    poles.erase(poles.begin() + static_cast<std::ptrdiff_t>(best));
    return p;
  };

  const std::size_t n_sections = (d.poles.size() + 1) / 2;
  std::vector<BiquadCoeffs> sos(n_sections);
  for (std::size_t si = 0; si < n_sections; ++si) {
    const cplx p1 = pop_worst_pole(false);
    const bool reals_left = std::any_of(poles.begin(), poles.end(), is_real);
    BiquadCoeffs c;
    if (is_real(p1) && !reals_left) { // last real pole: a first-order section
      const double z1 = pop_nearest_zero(p1);
      c = {1.0, -z1, 0.0, -p1.real(), 0.0};
    } else {
      const double z1 = pop_nearest_zero(p1);
      double z2 = 0;
      cplx p2;
      if (!is_real(p1)) {
        p2 = std::conj(p1);
        z2 = pop_nearest_zero(p1);
      } else {
        p2 = pop_worst_pole(true);
        z2 = pop_nearest_zero(p2);
      }
      c = {1.0, -(z1 + z2), z1 * z2, -(p1 + p2).real(), (p1 * p2).real()};
    }
    sos[n_sections - si - 1] = c;
  }
  sos.front().b0 *= d.gain;
  sos.front().b1 *= d.gain;
  sos.front().b2 *= d.gain;
  return sos;
}

std::complex<double> sos_response(std::vector<BiquadCoeffs> const& sos, double f_hz, SampleRate fs) {
  const double w = 2.0 * std::numbers::pi * f_hz / fs.hz();
  const cplx z1 = std::polar(1.0, -w), z2 = z1 * z1;
  cplx h = 1.0;
  for (auto const& c : sos) h *= (c.b0 + c.b1 * z1 + c.b2 * z2) / (1.0 + c.a1 * z1 + c.a2 * z2);
  return h;
}

double sos_group_delay_s(std::vector<BiquadCoeffs> const& sos, double f_hz, SampleRate fs) {
  const double df = std::max(1e-6, f_hz * 1e-4) * fs.hz() / 1000.0;
  const double f0 = std::max(0.0, f_hz - df), f1 = f_hz + df;
  double dphi = std::arg(sos_response(sos, f1, fs) / sos_response(sos, f0, fs));
  return -dphi / (2.0 * std::numbers::pi * (f1 - f0));
}

SosCascade::SosCascade(std::vector<BiquadCoeffs> const& sos) {
  if (sos.size() > kMaxSections) throw std::invalid_argument("too many filter sections (max 8)");
  n_ = sos.size();
  std::copy(sos.begin(), sos.end(), coeffs_.begin());
}

void SosCascade::settle_to(double x) noexcept {
  for (std::size_t i = 0; i < n_; ++i) {
    state_[i].settle_to(x, coeffs_[i]);
    const auto& c = coeffs_[i];
    x *= (c.b0 + c.b1 + c.b2) / (1.0 + c.a1 + c.a2);
  }
}

void SosCascade::reset() noexcept {
  for (auto& s : state_) s.reset();
}

} // namespace pneuma::dsp
