#include "live/live_analyzer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <variant>

namespace pneuma::app {

LiveAnalyzer::LiveAnalyzer(LiveAnalyzerConfig const& config)
    : resp_(dsp::RespAnalyzerConfig::live_belt(), dsp::SampleRate(config.resp_hz)),
      rsa_(dsp::RespAnalyzerConfig{.polarity = dsp::RespPolarity::up, .spectral_input = dsp::SpectralInput::off},
           dsp::SampleRate(4.0)),
      edr_rpeaks_(dsp::SampleRate(config.ecg_hz)),
      edr_(dsp::RespAnalyzerConfig{.spectral_input = dsp::SpectralInput::off}, dsp::SampleRate(4.0)),
      heart_live_(config.ecg_hz),
      breath_hp_(dsp::BiquadCoeffs::highpass(dsp::Hz(0.03), dsp::SampleRate(config.resp_hz))),
      breath_lp_(dsp::BiquadCoeffs::lowpass(dsp::Hz(1.0), dsp::SampleRate(config.resp_hz))) {}

void LiveAnalyzer::on(drivers::EcgSample const& s) noexcept {
  heart_live_.on_ecg(s, metrics_);
  if (ecg_t0_s_ < 0) ecg_t0_s_ = s.t_s;
  // R-amplitude modulation: each beat's R amplitude, resampled to 4 Hz, through the detector.
  if (auto r = edr_rpeaks_.process(s.microvolts)) {
    if (!edr_gate_.accept(std::abs(static_cast<double>(r->amplitude)))) return;
    const double t = ecg_t0_s_ + static_cast<double>(r->sample) / edr_rpeaks_.sample_rate().hz();
    std::array<float, 64> grid{};
    const std::size_t n = edr_grid_.push(t, std::abs(static_cast<double>(r->amplitude)), grid);
    for (std::size_t i = 0; i < n; ++i) (void)edr_.process(grid[i]);
    metrics_.edr_breath_rate_bpm = edr_.metrics().rate_bpm;
    metrics_.edr_breath_quality = edr_.metrics().quality;
  }
}

void LiveAnalyzer::process(drivers::DeviceSample const& sample) noexcept {
  std::visit([this](auto const& s) { on(s); }, sample);
  const double t = drivers::time_of(sample);
  data_time_s_ = std::max(data_time_s_, t);
  metrics_.t_s = data_time_s_;
  ++metrics_.samples;
  // Heart rate older than 5 s of data is no longer a fact.
  if (data_time_s_ - last_rr_s_ > 5.0) metrics_.hr_bpm = kUnknown;
  const bool have_hr = std::isfinite(metrics_.hr_bpm);
  const bool have_resp = std::isfinite(metrics_.breathing_bpm);
  metrics_.quality = have_resp ? (have_hr ? metrics_.breathing_quality : metrics_.breathing_quality * 0.5)
                               : (have_hr ? 0.5 : 0.0);
}

void LiveAnalyzer::on(drivers::RespSample const& s) noexcept {
  metrics_.belt = s.value;
  trace_breath(s.t_s, s.value);
  // Belt time: samples are counted; a jump of the arrival time by more than 1 s is a gap.
  const double behind = s.t_s - (resp_.next_sample_time_s() + resp_offset_s_);
  if (!resp_anchor_ && behind > 1.0) {
    resp_.mark_gap(behind);
    resp_anchor_ = true;
  }
  if (resp_anchor_) {
    resp_offset_s_ = s.t_s - resp_.next_sample_time_s();
    resp_anchor_ = false;
  }
  const unsigned events = resp_.process(s.value);
  // The belt's one spectral estimate (raw belt, 60 s window, 1 s hop) is the breathing rate.
  if (events & dsp::kRespSpectralRate) {
    metrics_.breathing_bpm = resp_.metrics().spectral_rate_bpm;
    metrics_.breathing_quality = resp_.metrics().spectral_quality;
  }
  metrics_.dropped = resp_.spectral_dropped();
  on_breath(events);
}

void LiveAnalyzer::on_breath(unsigned events) noexcept {
  dsp::RespMetrics const& r = resp_.metrics();
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
  if (!external_onsets_ && std::isfinite(resp_.last_breath().onset_s))
    heart_live_.on_breath_onset(resp_.last_breath().onset_s + resp_offset_s_, metrics_);
  const double peak_session_s = resp_.last_breath().peak_s + resp_offset_s_;
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
  heart_live_.on_rr(s, metrics_);
  trace_beat(s);
  // Beats on the RR clock (sum of intervals), re-anchored to arrival time after a loss of > 2 s.
  const double rr_s = s.seconds();
  beat_t_s_ = std::abs(beat_t_s_ + rr_s - s.t_s) > 2.0 ? s.t_s : beat_t_s_ + rr_s;
  if (rr_s > 0.25 && rr_s < 2.5 && rsa_gate_.accept(s.ms())) {
    std::array<float, 64> grid{};
    const std::size_t n = rsa_grid_.push(beat_t_s_, 60.0 / rr_s, grid);
    for (std::size_t i = 0; i < n; ++i) (void)rsa_.process(grid[i]);
    metrics_.rsa_breath_rate_bpm = rsa_.metrics().rate_bpm;
    metrics_.rsa_breath_quality = rsa_.metrics().quality;
  }
  if (auto hr = heart_.push(s.ms())) {
    metrics_.hr_bpm = *hr;
    last_rr_s_ = s.t_s;
  }
}

void LiveAnalyzer::on(drivers::DeviceStatus const& s) noexcept { metrics_.status = s; }

void LiveAnalyzer::on(drivers::SignalGap const& s) noexcept {
  // A gap in the belt breaks the window: start over rather than bridge it. A strap's gap
  // (RR, ECG, ACC) leaves the belt's window alone.
  if (s.stream != drivers::SignalGap::Stream::any && s.stream != drivers::SignalGap::Stream::resp) return;
  resp_.restart_spectral();
  metrics_.breathing_bpm = kUnknown;
  metrics_.breathing_quality = 0;
  resp_anchor_ = true; // the belt's own timestamps tell whether its samples were lost
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

void LiveAnalyzer::trace_beat(drivers::RrInterval const& s) noexcept {
  // Beats arrive bundled (a strap notifies once a second): chain the intervals to recover each
  // beat's time, re-anchoring on arrival time after a gap or when the chain drifts.
  const double rr_s = s.seconds();
  const double chained = beat_t_ + rr_s;
  const bool anchored = beat_t_ >= 0 && chained <= s.t_s + 0.05 && chained >= s.t_s - 3.0;
  beat_t_ = anchored ? chained : s.t_s;
  auto& trace = metrics_.traces.hr;
  const double span = static_cast<double>(trace.kCapacity) * trace.dt_s;
  if (next_hr_t_ < 0 || beat_t_ - next_hr_t_ > span) {
    trace.clear();
    next_hr_t_ = beat_t_ - rr_s;
  }
  const bool plausible = s.ms() >= 250 && s.ms() <= 2500;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float hr = plausible ? static_cast<float>(60.0 / rr_s) : nan;
  // Grid points inside this interval get its rate; points before it (a gap) are unknown.
  while (next_hr_t_ <= beat_t_ + 1e-9) {
    trace.push(next_hr_t_, beat_t_ - next_hr_t_ <= rr_s + 1e-6 ? hr : nan);
    next_hr_t_ += trace.dt_s;
  }
}

} // namespace pneuma::app
