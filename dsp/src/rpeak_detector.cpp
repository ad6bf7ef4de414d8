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
  if (!(cfg_.band_lo_hz > 0) || !(cfg_.band_hi_hz > cfg_.band_lo_hz) || cfg_.band_hi_hz >= fs.hz() / 2)
    throw std::invalid_argument("R-peak detector: band must satisfy 0 < lo < hi < fs/2");
  band_[0] = Biquad(BiquadCoeffs::highpass(cfg_.band_lo_hz, fs, kQ1));
  band_[1] = Biquad(BiquadCoeffs::highpass(cfg_.band_lo_hz, fs, kQ2));
  band_[2] = Biquad(BiquadCoeffs::lowpass(cfg_.band_hi_hz, fs, kQ1));
  band_[3] = Biquad(BiquadCoeffs::lowpass(cfg_.band_hi_hz, fs, kQ2));
  baseline_hp_ = Biquad(BiquadCoeffs::highpass(0.5, fs));
  mwi_len_ = fs.samples_in(cfg_.integration_s);
  look_len_ = fs.samples_in(0.250);
  fall_len_ = fs.samples_in(0.120);
  refractory_ = fs.samples_in(cfg_.refractory_s);
  t_window_ = fs.samples_in(cfg_.t_wave_window_s);
  learn_len_ = fs.samples_in(cfg_.learning_s);
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
  for (std::int64_t i = first; i <= c.mwi_at; ++i) {
    const double v = hp_at(i);
    const double score = pol == 0 ? std::abs(v) : pol * v;
    if (score > best) {
      best = score;
      c.fiducial = i;
      c.amplitude = static_cast<float>(v);
    }
    slope = std::max(slope, static_cast<double>(slope_ring_[static_cast<std::size_t>(i % ring)]));
  }
  if (c.fiducial < 0) c.fiducial = c.mwi_at;
  c.slope = slope;
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
    double rr = static_cast<double>(c.fiducial - last_beat_);
    // Limit what one odd interval does to the expected RR (it still adapts to real changes).
    if (rr_count_ >= 2) rr = std::clamp(rr, 0.5 * rr_mean_, 2.0 * rr_mean_);
    rr_hist_[static_cast<std::size_t>(rr_next_)] = rr;
    rr_next_ = (rr_next_ + 1) % static_cast<int>(rr_hist_.size());
    rr_count_ = std::min(rr_count_ + 1, static_cast<int>(rr_hist_.size()));
    double sum = 0;
    for (int i = 0; i < rr_count_; ++i) sum += rr_hist_[static_cast<std::size_t>(i)];
    rr_mean_ = sum / rr_count_;
  }
  last_beat_ = c.fiducial;
  last_beat_mwi_ = c.mwi_at;
  last_slope_ = c.slope;
  have_noise_ = false;
  // Exponential memory of ~10 beats: a lead that flips mid-record is followed.
  polarity_sum_ = 0.9 * polarity_sum_ + c.amplitude;
  polarity_abs_ = 0.9 * polarity_abs_ + std::abs(c.amplitude);
  emit({c.fiducial, n_, c.amplitude, search_back});
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
  if (!t_wave_like && (!have_noise_ || c.height > best_noise_.height)) {
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
  const double d = (2 * deriv_hist_[0] + deriv_hist_[1] - deriv_hist_[3] - 2 * deriv_hist_[4]) * fs_.hz() / 8.0;
  const double sq = d * d;
  const auto mi = static_cast<std::size_t>(n_ % mwi_len_);
  mwi_sum_ += sq - mwi_ring_[mi];
  mwi_ring_[mi] = sq;
  if (mi == 0) { // refresh the running sum once per window: no drift over hours
    mwi_sum_ = 0;
    for (double v : mwi_ring_) mwi_sum_ += v;
  }
  const double mwi = std::max(0.0, mwi_sum_ / mwi_len_);
  const auto ri = static_cast<std::size_t>(n_ % static_cast<std::int64_t>(hp_ring_.size()));
  hp_ring_[ri] = static_cast<float>(hp);
  slope_ring_[ri] = static_cast<float>(std::abs(d));

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
    locate(c);
    tracking_ = false;
    rising_.height = mwi;
    if (learned_) {
      classify(c);
    } else if (learn_count_ < static_cast<int>(learn_cands_.size())) {
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
        static_cast<double>(n_ - last_beat_) > cfg_.search_back_factor * rr_mean_ &&
        best_noise_.height > 0.5 * thr1() && best_noise_.height > 0) {
      accept(best_noise_, true);
    }
    // Amplitude drop: no beat for 3 s -> lower the signal level estimate.
    if (n_ - last_beat_mwi_ > 3 * fs_.samples_in(1.0)) {
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
