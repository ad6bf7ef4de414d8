#include "pneuma/dsp/resp_analyzer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace pneuma::dsp {
namespace {

constexpr double kDisputedQuality = 0.3; // quality factor while the self-check fails

int decimation_for(double fs, double internal_hz) {
  if (!(internal_hz >= 4.0)) throw std::invalid_argument("respiration internal rate must be >= 4 Hz");
  return std::max(1, static_cast<int>(std::lround(fs / internal_hz)));
}

SampleRate checked_rate(SampleRate fs) {
  if (fs.hz() < 4.0 || fs.hz() > 20000.0)
    throw std::invalid_argument("respiration sampling rate " + std::to_string(fs.hz()) +
                                " Hz is outside 4..20000 Hz");
  return fs;
}

SpectralRateConfig spectral_for(SpectralRateConfig c, double input_hz) {
  c.analysis = Hz(std::min(c.analysis.hz(), input_hz));
  c.hi = Hz(std::min(c.hi.hz(), 0.45 * input_hz));
  return c;
}

/// The rate the spectral estimator is fed at: fs for the raw input, else the internal rate.
SampleRate spectral_rate_of(RespAnalyzerConfig const& config, SampleRate fs, int decimation) {
  return config.spectral_input == SpectralInput::raw ? fs : SampleRate(fs.hz() / decimation);
}

} // namespace

void RespAnalyzer::RangeTracker::add(double v) noexcept {
  if (in_block == 0) cur_hi = cur_lo = v;
  cur_hi = std::max(cur_hi, v);
  cur_lo = std::min(cur_lo, v);
  if (++in_block >= block_len) { // once a second: the extremes of the completed blocks
    hi[static_cast<std::size_t>(next)] = cur_hi;
    lo[static_cast<std::size_t>(next)] = cur_lo;
    next = (next + 1) % kBlocks;
    n = std::min(n + 1, kBlocks);
    in_block = 0;
    blocks_hi = -HUGE_VAL;
    blocks_lo = HUGE_VAL;
    for (int i = 0; i < n; ++i) {
      blocks_hi = std::max(blocks_hi, hi[static_cast<std::size_t>(i)]);
      blocks_lo = std::min(blocks_lo, lo[static_cast<std::size_t>(i)]);
    }
  }
}

double RespAnalyzer::RangeTracker::max() const noexcept {
  return in_block > 0 ? std::max(blocks_hi, cur_hi) : blocks_hi;
}

double RespAnalyzer::RangeTracker::min() const noexcept {
  return in_block > 0 ? std::min(blocks_lo, cur_lo) : blocks_lo;
}

double RespAnalyzer::RangeTracker::range() const noexcept {
  if (n == 0 && in_block == 0) return 0.0;
  return max() - min();
}

RespAnalyzer::RespAnalyzer(RespAnalyzerConfig const& config, SampleRate fs)
    : config_(config), fs_hz_(checked_rate(fs).hz()),
      decimation_(decimation_for(fs.hz(), config.internal.hz())),
      internal_hz_(fs.hz() / decimation_), delay_s_(0),
      spectral_(spectral_for(config.spectral, spectral_rate_of(config, fs, decimation_).hz()),
                spectral_rate_of(config, fs, decimation_)) {
  const SampleRate fi(internal_hz_);
  const double smooth_hz = std::min(config.smooth.hz(), 0.4 * internal_hz_);
  const double hi = std::min(config.band_hi.hz(), 0.45 * internal_hz_);
  if (!(config.band_lo.hz() > 0) || !(config.band_lo.hz() < hi))
    throw std::invalid_argument("respiration band must satisfy 0 < low edge < high edge");
  if (!(config.max_hold.s() >= 0) || !(config.restart_gap.s() > 0))
    throw std::invalid_argument("respiration hold and restart times must be positive");
  const auto lp = butterworth_sos({FilterBand::lowpass, 2, smooth_hz, 0}, fi);
  lp_ = SosCascade(lp);
  bp_ = SosCascade(butterworth_sos({FilterBand::bandpass, 2, config.band_lo.hz(), hi}, fi));
  delay_s_ = sos_group_delay_s(lp, 0.1, fi) + 0.5 * (decimation_ - 1) / fs_hz_;
  BreathDetectorConfig dc = config.detector;
  dc.time_offset_s = delay_s_;
  detector_ = BreathDetector(dc);
  max_hold_ = std::max(1, static_cast<int>(std::lround(config.max_hold.s() * fs_hz_)));
  s_range_.block_len = u_range_.block_len = y_range_.block_len =
      std::max(1, static_cast<int>(std::lround(internal_hz_)));
  ema_short_ = 1.0 / (10.0 * internal_hz_);
  history_.assign(static_cast<std::size_t>(std::lround(kHistoryS * internal_hz_)) + 1, 0.0);
  reset();
}

