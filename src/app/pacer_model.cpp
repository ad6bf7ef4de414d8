#include "app/pacer_model.hpp"

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
  const double period = 60.0 / rate_bpm;
  const double holds = std::min(hold_in_s + hold_out_s, 0.5 * period);
  return (period - holds) * inhale_parts / (inhale_parts + exhale_parts) / period;
}

PacerModel::PacerModel(PacerSettings settings) : settings_(settings) { settings_.validate(); }

double PacerModel::cycles_at(double t_s) const noexcept {
  return anchor_cycles_ + (t_s - anchor_t_) * settings_.rate_bpm / 60.0;
}

void PacerModel::change(double t_s, PacerSettings settings) {
  settings.validate();
  anchor_cycles_ = cycles_at(t_s);
  anchor_t_ = t_s;
  settings_ = settings;
}

PacerFrame PacerModel::at(double t_s) const noexcept {
  PacerFrame f;
  f.rate_bpm = settings_.rate_bpm;
  f.cycles = cycles_at(t_s);
  const double period = 60.0 / settings_.rate_bpm;
  // Holds never take more than half the cycle; they shrink together if they would.
  const double hold_total = settings_.hold_in_s + settings_.hold_out_s;
  const double hold_scale = hold_total > 0.5 * period ? 0.5 * period / hold_total : 1.0;
  const double hold_in = settings_.hold_in_s * hold_scale;
  const double hold_out = settings_.hold_out_s * hold_scale;
  const double breathing = period - hold_in - hold_out;
  const double inhale =
      breathing * settings_.inhale_parts / (settings_.inhale_parts + settings_.exhale_parts);
  const double exhale = breathing - inhale;

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
