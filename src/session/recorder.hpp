#pragma once
// The recorder thread: takes the pipeline's copy of every device sample (an SPSC queue the DSP
// thread fills and never waits on) plus markers, and writes them with a RecordWriter. It reads the
// pacer through its SeqLock. Disk trouble stops the recording, never the session: the error is
// kept for the end of the session.

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "live/pipeline.hpp"
#include "record/record_writer.hpp"

namespace pneuma::app {

class Recorder {
public:
  /// Opens the journal (throws std::runtime_error when the path is not writable). The pipeline
  /// must have been built with `PipelineConfig::tap_samples`.
  Recorder(RecorderConfig config, Pipeline& pipeline);
  ~Recorder();
  Recorder(Recorder const&) = delete;
  Recorder& operator=(Recorder const&) = delete;

  void start();
  /// After the pipeline stopped: drains what is left, adds `events` (session time, text), writes
  /// up to `end_s`, closes the file.
  RecordResult stop(double end_s, std::vector<std::pair<double, std::string>> const& events = {});
  /// Disk trouble so far (empty: fine). Any thread.
  [[nodiscard]] bool failed() const noexcept { return failed_.load(); }

private:
  void loop(std::stop_token stop);
  void drain();

  Pipeline& pipeline_;
  RecordWriter writer_;
  std::jthread thread_;
  std::atomic<bool> failed_{false};
  double data_time_s_ = 0;
  bool stopped_ = false;
};

} // namespace pneuma::app
