#include "polar_pmd.hpp"

#include <algorithm>
#include <cstdio>

namespace pneuma::drivers {
namespace {
PmdStreamConfig ecg_stream(PmdSequenceConfig const& c) {
  return PmdStreamConfig{static_cast<double>(c.ecg_rate_hz), static_cast<std::uint8_t>(c.ecg_resolution), 1, 1.0f};
}
PmdStreamConfig acc_stream(PmdSequenceConfig const& c, float factor = 1.0f) {
  return PmdStreamConfig{static_cast<double>(c.acc_rate_hz), static_cast<std::uint8_t>(c.acc_resolution), 3, factor};
}
} // namespace

PolarPmd::PolarPmd(PmdSequenceConfig config, double pmd_reset_after_s)
    : sequence_(config), batch_(5.0, pmd_reset_after_s) {
  decoder_.configure(PmdType::ecg, ecg_stream(config));
  decoder_.configure(PmdType::acc, acc_stream(config));
}

void PolarPmd::reset() noexcept {
  sequence_.reset();
  decoder_.reset();
  batch_.reset();
}

PolarPmd::Step PolarPmd::on_control(std::span<const std::uint8_t> value) noexcept {
  const Step step = sequence_.on_control(value);
  if (step.event == Step::Event::started && step.type == PmdType::acc && step.factor != 1.0f)
    decoder_.configure(PmdType::acc, acc_stream(sequence_.config(), step.factor));
  return step;
}

bool PolarPmd::on_data(std::span<const std::uint8_t> value, double now_s, SampleSink& sink) noexcept {
  batch_.begin(now_s, sink);
  const bool ok = decoder_.decode(value, now_s, batch_) != 0;
  batch_.flush(); // one notification = one batch, anchored on its newest device time
  return ok;
}

std::string_view PolarPmd::describe(Step const& step, std::span<char> buf) const noexcept {
  int n = 0;
  switch (step.event) {
  case Step::Event::stopped_by_sensor: return "strap stopped its ECG/ACC stream";
  case Step::Event::refused: {
    const std::string_view why = pmd_status_text(step.status);
    n = std::snprintf(buf.data(), buf.size(), "Polar %s refused: %.*s", step.type == PmdType::ecg ? "ECG" : "ACC",
                      static_cast<int>(why.size()), why.data());
    return {buf.data(), static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(buf.size()) - 1))};
  }
  case Step::Event::started:
    if (step.next) return {}; // ACC follows: said when it answers
    return sequence_.started(PmdType::acc) ? "streaming heart rate, Polar ECG and ACC"
                                           : "streaming heart rate and Polar ECG";
  case Step::Event::none:
  case Step::Event::malformed: return {};
  }
  return {};
}

} // namespace pneuma::drivers
