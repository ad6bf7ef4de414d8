// The choice of breathing source (breathing_source.hpp) and the accelerometer grid/breathing path
// of the breathing stream (breathing_stream.hpp, resp_derived.hpp).
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "pneuma/dsp/breathing_source.hpp"
#include "pneuma/dsp/breathing_stream.hpp"

using namespace pneuma::dsp;

namespace {
std::array<double, kBreathingSources> scores(double belt, double acc, double ecg, double rsa) {
  return {0.0, belt, acc, ecg, rsa};
}
} // namespace

TEST_CASE("breathing source: the belt wins at once, surrogates by rank and quality", "[dsp][strap]") {
  BreathingSourceChooser c;
  CHECK(c.update(0, scores(0, 0, 0, 0)) == BreathingSource::none);
  CHECK(c.update(1, scores(0, 0, 0, 0.6)) == BreathingSource::heart_rhythm);
  CHECK(c.changed());
  // Chest motion becomes as good: it takes over only after 10 s of being so (hysteresis).
  for (int t = 2; t < 11; ++t) CHECK(c.update(t, scores(0, 0.6, 0, 0.6)) == BreathingSource::heart_rhythm);
  CHECK(c.update(12, scores(0, 0.6, 0, 0.6)) == BreathingSource::chest_motion);
  // Noise in the scores does not flip it back: RSA must beat it by the margin for 10 s.
  for (int t = 13; t < 40; ++t) {
    const double wobble = (t % 2) ? 0.1 : -0.1;
    CHECK(c.update(t, scores(0, 0.6 + wobble, 0, 0.65)) == BreathingSource::chest_motion);
  }
  // An unusable source is dropped after 5 s.
  BreathingSource s = BreathingSource::none;
  for (int t = 40; t <= 46; ++t) s = c.update(t, scores(0, 0.1, 0, 0.6));
  CHECK(s == BreathingSource::heart_rhythm);
  // A belt is taken at once.
  CHECK(c.update(47, scores(1, 0.9, 0.9, 0.9)) == BreathingSource::belt);
}

TEST_CASE("breathing source: RSA is doubted where it does not follow breathing", "[dsp][strap]") {
  CHECK(rsa_follows_breathing({6, 1, 12, 60, 0.05}) == RsaDoubt::none);
  CHECK(rsa_follows_breathing({14, 1, 12, 60, 0.05}) == RsaDoubt::fast_breathing);
  CHECK(rsa_follows_breathing({6, 8, 12, 60, 0.05}) == RsaDoubt::ectopy);
  CHECK(rsa_follows_breathing({6, 1, 1.0, 60, 0.05}) == RsaDoubt::low_hrv);
  CHECK(rsa_follows_breathing({6, 1, 12, 5, 0.05}) == RsaDoubt::low_hrv);
  CHECK(rsa_follows_breathing({7, 1, 12, 60, 0.45}) == RsaDoubt::irregular);
  CHECK(rsa_follows_breathing({NAN, NAN, NAN, NAN, NAN}) == RsaDoubt::none); // the first minute
  CHECK(breathing_source_key(BreathingSource::chest_motion) == "chest_motion");
  CHECK(rsa_doubt_key(RsaDoubt::low_hrv) == "low_hrv");
}

TEST_CASE("acc grid: irregular 200 Hz samples become 25 Hz bin means, gaps restart it", "[dsp][strap]") {
  AccGrid g(Hz(25.0), Seconds(2.0));
  std::array<AccGrid::Bin, 64> out{};
  double gap = 0;
  std::size_t total = 0;
  for (int i = 0; i < 200; ++i) { // 1 s at 200 Hz: 8 samples a bin, value = bin index
    // 1 ms after each bin boundary, so that rounding cannot put a sample in its neighbour
    const double t = 100.0 + i / 200.0 + (i > 0 ? 0.001 : 0.0);
    total += g.push(t, static_cast<float>(i / 8), 0, 0, std::span(out).subspan(total), gap);
    CHECK(gap == 0);
  }
  REQUIRE(total == 24); // the 25th bin is still open
  for (std::size_t k = 0; k < total; ++k) CHECK(out[k].x == Approx(static_cast<double>(k)).margin(1e-6));
  CHECK(g.start_s() == 100.0);
  (void)g.push(104.0, 0, 0, 0, out, gap); // 3 s of nothing: lost frames
  CHECK(gap == Approx(3.0).margin(0.01));
  CHECK(g.start_s() == 104.0);
}

