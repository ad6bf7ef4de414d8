#include "pneuma/dsp/breathing_stream.hpp"

#include <array>
#include <cmath>

namespace pneuma::dsp {
namespace {
RespAnalyzerConfig derived(RespPolarity polarity) {
  RespAnalyzerConfig c;
  c.polarity = polarity;
  c.spectral_input = SpectralInput::off; // nobody reads a surrogate's spectral rate
  return c;
}
} // namespace

BreathingStream::BreathingStream(BreathingStreamConfig const& config)
    : cfg_(config), belt_(RespAnalyzerConfig::live_belt(), SampleRate(config.belt_rate)),
      rsa_grid_(config.derived_rate, config.derived_max_gap),
      rsa_(derived(RespPolarity::up), SampleRate(config.derived_rate)),
      edr_grid_(config.derived_rate, config.derived_max_gap),
      edr_(derived(RespPolarity::automatic), SampleRate(config.derived_rate)) {}

unsigned BreathingStream::belt(float value, double t_s) noexcept {
  // Belt time: samples are counted; a jump of the arrival time by more than belt_gap is a gap.
  const double behind = t_s - (belt_.next_sample_time_s() + belt_offset_s_);
  if (!belt_anchor_ && behind > cfg_.belt_gap.s()) {
    belt_.mark_gap(behind);
    belt_anchor_ = true;
  }
  unsigned events = 0;
  if (bridge_pending_ && !belt_anchor_) {
    const double fs = cfg_.belt_rate.hz();
    const double missing = std::round(behind * fs);
    if (missing >= 1 && missing <= cfg_.bridge_max.s() * fs) {
      const auto n = static_cast<int>(missing);
      for (int i = 1; i <= n; ++i) {
        const float f = static_cast<float>(i) / static_cast<float>(n + 1);
        events |= belt_.process(last_belt_ + f * (value - last_belt_));
      }
      ++bridged_;
      bridged_samples_ += static_cast<std::uint64_t>(n);
    }
  }
  bridge_pending_ = false;
  if (belt_anchor_) {
    belt_offset_s_ = t_s - belt_.next_sample_time_s();
    belt_anchor_ = false;
  }
  last_belt_ = value;
  return events | belt_.process(value);
}

void BreathingStream::belt_lost() noexcept {
  belt_.restart_spectral();
  belt_anchor_ = true; // the belt's own timestamps tell whether its samples were lost
  bridge_pending_ = false;
}

bool BreathingStream::belt_gap(double seconds) noexcept {
  if (!(seconds <= cfg_.bridge_max.s())) {
    belt_lost();
    return false;
  }
  bridge_pending_ = true;
  return true;
}

void BreathingStream::nn_beat(double t_s, double rr_ms) noexcept {
  if (!(rr_ms > 250.0) || !(rr_ms < 2500.0)) return;
  std::array<float, 64> grid{};
  const std::size_t n = rsa_grid_.push(t_s, 60000.0 / rr_ms, grid);
  for (std::size_t i = 0; i < n; ++i) (void)rsa_.process(grid[i]);
}

void BreathingStream::r_peak(double t_s, float amplitude) noexcept {
  const double a = std::abs(static_cast<double>(amplitude));
  if (!edr_gate_.accept(a)) return;
  std::array<float, 64> grid{};
  const std::size_t n = edr_grid_.push(t_s, a, grid);
  for (std::size_t i = 0; i < n; ++i) (void)edr_.process(grid[i]);
}

} // namespace pneuma::dsp
