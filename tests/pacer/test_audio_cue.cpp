// The audio cue's generated buffer: pitch direction per phase and no discontinuities.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "pacer/audio_cue.hpp"

using namespace pneuma::app;

namespace {
constexpr double kFs = 48000;

std::vector<float> render(AudioCue& cue, PacerTimeline const& timeline, double from_s, double to_s,
                          std::size_t block = 512) {
  std::vector<float> out(static_cast<std::size_t>((to_s - from_s) * kFs));
  for (std::size_t i = 0; i < out.size(); i += block) {
    const std::size_t n = std::min(block, out.size() - i);
    cue.render({out.data() + i, n}, timeline, from_s + static_cast<double>(i) / kFs, 1.0 / kFs);
  }
  return out;
}

/// Fundamental frequency from upward zero crossings in [t0, t1) (seconds from the buffer start).
double pitch(std::vector<float> const& x, double t0, double t1) {
  const auto a = static_cast<std::size_t>(t0 * kFs), b = static_cast<std::size_t>(t1 * kFs);
  std::size_t first = 0, last = 0, n = 0;
  for (std::size_t i = a + 1; i < b; ++i)
    if (x[i - 1] < 0 && x[i] >= 0) {
      if (n == 0) first = i;
      last = i;
      ++n;
    }
  return n > 1 ? (n - 1) * kFs / static_cast<double>(last - first) : 0.0;
}

float max_step(std::vector<float> const& x) {
  float worst = 0;
  for (std::size_t i = 1; i < x.size(); ++i) worst = std::max(worst, std::abs(x[i] - x[i - 1]));
  return worst;
}
} // namespace

TEST_CASE("audio cue: the tone rises over the inhale and falls over the exhale", "[app][audio]") {
  AudioCue cue({kFs, 196.0, 293.7, 0.8});
  PacerTimeline timeline({6.0, 1.0, 1.5, 0, 0}); // inhale 0-4 s, exhale 4-10 s
  const auto x = render(cue, timeline, 0.0, 10.0);
  const double in_early = pitch(x, 1.0, 1.4), in_late = pitch(x, 2.6, 3.0);
  const double out_early = pitch(x, 5.5, 5.9), out_late = pitch(x, 8.0, 8.4);
  INFO("inhale " << in_early << " -> " << in_late << " Hz, exhale " << out_early << " -> " << out_late);
  CHECK(in_late > in_early + 20);
  CHECK(out_late < out_early - 20);
  CHECK(in_early > 190);
  CHECK(in_late < 300);
  // Loudest mid-phase, quiet at the turn.
  auto rms = [&](double t0, double t1) {
    double s = 0;
    const auto a = static_cast<std::size_t>(t0 * kFs), b = static_cast<std::size_t>(t1 * kFs);
    for (std::size_t i = a; i < b; ++i) s += x[i] * x[i];
    return std::sqrt(s / static_cast<double>(b - a));
  };
  CHECK(rms(1.8, 2.2) > 5 * rms(3.98, 4.02));
}

TEST_CASE("audio cue: no discontinuity through rate changes, mute and pause", "[app][audio]") {
  AudioCue cue({kFs, 196.0, 293.7, 1.0});
  PacerTimeline timeline({6.0, 1.0, 1.5, 0, 0});
  std::vector<float> all;
  auto add = [&](double a, double b) {
    const auto part = render(cue, timeline, a, b, 441);
    all.insert(all.end(), part.begin(), part.end());
  };
  add(0.0, 2.0);
  timeline.change(2.0, {9.7, 1.0, 1.0, 0, 0}); // mid-inhale rate jump
  add(2.0, 3.0);
  cue.set_muted(true);
  add(3.0, 3.5);
  cue.set_muted(false);
  add(3.5, 4.0);
  timeline.pause(4.0);
  add(4.0, 4.5);
  timeline.resume(4.5);
  cue.set_volume(0.2);
  add(4.5, 6.0);
  // Largest possible step of the tone itself: 2 pi f / fs * (1 + 2*0.22 + 3*0.08) * level.
  const float bound = static_cast<float>(2 * 3.14159265 * 300 / kFs * 1.7 * 0.35 * 1.1);
  INFO("max step " << max_step(all) << " bound " << bound);
  CHECK(max_step(all) <= bound);
  // Muted: silent 200 ms after the 30 ms fade began.
  const auto a = static_cast<std::size_t>(3.2 * kFs), b = static_cast<std::size_t>(3.5 * kFs);
  float peak = 0;
  for (std::size_t i = a; i < b; ++i) peak = std::max(peak, std::abs(all[i]));
  CHECK(peak < 1e-3F); // -60 dB
}

TEST_CASE("audio cue: chimes strike at each turn without a click", "[app][audio]") {
  AudioCue cue({kFs, 196.0, 293.7, 1.0});
  cue.set_style(CueStyle::chimes);
  PacerTimeline timeline({6.0, 1.0, 1.5, 0, 0});
  const auto x = render(cue, timeline, 0.05, 10.05);
  auto peak = [&](double t0, double t1) {
    float p = 0;
    for (auto i = static_cast<std::size_t>(t0 * kFs); i < static_cast<std::size_t>(t1 * kFs); ++i)
      p = std::max(p, std::abs(x[i]));
    return p;
  };
  CHECK(peak(3.95, 4.25) > 0.1F);  // exhale starts at 4 s (3.95 s into the buffer)
  CHECK(peak(3.0, 3.9) < 0.02F);   // quiet before the turn
  CHECK(pitch(x, 4.0, 4.3) > 400); // a bell, well above the tone range
  CHECK(max_step(x) < 0.2F);
}
