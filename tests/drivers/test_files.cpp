// File readers: CSV tables, signals from CSV/EDF+, RR series from Kubios text and CSV.
#include <catch2/catch.hpp>
#include <edflib.h>
#include <filesystem>
#include <fstream>

#include "pneuma/drivers/files/csv_table.hpp"
#include "pneuma/drivers/files/rr_file.hpp"
#include "pneuma/drivers/files/signal_file.hpp"
#include "support/shared_data.hpp"
#include "support/temp_dir.hpp"

using namespace pneuma::drivers::files;
namespace fs = std::filesystem;

using pneuma::test::TempDir;

namespace {
} // namespace

TEST_CASE("csv: header, separators, NaN cells and a time column give the rate", "[drivers][files]") {
  TempDir dir;
  const auto p = dir.write("a.csv", "time_s,IP\r\n0.000,1.5\n0.004,\n0.008,2\n\n");
  const CsvTable t = read_csv(p);
  REQUIRE(t.names == std::vector<std::string>{"time_s", "IP"});
  REQUIRE(t.rows() == 3);
  CHECK(std::isnan(t.columns[1][1]));
  const SignalData s = read_signal(p, std::nullopt, std::nullopt);
  CHECK(s.label == "IP");
  CHECK(s.fs_hz == Approx(250.0));
  const auto semi = dir.write("b.csv", "ECG;RSP\n1;2\n3;4\n");
  CHECK(read_signal(semi, std::string("RSP"), 100.0).values == std::vector<double>{2, 4});
}

TEST_CASE("csv: malformed content is named by file, line and column", "[drivers][files]") {
  TempDir dir;
  CHECK_THROWS_WITH(read_csv(dir.write("x.csv", "a,b\n1,2\n3,oops\n")),
                    Catch::Contains("x.csv:3") && Catch::Contains("'b'") && Catch::Contains("oops"));
  CHECK_THROWS_WITH(read_csv(dir.write("y.csv", "a,b\n1,2,3\n")), Catch::Contains("3 cells"));
  CHECK_THROWS_WITH(read_csv(dir.write("z.csv", "")), Catch::Contains("empty"));
  CHECK_THROWS_WITH(read_signal(dir.write("w.csv", "ECG\n1\n2\n"), std::nullopt, std::nullopt),
                    Catch::Contains("--fs"));
  CHECK_THROWS_WITH(read_signal(dir.write("v.csv", "ECG\n1\n"), std::string("RSP"), 100.0),
                    Catch::Contains("no column 'RSP'") && Catch::Contains("ECG"));
}

TEST_CASE("rr: Kubios text in ms or s, with a header, and CSV columns", "[drivers][files]") {
  TempDir dir;
  const auto ms = read_rr(dir.write("a.txt", "789\n727\r\n\n801\n"));
  CHECK(ms.rr_ms == std::vector<double>{789, 727, 801});
  const auto s = read_rr(dir.write("b.txt", "# exported\n0.789\n0.727\n"));
  CHECK(s.rr_ms[0] == Approx(789));
  const auto csv = read_rr(dir.write("c.csv", "beat_time_s,rr_ms\n0.789,789\n1.516,727\n"));
  CHECK(csv.rr_ms == std::vector<double>{789, 727});
  CHECK(csv.beat_time_s.size() == 2);
  CHECK_THROWS_WITH(read_rr(dir.write("d.txt", "700\n8x0\n")), Catch::Contains("d.txt:2"));
}

TEST_CASE("edf: signals and annotations written by EDFlib read back", "[drivers][files]") {
  TempDir dir;
  const auto path = (dir.path / "r.edf").string();
  const int h = edfopen_file_writeonly(path.c_str(), EDFLIB_FILETYPE_EDFPLUS, 1);
  REQUIRE(h >= 0);
  edf_set_samplefrequency(h, 0, 25);
  edf_set_physical_maximum(h, 0, 100);
  edf_set_physical_minimum(h, 0, -100);
  edf_set_digital_maximum(h, 0, 32767);
  edf_set_digital_minimum(h, 0, -32768);
  edf_set_label(h, 0, "Resp belt");
  edf_set_physical_dimension(h, 0, "%");
  std::vector<double> record(25);
  for (int sec = 0; sec < 4; ++sec) {
    for (int i = 0; i < 25; ++i) record[static_cast<std::size_t>(i)] = sec * 10 + i * 0.1;
    REQUIRE(edfwrite_physical_samples(h, record.data()) == 0);
  }
  edfwrite_annotation_utf8(h, 15000, -1, "beat");
  edfwrite_annotation_utf8(h, 25000, -1, "beat");
  REQUIRE(edfclose_file(h) == 0);

  CHECK(detect_file_kind(path) == FileKind::edf);
  const Recording rec = read_edf(path);
  REQUIRE(rec.signals.size() == 1);
  CHECK(rec.signals[0].label == "Resp belt");
  CHECK(rec.signals[0].unit == "%");
  CHECK(rec.signals[0].fs_hz == Approx(25));
  CHECK(rec.signals[0].values.size() == 100);
  CHECK(rec.signals[0].values[26] == Approx(10.1).margin(0.01));
  CHECK(rec.duration_s == Approx(4));
  const auto rr = read_rr(path);
  REQUIRE(rr.rr_ms.size() == 1);
  CHECK(rr.rr_ms[0] == Approx(1000));
  CHECK_THROWS_WITH(read_signal(path, std::nullopt, 30.0), Catch::Contains("disagrees"));
}

TEST_CASE("edf: a truncated or foreign file is a clear error", "[drivers][files]") {
  TempDir dir;
  CHECK_THROWS_WITH(read_edf(dir.write("bad.edf", "0       this is not an EDF header")),
                    Catch::Contains("bad.edf"));
}

TEST_CASE("files: the shared recordings load with their rates", "[drivers][files]") {
  const auto marsh = pneuma::test::shared_path("data/marsh/0005_signals_250hz.csv");
  const auto rr = marsh ? pneuma::test::shared_path("data/rr_healthy_000/000.txt") : std::nullopt;
  if (!rr) return;
  const SignalData ip = read_signal(*marsh, std::nullopt, std::nullopt);
  CHECK(ip.label == "IP");
  CHECK(ip.fs_hz == Approx(250).epsilon(1e-6));
  CHECK(read_rr(*rr).rr_ms.size() > 1000);
}
