#include "live/live_analyzer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <variant>

namespace pneuma::app {

LiveAnalyzer::LiveAnalyzer(LiveAnalyzerConfig const& config)
    : breathing_(dsp::BreathingStreamConfig{.belt_rate = dsp::Hz(config.resp_hz)}),
      heart_(dsp::HeartStreamConfig{.ecg_rate = dsp::Hz(config.ecg_hz)}),
      breath_hp_(dsp::BiquadCoeffs::highpass(dsp::Hz(0.03), dsp::SampleRate(config.resp_hz))),
      breath_lp_(dsp::BiquadCoeffs::lowpass(dsp::Hz(1.0), dsp::SampleRate(config.resp_hz))) {}

void LiveAnalyzer::process(drivers::DeviceSample const& sample) noexcept {
  std::visit([this](auto const& s) { on(s); }, sample);
  const double t = drivers::time_of(sample);
  data_time_s_ = std::max(data_time_s_, t);
  metrics_.t_s = data_time_s_;
  ++metrics_.samples;
  // Heart rate older than 5 s of data is no longer a fact.
  if (data_time_s_ - last_hr_s_ > 5.0) metrics_.hr_bpm = kUnknown;
  const bool have_hr = std::isfinite(metrics_.hr_bpm);
  const bool have_resp = std::isfinite(metrics_.breathing_bpm);
  metrics_.quality = have_resp ? (have_hr ? metrics_.breathing_quality : metrics_.breathing_quality * 0.5)
                               : (have_hr ? 0.5 : 0.0);
}

void LiveAnalyzer::on(drivers::RespSample const& s) noexcept {
  metrics_.belt = s.value;
  trace_breath(s.t_s, s.value);
  const unsigned events = breathing_.belt(s.value, s.t_s);
  dsp::RespAnalyzer const& belt = breathing_.belt_analyzer();
  // The belt's one spectral estimate (raw belt, 60 s window, 1 s hop) is the breathing rate.
  if (events & dsp::kRespSpectralRate) {
    metrics_.breathing_bpm = belt.metrics().spectral_rate_bpm;
    metrics_.breathing_quality = belt.metrics().spectral_quality;
  }
  metrics_.dropped = belt.spectral_dropped();
  metrics_.gaps_bridged = breathing_.bridged();
  on_breath(events);
}

void LiveAnalyzer::on_breath(unsigned events) noexcept {
  dsp::RespAnalyzer const& belt = breathing_.belt_analyzer();
  dsp::RespMetrics const& r = belt.metrics();
  metrics_.breath_quality = r.quality;
  metrics_.breath_rate_bpm = r.rate_bpm;
  metrics_.breath_last_rate_bpm = r.last_rate_bpm;
  if (!(events & (dsp::kRespNewBreath | dsp::kRespBreathRevised | dsp::kRespBreathCompleted))) return;
  metrics_.breaths = r.breaths;
  metrics_.sighs = r.sighs;
  metrics_.breath_regularity_cv = r.regularity_cv;
  metrics_.breath_ie_ratio = r.ie_ratio;
  metrics_.breath_inhale_s = r.inhale_s;
  metrics_.breath_exhale_s = r.exhale_s;
  metrics_.breath_depth_rel = r.depth_rel;
  if (!(events & dsp::kRespNewBreath)) return;
  // The heart side measures RSA per breath cycle, from onset to onset.
  if (!external_onsets_ && std::isfinite(belt.last_breath().onset_s))
    heart_.breath_onset(belt.last_breath().onset_s + breathing_.belt_offset_s());
  const double peak_session_s = belt.last_breath().peak_s + breathing_.belt_offset_s();
  metrics_.last_breath_peak_s = peak_session_s;
  if (pacer_ && !pacer_->paused()) {
    const PacerFrame f = pacer_->at(peak_session_s);
    const auto c = compliance_.on_breath(f.cycles - pacer_->settings().inhale_fraction(), f.rate_bpm,
                                         r.rate_bpm);
    metrics_.pacer_rate_error_bpm = c.rate_error_bpm;
    metrics_.pacer_lag_s = c.lag_s;
    metrics_.pacer_in_phase = c.in_phase;
  }
}

void LiveAnalyzer::on(drivers::RrInterval const& s) noexcept {
  heart_.set_breathing_rate(metrics_.breathing_bpm); // for RSA without breath onsets
  heart_events(heart_.rr(s.ticks, s.t_s), s.t_s);
}

void LiveAnalyzer::on(drivers::EcgSample const& s) noexcept {
  heart_.set_breathing_rate(metrics_.breathing_bpm);
  heart_events(heart_.ecg(s.microvolts, s.t_s), s.t_s);
}

void LiveAnalyzer::heart_events(unsigned events, double now_s) noexcept {
  if (events == dsp::kHeartNone) return;
  dsp::HeartMetrics const& h = heart_.metrics();
  if (events & dsp::kHeartRPeak) { // ECG-derived breathing: R amplitude of the detected peaks
    breathing_.r_peak(heart_.last_r_peak().t_s, heart_.last_r_peak().amplitude);
    dsp::RespMetrics const& e = breathing_.edr_analyzer().metrics();
    metrics_.edr_breath_rate_bpm = e.rate_bpm;
    metrics_.edr_breath_quality = e.quality;
  }
  if (events & dsp::kHeartBeat) trace_beat(heart_.last_beat());
  if (events & dsp::kHeartRate) {
    metrics_.hr_bpm = h.hr_bpm;
    last_hr_s_ = now_s;
  }
  if (events & dsp::kHeartNn) {
    for (int i = 0; i < heart_.nn_count(); ++i) breathing_.nn_beat(heart_.nn(i).t_s, heart_.nn(i).rr_ms);
    dsp::RespMetrics const& r = breathing_.rsa_analyzer().metrics();
    metrics_.rsa_breath_rate_bpm = r.rate_bpm;
    metrics_.rsa_breath_quality = r.quality;
    metrics_.rmssd_ms = h.rmssd_ms;
    metrics_.sdnn_ms = h.sdnn_ms;
    metrics_.artifact_pct = h.artifact_pct;
    metrics_.hrv_poor = h.hrv_poor;
  }
  // Coherence and RSA update with NN beats; copying them is cheap and keeps them in step.
  metrics_.coherence = h.coherence;
  metrics_.coherence_peak_hz = h.coherence_peak_hz;
  metrics_.rsa_bpm = h.rsa_bpm;
}

void LiveAnalyzer::on(drivers::DeviceStatus const& s) noexcept { metrics_.status = s; }

void LiveAnalyzer::on(drivers::SignalGap const& s) noexcept {
  using Stream = drivers::SignalGap::Stream;
  // A lost notification leaves a hole in the beats: the timeline re-anchors, HRV carries on.
  if (s.stream == Stream::any || s.stream == Stream::rr) heart_.rr_lost();
  if (s.stream != Stream::any && s.stream != Stream::resp) return; // the belt's window stays
  // A short hole in the belt (a lost line or frame) is bridged; a long one starts over.
  if (breathing_.belt_gap(s.to_s - s.from_s)) return;
  metrics_.breathing_bpm = kUnknown;
  metrics_.breathing_quality = 0;
  metrics_.traces.breath.clear();
  next_breath_t_ = -1;
}

void LiveAnalyzer::on(drivers::BatteryLevel const& s) noexcept { metrics_.battery_pct = s.percent; }

void LiveAnalyzer::trace_breath(double t_s, double belt) noexcept {
  auto& trace = metrics_.traces.breath;
  if (next_breath_t_ < 0) {
    breath_hp_.settle_to(belt);
    breath_lp_.settle_to(0.0);
    next_breath_t_ = t_s;
  }
  const double smooth = breath_lp_(breath_hp_(belt));
  // Uniform 10 Hz grid (the UI derives each point's time from its index); a long silence is
  // skipped whole rather than filled point by point.
  const double span = static_cast<double>(trace.kCapacity) * trace.dt_s;
  if (t_s - next_breath_t_ > span) {
    trace.clear();
    next_breath_t_ = t_s;
  }
  while (next_breath_t_ <= t_s + 1e-9) {
    trace.push(next_breath_t_, static_cast<float>(smooth));
    next_breath_t_ += trace.dt_s;
  }
}

void LiveAnalyzer::trace_beat(dsp::StreamBeat const& b) noexcept {
  // Beat times come from the heart stream's one timeline (RR chained, re-anchored after a gap).
  const double rr_s = b.rr_ms / 1000.0;
  auto& trace = metrics_.traces.hr;
  const double span = static_cast<double>(trace.kCapacity) * trace.dt_s;
  if (next_hr_t_ < 0 || b.t_s - next_hr_t_ > span) {
    trace.clear();
    next_hr_t_ = b.t_s - rr_s;
  }
  const bool plausible = b.rr_ms >= 250 && b.rr_ms <= 2500;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float hr = plausible ? static_cast<float>(60.0 / rr_s) : nan;
  // Grid points inside this interval get its rate; points before it (a gap) are unknown.
  while (next_hr_t_ <= b.t_s + 1e-9) {
    trace.push(next_hr_t_, b.t_s - next_hr_t_ <= rr_s + 1e-6 ? hr : nan);
    next_hr_t_ += trace.dt_s;
  }
}

} // namespace pneuma::app
