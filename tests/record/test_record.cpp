// RecordWriter -> EDF+ -> drivers' EDF reader, and the repair of a recording cut short.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <numbers>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/record_analysis.hpp"
#include "record/output_file.hpp"
#include "record/record_repair.hpp"
#include "record/record_writer.hpp"
#include "pneuma/drivers/files/rr_file.hpp"
#include "pneuma/drivers/files/signal_file.hpp"
#include "session/record_session.hpp"
#include "session/recordings.hpp"
#include "store/store.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace pneuma;

using pneuma::test::TempDir;

namespace {

std::string bytes_of(fs::path const& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}


/// A belt at 25 Hz (0.1 Hz sine), ECG at 130 Hz, RR of exactly 1000 ms (1024 ticks) reported
/// once per second as a strap does, for `seconds`.
void feed_chunk(app::RecordWriter& w, double from_s, double to_s) {
  for (int i = static_cast<int>(std::lround(from_s * 25)); i < std::lround(to_s * 25); ++i) {
    const double t = i / 25.0;
    w.add(drivers::RespSample{t, t, static_cast<float>(2000 + 300 * std::sin(2 * std::numbers::pi * 0.1 * t))});
  }
  for (int i = static_cast<int>(std::lround(from_s * 130)); i < std::lround(to_s * 130); ++i) {
    const double t = i / 130.0;
    w.add(drivers::EcgSample{t, t, static_cast<float>(100 * std::sin(2 * std::numbers::pi * t))});
  }
  for (int s = static_cast<int>(from_s); s < static_cast<int>(to_s); ++s)
    if (s >= 1) w.add(drivers::RrInterval{static_cast<double>(s) + 0.05, drivers::kNoDeviceTime, 1024});
}

/// Interleaved in 1 s chunks, as the pipeline delivers them.
void feed(app::RecordWriter& w, double from_s, double to_s) {
  for (double t = from_s; t < to_s; t += 1.0) feed_chunk(w, t, std::min(to_s, t + 1.0));
}

app::RecorderConfig config_for(fs::path const& path) {
  app::RecorderConfig c;
  c.path = path;
  c.header.patient_code = "P-7";
  c.sync_to_disk = false;
  return c;
}

} // namespace

TEST_CASE("record writer: signals, rates, beats and pacer phases read back", "[app]") {
  TempDir dir;
  const auto path = dir.path / "s.edf";
  {
    app::RecordWriter w(config_for(path));
    app::PacerSettings pacer; // 6/min, 1:1.5 -> inhale 4 s, exhale 6 s
    w.set_pacer(app::PacerTimeline(pacer));
    feed(w, 0, 30);
    w.add_event(12.5, -1, "Marker: neck tension");
    w.advance(30);
    const auto r = w.finish(30);
    CHECK(r.ok);
    CHECK(r.seconds == 30);
    CHECK(r.clipped == 0);
  }
  CHECK_FALSE(fs::exists(app::journal_path(path)));
  CHECK(app::recording_state(path) == app::RecordingState::complete);

  const auto rec = drivers::files::read_edf(path);
  CHECK(rec.duration_s == Approx(30));
  REQUIRE(rec.signals.size() == 4);
  CHECK(rec.signals[0].label == "Resp belt");
  CHECK(rec.signals[0].fs_hz == 25);
  CHECK(rec.signals[1].label == "ECG");
  CHECK(rec.signals[1].fs_hz == 130);
  CHECK(rec.signals[2].label == "HR");
  CHECK(rec.signals[3].label == "Pacer");
  // Belt values survive the 16-bit quantisation (range +-20000 au -> 0.6 au steps).
  for (std::size_t i = 0; i < rec.signals[0].values.size(); i += 37) {
    const double t = static_cast<double>(i) / 25.0;
    CHECK(rec.signals[0].values[i] ==
          Approx(2000 + 300 * std::sin(2 * std::numbers::pi * 0.1 * t)).margin(0.7));
  }
  // HR: 60 bpm once beats came.
  CHECK(rec.signals[2].values.back() == Approx(60).margin(0.01));
  // Beats one second apart (the strap's RR kept to 0.1 ms), phases at 0, 4, 10, 14 ... s.
  const auto beats = app::beats_from_annotations(rec);
  REQUIRE(beats.t_s.size() >= 27);
  for (std::size_t i = 1; i < beats.rr_ms.size(); ++i) CHECK(beats.rr_ms[i] == Approx(1000).margin(0.1));
  std::vector<double> inhale, exhale;
  bool marker = false, settings = false;
  for (auto const& a : rec.annotations) {
    if (a.text == "Pacer inhale") inhale.push_back(a.onset_s);
    if (a.text == "Pacer exhale") exhale.push_back(a.onset_s);
    marker |= a.text == "Marker: neck tension" && a.onset_s == Approx(12.5);
    settings |= a.text == "Pacer 6.00/min 1:1.5";
  }
  CHECK(marker);
  CHECK(settings);
  REQUIRE(inhale.size() == 3);
  REQUIRE(exhale.size() == 3);
  CHECK(inhale[1] == Approx(10).margin(1e-3));
  CHECK(exhale[0] == Approx(4).margin(1e-3));
  CHECK(exhale[2] == Approx(24).margin(1e-3));
}

