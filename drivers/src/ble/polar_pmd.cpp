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
  auto text = [&](int n) {
    return std::string_view{buf.data(), static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(buf.size()) - 1))};
  };
  const bool ecg = sequence_.started(PmdType::ecg), acc = sequence_.started(PmdType::acc);
  const bool ppi = sequence_.started(PmdType::ppi);
  // The summary once the sequence has nothing more to ask: what streams now.
  auto summary = [&]() -> std::string_view {
    if (!ecg && !acc && !ppi) return {};
    // Optical beats come after the sensor's PPI algorithm locks on (about 25 s; Polar's SDK docs).
    const char* beats = "optical beats (PPI; first in ~25 s)";
    const char* const parts[3] = {ecg ? "ECG" : nullptr, acc ? "ACC" : nullptr, ppi ? beats : nullptr};
    const char* named[3] = {};
    int count = 0;
    for (const char* p : parts)
      if (p != nullptr) named[count++] = p;
    if (count == 1) return text(std::snprintf(buf.data(), buf.size(), "streaming heart rate and Polar %s", named[0]));
    if (count == 2)
      return text(std::snprintf(buf.data(), buf.size(), "streaming heart rate, Polar %s and %s", named[0], named[1]));
    return text(std::snprintf(buf.data(), buf.size(), "streaming heart rate, Polar %s, %s and %s", named[0], named[1],
                              named[2]));
  };
  const char* name = step.type == PmdType::ecg ? "ECG" : step.type == PmdType::acc ? "ACC" : "optical beats (PPI)";
  switch (step.event) {
  case Step::Event::stopped_by_sensor:
    return text(std::snprintf(buf.data(), buf.size(), "sensor stopped its Polar %s stream", name));
  case Step::Event::refused: {
    // Refusals that cost nothing are not told as faults (the summary comes with the last answer):
    // * the sensor lacks the measurement (invalid measurement type, not supported);
    // * PPI refused while ECG streams: an H10 has no optical beats;
    // * ACC refused for its settings on the way to PPI: an optical sensor's accelerometer has
    //   other rates than the H10's 200 Hz (Verity Sense 52 Hz, OH1 50 Hz), and on an arm or a
    //   temple it would not read chest motion anyway.
    // Any other refusal (device in charger, invalid state, ...) is told.
    constexpr std::uint8_t kInvalidType = 2, kNotSupported = 3, kInvalidParameter = 5, kInvalidResolution = 7,
                           kInvalidSampleRate = 8, kInvalidRange = 9;
    const bool lacks = step.status == kInvalidType || step.status == kNotSupported;
    const bool settings = step.status == kInvalidParameter || step.status == kInvalidResolution ||
                          step.status == kInvalidSampleRate || step.status == kInvalidRange;
    const bool optical_acc = step.type == PmdType::acc && settings && sequence_.requested(PmdType::ppi);
    if (lacks || (step.type == PmdType::ppi && ecg) || optical_acc) {
      if (step.next) return {};
      if (const auto said = summary(); !said.empty()) return said;
    }
    const std::string_view why = pmd_status_text(step.status);
    return text(std::snprintf(buf.data(), buf.size(), "Polar %s refused: %.*s", name, static_cast<int>(why.size()),
                              why.data()));
  }
  case Step::Event::started:
    if (step.next) return {}; // more follows: said when the last one answers
    return summary();
  case Step::Event::unanswered: {
    // Told: a sensor that answers nothing may be busy (another app streaming) or out of reach.
    // The last one also says what streams now (as the last answer would have).
    char streams[128] = "going on without it";
    if (!step.next)
      if (const auto said = summary(); !said.empty())
        std::snprintf(streams, sizeof streams, "%.*s", static_cast<int>(said.size()), said.data());
    return text(std::snprintf(buf.data(), buf.size(), "Polar %s start not answered; %s", name,
                              step.next ? "trying the next stream" : streams));
  }
  case Step::Event::none:
  case Step::Event::malformed: return {};
  }
  return {};
}

} // namespace pneuma::drivers
