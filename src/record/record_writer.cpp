#include "record/record_writer.hpp"
#include "analysis/record_analysis.hpp"
#include "pneuma/drivers/files/rr_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <edflib.h>
#include <fcntl.h>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>


namespace pneuma::app {
namespace {

constexpr double kHrHz = 4;
constexpr double kPacerHz = 10;
constexpr double kStaleAfter_s = 2.0;  // a silent channel is padded after this much data time
constexpr double kReanchor_s = 3.0;    // beat clock vs arrival time
constexpr double kSettle_s = 30.0;     // beats held while their time offset settles
constexpr double kBridgedGap_s = 1.0;  // holes up to this long are bridged live (breathing_stream)
constexpr std::size_t kMaxText = 40;   // EDFlib's write limit for annotation texts
constexpr int kDigMin = -32768, kDigMax = 32767;
constexpr double kHrMissing = -1;      // HR before the first beat: the channel's physical minimum

/// A rate measured from sample times, snapped to the rates devices use.
int snap_rate(double measured) {
  static constexpr std::array<int, 14> kCommon = {10, 20, 25, 50, 64, 100, 125, 128,
                                                  130, 200, 250, 256, 500, 1000};
  int best = 0;
  for (int r : kCommon)
    if (std::abs(measured - r) <= 0.03 * r && (best == 0 || std::abs(measured - r) < std::abs(measured - best)))
      best = r;
  return best > 0 ? best : std::max(1, static_cast<int>(std::lround(measured)));
}

/// Smallest "nice" number (1, 2, 5 x 10^k) at or above x.
double nice_ceil(double x) {
  if (!(x > 0)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(x)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= x) return m * p;
  return 10 * p;
}

std::string clean_text(std::string text) {
  for (char& c : text)
    if (c == '\t' || c == '\n' || c == '\r' || static_cast<unsigned char>(c) < 32) c = ' ';
  return text;
}

/// A text longer than EDFlib's 40 bytes as several annotations at the same onset, each but the
/// first starting with "..." (a device's reason for a loss is often longer): nothing is cut.
std::vector<std::string> annotation_pieces(std::string const& text) {
  if (text.size() <= kMaxText) return {text};
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size() || out.empty()) {
    const std::string prefix = out.empty() ? "" : "...";
    std::size_t n = std::min(text.size() - at, kMaxText - prefix.size());
    if (at + n < text.size()) {
      while (n > 0 && (static_cast<unsigned char>(text[at + n]) & 0xC0) == 0x80) --n; // keep UTF-8 whole
      const auto space = text.rfind(' ', at + n);
      if (space != std::string::npos && space > at + n / 2) n = space - at + 1;
    }
    if (n == 0) break;
    std::string piece = prefix + text.substr(at, n);
    while (piece.size() > prefix.size() && piece.back() == ' ') piece.pop_back();
    out.push_back(std::move(piece));
    at += n;
  }
  return out;
}

std::string ascii_field(std::string const& s) {
  std::string out;
  for (char c : s) out += (c >= 32 && c < 127) ? c : '_';
  return out.empty() ? "X" : out;
}

double time_for_rate(drivers::DeviceSample const& s) {
  return std::visit(
      [](auto const& v) -> double {
        using T = std::decay_t<decltype(v)>;
        if constexpr (requires { v.device_t_s; })
          if (std::isfinite(v.device_t_s)) return v.device_t_s;
        (void)sizeof(T);
        return v.t_s;
      },
      s);
}

char const* phase_text(PacerPhase p) {
  switch (p) {
  case PacerPhase::inhale: return "Pacer inhale";
  case PacerPhase::hold_in: return "Pacer hold in";
  case PacerPhase::exhale: return "Pacer exhale";
  default: return "Pacer hold out";
  }
}

std::string settings_text(PacerSettings const& s) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "Pacer %.2f/min %g:%g", s.rate_bpm, s.inhale_parts,
                s.exhale_parts);
  std::string text = buf;
  if (s.hold_in_s > 0 || s.hold_out_s > 0) {
    std::snprintf(buf, sizeof buf, " hold %g/%g", s.hold_in_s, s.hold_out_s);
    text += buf;
  }
  return text;
}