TEST_CASE("record writer: where the beats become an optical sensor's and back, the recording says so", "[app]") {
  // An ECG strap's beats for 10 s, a Verity Sense's pulse intervals (PPI) for 40 s, the strap again
  // for 10 s. An optical beat lags the R wave by the pulse transit time, which breathing and posture
  // move: whoever reads the file (analyze, MNE) must be able to tell them apart.
  TempDir dir;
  const auto path = dir.path / "o.edf";
  {
    app::RecordWriter w(config_for(path));
    for (int s = 0; s < 60; ++s) {
      w.add(drivers::RespSample{static_cast<double>(s), static_cast<double>(s), static_cast<float>(s % 5)});
      if (s == 0) continue;
      drivers::RrInterval rr{static_cast<double>(s) + 0.05, drivers::kNoDeviceTime, 1024};
      rr.optical = s > 10 && s <= 50;
      w.add(rr);
    }
    w.advance(60);
    REQUIRE(w.finish(60).ok);
  }
  const auto rec = drivers::files::read_edf(path);
  std::vector<std::pair<std::string, double>> labels;
  for (auto const& a : rec.annotations)
    if (a.text.rfind("Beats: ", 0) == 0) labels.emplace_back(a.text, a.onset_s);
  REQUIRE(labels.size() == 2);
  CHECK(labels[0].first == drivers::files::kBeatsOpticalLabel);
  CHECK(labels[0].second == Approx(11.05).margin(0.01));
  CHECK(labels[1].first == drivers::files::kBeatsRrLabel);
  CHECK(labels[1].second == Approx(51.05).margin(0.01));
  // The beats themselves are unchanged by the labels: 58 intervals of 1000 ms.
  const auto beats = app::beats_from_annotations(rec);
  CHECK(beats.t_s.size() == 59);
  // Read as an RR series (pneuma analyze --kind rr): 40 of 59 beats are optical.
  const auto series = drivers::files::read_rr(path);
  CHECK(series.optical);
  CHECK(series.source.find("optical") != std::string::npos);
  CHECK(series.rr_ms.size() == 58);
  const auto analyzed = test::run_process(test::pneuma_binary() + " analyze --kind rr --json " + path.string());
  REQUIRE(analyzed.exit_code == 0);
  CHECK(nlohmann::json::parse(analyzed.out)["input"]["beats_optical"] == true);
  CHECK(beats.optical);
  // The report of that recording says it too.
  const auto html = dir.path / "o.html";
  const auto reported = test::run_process("XDG_DATA_HOME=" + dir.path.string() + " " + test::pneuma_binary() + " report " +
                                          path.string() + " -o " + html.string());
  INFO(reported.out);
  REQUIRE(reported.exit_code == 0);
  CHECK(bytes_of(html).find("optical sensor's pulse intervals (PPI)") != std::string::npos);
  // A recording from an ECG strap alone carries no label and reads as R-R intervals.
  const auto plain = dir.path / "p.edf";
  {
    app::RecordWriter w(config_for(plain));
    feed(w, 0, 20);
    w.advance(20);
    REQUIRE(w.finish(20).ok);
  }
  for (auto const& a : drivers::files::read_edf(plain).annotations) CHECK(a.text.rfind("Beats: ", 0) != 0);
  CHECK_FALSE(drivers::files::read_rr(plain).optical);
  CHECK_FALSE(app::beats_from_annotations(drivers::files::read_edf(plain)).optical);
}

