// End to end through the binary, the commands that had no test: export (every format, against the
// recording read back with EDFlib), rate, history --html, analyze's text output, and the
// simulated person's options given on the command line.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <edflib.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using pneuma::test::pneuma_binary;
using pneuma::test::run_process;
using pneuma::test::TempDir;

namespace {

/// The lines of a command's output; a headless run's closing {"summary":...} line is not a second's line.
std::vector<std::string> lines_of(std::string const& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l.rfind("{\"summary\"", 0) != 0) out.push_back(l);
  return out;
}

std::vector<std::string> split(std::string const& line, char sep) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) out.push_back(cell);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

/// A store in its own folder with one recorded 2-min session of a simulated person at 72/min.
struct RecordedSession {
  TempDir dir;
  std::string env = "XDG_DATA_HOME=" + dir.path.string() + " ";
  fs::path recording;

  RecordedSession() {
    const auto r = run_process(env + pneuma_binary() +
                                   " run --headless --minutes 2 --speed 100 --source sim:seed=3,hr=72 --before tension=6,pain=3",
                               true);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    const std::string tag = "recording ";
    const auto at = r.out.rfind(tag);
    REQUIRE(at != std::string::npos);
    recording = r.out.substr(at + tag.size(), r.out.find('\n', at) - at - tag.size());
    REQUIRE(fs::exists(recording));
  }
  pneuma::test::ProcessResult pneuma(std::string const& args) const {
    return run_process(env + pneuma_binary() + " " + args);
  }
};

} // namespace

TEST_CASE("export: every format agrees with the recording read back by EDFlib", "[e2e][record]") {
  const RecordedSession s;
  const auto kubios = s.pneuma("export last -f kubios");
  const auto rr_csv = s.pneuma("export last -f rr-csv");
  const auto csv = s.pneuma("export last -f csv");
  const auto events = s.pneuma("export last -f events");
  REQUIRE(kubios.exit_code == 0);
  REQUIRE(rr_csv.exit_code == 0);
  REQUIRE(csv.exit_code == 0);
  REQUIRE(events.exit_code == 0);

  // Kubios: one interval in ms per line; the RR CSV has the same intervals with their beat times,
  // each beat one interval after the last (4-decimal times: 0.1 ms).
  const auto k = lines_of(kubios.out);
  const auto r = lines_of(rr_csv.out);
  REQUIRE(r.size() == k.size() + 1);
  CHECK(r[0] == "beat_time_s,rr_ms,artifact");
  double sum_ms = 0;
  for (std::size_t i = 0; i < k.size(); ++i) {
    INFO("beat " << i << ": " << r[i + 1]);
    const auto cells = split(r[i + 1], ',');
    REQUIRE(cells.size() == 3);
    CHECK(std::stod(cells[1]) == std::stod(k[i]));
    CHECK((cells[2] == "0" || cells[2] == "1"));
    if (i > 0) CHECK(std::stod(cells[0]) - std::stod(split(r[i], ',')[0]) == Approx(std::stod(cells[1]) / 1000).margin(2e-4));
    sum_ms += std::stod(k[i]);
  }
  // 2 min of a person whose resting rate is 72/min: ~144 beats, spanning the session (the first
  // beat comes within 2 s); slow breathing moves the mean rate by a few beats/min (baroreflex).
  const double n = static_cast<double>(k.size());
  CHECK(sum_ms / 1000 == Approx(120).margin(2.5));
  CHECK(60000 / (sum_ms / n) == Approx(72).margin(4));

  // Signals CSV: every belt sample of the EDF+ file as EDFlib reads it (4 decimals printed).
  edf_hdr_struct hdr{};
  REQUIRE(edfopen_file_readonly(s.recording.c_str(), &hdr, EDFLIB_READ_ALL_ANNOTATIONS) == 0);
  int belt = -1;
  for (int i = 0; i < hdr.edfsignals; ++i)
    if (std::string(hdr.signalparam[i].label).rfind("Resp belt", 0) == 0) belt = i;
  REQUIRE(belt >= 0);
  const auto n_belt = static_cast<int>(hdr.signalparam[belt].smp_in_file);
  std::vector<double> edf(static_cast<std::size_t>(n_belt));
  REQUIRE(edfread_physical_samples(hdr.handle, belt, n_belt, edf.data()) == n_belt);
  const long long annotations = hdr.annotations_in_file;
  edfclose_file(hdr.handle);
  const auto c = lines_of(csv.out);
  REQUIRE(!c.empty());
  const auto header = split(c[0], ',');
  REQUIRE(header.size() >= 2);
  CHECK(header[0] == "time_s");
  CHECK(header[1] == "Resp belt [au]");
  REQUIRE(c.size() == edf.size() + 1); // 50 Hz x 120 s
  CHECK(edf.size() == 6000);
  for (std::size_t i = 0; i < edf.size(); i += 97) {
    INFO("sample " << i << ": " << c[i + 1]);
    const auto cells = split(c[i + 1], ',');
    CHECK(std::stod(cells[0]) == Approx(static_cast<double>(i) / 50).margin(1e-4));
    CHECK(std::stod(cells[1]) == Approx(edf[i]).margin(1e-4));
  }

  // Events: the file's EDF+ annotations, one per row, the pacer settings among them.
  const auto e = lines_of(events.out);
  REQUIRE(!e.empty());
  CHECK(e[0] == "onset_s,duration_s,text");
  CHECK(static_cast<long long>(e.size()) - 1 == annotations);
  CHECK(events.out.find(",Pacer 6.00/min 1:1.5\n") != std::string::npos);
}

