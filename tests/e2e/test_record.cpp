// End to end: `pneuma run --record` -> EDF+ read by MNE (python3-mne); a recording process killed
// with SIGKILL -> repaired at the next start, its session marked interrupted in the store.
#include <catch2/catch.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fcntl.h>
#include <iostream>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "pneuma/drivers/files/signal_file.hpp"
#include "record/record_repair.hpp"
#include "record/record_writer.hpp"
#include "store/store.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using pneuma::test::pneuma_binary;
using pneuma::test::run_process;

extern char** environ;

using pneuma::test::TempDir;

namespace {


bool have_mne() {
  return run_process("/usr/bin/python3 -c 'import mne' 2>/dev/null").exit_code == 0;
}

/// What MNE sees in an EDF+ file, as JSON.
nlohmann::json mne_view(fs::path const& edf) {
  const fs::path script = edf.parent_path() / "view.py";
  std::ofstream(script) << R"py(
import json, sys, collections, warnings
warnings.simplefilter("ignore")
import mne
raw = mne.io.read_raw_edf(sys.argv[1], preload=True, verbose="error")
ann = raw.annotations
hr = raw.get_data(picks=["HR"])[0]
print(json.dumps({
  "channels": raw.ch_names,
  "samples_per_record": [int(n) for n in raw._raw_extras[0]["n_samps"][:len(raw.ch_names)]],
  "record_s": float(raw._raw_extras[0]["record_length"][0]),
  "duration_s": raw.n_times / raw.info["sfreq"],
  "counts": collections.Counter(ann.description),
  "beats": [float(o) for o, d in zip(ann.onset, ann.description) if d == "R"],
  "hr_median": float(sorted(hr)[len(hr) // 2]),
}))
)py";
  const auto r = run_process("/usr/bin/python3 " + script.string() + " " + edf.string());
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

} // namespace

TEST_CASE("record e2e: a simulated session opens in MNE with channels, rates, duration and annotations",
          "[e2e][slow]") {
  if (!have_mne()) {
    std::cout << "SKIPPED: python3-mne is not installed\n";
    return;
  }
  TempDir dir;
  const fs::path edf = dir.path / "session.edf";
  const auto r = run_process("{ XDG_DATA_HOME=" + dir.path.string() + " " + pneuma_binary() +
                             " run --headless --minutes 2 --speed 100 --rate 6 --source sim:seed=4 --record " +
                             edf.string() + " >/dev/null; }", true);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("saved session") != std::string::npos);
  CHECK_FALSE(fs::exists(pneuma::app::journal_path(edf)));

  const auto view = mne_view(edf);
  INFO(view.dump());
  CHECK(view["channels"] == nlohmann::json({"Resp belt", "HR", "Pacer"}));
  CHECK(view["samples_per_record"] == nlohmann::json({50, 4, 10}));
  CHECK(view["record_s"].get<double>() == 1.0);
  CHECK(view["duration_s"].get<double>() == Approx(120).margin(1e-6));
  // 6/min for 2 min: 12 inhale and 12 exhale cues; the simulated heart near its 66/min.
  CHECK(view["counts"]["Pacer inhale"].get<int>() == 12);
  CHECK(view["counts"]["Pacer exhale"].get<int>() == 12);
  CHECK(view["counts"]["Pacer 6.00/min 1:1.5"].get<int>() == 1);
  const auto beats = view["beats"].get<std::vector<double>>();
  CHECK(beats.size() > 110);
  CHECK(beats.size() < 150);
  for (std::size_t i = 1; i < beats.size(); ++i) {
    CHECK(beats[i] > beats[i - 1]);
    CHECK(beats[i] - beats[i - 1] < 1.6);
  }
  CHECK(view["hr_median"].get<double>() == Approx(66).margin(8));

  // The store lists it with its summary.
  pneuma::app::Store store(dir.path / "pneuma");
  const auto sessions = store.sessions();
  REQUIRE(sessions.size() == 1);
  CHECK(sessions[0].status == "complete");
  CHECK(sessions[0].duration_s == 120);
  CHECK(fs::equivalent(sessions[0].recording, edf));
  REQUIRE(sessions[0].metrics.mean_hr_bpm);
  CHECK(*sessions[0].metrics.mean_hr_bpm == Approx(66).margin(8));
  REQUIRE(sessions[0].metrics.breathing_bpm);
  CHECK(*sessions[0].metrics.breathing_bpm == Approx(6).margin(0.3));
}

TEST_CASE("record e2e: a recording killed with SIGKILL is repaired at the next start", "[e2e][slow]") {
  TempDir dir;
  const fs::path edf = dir.path / "killed.edf";
  const std::string xdg = "XDG_DATA_HOME=" + dir.path.string();
  std::vector<std::string> args = {pneuma_binary(), "run",      "--headless", "--minutes", "30",
                                   "--speed",       "10",       "--record",   edf.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {xdg};
  for (char** e = environ; *e != nullptr; ++e)
    if (std::string(*e).rfind("XDG_DATA_HOME=", 0) != 0) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) == 0);
  posix_spawn_file_actions_destroy(&actions);

