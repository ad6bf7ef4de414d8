#pragma once
// The live session's threads (design.md §2):
//   io thread:  devices -> SPSC queue                 (sole producer, never blocks)
//   dsp thread: queue -> LiveAnalyzer -> Mailbox<Metrics> (latest value, for the UI)
//                                      -> SPSC queue of per-second Snapshots (log, headless, recorder)
//   caller:     reads the mailbox / snapshots; owns the pacer and publishes it through a SeqLock.
// Stop order: devices, io thread, dsp thread. An exception escaping a handler on the io thread
// becomes a fatal DeviceStatus (state error, "fatal: ..."), which the user sees like any other.

#include <array>
#include <atomic>
#include <memory>
#include <string_view>
#include <thread>
#include <vector>

#include "live/live_analyzer.hpp"
#include "live/mailbox.hpp"
#include "live/metrics.hpp"
#include "pacer/pacer_timeline.hpp"
#include "live/seqlock.hpp"
#include "live/spsc_queue.hpp"
#include "pneuma/drivers/clock.hpp"
#include "pneuma/drivers/device.hpp"
#include "pneuma/drivers/io_thread.hpp"
#include "pneuma/drivers/source_spec.hpp"

namespace pneuma::app {

struct PipelineConfig {
  std::vector<drivers::SourceSpec> sources;
  PacerSettings pacer{};
  std::size_t queue_capacity = 1 << 16;
  bool tap_samples = false; ///< keep a copy of every sample for the recorder (tap())
};

/// A user's marker for the recording ("headache", "phone rang").
struct Marker {
  double t_s = 0;
  std::array<char, 41> text{};
};

class Pipeline : private drivers::SampleSink {
public:
  /// Builds the devices (throws std::invalid_argument on a bad source) but starts nothing.
  Pipeline(PipelineConfig config, drivers::Clock const& clock);
  ~Pipeline() override;
  Pipeline(Pipeline const&) = delete;
  Pipeline& operator=(Pipeline const&) = delete;

  /// Adds a device built elsewhere (on executor()); before start() only. Throws std::logic_error.
  void add_device(std::unique_ptr<drivers::Device> device);
  /// The io thread's executor, for devices given to add_device().
  [[nodiscard]] boost::asio::any_io_executor executor() noexcept { return io_.executor(); }
  void start();
  void stop() noexcept;
  /// Exceptions that escaped a handler on the io thread (each also sent as a fatal DeviceStatus).
  [[nodiscard]] std::uint64_t io_errors() const noexcept { return io_errors_.load(std::memory_order_relaxed); }

  /// Latest metrics (UI thread: the one reader).
  Mailbox<Metrics>& metrics() noexcept { return metrics_; }
  /// One snapshot per second of session time (one consumer thread).
  SpscQueue<Snapshot>& snapshots() noexcept { return snapshots_; }
  /// The pacer: written by the UI thread only, read by anyone.
  SeqLock<PacerTimeline>& pacer() noexcept { return pacer_; }
  [[nodiscard]] drivers::Clock const& clock() const noexcept { return clock_; }
  [[nodiscard]] std::uint64_t queue_drops() const noexcept { return samples_.dropped(); }
  /// Every sample the DSP thread took, in order (producer: dsp thread; consumer: the recorder).
  /// Null unless PipelineConfig::tap_samples.
  SpscQueue<drivers::DeviceSample>* tap() noexcept { return tap_.get(); }
  /// Adds a marker at the current session time (producer: the UI thread only). Never blocks.
  bool mark(std::string_view text) noexcept;
  /// Markers for the recorder (consumer: the recorder thread).
  SpscQueue<Marker>& markers() noexcept { return markers_; }

private:
  void on_sample(drivers::DeviceSample const& sample) noexcept override;
  /// IoThread's error handler: an exception escaped a handler (io thread).
  void on_io_error(std::string const& what) noexcept;
  void dsp_loop(std::stop_token stop) noexcept;

  PipelineConfig config_;
  drivers::Clock const& clock_;
  SeqLock<PacerTimeline> pacer_;
  drivers::IoThread io_;
  std::vector<std::unique_ptr<drivers::Device>> devices_;
  SpscQueue<drivers::DeviceSample> samples_;
  SpscQueue<Snapshot> snapshots_;
  std::unique_ptr<SpscQueue<drivers::DeviceSample>> tap_;
  SpscQueue<Marker> markers_{256};
  Mailbox<Metrics> metrics_;
  LiveAnalyzer analyzer_;
  std::jthread dsp_thread_;
  std::array<char, 120> io_error_text_{};
  std::atomic<std::uint64_t> io_errors_{0};
  bool started_ = false;
};

} // namespace pneuma::app