TEST_CASE("breathing stream: chest motion at 6/min from a tilting 3-axis accelerometer", "[dsp][strap]") {
  BreathingStream b;
  // 2 deg of tilt per breath on an axis between y and z, gravity along -x, 100 Hz, 3 min,
  // the device clock 1000 s ahead of the session and frames of 10 samples arriving together.
  const double fs = 100, f = 0.1;
  for (int i = 0; i < 180 * 100; ++i) {
    const double t = i / fs;
    const double tilt = (10 + 1.0 * std::sin(2 * std::numbers::pi * f * t)) * std::numbers::pi / 180;
    const float x = static_cast<float>(-1000 * std::cos(tilt));
    const float y = static_cast<float>(600 * std::sin(tilt)), z = static_cast<float>(800 * std::sin(tilt));
    const double arrival = (i / 10 + 1) * 10 / fs + 0.02;
    (void)b.acc(x, y, z, arrival, t + 1000);
  }
  RespMetrics const& m = b.acc_analyzer().metrics();
  // A clean sinusoid: the 60-s spectral peak within its interpolated resolution (0.1/min), and
  // about 18 breaths in 3 min (the first one or two go to the filters settling).
  CHECK(m.spectral_rate_bpm == Approx(6.0).margin(0.1));
  CHECK(m.breaths >= 16);
  CHECK(m.breaths <= 19);
  CHECK(m.quality > 0.5);
  // Session time of the stream: the device clock minus 1000 s plus the least link latency, less
  // AccBreathing's low-pass delay (0.225 s) and plus the lead of its 30-s gravity average at
  // 6/min (atan(1 / (2 pi 0.1 Hz 30 s)) / (2 pi 0.1 Hz) = 0.084 s): breath times are physical.
  const double lead = std::atan(1.0 / (2 * std::numbers::pi * f * 30.0)) / (2 * std::numbers::pi * f);
  CHECK(b.acc_offset_s() + b.acc_analyzer().next_sample_time_s() ==
        Approx(180.0 + 0.02 - std::sqrt(2.0) / (2 * std::numbers::pi) + lead).margin(0.05));
  // The tilt is largest at 2.5 + 10 k s: the last end of inspiration is within 0.25 s of one
  // (no reorientation: a pure sinusoid has no end-expiratory dwell and no heart beats here).
  CHECK(b.acc_orientation() == 1);
  const double peak = b.acc_analyzer().last_breath().peak_s + b.acc_offset_s();
  CHECK(std::abs(peak - (2.5 + 10 * std::round((peak - 2.5) / 10))) < 0.25);
}

TEST_CASE("breathing stream: chest motion's orientation from the heart, whichever way the strap tilts",
          "[dsp][strap]") {
  // Inspiration (volume v = sin 2 pi f t, 6/min) tilts the chest one way or the other depending
  // on how the strap sits; the heart rate rises with inspiration, 1 s behind it (RSA). Either
  // way the breaths are timed at the ends of inspiration (2.5 + 10 k s), not the other half.
  const double fs = 100, f = 0.1, pi = std::numbers::pi;
  for (int way : {1, -1}) {
    BreathingStream b;
    double next_beat = 0.5, phase = 0;
    for (int i = 0; i < 180 * 100; ++i) {
      const double t = i / fs;
      const double v = std::sin(2 * pi * f * t);
      const double tilt = (10 + way * 1.0 * v) * pi / 180;
      (void)b.acc(static_cast<float>(-1000 * std::cos(tilt)), static_cast<float>(600 * std::sin(tilt)),
                  static_cast<float>(800 * std::sin(tilt)), t, t);
      // Beats from a heart rate of 65 +- 6 bpm following volume 1 s late (integrate-and-fire).
      phase += (65 + 6 * std::sin(2 * pi * f * (t - 1.0))) / 60.0 / fs;
      if (phase >= 1) {
        phase -= 1;
        (void)b.beat(t, 1000 * (t - (next_beat - 0.0)));
        next_beat = t;
      }
    }
    INFO("tilt with inspiration " << way);
    CHECK(b.acc_orientation() == way);
    CHECK(std::abs(b.acc_heart_correlation()) > 0.5);
    RespAnalyzer const& a = b.acc_analyzer();
    REQUIRE(a.metrics().breaths >= 16);
    for (int k = 0; k < 8; ++k) { // the last 8 breaths
      const double peak = a.breaths().recent(k).peak_s + b.acc_offset_s();
      CHECK(std::abs(peak - (2.5 + 10 * std::round((peak - 2.5) / 10))) < 0.3);
    }
  }
}

