#pragma once
// Real-input FFT (KissFFT kiss_fftr, float) behind RAII; all memory allocated at construction.
//
//   X[k] = sum_{n=0}^{N-1} x[n] e^{-j 2 pi k n / N},  k = 0 .. N/2
//
// Unnormalised, like KissFFT and numpy.fft.rfft. N must be even.
// Sizes are a precondition of forward(): in.size() == size() and out.size() == bins(). A
// mismatch is a caller's bug, but the real-time path may not throw or abort, so forward()
// refuses it visibly: it writes nothing and returns false ([[nodiscard]]: check it, or assert
// on it where the buffers are sized once at set-up).
// Units: as the input (unnormalised transform). Delay: none (block transform).
// Thread contract: constructor may throw; forward() is noexcept, allocation-free, one thread.

#include <complex>
#include <memory>
#include <span>

namespace pneuma::dsp {

class RealFft {
public:
  /// Allocates the plan; throws std::invalid_argument if n is odd or < 2.
  explicit RealFft(int n);
  ~RealFft();
  RealFft(RealFft&&) noexcept;
  RealFft& operator=(RealFft&&) noexcept;
  RealFft(RealFft const&) = delete;
  RealFft& operator=(RealFft const&) = delete;

  [[nodiscard]] int size() const noexcept { return n_; }
  [[nodiscard]] int bins() const noexcept { return n_ / 2 + 1; }

  /// X = rfft(in) into out. Precondition: in.size() == size(), out.size() == bins(); on a
  /// mismatch nothing is written and the result is false.
  [[nodiscard]] bool forward(std::span<const float> in, std::span<std::complex<float>> out) noexcept;

private:
  struct Plan;
  int n_;
  std::unique_ptr<Plan> plan_;
};

} // namespace pneuma::dsp