  // Wait (bounded) until at least 45 s of session are on disk, then kill it hard.
  std::int64_t records = 0;
  for (int i = 0; i < 3000 && records < 45; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    try {
      if (fs::exists(edf)) {
        const auto l = pneuma::app::read_edf_layout(edf);
        records = (static_cast<std::int64_t>(fs::file_size(edf)) - l.header_bytes) / l.record_bytes;
      }
    } catch (std::exception const&) { // the header is not there yet
    }
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(records >= 45);
  REQUIRE(fs::exists(pneuma::app::journal_path(edf)));
  CHECK(pneuma::app::recording_state(edf) == pneuma::app::RecordingState::interrupted);

  // Any command that opens the store recovers it.
  const auto next = run_process("{ " + xdg + " " + pneuma_binary() +
                                " run --headless --minutes 0.05 --speed 50 --no-record >/dev/null; }", true);
  INFO(next.out);
  REQUIRE(next.exit_code == 0);
  CHECK(next.out.find("repaired the interrupted recording") != std::string::npos);
  CHECK_FALSE(fs::exists(pneuma::app::journal_path(edf)));
  CHECK(pneuma::app::recording_state(edf) == pneuma::app::RecordingState::complete);
  const auto layout = pneuma::app::read_edf_layout(edf);
  CHECK(layout.records_field >= records);

  pneuma::app::Store store(dir.path / "pneuma");
  const auto sessions = store.sessions();
  REQUIRE(sessions.size() == 2);
  CHECK(sessions[0].status == "interrupted");
  CHECK(sessions[0].duration_s == Approx(static_cast<double>(layout.records_field)));
  CHECK(sessions[0].metrics.beats > 10);

  if (have_mne()) {
    const auto view = mne_view(edf);
    INFO(view.dump());
    CHECK(view["duration_s"].get<double>() == Approx(static_cast<double>(layout.records_field)));
    CHECK(view["beats"].size() > 10);
    // The beats run to the end of the kept data (journal flushed with every record).
    CHECK(view["beats"].back().get<double>() > view["duration_s"].get<double>() - 3.0);
  }
}

TEST_CASE("record e2e: a write failure mid-session stops the recording, keeps what was written and says so",
          "[e2e][slow]") {
  TempDir dir;
  const fs::path edf = dir.path / "full.edf";
  // RLIMIT_FSIZE (ulimit -f, 512-byte blocks in sh) makes the file stop growing at 200 KiB, as a
  // full disk does (EFBIG instead of ENOSPC, the same path through the recorder).
  const auto r = run_process("{ XDG_DATA_HOME=" + dir.path.string() + " sh -c 'ulimit -f 400; exec " + pneuma_binary() +
                                 " run --headless --minutes 10 --speed 100 --record " + edf.string() +
                                 "' >/dev/null; }",
                             true);
  INFO(r.out);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("recording stopped: writing " + edf.string() + " failed") != std::string::npos);
  CHECK(r.out.find(" s kept in ") != std::string::npos);
  // What was written is a valid EDF+ file of whole records, well short of the 600 s session.
  REQUIRE(pneuma::app::recording_state(edf) != pneuma::app::RecordingState::in_use);
  const auto layout = pneuma::app::read_edf_layout(edf);
  CHECK(layout.records_field > 60);
  CHECK(layout.records_field < 300);
  CHECK(static_cast<std::int64_t>(fs::file_size(edf)) == layout.header_bytes + layout.records_field * layout.record_bytes);
  pneuma::app::Store store(dir.path / "pneuma");
  const auto sessions = store.sessions();
  REQUIRE(sessions.size() == 1);
  CHECK(sessions[0].status == "failed");
  CHECK(sessions[0].duration_s == Approx(static_cast<double>(layout.records_field)));
  if (have_mne()) {
    const auto view = mne_view(edf);
    CHECK(view["duration_s"].get<double>() == Approx(static_cast<double>(layout.records_field)));
  }
}

