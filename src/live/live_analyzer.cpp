#include "live/live_analyzer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string_view>
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
  if (data_time_s_ >= next_choice_s_) {
    choose_source();
    next_choice_s_ = data_time_s_ + 1.0;
    publish_phase();
  }
  ++metrics_.samples;
  // Heart rate older than 5 s of data is no longer a fact.
  if (data_time_s_ - last_hr_s_ > 5.0) metrics_.hr_bpm = kUnknown;
  const bool have_hr = std::isfinite(metrics_.hr_bpm);
  const bool have_resp = std::isfinite(metrics_.breathing_bpm);
  metrics_.quality = have_resp ? (have_hr ? metrics_.breathing_quality : metrics_.breathing_quality * 0.5)
                               : (have_hr ? 0.5 : 0.0);
}

bool LiveAnalyzer::expire(double now_s, double after_s) noexcept {
  bool changed = false;
  if (std::isfinite(metrics_.hr_bpm) && now_s - last_hr_s_ > after_s) {
    metrics_.hr_bpm = kUnknown;
    changed = true;
  }
  const bool belt = last_resp_s_ > -1e8; // only the belt's rate is timed by belt samples
  if (belt && std::isfinite(metrics_.breathing_bpm) && now_s - last_resp_s_ > after_s) {
    metrics_.breathing_bpm = kUnknown;
    changed = true;
  }
  return changed;
}

void LiveAnalyzer::on(drivers::RespSample const& s) noexcept {
  last_resp_s_ = std::max(last_resp_s_, s.t_s);
  metrics_.belt = s.value;
  last_belt_s_ = s.t_s;
  trace_breath(s.t_s, s.value);
  const unsigned events = breathing_.belt(s.value, s.t_s);
  dsp::RespAnalyzer const& belt = breathing_.belt_analyzer();
  // The belt's one spectral estimate (raw belt, 60 s window, 1 s hop) is the breathing rate.
  if ((events & dsp::kRespSpectralRate) && metrics_.breathing_source != dsp::BreathingSource::chest_motion &&
      metrics_.breathing_source != dsp::BreathingSource::ecg &&
      metrics_.breathing_source != dsp::BreathingSource::heart_rhythm) {
    metrics_.breathing_bpm = belt.metrics().spectral_rate_bpm;
    metrics_.breathing_quality = belt.metrics().spectral_quality;
  }
  metrics_.dropped = belt.spectral_dropped();
  metrics_.gaps_bridged = breathing_.bridged();
  on_breath(dsp::BreathingSource::belt, events);
  phase_breathing(dsp::BreathingSource::belt);
}

void LiveAnalyzer::on(drivers::AccSample const& s) noexcept {
  last_acc_s_ = s.t_s;
  const unsigned events = breathing_.acc(s.x_mg, s.y_mg, s.z_mg, s.t_s, s.device_t_s);
  dsp::RespMetrics const& a = breathing_.acc_analyzer().metrics();
  metrics_.acc_breath_rate_bpm = a.rate_bpm;
  metrics_.acc_breath_quality = a.quality;
  metrics_.posture_changes = breathing_.posture_changes();
  on_breath(dsp::BreathingSource::chest_motion, events);
  trace_derived(dsp::BreathingSource::chest_motion);
  phase_breathing(dsp::BreathingSource::chest_motion);
}

dsp::RespAnalyzer const& LiveAnalyzer::analyzer_of(dsp::BreathingSource s) const noexcept {
  switch (s) {
  case dsp::BreathingSource::chest_motion: return breathing_.acc_analyzer();
  case dsp::BreathingSource::ecg: return breathing_.edr_analyzer();
  case dsp::BreathingSource::heart_rhythm: return breathing_.rsa_analyzer();
  case dsp::BreathingSource::none:
  case dsp::BreathingSource::belt: break;
  }
  return breathing_.belt_analyzer();
}

double LiveAnalyzer::offset_of(dsp::BreathingSource s) const noexcept {
  switch (s) {
  case dsp::BreathingSource::chest_motion: return breathing_.acc_offset_s();
  case dsp::BreathingSource::ecg: return breathing_.edr_offset_s();
  case dsp::BreathingSource::heart_rhythm: return breathing_.rsa_offset_s();
  case dsp::BreathingSource::none:
  case dsp::BreathingSource::belt: break;
  }
  return breathing_.belt_offset_s();
}