TEST_CASE("breathing stream: after a long silence of the strap, RSA and EDR breaths keep session time", "[dsp][strap]") {
  // 6/min breathing in the heart rate (RSA) and the R amplitude (EDR), then 40 s without a beat
  // (the strap out of range), then 90 s more. The surrogates' analyzers must come back on session
  // time: a hole is longer than the beat grid's buffer (16 s at 4 Hz), and its samples were once
  // dropped uncounted, which put every later breath 24 s early.
  BreathingStream stream;
  double t = 0;
  auto beats_until = [&](double end) {
    while (t < end) {
      const double rr = 1000.0 + 80.0 * std::sin(2 * std::numbers::pi * t / 10.0);
      t += rr / 1000.0;
      (void)stream.beat(t, rr);
      (void)stream.r_peak(t, static_cast<float>(1.0 + 0.1 * std::sin(2 * std::numbers::pi * t / 10.0)));
    }
  };
  beats_until(120);
  const std::uint64_t rsa_before = stream.rsa_analyzer().metrics().breaths;
  t += 40;
  beats_until(250);
  for (auto const* a : {&stream.rsa_analyzer(), &stream.edr_analyzer()}) {
    const double offset = a == &stream.rsa_analyzer() ? stream.rsa_offset_s() : stream.edr_offset_s();
    INFO((a == &stream.rsa_analyzer() ? "RSA" : "EDR"));
    CHECK(a->next_sample_time_s() + offset == Approx(t).margin(0.5));
    REQUIRE(a->metrics().breaths > 0);
    const double peak = a->last_breath().peak_s + offset; // session time of the newest breath
    CHECK(peak <= t);
    CHECK(peak >= t - 15); // within a breath and a half of the end, not 24 s before it
    // The truth: HR peaks (RR troughs) where sin(2 pi t / 10) = -1, t = 7.5 + 10 k; the R
    // amplitude where it is +1, t = 2.5 + 10 k. Each is sampled at the beats, an RR late at most.
    const double truth = a == &stream.rsa_analyzer() ? 7.5 : 2.5;
    const double phase = std::fmod(peak - truth + 100.0, 10.0);
    CHECK(std::min(phase, 10.0 - phase) < 2.0);
  }
  CHECK(stream.rsa_analyzer().metrics().breaths > rsa_before);
}

TEST_CASE("breathing stream: a rise that fell back unconfirmed is no breath's peak", "[dsp][strap]") {
  // The beats a fuzzer found (tests/fuzz/corpus/breathing/onset_after_old_top): 12 beats of a
  // 32-ms RR swing, then 17 of a 4-ms one. The RSA detector once confirmed a top from before the
  // swing shrank with the onset of the next rise, 3.5 s after it.
  BreathingStream stream;
  double t = 0.04 * 42 - 172036.25; // the fuzzer's clock: any origin is a clock
  auto beats = [&](double swing, int n) {
    for (int i = 0; i < n; ++i) {
      const double rr = 900.0 + swing * std::sin(2 * std::numbers::pi * t / 6.0);
      t += rr / 1000.0;
      (void)stream.beat(t, rr);
      auto const& a = stream.rsa_analyzer();
      if (a.metrics().breaths == 0) continue;
      INFO("beat at " << t << " s, breath peak " << a.last_breath().peak_s << " onset " << a.last_breath().onset_s);
      CHECK_FALSE(a.last_breath().onset_s > a.last_breath().peak_s);
    }
  };
  beats(32.015625, 12);
  beats(3.984375, 17);
  CHECK(stream.rsa_analyzer().metrics().breaths > 0); // the check above had breaths to look at
}