void RespAnalyzer::reset() noexcept {
  detector_.reset();
  spectral_.reset();
  smoother_.reset();
  lp_.reset();
  bp_.reset();
  s_range_.clear();
  u_range_.clear();
  metrics_ = {};
  n_in_ = 0;
  gap_time_s_ = 0;
  block_sum_ = 0;
  block_n_ = block_invalid_ = 0;
  have_valid_ = false;
  invalid_run_ = 0;
  need_settle_ = true;
  flat_run_ = 0;
  noise_var_ = 0;
  k_internal_ = 0;
  skew_n_ = skew_next_ = 0;
  against_ = 0;
  polarity_score_ = kRespUnknown;
  sign_ = config_.polarity == RespPolarity::down ? -1.0 : 1.0;
  metrics_.polarity = config_.polarity == RespPolarity::down ? RespPolarity::down : RespPolarity::up;
  metrics_.polarity_decided = config_.polarity != RespPolarity::automatic;
  polarity_since_s_ = 0;
  invalid_ema_ = clipped_ema_ = 0;
  rhythm_ = 1.0;
  y_range_.clear();
  two_rhythms_ = false;
  rhythm_votes_ = 0;
  baseline_len_ = 1;
  baseline_sum_ = 0;
  disputed_s_ = 0;
  last_reacquire_s_ = -1e300;
  peaks_n_ = peaks_next_ = 0;
  reversals_n_ = reversals_next_ = 0;
  flow_dir_ = 0;
}

void RespAnalyzer::mark_gap(double seconds) noexcept {
  if (!(seconds > 0) || !std::isfinite(seconds)) return;
  gap_time_s_ += seconds;
  ++metrics_.gaps;
  if (seconds >= config_.restart_gap.s()) {
    // The breath in progress is lost; the rate window is bridged when the hole is short next to
    // it (see SpectralRateEstimator::bridge), so its rate carries on at once, time-aligned.
    detector_.restart();
    spectral_.bridge(seconds);
    need_settle_ = true;
    block_sum_ = 0;
    block_n_ = block_invalid_ = 0;
  }
}

void RespAnalyzer::settle(double u) noexcept {
  lp_.settle_to(u);
  bp_.settle_to(u);
  last_u_ = u;
  need_settle_ = false;
}

unsigned RespAnalyzer::process(float x) noexcept {
  ++n_in_;
  if (!(std::fabs(x) <= kMaxInput)) x = std::numeric_limits<float>::quiet_NaN(); // missing (header)
  unsigned spectral_ev = kRespNone;
  if (config_.spectral_input == SpectralInput::raw) {
    if (auto sr = spectral_.process(x)) { // drops non-finite samples itself
      on_spectral(*sr);
      spectral_ev = kRespSpectralRate;
    }
  }
  if (!std::isfinite(x)) {
    ++metrics_.invalid_samples;
    ++block_invalid_;
    if (++invalid_run_ == max_hold_ + 1) { // too long to bridge: a gap
      detector_.restart();
      spectral_.reset();
      need_settle_ = true;
      ++metrics_.gaps;
    }
    if (!have_valid_) return spectral_ev;
    x = last_valid_;
  } else {
    invalid_run_ = 0;
    last_valid_ = x;
    have_valid_ = true;
  }
  block_sum_ += static_cast<double>(x);
  if (++block_n_ < decimation_) return spectral_ev;
  const double u = block_sum_ / block_n_;
  const bool invalid = block_invalid_ > 0;
  block_sum_ = 0;
  block_n_ = block_invalid_ = 0;
  metrics_.t_s = static_cast<double>(n_in_ - 1) / fs_hz_ + gap_time_s_;
  if (invalid_run_ > max_hold_) { // inside a long run of missing samples: nothing to analyse
    invalid_ema_ += ema_short_ * (1.0 - invalid_ema_);
    metrics_.invalid_fraction = invalid_ema_;
    update_quality();
    return spectral_ev;
  }
  if (need_settle_) settle(u);
  invalid_ema_ += ema_short_ * ((invalid ? 1.0 : 0.0) - invalid_ema_);
  return internal_step(u) | spectral_ev;
}

