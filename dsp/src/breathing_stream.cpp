#include "pneuma/dsp/breathing_stream.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace pneuma::dsp {
namespace {
enum class Sampled : std::uint8_t { continuously, per_beat };
RespAnalyzerConfig derived(RespPolarity polarity, Sampled sampled) {
  RespAnalyzerConfig c;
  c.polarity = polarity;
  c.spectral_input = SpectralInput::bandpassed; // the shown rate when this source is chosen
  // A series of one value per beat (heart rate, R amplitude) holds no heartbeat pulse to reject,
  // and its grid interpolation makes a breath's rise as steep as the beats allow: the
  // inspiration-length rule is for chest motion (whose ballistocardiogram is such a pulse).
  if (sampled == Sampled::per_beat) c.detector.min_rise_s = 0.0;
  return c;
}
// Heart rate from RR intervals is a rate, not a volume: the beat times' own jitter (R-peak
// timing, 1/1024-s ticks) enters each interval as e[k] - e[k-1], white noise differentiated,
// whose power rises as f^2 to half the heart rate (~30/min). The flow spectrum's extra f^2 put
// the 60-s peak there (29/min at a 4.5/min pace) instead of on the slow RSA swing, so the RSA
// rate is the peak of the plain spectrum.
RespAnalyzerConfig derived_rsa() {
  RespAnalyzerConfig c = derived(RespPolarity::up, Sampled::per_beat);
  c.spectral.flow_weighted = false;
  return c;
}
// Ectopic, missed and false beats change RR by more than this from the previous beat; sinus RSA
// does not (resp_derived.hpp, BeatOutlierGate).
constexpr double kRrMaxStep = 0.2;
// Heart rate trails lung volume by about a second (vagal effector latency plus the baroreflex
// loop: HR peaks 1-2 s after end-inspiration at 6-7/min, earlier below resonance), so the ACC
// orientation is voted from the correlation at this lag: positive for any HR phase from about
// -60 to +120 deg at 4.5/min and -30 to +150 deg at 10/min, the physiological range.
constexpr double kHeartLagS = 1.0;
} // namespace

BreathingStream::BreathingStream(BreathingStreamConfig const& config)
    : cfg_(config), belt_(RespAnalyzerConfig::live_belt(), SampleRate(config.belt_rate)),
      acc_grid_(config.acc_rate, config.acc_max_gap), acc_motion_(SampleRate(config.acc_rate)),
      acc_delay_s_(acc_motion_.delay_s()), acc_(derived(RespPolarity::up, Sampled::continuously), SampleRate(config.acc_rate)),
      acc_inv_(derived(RespPolarity::up, Sampled::continuously), SampleRate(config.acc_rate)), acc_start_s_(std::nan("")),
      rsa_gate_(kRrMaxStep), rsa_grid_(config.derived_rate, config.derived_max_gap),
      rsa_(derived_rsa(), SampleRate(config.derived_rate)),
      edr_grid_(config.derived_rate, config.derived_max_gap),
      edr_(derived(RespPolarity::automatic, Sampled::per_beat), SampleRate(config.derived_rate)) {}

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
  if (seconds <= cfg_.bridge_max.s()) {
    bridge_pending_ = true;
    return true;
  }
  if (seconds <= belt_.max_spectral_bridge_s()) {
    // A stall or a quick replug: the breath in progress is lost, the rate window is bridged and
    // keeps its time; the next sample re-anchors the belt's time to the host's.
    belt_.mark_gap(seconds);
    belt_anchor_ = true;
    bridge_pending_ = false;
    return true;
  }
  belt_lost();
  return false;
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
    if (jump > 0) {
      acc_.mark_gap(jump);
      acc_inv_.mark_gap(jump);
    }
    acc_start_s_ = acc_grid_.start_s() - acc_.next_sample_time_s();
    acc_restart_ = false;
    acc_ring_n_ = 0;
  }
  // Arrival is never before sampling: the least difference is the link's own latency (a frame of
  // samples arrives at once; its newest sample is the one that just happened).
  acc_latency_s_ = std::min(acc_latency_s_, t_s - dev);
  unsigned events = 0, inv_events = 0;
  for (std::size_t i = 0; i < n; ++i) {
    AccGrid::Bin const& b = bins[i];
    const float motion = std::isfinite(b.x) ? acc_motion_.process(b.x, b.y, b.z) : std::nanf("");
    // Session time of this value: its stream time on the analyzer's clock (before it is fed).
    acc_ring_t_ = acc_.next_sample_time_s() + acc_offset_s();
    acc_ring_[acc_ring_n_++ % kAccRing] = motion;
    // No sample in a bin (NaN): the analyzers hold, then mark a gap.
    events |= acc_.process(motion);
    inv_events |= acc_inv_.process(-motion);
  }
  // No verdict from the heart yet (or ever: no beats): the end-expiratory dwell decides, as the
  // analyzer's automatic polarity would (a breath dwells at its bottom, its cycles skew upwards:
  // resp_analyzer.hpp).
  if (!acc_voted_) {
    const double up = acc_.polarity_score(), inv = acc_inv_.polarity_score();
    if (up < -0.35 && inv > 0.35) acc_sign_ = -1;
    else if (inv < -0.35 && up > 0.35) acc_sign_ = 1;
  }
  return acc_sign_ > 0 ? events : inv_events;
}

