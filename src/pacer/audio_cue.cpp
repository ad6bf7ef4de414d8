#include "pacer/audio_cue.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace pneuma::app {
namespace {
constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kToneLevel = 0.35;  // headroom for the partials
constexpr double kChimeLevel = 0.30;

double wrap(double cycles) noexcept { return cycles - std::floor(cycles); }
} // namespace

AudioCue::AudioCue(AudioCueConfig const& config)
    : fs_(config.sample_rate), low_hz_(config.low_hz), high_hz_(config.high_hz),
      volume_(std::clamp(config.volume, 0.0, 1.0)),
      gain_coeff_(1.0 - std::exp(-1.0 / (0.030 * config.sample_rate))),
      chime_decay_(std::exp(-1.0 / (1.2 * config.sample_rate))) {}

void AudioCue::set_volume(double volume) noexcept { volume_.store(std::clamp(volume, 0.0, 1.0)); }

void AudioCue::render(std::span<float> out, PacerTimeline const& pacer, double t0_s,
                      double dt_s) noexcept {
  const double volume = muted_.load() ? 0.0 : volume_.load();
  const bool paused = pacer.paused();
  const CueStyle style = style_.load();
  const double target_gain = paused ? 0.0 : volume;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const PacerFrame f = pacer.at(t0_s + static_cast<double>(i) * dt_s);
    gain_ += gain_coeff_ * (target_gain - gain_);
    double sample = 0;
    if (style == CueStyle::tone) {
      const bool breathing = f.phase == PacerPhase::inhale || f.phase == PacerPhase::exhale;
      const double swell = breathing ? std::sin(std::numbers::pi * std::clamp(f.phase_progress, 0.0, 1.0)) : 0.0;
      const double hz = low_hz_ + (high_hz_ - low_hz_) * f.position;
      phase_ = wrap(phase_ + hz / fs_);
      const double x = kTwoPi * phase_;
      sample = kToneLevel * swell * (std::sin(x) + 0.22 * std::sin(2 * x) + 0.08 * std::sin(3 * x));
    } else {
      const int phase = static_cast<int>(f.phase);
      if (last_phase_ >= 0 && phase != last_phase_ && !paused) {
        chime_hz_ = f.phase == PacerPhase::inhale ? 659.3 : f.phase == PacerPhase::exhale ? 493.9 : 587.3;
        chime_attack_ = f.phase == PacerPhase::inhale || f.phase == PacerPhase::exhale ? 1.0 : 0.5;
        chime_env_ = 0;
      }
      last_phase_ = phase;
      // 5 ms linear attack towards the strike level, then exponential decay.
      if (chime_attack_ > 0) {
        chime_env_ += 1.0 / (0.005 * fs_);
        if (chime_env_ >= chime_attack_) {
          chime_env_ = chime_attack_;
          chime_attack_ = 0;
        }
      } else {
        chime_env_ *= chime_decay_;
      }
      chime_phase1_ = wrap(chime_phase1_ + chime_hz_ / fs_);
      chime_phase2_ = wrap(chime_phase2_ + 2.76 * chime_hz_ / fs_);
      sample = kChimeLevel * chime_env_ *
               (std::sin(kTwoPi * chime_phase1_) + 0.3 * std::sin(kTwoPi * chime_phase2_));
    }
    out[i] = static_cast<float>(gain_ * sample);
  }
  if (style == CueStyle::tone) last_phase_ = -1;
}

} // namespace pneuma::app