bool same_settings(PacerSettings const& a, PacerSettings const& b) {
  return a.rate_bpm == b.rate_bpm && a.inhale_parts == b.inhale_parts &&
         a.exhale_parts == b.exhale_parts && a.hold_in_s == b.hold_in_s &&
         a.hold_out_s == b.hold_out_s;
}

} // namespace

RecordWriter::RecordWriter(RecorderConfig config)
    : config_(std::move(config)), journal_(std::make_unique<JournalWriter>(config_.path)) {
  result_.path = config_.path;
}

RecordWriter::~RecordWriter() {
  try {
    finish(-1);
  } catch (...) { // finish() reports through result_; nothing may escape a destructor
  }
}

RecordWriter::Channel* RecordWriter::channel(Kind kind) {
  for (auto& c : channels_)
    if (c.kind == kind) return &c;
  return nullptr;
}

void RecordWriter::fail(std::string why) {
  if (!result_.ok) return;
  result_.ok = false;
  result_.error = std::move(why);
}

void RecordWriter::add(drivers::DeviceSample const& sample) {
  if (closed_ || failed()) return;
  watermark_s_ = std::max(watermark_s_, drivers::time_of(sample));
  if (!std::holds_alternative<drivers::DeviceStatus>(sample) && !std::holds_alternative<drivers::SignalGap>(sample) &&
      !std::holds_alternative<drivers::BatteryLevel>(sample))
    any_data_ = true;
  if (handle_ < 0) {
    early_.push_back(sample);
    // Sources start streaming at any session time (set-up takes a while at high --speed).
    first_t_ = std::min(first_t_.value_or(drivers::time_of(sample)), drivers::time_of(sample));
    if (std::holds_alternative<drivers::EcgSample>(sample)) ecg_seen_.add(drivers::time_of(sample));
    if (std::holds_alternative<drivers::AccSample>(sample)) acc_seen_.add(drivers::time_of(sample));
    const double waited = watermark_s_ - *first_t_;
    // A strap's ECG and accelerometer come after its heart rate (one PMD START after another, a
    // START unanswered is given up after 5 s): the layout waits for both, each long enough to
    // measure its rate, up to strap_wait_s. A channel not in the layout is never recorded.
    const bool strap_ready = ecg_seen_.span() >= 0.5 && acc_seen_.span() >= 0.5;
    if (waited >= config_.layout_after_s && (strap_ready || waited >= config_.strap_wait_s))
      open_file();
    return;
  }
  std::visit(
      [this](auto const& s) {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, drivers::RespSample>) {
          if (auto* c = channel(Kind::resp)) push_sample(*c, s.value, s.t_s, std::isfinite(s.device_t_s));
        } else if constexpr (std::is_same_v<T, drivers::EcgSample>) {
          if (auto* c = channel(Kind::ecg)) push_sample(*c, s.microvolts, s.t_s, std::isfinite(s.device_t_s));
        } else if constexpr (std::is_same_v<T, drivers::AccSample>) {
          const bool timed = std::isfinite(s.device_t_s);
          if (auto* c = channel(Kind::acc_x)) push_sample(*c, s.x_mg, s.t_s, timed);
          if (auto* c = channel(Kind::acc_y)) push_sample(*c, s.y_mg, s.t_s, timed);
          if (auto* c = channel(Kind::acc_z)) push_sample(*c, s.z_mg, s.t_s, timed);
        } else if constexpr (std::is_same_v<T, drivers::RrInterval>) {
          on_rr(s);
        } else if constexpr (std::is_same_v<T, drivers::DeviceStatus>) {
          on_status(s);
        } else if constexpr (std::is_same_v<T, drivers::SignalGap>) {
          on_gap(s);
        }
      },
      sample);
}

