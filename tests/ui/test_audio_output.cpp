// The audio output through a real SDL audio device: SDL's "disk" driver writes what the callback
// produced to a file, read back here. The cue sounds during the inhale, stays within its volume,
// and mute silences the device output itself (after the 30 ms gain smoothing).
#include <SDL.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"
#include "ui/audio_output.hpp"

namespace {

std::vector<float> samples_in(std::filesystem::path const& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> bytes{std::istreambuf_iterator<char>(in), {}};
  std::vector<float> out(bytes.size() / sizeof(float));
  std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
  return out;
}

/// Waits (polling the file, at most 20 s) until the device has written `n` samples.
bool wait_for_samples(std::filesystem::path const& file, std::size_t n) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < end) {
    std::error_code ec;
    if (std::filesystem::file_size(file, ec) >= n * sizeof(float)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

double rms(std::vector<float> const& x, std::size_t from, std::size_t to) {
  double s = 0;
  for (std::size_t i = from; i < to; ++i) s += static_cast<double>(x[i]) * x[i];
  return std::sqrt(s / static_cast<double>(to - from));
}

} // namespace

TEST_CASE("audio output: the device plays the cue within its volume, and mute silences it", "[ui][audio]") {
  const pneuma::test::TempDir dir;
  const auto file = dir.path / "audio.raw";
  ::setenv("SDL_AUDIODRIVER", "disk", 1);
  ::setenv("SDL_DISKAUDIOFILE", file.c_str(), 1);
  pneuma::app::SeqLock<pneuma::app::PacerTimeline> pacer{pneuma::app::PacerTimeline({6.0, 1.0, 1.5, 0, 0})};
  const pneuma::drivers::SessionClock clock;
  pneuma::ui::AudioOutput audio(pacer, clock);
  std::string why;
  pneuma::app::AudioCueConfig config;
  config.volume = 0.4;
  REQUIRE(audio.open(config, why));
  INFO(why);
  const auto rate = static_cast<std::size_t>(audio.sample_rate());
  // 1.5 s into the 4-s inhale at 6/min, 1:1.5: the tone swells in the middle of a phase.
  REQUIRE(wait_for_samples(file, rate * 3 / 2));
  auto x = samples_in(file);
  for (std::size_t i = 0; i < rate * 3 / 2; ++i)
    if (!std::isfinite(x[i]) || std::abs(x[i]) > 0.4f + 1e-4f) FAIL("sample " << i << " = " << x[i]);
  CHECK(rms(x, rate, rate * 3 / 2) > 0.02);
  // Mute, then 0.5 s more: the last 0.2 s are silent (30 ms smoothing, and up to a buffer of
  // 1024 samples already queued when the flag changed).
  const std::size_t at_mute = x.size();
  audio.cue()->set_muted(true);
  REQUIRE(wait_for_samples(file, at_mute + rate / 2));
  x = samples_in(file);
  CHECK(rms(x, at_mute + rate * 3 / 10, at_mute + rate / 2) < 1e-4);
}