TEST_CASE("export: a bad session or format is one line and a non-zero exit", "[e2e][record]") {
  TempDir dir;
  const std::string env = "XDG_DATA_HOME=" + dir.path.string() + " ";
  auto r = run_process(env + pneuma_binary() + " export last", true);
  CHECK(r.exit_code != 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  r = run_process(env + pneuma_binary() + " export last -f xml", true);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("pneuma export") == 0);
}

TEST_CASE("rate: a rating after the session is stored and history shows before > after", "[e2e][store]") {
  const RecordedSession s;
  auto r = run_process(s.env + pneuma_binary() + " rate last --after tension=2,pain=1,note=calmer", true);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "pneuma rate: saved for session 1\n");
  const auto h = s.pneuma("history --sessions");
  REQUIRE(h.exit_code == 0);
  INFO(h.out);
  // The weekly row holds the means (6.0>2.0, 3.0>1.0); the session row the values themselves.
  CHECK(h.out.find("6.0>2.0") != std::string::npos);
  CHECK(h.out.find("3.0>1.0") != std::string::npos);
  CHECK(h.out.find("6>2") != std::string::npos);
  // Out-of-range and malformed ratings are refused with one line, nothing stored.
  for (const char* bad : {"--after tension=11,pain=1", "--after calm", "--after pain=-1"}) {
    INFO(bad);
    const auto b = run_process(s.env + pneuma_binary() + " rate last " + bad, true);
    CHECK(b.exit_code == 2);
    CHECK(std::count(b.out.begin(), b.out.end(), '\n') == 1);
  }
  CHECK(s.pneuma("history --sessions").out == h.out);
}

TEST_CASE("history --html: a self-contained page with the weekly numbers and a chart per measure", "[e2e][report]") {
  const RecordedSession s;
  const auto page = s.dir.path / "history.html";
  const auto r = run_process(s.env + pneuma_binary() + " history --html " + page.string(), true);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("pneuma history: wrote " + page.string()) != std::string::npos);
  std::ifstream in(page);
  const std::string html{std::istreambuf_iterator<char>(in), {}};
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("Practice history: default") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos); // nothing runs, nothing loads from elsewhere
  CHECK(html.find("src=") == std::string::npos);
  std::size_t charts = 0;
  for (auto at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++charts;
  CHECK(charts >= 3);
}

TEST_CASE("analyze: the text output says what the JSON says, key by key", "[e2e][heart]") {
  TempDir dir;
  std::string rr;
  for (int i = 0; i < 300; ++i) rr += std::to_string(850 + (i % 7) * 9 - (i % 3) * 11) + "\n";
  const auto file = dir.write("rr.txt", rr);
  const auto text = run_process(pneuma_binary() + " analyze " + file.string() + " --kind rr");
  const auto json = run_process(pneuma_binary() + " analyze " + file.string() + " --kind rr --json");
  REQUIRE(text.exit_code == 0);
  REQUIRE(json.exit_code == 0);
  const auto j = nlohmann::json::parse(json.out);
  const auto lines = lines_of(text.out);
  REQUIRE(lines.size() > 20);
  CHECK(lines[0] == file.string() + " (rr)");
  // Every "  a.b.c: value" line is the JSON's value at /a/b/c, printed the same way (a list by
  // its length).
  int compared = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    INFO(lines[i]);
    const auto colon = lines[i].find(": ");
    REQUIRE(colon != std::string::npos);
    std::string key = lines[i].substr(2, colon - 2);
    for (auto& ch : key)
      if (ch == '.') ch = '/';
    const nlohmann::json::json_pointer ptr("/" + key);
    REQUIRE(j.contains(ptr));
    const auto& value = j[ptr];
    CHECK(lines[i].substr(colon + 2) ==
          (value.is_array() ? std::to_string(value.size()) + " values (use --json for all)" : value.dump()));
    ++compared;
  }
  CHECK(compared > 20);
  CHECK(j["rr"]["n"] == 300);
}

TEST_CASE("sim: options from the command line reach the simulated person", "[e2e][sim]") {
  // hr=85, spontaneous rate 15/min and follow=0 (ignores the pacer): the last 30 s of the
  // headless lines show that person, not the default one following the 6/min pacer.
  const auto r = run_process(pneuma_binary() +
                             " run --headless --no-store --no-record --minutes 1.5 --speed 100 --source sim:seed=4,hr=85,rate=15,follow=0");
  REQUIRE(r.exit_code == 0);
  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() >= 89);
  double breathing = 0, hr = 0;
  int nb = 0, nh = 0;
  for (std::size_t i = lines.size() - 30; i < lines.size(); ++i) {
    const auto j = nlohmann::json::parse(lines[i]);
    if (j["breathing_bpm"].is_number()) breathing += j["breathing_bpm"].get<double>(), ++nb;
    if (j["hr_bpm"].is_number()) hr += j["hr_bpm"].get<double>(), ++nh;
  }
  REQUIRE(nb >= 25);
  REQUIRE(nh >= 25);
  // Breath-to-breath variability (cv) and the spectral estimate's resolution: within 1.5/min;
  // RSA swings HR by several beats/min around its mean: the 30-s mean within 5/min.
  CHECK(breathing / nb == Approx(15).margin(1.5));
  CHECK(hr / nh == Approx(85).margin(5));
  // An unknown option is named.
  const auto bad = run_process(pneuma_binary() + " run --headless --no-store --source sim:heart=80", true);
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.find("heart") != std::string::npos);
}
