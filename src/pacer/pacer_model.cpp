#include "pacer/pacer_model.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace pneuma::app {
namespace {
double ease(double p) noexcept { return 0.5 * (1.0 - std::cos(std::numbers::pi * p)); }

double parse_positive(std::string_view text) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || !(v > 0) || !std::isfinite(v))
    throw std::invalid_argument("");
  return v;
}
} // namespace

std::string_view to_json_word(PacerPhase phase) noexcept {
  switch (phase) {
  case PacerPhase::inhale: return "in";
  case PacerPhase::exhale: return "out";
  default: return "hold";
  }
}

std::string_view to_prompt(PacerPhase phase) noexcept {
  switch (phase) {
  case PacerPhase::inhale: return "breathe in";
  case PacerPhase::exhale: return "breathe out";
  default: return "hold";
  }
}

void PacerSettings::validate() const {
  if (!(rate_bpm >= kMinRate && rate_bpm <= kMaxRate))
    throw std::invalid_argument("pacer rate must be 3 to 12 breaths/min");
  if (!(inhale_parts > 0 && exhale_parts > 0))
    throw std::invalid_argument("inhale:exhale parts must be > 0");
  if (!(hold_in_s >= 0 && hold_out_s >= 0 && hold_in_s <= 10 && hold_out_s <= 10))
    throw std::invalid_argument("holds must be 0 to 10 s");
}

std::pair<double, double> PacerSettings::parse_ratio(std::string_view text) {
  const auto colon = text.find(':');
  try {
    if (colon == std::string_view::npos) throw std::invalid_argument("");
    const double i = parse_positive(text.substr(0, colon));
    const double e = parse_positive(text.substr(colon + 1));
    if (i / e < 0.2 || i / e > 5) throw std::invalid_argument("");
    return {i, e};
  } catch (std::invalid_argument const&) {
    throw std::invalid_argument("inhale:exhale ratio '" + std::string(text) +
                                "' is not valid (expected two positive numbers like 1:1.5, "
                                "each at most 5 times the other)");
  }
}

double PacerSettings::inhale_fraction() const noexcept {
  return durations().inhale_s * rate_bpm / 60.0;
}

double PacerSettings::snap_rate(double rate_bpm) noexcept {
  if (!std::isfinite(rate_bpm)) return 6.0;
  const double snapped = std::round(rate_bpm / kRateStep) * kRateStep;
  return std::clamp(snapped, kMinRate, kMaxRate);
}

PacerSettings PacerSettings::from_seconds(double inhale_s, double hold_in_s, double exhale_s,
                                          double hold_out_s) {
  if (!(inhale_s > 0 && exhale_s > 0))
    throw std::invalid_argument("inhale and exhale must each last more than 0 s");
  PacerSettings s;
  s.rate_bpm = 60.0 / (inhale_s + hold_in_s + exhale_s + hold_out_s);
  s.inhale_parts = inhale_s;
  s.exhale_parts = exhale_s;
  s.hold_in_s = hold_in_s;
  s.hold_out_s = hold_out_s;
  if (!(s.rate_bpm >= kMinRate - 1e-9 && s.rate_bpm <= kMaxRate + 1e-9))
    throw std::invalid_argument("a cycle of " + std::to_string(60.0 / s.rate_bpm) +
                                " s is outside 5 to 20 s (3 to 12 breaths/min)");
  s.rate_bpm = std::clamp(s.rate_bpm, kMinRate, kMaxRate);
  s.validate();
  return s;
}

PacerSettings::Durations PacerSettings::durations() const noexcept {
  const double period = 60.0 / rate_bpm;
  // Holds never take more than half the cycle; they shrink together if they would.
  const double hold_total = hold_in_s + hold_out_s;
  const double hold_scale = hold_total > 0.5 * period ? 0.5 * period / hold_total : 1.0;
  Durations d{};
  d.hold_in_s = hold_in_s * hold_scale;
  d.hold_out_s = hold_out_s * hold_scale;
  const double breathing = period - d.hold_in_s - d.hold_out_s;
  d.inhale_s = breathing * inhale_parts / (inhale_parts + exhale_parts);
  d.exhale_s = breathing - d.inhale_s;
  return d;
}

PacerModel::PacerModel(PacerSettings settings) : settings_(settings) { settings_.validate(); }

double PacerModel::rate_at(double t_s) const noexcept {
  if (!gliding(t_s)) return settings_.rate_bpm;
  const double u = std::max(0.0, t_s - anchor_t_) / glide_s_;
  return glide_from_bpm_ + (settings_.rate_bpm - glide_from_bpm_) * u;
}

double PacerModel::cycles_at(double t_s) const noexcept {
  const double dt = t_s - anchor_t_;
  if (glide_s_ <= 0 || dt <= 0) {
    const double r = glide_s_ > 0 ? glide_from_bpm_ : settings_.rate_bpm;
    return anchor_cycles_ + dt * r / 60.0;
  }
  // Integral of a linear ramp, then the target rate after the glide.
  const double in_glide = std::min(dt, glide_s_);
  const double slope = (settings_.rate_bpm - glide_from_bpm_) / glide_s_;
  const double ramp = glide_from_bpm_ * in_glide + 0.5 * slope * in_glide * in_glide;
  return anchor_cycles_ + (ramp + (dt - in_glide) * settings_.rate_bpm) / 60.0;
}

void PacerModel::change(double t_s, PacerSettings settings) {
  settings.validate();
  anchor_cycles_ = cycles_at(t_s);
  anchor_t_ = t_s;
  settings_ = settings;
  glide_s_ = 0;
}

void PacerModel::glide(double t_s, double from_bpm, double duration_s) {
  if (!(from_bpm >= PacerSettings::kMinRate && from_bpm <= PacerSettings::kMaxRate))
    throw std::invalid_argument("glide start rate must be 3 to 12 breaths/min");
  if (!(duration_s >= 0 && duration_s <= 3600))
    throw std::invalid_argument("glide must last 0 to 60 minutes");
  anchor_cycles_ = cycles_at(t_s);
  anchor_t_ = t_s;
  glide_from_bpm_ = from_bpm;
  glide_s_ = duration_s;
}

PacerFrame PacerModel::at(double t_s) const noexcept {
  PacerFrame f;
  f.rate_bpm = rate_at(t_s);
  f.cycles = cycles_at(t_s);
  PacerSettings now = settings_;
  now.rate_bpm = f.rate_bpm;
  const double period = 60.0 / f.rate_bpm;
  const auto [inhale, hold_in, exhale, hold_out] = now.durations();

  double s = (f.cycles - std::floor(f.cycles)) * period; // seconds into the cycle
  auto in_phase = [&](PacerPhase phase, double length, double pos_from, double pos_to) {
    f.phase = phase;
    f.phase_progress = length > 0 ? s / length : 1.0;
    f.phase_left_s = length - s;
    f.position = pos_from + (pos_to - pos_from) * ease(f.phase_progress);
  };
  if (s < inhale) {
    in_phase(PacerPhase::inhale, inhale, 0, 1);
  } else if ((s -= inhale) < hold_in) {
    in_phase(PacerPhase::hold_in, hold_in, 1, 1);
  } else if ((s -= hold_in) < exhale) {
    in_phase(PacerPhase::exhale, exhale, 1, 0);
  } else {
    s -= exhale;
    in_phase(PacerPhase::hold_out, hold_out, 0, 0);
  }
  return f;
}

} // namespace pneuma::app