namespace {

std::string file_bytes(fs::path const& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

/// A short recording made by `pneuma run` (sim, 12 s of session at speed 100).
fs::path short_recording(TempDir const& dir, std::string const& name) {
  const fs::path edf = dir.path / name;
  const auto r = run_process("{ XDG_DATA_HOME=" + dir.path.string() + " " + pneuma_binary() +
                             " run --headless --minutes 0.2 --speed 100 --source sim:seed=3 --record " +
                             edf.string() + " >/dev/null; }", true);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  return edf;
}

/// Starts `pneuma run --record edf` (sim, speed 10), waits (bounded) until `seconds` of session are
/// on disk, kills it with SIGKILL, and returns the records written by then.
std::int64_t record_and_kill(fs::path const& edf, std::string const& xdg, double seconds) {
  std::vector<std::string> args = {pneuma_binary(), "run", "--headless", "--minutes", "30", "--speed", "10",
                                   "--source", "sim:seed=5", "--record", edf.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {xdg};
  for (char** e = environ; *e != nullptr; ++e)
    if (std::string(*e).rfind("XDG_DATA_HOME=", 0) != 0) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) == 0);
  posix_spawn_file_actions_destroy(&actions);
  std::int64_t records = 0;
  // The file appears after the first 2 s (layout), then grows a record per session second.
  for (int i = 0; i < 6000 && records < static_cast<std::int64_t>(seconds); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    try {
      if (fs::exists(edf) && fs::file_size(edf) > 0) {
        const auto l = pneuma::app::read_edf_layout(edf);
        records = (static_cast<std::int64_t>(fs::file_size(edf)) - l.header_bytes) / l.record_bytes;
      }
    } catch (std::exception const&) { // the header is not there yet
    }
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return records;
}

} // namespace

TEST_CASE("record e2e: reading never writes: report, export and replay leave a damaged file as it is",
          "[e2e][slow]") {
  TempDir dir;
  const fs::path edf = short_recording(dir, "s.edf");
  const std::string env = "XDG_DATA_HOME=" + dir.path.string() + " ";
  // The events export is sorted by time (beats settle late; markers come at the end).
  const auto events = run_process("{ " + env + pneuma_binary() + " export " + edf.string() + " --format events; }");
  REQUIRE(events.exit_code == 0);
  {
    std::istringstream lines(events.out);
    std::string line;
    std::getline(lines, line);
    double last = -1;
    int n = 0;
    while (std::getline(lines, line)) {
      const double onset = std::stod(line.substr(0, line.find(',')));
      CHECK(onset >= last);
      last = onset;
      ++n;
    }
    CHECK(n > 10);
  }
  // One bad header field: the record count says 1 of a 12 s file.
  {
    std::fstream f(edf, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(236);
    f << "1       ";
  }
  const auto before = file_bytes(edf);
  const auto report = run_process("{ " + env + pneuma_binary() + " report " + edf.string() + " -o " +
                                  (dir.path / "r.html").string() + "; }", true);
  INFO(report.out);
  CHECK(report.exit_code == 1);
  CHECK(report.out.find("pneuma repair") != std::string::npos);
  CHECK(file_bytes(edf) == before);
  const auto exported = run_process("{ " + env + pneuma_binary() + " export " + edf.string() + " --format csv; }", true);
  CHECK(exported.exit_code == 1);
  CHECK(file_bytes(edf) == before);
  (void)run_process("{ " + env + pneuma_binary() + " run --headless --no-record --speed 50 --minutes 0.05 --source replay:" +
                    edf.string() + " >/dev/null; }", true);
  CHECK(file_bytes(edf) == before);
  // On request, the repair refuses a header that does not describe the data, changing nothing.
  const auto repair = run_process("{ " + pneuma_binary() + " repair " + edf.string() + "; }", true);
  CHECK(repair.exit_code == 1);
  CHECK(repair.out.find("does not describe its data") != std::string::npos);
  CHECK(file_bytes(edf) == before);
}

TEST_CASE("record e2e: no silent overwrite: outputs, --record onto a file, a directory or /dev/null",
          "[e2e][slow]") {
  TempDir dir;
  const fs::path edf = short_recording(dir, "s.edf");
  const auto before = file_bytes(edf);
  const std::string env = "XDG_DATA_HOME=" + dir.path.string() + " ";
  auto run = [&](std::string const& args) { return run_process("{ " + env + pneuma_binary() + " " + args + "; }", true); };
  // The report's output onto its own input.
  auto r = run("report " + edf.string() + " -o " + edf.string() + " --force");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("is the input file") != std::string::npos);
  CHECK(file_bytes(edf) == before);
  // An existing export target is kept unless --force.
  const auto out = dir.write("rr.txt", "keep me");
  r = run("export " + edf.string() + " -o " + out.string());
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("give --force") != std::string::npos);
  CHECK(file_bytes(out) == "keep me");
  CHECK(run("export " + edf.string() + " -o " + out.string() + " --force").exit_code == 0);
  CHECK(file_bytes(out) != "keep me");
  // --record onto an existing file, the session's own replay source, a directory, /dev/null.
  r = run("run --headless --minutes 0.05 --speed 50 --record " + edf.string());
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("exists; give --force") != std::string::npos);
  r = run("run --headless --minutes 0.05 --speed 50 --force --source replay:" + edf.string() + " --record " + edf.string());
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("replay source") != std::string::npos);
  CHECK(file_bytes(edf) == before);
  r = run("run --headless --minutes 0.05 --speed 50 --record " + dir.path.string());
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("is a directory") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path.string() + ".journal"));
  r = run("run --headless --minutes 0.05 --speed 50 --force --record /dev/null");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("not a regular file") != std::string::npos);
  CHECK_FALSE(fs::exists("/dev/null.journal"));
  // None of the refused runs was listed as a session.
  pneuma::app::Store store(dir.path / "pneuma");
  CHECK(store.sessions().size() == 1);
}

