#pragma once
// Unit types for the DSP: a sampling rate, a frequency or a duration is never a bare number where
// it crosses an interface. Hz and Seconds are plain constexpr wrappers of a double (no checks: a
// cut-off or a window is validated by the block that designs with it); SampleRate validates at
// construction (finite, > 0), so make it before streaming starts.
//   using namespace pneuma::dsp::literals;  auto hp = BiquadCoeffs::highpass(0.03_Hz, fs);
// Units and delay: not applicable (the unit types themselves).
// Thread contract: value types, any thread.

#include <stdexcept>

namespace pneuma::dsp {

/// A frequency in Hz.
struct Hz {
  double value = 0;
  constexpr Hz() noexcept = default;
  constexpr explicit Hz(double v) noexcept : value(v) {}
  [[nodiscard]] constexpr double hz() const noexcept { return value; }
  constexpr auto operator<=>(Hz const&) const noexcept = default;
};

/// A duration in seconds.
struct Seconds {
  double value = 0;
  constexpr Seconds() noexcept = default;
  constexpr explicit Seconds(double v) noexcept : value(v) {}
  [[nodiscard]] constexpr double s() const noexcept { return value; }
  constexpr auto operator<=>(Seconds const&) const noexcept = default;
};

namespace literals {
constexpr Hz operator""_Hz(long double v) noexcept { return Hz(static_cast<double>(v)); }
constexpr Hz operator""_Hz(unsigned long long v) noexcept { return Hz(static_cast<double>(v)); }
constexpr Seconds operator""_s(long double v) noexcept { return Seconds(static_cast<double>(v)); }
constexpr Seconds operator""_s(unsigned long long v) noexcept { return Seconds(static_cast<double>(v)); }
} // namespace literals

/// Sampling rate in Hz. Construction validates (finite, > 0); use before streaming starts.
class SampleRate {
public:
  explicit SampleRate(double hz) : hz_(hz) {
    if (!(hz > 0.0) || hz > 1e7) throw std::invalid_argument("sampling rate must be > 0 Hz");
  }
  explicit SampleRate(Hz f) : SampleRate(f.hz()) {}
  [[nodiscard]] double hz() const noexcept { return hz_; }
  [[nodiscard]] double period_s() const noexcept { return 1.0 / hz_; }
  /// Number of whole samples covering `seconds` (at least 1).
  [[nodiscard]] int samples_in(double seconds) const noexcept {
    const int n = static_cast<int>(seconds * hz_ + 0.5);
    return n < 1 ? 1 : n;
  }
  [[nodiscard]] int samples_in(Seconds d) const noexcept { return samples_in(d.s()); }

private:
  double hz_;
};

/// Breaths (or beats) per minute <-> Hz.
constexpr double per_min_to_hz(double per_min) noexcept { return per_min / 60.0; }
constexpr double hz_to_per_min(double hz) noexcept { return hz * 60.0; }

} // namespace pneuma::dsp
