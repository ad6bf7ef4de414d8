#include "session/recordings.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/record_analysis.hpp"
#include "record/record_journal.hpp"
#include "record/record_repair.hpp"
#include "record/record_writer.hpp"

namespace pneuma::app {
namespace {

std::optional<double> finite(std::optional<double> v) {
  return v && std::isfinite(*v) ? v : std::nullopt;
}

} // namespace

drivers::files::Recording load_recording(std::filesystem::path const& path,
                                         std::vector<std::string>* messages) {
  // Reading never writes, with one exception: Pneuma's own recording that a crash left behind
  // (its journal beside it, unlocked) is repaired, the file as it was kept beside it.
  const auto journal = journal_path(path);
  std::error_code ec;
  if (std::filesystem::is_regular_file(journal, ec) && is_recording_journal(journal)) {
    const auto state = recording_state(path);
    if (state == RecordingState::in_use)
      throw std::runtime_error(path.string() + " is still being recorded");
    if (state == RecordingState::interrupted) {
      const auto report = repair_recording(path);
      if (messages != nullptr && !report.message.empty()) messages->push_back(report.message);
    }
  } else if (std::filesystem::is_regular_file(path, ec) &&
             drivers::files::detect_file_kind(path) == drivers::files::FileKind::edf) {
    if (const auto why = size_mismatch(path); !why.empty()) throw std::runtime_error(why);
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
      if (nothing_written(path)) { // died before the first second was written
        repair_recording(path);
        store.finish_session(s.id, "interrupted", 0, {});
        continue;
      }
      const auto rec = load_recording(path, &notes);
      // A session that ended normally says so in its recording; only the store update was lost.
      const bool completed = notes.empty() && std::any_of(rec.annotations.begin(), rec.annotations.end(),
                                                          [](auto const& a) { return a.text == kSessionCompleteText; });
      store.finish_session(s.id, completed ? "complete" : "interrupted", rec.duration_s, summarize_recording(rec));
      for (auto& n : notes) messages.push_back("session " + std::to_string(s.id) + ": " + n);
    } catch (std::exception const& e) {
      messages.push_back("session " + std::to_string(s.id) + ": " + e.what());
    }
  }
  return messages;
}

std::vector<std::string> repair_interrupted_replays(std::vector<drivers::SourceSpec> const& sources) {
  std::vector<std::string> messages;
  for (auto const& spec : sources) {
    if (spec.kind != "replay") continue;
    const std::filesystem::path path = spec.target;
    const auto journal = journal_path(path);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(journal, ec) || !is_recording_journal(journal)) continue;
    try { // only Pneuma's own crashed recording; any other file is replayed as it is
      if (recording_state(path) != RecordingState::interrupted) continue;
      const auto report = repair_recording(path);
      if (!report.message.empty()) messages.push_back(report.message);
    } catch (std::exception const& e) {
      messages.push_back(e.what()); // the replay reader then says why it cannot read it
    }
  }
  return messages;
}

} // namespace pneuma::app
