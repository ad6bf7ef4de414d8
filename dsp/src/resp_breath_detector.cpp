#include "pneuma/dsp/resp_breath_detector.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pneuma::dsp {
namespace {

constexpr double kShoulderFall = 0.45;
constexpr double kSteadyFallS = 0.3;
// The end-expiratory floor: within this share of a typical depth of the trough (10 %: a
// raised-cosine inspiration has left it after a fifth of its duration, where its flow is 60 % of
// the peak flow, so no noise reverses it there).
constexpr double kFloorFrac = 0.1;
// A rise after less than 40 % of the last breath was breathed out is on its exhale; after 80 % or
// more it starts from the end-expiratory level (the early-peak penalty fades in between).
constexpr double kExhaledFloor = 0.8;

template <std::size_t N> double median_of(std::array<double, N> const& values, int n) noexcept {
  if (n <= 0) return kRespUnknown;
  std::array<double, N> v = values;
  // Insertion sort: N is tiny (and std::sort trips GCC 12's -Warray-bounds here).
  for (int i = 1; i < n; ++i)
    for (int j = i; j > 0 && v[static_cast<std::size_t>(j - 1)] > v[static_cast<std::size_t>(j)]; --j)
      std::swap(v[static_cast<std::size_t>(j - 1)], v[static_cast<std::size_t>(j)]);
  return (n % 2 == 1) ? v[static_cast<std::size_t>(n / 2)]
                      : 0.5 * (v[static_cast<std::size_t>(n / 2 - 1)] + v[static_cast<std::size_t>(n / 2)]);
}

} // namespace

BreathDetector::BreathDetector(BreathDetectorConfig const& config) : config_(config) {
  auto fraction_ok = [](double f) { return f > 0.0 && f <= 1.0; };
  if (!fraction_ok(config.min_depth_frac) || !fraction_ok(config.confirm_frac) ||
      !fraction_ok(config.min_fall_frac) || !(config.early_penalty >= 0))
    throw std::invalid_argument("breath detector fractions must lie in (0, 1]");
  if (!(config.min_period_s > 0) || !(config.max_period_s > config.min_period_s))
    throw std::invalid_argument("breath detector needs 0 < min_period_s < max_period_s");
  if (!(config.sigh_factor > 1)) throw std::invalid_argument("sigh factor must be > 1");
  if (!(config.min_rise_s >= 0) || !(config.min_rise_s < config.min_period_s))
    throw std::invalid_argument("breath detector needs 0 <= min_rise_s < min_period_s");
}

void BreathDetector::restart() noexcept {
  started_ = false;
  swing_ = {};
  state_ = State::seek_peak;
  have_trough_ = false;
  revising_ = false;
  have_last_peak_ = false;
}

void BreathDetector::reacquire() noexcept {
  restart();
  n_depths_ = depth_next_ = 0;
  n_periods_ = period_next_ = 0;
  refresh_medians();
}

void BreathDetector::reset() noexcept {
  restart();
  ring_ = {};
  head_ = -1;
  count_ = 0;
  sighs_ = 0;
  n_depths_ = depth_next_ = 0;
  n_periods_ = period_next_ = 0;
  last_peak_t_ = -1e300;
  refresh_medians();
}

Breath const& BreathDetector::recent(int k) const noexcept {
  const int i = ((head_ - k) % kHistory + kHistory) % kHistory;
  return ring_[static_cast<std::size_t>(i)];
}

Breath& BreathDetector::slot(int k) noexcept {
  const int i = ((head_ - k) % kHistory + kHistory) % kHistory;
  return ring_[static_cast<std::size_t>(i)];
}

void BreathDetector::refresh_medians() noexcept {
  amplitude_ = n_depths_ > 0 ? median_of(depths_, n_depths_) : 0.0;
  median_period_ = n_periods_ >= 2 ? median_of(periods_, n_periods_) : kRespUnknown;
}

double BreathDetector::reference_amplitude(double t_s, double range) const noexcept {
  if (n_depths_ < 3) return 0.5 * range;
  double a = std::min(amplitude_, range);
  // After a long silence the old depth is no longer a guide (shallow breathing after deep).
  const double period = median_period_s();
  const double silence = std::max(10.0, 2.5 * (std::isfinite(period) ? period : 4.0));
  if (have_last_peak_ && t_s - last_peak_t_ > silence) a = std::min(a, 0.5 * range);
  return a;
}

