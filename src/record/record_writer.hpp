#pragma once
// Writes a session as EDF+ through EDFlib (design.md §6).
//
// Signals (1 s data records): "Resp belt" (au) at the belt's rate, "ECG" (uV) and "ACC X/Y/Z" (mg)
// when the source has them, "HR" (beats/min, 4 Hz: 60000 / the latest RR, held until the next
// beat; before the first beat -1, the channel's physical minimum, as its transducer field and an
// annotation "HR -1 bpm: no beat yet" at 0 s say) and "Pacer" (target lung volume, % of a
// breath, 10 Hz).
// Annotations: "R" at every beat (the beat's own time when the source knows it, a file replayed;
// otherwise the cumulative sum of the strap's RR intervals with an offset to arrival time
// estimated over the first 30 s, re-anchored after a gap in the strap's beats or when they drift
// apart by > 3 s: a notification's time, even a bridge's device clock, only bounds its beats),
// "RR gap" at the first beat after lost beats (the time back to the beat before spans them: it is
// no RR interval; beats_from_annotations drops it), pacer phase changes ("Pacer inhale" ...), pacer settings ("Pacer 6.00/min 1:1.5"), markers,
// device states ("Device lost: ..."), signal gaps ("Signal gap" at the hole's true start, with its
// length; "Signal gap (strap)"; short belt holes once a record, "Signal gaps bridged: N lost"),
// where the beats become an optical sensor's pulse intervals ("Beats: optical pulse (PPI)") and
// R-R intervals again ("Beats: R-R intervals"), and beats a crude rule flags as artifacts
// ("Artifact RR 420ms": more than 35 % from the median of the last 11 beats: missed or extra
// beats; slow breathing alone swings RR by 30 %).
//
// A hole in the belt, ECG or accelerometer is filled once, by a straight line from the last value
// before it to the first after it (never the last value held, which reads as a breath hold),
// covered by its gap annotation; while no data comes at all, records are padded after 2 s and
// "No data" / "Data again" mark where the data stopped and where the reported gap ended.
// A channel's first sample with a device time (mapped onto the session clock by BatchClock) is
// placed by it, later ones are counted: a channel that started after the session begins with
// that value (and "No data" when a second or more late), samples from before the session are
// dropped and counted (`late`), and lost frames are filled by their gap reports (PMD counts the
// samples its device time says are missing). So every channel stays on session time, in step
// with the R annotations.
//
// The channel layout (which signals, which rates) is fixed after the first `layout_after_s` of
// data (for a strap's source, once its ECG and accelerometer came too, or after `strap_wait_s`): rates are the source's nominal ones when given, otherwise measured from the samples' device
// (or arrival) times and snapped to a common rate. Physical ranges come from the data seen by then
// with a wide margin; values beyond them are clipped and counted.
//
// Crash safety: EDFlib writes the header (with -1 data records) at the first record and the
// annotations only when the file is closed. A writer that never received a signal sample or a beat
// (a session whose source failed to start) makes no file. So every record is pushed to the kernel as soon as it
// is written (fflush), the file is fdatasync'ed at most once per wall-clock second, and every
// annotation also goes to a journal beside the file (record_journal.hpp). `repair_recording()`
// (record_repair.hpp) turns what a kill or a power loss leaves into a valid EDF+ file with its
// annotations; whoever owns the writer decides when to call it (a failed finish() leaves the file
// and its journal as a crash would).
//
// Thread contract: one thread (the recorder's); not real-time (it does file I/O).

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pacer/pacer_timeline.hpp"
#include "record/record_journal.hpp"
#include "pneuma/drivers/sample.hpp"

namespace pneuma::app {

/// The annotation a session that ran to its end closes its recording with (the session's owner
/// writes it; recovery after a crash reads it).
inline constexpr char const* kSessionCompleteText = "Session complete";

struct RecordingHeader {
  std::string patient_code = "X";   ///< EDF+ patient code (the profile name)
  std::string patient_name = "X";
  std::string equipment = "pneuma";
  std::string note;                 ///< EDF+ "recording additional": what the session was
  std::chrono::system_clock::time_point start = std::chrono::system_clock::now();
};

struct RecorderConfig {
  std::filesystem::path path;
  RecordingHeader header;
  double belt_hz = 0;         ///< nominal belt rate; 0 = measure
  double layout_after_s = 2.0;
  /// A source that can stream a strap's ECG and accelerometer (BLE, a bridge): the layout waits
  /// for both up to this long after the first data (0: it does not wait for them).
  double strap_wait_s = 0;
  bool sync_to_disk = true;   ///< fdatasync at most once per wall-clock second
  /// A pacer program known in advance (assessment steps): (session time, timeline from then on).
  /// When given, the pacer is taken from it, exactly, instead of from set_pacer() polling.
  std::vector<std::pair<double, PacerTimeline>> pacer_schedule;
};

struct RecordResult {
  std::filesystem::path path;
  double seconds = 0;          ///< data written
  std::uint64_t beats = 0;
  std::uint64_t annotations = 0;
  std::uint64_t clipped = 0;   ///< samples outside the physical range
  std::uint64_t late = 0;      ///< samples from before the session (or where it was padded): dropped
  bool ok = true;
  bool empty = false;          ///< no signal or beat ever came: no file was made, the journal is gone
  std::string error;           ///< what went wrong (disk full ...), empty when ok
};

class RecordWriter {
public:
  /// Creates and locks the journal: throws std::runtime_error (one line) when the place is not
  /// writable, so a bad --record path fails before the session starts.
  explicit RecordWriter(RecorderConfig config);
  ~RecordWriter();
  RecordWriter(RecordWriter const&) = delete;
  RecordWriter& operator=(RecordWriter const&) = delete;

