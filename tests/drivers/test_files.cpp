// File readers: CSV tables, signals from CSV/EDF+, RR series from Kubios text and CSV.
#include <algorithm>
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

TEST_CASE("rr: which beats a recording's sensor labels call optical, whatever the annotations' order",
          "[drivers][files]") {
  Recording rec;
  std::vector<double> beats;
  for (int s = 1; s <= 60; ++s) beats.push_back(s + 0.05);
  CHECK_FALSE(beats_mostly_optical(rec, beats)); // no label: R-R
  // Optical from 11 s to 51 s (40 of 60 beats), the labels listed last and out of order.
  rec.annotations = {{1.0, -1, "R"}, {51.05, -1, kBeatsRrLabel}, {11.05, -1, kBeatsOpticalLabel}};
  CHECK(beats_mostly_optical(rec, beats));
  // Optical from 41 s only: 20 of 60.
  rec.annotations = {{41.05, -1, kBeatsOpticalLabel}};
  CHECK_FALSE(beats_mostly_optical(rec, beats));
  // Optical from the start, a stretch of R-R in the middle: 50 of 60.
  rec.annotations = {{0, -1, kBeatsOpticalLabel}, {20.05, -1, kBeatsRrLabel}, {30.05, -1, kBeatsOpticalLabel}};
  CHECK(beats_mostly_optical(rec, beats));
  CHECK_FALSE(beats_mostly_optical(rec, {}));
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

// The RR exports people have, as the apps document their layouts (issue: imports).
TEST_CASE("rr: Polar Sensor Logger, Elite HRV and HRV Logger exports, decimal commas", "[drivers][files]") {
  TempDir dir;
  // Polar Sensor Logger's RR file: ISO phone time, semicolons, the unit in brackets.
  const auto polar = read_rr(dir.write("Polar_H10_RR.txt", "Phone timestamp;RR-interval [ms]\n"
                                                           "2023-04-01T10:00:00.123;820\n"
                                                           "2023-04-01T10:00:00.940;817\n"
                                                           "2023-04-01T10:00:01.771;831\n"));
  CHECK(polar.rr_ms == std::vector<double>{820, 817, 831});
  CHECK(polar.source == "RR-interval [ms]");
  // ... also when the column is named, which failed on the timestamp column before.
  CHECK(read_rr(dir.path / "Polar_H10_RR.txt", std::string("RR-interval [ms]")).rr_ms.size() == 3);
  // Elite HRV: one interval a line, ms, with or without a header, maybe with decimal commas.
  CHECK(read_rr(dir.write("elite.txt", "812\n799\n805\n")).rr_ms == std::vector<double>{812, 799, 805});
  CHECK(read_rr(dir.write("elite_h.txt", "RR Intervals\n812\n799\n")).rr_ms == std::vector<double>{812, 799});
  const auto comma = read_rr(dir.write("comma.txt", "0,899\n0,912\n"));
  REQUIRE(comma.rr_ms.size() == 2);
  CHECK(comma.rr_ms[0] == Approx(899)); // seconds (median < 10) in ms
  // HRV Logger's RR CSV: date, rr in ms, since start.
  const auto logger = read_rr(dir.write("RR_0001.csv", "date,rr,since start\n"
                                                        "2025-03-15 09:00:15.123,823,0\n"
                                                        "2025-03-15 09:00:15.946,812,823\n"));
  CHECK(logger.rr_ms == std::vector<double>{823, 812});
  // A spreadsheet's semicolon CSV with decimal commas.
  const auto semi = read_rr(dir.write("sheet.csv", "t;rr_s\n0,8;0,812\n1,6;0,799\n"));
  REQUIRE(semi.rr_ms.size() == 2);
  CHECK(semi.rr_ms[1] == Approx(799));
  // Anything else: the message names the layouts expected.
  CHECK_THROWS_WITH(read_rr(dir.write("other.csv", "when,value\n1,2\n")),
                    Catch::Contains("no RR column") && Catch::Contains("Polar Sensor Logger") &&
                        Catch::Contains("HRV Logger") && Catch::Contains("--column"));
}

TEST_CASE("files: bad input is one clear line naming the file, never raw bytes", "[drivers][files]") {
  TempDir dir;
  CHECK_THROWS_WITH(read_csv(dir.path), Catch::Contains("is a directory"));
  CHECK_THROWS_WITH(detect_file_kind(dir.path), Catch::Contains("is a directory"));
  CHECK_THROWS_WITH(read_rr(dir.write("empty.txt", "")), Catch::Contains("empty.txt: the file is empty"));
  // Binary bytes are named as such, and no byte below 0x20 reaches the message.
  const auto bin = dir.write("noise.csv", std::string("\x01\x02\x1b[2J\xff\xfe", 8) + "\n1\n");
  try {
    (void)read_rr(bin);
    FAIL("binary data was read");
  } catch (std::exception const& e) {
    const std::string what = e.what();
    CHECK(what.find("binary data") != std::string::npos);
    CHECK(std::none_of(what.begin(), what.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }));
  }
  // A cell with an escape sequence is shown escaped.
  CHECK_THROWS_WITH(read_csv(dir.write("esc.csv", "a,b\n1,\x1b[31mred\n")), Catch::Contains("\\x1B[31mred"));
  // A column name that is not UTF-8 (Latin-1 "Atemgürtel") reads as valid UTF-8.
  const auto latin = read_csv(dir.write("latin.csv", "time_s,Atemg\xfcrtel\n0,1\n0.1,2\n"));
  CHECK(latin.names[1] == "Atemg\xEF\xBF\xBDrtel");
}

TEST_CASE("files: memory is bounded: a 2 GB file and a 50 MB line are refused before they are read",
          "[drivers][files]") {
  TempDir dir;
  // A sparse 2 GB file (no disk used): refused by its size, before a byte is buffered.
  const auto sparse = dir.path / "big.csv";
  std::ofstream(sparse) << "a,b\n";
  fs::resize_file(sparse, std::uintmax_t{2} << 30);
  CHECK_THROWS_WITH(read_csv(sparse), Catch::Contains("2048 MB") && Catch::Contains("more than"));
  // Its zeros are binary data to the kind detection, which reads only the first 4 KB.
  CHECK_THROWS_WITH(detect_file_kind(sparse), Catch::Contains("binary data"));
  // One 50 MB line: refused at 1 MB by the kind detection and by each reader.
  const auto line = dir.path / "line.csv";
  {
    std::ofstream out(line);
    out << "a,b\n1,";
    const std::string chunk(1 << 20, '7');
    for (int i = 0; i < 50; ++i) out << chunk;
    out << "\n";
  }
  CHECK_THROWS_WITH(read_csv(line), Catch::Contains("line.csv:2") && Catch::Contains("longer than 1 MB"));
  CHECK_THROWS_WITH(read_rr(line), Catch::Contains("longer than 1 MB"));
  const auto text = dir.path / "line.txt";
  fs::copy_file(line, text);
  { std::ofstream(text, std::ios::trunc) << std::string(50u << 20, '8') << "\n"; }
  CHECK_THROWS_WITH(detect_file_kind(text), Catch::Contains("longer than 1 MB"));
}