void BreathingStream::acc_lost() noexcept {
  acc_.restart_spectral();
  acc_inv_.restart_spectral();
  acc_restart_ = true;
}

unsigned BreathingStream::beat(double t_s, double rr_ms) noexcept {
  if (!(rr_ms > 250.0) || !(rr_ms < 2500.0) || !rsa_gate_.accept(rr_ms)) return 0;
  std::array<float, 64> grid{};
  std::uint64_t hole = 0;
  const std::size_t n = rsa_grid_.push(t_s, 60000.0 / rr_ms, grid, hole);
  // A hole longer than the grid buffer is marked, not fed sample by sample: the analyzer's clock
  // stays on session time (rsa_offset_s) however long the strap was silent.
  if (hole > 0) rsa_.mark_gap(static_cast<double>(hole) / cfg_.derived_rate.hz());
  unsigned events = 0;
  for (std::size_t i = 0; i < n; ++i) {
    vote_orientation(rsa_.next_sample_time_s() + rsa_offset_s(), grid[i]);
    events |= rsa_.process(grid[i]);
  }
  return events;
}

void BreathingStream::vote_orientation(double t_s, double hr) noexcept {
  if (!std::isfinite(hr)) return;
  const double dt = 1.0 / cfg_.derived_rate.hz();
  // The same high-pass as AccBreathing's gravity average, so both carry the same phase.
  if (!hr_started_) {
    hr_mean_ = hr;
    hr_started_ = true;
  }
  hr_mean_ += (1.0 - std::exp(-dt / AccBreathing::kGravityTauS)) * (hr - hr_mean_);
  const double y = hr - hr_mean_;
  // The ACC value kHeartLagS before this HR sample (the ring's newest is the latest ACC bin; the
  // grid's HR sample is an RR interval old).
  if (acc_ring_n_ == 0) return;
  const double back = std::round((acc_ring_t_ - (t_s - kHeartLagS)) * cfg_.acc_rate.hz());
  if (!(back >= 0) || back >= static_cast<double>(std::min<std::uint64_t>(acc_ring_n_, kAccRing))) return;
  const float x = acc_ring_[(acc_ring_n_ - 1 - static_cast<std::uint64_t>(back)) % kAccRing];
  if (!std::isfinite(x)) return;
  const double a = 1.0 - std::exp(-dt / 30.0);
  sxy_ += a * (x * y - sxy_);
  sxx_ += a * (x * x - sxx_);
  syy_ += a * (y * y - syy_);
  pairs_s_ += dt;
  const double r = acc_heart_correlation();
  // The same for both orientations; the per-breath rate until the 60-s spectrum is in.
  const double spectral = acc_.metrics().spectral_rate_bpm;
  const double rate = std::isfinite(spectral) ? spectral : acc_.metrics().rate_bpm;
  if (!(std::abs(r) >= 0.3) || !(rate <= 10.0)) return;
  acc_sign_ = r > 0 ? 1 : -1;
  acc_voted_ = true;
}

double BreathingStream::acc_lead_s() const noexcept {
  const double bpm = acc_.metrics().spectral_rate_bpm;
  if (!(bpm > 1.0)) return 0.0;
  const double w = 2.0 * std::numbers::pi * bpm / 60.0;
  return std::atan(1.0 / (w * AccBreathing::kGravityTauS)) / w;
}

double BreathingStream::acc_heart_correlation() const noexcept {
  if (pairs_s_ < 20.0 || !(sxx_ > 0) || !(syy_ > 0)) return std::nan("");
  return sxy_ / std::sqrt(sxx_ * syy_);
}

unsigned BreathingStream::r_peak(double t_s, float amplitude) noexcept {
  const double a = std::abs(static_cast<double>(amplitude));
  if (!edr_gate_.accept(a)) return 0;
  std::array<float, 64> grid{};
  std::uint64_t hole = 0;
  const std::size_t n = edr_grid_.push(t_s, a, grid, hole);
  if (hole > 0) edr_.mark_gap(static_cast<double>(hole) / cfg_.derived_rate.hz()); // as in beat()
  unsigned events = 0;
  for (std::size_t i = 0; i < n; ++i) events |= edr_.process(grid[i]);
  return events;
}

} // namespace pneuma::dsp