TEST_CASE("record repair: a writer killed mid-recording leaves a file repaired with its annotations",
          "[app]") {
  TempDir dir;
  const auto path = dir.path / "cut.edf";
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) { // the "crashing" recorder: writes 40 s, then dies without closing anything
    try {
      app::RecordWriter w(config_for(path));
      w.set_pacer(app::PacerTimeline(app::PacerSettings{}));
      feed(w, 0, 40.5);
      w.add_event(7.25, -1, "Marker: before the crash");
      w.advance(40.5);
      ::_exit(0); // no destructors, nothing closed: as after kill -9
    } catch (...) {
      ::_exit(3);
    }
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);

  REQUIRE(fs::exists(app::journal_path(path)));
  CHECK(app::read_edf_layout(path).records_field == -1); // what EDFlib leaves before closing
  CHECK(app::recording_state(path) == app::RecordingState::interrupted);
  CHECK_THROWS(drivers::files::read_edf(path)); // unreadable as it is

  const auto report = app::repair_recording(path);
  CHECK(report.repaired);
  CHECK(report.records == 40);
  CHECK(report.annotations_restored > 40);
  CHECK(report.message.find("repaired") != std::string::npos);
  CHECK_FALSE(fs::exists(app::journal_path(path)));
  CHECK(app::recording_state(path) == app::RecordingState::complete);

  const auto rec = drivers::files::read_edf(path);
  CHECK(rec.duration_s == Approx(40));
  CHECK(rec.signals.at(0).values.size() == 40 * 25);
  const auto beats = app::beats_from_annotations(rec);
  CHECK(beats.t_s.size() >= 38); // written once their time offset settled (30 s), then at once
  bool marker = false;
  for (auto const& a : rec.annotations) marker |= a.text == "Marker: before the crash";
  CHECK(marker);
  // Idempotent: a second repair changes nothing.
  CHECK_FALSE(app::repair_recording(path).repaired);
}

TEST_CASE("record repair: a foreign or truncated file is refused and left untouched", "[app]") {
  TempDir dir;
  const auto text = dir.path / "notes.edf";
  std::ofstream(text) << "this is not an EDF file at all, just some words\n";
  const auto before = fs::file_size(text);
  CHECK_THROWS_WITH(app::repair_recording(text), Catch::Contains("not an EDF file"));
  CHECK(fs::file_size(text) == before);

  // A real header cut in the middle of its signal part.
  const auto good = dir.path / "good.edf";
  {
    app::RecordWriter w(config_for(good));
    feed(w, 0, 5);
    w.finish(5);
  }
  const auto cut = dir.path / "cut.edf";
  fs::copy_file(good, cut);
  fs::resize_file(cut, 600);
  CHECK_THROWS_WITH(app::read_edf_layout(cut), Catch::Contains("truncated EDF header"));
  // The repair itself refuses it and leaves every byte as it was.
  const auto cut_bytes = bytes_of(cut);
  CHECK_THROWS_WITH(app::repair_recording(cut), Catch::Contains("truncated EDF header"));
  CHECK(bytes_of(cut) == cut_bytes);

  // A damaged header field (the record count says 1 of a 5 s file): a damaged header, not a
  // recording cut short; refused, not cut to its header as it once was.
  const auto damaged = dir.path / "damaged.edf";
  fs::copy_file(good, damaged);
  {
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(236);
    f << "1       ";
  }
  const auto damaged_bytes = bytes_of(damaged);
  CHECK_THROWS_WITH(app::repair_recording(damaged), Catch::Contains("does not describe its data"));
  CHECK(bytes_of(damaged) == damaged_bytes);
  CHECK_FALSE(fs::exists(dir.path / "damaged.before-repair.edf"));
}

TEST_CASE("record repair: the file as it was is kept beside the repaired one", "[app]") {
  TempDir dir;
  const auto good = dir.path / "good.edf";
  {
    app::RecordWriter w(config_for(good));
    feed(w, 0, 5);
    w.finish(5);
  }
  // Cut in the middle of its fourth record, as a copy that stopped leaves it.
  const auto l = app::read_edf_layout(good);
  fs::resize_file(good, static_cast<std::uintmax_t>(l.header_bytes + 3 * l.record_bytes + l.record_bytes / 2));
  const auto before = bytes_of(good);
  const auto report = app::repair_recording(good);
  CHECK(report.repaired);
  CHECK(report.records == 3);
  CHECK(report.original == dir.path / "good.before-repair.edf");
  CHECK(report.message.find("kept as " + report.original.string()) != std::string::npos);
  CHECK(bytes_of(report.original) == before);
  CHECK(app::recording_state(good) == app::RecordingState::complete);
  // A second repair of another cut never replaces the first copy.
  fs::resize_file(good, static_cast<std::uintmax_t>(l.header_bytes + 2 * l.record_bytes + 1));
  CHECK(app::repair_recording(good).original == dir.path / "good.before-repair-2.edf");
  CHECK(bytes_of(dir.path / "good.before-repair.edf") == before);
}