TEST_CASE("record e2e: kill -9 at 5 s and 20 s keeps the beats, a second run never touches the journal",
          "[e2e][slow]") {
  TempDir dir;
  const std::string xdg = "XDG_DATA_HOME=" + dir.path.string();
  for (const double at : {5.0, 20.0}) {
    const fs::path edf = dir.path / ("killed-" + std::to_string(static_cast<int>(at)) + ".edf");
    const auto records = record_and_kill(edf, xdg, at);
    REQUIRE(records >= static_cast<std::int64_t>(at));
    REQUIRE(fs::exists(pneuma::app::journal_path(edf)));
    // The same --record again: refused before anything is opened; the journal stays as it was.
    const auto journal = file_bytes(pneuma::app::journal_path(edf));
    const auto again = run_process("{ " + xdg + " " + pneuma_binary() + " run --headless --minutes 0.05 --speed 50 --force --record " +
                                   edf.string() + " >/dev/null; }", true);
    CHECK(again.exit_code == 2);
    CHECK(again.out.find("interrupted") != std::string::npos);
    CHECK(file_bytes(pneuma::app::journal_path(edf)) == journal);
    const auto repair = run_process("{ " + pneuma_binary() + " repair " + edf.string() + "; }", true);
    INFO(repair.out);
    REQUIRE(repair.exit_code == 0);
    const auto rec = pneuma::drivers::files::read_edf(edf);
    std::vector<double> beats;
    for (auto const& a : rec.annotations)
      if (a.text == "R") beats.push_back(a.onset_s);
    INFO("killed at " << at << " s: " << beats.size() << " beats in " << rec.duration_s << " s");
    // The simulated heart beats 50-90/min; beats run to within 2 s of the data kept (journal
    // flushed with every record: at most 1 s lost, plus the beat not yet due).
    CHECK(static_cast<double>(beats.size()) >= (rec.duration_s - 3.0) * 50.0 / 60.0);
    REQUIRE_FALSE(beats.empty());
    CHECK(beats.back() > rec.duration_s - 2.5);
  }
}