void LiveAnalyzer::choose_source() noexcept {
  using dsp::BreathingSource;
  const double t = data_time_s_;
  // A surrogate that stopped arriving has no say, whatever its last quality was.
  auto fresh = [t](double last_s, double within_s) { return t - last_s <= within_s; };
  std::array<double, dsp::kBreathingSources> scores{};
  scores[static_cast<std::size_t>(BreathingSource::belt)] = fresh(last_belt_s_, 3.0) ? 1.0 : 0.0;
  scores[static_cast<std::size_t>(BreathingSource::chest_motion)] =
      fresh(last_acc_s_, 3.0) ? breathing_.acc_analyzer().metrics().quality : 0.0;
  scores[static_cast<std::size_t>(BreathingSource::ecg)] =
      fresh(last_r_peak_s_, 5.0) ? breathing_.edr_analyzer().metrics().quality : 0.0;
  scores[static_cast<std::size_t>(BreathingSource::heart_rhythm)] =
      fresh(last_nn_s_, 5.0) ? breathing_.rsa_analyzer().metrics().quality : 0.0;
  const BreathingSource source = chooser_.update(t, scores);
  if (chooser_.changed()) {
    compliance_.reset(); // the old source's breaths say nothing about the new one's timing
    phase_.restart();    // nor its wave about the new one's phase
    metrics_.pacer_rate_error_bpm = metrics_.pacer_lag_s = metrics_.pacer_in_phase = kUnknown;
    if (source != BreathingSource::belt) {
      metrics_.traces.breath.clear();
      next_breath_t_ = -1;
    }
  }
  metrics_.breathing_source = source;
  metrics_.breathing_doubt = dsp::RsaDoubt::none;
  if (source == BreathingSource::belt) return; // the belt's spectral rate is set per sample
  if (source == BreathingSource::none) {
    if (!fresh(last_belt_s_, 3.0)) {
      metrics_.breathing_bpm = kUnknown;
      metrics_.breathing_quality = 0;
    }
    return;
  }
  // A surrogate: its 60-s spectral rate, or its per-breath rate until 20 s of it are in.
  dsp::RespMetrics const& r = analyzer_of(source).metrics();
  const bool spectral = std::isfinite(r.spectral_rate_bpm);
  double rate = spectral ? r.spectral_rate_bpm : r.rate_bpm;
  if (source == BreathingSource::heart_rhythm) {
    dsp::HeartMetrics const& h = heart_.metrics();
    metrics_.breathing_doubt = dsp::rsa_follows_breathing({rate, h.artifact_pct, h.rsa_bpm, h.rmssd_ms, r.regularity_cv});
    if (metrics_.breathing_doubt != dsp::RsaDoubt::none) rate = kUnknown;
  }
  metrics_.breathing_bpm = rate;
  metrics_.breathing_quality = std::isfinite(rate) ? (spectral ? r.spectral_quality : r.quality) : 0.0;
}

