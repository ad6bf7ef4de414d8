#include "pneuma/dsp/resp_derived.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace pneuma::dsp {

BeatSeriesResampler::BeatSeriesResampler(Hz out, Seconds max_gap)
    : out_hz_(out.hz()), max_gap_s_(max_gap.s()), start_s_(std::nan("")) {
  if (!(out_hz_ > 0.5) || !(out_hz_ <= 100)) throw std::invalid_argument("beat resampling rate must be 0.5..100 Hz");
  if (!(max_gap_s_ > 0)) throw std::invalid_argument("beat gap limit must be > 0 s");
}

void BeatSeriesResampler::reset() noexcept {
  start_s_ = std::nan("");
  have_last_ = false;
  next_k_ = 0;
}

std::size_t BeatSeriesResampler::push(double t_s, double value, std::span<float> out, std::uint64_t& hole) noexcept {
  hole = 0;
  // Grid index of the last sample at or before t_s (exact in a double below 2^52).
  const double k_end = have_last_ ? std::floor((t_s - start_s_) * out_hz_) : 0.0;
  if (!std::isfinite(t_s) || !std::isfinite(value) || (have_last_ && t_s <= last_t_) || !(k_end < 0x1p52)) {
    ++dropped_;
    return 0;
  }
  std::size_t n = 0;
  auto emit = [&](double v) {
    out[n++] = static_cast<float>(v);
    ++next_k_;
  };
  if (!have_last_) {
    start_s_ = t_s;
    have_last_ = true;
    last_t_ = t_s;
    last_v_ = value;
    if (!out.empty()) emit(value);
    else hole = next_k_ = 1; // no room even for it: a hole of one sample
    return n;
  }
  const double gap = t_s - last_t_;
  const auto due = static_cast<std::uint64_t>(k_end) + 1; // grid samples known once this beat is
  const std::uint64_t pending = due > next_k_ ? due - next_k_ : 0;
  if (pending > out.size()) { // a long hole: its length, not its samples
    hole = pending;
    next_k_ = due;
  } else {
    while (next_k_ < due) {
      const double tk = start_s_ + static_cast<double>(next_k_) / out_hz_;
      if (gap > max_gap_s_) emit(std::nan(""));
      else emit(last_v_ + (value - last_v_) * (tk - last_t_) / gap);
    }
  }
  last_t_ = t_s;
  last_v_ = value;
  return n;
}

bool BeatOutlierGate::accept(double v) noexcept {
  if (!std::isfinite(v)) {
    ++rejected_;
    return false;
  }
  bool ok = true;
  if (max_step_ > 0) {
    ok = n_ == 0 || std::abs(v - last_) <= max_step_ * std::abs(last_);
    run_ = ok ? 0 : run_ + 1;
    if (run_ >= 5) { // a lasting change of level (or a wrong first beat): start from here
      ok = true;
      run_ = 0;
    }
    if (!ok) {
      ++rejected_;
      return false;
    }
    last_ = v;
    n_ = 1;
    return true;
  }
  if (n_ >= 5) {
    std::array<double, 9> a = ring_, dev{};
    const auto mid = static_cast<std::size_t>(n_ / 2);
    std::nth_element(a.begin(), a.begin() + mid, a.begin() + n_);
    const double med = a[mid];
    for (int i = 0; i < n_; ++i) dev[static_cast<std::size_t>(i)] = std::abs(ring_[static_cast<std::size_t>(i)] - med);
    std::nth_element(dev.begin(), dev.begin() + mid, dev.begin() + n_);
    const double mad = dev[mid];
    ok = std::abs(v - med) <= std::max(4.0 * 1.4826 * mad, 1e-9 * std::abs(med));
    // A lasting change of level (posture, electrode) is accepted after 5 rejections in a row.
    run_ = ok ? 0 : run_ + 1;
    if (run_ >= 5) {
      ok = true;
      run_ = 0;
      n_ = 0;
    }
  }
  if (!ok) {
    ++rejected_;
    return false;
  }
  ring_[static_cast<std::size_t>(next_)] = v;
  next_ = (next_ + 1) % 9;
  n_ = std::min(n_ + 1, 9);
  return true;
}