TEST_CASE("record journal: an existing journal is never reused, beats held 30 s survive a kill",
          "[app]") {
  TempDir dir;
  const auto path = dir.path / "early.edf";
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) { // killed 20 s in: inside the 30 s the beat offset settles over
    try {
      app::RecordWriter w(config_for(path));
      feed(w, 0, 20.5);
      w.advance(20.5);
      ::_exit(0);
    } catch (...) {
      ::_exit(3);
    }
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  REQUIRE(fs::exists(app::journal_path(path)));
  const auto journal_bytes = bytes_of(app::journal_path(path));
  // A second recording onto the same name refuses, and the crashed one's journal is untouched.
  CHECK_THROWS_WITH(app::RecordWriter(config_for(path)), Catch::Contains("was interrupted") &&
                                                              Catch::Contains("pneuma repair"));
  CHECK(bytes_of(app::journal_path(path)) == journal_bytes);

  const auto report = app::repair_recording(path);
  REQUIRE(report.repaired);
  const auto rec = drivers::files::read_edf(path);
  const auto beats = app::beats_from_annotations(rec);
  // One beat a second from 1.05 s; those before the last whole record are kept (the strap's RR
  // of exactly 1000 ms between them: the provisional offset is the same for every beat here).
  CHECK(beats.t_s.size() >= 18);
  for (std::size_t i = 1; i < beats.rr_ms.size(); ++i) CHECK(beats.rr_ms[i] == Approx(1000).margin(0.1));
}

TEST_CASE("record writer: HR reads missing before the first beat, long texts are kept whole", "[app]") {
  TempDir dir;
  const auto path = dir.path / "hr.edf";
  const std::string reason = "link lost: no notification for 3.2 s (strap out of range or its battery low)";
  {
    app::RecordWriter w(config_for(path));
    feed(w, 0, 8);
    w.add(drivers::DeviceStatus::make(8.0, drivers::DeviceStatus::State::lost, reason));
    REQUIRE(w.finish(8).ok);
  }
  const auto rec = drivers::files::read_edf(path);
  auto const& hr = rec.signals.at(2);
  REQUIRE(hr.label == "HR");
  // The first beat arrives at 1.05 s: the 4 Hz samples before it hold the missing marker, -1 bpm
  // (the channel's physical minimum), not 0 bpm.
  CHECK(hr.values[0] == Approx(-1).margin(0.01));
  CHECK(hr.values[3] == Approx(-1).margin(0.01));
  CHECK(hr.values.back() == Approx(60).margin(0.01));
  bool said = false;
  std::string lost;
  for (auto const& a : rec.annotations) {
    said |= a.text == "HR -1 bpm: no beat yet" && a.onset_s == 0;
    if (a.onset_s == Approx(8) && (a.text.starts_with("Device lost") || a.text.starts_with("...")))
      lost += (lost.empty() ? "" : " ") + (a.text.starts_with("...") ? a.text.substr(3) : a.text);
  }
  CHECK(said);
  CHECK(lost == "Device lost: " + reason);
}


TEST_CASE("record writer: an unwritable place fails before the session starts", "[app]") {
  CHECK_THROWS_WITH(app::RecordWriter(config_for("/nonexistent-dir/x.edf")),
                    Catch::Contains("cannot write the recording"));
}