void RecordWriter::open_file() {
  // Which raw channels the source has, and at what rate.
  struct Seen {
    std::size_t n = 0;
    double first = 0, last = 0, maxabs = 0;
    void add(double t, double v) {
      if (n == 0) first = t;
      last = t;
      ++n;
      if (std::isfinite(v)) maxabs = std::max(maxabs, std::abs(v));
    }
    [[nodiscard]] int rate(double hint) const {
      if (hint > 0) return snap_rate(hint);
      if (n < 3 || last - first < 0.2) return 0;
      return snap_rate(static_cast<double>(n - 1) / (last - first));
    }
  } resp, ecg, acc;
  for (auto const& s : early_) {
    const double t = time_for_rate(s);
    if (auto const* r = std::get_if<drivers::RespSample>(&s)) resp.add(t, r->value);
    if (auto const* e = std::get_if<drivers::EcgSample>(&s)) ecg.add(t, e->microvolts);
    if (auto const* a = std::get_if<drivers::AccSample>(&s))
      acc.add(t, std::max({std::abs(a->x_mg), std::abs(a->y_mg), std::abs(a->z_mg)}));
  }
  auto add_channel = [this](Kind kind, std::string label, std::string unit, std::string transducer,
                            int fs, double lo, double hi) {
    Channel c{kind, std::move(label), std::move(unit), std::move(transducer), fs, lo, hi, {}, 0,
              false};
    channels_.push_back(std::move(c));
  };
  if (const int fs = resp.rate(config_.belt_hz); resp.n > 0 && fs > 0) {
    const double half = nice_ceil(std::max(1.0, 8 * resp.maxabs));
    add_channel(Kind::resp, "Resp belt", "au", "respiration belt", fs, -half, half);
  }
  if (const int fs = ecg.rate(0); ecg.n > 0 && fs > 0) {
    const double half = nice_ceil(std::max(8000.0, 4 * ecg.maxabs));
    add_channel(Kind::ecg, "ECG", "uV", "ECG chest strap", fs, -half, half);
  }
  if (const int fs = acc.rate(0); acc.n > 0 && fs > 0) {
    const double half = nice_ceil(std::max(16000.0, 4 * acc.maxabs));
    add_channel(Kind::acc_x, "ACC X", "mg", "accelerometer", fs, -half, half);
    add_channel(Kind::acc_y, "ACC Y", "mg", "accelerometer", fs, -half, half);
    add_channel(Kind::acc_z, "ACC Z", "mg", "accelerometer", fs, -half, half);
  }
  // Before the first beat there is no heart rate: the physical minimum, -1 bpm (no heart beats
  // at a negative rate), marks it, as the transducer field and an annotation at 0 s say.
  add_channel(Kind::hr, "HR", "bpm", "60000/RR held to the next beat; -1 = no beat yet",
              static_cast<int>(kHrHz), kHrMissing, 300);
  add_channel(Kind::pacer, "Pacer", "%", "pacer target lung volume", static_cast<int>(kPacerHz), 0,
              100);

  const int n = static_cast<int>(channels_.size());
  handle_ = edfopen_file_writeonly(config_.path.c_str(), EDFLIB_FILETYPE_EDFPLUS, n);
  if (handle_ < 0) {
    fail("cannot create the recording " + config_.path.string() + " (EDFlib error " +
         std::to_string(handle_) + ")");
    handle_ = -1;
    closed_ = true;
    return;
  }
  for (int i = 0; i < n; ++i) {
    auto const& c = channels_[static_cast<std::size_t>(i)];
    edf_set_samplefrequency(handle_, i, c.fs);
    edf_set_physical_maximum(handle_, i, c.phys_max);
    edf_set_physical_minimum(handle_, i, c.phys_min);
    edf_set_digital_maximum(handle_, i, kDigMax);
    edf_set_digital_minimum(handle_, i, kDigMin);
    edf_set_label(handle_, i, c.label.c_str());
    edf_set_physical_dimension(handle_, i, c.unit.c_str());
    edf_set_transducer(handle_, i, c.transducer.substr(0, 80).c_str());
    edf_set_prefilter(handle_, i, "none");
  }
  edf_set_number_of_annotation_signals(handle_, annotation_signals_);
  const std::time_t start = std::chrono::system_clock::to_time_t(config_.header.start);
  std::tm local{};
  localtime_r(&start, &local);
  edf_set_startdatetime(handle_, local.tm_year + 1900, local.tm_mon + 1, local.tm_mday,
                        local.tm_hour, local.tm_min, local.tm_sec);
  edf_set_patientcode(handle_, ascii_field(config_.header.patient_code).substr(0, 60).c_str());
  edf_set_patientname(handle_, ascii_field(config_.header.patient_name).substr(0, 60).c_str());
  edf_set_equipment(handle_, ascii_field(config_.header.equipment).substr(0, 40).c_str());
  if (!config_.header.note.empty())
    edf_set_recording_additional(handle_, ascii_field(config_.header.note).substr(0, 40).c_str());

  data_fd_ = ::open(config_.path.c_str(), O_RDONLY | O_CLOEXEC);
  int record_bytes = 114 * annotation_signals_;
  for (auto const& c : channels_) record_bytes += 2 * c.fs;
  record_bytes_ = record_bytes;
  header_bytes_ = (n + annotation_signals_ + 1) * 256;

  write_event(0, -1, "HR -1 bpm: no beat yet");
  auto events = std::move(early_events_);
  early_events_.clear();
  for (auto& e : events) write_event(e.onset_s, e.duration_s, std::move(e.text));
  auto early = std::move(early_);
  early_.clear();
  early_.shrink_to_fit();
  for (auto const& s : early) add(s);
}