void LiveAnalyzer::on_breath(dsp::BreathingSource source, unsigned events) noexcept {
  if (source != metrics_.breathing_source) return;
  dsp::RespAnalyzer const& belt = analyzer_of(source);
  const double offset = offset_of(source);
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
    heart_.breath_onset(belt.last_breath().onset_s + offset);
  const double peak_session_s = belt.last_breath().peak_s + offset;
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
  last_nn_s_ = s.t_s;
  metrics_.beats_optical = s.optical; // which sensor the beats come from (the latest one's)
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
    last_r_peak_s_ = now_s;
    const unsigned breath = breathing_.r_peak(heart_.last_r_peak().t_s, heart_.last_r_peak().amplitude);
    dsp::RespMetrics const& e = breathing_.edr_analyzer().metrics();
    metrics_.edr_breath_rate_bpm = e.rate_bpm;
    metrics_.edr_breath_quality = e.quality;
    on_breath(dsp::BreathingSource::ecg, breath);
    trace_derived(dsp::BreathingSource::ecg);
    phase_breathing(dsp::BreathingSource::ecg);
  }
  if (events & dsp::kHeartBeat) {
    trace_beat(heart_.last_beat());
    phase_.beat(heart_.last_beat().t_s, heart_.last_beat().rr_ms);
    // RSA-derived breathing from the beats as they arrive (its own gate skips ectopic beats).
    const unsigned breath = breathing_.beat(heart_.last_beat().t_s, heart_.last_beat().rr_ms);
    dsp::RespMetrics const& r = breathing_.rsa_analyzer().metrics();
    metrics_.rsa_breath_rate_bpm = r.rate_bpm;
    metrics_.rsa_breath_quality = r.quality;
    on_breath(dsp::BreathingSource::heart_rhythm, breath);
    trace_derived(dsp::BreathingSource::heart_rhythm);
  }
  if (events & dsp::kHeartRate) {
    metrics_.hr_bpm = h.hr_bpm;
    last_hr_s_ = now_s;
  }
  if (events & dsp::kHeartNn) {
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

void LiveAnalyzer::on(drivers::DeviceStatus const& s) noexcept {
  metrics_.status = s;
  constexpr std::string_view kConnected = "connected to ";
  // A supervised link says "<device>: <text>" ("ble:A0:9E:...: connected to ..."): the device's
  // name has colons of its own but never ": ", so the text starts after the first ": ".
  std::string_view said = s.message();
  if (const std::size_t named = said.find(": "); !said.starts_with(kConnected) && named != std::string_view::npos)
    said.remove_prefix(named + 2);
  if (s.state != drivers::DeviceStatus::State::streaming || !said.starts_with(kConnected)) return;
  std::string_view label = said.substr(kConnected.size());
  label = label.substr(0, label.find(": ")); // the address has colons of its own
  const std::size_t n = std::min(label.size(), metrics_.connected_to.size() - 1);
  std::copy_n(label.data(), n, metrics_.connected_to.data());
  metrics_.connected_to[n] = '\0';
}

void LiveAnalyzer::on(drivers::SignalGap const& s) noexcept {
  using Stream = drivers::SignalGap::Stream;
  // A strap's gap (RR, ECG, ACC) leaves the belt's window alone; a lost ACC frame restarts the
  // ACC grid; a lost notification leaves a hole in the beats: the timeline re-anchors, HRV
  // carries on.
  if (s.stream == Stream::acc) breathing_.acc_lost();
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

void LiveAnalyzer::trace_derived(dsp::BreathingSource source) noexcept {
  if (source != metrics_.breathing_source) return;
  dsp::RespAnalyzer const& a = analyzer_of(source);
  if (a.metrics().t_s <= 0) return;
  // The surrogate's band-passed signal, inspiration up, on the same 10 Hz grid as the belt's.
  const double t_s = a.metrics().t_s + offset_of(source);
  const double up = a.metrics().polarity == dsp::RespPolarity::down ? -1.0 : 1.0;
  const auto v = static_cast<float>(up * a.bandpassed());
  auto& trace = metrics_.traces.breath;
  const double span = static_cast<double>(trace.kCapacity) * trace.dt_s;
  if (next_breath_t_ < 0 || t_s - next_breath_t_ > span) {
    trace.clear();
    next_breath_t_ = t_s;
  }
  while (next_breath_t_ <= t_s + 1e-9) {
    trace.push(next_breath_t_, v);
    next_breath_t_ += trace.dt_s;
  }
}

void LiveAnalyzer::phase_breathing(dsp::BreathingSource source) noexcept {
  if (source != metrics_.breathing_source || source == dsp::BreathingSource::heart_rhythm) return;
  dsp::RespAnalyzer const& a = analyzer_of(source);
  if (a.metrics().t_s <= 0) return;
  // The analyzer's smoothed signal (polarity applied: inspiration up), at the time it describes.
  phase_.breathing(a.metrics().t_s - a.timing_delay_s() + offset_of(source), a.smoothed());
}

void LiveAnalyzer::publish_phase() noexcept {
  phase_.set_breathing_rate(metrics_.breathing_bpm);
  dsp::HrRespPhase p = phase_.result();
  // Heart-rhythm breathing IS the HR wave: its phase against HR is zero by construction.
  if (metrics_.breathing_source == dsp::BreathingSource::heart_rhythm) p = {.withheld = dsp::PhaseWithheld::rsa_source};
  if (metrics_.breathing_source == dsp::BreathingSource::none) p = {.withheld = dsp::PhaseWithheld::no_breathing};
  metrics_.hr_resp_lag_s = p.lag_s;
  metrics_.hr_resp_phase_deg = p.phase_deg;
  metrics_.hr_resp_msc = p.msc;
  metrics_.hr_resp_withheld = p.withheld;
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
