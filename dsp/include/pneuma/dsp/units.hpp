#pragma once
// Unit types for the DSP: a sampling rate is never a bare number.

#include <stdexcept>

namespace pneuma::dsp {

/// Sampling rate in Hz. Construction validates (finite, > 0); use before streaming starts.
class SampleRate {
public:
  explicit SampleRate(double hz) : hz_(hz) {
    if (!(hz > 0.0) || hz > 1e7) throw std::invalid_argument("sampling rate must be > 0 Hz");
  }
  [[nodiscard]] double hz() const noexcept { return hz_; }
  [[nodiscard]] double period_s() const noexcept { return 1.0 / hz_; }
  /// Number of whole samples covering `seconds` (at least 1).
  [[nodiscard]] int samples_in(double seconds) const noexcept {
    const int n = static_cast<int>(seconds * hz_ + 0.5);
    return n < 1 ? 1 : n;
  }

private:
  double hz_;
};

/// Breaths (or beats) per minute <-> Hz.
constexpr double per_min_to_hz(double per_min) noexcept { return per_min / 60.0; }
constexpr double hz_to_per_min(double hz) noexcept { return hz * 60.0; }

} // namespace pneuma::dsp
