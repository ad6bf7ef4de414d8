#pragma once
// Headless sessions: the same pipeline with no window; one JSON object per line for each second of
// session time: {"t_s","phase","pacer_bpm","breathing_bpm","breathing_source"[,"breathing_doubt"],
// "hr_bpm"[,"beats_optical"],"quality","rmssd_ms","coherence","rsa_bpm"} (null = not known yet, or
// computed from poor beats; breathing_doubt only when the heart rhythm's breathing rate is
// withheld; beats_optical (true) only when the beats are an optical sensor's pulse intervals,
// Polar PPI), plus "stage" ("baseline", "training") when a session's flow drives the loop.

#include <atomic>
#include <iosfwd>
#include <string>
#include <string_view>

#include "pacer/pacer_timeline.hpp"
#include "live/pipeline.hpp"

namespace pneuma::app {

/// The JSON line for one snapshot (no newline); `stage` is added when not empty.
std::string snapshot_json(Snapshot const& s, PacerFrame const& pacer, std::string_view stage = {});

/// What drives a headless session second by second (the session's flow: baseline, training,
/// glide). Called on the main thread only.
class HeadlessDriver {
public:
  virtual ~HeadlessDriver() = default;
  /// Second `s` of session time, with the latest metrics; returns true when the session is over
  /// (that second's line is still printed).
  virtual bool second(Snapshot const& s, Metrics const& latest) = 0;
  /// The stage word for the line just taken ("baseline", "training"; empty: none).
  [[nodiscard]] virtual std::string_view stage() const noexcept = 0;
  /// True once after the driver changed the pacer (the loop then publishes it to the pipeline).
  virtual bool take_pacer_changed(PacerTimeline& timeline) noexcept = 0;
};

/// Runs until the driver says the session is over or `interrupted` becomes true.
/// A device error (a fatal status, e.g. an exception that escaped the io loop) is told on `err`,
/// one line each, as the window shows it in its status line.
void run_headless(Pipeline& pipeline, HeadlessDriver& driver, std::ostream& out,
                  std::atomic<bool> const& interrupted, std::ostream& err);

/// Runs until `minutes` of session time have been printed or `interrupted` becomes true (the
/// pacer as the pipeline holds it; no flow).
void run_headless(Pipeline& pipeline, double minutes, std::ostream& out,
                  std::atomic<bool> const& interrupted, std::ostream& err);

} // namespace pneuma::app