void BreathDetector::track_swing(double s, double t_s, double a, double noise_sd, double floor) noexcept {
  const double hysteresis = std::max({0.5 * config_.confirm_frac * a, 3.0 * noise_sd, floor});
  constexpr double kMinSwingS = 1.5; // 40/min: faster swings at rest are cardiac ripple
  Swing& w = swing_;
  if (w.dir == 0) {
    w.dir = 1;
    w.ext = at(s, t_s);
    return;
  }
  if (w.dir < 0) {
    if (s < w.ext.v) w.ext = at(s, t_s);
    else if (s - w.ext.v > hysteresis) {
      w.trough = w.ext;
      w.have_trough = true;
      w.dir = 1;
      w.ext = at(s, t_s);
    }
    return;
  }
  if (s > w.ext.v) {
    w.ext = at(s, t_s);
    return;
  }
  if (!(w.ext.v - s > hysteresis)) return;
  // A swing peak, confirmed by a fall of the hysteresis.
  const Extremum peak = w.ext;
  w.dir = -1;
  w.ext = at(s, t_s);
  if (!w.have_trough) return;
  const double depth = peak.v - w.trough.v;
  const bool ripple = w.have_peak && peak.t() - w.peak.t() < kMinSwingS;
  const Swing prev = w;
  w.peak = peak;
  w.peak_depth = depth;
  w.peak_trough = w.trough;
  w.have_peak = !ripple;
  if (ripple || !prev.have_peak || revising_ || count_ == 0) return;
  // The previous swing peak is unaccounted when no breath peak was confirmed at or after it, and
  // this one is not a breath yet (the detector still waits for the last breath's trough).
  const bool missed = last_peak_t_ < prev.peak.t() - 0.5;
  const double lo = std::min(depth, prev.peak_depth), hi = std::max(depth, prev.peak_depth);
  const double min_depth = config_.min_depth_frac * a;
  if (!missed || !(hi <= 2.0 * lo) || !(hi < min_depth) || !(lo >= 4.0 * noise_sd)) return;
  // Tidal breaths start from the end-expiratory level the last breath returned to; swings that
  // start higher are bumps on its exhale.
  const double ee_level = prev_have_trough_ ? prev_trough_.v + 0.25 * last_depth_ : last_peak_v_ - 0.75 * last_depth_;
  if (!(prev.peak_trough.v <= ee_level) || !(w.peak_trough.v <= ee_level)) return;
  // Rebase on the two swings; this one becomes the breath being confirmed.
  depths_ = {};
  depths_[0] = prev.peak_depth;
  depths_[1] = depth;
  depths_[2] = 0.5 * (prev.peak_depth + depth);
  n_depths_ = 3;
  depth_next_ = 3;
  periods_ = {};
  periods_[0] = periods_[1] = peak.t() - prev.peak.t();
  n_periods_ = 2;
  period_next_ = 2;
  refresh_medians();
  trough_ = w.peak_trough;
  have_trough_ = true;
  max_ = peak;
  top_ = peak;
  state_ = State::seek_peak;
  revising_ = false;
}