  void add(drivers::DeviceSample const& sample);
  /// A marker or any other event (a text over EDFlib's 40 bytes becomes several annotations at
  /// the same onset, the later ones starting with "...").
  void add_event(double onset_s, double duration_s, std::string const& text);
  /// The pacer as it is now (phase changes are found when records are written).
  void set_pacer(PacerTimeline const& pacer);
  /// Writes every record whose data is complete (or whose channels have been silent > 2 s).
  void advance(double watermark_s);
  /// Writes what is left up to `end_s` (the last record padded), closes the file, removes the
  /// journal. On failure the journal stays, for repair_recording(). Safe to call twice.
  RecordResult finish(double end_s);

  [[nodiscard]] bool failed() const noexcept { return !result_.ok; }
  [[nodiscard]] RecordResult const& result() const noexcept { return result_; }

private:
  enum class Kind { resp, ecg, acc_x, acc_y, acc_z, hr, pacer };
  struct Channel {
    Kind kind;
    std::string label, unit, transducer;
    int fs = 1;
    double phys_min = -1, phys_max = 1;
    std::deque<double> pending; ///< samples not yet written
    double last = 0;
    bool starved = false;       ///< padded because no data came
    // Holes: a reported gap is filled once, by interpolation to the first value after it (not
    // by holding the last one), minus what the stale path padded while no data came.
    long padded = 0;            ///< samples padded since the last real one
    long fill = 0;              ///< samples to interpolate before the next real one
    double last_data_s = -1;    ///< session time of the last real sample
    double resume_s = -1;       ///< where the last reported gap ended
  };
  struct Beat {
    double t_s;
    double rr_ms;
  };

  void open_file();
  void write_record();
  void write_event(double onset_s, double duration_s, std::string text);
  void sample_pacer(std::int64_t record, Channel& ch);
  void sample_hr(std::int64_t record, Channel& ch);
  void flush_to_disk();
  void fail(std::string why);
  Channel* channel(Kind kind);
  void on_rr(drivers::RrInterval const& rr);
  void on_status(drivers::DeviceStatus const& s);
  void on_gap(drivers::SignalGap const& g);
  void push_sample(Channel& c, double value, double t_s, bool timed);

  RecorderConfig config_;
  RecordResult result_;
  int handle_ = -1;
  std::unique_ptr<JournalWriter> journal_;
  int data_fd_ = -1;
  std::vector<Channel> channels_;
  bool closed_ = false;
  std::int64_t records_ = 0;
  double watermark_s_ = 0;
  std::chrono::steady_clock::time_point last_sync_{};
  // layout discovery
  std::vector<drivers::DeviceSample> early_;
  std::optional<double> first_t_;
  struct Span { // when a stream was first and last seen before the layout
    double first = NAN, last = NAN;
    void add(double t) { first = std::isnan(first) ? t : first; last = t; }
    [[nodiscard]] double span() const { return std::isnan(first) ? 0.0 : last - first; }
  } ecg_seen_, acc_seen_;
  bool any_data_ = false; ///< a signal sample or a beat came (not only device states)
  struct Event {
    double onset_s, duration_s;
    std::string text;
  };
  std::vector<Event> early_events_;
  int annotation_signals_ = 6;
  // beats
  // Beat times from RR intervals (no device clock): c = cumulative sum of RR; the strap sends each
  // beat after it happened, so the offset to arrival time, delta = max(c - arrival), converges to
  // the true offset as beats fall ever closer before a notification. The first 30 s of beats are
  // held while it settles (with ~30 notifications the estimate is late by ~1/30 of the
  // notification period, 3 deg of phase at 6/min); then it is frozen, so intervals between written
  // beats are the strap's RR exactly. Held beats are journaled at once as provisional entries, so
  // a crash in those first 30 s keeps them (at the offset known then).
  struct PendingBeat {
    double c_s, rr_ms, arrival_s;
    bool after_gap; ///< first beat after lost beats: no interval to the beat before
  };
  std::optional<double> beat_clock_; ///< c of the last beat
  double delta_s_ = 0;
  bool delta_frozen_ = false;
  double anchor_arrival_s_ = 0;
  bool beats_lost_ = false;
  bool beats_optical_ = false; ///< the latest beat was an optical sensor's (said on each change)
  // short belt holes since the last record, annotated together
  double bridged_from_s_ = 0, bridged_to_s_ = 0;
  std::uint32_t bridged_n_ = 0; ///< a gap in the strap's beats: the next one re-anchors the chain
  std::deque<PendingBeat> pending_beats_;
  void write_beat(double t_s, double rr_ms, bool after_gap = false);
  void flush_beats(double before_arrival_s);
  std::deque<Beat> recent_beats_; ///< for the HR signal and the artifact rule
  std::vector<double> last_rr_;   ///< last 11 RR for the artifact rule
  // pacer
  std::optional<PacerTimeline> pacer_;
  std::optional<PacerPhase> last_phase_;
  double prev_pacer_t_ = 0;
  double prev_phase_left_s_ = 0;
  std::optional<PacerSettings> last_settings_;
  bool last_paused_ = false;
  drivers::DeviceStatus::State last_state_ = drivers::DeviceStatus::State::connecting;
  bool have_state_ = false;
  std::int64_t header_bytes_ = 0;
  std::int64_t record_bytes_ = 0;
};

} // namespace pneuma::app