TEST_CASE("record e2e: a session that cannot start leaves no session and no file", "[e2e][slow]") {
  TempDir dir;
  const auto r = run_process("{ XDG_DATA_HOME=" + dir.path.string() +
                             " DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/bus " + pneuma_binary() +
                             " run --headless --minutes 0.1 --speed 10 --source ble:auto >/dev/null; }", true);
  CHECK(r.out.find("no system D-Bus") != std::string::npos);
  INFO(r.out);
  CHECK(r.exit_code != 0);
  pneuma::app::Store store(dir.path / "pneuma");
  CHECK(store.sessions().empty());
  std::size_t files = 0;
  for (auto const& e : fs::directory_iterator(store.recordings_dir())) files += e.is_regular_file() ? 1 : 0;
  CHECK(files == 0);
}

TEST_CASE("record e2e: one clear line for each bad input, no raw bytes, no library text", "[e2e]") {
  TempDir dir;
  const std::string env = "XDG_DATA_HOME=" + dir.path.string() + " ";
  auto run = [&](std::string const& args) { return run_process("{ " + env + pneuma_binary() + " " + args + "; }", true); };
  auto clean = [](std::string const& out) {
    return std::none_of(out.begin(), out.end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return (u < 0x20 && c != '\n') || u == 0x7F;
    });
  };
  // Binary bytes (an escape sequence among them) are not echoed.
  const auto bin = dir.write("noise.txt", std::string("\x1b[2J\x01\x02\xff", 6) + "\n");
  auto r = run("analyze " + bin.string());
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("binary data") != std::string::npos);
  CHECK(clean(r.out));
  // A directory is named as one.
  r = run("analyze " + dir.path.string());
  CHECK(r.out.find("is a directory") != std::string::npos);
  CHECK(r.out.find("empty") == std::string::npos);
  r = run("run --headless --minutes 0.05 --speed 50 --no-record --plan " + dir.path.string());
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("is a directory") != std::string::npos);
  CHECK(r.out.find("basic_filebuf") == std::string::npos);
  // A column name and a file name that are not UTF-8 (Latin-1): analysed, valid JSON out.
  const auto latin = dir.write("Atemg\xfcrtel.csv", "time_s,Gurt\xfc\n");
  {
    std::ofstream out(latin, std::ios::app);
    for (int i = 0; i < 3000; ++i) out << i * 0.04 << "," << std::sin(i * 0.04 * 2 * 3.14159 * 0.2) << "\n";
  }
  r = run_process("{ " + env + pneuma_binary() + " analyze --kind resp --json " + latin.string() + "; }");
  CHECK(r.exit_code == 0);
  CHECK_NOTHROW(nlohmann::json::parse(r.out));
  // A 20-digit session id.
  r = run("report 12345678901234567890 -o " + (dir.path / "r.html").string());
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("not a session id") != std::string::npos);
  CHECK(r.out.find("stoll") == std::string::npos);
  // rate --help ends its caption in words, not a stray colon.
  r = run("rate --help");
  CHECK(r.out.find("0-10:") == std::string::npos);
  CHECK(r.out.find("only the fields it names") != std::string::npos);
}

TEST_CASE("record e2e: a replayed heart that stops is shown as unknown after a few seconds", "[e2e]") {
  TempDir dir;
  const auto rr = dir.write("three.txt", "800\n800\n800\n");
  // Speed 10: the value may stay 5 s + 0.5 wall-s x 10 = 10 s of session after the last beat.
  const auto r = run_process("{ XDG_DATA_HOME=" + dir.path.string() + " " + pneuma_binary() +
                             " run --headless --no-record --minutes 0.15 --speed 10 --source replay:" + rr.string() + "; }");
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.out);
  std::string line;
  bool seen = false;
  nlohmann::json last;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] != '{') continue;
    const auto j = nlohmann::json::parse(line);
    if (!j.contains("hr_bpm")) continue;
    seen |= j["hr_bpm"].is_number();
    last = j;
  }
  CHECK(seen);
  REQUIRE(last.contains("t_s"));
  CHECK(last["t_s"].get<double>() >= 8);
  CHECK(last["hr_bpm"].is_null());
}