unsigned BreathDetector::step(double s, double t_s, double noise_sd, double range,
                              double t_now) noexcept {
  if (!started_) {
    started_ = true;
    prev_s_ = s;
    prev_t_ = t_s;
    falling_s_ = 0;
    trough_ = max_ = min_ = top_ = at(s, t_s);
    rising_ = false;
    state_ = State::seek_peak;
    return kRespNone;
  }
  const double floor = 1e-6 * std::abs(s) + 1e-300; // float input resolution: never a breath
  track_swing(s, t_s, reference_amplitude(t_s, range), noise_sd, floor);
  const double a = reference_amplitude(t_s, range);
  const double delta = std::max({config_.confirm_frac * a, 3.0 * noise_sd, floor});
  const double min_depth = std::max(config_.min_depth_frac * a, floor);
  const double period = median_period_s();
  const double refractory =
      std::max(config_.min_period_s, std::isfinite(period) ? 0.35 * period : 0.0);

  const double expected = std::isfinite(period) ? period : 4.0;
  const double min_fall = std::max(config_.min_fall_frac * a, floor);
  // A climb past the last peak after only a small dip (or a moderate one, too soon for a new
  // breath) means that peak was a shoulder of this inspiration.
  // After a fall back to the end-expiratory level (>= kExhaledFloor of that breath's own rise)
  // the breath breathed out what it breathed in: it was whole, however shallow next to A, unless
  // the climb goes on to a clearly deeper peak (min_depth above it: the inspiration had only
  // paused). A climb just past it is the next breath of a faster, shallower rhythm on a drift.
  // The time that counts is when the climb first passed the last peak.
  if (s > last_peak_v_ && !(pass_t_ > last_peak_t_)) pass_t_ = t_s;
  auto is_shoulder = [&](double fall, double /*now*/, double level) {
    const double since_peak = pass_t_ - last_peak_t_;
    if (fall < min_fall) return true;
    if (!(fall < kShoulderFall * a && since_peak < 0.6 * expected)) return false;
    return fall < kExhaledFloor * last_depth_ || level > last_peak_v_ + min_depth;
  };

  falling_s_ = s < prev_s_ ? falling_s_ + (t_s - prev_t_) : 0.0;
  // A flow reversal from expiration to inspiration at the previous sample (a local minimum, or
  // the end of a flat stretch); on the floor of the current trough it is the onset candidate.
  const bool turned_up = s > prev_s_ && !rising_;
  const double floor_band = std::max(kFloorFrac * a, 3.0 * noise_sd);
  const double reversal_s = prev_s_, reversal_t = prev_t_;
  rising_ = s > prev_s_;
  prev_s_ = s;
  prev_t_ = t_s;

  if (state_ == State::seek_peak) {
    if (s < trough_.v && !revising_) {
      trough_ = max_ = top_ = at(s, t_s); // the inspiration has not started yet
      return kRespNone;
    }
    if (turned_up && !revising_ && reversal_s <= trough_.v + floor_band) {
      // The rise starts again here. Whatever rose before it and came back to the floor was no
      // breath (too shallow, or too soon, to be confirmed then): the peak is looked for after
      // this onset, never before it (a later, smaller A would otherwise confirm that old top).
      trough_.t_onset = reversal_t;
      max_ = top_ = at(reversal_s, reversal_t);
    }
    if (s > max_.v) {
      max_ = at(s, t_s);
      if (top_.v < s - delta) top_ = max_; // not yet near the top: the rise goes on
    } else if (s == max_.v) {
      max_.t_last = t_s;
    }
    if (!revising_ && have_last_peak_ && count_ > 0 && s > last_peak_v_ &&
        is_shoulder(last_peak_v_ - trough_.v, t_s - last_peak_t_, s)) {
      revising_ = true;
      trough_ = prev_trough_;
      have_trough_ = prev_have_trough_;
    }
    // Confirmed by a fall of delta, or by a steady fall (>= 0.3 s) of a third of it: a slow,
    // rounded end of inspiration is then reported without waiting for the full delta.
    const bool fell = max_.v - s >= delta ||
                      (falling_s_ >= kSteadyFallS && max_.v - s >= std::max(delta / 3.0, 3.0 * noise_sd));
    double need = min_depth;
    if (have_last_peak_ && !revising_) {
      const double early = std::clamp(1.0 - (max_.t() - last_peak_t_) / (0.75 * expected), 0.0, 1.0);
      // Only a rise that starts high on the last exhale is a bump: expiration is passive and
      // returns to the end-expiratory level, so a rise from there, however soon, is a new breath
      // (a faster, shallower rhythm must not wait for the median period to catch up).
      const double exhaled = last_depth_ > 0 ? (last_peak_v_ - trough_.v) / last_depth_ : 0.0;
      const double on_exhale = std::clamp((kExhaledFloor - exhaled) / 0.4, 0.0, 1.0);
      need += config_.early_penalty * early * on_exhale * a;
    }
    const bool deep = max_.v - trough_.v >= need;
    const bool spaced = revising_ || !have_last_peak_ || max_.t() - last_peak_t_ >= refractory;
    // An inspiration, not a heartbeat: the rise from the onset lasts min_rise_s (header).
    const bool long_rise = revising_ || !(config_.min_rise_s > 0) || top_.t_first - trough_.t_onset >= config_.min_rise_s;
    if (fell && deep && spaced && long_rise) {
      const unsigned ev = confirm_peak(t_now);
      state_ = State::seek_trough;
      min_ = at(s, t_s);
      return ev;
    }
    return kRespNone;
  }

  // seek_trough
  if (s < min_.v) min_ = at(s, t_s);
  else if (s == min_.v) min_.t_last = min_.t_onset = t_s;
  else if (turned_up && reversal_s <= min_.v + floor_band) min_.t_onset = reversal_t;
  const double fall = last_peak_v_ - min_.v;
  if (s > last_peak_v_ && is_shoulder(fall, t_s - last_peak_t_, s)) {
    revising_ = true; // keep the breath's onset (trough_ is still it) and find the true peak
    state_ = State::seek_peak;
    max_ = top_ = at(s, t_s);
    return kRespNone;
  }
  if (s - min_.v >= delta && fall >= min_fall) {
    trough_ = min_;
    have_trough_ = true;
    state_ = State::seek_peak;
    max_ = top_ = at(s, t_s);
  }
  return kRespNone;
}

