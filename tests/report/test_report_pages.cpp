// The report a person reads: the patient's page first, local time with the zone, LF only where
// pneuma analyze gives it, and the PDF's pages rendered back to pixels.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "report/report.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using pneuma::test::pneuma_binary;
using pneuma::test::run_process;
using pneuma::test::TempDir;

namespace {
std::string slurp(fs::path const& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
} // namespace

TEST_CASE("report: start time in local time with the zone's name and offset", "[report]") {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  ::setenv("TZ", "Europe/Berlin", 1);
  ::tzset();
  // 22:05 UTC in December is 23:05 in Berlin (CET, UTC+1); in July 00:05 the next day (CEST).
  CHECK(pneuma::app::local_time_text("2026-12-01T22:05:00Z") == "Tue 1 Dec 2026, 23:05 CET (UTC+01:00)");
  CHECK(pneuma::app::local_time_text("2026-07-01T22:05:00Z") == "Thu 2 Jul 2026, 00:05 CEST (UTC+02:00)");
  CHECK(pneuma::app::local_time_text("not a time") == "not a time");
  if (old) ::setenv("TZ", saved.c_str(), 1);
  else ::unsetenv("TZ");
  ::tzset();
}

TEST_CASE("report: the patient's page comes first, and a 1-minute session has no LF number", "[report][e2e]") {
  TempDir dir;
  const std::string env = "XDG_DATA_HOME=" + dir.path.string() + " TZ=UTC ";
  REQUIRE(run_process(env + pneuma_binary() + " run --headless --minutes 1 --speed 100 --source sim:seed=4").exit_code == 0);
  const fs::path html = dir.path / "r.html";
  REQUIRE(run_process(env + pneuma_binary() + " report last -o " + html.string()).exit_code == 0);
  const std::string page = slurp(html);
  const auto patient = page.find("id=\"patient\""), numbers = page.find("the numbers</h1>");
  REQUIRE(patient != std::string::npos);
  REQUIRE(numbers != std::string::npos);
  CHECK(patient < numbers);
  CHECK(page.find("You breathed with the pacer for 1 minute at 6.0 breaths a minute") != std::string::npos);
  CHECK(page.find("typical during slow breathing: 10&ndash;25, less with age") != std::string::npos);
  CHECK(page.find("UTC (UTC+00:00)") != std::string::npos);
  // pneuma analyze gives null LF below 2 min of beats (Task Force 1996); the report says why.
  CHECK(page.find("LF power (ms&sup2;): needs 2 min of beats") != std::string::npos);
}

TEST_CASE("report --pdf: A4 pages, the patient's text first, then the charts", "[report][e2e][slow]") {
  if (run_process("command -v chromium").exit_code != 0 || run_process("command -v pdftoppm").exit_code != 0) {
    std::cout << "SKIPPED: chromium or pdftoppm (poppler-utils) is not installed\n";
    return;
  }
  TempDir dir;
  const std::string env = "XDG_DATA_HOME=" + dir.path.string() + " ";
  REQUIRE(run_process(env + pneuma_binary() + " run --headless --minutes 2 --speed 100 --source sim:seed=2").exit_code == 0);
  const fs::path pdf = dir.path / "r.pdf";
  const auto r = run_process(env + pneuma_binary() + " report last --pdf " + pdf.string(), true);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(slurp(pdf).rfind("%PDF-", 0) == 0);
  CHECK_FALSE(fs::exists(pdf.string() + ".html")); // only the PDF was asked for
  REQUIRE(run_process("pdftoppm -r 40 -png " + pdf.string() + " " + (dir.path / "page").string()).exit_code == 0);
  REQUIRE(fs::exists(dir.path / "page-1.png"));
  REQUIRE(fs::exists(dir.path / "page-2.png"));
  // A4 at 40 dpi is 331 x 468 px. Page 1 is words only (no chart colour); page 2 carries the
  // belt's blue line.
  const auto pixels = run_process(
      "/usr/bin/python3 -c \"import sys\nfrom PIL import Image\nfor p in sys.argv[1:]:\n"
      "  im = Image.open(p).convert('RGB')\n"
      "  blue = sum(1 for c in im.getdata() if abs(c[0]-31) < 40 and abs(c[1]-119) < 40 and abs(c[2]-180) < 40)\n"
      "  print(im.size[0], im.size[1], blue)\" " +
      (dir.path / "page-1.png").string() + " " + (dir.path / "page-2.png").string());
  REQUIRE(pixels.exit_code == 0);
  std::istringstream in(pixels.out);
  int w1 = 0, h1 = 0, blue1 = 0, w2 = 0, h2 = 0, blue2 = 0;
  in >> w1 >> h1 >> blue1 >> w2 >> h2 >> blue2;
  CHECK(w1 == Approx(331).margin(2));
  CHECK(h1 == Approx(468).margin(2));
  CHECK(blue1 < 20);
  CHECK(blue2 > 100);
}