double r_wave_amplitude(std::span<const double> ecg, SampleRate fs, std::size_t r_index) noexcept {
  const auto back = [&](double s) { return static_cast<std::size_t>(std::lround(s * fs.hz())); };
  const std::size_t b0 = back(0.110), b1 = back(0.070);
  if (r_index >= ecg.size() || r_index < b0 || b0 <= b1) return std::nan("");
  double base = 0;
  for (std::size_t i = r_index - b0; i <= r_index - b1; ++i) base += ecg[i];
  base /= static_cast<double>(b0 - b1 + 1);
  return ecg[r_index] - base;
}

AccGrid::AccGrid(Hz out, Seconds max_gap) : out_hz_(out.hz()), max_gap_s_(max_gap.s()), start_s_(std::nan("")) {
  if (!(out_hz_ >= 4.0) || !(out_hz_ <= 100)) throw std::invalid_argument("accelerometer grid rate must be 4..100 Hz");
  if (!(max_gap_s_ > 0)) throw std::invalid_argument("accelerometer gap limit must be > 0 s");
}

void AccGrid::reset() noexcept {
  start_s_ = std::nan("");
  k_ = 0;
  sx_ = sy_ = sz_ = 0;
  n_ = 0;
}

std::size_t AccGrid::push(double t_s, float x, float y, float z, std::span<Bin> out, double& restart_gap_s) noexcept {
  restart_gap_s = 0;
  if (!std::isfinite(t_s) || !std::isfinite(x) || !std::isfinite(y) || !std::isfinite(z) ||
      (std::isfinite(start_s_) && t_s < last_t_)) {
    ++dropped_;
    return 0;
  }
  if (std::isfinite(start_s_) && t_s - last_t_ > max_gap_s_) {
    restart_gap_s = t_s - last_t_;
    reset();
  }
  if (!std::isfinite(start_s_)) start_s_ = t_s;
  last_t_ = t_s;
  std::size_t n = 0;
  const auto k = static_cast<std::uint64_t>(std::floor((t_s - start_s_) * out_hz_));
  while (k_ < k) { // the bins before this sample's are complete
    constexpr float nan = std::numeric_limits<float>::quiet_NaN();
    const Bin b = n_ > 0 ? Bin{static_cast<float>(sx_ / n_), static_cast<float>(sy_ / n_), static_cast<float>(sz_ / n_)}
                         : Bin{nan, nan, nan};
    if (n < out.size()) out[n++] = b;
    else ++dropped_;
    sx_ = sy_ = sz_ = 0;
    n_ = 0;
    ++k_;
  }
  sx_ += x;
  sy_ += y;
  sz_ += z;
  ++n_;
  return n;
}

AccBreathing::AccBreathing(SampleRate fs)
    : fs_hz_(fs.hz()), delay_s_(std::sqrt(2.0) / (2.0 * std::numbers::pi * std::min(1.0, 0.4 * fs.hz()))),
      gravity_alpha_(1.0 - std::exp(-1.0 / (kGravityTauS * fs.hz()))),
      cov_alpha_(1.0 - std::exp(-1.0 / (30.0 * fs.hz()))),
      update_every_(std::max(1, static_cast<int>(std::lround(0.2 * fs.hz())))) {
  if (fs.hz() < 4.0) throw std::invalid_argument("accelerometer rate must be >= 4 Hz for breathing");
  const auto sos = butterworth_sos({FilterBand::lowpass, 2, std::min(1.0, 0.4 * fs.hz()), 0}, fs);
  for (auto& f : lp_) f = SosCascade(sos);
}

