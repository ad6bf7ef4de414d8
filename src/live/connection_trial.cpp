#include "live/connection_trial.hpp"

#include <chrono>
#include <cmath>

#include "live/pipeline.hpp"
#include "pneuma/drivers/clock.hpp"

namespace pneuma::app {
namespace {
double steady_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
} // namespace

bool ConnectionTrial::hopeless(std::string_view m) noexcept {
  for (std::string_view what : {"not running", "no Bluetooth adapter", "powered off", "ermission denied",
                                "No such file", "no system D-Bus"})
    if (m.find(what) != std::string_view::npos) return true;
  return false;
}

ConnectionTrial::ConnectionTrial(drivers::SourceSpec spec, bool heart, TrialLimits limits)
    : spec_(std::move(spec)), heart_(heart), limits_(limits), begun_s_(steady_s()) {
  worker_ = std::jthread([this](std::stop_token stop) { run(std::move(stop)); });
}

ConnectionTrial::~ConnectionTrial() {
  decided_.store(true);
  worker_.request_stop(); // joined by the jthread: the owner waits for finished() first
}

void ConnectionTrial::run(std::stop_token stop) {
  drivers::SessionClock clock;
  try {
    PipelineConfig config;
    config.sources.push_back(spec_);
    pipeline_ = std::make_unique<Pipeline>(config, clock);
    pipeline_->start();
    started_.store(true);
  } catch (std::exception const& e) {
    start_error_ = e.what();
    start_failed_.store(true);
  }
  // Wait until the UI has decided (or gives up), then close the device on this thread.
  while (!decided_.load() && !stop.stop_requested() && !start_failed_.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (pipeline_) pipeline_->stop();
  pipeline_.reset();
  finished_.store(true);
}

TrialState const& ConnectionTrial::poll() {
  if (state_.phase != TrialState::Phase::connecting) return state_;
  const double now = steady_s() - begun_s_;
  state_.elapsed_s = now;
  if (start_failed_.load()) {
    state_.phase = TrialState::Phase::failed;
    state_.failure = start_error_;
    decided_.store(true);
    return state_;
  }
  if (!started_.load()) return state_;
  pipeline_->metrics().read(metrics_);
  state_.status = metrics_.status;
  state_.hr_bpm = metrics_.hr_bpm;
  state_.battery_pct = metrics_.battery_pct;
  using S = drivers::DeviceStatus::State;
  const bool streaming = metrics_.status.state == S::streaming;
  if (streaming && streaming_since_s_ < 0) streaming_since_s_ = now;
  const bool data = heart_ ? std::isfinite(metrics_.hr_bpm) : metrics_.samples > 0;
  auto fail = [&](std::string why) {
    state_.phase = TrialState::Phase::failed;
    state_.failure = std::move(why);
    decided_.store(true);
  };
  const std::string_view message = metrics_.status.message();
  if (streaming && data) {
    state_.phase = TrialState::Phase::ready;
    decided_.store(true);
  } else if (metrics_.status.state == S::ended) {
    fail(message.empty() ? "the source ended" : std::string(message));
  } else if (!streaming && hopeless(message) && now >= limits_.fatal_after_s) {
    fail(std::string(message));
  } else if (streaming && now - streaming_since_s_ >= limits_.data_s) {
    state_.streaming_without_data = true;
    fail(heart_ ? "connected, but no heart beats arrive" : "connected, but no samples arrive");
  } else if (!streaming && now >= limits_.connect_s) {
    fail(message.empty() ? "no answer" : std::string(message));
  }
  return state_;
}

} // namespace pneuma::app
