// The real binary with a window under the dummy video driver (software renderer): a whole scripted
// session ends with its JSON summary, and --screenshot writes the frame that was drawn.
#include <SDL.h>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "store/store.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "ui/paint.hpp"

using pneuma::test::pneuma_binary;
using pneuma::test::run_process;
using pneuma::test::TempDir;

namespace {
const std::string kEnv = "env SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy ";
}

TEST_CASE("window run: a baseline and a training session end with the summary on stdout", "[ui][e2e]") {
  const auto r = run_process(kEnv + pneuma_binary() +
                             " run --no-store --minutes 3 --baseline 1 --speed 60 --preset relax --shape wave --score rsa");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  auto const& s = j.at("summary");
  // At --speed 60 one late frame is a second of session time (sanitizers, a loaded machine).
  CHECK(s.at("training_s").get<double>() == Approx(180).margin(3));
  CHECK(s.at("before_is_baseline").get<bool>());
  CHECK(s.at("score").get<std::string>() == "RSA");
  CHECK_FALSE(s.at("ended_early").get<bool>());
  // The simulated person breathes faster on their own than with the 6/min pacer.
  const auto before = s.at("before").at("breathing_bpm");
  const auto after = s.at("after").at("breathing_bpm");
  REQUIRE(before.is_number());
  REQUIRE(after.is_number());
  CHECK(before.get<double>() > after.get<double>() + 2);
  CHECK(after.get<double>() == Approx(6.0).margin(0.8));
  CHECK(j.at("markers").empty());
}

TEST_CASE("window run: bad window options are usage errors", "[ui][e2e]") {
  for (const char* args : {"--shape star", "--preset 4-0-6", "--window 100x100", "--fps 500", "--rate 6.05"}) {
    const auto r = run_process(kEnv + pneuma_binary() + " run --no-store " + args, true);
    INFO(args << ": " << r.out);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("pneuma run: ") == 0);
  }
}

TEST_CASE("window run: --screenshot saves the drawn frame", "[ui][e2e]") {
  const TempDir dir; // unique per run: concurrent suites do not share the file
  const auto path = dir.path / "shot.bmp";
  const auto r = run_process(kEnv + pneuma_binary() + " run --no-store --speed 20 --window 800x450 --screenshot " +
                             path.string() + " --screenshot-at 3.9");
  REQUIRE(r.exit_code == 0);
  REQUIRE(std::filesystem::exists(path));
  std::unique_ptr<SDL_Surface, decltype(&SDL_FreeSurface)> shot(SDL_LoadBMP(path.string().c_str()), &SDL_FreeSurface);
  REQUIRE(shot);
  CHECK(shot->w == 800);
  CHECK(shot->h == 450);
  // Near the end of the first inhale the circle is large: many pacer-blue pixels.
  SDL_Surface* argb = SDL_ConvertSurfaceFormat(shot.get(), SDL_PIXELFORMAT_ARGB8888, 0);
  REQUIRE(argb != nullptr);
  const SDL_Color blue = pneuma::ui::palette::kPacer;
  int n = 0;
  for (int y = 0; y < argb->h; ++y)
    for (int x = 0; x < argb->w; ++x) {
      const Uint32 p = static_cast<Uint32 const*>(argb->pixels)[y * argb->pitch / 4 + x];
      n += ((p >> 16) & 0xFF) == blue.r && ((p >> 8) & 0xFF) == blue.g && (p & 0xFF) == blue.b ? 1 : 0;
    }
  SDL_FreeSurface(argb);
  CHECK(n > 20000);
}

TEST_CASE("window run: --preset resonance paces at the profile's assessed frequency", "[ui][e2e]") {
  const TempDir temp;
  const auto dir = temp.path;
  {
    pneuma::app::Store store(dir / "pneuma");
    const auto profile = store.ensure_profile(pneuma::app::Store::kDefaultProfile);
    store.set_resonance(profile.id, 5.3, 0.8);
  }
  const auto r = run_process("env XDG_DATA_HOME=" + dir.string() + " " + pneuma_binary() +
                             " run --headless --no-record --preset resonance --minutes 0.05 --speed 50");
  REQUIRE(r.exit_code == 0);
  const auto first = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
  CHECK(first.at("pacer_bpm").get<double>() == Approx(5.3));
  // A named preset is not overridden by the profile's frequency.
  const auto c = run_process("env XDG_DATA_HOME=" + dir.string() + " " + pneuma_binary() +
                             " run --headless --no-record --preset coherent --minutes 0.05 --speed 50");
  REQUIRE(c.exit_code == 0);
  CHECK(nlohmann::json::parse(c.out.substr(0, c.out.find('\n'))).at("pacer_bpm").get<double>() == Approx(6.0));
}