unsigned RespAnalyzer::internal_step(double u) noexcept {
  const double t = metrics_.t_s;
  const double s = lp_(u);
  const double d = bp_(u);
  last_s_ = sign_ * s;
  last_d_ = sign_ * d;

  // Noise of s, from the residual above the smoother's band (white-noise scaling).
  const double r = u - s;
  noise_var_ += ema_short_ * (r * r - noise_var_);
  const double smooth_hz = std::min(config_.smooth.hz(), 0.4 * internal_hz_);
  const double noise_sd = std::sqrt(noise_var_ * smooth_hz / (0.5 * internal_hz_ - smooth_hz));
  s_range_.add(s);
  u_range_.add(u);
  track_reversals(s, t, std::max(3.0 * noise_sd, 0.02 * s_range_.range()));

  // Clipping: flat for >= 0.3 s at the top or bottom of the recent range.
  flat_run_ = (u == last_u_) ? flat_run_ + 1 : 0;
  last_u_ = u;
  bool clipping = false;
  if (flat_run_ >= 0.3 * internal_hz_) {
    const double hi = u_range_.max(), lo = u_range_.min(), urange = hi - lo;
    clipping = urange > 0 && (u >= hi - 0.05 * urange || u <= lo + 0.05 * urange);
  }
  clipped_ema_ += ema_short_ * ((clipping ? 1.0 : 0.0) - clipped_ema_);
  metrics_.clipping = clipping;
  metrics_.clipped_fraction = clipped_ema_;
  metrics_.invalid_fraction = invalid_ema_;

  history_[static_cast<std::size_t>(k_internal_ % history_.size())] = s;
  const auto past = [&](std::uint64_t age) { return history_[static_cast<std::size_t>((k_internal_ - age) % history_.size())]; };
  const auto len = static_cast<std::uint64_t>(baseline_len_);
  baseline_sum_ += s - (k_internal_ >= len ? past(len) : 0.0);
  ++k_internal_;

  unsigned ev = kRespNone;
  if (two_rhythms_ && k_internal_ >= len) {
    // The breath above the slow swing: s at the window's centre minus the window's mean.
    const std::uint64_t half = len / 2;
    const double y = history_[static_cast<std::size_t>((k_internal_ - 1 - half) % history_.size())] -
                     baseline_sum_ / static_cast<double>(len);
    y_range_.add(y);
    ev = detector_.step(sign_ * y, t - static_cast<double>(half) / internal_hz_, noise_sd, y_range_.range(), t);
  } else if (!two_rhythms_) {
    ev = detector_.step(sign_ * s, t, noise_sd, s_range_.range(), t);
  }
  if (ev & (kRespNewBreath | kRespBreathRevised)) {
    Breath const& b = detector_.last();
    metrics_.breaths = detector_.count();
    metrics_.sighs = detector_.sighs();
    metrics_.depth_rel = b.depth_rel;
    metrics_.amplitude = detector_.amplitude();
    if (std::isfinite(b.rate_bpm)) {
      metrics_.last_rate_bpm = b.rate_bpm;
      if (ev & kRespNewBreath) metrics_.rate_bpm = smoother_.add(b.rate_bpm);
    }
    metrics_.regularity_cv = smoother_.regularity_cv();
    rhythm_ = smoother_.plausible_share();
  }
  if (ev & kRespNewBreath) {
    peaks_[static_cast<std::size_t>(peaks_next_)] = detector_.last().peak_s;
    peaks_next_ = (peaks_next_ + 1) % static_cast<int>(peaks_.size());
    peaks_n_ = std::min(peaks_n_ + 1, static_cast<int>(peaks_.size()));
  } else if ((ev & kRespBreathRevised) && peaks_n_ > 0) {
    const int last = (peaks_next_ - 1 + static_cast<int>(peaks_.size())) % static_cast<int>(peaks_.size());
    peaks_[static_cast<std::size_t>(last)] = detector_.last().peak_s;
  }
  if ((ev & kRespBreathCompleted) && detector_.count() >= 2) {
    Breath const& prev = detector_.recent(1);
    metrics_.inhale_s = prev.inhale_s;
    metrics_.exhale_s = prev.exhale_s;
    metrics_.ie_ratio = prev.ie_ratio;
  }
  if (!two_rhythms_) update_polarity(ev); // the shape of a breath on a slow swing says nothing
  else flipped_ = false;
  if (config_.spectral_input == SpectralInput::bandpassed) {
    if (auto sr = spectral_.process(static_cast<float>(d))) {
      on_spectral(*sr);
      ev |= kRespSpectralRate;
    }
  }
  update_quality();
  return ev | (flipped_ ? kRespPolarityChanged : 0u);
}

