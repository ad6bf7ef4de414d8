#include "app/live_analyzer.hpp"

#include <algorithm>
#include <variant>

namespace pneuma::app {

LiveAnalyzer::LiveAnalyzer(LiveAnalyzerConfig const& config)
    : breathing_(dsp::SpectralRateConfig{}, dsp::SampleRate(config.resp_hz)), heart_live_(config.ecg_hz) {}

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
  if (auto rate = breathing_.process(s.value)) {
    metrics_.breathing_bpm = rate->rate_bpm;
    metrics_.breathing_quality = rate->quality;
  }
  metrics_.dropped = breathing_.dropped();
}

void LiveAnalyzer::on(drivers::RrInterval const& s) noexcept {
  heart_live_.on_rr(s, metrics_);
  if (auto hr = heart_.push(s.ms())) {
    metrics_.hr_bpm = *hr;
    last_rr_s_ = s.t_s;
  }
}

void LiveAnalyzer::on(drivers::DeviceStatus const& s) noexcept { metrics_.status = s; }

void LiveAnalyzer::on(drivers::SignalGap const&) noexcept {
  // A gap in the belt breaks the window: start over rather than bridge it.
  breathing_.reset();
  metrics_.breathing_bpm = kUnknown;
  metrics_.breathing_quality = 0;
}

} // namespace pneuma::app
