#include "session/record_session.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

#include "analysis/record_analysis.hpp"
#include "session/recordings.hpp"

namespace pneuma::app {
std::filesystem::path new_recording_path(Store const& store, std::string const& kind) {
  const std::time_t now = std::time(nullptr);
  std::tm t{};
  localtime_r(&now, &t);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &t);
  // Reserve the name by creating the file (O_EXCL: atomic), so two sessions started in the same
  // second never pick the same one; a name whose journal is left from a crash is not reused.
  for (int i = 1;; ++i) {
    const std::string suffix = i == 1 ? "" : "-" + std::to_string(i);
    auto path = store.recordings_dir() / (std::string(stamp) + "-" + kind + suffix + ".edf");
    if (std::filesystem::exists(journal_path(path))) continue;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::close(fd);
      return path;
    }
    if (errno != EEXIST) return path; // unwritable: the recorder says why
  }
}

void check_record_target(std::filesystem::path const& path, bool force,
                         std::vector<std::filesystem::path> const& inputs) {
  const std::string name = path.string();
  std::error_code ec;
  if (path.empty()) throw std::invalid_argument("--record: give a file name");
  if (std::filesystem::exists(journal_path(path), ec))
    throw std::invalid_argument("--record " + name + ": " + journal_path(path).string() +
                                " is there: that recording is being written or was interrupted "
                                "(pneuma repair " + name + "); choose another file");
  const auto status = std::filesystem::status(path, ec);
  if (std::filesystem::exists(status)) {
    if (std::filesystem::is_directory(status))
      throw std::invalid_argument("--record " + name + ": is a directory; give a file name like " +
                                  (path / "session.edf").string());
    if (!std::filesystem::is_regular_file(status))
      throw std::invalid_argument("--record " + name + ": is not a regular file");
    for (auto const& in : inputs)
      if (std::filesystem::equivalent(path, in, ec))
        throw std::invalid_argument("--record " + name + ": is this session's replay source; choose another file");
    if (!force) throw std::invalid_argument("--record " + name + ": exists; give --force to replace it");
  } else {
    const auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    if (!std::filesystem::is_directory(dir, ec))
      throw std::invalid_argument("--record " + name + ": the folder " + dir.string() + " does not exist");
    if (::access(dir.c_str(), W_OK) != 0)
      throw std::invalid_argument("--record " + name + ": the folder " + dir.string() + " is not writable");
  }
}

RecordedSession::RecordedSession(SessionSetup setup, Store* store, Pipeline& pipeline,
                                 double belt_hz, double strap_wait_s)
    : setup_(std::move(setup)), store_(store), pipeline_(pipeline) {
  if (setup_.record && setup_.record_path)
    check_record_target(*setup_.record_path, setup_.force, setup_.inputs);
  std::optional<Profile> profile;
  // The default profile is the home user's; any other name is a clinician's patient.
  if (store_ != nullptr)
    profile = store_->ensure_profile(setup_.profile, setup_.profile == Store::kDefaultProfile ? "home" : "patient");
  if (setup_.record) {
    path_ = setup_.record_path ? *setup_.record_path
                               : (store_ ? new_recording_path(*store_, setup_.kind)
                                         : std::filesystem::path("pneuma-session.edf"));
    RecorderConfig rc;
    rc.path = *path_;
    rc.belt_hz = belt_hz;
    rc.strap_wait_s = strap_wait_s;
    rc.header.patient_code = setup_.profile;
    rc.header.patient_name = setup_.profile;
    rc.header.equipment = "pneuma 0.1.0";
    rc.header.note = setup_.note;
    rc.pacer_schedule = setup_.pacer_schedule;
    try {
      recorder_ = std::make_unique<Recorder>(rc, pipeline_);
    } catch (...) {
      std::error_code ec; // a name reserved for nothing goes again (it is still empty)
      if (!setup_.record_path && std::filesystem::file_size(*path_, ec) == 0 && !ec)
        std::filesystem::remove(*path_, ec);
      throw;
    }
  }
  if (store_ != nullptr) {
    SessionRow row;
    row.profile_id = profile->id;
    row.kind = setup_.kind;
    row.recording = path_ ? std::filesystem::absolute(*path_).string() : std::string();
    row.source = setup_.source_text;
    const auto pacer = pipeline_.pacer().load().settings();
    row.pacer_bpm = pacer.rate_bpm;
    char ie[32];
    std::snprintf(ie, sizeof ie, "%g:%g", pacer.inhale_parts, pacer.exhale_parts);
    row.ie = ie;
    row.planned_minutes = setup_.planned_minutes;
    row.plan_id = setup_.plan_id;
    id_ = store_->begin_session(row);
    if (setup_.before) store_->set_rating(*id_, "before", *setup_.before);
  }
}

RecordedSession::~RecordedSession() {
  if (!finished_) {
    try {
      finish(-1, false);
    } catch (...) { // the row stays "recording"; the next start recovers it
    }
  }
}

void RecordedSession::start() {
  if (recorder_) recorder_->start();
}

void RecordedSession::add_marker(double t_s, std::string const& note) { late_markers_.emplace_back(t_s, note); }

void RecordedSession::set_rating(std::string const& moment, Rating const& rating) {
  if (store_ != nullptr && id_) store_->set_rating(*id_, moment, rating);
}

SessionOutcome RecordedSession::finish(double end_s, bool completed) {
  SessionOutcome out;
  out.session_id = id_;
  if (finished_) return out;
  finished_ = true;
  double duration = end_s > 0 ? end_s : 0;
  std::string status = completed ? "complete" : "interrupted";
  if (recorder_) {
    std::vector<std::pair<double, std::string>> events;
    for (auto const& [t, note] : late_markers_) events.emplace_back(t, "Marker: " + note);
    // How the session ended, in the recording itself: a store busy right now cannot make a
    // completed session look interrupted later (recover_interrupted_sessions reads this).
    // (10 ms before the end: an annotation at the very end is outside the data for MNE.)
    if (completed && end_s > 0) events.emplace_back(std::max(0.0, end_s - 0.01), kSessionCompleteText);
    const RecordResult r = recorder_->stop(end_s > 0 ? end_s : -1, events);
    out.record = r;
    duration = r.seconds;
    if (r.empty && !completed) { // it never started (the source failed): leave nothing behind
      std::error_code ec;
      std::filesystem::remove(r.path, ec);
      if (store_ != nullptr && id_) {
        try {
          store_->discard_session(*id_);
        } catch (std::exception const&) { // busy: recovery finds its recording gone, marks it failed
        }
      }
      out.session_id.reset();
      out.record.reset();
      return out;
    }
    if (!r.ok) {
      status = "failed";
      out.messages.push_back("recording stopped: " + r.error + " (" +
                             std::to_string(static_cast<long>(r.seconds)) + " s kept in " +
                             r.path.string() + ")");
    }
    try {
      out.metrics = summarize_recording(load_recording(r.path, &out.messages));
    } catch (std::exception const& e) {
      out.messages.push_back(std::string("cannot summarise the session: ") + e.what());
    }
  }
  if (store_ != nullptr && id_) {
    try {
      store_->finish_session(*id_, status, duration, out.metrics);
    } catch (StoreError const& e) {
      out.messages.push_back(std::string("the session store could not be updated (") + e.what() +
                             "); session " + std::to_string(*id_) + " is completed from its recording at the next start");
    }
  }
  return out;
}


} // namespace pneuma::app
