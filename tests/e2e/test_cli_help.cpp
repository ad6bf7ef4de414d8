// The general help lists --version; `pneuma help CMD` is `pneuma CMD --help`; config shows
// where each setting came from.
#include <catch2/catch.hpp>
#include <fstream>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

using pneuma::test::pneuma_binary;
using pneuma::test::run_process;

TEST_CASE("help: --version is listed and prints the version", "[e2e][cli]") {
  const auto help = run_process(pneuma_binary() + " --help");
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("pneuma --version") != std::string::npos);
  const auto version = run_process(pneuma_binary() + " --version");
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("pneuma ", 0) == 0);
}

TEST_CASE("help: 'pneuma help run' prints run's own options", "[e2e][cli]") {
  const auto a = run_process(pneuma_binary() + " help run");
  const auto b = run_process(pneuma_binary() + " run --help");
  CHECK(a.exit_code == 0);
  CHECK(a.out == b.out);
  CHECK(a.out.find("--baseline") != std::string::npos);
  CHECK(run_process(pneuma_binary() + " help nosuch").exit_code == 2);
}

TEST_CASE("config: each value with where it came from; a bad file is one line", "[e2e][cli][settings]") {
  pneuma::test::TempDir dir;
  std::filesystem::create_directories(dir.path / "pneuma");
  const auto file = dir.path / "pneuma" / "pneuma.conf";
  std::ofstream(file) << "# mine\nshape = bar\n";
  const std::string env = "XDG_CONFIG_HOME=" + dir.path.string() + " XDG_STATE_HOME=" + dir.path.string() + " ";
  const auto r = run_process(env + pneuma_binary() + " config --volume 0.2");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("  shape        bar                       " + file.string() + ":2\n") != std::string::npos);
  CHECK(r.out.find("  volume       0.2                       --volume\n") != std::string::npos);
  CHECK(r.out.find("  cue          tone                      built in\n") != std::string::npos);
  std::ofstream(file) << "volume = 3\n";
  const auto bad = run_process(env + pneuma_binary() + " run --headless --no-store --minutes 1", true);
  CHECK(bad.exit_code == 1);
  CHECK(bad.out == "pneuma run: " + file.string() + ":1: volume '3': expected a number from 0 to 1\n");
}
