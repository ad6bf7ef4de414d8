#pragma once
// A session's life outside the real-time path: the store row (status "recording" while it runs),
// the EDF+ recording (Recorder thread), and at the end the summary numbers computed from the
// recording read back, stored with the row. Also the start-up recovery of sessions a crash left
// behind (their recordings repaired, their rows completed as "interrupted").

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "live/pipeline.hpp"
#include "session/recorder.hpp"
#include "store/store.hpp"
#include "pneuma/drivers/files/signal_file.hpp"
#include "pneuma/drivers/source_spec.hpp"

namespace pneuma::app {

struct SessionSetup {
  std::string kind = "run";           ///< run | assess | microbreak
  std::string profile = Store::kDefaultProfile;
  std::optional<std::filesystem::path> record_path; ///< --record FILE (else into the store)
  bool record = true;
  std::string source_text;
  double planned_minutes = 0;
  std::optional<Rating> before;
  std::optional<std::int64_t> plan_id;
  std::string note;                   ///< EDF+ "recording additional"
  std::vector<std::pair<double, PacerTimeline>> pacer_schedule; ///< see RecorderConfig
  bool force = false;                 ///< --force: an existing --record file may be replaced
  std::vector<std::filesystem::path> inputs; ///< files the session reads (replay): never a target
};

/// Throws std::invalid_argument (one line) unless `path` can be a new recording: not a directory
/// or a device, not one of `inputs`, no journal beside it (a live or interrupted recording), an
/// existing file only with `force`, in a writable folder. Touches nothing.
void check_record_target(std::filesystem::path const& path, bool force,
                         std::vector<std::filesystem::path> const& inputs);

struct SessionOutcome {
  std::optional<std::int64_t> session_id;
  std::optional<RecordResult> record;
  SessionMetrics metrics;
  std::vector<std::string> messages;  ///< one line each, for stderr
};

class RecordedSession {
public:
  /// `store` may be null (no indexing). Creates the recording's journal first (throws
  /// std::runtime_error when it cannot be written), then the store row.
  /// `strap_wait_s`: RecorderConfig::strap_wait_s (a source that can stream a strap's ECG and ACC).
  RecordedSession(SessionSetup setup, Store* store, Pipeline& pipeline, double belt_hz, double strap_wait_s = 0);
  ~RecordedSession();
  RecordedSession(RecordedSession const&) = delete;
  RecordedSession& operator=(RecordedSession const&) = delete;

  void start();
  /// A marker known only at the end (the window keeps its own): goes into the recording.
  void add_marker(double t_s, std::string const& note);
  /// A self-rating given in the window ("before" | "after").
  void set_rating(std::string const& moment, Rating const& rating);
  /// After the pipeline stopped. end_s < 0: as far as data came.
  SessionOutcome finish(double end_s, bool completed);
  [[nodiscard]] std::optional<std::int64_t> id() const noexcept { return id_; }
  [[nodiscard]] std::optional<std::filesystem::path> recording() const { return path_; }

private:
  SessionSetup setup_;
  Store* store_;
  Pipeline& pipeline_;
  std::unique_ptr<Recorder> recorder_;
  std::optional<std::filesystem::path> path_;
  std::optional<std::int64_t> id_;
  std::vector<std::pair<double, std::string>> late_markers_;
  bool finished_ = false;
};

/// A file name for a new recording in the store: recordings/YYYYMMDD-HHMMSS-<kind>[-N].edf,
/// reserved (created empty, atomically) so concurrent sessions never share one.
std::filesystem::path new_recording_path(Store const& store, std::string const& kind);

} // namespace pneuma::app
