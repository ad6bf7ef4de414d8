// End to end: `pneuma analyze FILE --kind resp` on CSV and EDF+ files written by the test.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <string>

#include "dsp/test_resp_synth.hpp"
#include "support/process.hpp"

using pneuma::test::pneuma_binary;
using pneuma::test::run_process;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  const fs::path d = fs::temp_directory_path() / ("pneuma_resp_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

/// 12 breaths/min belt signal, 2 min, with known peaks.
pneuma::test::SynthSignal belt(double fs) {
  pneuma::test::SynthOptions o;
  o.fs = fs;
  o.noise_sd = 0.01;
  o.offset = 3;
  o.scale = 100;
  return pneuma::test::synth_breathing(pneuma::test::steady(12, 24), o);
}

std::string field(std::string s, std::size_t n) {
  s.resize(n, ' ');
  return s;
}

/// A minimal EDF+C file: one signal (16-bit, 1-s records) and the annotation signal.
void write_edf(fs::path const& path, std::vector<double> const& x, int fs, std::string const& label) {
  const int records = static_cast<int>(x.size()) / fs;
  const int ann_samples = 30; // 60 bytes of time-keeping TAL per record
  std::ofstream out(path, std::ios::binary);
  const int ns = 2;
  out << field("0", 8) << field("X X X X", 80) << field("Startdate 01-JAN-2026 X X X", 80)
      << field("01.01.26", 8) << field("00.00.00", 8) << field(std::to_string(256 * (ns + 1)), 8)
      << field("EDF+C", 44) << field(std::to_string(records), 8) << field("1", 8)
      << field(std::to_string(ns), 4);
  out << field(label, 16) << field("EDF Annotations", 16);
  out << field("", 80) << field("", 80);                    // transducer
  out << field("au", 8) << field("", 8);                    // dimension
  out << field("0", 8) << field("-1", 8);                   // physical min
  out << field("1000", 8) << field("1", 8);                 // physical max
  out << field("-32768", 8) << field("-32768", 8);          // digital min
  out << field("32767", 8) << field("32767", 8);            // digital max
  out << field("", 80) << field("", 80);                    // prefiltering
  out << field(std::to_string(fs), 8) << field(std::to_string(ann_samples), 8);
  out << field("", 32) << field("", 32);
  for (int r = 0; r < records; ++r) {
    for (int i = 0; i < fs; ++i) {
      const double v = x[static_cast<std::size_t>(r * fs + i)];
      const auto d = static_cast<std::int16_t>(std::lround(-32768 + (v / 1000.0) * 65535));
      out.put(static_cast<char>(d & 0xff));
      out.put(static_cast<char>((d >> 8) & 0xff));
    }
    std::string tal = "+" + std::to_string(r) + "\x14\x14";
    tal.push_back('\0');
    tal.resize(2 * ann_samples, '\0');
    out.write(tal.data(), static_cast<std::streamsize>(tal.size()));
  }
}

void check_breathing(nlohmann::json const& j, pneuma::test::SynthSignal const& sig) {
  auto const& b = j.at("breathing");
  CHECK(b.at("rate_bpm").get<double>() == Approx(12).margin(0.2));
  auto const& breaths = b.at("breaths");
  REQUIRE(breaths.size() >= sig.peaks_s.size() - 2);
  REQUIRE(breaths.size() <= sig.peaks_s.size());
  for (auto const& br : breaths) {
    const double peak = br.at("peak_s").get<double>();
    double best = 1e9;
    for (double p : sig.peaks_s) best = std::min(best, std::abs(p - peak));
    CHECK(best <= 0.2);
    REQUIRE(br.contains("onset_s"));
    REQUIRE(br.contains("duration_s"));
    REQUIRE(br.contains("ie_ratio"));
  }
  CHECK(breaths[5].at("ie_ratio").get<double>() == Approx(0.4 / 0.6).margin(0.1));
  CHECK(breaths[5].at("duration_s").get<double>() == Approx(5.0).margin(0.2));
  REQUIRE(b.at("rate_series").size() >= 10);
  CHECK(b.at("rate_series")[10][1].get<double>() == Approx(12).margin(0.3));
  CHECK(b.at("amplitude").get<double>() == Approx(100).margin(5));
  CHECK(b.at("regularity_cv").get<double>() < 0.02);
  CHECK(b.at("quality").get<double>() > 0.6);
  CHECK(j.at("duration_s").get<double>() == Approx(120).margin(0.1));
}

} // namespace

TEST_CASE("analyze --kind resp: CSV column with --fs gives the breathing keys", "[e2e][resp]") {
  const auto dir = temp_dir();
  const auto sig = belt(50);
  const fs::path csv = dir / "belt.csv";
  {
    std::ofstream out(csv);
    out << "marker,chest\n";
    for (double v : sig.x) out << "0," << v << "\n";
  }
  const auto r = run_process(pneuma_binary() + " analyze " + csv.string() +
                             " --kind resp --fs 50 --column chest --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("input").at("kind") == "resp");
  check_breathing(j, sig);
  fs::remove_all(dir);
}

TEST_CASE("analyze --kind resp: a wrong --fs is flagged", "[e2e][resp]") {
  const auto dir = temp_dir();
  const auto sig = belt(50);
  const fs::path csv = dir / "belt.csv";
  {
    std::ofstream out(csv);
    out << "resp\n";
    for (double v : sig.x) out << v << "\n";
  }
  // Declared at 10 Hz, the 12/min breathing reads as 2.4/min.
  const auto r = run_process(pneuma_binary() + " analyze " + csv.string() + " --kind resp --fs 10 --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("breathing").at("warnings").dump().find("--fs") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("analyze --kind resp: EDF+ signal by label", "[e2e][resp]") {
  const auto dir = temp_dir();
  const auto sig = belt(25);
  const fs::path edf = dir / "belt.edf";
  write_edf(edf, sig.x, 25, "Resp chest");
  const auto r = run_process(pneuma_binary() + " analyze " + edf.string() +
                             " --kind resp --column 'Resp chest' --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("input").at("fs_hz").get<double>() == Approx(25));
  check_breathing(j, sig);
  fs::remove_all(dir);
}

TEST_CASE("analyze --kind resp: bad input gives one line and the documented exit code", "[e2e][resp]") {
  const auto dir = temp_dir();
  const fs::path csv = dir / "nan.csv";
  {
    std::ofstream out(csv);
    out << "resp\n";
    for (int i = 0; i < 500; ++i) out << (i % 2 ? "nan" : "1e308") << "\n";
  }
  // Garbage values: runs, reports no breaths (never crashes).
  auto r = run_process(pneuma_binary() + " analyze " + csv.string() + " --kind resp --fs 25 --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("breathing").at("breaths").empty());
  CHECK(j.at("breathing").at("rate_bpm").is_null());
  CHECK(j.at("breathing").at("warnings").dump().find("no breathing found") != std::string::npos);
  // A sampling rate respiration cannot use: usage error, one line.
  r = run_process(pneuma_binary() + " analyze " + csv.string() + " --kind resp --fs 1", true);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("Hz") != std::string::npos);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  fs::remove_all(dir);
}
