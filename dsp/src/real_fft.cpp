#include "pneuma/dsp/real_fft.hpp"

#include <kiss_fftr.h>
#include <stdexcept>

namespace pneuma::dsp {

struct RealFft::Plan {
  kiss_fftr_cfg cfg = nullptr;
  ~Plan() { kiss_fftr_free(cfg); }
};

RealFft::RealFft(int n) : n_(n), plan_(std::make_unique<Plan>()) {
  if (n < 2 || n % 2 != 0) throw std::invalid_argument("real FFT size must be even and >= 2");
  plan_->cfg = kiss_fftr_alloc(n, 0, nullptr, nullptr);
  if (plan_->cfg == nullptr) throw std::bad_alloc();
}

RealFft::~RealFft() = default;
RealFft::RealFft(RealFft&&) noexcept = default;
RealFft& RealFft::operator=(RealFft&&) noexcept = default;

bool RealFft::forward(std::span<const float> in, std::span<std::complex<float>> out) noexcept {
  if (static_cast<int>(in.size()) != n_ || static_cast<int>(out.size()) != bins()) return false;
  static_assert(sizeof(kiss_fft_cpx) == sizeof(std::complex<float>));
  // std::complex<float> is layout-compatible with float[2] (and so with kiss_fft_cpx).
  kiss_fftr(plan_->cfg, in.data(), reinterpret_cast<kiss_fft_cpx*>(out.data()));
  return true;
}

} // namespace pneuma::dsp
