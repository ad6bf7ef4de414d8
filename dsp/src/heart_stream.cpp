#include "pneuma/dsp/heart_stream.hpp"

#include <algorithm>
#include <cmath>

namespace pneuma::dsp {

HeartStream::HeartStream(HeartStreamConfig const& config)
    : cfg_(config), timeline_(config.rr_max_skew), rpeaks_(SampleRate(config.ecg_rate)),
      rate_(config.hr_beats) {}

unsigned HeartStream::rr(std::uint32_t ticks, double arrival_t_s) noexcept {
  last_rr_arrival_s_ = arrival_t_s;
  const TimedBeat b = timeline_.push(ticks, arrival_t_s);
  if (b.after_gap && corrector_.counts().beats > 0) pending_gap_ = true;
  return beat(b.t_s, b.rr_ms, b.after_gap, false);
}

unsigned HeartStream::ecg(float microvolts, double t_s) noexcept {
  nn_n_ = 0;
  const auto p = rpeaks_.process(microvolts);
  if (!p) return kHeartNone;
  // The R peak's time: this sample's time minus the decision delay.
  const double delay = static_cast<double>(rpeaks_.samples_seen() - 1 - p->sample) - p->fraction;
  const double t = t_s - delay * rpeaks_.sample_rate().period_s();
  last_peak_ = {t, p->amplitude};
  unsigned ev = kHeartRPeak;
  if (t_s - last_rr_arrival_s_ > cfg_.ecg_fallback.s() && ecg_last_r_s_ >= 0)
    ev |= beat(t, 1000.0 * (t - ecg_last_r_s_), false, true);
  ecg_last_r_s_ = t;
  return ev;
}

unsigned HeartStream::beat(double t_s, double rr_ms, bool after_gap, bool from_ecg) noexcept {
  nn_n_ = 0;
  last_beat_ = {t_s, rr_ms, after_gap, from_ecg};
  unsigned ev = kHeartBeat;
  if (auto hr = rate_.push(rr_ms)) {
    m_.hr_bpm = *hr;
    ev |= kHeartRate;
  }
  raw_t_[corrector_.counts().beats % raw_t_.size()] = t_s;
  const int n = corrector_.push(rr_ms);
  release(n);
  if (nn_n_ > 0) ev |= kHeartNn;
  return ev;
}

void HeartStream::release(int n) noexcept {
  for (int i = 0; i < n; ++i) {
    CorrectedBeat const& cb = corrector_.out(i);
    if (cb.cls == BeatClass::gap) {
      pending_gap_ = true;
      last_t_ = raw_t_[cb.raw_index % raw_t_.size()];
      continue;
    }
    // Normal beats keep their own time; corrected ones follow the corrected intervals.
    const double t = cb.cls == BeatClass::normal ? raw_t_[cb.raw_index % raw_t_.size()] : last_t_ + cb.rr_ms / 1000.0;
    const bool gap = pending_gap_ || cb.after_gap;
    pending_gap_ = false;
    last_t_ = t;
    if (nn_n_ < static_cast<int>(nn_.size()))
      nn_[static_cast<std::size_t>(nn_n_++)] = {t, cb.rr_ms, cb.cls != BeatClass::normal, gap};
    // One premature beat corrupts two intervals, a split missed beat makes two: half each.
    const double weight = cb.cls == BeatClass::ectopic || cb.cls == BeatClass::missed ? 0.5 : 1.0;
    windows_.push(t, cb.rr_ms, cb.cls != BeatClass::normal, gap, weight);
    if (auto c = coherence_.push(t, cb.rr_ms)) {
      m_.coherence = c->ratio;
      m_.coherence_peak_hz = c->peak_hz;
    }
    while (onset_count_ > 0 && onsets_[static_cast<std::size_t>(onset_head_)] <= t) {
      if (auto r = rsa_.onset(onsets_[static_cast<std::size_t>(onset_head_)])) m_.rsa_bpm = r->hr_range_bpm;
      onset_head_ = (onset_head_ + 1) % static_cast<int>(onsets_.size());
      --onset_count_;
    }
    rsa_.beat(t, cb.rr_ms);
    hr_t_[static_cast<std::size_t>(hr_head_)] = t;
    hr_[static_cast<std::size_t>(hr_head_)] = 60000.0 / cb.rr_ms;
    hr_head_ = (hr_head_ + 1) % static_cast<int>(hr_.size());
    hr_count_ = std::min(hr_count_ + 1, static_cast<int>(hr_.size()));
    if (t - last_onset_s_ > cfg_.rsa_fallback.s()) rsa_fallback(t);
  }
  if (n == 0) return;
  const HrvWindowStats s60 = windows_.stats(0);
  const HrvWindowStats s300 = windows_.stats(2);
  m_.rmssd_ms = s60.complete ? s60.rmssd_ms : HeartMetrics::kUnknown;
  m_.artifact_pct = s60.n >= 2 ? s60.artifact_pct : HeartMetrics::kUnknown;
  m_.hrv_poor = !s60.complete || s60.poor;
  m_.sdnn_ms = s300.complete ? s300.sdnn_ms : HeartMetrics::kUnknown;
}

void HeartStream::breath_onset(double t_s) noexcept {
  if (!std::isfinite(t_s) || t_s <= last_onset_s_) return; // onsets come in time order, once each
  last_onset_s_ = t_s;
  const int cap = static_cast<int>(onsets_.size());
  if (onset_count_ == cap) { // beats stalled for 16 breaths: forget the oldest onset
    onset_head_ = (onset_head_ + 1) % cap;
    --onset_count_;
  }
  onsets_[static_cast<std::size_t>((onset_head_ + onset_count_) % cap)] = t_s;
  ++onset_count_;
}

void HeartStream::rsa_fallback(double now_s) noexcept {
  // No breath onsets: HR max - min over windows one breath period long, last 3 periods.
  if (!std::isfinite(breathing_bpm_) || breathing_bpm_ < 2 || breathing_bpm_ > 40) return;
  const double period = 60.0 / breathing_bpm_;
  double sum = 0;
  int used = 0;
  for (int w = 0; w < 3; ++w) {
    const double hi_t = now_s - w * period, lo_t = hi_t - period;
    double lo = 1e9, hi = -1e9;
    int beats = 0;
    for (int k = 0; k < hr_count_; ++k) {
      const auto i = static_cast<std::size_t>((hr_head_ - 1 - k + static_cast<int>(hr_.size())) % static_cast<int>(hr_.size()));
      if (hr_t_[i] > hi_t) continue;
      if (hr_t_[i] <= lo_t) break;
      lo = std::min(lo, hr_[i]);
      hi = std::max(hi, hr_[i]);
      ++beats;
    }
    if (beats < 2) return; // not enough history yet
    sum += hi - lo;
    ++used;
  }
  m_.rsa_bpm = sum / used;
}

} // namespace pneuma::dsp
