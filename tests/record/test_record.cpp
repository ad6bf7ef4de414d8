// RecordWriter -> EDF+ -> drivers' EDF reader, and the repair of a recording cut short.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/record_analysis.hpp"
#include "record/record_repair.hpp"
#include "record/record_writer.hpp"
#include "pneuma/drivers/files/signal_file.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace pneuma;

using pneuma::test::TempDir;

namespace {


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
  CHECK(fs::file_size(cut) == 600);
}

TEST_CASE("record writer: an unwritable place fails before the session starts", "[app]") {
  CHECK_THROWS_WITH(app::RecordWriter(config_for("/nonexistent-dir/x.edf")),
                    Catch::Contains("cannot write the recording"));
}

TEST_CASE("record writer: disconnections and gaps become annotations; the hole is a marked straight line",
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
  CHECK(belt[11 * 25] == Approx(before + (after - before) * 26.0 / 76.0).margin(1e-6));
  CHECK(after == Approx(2000 + 300 * std::sin(2 * std::numbers::pi * 0.1 * 13)).margin(0.7));
  CHECK(belt[13 * 25 + 5] == Approx(2000 + 300 * std::sin(2 * std::numbers::pi * 0.1 * (13 + 5 / 25.0))).margin(0.7));
}