TEST_CASE("record writer: disconnections and gaps become annotations, and the hole is a marked straight line",
          "[app]") {
  TempDir dir;
  const auto path = dir.path / "gap.edf";
  {
    app::RecordWriter w(config_for(path));
    w.add(drivers::DeviceStatus::make(0.0, drivers::DeviceStatus::State::streaming, "belt"));
    feed(w, 0, 10);
    w.add(drivers::DeviceStatus::make(10.0, drivers::DeviceStatus::State::lost, "belt out of range"));
    w.add(drivers::SignalGap{13.0, 10.0, 13.0, 75});
    w.add(drivers::DeviceStatus::make(13.0, drivers::DeviceStatus::State::streaming, "belt"));
    feed(w, 13, 20);
    const auto r = w.finish(20);
    REQUIRE(r.ok);
  }
  const auto rec = drivers::files::read_edf(path);
  CHECK(rec.duration_s == Approx(20));
  bool lost = false, gap = false, back = false;
  for (auto const& a : rec.annotations) {
    lost |= a.text == "Device lost: belt out of range" && a.onset_s == Approx(10);
    gap |= a.text == "Signal gap" && a.onset_s == Approx(10) && a.duration_s == Approx(3);
    back |= a.text == "Device streaming: belt" && a.onset_s == Approx(13);
  }
  CHECK(lost);
  CHECK(gap);
  CHECK(back);
  // The belt keeps its time base: 25 Hz for 20 s. The 3-s hole is a straight line from the last
  // value before it to the first after it, under its "Signal gap": not the last value held, which
  // would read as a breath hold.
  auto const& belt = rec.signals.at(0).values;
  REQUIRE(belt.size() == 500);
  const double before = belt[10 * 25 - 1], after = belt[13 * 25];
  // Margins: EDF stores 16-bit samples; at this channel's range (about +-20000 au) one step is
  // 0.6 au, and the line's ends and its middle are each rounded to it.
  CHECK(belt[11 * 25] == Approx(before + (after - before) * 26.0 / 76.0).margin(0.7));
  CHECK(after == Approx(2000 + 300 * std::sin(2 * std::numbers::pi * 0.1 * 13)).margin(0.7));
  CHECK(belt[13 * 25 + 5] == Approx(2000 + 300 * std::sin(2 * std::numbers::pi * 0.1 * (13 + 5 / 25.0))).margin(0.7));
}

TEST_CASE("output files: an existing target is refused unless forced, an input always", "[app]") {
  TempDir dir;
  const auto out = dir.path / "out.csv";
  const auto input = dir.write("in.edf", "recording");
  auto write = [](std::string text) { return [text](std::ostream& o) { o << text; }; };
  app::write_output_file(out, false, {input}, write("one"));
  CHECK(bytes_of(out) == "one");
  CHECK_THROWS_WITH(app::write_output_file(out, false, {input}, write("two")),
                    Catch::Contains("exists; give --force"));
  CHECK(bytes_of(out) == "one");
  app::write_output_file(out, true, {input}, write("two"));
  CHECK(bytes_of(out) == "two");
  CHECK_THROWS_WITH(app::write_output_file(input, true, {input}, write("html")),
                    Catch::Contains("is the input file"));
  CHECK(bytes_of(input) == "recording");
  CHECK_THROWS_WITH(app::check_output_target(dir.path, true), Catch::Contains("is a directory"));
  CHECK_THROWS_WITH(app::check_output_target("/dev/null", true), Catch::Contains("not a regular file"));
  CHECK_THROWS_WITH(app::check_output_target(dir.path / "no" / "x.csv", false), Catch::Contains("does not exist"));
  // A failing writer leaves neither the target nor a temporary file.
  CHECK_THROWS(app::write_output_file(dir.path / "fail.csv", false, {},
                                      [](std::ostream&) { throw std::runtime_error("no beats"); }));
  std::size_t files = 0;
  for (auto const& e : fs::directory_iterator(dir.path)) files += e.is_regular_file() ? 1 : 0;
  CHECK(files == 2);
}

TEST_CASE("record target: checked before a session starts, nothing left behind", "[app]") {
  TempDir dir;
  const auto existing = dir.write("old.edf", "a recording");
  CHECK_THROWS_WITH(app::check_record_target(existing, false, {}), Catch::Contains("exists; give --force"));
  CHECK_NOTHROW(app::check_record_target(existing, true, {}));
  CHECK_THROWS_WITH(app::check_record_target(existing, true, {existing}), Catch::Contains("replay source"));
  CHECK_THROWS_WITH(app::check_record_target(dir.path, true, {}), Catch::Contains("is a directory"));
  CHECK_THROWS_WITH(app::check_record_target("/dev/null", true, {}), Catch::Contains("not a regular file"));
  std::ofstream(app::journal_path(dir.path / "crashed.edf")) << "# pneuma recording journal v1\n";
  CHECK_THROWS_WITH(app::check_record_target(dir.path / "crashed.edf", true, {}), Catch::Contains("interrupted"));
  CHECK_NOTHROW(app::check_record_target(dir.path / "new.edf", false, {}));
  CHECK_FALSE(fs::exists(dir.path / "new.edf"));
  CHECK_FALSE(fs::exists(app::journal_path(dir.path / "new.edf")));
  CHECK_FALSE(fs::exists(app::journal_path(dir.path)));
  CHECK_FALSE(fs::exists("/dev/null.journal"));
}