void AccBreathing::reset() noexcept {
  started_ = false;
  since_update_ = 0;
  cov_.setZero();
  power_ = 0;
  axis_ = Eigen::Vector3d::UnitZ();
  for (auto& f : lp_) f.reset();
}

float AccBreathing::process(float x_mg, float y_mg, float z_mg) noexcept {
  const Eigen::Vector3d a(x_mg, y_mg, z_mg);
  if (!a.allFinite()) return 0.0F;
  if (!started_) {
    gravity_ = a;
    started_ = true;
  }
  gravity_ += gravity_alpha_ * (a - gravity_);
  Eigen::Vector3d d = a - gravity_;
  // A change of posture moves gravity by far more than breathing tilts the chest: re-seat the
  // gravity estimate at once instead of letting a 10-s average drag a step through the output.
  const double m2 = d.squaredNorm();
  if (m2 > kPostureFactor * kPostureFactor * (power_ + 1e-12) && m2 > kPostureMinMg * kPostureMinMg &&
      power_ > 0) {
    gravity_ = a;
    d.setZero();
    for (auto& f : lp_) f.reset();
    ++posture_changes_;
  }
  const Eigen::Vector3d f(lp_[0](d.x()), lp_[1](d.y()), lp_[2](d.z()));
  power_ += cov_alpha_ * (f.squaredNorm() - power_);
  cov_ += cov_alpha_ * (f * f.transpose() - cov_);
  if (++since_update_ >= update_every_) {
    since_update_ = 0;
    // Power iteration from the previous axis: smooth, sign-continuous, allocation-free.
    Eigen::Vector3d v = axis_;
    for (int i = 0; i < 4; ++i) {
      const Eigen::Vector3d w = cov_ * v;
      const double norm = w.norm();
      if (!(norm > 0) || !std::isfinite(norm)) break;
      v = w / norm;
    }
    axis_ = v;
  }
  return static_cast<float>(axis_.dot(f));
}

std::vector<double> rsa_series(std::span<const double> beat_s, std::span<const double> rr_ms, double out_hz) {
  if (beat_s.size() != rr_ms.size()) throw std::invalid_argument("beat times and RR intervals differ in length");
  BeatSeriesResampler r{Hz(out_hz)};
  BeatOutlierGate gate;
  std::vector<double> out;
  std::array<float, 256> buf{};
  for (std::size_t i = 0; i < beat_s.size(); ++i) {
    if (!(rr_ms[i] > 200.0) || !(rr_ms[i] < 3000.0)) continue; // implausible interval: skip the beat
    if (!gate.accept(rr_ms[i])) continue;
    std::uint64_t hole = 0;
    const std::size_t n = r.push(beat_s[i], 60000.0 / rr_ms[i], buf, hole);
    out.insert(out.end(), hole, std::nan(""));
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  }
  return out;
}

std::vector<double> edr_series(std::span<const double> ecg, SampleRate fs,
                               std::span<const std::size_t> r_indices, double out_hz) {
  BeatSeriesResampler r{Hz(out_hz)};
  BeatOutlierGate gate;
  std::vector<double> out;
  std::array<float, 256> buf{};
  for (std::size_t idx : r_indices) {
    const double amp = r_wave_amplitude(ecg, fs, idx);
    if (!gate.accept(amp)) continue;
    std::uint64_t hole = 0;
    const std::size_t n = r.push(static_cast<double>(idx) / fs.hz(), amp, buf, hole);
    out.insert(out.end(), hole, std::nan(""));
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  }
  return out;
}

std::vector<double> acc_series(std::span<const double> x, std::span<const double> y,
                               std::span<const double> z, SampleRate fs) {
  if (x.size() != y.size() || x.size() != z.size()) throw std::invalid_argument("accelerometer axes differ in length");
  AccBreathing acc(fs);
  std::vector<double> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    out[i] = acc.process(static_cast<float>(x[i]), static_cast<float>(y[i]), static_cast<float>(z[i]));
  return out;
}

} // namespace pneuma::dsp