void RespAnalyzer::set_baseline(double rate_bpm) noexcept {
  // One breath period, odd (a centred window), within the 40-s history.
  int len = static_cast<int>(std::lround(60.0 / rate_bpm * internal_hz_));
  len = std::clamp(len | 1, 3, static_cast<int>(history_.size()) / 2 | 1);
  baseline_len_ = len;
  baseline_sum_ = 0;
  const auto n = std::min<std::uint64_t>(k_internal_, static_cast<std::uint64_t>(len));
  for (std::uint64_t age = 1; age <= n; ++age)
    baseline_sum_ += history_[static_cast<std::size_t>((k_internal_ - age) % history_.size())];
}

void RespAnalyzer::on_spectral(SpectralRate const& spectral) noexcept {
  SpectralRate sr = spectral;
  // Two oscillations: the flow reverses (maxima of s) > 1.5x more often than the breaths found,
  // at a rhythm > 2.2x faster than the largest volume swing (more than two full breaths on each
  // slow cycle: the slow one cannot be a breath, one breath holds one inspiration), at a rhythm
  // the spectrum holds (a local maximum within 25 %, >= 30 % of the band's flow power): the
  // breaths followed the slow swing.
  const double window = config_.spectral.window.s();
  const double counted = counted_rate_bpm(window);
  const double reversals = reversal_rate_bpm(window);
  // A rhythm at 2x or 3x (+-10 %) of the breaths is their harmonic (a bump on every breath), and
  // an irregular one (< 30 % of the flow power in its peak) is bumps, not breaths.
  std::optional<SpectralRate> fast;
  const bool counted_ok = std::isfinite(counted) && !two_rhythms_; // in the mode, breaths are fast
  const double slow = counted_ok ? std::max(counted, sr.volume_rate_bpm) : sr.volume_rate_bpm;
  // In the mode the breath is looked for where it was (the baseline's period, which follows it):
  // the swing hides the breath's flow reversals on its falling flank, so their count falls below
  // the breath rate (11-13 against 17/min on a MARSH record under a 7/min swing) and a search
  // around it would lose the breath and leave the mode.
  if (two_rhythms_) fast = spectral_.peak_near(60.0 * internal_hz_ / baseline_len_, 0.25);
  else if (std::isfinite(reversals) && reversals > 1.5 * slow) fast = spectral_.peak_near(reversals, 0.25);
  const auto harmonic_of = [](double f, double base) {
    if (!(base > 0)) return false;
    const double r = f / base;
    return std::abs(r - 2.0) < 0.2 || std::abs(r - 3.0) < 0.3;
  };
  if (fast && (!(fast->quality >= 0.3) || !(fast->rate_bpm > 2.2 * sr.volume_rate_bpm) ||
               harmonic_of(fast->rate_bpm, sr.volume_rate_bpm) || (counted_ok && harmonic_of(fast->rate_bpm, counted))))
    fast.reset();
  const bool slow_under = fast.has_value() && (two_rhythms_ || !(std::abs(counted / fast->rate_bpm - 1.0) < 0.3));
  rhythm_votes_ = slow_under != two_rhythms_ ? rhythm_votes_ + 1 : 0;
  if (rhythm_votes_ >= 3) { // three estimates in a row: change mode, find the breath again
    rhythm_votes_ = 0;
    two_rhythms_ = slow_under;
    if (two_rhythms_) set_baseline(fast->rate_bpm);
    y_range_.clear();
    detector_.reacquire();
    smoother_.reset();
  } else if (two_rhythms_ && fast) {
    const double len = 60.0 / fast->rate_bpm * internal_hz_;
    if (std::abs(len - baseline_len_) > 0.15 * baseline_len_) set_baseline(fast->rate_bpm);
  }
  if (two_rhythms_ && fast) { // the breath's rate is the fast rhythm's
    sr.rate_bpm = fast->rate_bpm;
    sr.quality = fast->quality;
  }
  metrics_.spectral_rate_bpm = sr.rate_bpm;
  metrics_.spectral_quality = sr.quality;
  metrics_.two_rhythms = two_rhythms_;
  metrics_.slow_rate_bpm = two_rhythms_ ? sr.volume_rate_bpm : kRespUnknown;
  self_check(sr);
}