unsigned BreathDetector::confirm_peak(double t_now) noexcept {
  const double off = config_.time_offset_s;
  const double peak_t = max_.t();
  const double depth = max_.v - trough_.v;
  const double onset_s = have_trough_ ? trough_.t_onset - off : kRespUnknown;
  auto set_period = [&](Breath& b) {
    b.period_s = b.rate_bpm = kRespUnknown;
    if (!have_last_peak_) return false;
    const double p = peak_t - last_peak_t_;
    if (!(p > 0) || p > config_.max_period_s) return false;
    b.period_s = p;
    b.rate_bpm = 60.0 / p;
    return true;
  };

  if (revising_ && count_ > 0) {
    revising_ = false;
    // The last breath's peak moves later; its previous peak (for the period) is one further back.
    Breath& b = slot(0);
    const double prev_peak_t = last_peak_t_ - (std::isfinite(b.period_s) ? b.period_s : 0.0);
    const bool had_period = std::isfinite(b.period_s);
    b.peak_s = peak_t - off;
    b.inhale_s = b.peak_s - b.onset_s;
    b.depth = depth;
    b.revised = true;
    if (had_period) {
      b.period_s = peak_t - prev_peak_t;
      b.rate_bpm = 60.0 / b.period_s;
      periods_[static_cast<std::size_t>((period_next_ + 4) % 5)] = b.period_s;
    }
    depths_[static_cast<std::size_t>((depth_next_ + 4) % 5)] = depth;
    last_peak_v_ = max_.v;
    last_peak_t_ = peak_t;
    last_depth_ = depth;
    refresh_medians();
    return kRespBreathRevised;
  }
  revising_ = false;

  unsigned ev = kRespNewBreath;
  const double med = amplitude();
  Breath b;
  b.number = ++count_;
  b.onset_s = onset_s;
  b.peak_s = peak_t - off;
  b.inhale_s = b.peak_s - b.onset_s;
  b.depth = depth;
  b.depth_rel = med > 0 ? depth / med : kRespUnknown;
  b.sigh = n_depths_ >= 3 && med > 0 && depth > config_.sigh_factor * med;
  b.reported_s = t_now;
  if (b.sigh) ++sighs_;
  if (set_period(b)) {
    periods_[static_cast<std::size_t>(period_next_)] = b.period_s;
    period_next_ = (period_next_ + 1) % 5;
    n_periods_ = std::min(n_periods_ + 1, 5);
  }
  // The previous breath ends where this one starts.
  if (count_ > 1 && have_last_peak_ && std::isfinite(onset_s)) {
    Breath& prev = slot(0);
    prev.exhale_s = onset_s - prev.peak_s;
    prev.duration_s = onset_s - prev.onset_s;
    prev.ie_ratio = prev.exhale_s > 0 ? prev.inhale_s / prev.exhale_s : kRespUnknown;
    ev |= kRespBreathCompleted;
  }
  head_ = (head_ + 1) % kHistory;
  ring_[static_cast<std::size_t>(head_)] = b;
  depths_[static_cast<std::size_t>(depth_next_)] = depth;
  depth_next_ = (depth_next_ + 1) % 5;
  n_depths_ = std::min(n_depths_ + 1, 5);
  last_peak_v_ = max_.v;
  last_peak_t_ = peak_t;
  last_depth_ = depth;
  have_last_peak_ = true;
  prev_trough_ = trough_;
  prev_have_trough_ = have_trough_;
  refresh_medians();
  return ev;
}

} // namespace pneuma::dsp
