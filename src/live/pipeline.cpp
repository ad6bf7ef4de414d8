#include "live/pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "live/source_factory.hpp"

namespace pneuma::app {
namespace {
double resp_hz_of(PipelineConfig const& config) {
  for (auto const& s : config.sources)
    if (s.kind == "sim" || s.kind == "serial" || s.kind == "replay" || s.kind == "tcp" || s.kind == "udp")
      return nominal_resp_hz(s);
  return 50.0;
}
double ecg_hz_of(PipelineConfig const& config) {
  for (auto const& s : config.sources)
    if (s.kind == "sim" || s.kind == "replay") return nominal_ecg_hz(s);
  return 130.0;
}
} // namespace

Pipeline::Pipeline(PipelineConfig config, drivers::Clock const& clock)
    : config_(std::move(config)), clock_(clock), pacer_(PacerTimeline(config_.pacer)),
      io_([this](std::string const& what) { on_io_error(what); }), samples_(config_.queue_capacity), snapshots_(4096),
      analyzer_(LiveAnalyzerConfig{resp_hz_of(config_), ecg_hz_of(config_)}) {
  if (config_.sources.empty()) throw std::invalid_argument("no source given");
  if (config_.tap_samples)
    tap_ = std::make_unique<SpscQueue<drivers::DeviceSample>>(config_.queue_capacity);
  for (auto const& spec : config_.sources)
    devices_.push_back(make_device(spec, SourceContext{io_.executor(), clock_, pacer_}));
}

Pipeline::~Pipeline() { stop(); }

void Pipeline::add_device(std::unique_ptr<drivers::Device> device) {
  if (started_) throw std::logic_error("Pipeline::add_device after start()");
  devices_.push_back(std::move(device));
}

void Pipeline::on_io_error(std::string const& what) noexcept {
  // On the io thread (IoThread's guard), which is the queue's one producer: the error takes the
  // devices' own path to Metrics::status (the window), the recording and the log. The loop goes
  // on, but whatever the failed handler was doing is gone: the user must know.
  const int n = std::snprintf(io_error_text_.data(), io_error_text_.size(),
                              "fatal: %s (I/O thread; a device may have stopped)", what.c_str());
  const std::string_view text{io_error_text_.data(),
                              static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(io_error_text_.size()) - 1))};
  on_sample(drivers::DeviceStatus::make(clock_.now_s(), drivers::DeviceStatus::State::error, text));
  io_errors_.fetch_add(1, std::memory_order_relaxed);
}

void Pipeline::start() {
  if (started_) return;
  started_ = true;
  dsp_thread_ = std::jthread([this](std::stop_token stop) { dsp_loop(std::move(stop)); });
  for (auto& d : devices_) d->start(*this);
  io_.start();
}

void Pipeline::stop() noexcept {
  if (!started_) return;
  started_ = false;
  for (auto& d : devices_) d->stop();
  io_.stop();
  dsp_thread_.request_stop();
  if (dsp_thread_.joinable()) dsp_thread_.join();
}

bool Pipeline::mark(std::string_view text) noexcept {
  Marker m;
  m.t_s = clock_.now_s();
  const std::size_t n = std::min(text.size(), m.text.size() - 1);
  std::copy_n(text.data(), n, m.text.data());
  return markers_.try_push(m);
}

void Pipeline::on_sample(drivers::DeviceSample const& sample) noexcept {
  (void)samples_.try_push(sample); // full: counted by the queue, never blocks the io thread
}

void Pipeline::dsp_loop(std::stop_token stop) noexcept {
  // A silent source still gets its per-second line, after 2 s of session time or 3 s of wall
  // time, whichever is longer (a fast-forwarded source on a loaded machine can lag a little).
  const double stall_grace_s = std::max(2.0, 3.0 * clock_.speed());
  double next_snapshot_s = 1.0;
  const auto tick = clock_.speed() > 20 ? std::chrono::microseconds(500)
                                        : std::chrono::milliseconds(5);
  while (!stop.stop_requested()) {
    analyzer_.set_pacer(pacer_.load()); // a copy: the analyzer reads it without a lock
    const std::size_t n = samples_.drain([this, &next_snapshot_s](drivers::DeviceSample const& s) {
      // Emit the snapshots for whole seconds the data has passed, before this sample counts.
      while (drivers::time_of(s) >= next_snapshot_s) {
        Metrics const& m = analyzer_.metrics();
        (void)snapshots_.try_push(Snapshot::of(m, next_snapshot_s, false));
        next_snapshot_s += 1.0;
      }
      analyzer_.process(s);
      if (tap_) (void)tap_->try_push(s); // full: counted; the recording pads, the session goes on
    });
    while (clock_.now_s() >= next_snapshot_s + stall_grace_s) {
      Metrics const& m = analyzer_.metrics();
      (void)snapshots_.try_push(Snapshot::of(m, next_snapshot_s, true));
      next_snapshot_s += 1.0;
    }
    // A source that went silent: its last values expire after 5 s (two missed beats at 30/min),
    // plus half a wall second of a fast-forwarded clock (a loaded machine lags that much).
    const bool expired = analyzer_.expire(clock_.now_s(), 5.0 + 0.5 * clock_.speed());
    if (n > 0 || expired) {
      Metrics m = analyzer_.metrics();
      m.dropped += samples_.dropped();
      metrics_.publish(m);
    }
    std::this_thread::sleep_for(tick);
  }
}

} // namespace pneuma::app