void RespAnalyzer::track_reversals(double s, double t, double hysteresis) noexcept {
  if (flow_dir_ == 0) {
    flow_dir_ = 1;
    flow_ext_ = s;
    return;
  }
  if (flow_dir_ > 0) {
    if (s > flow_ext_) flow_ext_ = s;
    else if (flow_ext_ - s > hysteresis) { // inspiration turned into expiration
      reversals_[static_cast<std::size_t>(reversals_next_)] = t;
      reversals_next_ = (reversals_next_ + 1) % static_cast<int>(reversals_.size());
      reversals_n_ = std::min(reversals_n_ + 1, static_cast<int>(reversals_.size()));
      flow_dir_ = -1;
      flow_ext_ = s;
    }
  } else if (s < flow_ext_) {
    flow_ext_ = s;
  } else if (s - flow_ext_ > hysteresis) {
    flow_dir_ = 1;
    flow_ext_ = s;
  }
}

double RespAnalyzer::reversal_rate_bpm(double window_s) const noexcept {
  const int cap = static_cast<int>(reversals_.size());
  int n = 0;
  for (int k = 0; k < reversals_n_; ++k) {
    if (!(reversals_[static_cast<std::size_t>((reversals_next_ - 1 - k + 2 * cap) % cap)] >= metrics_.t_s - window_s)) break;
    ++n;
  }
  const double span = std::min(window_s, metrics_.t_s); // the first minute is shorter
  return span > 0 ? 60.0 * n / span : kRespUnknown;
}

double RespAnalyzer::counted_rate_bpm(double window_s) const noexcept {
  // 60 / mean peak-to-peak period over the peaks of the last `window_s` (>= 3 peaks).
  const int cap = static_cast<int>(peaks_.size());
  double newest = kRespUnknown, oldest = kRespUnknown;
  int n = 0;
  for (int k = 0; k < peaks_n_; ++k) {
    const double p = peaks_[static_cast<std::size_t>((peaks_next_ - 1 - k + 2 * cap) % cap)];
    if (k == 0) newest = p;
    if (!(p >= metrics_.t_s - window_s) || p > newest) break;
    oldest = p;
    ++n;
  }
  return n >= 3 && newest > oldest ? 60.0 * (n - 1) / (newest - oldest) : kRespUnknown;
}

void RespAnalyzer::self_check(SpectralRate const& sr) noexcept {
  const double t = metrics_.t_s;
  const double hop = config_.spectral.hop.s();
  // The breaths' own rate over the spectral window's span: a pace that changes within the
  // window moves both alike.
  const double rate = counted_rate_bpm(config_.spectral.window.s());
  const bool clear = sr.quality >= 0.5;
  // No breath for two periods of a clear rhythm, or a breath rate 30 % away from it.
  const double since_breath = detector_.count() > 0 ? t - detector_.last().reported_s : t;
  const bool silent = since_breath > 2.0 * 60.0 / sr.rate_bpm + 5.0;
  const bool off = std::isfinite(rate) && std::abs(rate / sr.rate_bpm - 1.0) > 0.30;
  disputed_s_ = clear && (silent || off) ? disputed_s_ + hop : 0.0;
  metrics_.rate_disputed = disputed_s_ >= 10.0;
  if (metrics_.rate_disputed && t - last_reacquire_s_ >= 15.0) {
    last_reacquire_s_ = t;
    detector_.reacquire();
    smoother_.reset();
  }
  if (metrics_.rate_disputed) metrics_.spectral_quality *= kDisputedQuality;
}

