// End to end: `pneuma run --record` -> EDF+ read by MNE (python3-mne); a recording process killed
// with SIGKILL -> repaired at the next start, its session marked interrupted in the store.
#include <catch2/catch.hpp>
#include <chrono>
#include <fcntl.h>
#include <iostream>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

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
