#include "pneuma/dsp/rpeak_detector.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pneuma::dsp {
namespace {
// 4th-order Butterworth as two biquads: Q of the pole pairs.
constexpr double kQ1 = 0.54119610014619698;
constexpr double kQ2 = 1.3065629648763766;
} // namespace

RPeakDetector::RPeakDetector(SampleRate fs, RPeakConfig const& config) : fs_(fs), cfg_(config) {
  if (fs.hz() < 50.0 || fs.hz() > 2000.0)
    throw std::invalid_argument("R-peak detector: ECG sampling rate must be 50..2000 Hz");
  if (!(cfg_.band_lo.hz() > 0) || !(cfg_.band_hi > cfg_.band_lo) || cfg_.band_hi.hz() >= fs.hz() / 2)
    throw std::invalid_argument("R-peak detector: band must satisfy 0 < lo < hi < fs/2");
  band_[0] = Biquad(BiquadCoeffs::highpass(cfg_.band_lo, fs, kQ1));
  band_[1] = Biquad(BiquadCoeffs::highpass(cfg_.band_lo, fs, kQ2));
  band_[2] = Biquad(BiquadCoeffs::lowpass(cfg_.band_hi, fs, kQ1));
  band_[3] = Biquad(BiquadCoeffs::lowpass(cfg_.band_hi, fs, kQ2));
  baseline_hp_ = Biquad(BiquadCoeffs::highpass(Hz(0.5), fs));
  mwi_len_ = fs.samples_in(cfg_.integration_s);
  look_len_ = fs.samples_in(0.250);
  fall_len_ = fs.samples_in(0.120);
  refractory_ = fs.samples_in(cfg_.refractory_s);
  t_window_ = fs.samples_in(cfg_.t_wave_window_s);
  learn_len_ = fs.samples_in(cfg_.learning_s);
  drop_len_ = fs.samples_in(3.0);
  inv_mwi_len_ = 1.0 / mwi_len_;
  deriv_gain_ = fs.hz() / 8.0;
  mwi_ring_.assign(static_cast<std::size_t>(mwi_len_), 0.0);
  const auto ring = static_cast<std::size_t>(look_len_ + fall_len_ + 8);
  hp_ring_.assign(ring, 0.0F);
  slope_ring_.assign(ring, 0.0F);
}

void RPeakDetector::reset() noexcept {
  for (auto& b : band_) b.reset();
  baseline_hp_.reset();
  deriv_hist_.fill(0);
  std::fill(mwi_ring_.begin(), mwi_ring_.end(), 0.0);
  std::fill(hp_ring_.begin(), hp_ring_.end(), 0.0F);
  std::fill(slope_ring_.begin(), slope_ring_.end(), 0.0F);
  mwi_sum_ = 0;
  mwi_pos_ = ring_pos_ = 0;
  n_ = 0;
  invalid_ = 0;
  rising_ = {};
  tracking_ = false;
  spki_ = npki_ = 0;
  learned_ = false;
  learn_max_ = learn_sum_ = 0;
  learn_count_ = 0;
  last_beat_ = last_beat_mwi_ = -1;
  last_slope_ = 0;
  rr_hist_.fill(0);
  rr_count_ = rr_next_ = 0;
  rr_mean_ = 0;
  best_noise_ = {};
  have_noise_ = false;
  polarity_sum_ = polarity_abs_ = 0;
  out_head_ = out_size_ = 0;
}

int RPeakDetector::polarity() const noexcept {
  // Decided when the signed fiducial amplitudes agree well enough (|sum a| > 0.3 sum |a|).
  if (polarity_sum_ > 0.3 * polarity_abs_) return 1;
  if (polarity_sum_ < -0.3 * polarity_abs_) return -1;
  return 0;
}

double RPeakDetector::hp_at(std::int64_t idx) const noexcept {
  return hp_ring_[static_cast<std::size_t>(idx % static_cast<std::int64_t>(hp_ring_.size()))];
}