void RecordWriter::add_event(double onset_s, double duration_s, std::string const& text) {
  write_event(onset_s, duration_s, text);
}

void RecordWriter::write_event(double onset_s, double duration_s, std::string text) {
  if (closed_) return;
  text = clean_text(std::move(text));
  onset_s = std::max(0.0, onset_s);
  if (handle_ < 0) {
    early_events_.push_back({onset_s, duration_s, std::move(text)});
    return;
  }
  const auto onset = static_cast<long long>(std::llround(onset_s * 10000.0));
  const auto duration = duration_s >= 0 ? static_cast<long long>(std::llround(duration_s * 10000.0))
                                        : -1LL;
  for (auto const& piece : annotation_pieces(text)) {
    if (edfwrite_annotation_utf8(handle_, onset, duration, piece.c_str()) != 0) {
      fail("cannot store an annotation (out of memory?)");
      return;
    }
    ++result_.annotations;
    journal_->append({onset, duration, piece});
  }
}

void RecordWriter::set_pacer(PacerTimeline const& pacer) {
  if (config_.pacer_schedule.empty()) pacer_ = pacer;
}

void RecordWriter::on_rr(drivers::RrInterval const& rr) {
  const double rr_ms = rr.ms();
  if (!(rr_ms > 0)) return;
  // Which sensor the beats come from, where it changes (an ECG strap's beats say nothing, as
  // before): optical pulse intervals are not R-R intervals (drivers/files/rr_file.hpp).
  if (rr.optical != beats_optical_) {
    beats_optical_ = rr.optical;
    write_event(rr.t_s, -1, rr.optical ? drivers::files::kBeatsOpticalLabel : drivers::files::kBeatsRrLabel);
  }
  if (rr.beat_time_known) { // a file of beat times (replay): no estimate needed
    recent_beats_.push_back({rr.t_s, rr_ms});
    write_beat(rr.t_s, rr_ms);
    return;
  }
  // Every other source (BLE, a bridge's HRM lines, even with the bridge's clock) stamps its
  // beats with a notification's time, an upper bound only: beat times are the chained RR.
  double c = beat_clock_ ? *beat_clock_ + rr_ms / 1000.0 : rr.t_s;
  bool after_gap = false;
  if (!beat_clock_ || beats_lost_ || c - delta_s_ < rr.t_s - kReanchor_s) { // first, or beats lost
    // After lost beats the time back to the last written beat spans them (two or more beats, plus
    // the change of offset): not an RR interval. The beat keeps its time; that interval is marked.
    after_gap = beat_clock_.has_value();
    beats_lost_ = false;
    flush_beats(INFINITY);
    c = rr.t_s;
    delta_s_ = 0;
    delta_frozen_ = false;
    anchor_arrival_s_ = rr.t_s;
  }
  beat_clock_ = c;
  if (!delta_frozen_) delta_s_ = std::max(delta_s_, c - rr.t_s);
  pending_beats_.push_back({c, rr_ms, rr.t_s, after_gap});
  recent_beats_.push_back({c - delta_s_, rr_ms});
  // Held here until the offset settles, but journaled now at the best time known, so a kill in
  // these 30 s keeps the beat (record_journal.hpp: provisional entries).
  if (!delta_frozen_)
    journal_->append_provisional({static_cast<long long>(std::llround(std::max(0.0, c - delta_s_) * 10000.0)), -1, "R"});
  // The offset is settled over the first 30 s of beats, then kept: every written beat then sits
  // exactly its strap RR after the one before (a changing offset would bend the intervals).
  if (!delta_frozen_ && rr.t_s - anchor_arrival_s_ >= kSettle_s) delta_frozen_ = true;
  if (delta_frozen_) flush_beats(INFINITY);
}