TEST_CASE("record writer: a writer that never received a sample leaves no file", "[app]") {
  TempDir dir;
  const auto path = dir.path / "never.edf";
  app::RecordWriter w(config_for(path));
  const auto r = w.finish(-1);
  CHECK(r.empty);
  CHECK_FALSE(fs::exists(path));
  CHECK_FALSE(fs::exists(app::journal_path(path)));
}

TEST_CASE("recordings: reading never writes, only Pneuma's own crashed recording is repaired",
          "[app]") {
  TempDir dir;
  const auto good = dir.path / "a.edf";
  {
    app::RecordWriter w(config_for(good));
    feed(w, 0, 6);
    w.finish(6);
  }
  // A file cut short with no journal beside it: refused with the way out, never changed.
  const auto l = app::read_edf_layout(good);
  fs::resize_file(good, static_cast<std::uintmax_t>(l.header_bytes + 4 * l.record_bytes + 7));
  const auto before = bytes_of(good);
  CHECK_THROWS_WITH(app::load_recording(good), Catch::Contains("pneuma repair") && Catch::Contains("not changed"));
  CHECK(bytes_of(good) == before);
  CHECK(app::repair_interrupted_replays({drivers::SourceSpec::parse("replay:" + good.string())}).empty());
  CHECK(bytes_of(good) == before);
  // With its journal (Pneuma's own interrupted recording): repaired, the original kept, said.
  std::ofstream(app::journal_path(good)) << "# pneuma recording journal v1: onset_100us duration_100us text\n";
  std::vector<std::string> notes;
  const auto rec = app::load_recording(good, &notes);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("kept as") != std::string::npos);
  CHECK(bytes_of(dir.path / "a.before-repair.edf") == before);
  CHECK(rec.duration_s == Approx(4));
  CHECK_FALSE(fs::exists(app::journal_path(good)));
}

TEST_CASE("recordings: a completed session whose store update was lost is recovered as complete", "[app]") {
  TempDir dir;
  app::Store store(dir.path / "store");
  app::SessionRow row;
  row.profile_id = store.ensure_profile(app::Store::kDefaultProfile).id;
  const auto path = dir.path / "done.edf";
  {
    app::RecordWriter w(config_for(path));
    feed(w, 0, 6);
    w.add_event(5.99, -1, app::kSessionCompleteText);
    w.finish(6);
  }
  row.recording = path.string();
  const auto done = store.begin_session(row); // the end of the session found the store locked
  const auto cut = dir.path / "cut.edf";
  {
    app::RecordWriter w(config_for(cut));
    feed(w, 0, 6);
    w.finish(6); // stopped early: no "Session complete"
  }
  row.recording = cut.string();
  const auto stopped = store.begin_session(row);
  (void)app::recover_interrupted_sessions(store);
  CHECK(store.session(done)->status == "complete");
  CHECK(store.session(done)->duration_s == 6);
  CHECK(store.session(stopped)->status == "interrupted");
}

TEST_CASE("record writer: an interval across lost beats is no RR, the beats around it keep theirs", "[app]") {
  // RSA-like intervals (a 10-s swing of +-150 ms), one notification per beat arriving 50 ms after
  // it; the notification of beat 40 is lost (as a bridge's cadence reports it). The time from
  // beat 39 to beat 41 spans two beats: counted as one interval it inflates SDNN.
  TempDir dir;
  const auto path = dir.path / "g.edf";
  std::vector<std::uint16_t> ticks;
  std::vector<double> beat_t;
  double t = 1;
  while (t < 90) {
    const auto tk = static_cast<std::uint16_t>(std::lround(1024 * (1.0 + 0.15 * std::sin(2 * std::numbers::pi * t / 10))));
    t += tk / 1024.0;
    ticks.push_back(tk);
    beat_t.push_back(t);
  }
  {
    app::RecordWriter w(config_for(path));
    std::size_t next = 0;
    for (int i = 0; i < 90 * 25; ++i) {
      const double ts = i / 25.0;
      w.add(drivers::RespSample{ts, ts, static_cast<float>(2000 + 300 * std::sin(2 * std::numbers::pi * 0.1 * ts))});
      while (next < ticks.size() && beat_t[next] + 0.05 <= ts) {
        if (next == 40)
          w.add(drivers::SignalGap{beat_t[41] + 0.05, beat_t[39] + 0.05 + 1.0, beat_t[41] + 0.05, 1,
                                   drivers::SignalGap::Stream::rr});
        else
          w.add(drivers::RrInterval{beat_t[next] + 0.05, drivers::kNoDeviceTime, ticks[next]});
        ++next;
      }
    }
    w.advance(90);
    REQUIRE(w.finish(90).ok);
  }
  const auto beats = app::beats_from_annotations(drivers::files::read_edf(path));
  std::vector<double> kept;
  int unmeasured = 0;
  for (std::size_t i = 1; i < beats.rr_ms.size(); ++i) {
    if (!std::isfinite(beats.rr_ms[i])) {
      ++unmeasured;
      continue;
    }
    CHECK(beats.rr_ms[i] < 1300); // no interval spans two beats (the longest RR is 1150 ms)
    kept.push_back(beats.rr_ms[i]);
  }
  CHECK(unmeasured == 1);
  // Every kept interval is one of the strap's, in order, to the EDF's 0.1 ms grid.
  std::size_t j = 0, matched = 0;
  for (double v : kept) {
    while (j < ticks.size() && std::abs(ticks[j] * (1000.0 / 1024.0) - v) > 0.2) ++j;
    if (j < ticks.size()) ++matched, ++j;
  }
  CHECK(matched == kept.size());
  CHECK(kept.size() >= 80);
}

