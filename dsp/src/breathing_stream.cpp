#include "pneuma/dsp/breathing_stream.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace pneuma::dsp {
namespace {
RespAnalyzerConfig derived(RespPolarity polarity) {
  RespAnalyzerConfig c;
  c.polarity = polarity;
  c.spectral_input = SpectralInput::bandpassed; // the shown rate when this source is chosen
  return c;
}
// Heart rate from RR intervals is a rate, not a volume: the beat times' own jitter (R-peak
// timing, 1/1024-s ticks) enters each interval as e[k] - e[k-1], white noise differentiated,
// whose power rises as f^2 to half the heart rate (~30/min). The flow spectrum's extra f^2 put
// the 60-s peak there (29/min at a 4.5/min pace) instead of on the slow RSA swing, so the RSA
// rate is the peak of the plain spectrum.
RespAnalyzerConfig derived_rsa() {
  RespAnalyzerConfig c = derived(RespPolarity::up);
  c.spectral.flow_weighted = false;
  return c;
}
} // namespace

BreathingStream::BreathingStream(BreathingStreamConfig const& config)
    : cfg_(config), belt_(RespAnalyzerConfig::live_belt(), SampleRate(config.belt_rate)),
      acc_grid_(config.acc_rate, config.acc_max_gap), acc_motion_(SampleRate(config.acc_rate)),
      acc_band_(butterworth_sos({FilterBand::bandpass, 2, 0.05, 0.7}, SampleRate(config.acc_rate))),
      acc_(derived(RespPolarity::automatic), SampleRate(config.acc_rate)), acc_start_s_(std::nan("")),
      rsa_grid_(config.derived_rate, config.derived_max_gap),
      rsa_(derived_rsa(), SampleRate(config.derived_rate)),
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

unsigned BreathingStream::acc(float x_mg, float y_mg, float z_mg, double t_s, double device_t_s) noexcept {
  const double dev = std::isfinite(device_t_s) ? device_t_s : t_s;
  if (acc_restart_) { // a new grid: its bin 0 is the analyzer's next stream instant
    acc_grid_.reset();
    acc_latency_s_ = t_s - dev;
  }
  double jump = 0;
  std::array<AccGrid::Bin, 64> bins{};
  const std::size_t n = acc_grid_.push(dev, x_mg, y_mg, z_mg, bins, jump);
  if (acc_restart_ || jump > 0) {
    if (jump > 0) acc_.mark_gap(jump);
    acc_start_s_ = acc_grid_.start_s() - acc_.next_sample_time_s();
    acc_restart_ = false;
  }
  // Arrival is never before sampling: the least difference is the link's own latency (a frame of
  // samples arrives at once; its newest sample is the one that just happened).
  acc_latency_s_ = std::min(acc_latency_s_, t_s - dev);
  unsigned events = 0;
  for (std::size_t i = 0; i < n; ++i) {
    AccGrid::Bin const& b = bins[i];
    if (!std::isfinite(b.x)) { // no sample in this bin: the analyzer holds, then marks a gap
      events |= acc_.process(std::nanf(""));
      continue;
    }
    const float motion = acc_motion_.process(b.x, b.y, b.z);
    events |= acc_.process(static_cast<float>(acc_band_(motion)));
  }
  return events;
}

void BreathingStream::acc_lost() noexcept {
  acc_.restart_spectral();
  acc_restart_ = true;
}

unsigned BreathingStream::beat(double t_s, double rr_ms) noexcept {
  if (!(rr_ms > 250.0) || !(rr_ms < 2500.0) || !rsa_gate_.accept(rr_ms)) return 0;
  std::array<float, 64> grid{};
  const std::size_t n = rsa_grid_.push(t_s, 60000.0 / rr_ms, grid);
  unsigned events = 0;
  for (std::size_t i = 0; i < n; ++i) events |= rsa_.process(grid[i]);
  return events;
}

unsigned BreathingStream::r_peak(double t_s, float amplitude) noexcept {
  const double a = std::abs(static_cast<double>(amplitude));
  if (!edr_gate_.accept(a)) return 0;
  std::array<float, 64> grid{};
  const std::size_t n = edr_grid_.push(t_s, a, grid);
  unsigned events = 0;
  for (std::size_t i = 0; i < n; ++i) events |= edr_.process(grid[i]);
  return events;
}

} // namespace pneuma::dsp