void RecordWriter::flush_beats(double before_arrival_s) {
  const bool any = !pending_beats_.empty();
  while (!pending_beats_.empty() && pending_beats_.front().arrival_s <= before_arrival_s) {
    const auto b = pending_beats_.front();
    pending_beats_.pop_front();
    write_beat(b.c_s - delta_s_, b.rr_ms, b.after_gap);
  }
  if (any && pending_beats_.empty()) journal_->settled(); // their provisional entries are superseded
}

void RecordWriter::write_beat(double t, double rr_ms, bool after_gap) {
  if (t < 0) return; // a beat from before the session (a link's backlog): not in this recording
  write_event(t, -1, "R");
  if (after_gap) write_event(t, -1, kRrGapLabel); // the interval ending here is not measured
  ++result_.beats;
  if (last_rr_.size() >= 5) {
    std::vector<double> sorted = last_rr_;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2), sorted.end());
    const double median = sorted[sorted.size() / 2];
    if (std::abs(rr_ms - median) > 0.35 * median) // beyond what breathing does to RR
      write_event(t, -1, "Artifact RR " + std::to_string(std::lround(rr_ms)) + "ms");
  }
  last_rr_.push_back(rr_ms);
  if (last_rr_.size() > 11) last_rr_.erase(last_rr_.begin());
}

void RecordWriter::on_status(drivers::DeviceStatus const& s) {
  if (have_state_ && s.state == last_state_) return;
  have_state_ = true;
  last_state_ = s.state;
  std::string text = "Device " + std::string(drivers::to_string(s.state));
  if (!s.message().empty()) text += ": " + std::string(s.message());
  write_event(s.t_s, -1, text);
}

void RecordWriter::on_gap(drivers::SignalGap const& g) {
  using Stream = drivers::SignalGap::Stream;
  const double duration = std::max(0.0, g.to_s - g.from_s);
  if (g.stream == Stream::any || g.stream == Stream::rr) beats_lost_ = true;
  if (g.stream == Stream::ecg || g.stream == Stream::acc) {
    write_event(g.from_s, duration, "Signal gap (strap)");
    // Lost frames leave their samples out: filled here, the samples after the hole stay at their
    // own time (not moved earlier by the hole, out of step with the beats' R annotations).
    // `lost` counts the samples the device's clock says are missing; no more than the session's
    // clock saw pass (the frames' arrivals, plus a second): a corrupt stamp is no hour-long hole.
    for (Kind k : {Kind::ecg, Kind::acc_x, Kind::acc_y, Kind::acc_z})
      if (auto* c = channel(k); c && (k == Kind::ecg) == (g.stream == Stream::ecg)) {
        const long passed = std::lround((duration + 1.0) * c->fs);
        const long missing = (g.lost > 0 ? std::min(static_cast<long>(g.lost), passed) : std::lround(duration * c->fs)) - c->padded;
        c->fill = std::max(c->fill, std::clamp(missing, 0L, 3600L * c->fs));
        c->resume_s = std::max(c->resume_s, g.to_s);
      }
    return;
  }
  if (g.stream != Stream::any && g.stream != Stream::resp) {
    write_event(g.from_s, duration, "Signal gap (strap)");
    return;
  }
  if (duration <= kBridgedGap_s) { // lost lines: one annotation a record, not one a line
    if (bridged_n_ == 0) bridged_from_s_ = g.from_s;
    bridged_to_s_ = std::max(bridged_to_s_, g.to_s);
    bridged_n_ += std::max<std::uint32_t>(g.lost, 1);
  } else {
    write_event(g.from_s, duration, "Signal gap");
  }
  if (auto* c = channel(Kind::resp)) {
    // The samples between the last one before the hole and the first after it are missing;
    // those the stale path already padded while nothing came are not added twice.
    // Two reports of one hole (the link's silence and the lines' own clock) fill it once.
    const long missing = std::lround(duration * c->fs) - c->padded; // from the first missing instant
    c->fill = std::max(c->fill, std::clamp(missing, 0L, 3600L * c->fs));
    c->resume_s = std::max(c->resume_s, g.to_s);
  }
}