// A strap's ECG and accelerometer are counted into the file, so every sample out of place moves
// all that follow: a PMD frame lost (2 % on a bridge) used to pull the rest of the channel 0.35-
// 0.56 s earlier, out of step with the R annotations, and a stream that starts after the session
// (the strap's PMD START comes later than its heart rate) began at 0 s. Here the ECG (130 Hz,
// device-timed as BatchClock delivers it) has an R wave at every k + 0.2 s, starts at 1.2 s and
// loses a frame (10.0-10.5 s, reported as PMD reports it: 65 samples; at 25 s one more, with an
// absurd count from a corrupt stamp); the accelerometer (50 Hz)
// comes with a backlog from 0.3 s before the session and loses 12.0-12.4 s.
TEST_CASE("record writer: lost strap frames and a late start keep ECG and ACC on session time", "[app]") {
  TempDir dir;
  const auto path = dir.path / "strap.edf";
  auto ecg_at = [](double t) { // a narrow R wave at every k + 0.2 s, 1000 uV
    const double d = t - std::floor(t) - 0.2;
    return static_cast<float>(1000.0 * std::exp(-d * d / (2 * 0.01 * 0.01)));
  };
  auto acc_at = [](double t) { return static_cast<float>(1000 + 40 * std::sin(2 * std::numbers::pi * 2.0 * t)); };
  app::RecordResult result;
  {
    app::RecordWriter w(config_for(path));
    int e = 0, a = -15; // ACC from -0.3 s (a backlog, not in the file)
    for (int ms = 0; ms < 30000; ms += 10) {
      const double now = ms / 1000.0;
      for (; e / 130.0 <= now; ++e) {
        const double t = e / 130.0;
        if (t < 1.2) continue; // the ECG stream starts at 1.2 s
        if (t >= 10.0 && t < 10.5) {
          if (e == static_cast<int>(std::ceil(10.0 * 130)))
            w.add(drivers::SignalGap{10.5, 10.0, 10.5, 65, drivers::SignalGap::Stream::ecg});
          continue;
        }
        if (t >= 25.0 && t < 25.5) { // a corrupt stamp claims 4e9 samples lost in half a second
          if (e == static_cast<int>(std::ceil(25.0 * 130)))
            w.add(drivers::SignalGap{25.5, 25.0, 25.5, 4000000000U, drivers::SignalGap::Stream::ecg});
          continue;
        }
        w.add(drivers::EcgSample{t, t, ecg_at(t)});
      }
      for (; a / 50.0 <= now; ++a) {
        const double t = a / 50.0;
        if (t >= 12.0 && t < 12.4) {
          if (a == 600) w.add(drivers::SignalGap{12.4, 12.0, 12.4, 20, drivers::SignalGap::Stream::acc});
          continue;
        }
        w.add(drivers::AccSample{t, t, acc_at(t), 0, 0});
      }
      if (ms % 1000 == 300 && ms > 1000) w.add(drivers::RrInterval{now, drivers::kNoDeviceTime, 1024});
    }
    w.advance(30);
    result = w.finish(30);
    REQUIRE(result.ok);
  }
  CHECK(result.late == 15 * 3); // the backlog from before the session, 3 axes
  const auto rec = drivers::files::read_edf(path);
  auto signal = [&](std::string const& label) -> std::vector<double> const& {
    for (auto const& s : rec.signals)
      if (s.label == label) return s.values;
    FAIL("no " << label);
    return rec.signals.front().values;
  };
  auto const& ecg = signal("ECG");
  auto const& acc = signal("ACC X");
  REQUIRE(ecg.size() == 30 * 130); // the corrupt count filled no more than the 1.5 s that passed
  REQUIRE(acc.size() == 30 * 50);
  // Every R wave after the start is where it happened, before and after the lost frame.
  for (int k = 2; k < 25; ++k) {
    if (k == 10) continue; // in the lost frame
    const auto i = static_cast<std::size_t>(std::lround((k + 0.2) * 130));
    const auto peak = std::max_element(ecg.begin() + static_cast<std::ptrdiff_t>(i) - 20, ecg.begin() + static_cast<std::ptrdiff_t>(i) + 20);
    INFO("R wave " << k);
    CHECK(peak - ecg.begin() == static_cast<std::ptrdiff_t>(i));
  }
  // After the corrupt count the R waves are back within the time that passed (not an hour of line).
  CHECK(*std::max_element(ecg.begin() + 27 * 130, ecg.end()) > 900);
  // Before its first sample the ECG holds that value (no line from 0); the hole is a straight line.
  CHECK(ecg[0] == Approx(ecg[156]).margin(1)); // 1.2 s x 130 Hz
  const double lo = ecg[1299], hi = ecg[1300 + 65];
  CHECK(ecg[1300 + 32] == Approx(lo + (hi - lo) * 33.0 / 66.0).margin(1));
  for (std::size_t i = 0; i < acc.size(); i += 7) {
    if (i >= 600 && i < 620) continue;
    INFO("ACC sample " << i);
    CHECK(acc[i] == Approx(acc_at(static_cast<double>(i) / 50.0)).margin(1)); // 16-bit steps; a sample off is 10 mg
  }
  bool ecg_late = false;
  for (auto const& an : rec.annotations)
    ecg_late |= an.text == "No data: ECG" && an.onset_s == Approx(0) && an.duration_s == Approx(1.2).margin(0.01);
  CHECK(ecg_late);
}

