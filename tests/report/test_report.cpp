// The HTML report, rendered by headless Chromium: chart elements in the DOM, pixels on screen,
// nothing loaded from outside the file.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report/report_svg.hpp"
#include "support/process.hpp"
#include "support/skip.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using pneuma::test::pneuma_binary;
using pneuma::test::run_process;

using pneuma::test::TempDir;

namespace {


std::string chromium(fs::path const& dir, std::string const& what) {
  return "chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
         "--disable-component-update --disable-sync --no-first-run --user-data-dir=" +
         (dir / "chrome-profile").string() + " " + what;
}

std::size_t count(std::string const& text, std::string const& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

} // namespace

TEST_CASE("report svg: decimation keeps the extremes and escaping is safe", "[app]") {
  pneuma::app::Series s;
  for (int i = 0; i < 10000; ++i) {
    s.x.push_back(i);
    s.y.push_back(i == 4321 ? 50.0 : (i == 777 ? -40.0 : std::sin(i * 0.01)));
  }
  const auto d = pneuma::app::decimate(s, 500);
  CHECK(d.x.size() <= 500);
  CHECK(*std::max_element(d.y.begin(), d.y.end()) == 50.0);
  CHECK(*std::min_element(d.y.begin(), d.y.end()) == -40.0);
  CHECK(pneuma::app::html_escape("<a href=\"x\">&") == "&lt;a href=&quot;x&quot;&gt;&amp;");
  const auto svg = pneuma::app::svg_line_chart({"c", "T <1>", "x", "y", 300, 200, {}, {}, {}}, {s});
  CHECK(svg.find("T &lt;1&gt;") != std::string::npos);
  CHECK(count(svg, "<polyline") == 1);
}

TEST_CASE("report: headless Chromium renders the charts of a recorded session", "[app][slow]") {
  if (run_process("command -v chromium").exit_code != 0) PNEUMA_SKIP("chromium is not installed (scripts/setup.sh)");
  TempDir dir;
  const std::string env = "XDG_DATA_HOME=" + dir.path.string() + " ";
  REQUIRE(run_process(env + pneuma_binary() +
                      " run --headless --minutes 2 --speed 100 --source sim:seed=2 --before tension=6,pain=3")
              .exit_code == 0);
  const fs::path html = dir.path / "report.html";
  const auto r = run_process(env + pneuma_binary() + " report last -o " + html.string(), true);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  std::ifstream in(html);
  const std::string page{std::istreambuf_iterator<char>(in), {}};
  // Self-contained: no scripts, no stylesheets or images from elsewhere.
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
  CHECK(page.find("src=") == std::string::npos);
  CHECK(page.find("@media print") != std::string::npos);

  const auto dom = run_process(chromium(dir.path, "--dump-dom file://" + html.string()));
  REQUIRE(dom.exit_code == 0);
  for (const char* id : {"chart-breathing-detail", "chart-breathing", "chart-hr-rsa", "chart-hr", "chart-hrv"}) {
    INFO(id);
    CHECK(dom.out.find(std::string("id=\"") + id + "\"") != std::string::npos);
  }
  CHECK(count(dom.out, "class=\"series belt\"") == 2);
  CHECK(count(dom.out, "class=\"series pacer\"") == 2);
  CHECK(count(dom.out, "class=\"series hr\"") == 2);
  CHECK(count(dom.out, "class=\"bar\"") == 8);
  CHECK(count(dom.out, "class=\"band\"") >= 8); // 90 s at 6/min: 9 inhalations shaded
  CHECK(dom.out.find("id=\"ratings\"") != std::string::npos);
  CHECK(dom.out.find("no data") == std::string::npos);

  const fs::path png = dir.path / "shot.png";
  REQUIRE(run_process(chromium(dir.path, "--screenshot=" + png.string() + " --window-size=1000,2400 file://" +
                                             html.string()))
              .exit_code == 0);
  REQUIRE(fs::exists(png));
  // Pixels: the belt (blue), pacer (orange) and heart-rate (red) lines are drawn.
  const auto pixels = run_process("/usr/bin/python3 -c \"import sys, json\nfrom PIL import Image\n"
                                  "im = Image.open(sys.argv[1]).convert('RGB')\n"
                                  "c = {'belt': (31,119,180), 'pacer': (255,127,14), 'hr': (214,39,40)}\n"
                                  "n = {k: 0 for k in c}\n"
                                  "for p in im.getdata():\n"
                                  "  for k, v in c.items():\n"
                                  "    if sum(abs(a - b) for a, b in zip(p, v)) < 40: n[k] += 1\n"
                                  "print(json.dumps(dict(n, w=im.size[0], h=im.size[1])))\" " + png.string());
  INFO(pixels.out); // python3-pil comes with scripts/setup.sh: a failure here is a failure
  REQUIRE(pixels.exit_code == 0);
  const auto n = nlohmann::json::parse(pixels.out);
  INFO(n.dump());
  CHECK(n["w"] == 1000);
  CHECK(n["belt"].get<int>() > 2000);
  CHECK(n["pacer"].get<int>() > 800);
  CHECK(n["hr"].get<int>() > 1000);
}
