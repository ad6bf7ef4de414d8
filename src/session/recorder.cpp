#include "session/recorder.hpp"

#include "record/record_repair.hpp"

#include <chrono>
#include <stdexcept>

namespace pneuma::app {

Recorder::Recorder(RecorderConfig config, Pipeline& pipeline)
    : pipeline_(pipeline), writer_(std::move(config)) {
  if (pipeline_.tap() == nullptr)
    throw std::logic_error("Recorder needs a pipeline built with tap_samples");
}

Recorder::~Recorder() {
  if (!stopped_) stop(data_time_s_);
}

void Recorder::start() {
  thread_ = std::jthread([this](std::stop_token stop) { loop(std::move(stop)); });
}

void Recorder::drain() {
  pipeline_.tap()->drain([this](drivers::DeviceSample const& s) {
    data_time_s_ = std::max(data_time_s_, drivers::time_of(s));
    writer_.add(s);
  });
  Marker m;
  while (pipeline_.markers().try_pop(m)) writer_.add_event(m.t_s, -1, m.text.data());
  writer_.set_pacer(pipeline_.pacer().load());
  writer_.advance(data_time_s_);
  if (writer_.failed()) failed_.store(true);
}

void Recorder::loop(std::stop_token stop) {
  try {
    const auto tick = pipeline_.clock().speed() > 20 ? std::chrono::milliseconds(2)
                                                     : std::chrono::milliseconds(20);
    while (!stop.stop_requested()) {
      drain();
      std::this_thread::sleep_for(tick);
    }
  } catch (std::exception const&) {
    failed_.store(true); // the writer's result carries the reason
  }
}

RecordResult Recorder::stop(double end_s, std::vector<std::pair<double, std::string>> const& events) {
  if (stopped_) return writer_.result();
  stopped_ = true;
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
  drain();
  for (auto const& [t, text] : events) writer_.add_event(t, -1, text);
  RecordResult result = writer_.finish(end_s);
  if (!result.ok) {
    // Keep what was written: fix the header count, put the journal's annotations in.
    try {
      const auto report = repair_recording(result.path, RepairOptions{.keep_original = false}); // its own file
      result.seconds = static_cast<double>(report.records) * 1.0;
      if (!report.message.empty()) result.error += "; " + report.message;
    } catch (std::exception const& e) {
      result.error += std::string("; ") + e.what();
    }
  }
  return result;
}

} // namespace pneuma::app