// A Polar strap streams its heart rate at once, its ECG and accelerometer once their PMD STARTs
// are answered: seconds later when a START goes unanswered (given up after 5 s). The layout is
// fixed once; a channel not in it is never recorded (strap_wait_s 0, as before: neither is). A
// strap's source waits for both streams.
TEST_CASE("record writer: a strap's late ECG and accelerometer are in the recording", "[app]") {
  TempDir dir;
  for (const double wait : {0.0, 8.0}) {
    const auto path = dir.path / ("late" + std::to_string(static_cast<int>(wait)) + ".edf");
    {
      auto config = config_for(path);
      config.strap_wait_s = wait;
      app::RecordWriter w(config);
      for (int ms = 300; ms < 20000; ms += 10) {
        const double t = ms / 1000.0;
        if (ms % 1000 == 300) w.add(drivers::RrInterval{t, drivers::kNoDeviceTime, 1024});
        if (t >= 3.0 && ms % 10 == 0) // ECG from 3 s (130 Hz is not a multiple of the loop: 100 Hz here)
          w.add(drivers::EcgSample{t, t, static_cast<float>(100 * std::sin(2 * std::numbers::pi * t))});
        if (t >= 5.6 && ms % 20 == 0) w.add(drivers::AccSample{t, t, 1000, 0, 0}); // ACC from 5.6 s, 50 Hz
      }
      w.advance(20);
      REQUIRE(w.finish(20).ok);
    }
    const auto rec = drivers::files::read_edf(path);
    auto has = [&](std::string const& label) {
      return std::any_of(rec.signals.begin(), rec.signals.end(), [&](auto const& s) { return s.label == label; });
    };
    INFO("waiting up to " << wait << " s");
    CHECK(has("ECG") == (wait > 0));
    CHECK(has("ACC Z") == (wait > 0));
    if (wait == 0) continue;
    bool ecg_from_3 = false;
    for (auto const& a : rec.annotations)
      ecg_from_3 |= a.text == "No data: ECG" && a.onset_s == Approx(0) && a.duration_s == Approx(3).margin(0.02);
    CHECK(ecg_from_3);
    CHECK(app::beats_from_annotations(rec).t_s.size() >= 18);
  }
}
