#include "app/record_session.hpp"

#include <cmath>
#include <ctime>

#include "app/record_analysis.hpp"
#include "app/record_repair.hpp"

namespace pneuma::app {
namespace {

std::optional<double> finite(std::optional<double> v) {
  if (v && std::isfinite(*v)) return v;
  return std::nullopt;
}

} // namespace

std::filesystem::path new_recording_path(Store const& store, std::string const& kind) {
  const std::time_t now = std::time(nullptr);
  std::tm t{};
  localtime_r(&now, &t);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &t);
  auto path = store.recordings_dir() / (std::string(stamp) + "-" + kind + ".edf");
  for (int i = 2; std::filesystem::exists(path) || std::filesystem::exists(journal_path(path)); ++i)
    path = store.recordings_dir() / (std::string(stamp) + "-" + kind + "-" + std::to_string(i) + ".edf");
  return path;
}

RecordedSession::RecordedSession(SessionSetup setup, Store* store, Pipeline& pipeline,
                                 double belt_hz)
    : setup_(std::move(setup)), store_(store), pipeline_(pipeline) {
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
    rc.header.patient_code = setup_.profile;
    rc.header.patient_name = setup_.profile;
    rc.header.equipment = "pneuma 0.1.0";
    rc.header.note = setup_.note;
    rc.pacer_schedule = setup_.pacer_schedule;
    recorder_ = std::make_unique<Recorder>(rc, pipeline_);
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
    const RecordResult r = recorder_->stop(end_s > 0 ? end_s : -1, events);
    out.record = r;
    duration = r.seconds;
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
  if (store_ != nullptr && id_) store_->finish_session(*id_, status, duration, out.metrics);
  return out;
}

drivers::files::Recording load_recording(std::filesystem::path const& path,
                                         std::vector<std::string>* messages) {
  if (std::filesystem::exists(journal_path(path)) || std::filesystem::exists(path)) {
    const auto state = recording_state(path);
    if (state == RecordingState::in_use)
      throw std::runtime_error(path.string() + " is still being recorded");
    if (state == RecordingState::interrupted) {
      const auto report = repair_recording(path);
      if (messages != nullptr && !report.message.empty()) messages->push_back(report.message);
    }
  }
  return drivers::files::read_edf(path);
}

SessionMetrics summarize_recording(drivers::files::Recording const& rec) {
  SessionMetrics m;
  const BeatSeries beats = beats_from_annotations(rec);
  m.beats = static_cast<std::int64_t>(beats.t_s.size());
  const double end = rec.duration_s;
  const auto spans = pacer_spans(rec);
  const double pace = spans.empty() ? 0 : spans.front().rate_bpm;
  const WindowStats all = analyze_window(rec, beats, 0, end, pace);
  m.mean_hr_bpm = finite(all.mean_hr_bpm);
  m.rmssd_ms = finite(all.rmssd_ms);
  m.sdnn_ms = finite(all.sdnn_ms);
  m.lf_ms2 = finite(all.lf_ms2);
  m.coherence = finite(all.coherence);
  m.breathing_bpm = finite(all.breathing_bpm);
  m.rsa_p2t_bpm = finite(all.p2t_bpm);
  if (all.beats > 0) m.artifact_pct = all.artifact_pct;
  const double edge = std::min(120.0, end / 2);
  if (edge >= 30) {
    const WindowStats first = analyze_window(rec, beats, 0, edge);
    const WindowStats last = analyze_window(rec, beats, end - edge, end);
    m.hr_first_bpm = finite(first.mean_hr_bpm);
    m.rmssd_first_ms = finite(first.rmssd_ms);
    m.hr_last_bpm = finite(last.mean_hr_bpm);
    m.rmssd_last_ms = finite(last.rmssd_ms);
  }
  // Compliance: share of whole minutes (after the first) whose measured breathing rate is within
  // 0.5 breaths/min of the pacer then.
  int minutes = 0, followed = 0;
  for (double t = 60; t + 60 <= end + 1e-9; t += 60) {
    double rate = 0;
    for (auto const& s : spans)
      if (s.t0 <= t + 30) rate = s.rate_bpm;
    if (rate <= 0) continue;
    const WindowStats w = analyze_window(rec, beats, t - 30, t + 60);
    ++minutes;
    if (w.breathing_bpm && std::abs(*w.breathing_bpm - rate) <= 0.5) ++followed;
  }
  if (minutes > 0) m.compliance_pct = 100.0 * followed / minutes;
  return m;
}

std::vector<std::string> recover_interrupted_sessions(Store& store) {
  std::vector<std::string> messages;
  for (auto const& s : store.sessions_with_status("recording")) {
    if (s.recording.empty()) continue;
    const std::filesystem::path path = s.recording;
    try {
      if (!std::filesystem::exists(path) && !std::filesystem::exists(journal_path(path))) {
        store.set_status(s.id, "failed");
        continue;
      }
      if (std::filesystem::exists(journal_path(path)) &&
          recording_state(path) == RecordingState::in_use)
        continue; // another pneuma is recording it right now
      std::vector<std::string> notes;
      if (!std::filesystem::exists(path)) { // died before the first second was written
        repair_recording(path);
        store.finish_session(s.id, "interrupted", 0, {});
        continue;
      }
      const auto rec = load_recording(path, &notes);
      store.finish_session(s.id, "interrupted", rec.duration_s, summarize_recording(rec));
      for (auto& n : notes) messages.push_back("session " + std::to_string(s.id) + ": " + n);
    } catch (std::exception const& e) {
      messages.push_back("session " + std::to_string(s.id) + ": " + e.what());
    }
  }
  return messages;
}

} // namespace pneuma::app
