#include "live/heart_live.hpp"

#include <algorithm>
#include <cmath>

namespace pneuma::app {

HeartLive::HeartLive(double ecg_hz) : rpeaks_(dsp::SampleRate(ecg_hz)) {}

void HeartLive::on_rr(drivers::RrInterval const& rr, Metrics& m) noexcept {
  last_rr_arrival_s_ = rr.t_s;
  const dsp::TimedBeat b = timeline_.push(rr.ticks, rr.t_s);
  if (b.after_gap && corrector_.counts().beats > 0) pending_gap_ = true;
  beat(b.t_s, b.rr_ms, m);
}

void HeartLive::on_ecg(drivers::EcgSample const& s, Metrics& m) noexcept {
  const auto p = rpeaks_.process(s.microvolts);
  if (!p) return;
  // The R peak's time: this sample's time minus the decision delay.
  const double t = s.t_s - (static_cast<double>(rpeaks_.samples_seen() - 1 - p->sample) - p->fraction) * rpeaks_.sample_rate().period_s();
  if (s.t_s - last_rr_arrival_s_ > 5.0 && ecg_last_r_s_ >= 0) beat(t, 1000.0 * (t - ecg_last_r_s_), m);
  ecg_last_r_s_ = t;
}

void HeartLive::beat(double t_s, double rr_ms, Metrics& m) noexcept {
  raw_t_[corrector_.counts().beats % raw_t_.size()] = t_s;
  release(corrector_.push(rr_ms), m);
}

void HeartLive::release(int n, Metrics& m) noexcept {
  for (int i = 0; i < n; ++i) {
    dsp::CorrectedBeat const& cb = corrector_.out(i);
    if (cb.cls == dsp::BeatClass::gap) {
      pending_gap_ = true;
      last_t_ = raw_t_[cb.raw_index % raw_t_.size()];
      continue;
    }
    // Normal beats keep their own time; corrected ones follow the corrected intervals.
    const double t = cb.cls == dsp::BeatClass::normal ? raw_t_[cb.raw_index % raw_t_.size()] : last_t_ + cb.rr_ms / 1000.0;
    const bool gap = pending_gap_ || cb.after_gap;
    pending_gap_ = false;
    last_t_ = t;
    windows_.push(t, cb.rr_ms, cb.cls != dsp::BeatClass::normal, gap);
    if (auto c = coherence_.push(t, cb.rr_ms)) {
      m.coherence = c->ratio;
      m.coherence_peak_hz = c->peak_hz;
    }
    while (onset_count_ > 0 && onsets_[static_cast<std::size_t>(onset_head_)] <= t) {
      if (auto r = rsa_.onset(onsets_[static_cast<std::size_t>(onset_head_)])) m.rsa_bpm = r->hr_range_bpm;
      onset_head_ = (onset_head_ + 1) % static_cast<int>(onsets_.size());
      --onset_count_;
    }
    rsa_.beat(t, cb.rr_ms);
    hr_t_[static_cast<std::size_t>(hr_head_)] = t;
    hr_[static_cast<std::size_t>(hr_head_)] = 60000.0 / cb.rr_ms;
    hr_head_ = (hr_head_ + 1) % static_cast<int>(hr_.size());
    hr_count_ = std::min(hr_count_ + 1, static_cast<int>(hr_.size()));
    if (t - last_onset_s_ > 30.0) rsa_fallback(t, m);
  }
  if (n == 0) return;
  const dsp::HrvWindowStats s60 = windows_.stats(0);
  const dsp::HrvWindowStats s300 = windows_.stats(2);
  m.rmssd_ms = s60.complete ? s60.rmssd_ms : kUnknown;
  m.artifact_pct = s60.n >= 2 ? s60.artifact_pct : kUnknown;
  m.hrv_poor = !s60.complete || s60.poor;
  m.sdnn_ms = s300.complete ? s300.sdnn_ms : kUnknown;
}

void HeartLive::on_breath_onset(double t_s, Metrics&) noexcept {
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

void HeartLive::rsa_fallback(double now_s, Metrics& m) noexcept {
  // No breath onsets: HR max - min over windows one (spectral) breath period long, last 3 periods.
  if (!std::isfinite(m.breathing_bpm) || m.breathing_bpm < 2 || m.breathing_bpm > 40) return;
  const double period = 60.0 / m.breathing_bpm;
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
  m.rsa_bpm = sum / used;
}

} // namespace pneuma::app