void RPeakDetector::locate(Candidate& c) const noexcept {
  const auto ring = static_cast<std::int64_t>(hp_ring_.size());
  const std::int64_t first = std::max({c.mwi_at - look_len_ + 1, n_ - ring + 1, std::int64_t{0}});
  const int pol = polarity();
  double best = -1;
  double slope = 0;
  auto pos = static_cast<std::size_t>(first % ring);
  for (std::int64_t i = first; i <= c.mwi_at; ++i) {
    const double v = hp_ring_[pos];
    const double score = pol == 0 ? std::abs(v) : pol * v;
    if (score > best) {
      best = score;
      c.fiducial = i;
      c.amplitude = static_cast<float>(v);
    }
    slope = std::max(slope, static_cast<double>(slope_ring_[pos]));
    if (++pos == hp_ring_.size()) pos = 0;
  }
  if (c.fiducial < 0) c.fiducial = c.mwi_at;
  c.slope = slope;
  c.fraction = 0;
  if (c.fiducial > first && c.fiducial < n_) { // both neighbours still in the ring
    auto score = [&](std::int64_t i) { return pol == 0 ? std::abs(hp_at(i)) : pol * hp_at(i); };
    const double ym = score(c.fiducial - 1), y0 = score(c.fiducial), yp = score(c.fiducial + 1);
    const double den = ym - 2 * y0 + yp;
    if (den < 0) c.fraction = static_cast<float>(std::clamp(0.5 * (ym - yp) / den, -0.5, 0.5));
  }
}

void RPeakDetector::emit(RPeak const& p) noexcept {
  const int cap = static_cast<int>(out_.size());
  if (out_size_ == cap) { // cannot happen at physiological rates; drop the oldest
    out_head_ = (out_head_ + 1) % cap;
    --out_size_;
  }
  out_[static_cast<std::size_t>((out_head_ + out_size_) % cap)] = p;
  ++out_size_;
}

void RPeakDetector::accept(Candidate const& c, bool search_back) noexcept {
  spki_ = search_back ? 0.25 * c.height + 0.75 * spki_ : 0.125 * c.height + 0.875 * spki_;
  if (last_beat_ >= 0) {
    const double rr = static_cast<double>(c.fiducial - last_beat_);
    rr_hist_[static_cast<std::size_t>(rr_next_)] = rr;
    rr_next_ = (rr_next_ + 1) % static_cast<int>(rr_hist_.size());
    rr_count_ = std::min(rr_count_ + 1, static_cast<int>(rr_hist_.size()));
    // Median of the last 8: a few noise beats do not shorten the expected interval.
    std::array<double, 8> sorted = rr_hist_;
    for (int i = 1; i < rr_count_; ++i) // insertion sort of <= 8 values
      for (int j = i; j > 0 && sorted[static_cast<std::size_t>(j - 1)] > sorted[static_cast<std::size_t>(j)]; --j)
        std::swap(sorted[static_cast<std::size_t>(j - 1)], sorted[static_cast<std::size_t>(j)]);
    rr_mean_ = rr_count_ % 2 ? sorted[static_cast<std::size_t>(rr_count_ / 2)]
                             : 0.5 * (sorted[static_cast<std::size_t>(rr_count_ / 2 - 1)] + sorted[static_cast<std::size_t>(rr_count_ / 2)]);
  }
  last_beat_ = c.fiducial;
  last_beat_mwi_ = c.mwi_at;
  last_slope_ = c.slope;
  have_noise_ = false;
  // Exponential memory of ~10 beats: a lead that flips mid-record is followed.
  polarity_sum_ = 0.9 * polarity_sum_ + c.amplitude;
  polarity_abs_ = 0.9 * polarity_abs_ + std::abs(c.amplitude);
  emit({c.fiducial, n_, c.amplitude, c.fraction, search_back});
}

void RPeakDetector::classify(Candidate const& c) noexcept {
  if (last_beat_ >= 0 && c.fiducial - last_beat_ < refractory_) return; // same complex
  const bool t_wave_like =
      last_beat_ >= 0 && c.fiducial - last_beat_ < t_window_ && c.slope < 0.5 * last_slope_;
  if (c.height > thr1() && !t_wave_like) {
    accept(c, false);
    return;
  }
  npki_ = 0.125 * c.height + 0.875 * npki_;
  // Search-back candidates: not T-wave-like and clear of the last beat's T wave.
  const bool clear = last_beat_ < 0 || c.fiducial - last_beat_ >= t_window_;
  if (!t_wave_like && clear && (!have_noise_ || c.height > best_noise_.height)) {
    best_noise_ = c;
    have_noise_ = true;
  }
}

