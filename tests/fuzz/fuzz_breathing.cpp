// libFuzzer: the live breathing stream (belt, chest motion, beats, R peaks, gaps and losses) fed
// whatever a broken or hostile link can deliver: NaN, infinities, denormals and values near
// FLT_MAX, time that stalls, jumps back or leaps ahead, RR intervals of any size. The real-time
// path must not crash or trip the sanitizers, and what it reports must stay in range: rates
// finite and within the detector's band (none faster than one breath per min_period_s) or NaN,
// quality within 0..1, breath times finite.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "pneuma/dsp/breathing_stream.hpp"

namespace {

// Reads the input as a tape; past its end every read gives zeros.
struct Tape {
  const std::uint8_t* p;
  std::size_t n;
  [[nodiscard]] bool more() const { return n > 0; }
  std::uint8_t byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  float any_float() { // every bit pattern, so NaN, inf and denormals too
    std::uint32_t u = 0;
    for (int i = 0; i < 4; ++i) u = (u << 8) | byte();
    float f = 0;
    std::memcpy(&f, &u, sizeof f);
    return f;
  }
  float plain_float() { return static_cast<float>(static_cast<std::int16_t>(byte() << 8 | byte())) / 64.0f; }
};

[[noreturn]] void fail(const char* source, const char* what, double v) {
  std::fprintf(stderr, "fuzz_breathing: %s analyzer: %s = %g\n", source, what, v);
  std::abort();
}

void check_analyzer(const char* source, pneuma::dsp::RespAnalyzer const& a) {
  auto const& m = a.metrics();
  auto rate_ok = [](double r) { return std::isnan(r) || (std::isfinite(r) && r > 0 && r <= 121.0); };
  if (!rate_ok(m.rate_bpm)) fail(source, "rate_bpm", m.rate_bpm);
  if (!rate_ok(m.last_rate_bpm)) fail(source, "last_rate_bpm", m.last_rate_bpm);
  if (!(m.quality >= 0 && m.quality <= 1)) fail(source, "quality", m.quality);
  if (!(m.spectral_quality >= 0 && m.spectral_quality <= 1)) fail(source, "spectral_quality", m.spectral_quality);
  if (m.breaths > 0) {
    auto const& b = a.last_breath();
    if (!std::isfinite(b.peak_s)) fail(source, "last breath peak_s", b.peak_s);
    if (!std::isnan(b.onset_s) && !(b.onset_s <= b.peak_s)) {
      std::fprintf(stderr, "onset %.3f peak %.3f depth %g revised %d breaths %llu t %.3f\n", b.onset_s, b.peak_s, b.depth, b.revised, (unsigned long long)m.breaths, m.t_s);
      fail(source, "last breath onset_s after peak_s", b.onset_s);
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pneuma::dsp;
  BreathingStream stream;
  Tape tape{data, size};
  double t = 0, device_t = 0;
  // Inputs are short; each byte of time step runs many samples so that breaths can form.
  while (tape.more()) {
    const std::uint8_t op = tape.byte();
    switch (op % 12) {
    case 0: // time leaps (forward or back) by any amount the tape says
      t += static_cast<double>(tape.any_float());
      if (!std::isfinite(t)) t = 0;
      break;
    case 1: { // a run of plausible belt samples: a breath-like sine with the tape's amplitude
      const float amp = tape.plain_float();
      const int n = 25 + tape.byte() * 4;
      const double period = 1.0 + tape.byte() / 16.0;
      for (int i = 0; i < n; ++i, t += 0.02)
        (void)stream.belt(amp * static_cast<float>(std::sin(6.283185307179586 * t / period)), t);
      break;
    }
    case 2: (void)stream.belt(tape.any_float(), t); t += 0.02; break;
    case 3: stream.belt_lost(); break;
    case 4: (void)stream.belt_gap(static_cast<double>(tape.any_float())); break;
    case 5: { // a run of chest-motion samples
      const float amp = tape.plain_float();
      const int n = 10 + tape.byte() * 2;
      for (int i = 0; i < n; ++i, t += 0.04, device_t += 0.04) {
        const float z = 1000.0f + amp * static_cast<float>(std::sin(6.283185307179586 * t / 5.0));
        (void)stream.acc(3.0f, -20.0f, z, t, device_t);
      }
      break;
    }
    case 6:
      (void)stream.acc(tape.any_float(), tape.any_float(), tape.any_float(), t, static_cast<double>(tape.any_float()));
      t += 0.04;
      break;
    case 7: stream.acc_lost(); break;
    case 8: { // a run of beats whose RR swings with breathing
      const float swing = tape.plain_float();
      const int n = 2 + tape.byte() / 4;
      for (int i = 0; i < n; ++i) {
        const double rr = 900.0 + swing * std::sin(6.283185307179586 * t / 6.0);
        t += std::fabs(rr) / 1000.0;
        (void)stream.beat(t, rr);
        (void)stream.r_peak(t, 1.0f + 0.01f * swing * static_cast<float>(std::cos(t)));
      }
      break;
    }
    case 9: (void)stream.beat(t, static_cast<double>(tape.any_float())); break;
    case 10: (void)stream.r_peak(static_cast<double>(tape.any_float()), tape.any_float()); break;
    default: t += tape.byte() * 0.01; break;
    }
    check_analyzer("belt", stream.belt_analyzer());
    check_analyzer("ACC", stream.acc_analyzer());
    check_analyzer("RSA", stream.rsa_analyzer());
    check_analyzer("EDR", stream.edr_analyzer());
  }
  return 0;
}