double RespAnalyzer::cycle_skewness() const noexcept {
  // The peak-to-peak cycle that just ended, located in the history of s by its age.
  Breath const& cur = detector_.last();
  Breath const& prev = detector_.recent(1);
  const double t = metrics_.t_s;
  const auto age = [&](double peak_s) {
    return static_cast<std::uint64_t>(std::lround((t - (peak_s + delay_s_)) * internal_hz_));
  };
  const std::uint64_t a0 = age(prev.peak_s), a1 = age(cur.peak_s);
  if (a0 <= a1 + 4 || a0 + 1 >= history_.size() || a0 >= k_internal_) return kRespUnknown;
  const std::uint64_t i0 = k_internal_ - 1 - a0, i1 = k_internal_ - 1 - a1;
  // Residual about the line joining the cycle's two ends (the same phase of two breaths): a
  // drift of the baseline across the cycle is no part of its shape.
  const double v0 = sign_ * history_[static_cast<std::size_t>(i0 % history_.size())];
  const double slope = (sign_ * history_[static_cast<std::size_t>(i1 % history_.size())] - v0) / static_cast<double>(i1 - i0);
  const auto residual = [&](std::uint64_t i) {
    return sign_ * history_[static_cast<std::size_t>(i % history_.size())] - (v0 + slope * static_cast<double>(i - i0));
  };
  const double n = static_cast<double>(i1 - i0 + 1);
  double sum = 0;
  for (std::uint64_t i = i0; i <= i1; ++i) sum += residual(i);
  const double mean = sum / n;
  double m2 = 0, m3 = 0;
  for (std::uint64_t i = i0; i <= i1; ++i) {
    const double r = residual(i) - mean;
    m2 += r * r;
    m3 += r * r * r;
  }
  m2 /= n;
  m3 /= n;
  return m2 > 0 ? m3 / (m2 * std::sqrt(m2)) : kRespUnknown;
}

void RespAnalyzer::update_polarity(unsigned events) noexcept {
  flipped_ = false;
  if (!(events & kRespNewBreath) || detector_.count() < 2) return;
  const double x = cycle_skewness();
  if (!std::isfinite(x)) return;
  skew_[static_cast<std::size_t>(skew_next_)] = x;
  skew_next_ = (skew_next_ + 1) % kPolarityBreaths;
  skew_n_ = std::min(skew_n_ + 1, kPolarityBreaths);
  std::array<double, kPolarityBreaths> v = skew_;
  std::nth_element(v.begin(), v.begin() + skew_n_ / 2, v.begin() + skew_n_);
  polarity_score_ = v[static_cast<std::size_t>(skew_n_ / 2)];
  if (config_.polarity != RespPolarity::automatic) return;
  if (skew_n_ < 8 || metrics_.t_s - polarity_since_s_ < 60.0) return;
  against_ = polarity_score_ < (metrics_.polarity_decided ? -0.45 : -0.35) ? against_ + 1 : 0;
  if (against_ >= 5) { // five breaths in a row against the current polarity
    against_ = 0;
    sign_ = -sign_;
    detector_.restart();
    smoother_.reset();
    skew_n_ = skew_next_ = 0;
    polarity_since_s_ = metrics_.t_s;
    metrics_.polarity = sign_ > 0 ? RespPolarity::up : RespPolarity::down;
    metrics_.polarity_decided = true;
    flipped_ = true;
  } else if (polarity_score_ > 0.05) {
    metrics_.polarity_decided = true;
  }
}

void RespAnalyzer::update_quality() noexcept {
  const double t = metrics_.t_s;
  if (detector_.count() == 0) {
    metrics_.quality = 0;
    return;
  }
  const double valid = std::clamp(1.0 - invalid_ema_ - clipped_ema_, 0.0, 1.0);
  const double smooth_hz = std::min(config_.smooth.hz(), 0.4 * internal_hz_);
  const double noise_sd = std::sqrt(noise_var_ * smooth_hz / (0.5 * internal_hz_ - smooth_hz));
  const double a = detector_.amplitude();
  const double x = a / (6.0 * noise_sd + 1e-300);
  const double snr = std::isfinite(x) ? x * x / (1.0 + x * x) : 1.0;
  const double rhythm = rhythm_;
  const double period = detector_.median_period_s();
  const double span = std::max(12.0, 2.5 * (std::isfinite(period) ? period : 4.0));
  const double age = t - detector_.last().reported_s;
  const double recency = age <= span ? 1.0 : std::max(0.0, 1.0 - (age - span) / span);
  const double agreement = metrics_.rate_disputed ? kDisputedQuality : 1.0;
  metrics_.quality = std::clamp(valid * snr * rhythm * recency * agreement, 0.0, 1.0);
  if (recency <= 0) {
    metrics_.rate_bpm = kRespUnknown;
    metrics_.last_rate_bpm = kRespUnknown;
  }
}

} // namespace pneuma::dsp