std::optional<RPeak> RPeakDetector::process(float x_in) noexcept {
  double x = x_in;
  if (!std::isfinite(x)) {
    ++invalid_;
    x = 0;
  }
  if (n_ == 0) { // start as if the first value had always been there: no step transient
    baseline_hp_.settle_to(x);
    band_[0].settle_to(x); // high-pass: the later sections then see 0 at rest
  }
  const double hp = baseline_hp_(x);
  double bp = x;
  for (auto& b : band_) bp = b(bp);
  for (std::size_t i = deriv_hist_.size() - 1; i > 0; --i) deriv_hist_[i] = deriv_hist_[i - 1];
  deriv_hist_[0] = bp;
  const double d = (2 * deriv_hist_[0] + deriv_hist_[1] - deriv_hist_[3] - 2 * deriv_hist_[4]) * deriv_gain_;
  const double sq = d * d;
  // Ring positions advance by one and wrap (no division per sample).
  mwi_sum_ += sq - mwi_ring_[mwi_pos_];
  mwi_ring_[mwi_pos_] = sq;
  if (++mwi_pos_ == mwi_ring_.size()) { // refresh the running sum once per window: no drift
    mwi_pos_ = 0;
    mwi_sum_ = 0;
    for (double v : mwi_ring_) mwi_sum_ += v;
  }
  const double mwi = std::max(0.0, mwi_sum_ * inv_mwi_len_);
  hp_ring_[ring_pos_] = static_cast<float>(hp);
  slope_ring_[ring_pos_] = static_cast<float>(std::abs(d));
  if (++ring_pos_ == hp_ring_.size()) ring_pos_ = 0;

  // Local maxima of the MWI become candidates once it has fallen to half (or after 120 ms).
  if (!tracking_) {
    if (n_ == 0 || mwi > rising_.height) {
      rising_ = {};
      rising_.height = mwi;
      rising_.mwi_at = n_;
      tracking_ = true;
    } else {
      rising_.height = mwi; // waiting for the MWI to rise again
    }
  } else if (mwi > rising_.height) {
    rising_.height = mwi;
    rising_.mwi_at = n_;
  } else if (mwi < 0.5 * rising_.height || n_ - rising_.mwi_at >= fall_len_) {
    Candidate c = rising_;
    tracking_ = false;
    rising_.height = mwi;
    if (learned_ && c.height < 0.5 * thr1()) {
      // Below THR2: neither a beat nor a search-back candidate, only noise level (no fiducial needed).
      if (c.mwi_at - last_beat_mwi_ >= refractory_) npki_ = 0.125 * c.height + 0.875 * npki_;
    } else if (learned_) {
      locate(c);
      classify(c);
    } else if (learn_count_ < static_cast<int>(learn_cands_.size())) {
      locate(c);
      learn_cands_[static_cast<std::size_t>(learn_count_++)] = c;
    }
  }

  if (!learned_) {
    learn_max_ = std::max(learn_max_, mwi);
    learn_sum_ += mwi;
    if (n_ + 1 >= learn_len_) {
      learned_ = true;
      spki_ = learn_max_ / 3.0;
      npki_ = 0.5 * learn_sum_ / static_cast<double>(learn_len_);
      for (int i = 0; i < learn_count_; ++i) classify(learn_cands_[static_cast<std::size_t>(i)]);
      last_beat_mwi_ = std::max(last_beat_mwi_, n_);
    }
  } else {
    // Search-back for a missed beat.
    if (have_noise_ && last_beat_ >= 0 && rr_count_ > 0 &&
        // ... once a regular beat would have been decided by now (MWI width + fall time).
        static_cast<double>(n_ - last_beat_) > cfg_.search_back_factor * rr_mean_ + mwi_len_ + fall_len_ &&
        best_noise_.height > 0.5 * thr1() && best_noise_.height > 0) {
      accept(best_noise_, true);
    }
    // Amplitude drop: no beat for 3 s -> lower the signal level estimate.
    if (n_ - last_beat_mwi_ > drop_len_) {
      spki_ *= 0.5;
      npki_ *= 0.5;
      last_beat_mwi_ = n_;
      have_noise_ = false;
    }
  }
  ++n_;

  if (out_size_ == 0) return std::nullopt;
  const RPeak p = out_[static_cast<std::size_t>(out_head_)];
  out_head_ = (out_head_ + 1) % static_cast<int>(out_.size());
  --out_size_;
  return p;
}

std::vector<RPeak> detect_r_peaks(std::span<const float> ecg, SampleRate fs, RPeakConfig const& config) {
  RPeakDetector det(fs, config);
  std::vector<RPeak> peaks;
  peaks.reserve(ecg.size() / static_cast<std::size_t>(fs.samples_in(0.3)) + 8);
  for (float x : ecg)
    if (auto p = det.process(x)) peaks.push_back(*p);
  // Drain what the end of the record confirms: pad with the last value for the decision delay.
  const float tail = ecg.empty() ? 0.0F : ecg.back();
  for (int i = 0; i < fs.samples_in(0.4); ++i)
    if (auto p = det.process(tail)) peaks.push_back(*p);
  while (!peaks.empty() && peaks.back().sample >= static_cast<std::int64_t>(ecg.size())) peaks.pop_back();
  std::sort(peaks.begin(), peaks.end(), [](RPeak const& a, RPeak const& b) { return a.sample < b.sample; });
  return peaks;
}

} // namespace pneuma::dsp