void RecordWriter::push_sample(Channel& c, double value, double t_s, bool timed) {
  if (timed && c.last_data_s < 0) {
    // A channel's first sample goes where the device's clock (mapped by BatchClock) puts it:
    // samples are then counted, so a start out of place would put the whole channel out of step
    // with the session (and with the beats' R annotations) by as much. The first frame's arrival
    // fixes that map; counting from there is exact, holes are filled by their gap reports.
    const long have = static_cast<long>(records_) * c.fs + static_cast<long>(c.pending.size()) + c.fill;
    const long want = std::lround(t_s * c.fs);
    if (want > have) {
      if (have == 0 && want >= c.fs) // a second or more into the file
        write_event(0, static_cast<double>(want) / c.fs, "No data: " + c.label);
      c.fill = std::min(want - have, 3600L * c.fs);
    } else if (want < have) { // from before the session (or its place was padded): not in the file
      ++result_.late;
      return;
    }
  }
  if (c.fill > 0) { // a straight line across the hole, marked by its gap annotation
    // (before a channel's first sample there is nothing to draw from: its first value)
    const double from = c.pending.empty() ? (c.last_data_s < 0 ? value : c.last) : c.pending.back();
    for (long i = 1; i <= c.fill; ++i)
      c.pending.push_back(from + (value - from) * static_cast<double>(i) / static_cast<double>(c.fill + 1));
    c.fill = 0;
  }
  c.padded = 0;
  c.last_data_s = t_s;
  c.pending.push_back(value);
}

void RecordWriter::advance(double watermark_s) {
  watermark_s_ = std::max(watermark_s_, watermark_s);
  if (handle_ < 0 || closed_ || failed()) return;
  for (;;) {
    const double end = static_cast<double>(records_ + 1);
    if (watermark_s_ < end) return;
    bool ready = true;
    for (auto const& c : channels_) {
      if (c.kind == Kind::hr || c.kind == Kind::pacer) continue;
      if (c.pending.size() < static_cast<std::size_t>(c.fs) && watermark_s_ < end + kStaleAfter_s)
        ready = false;
    }
    if (!ready) return;
    write_record();
    if (failed()) return;
  }
}

void RecordWriter::sample_hr(std::int64_t record, Channel& ch) {
  // Beats are kept from one before this record on.
  const double t0 = static_cast<double>(record);
  while (recent_beats_.size() > 1 && recent_beats_[1].t_s <= t0) recent_beats_.pop_front();
  std::size_t b = 0;
  for (int i = 0; i < ch.fs; ++i) {
    const double t = t0 + i / static_cast<double>(ch.fs);
    while (b + 1 < recent_beats_.size() && recent_beats_[b + 1].t_s <= t) ++b;
    double v = kHrMissing;
    if (!recent_beats_.empty() && recent_beats_[b].t_s <= t)
      v = std::clamp(60000.0 / recent_beats_[b].rr_ms, 0.0, 300.0);
    ch.pending.push_back(v);
  }
}

void RecordWriter::sample_pacer(std::int64_t record, Channel& ch) {
  const double t0 = static_cast<double>(record);
  for (int i = 0; i < ch.fs; ++i) {
    const double t = t0 + i / static_cast<double>(ch.fs);
    for (auto const& [from, timeline] : config_.pacer_schedule)
      if (from <= t + 1e-9) pacer_ = timeline;
    if (!pacer_) {
      ch.pending.push_back(0);
      continue;
    }
    if (!last_settings_ || !same_settings(*last_settings_, pacer_->settings())) {
      last_settings_ = pacer_->settings();
      write_event(t, -1, settings_text(*last_settings_));
    }
    if (pacer_->paused() != last_paused_) {
      last_paused_ = pacer_->paused();
      write_event(t, -1, last_paused_ ? "Pacer paused" : "Pacer resumed");
    }
    const PacerFrame f = pacer_->at(t);
    if (!last_phase_ || f.phase != *last_phase_) {
      double onset = t;
      const double exact = prev_pacer_t_ + prev_phase_left_s_;
      if (last_phase_ && exact >= prev_pacer_t_ && exact <= t) onset = exact;
      if (!pacer_->paused() || !last_phase_) write_event(onset, -1, phase_text(f.phase));
      last_phase_ = f.phase;
    }
    prev_pacer_t_ = t;
    prev_phase_left_s_ = f.phase_left_s;
    ch.pending.push_back(f.position * 100.0);
  }
}

