#pragma once
// The `replay:FILE[?speed=N&fs=HZ&resp=COL&ecg=COL]` source: a recording played through the same
// pipeline as a live device, paced by the session clock (so `--speed K`, and `speed=N`, which the
// CLI folds into the session clock, run it faster). Sample times are the file's times.
//
// What is played, by file kind (drivers/files readers):
// * EDF/EDF+/BDF: a respiration signal (label "Resp..." as Pneuma records it, or one naming
//   resp/rsp/thor/abdo/belt/ip), ECG ("ECG..." or a lead name: II, MLII, V5; mV or V scaled to uV),
//   "ACC X/Y/Z" (mg), and beats from "R" (or "beat") annotations as RR intervals at the beat times.
// * CSV with a header: columns by name (resp/rsp/ip/belt/respiration, ecg/ii/mlii, rr_ms/rr/ibi...)
//   or as named by `resp=` / `ecg=`; the rate from a time column or `fs=`.
// * Kubios RR text: the intervals, beat times their cumulative sum.
// At the end a DeviceStatus "ended" is sent. Bad files: std::runtime_error with one line, before
// streaming starts.

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pneuma/drivers/clock.hpp"
#include "pneuma/drivers/device.hpp"
#include "pneuma/drivers/source_spec.hpp"
#include "pneuma/drivers/timer_loop.hpp"

namespace pneuma::drivers {

/// A file's content as streams (compact: values plus a rate, beats as times and ticks).
struct ReplayContent {
  struct Stream {
    double fs = 0;
    std::vector<float> values;
    [[nodiscard]] double duration_s() const { return fs > 0 ? static_cast<double>(values.size()) / fs : 0; }
  };
  Stream resp, ecg, acc_x, acc_y, acc_z;
  std::vector<double> beat_s;           ///< beat times (each ends the interval in beat_ticks)
  std::vector<std::uint16_t> beat_ticks; ///< RR in 1/1024 s
  std::string description;              ///< "EDF+: Resp belt 50 Hz, 132 beats" ...
  [[nodiscard]] double duration_s() const;

  /// Loads `spec.target`; options fs, resp, ecg as above. Throws std::runtime_error (bad file)
  /// or std::invalid_argument (bad option).
  static ReplayContent load(SourceSpec const& spec);
};

/// Emits the samples of a ReplayContent in time order, up to a time (pure: no clock, no I/O).
class ReplayCursor {
public:
  explicit ReplayCursor(ReplayContent const& content) : content_(content) {}
  /// Emits everything with t <= t_s (at most max_samples); returns how many.
  int advance_to(double t_s, SampleSink& sink, int max_samples = 1 << 20);
  [[nodiscard]] bool done() const noexcept;

private:
  ReplayContent const& content_;
  std::size_t resp_ = 0, ecg_ = 0, acc_ = 0, beat_ = 0;
};

class ReplayDevice final : public Device {
public:
  /// Loads the file (throws, see ReplayContent::load).
  ReplayDevice(boost::asio::any_io_executor executor, Clock const& clock, SourceSpec const& spec);
  /// Plays content already loaded (the app loads a file once for its length, rate and playback).
  ReplayDevice(boost::asio::any_io_executor executor, Clock const& clock,
               std::shared_ptr<const ReplayContent> content);
  ~ReplayDevice() override;
  void start(SampleSink& sink) override;
  void stop() noexcept override;
  [[nodiscard]] std::string_view name() const noexcept override { return "replay"; }
  [[nodiscard]] ReplayContent const& content() const noexcept { return *content_; }

private:
  TimerLoop loop_;
  std::shared_ptr<const ReplayContent> content_;
  ReplayCursor cursor_;
  bool ended_ = false;
};

} // namespace pneuma::drivers