void RecordWriter::write_record() {
  if (bridged_n_ > 0) {
    write_event(bridged_from_s_, std::max(0.0, bridged_to_s_ - bridged_from_s_),
                "Signal gaps bridged: " + std::to_string(bridged_n_) + " lost");
    bridged_n_ = 0;
    bridged_to_s_ = 0;
  }
  std::vector<double> buf;
  for (auto& c : channels_) {
    if (c.kind == Kind::hr) sample_hr(records_, c);
    if (c.kind == Kind::pacer) sample_pacer(records_, c);
    const auto fs = static_cast<std::size_t>(c.fs);
    const bool short_of_data = c.pending.size() < fs;
    const double record_s = static_cast<double>(records_);
    if (short_of_data && !c.starved) { // from just after the last real sample, when it is known
      const double stop = c.last_data_s >= 0 ? c.last_data_s + 1.0 / c.fs : record_s;
      write_event(std::clamp(stop, record_s - kStaleAfter_s - 1, record_s + 1), -1, "No data: " + c.label);
    }
    if (!short_of_data && c.starved) { // where the reported gap ended, when one was reported
      const double again = c.resume_s >= record_s - 1 && c.resume_s <= record_s + 1 ? c.resume_s : record_s;
      write_event(again, -1, "Data again: " + c.label);
    }
    c.starved = short_of_data;
    if (short_of_data) c.padded += static_cast<long>(fs - c.pending.size());
    buf.assign(fs, 0.0);
    for (std::size_t i = 0; i < fs; ++i) {
      double v = c.last;
      if (!c.pending.empty()) {
        v = c.pending.front();
        c.pending.pop_front();
      }
      if (!std::isfinite(v)) v = c.last;
      if (v < c.phys_min || v > c.phys_max) {
        ++result_.clipped;
        v = std::clamp(v, c.phys_min, c.phys_max);
      }
      c.last = v;
      buf[i] = v;
    }
    if (edfwrite_physical_samples(handle_, buf.data()) != 0) {
      fail("writing " + config_.path.string() + " failed: " + std::strerror(errno));
      return;
    }
  }
  ++records_;
  result_.seconds = static_cast<double>(records_);
  flush_to_disk();
}

void RecordWriter::flush_to_disk() {
  // EDFlib's FILE* is private: fflush(nullptr) pushes every output stream, its one included.
  errno = 0;
  if (std::fflush(nullptr) != 0) {
    fail("writing " + config_.path.string() + " failed: " + std::strerror(errno ? errno : EIO));
    return;
  }
  struct stat st {};
  const std::int64_t expected = header_bytes_ + records_ * record_bytes_;
  if (data_fd_ >= 0 && ::fstat(data_fd_, &st) == 0 && st.st_size < expected) {
    fail("writing " + config_.path.string() + " failed (disk full?)");
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (config_.sync_to_disk && now - last_sync_ >= std::chrono::seconds(1)) {
    last_sync_ = now;
    if (data_fd_ >= 0 && ::fdatasync(data_fd_) != 0)
      fail("writing " + config_.path.string() + " failed: " + std::strerror(errno));
    journal_->sync();
  }
}

RecordResult RecordWriter::finish(double end_s) {
  if (closed_) return result_;
  if (handle_ < 0 && !failed() && !any_data_) { // no signal ever came (only device states): nothing to keep
    closed_ = true;
    result_.empty = true;
    journal_->remove();
    return result_;
  }
  if (handle_ < 0 && !failed()) open_file();
  if (handle_ >= 0 && !failed()) {
    const double end = end_s > 0 ? end_s : watermark_s_;
    const auto last = static_cast<std::int64_t>(std::ceil(end - 1e-6));
    while (!failed() && records_ < last) write_record();
  }
  if (handle_ >= 0 && !failed()) flush_beats(INFINITY);
  closed_ = true;
  bool closed_ok = true;
  if (handle_ >= 0) {
    journal_->flush();
    closed_ok = edfclose_file(handle_) == 0;
    handle_ = -1;
  }
  if (data_fd_ >= 0) {
    if (closed_ok) (void)::fsync(data_fd_);
    ::close(data_fd_);
    data_fd_ = -1;
  }
  if (!closed_ok) fail("closing " + config_.path.string() + " failed");
  if (result_.ok)
    journal_->remove();
  else
    journal_->close(); // kept: the owner repairs the file from it (record_repair.hpp)
  return result_;
}

} // namespace pneuma::app
