#include "pneuma/drivers/sim/person.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>
#include <stdexcept>

namespace pneuma::drivers::sim {
namespace {
constexpr double kExhaleTau_s = 1.2;
constexpr double kSpontaneousCv = 0.12;
constexpr double kSpontaneousDepth = 0.55;
constexpr double kSighDepth = 2.2;
constexpr double kIpfmJitter = 0.012;
constexpr double kMayerSd_bpm = 1.0;
constexpr double kVlfSd_bpm = 1.5;
} // namespace

PersonParams PersonParams::from_spec(SourceSpec const& spec) {
  static const std::set<std::string> known = {"seed", "rf",    "q",     "hr",       "rsa",
                                              "rate", "lag",   "cv",    "depth_cv", "sighs",
                                              "ectopic", "belt_hz", "noise", "drift", "follow",
                                              "ecg", "days", "from", "acc", "posture", "moves"};
  for (auto const& [key, value] : spec.options)
    if (!known.contains(key))
      throw std::invalid_argument("sim option '" + key +
                                  "' is unknown (expected one of seed, rf, q, hr, rsa, rate, lag, "
                                  "cv, depth_cv, sighs, ectopic, belt_hz, noise, drift, follow, ecg, days, from, "
                                  "acc, posture, moves)");
  PersonParams p;
  p.seed = static_cast<std::uint64_t>(spec.number("seed", 1, 0, 9.0e15));
  p.rf_bpm = spec.number("rf", p.rf_bpm, 3, 12);
  p.q = spec.number("q", p.q, 0.5, 10);
  p.hr_bpm = spec.number("hr", p.hr_bpm, 35, 180);
  p.rsa_bpm = spec.number("rsa", p.rsa_bpm, 0, 40);
  p.spont_bpm = spec.number("rate", p.spont_bpm, 3, 40);
  p.lag_s = spec.number("lag", p.lag_s, 0, 5);
  p.rate_cv = spec.number("cv", p.rate_cv, 0, 0.5);
  p.depth_cv = spec.number("depth_cv", p.depth_cv, 0, 0.5);
  p.sighs_per_min = spec.number("sighs", p.sighs_per_min, 0, 10);
  p.ectopic = spec.number("ectopic", p.ectopic, 0, 0.2);
  p.belt_hz = spec.number("belt_hz", p.belt_hz, 10, 1000);
  p.noise = spec.number("noise", p.noise, 0, 1);
  p.drift = spec.number("drift", p.drift, 0, 5);
  p.follow = spec.number("follow", 1, 0, 1) != 0;
  p.ecg_hz = spec.number("ecg", 0, 0, 2000);
  p.tone_days = static_cast<int>(spec.number("days", 0, 0, 366));
  p.day_start_h = spec.number("from", 0, 0, 24);
  if (p.ecg_hz > 0 && p.ecg_hz < 50) throw std::invalid_argument("sim option 'ecg' must be 0 (off) or 50..2000 Hz");
  p.acc_hz = spec.number("acc", 0, 0, 200);
  if (p.acc_hz > 0 && p.acc_hz < 25) throw std::invalid_argument("sim option 'acc' must be 0 (off) or 25..200 Hz");
  p.posture_per_min = spec.number("posture", p.posture_per_min, 0, 10);
  p.moves_per_min = spec.number("moves", p.moves_per_min, 0, 20);
  return p;
}

Person::Resonator Person::Resonator::bandpass(double f, double fs, double q) {
  const double w0 = 2 * std::numbers::pi * f / fs, alpha = std::sin(w0) / (2 * q);
  const double a0 = 1 + alpha;
  return {alpha / a0, 0, -alpha / a0, -2 * std::cos(w0) / a0, (1 - alpha) / a0};
}

Person::Resonator Person::Resonator::lowpass(double f, double fs) {
  const double w0 = 2 * std::numbers::pi * f / fs, alpha = std::sin(w0) / std::numbers::sqrt2;
  const double c = std::cos(w0), a0 = 1 + alpha;
  return {(1 - c) / 2 / a0, (1 - c) / a0, (1 - c) / 2 / a0, -2 * c / a0, (1 - alpha) / a0};
}

double Person::Resonator::operator()(double x) {
  const double y = b0 * x + z1;
  z1 = b1 * x - a1 * y + z2;
  z2 = b2 * x - a2 * y;
  return y;
}

Person::Person(PersonParams params, BreathGuide guide)
    : params_(params), guide_(std::move(guide)), rng_(params.seed), dt_(1.0 / params.belt_hz) {
  const double fs = params_.belt_hz;
  baroreflex_ = Resonator::bandpass(params_.rf_bpm / 60.0, fs, params_.q);
  vagal_fast_ = Resonator::lowpass(0.15, fs);
  vagal_trend_ = Resonator::lowpass(0.02, fs);
  mayer_ = Resonator::bandpass(0.1, fs, 3.0);
  vlf_ = Resonator::lowpass(0.02, fs);
  // White-noise drive so that each band has the stated SD: output variance = drive^2 * 2 ENBW / fs,
  // with ENBW = (pi/2) BW for the band-pass and ~1.11 fc for the Butterworth low-pass.
  mayer_gain_ = kMayerSd_bpm / std::sqrt(std::numbers::pi * (0.1 / 3.0) / fs);
  vlf_gain_ = kVlfSd_bpm / std::sqrt(2 * 1.11 * 0.02 / fs);
  ipfm_threshold_ = 1 + gauss(kIpfmJitter);
  ipfm_phase_ = uniform_(rng_);
  if (params_.tone_days > 0) tone_.emplace(params_.seed, params_.tone_days + 1);
  start_breath();
}

void Person::start_breath() {
  residual_ = volume_at(t_);
  breath_start_ = t_;
  const auto cue = (params_.follow && guide_) ? guide_(t_ - params_.lag_s) : std::nullopt;
  if (cue && cue->rate_bpm > 0) {
    const double period = 60.0 / cue->rate_bpm;
    const double error = cue->cycles - std::round(cue->cycles); // > 0: the person is late
    breath_len_ = period * (1 - 0.6 * error) * (1 + gauss(params_.rate_cv));
    breath_len_ = std::clamp(breath_len_, 0.5 * period, 1.5 * period);
    inhale_frac_ = std::clamp(cue->inhale_fraction, 0.15, 0.85);
    depth_ = std::min(1.2, std::sqrt(6.0 / cue->rate_bpm));
  } else {
    breath_len_ = 60.0 / params_.spont_bpm * std::max(0.4, 1 + gauss(kSpontaneousCv));
    inhale_frac_ = 0.42;
    depth_ = kSpontaneousDepth;
  }
  depth_ *= std::max(0.3, 1 + gauss(params_.depth_cv));
  if (uniform_(rng_) < params_.sighs_per_min * breath_len_ / 60.0) {
    depth_ *= kSighDepth;
    breath_len_ *= 1.3;
  }
}

double Person::volume_at(double t) const {
  const double x = (t - breath_start_) / breath_len_;
  if (x < inhale_frac_)
    return residual_ +
           (depth_ - residual_) * 0.5 * (1 - std::cos(std::numbers::pi * x / inhale_frac_));
  const double exhale_s = (x - inhale_frac_) * breath_len_;
  return depth_ * std::exp(-exhale_s / kExhaleTau_s);
}

PersonFrame Person::step() {
  t_ += dt_;
  if (t_ - breath_start_ >= breath_len_) start_breath();
  PersonFrame f;
  f.t_s = t_;
  f.volume = volume_at(t_);
  f.inhaling = (t_ - breath_start_) < inhale_frac_ * breath_len_;
  if (was_inhaling_ && !f.inhaling) last_peak_s_ = breath_start_ + inhale_frac_ * breath_len_;
  was_inhaling_ = f.inhaling;

  const Tone tone = tone_ ? tone_->at(t_ + params_.day_start_h * 3600) : Tone{};
  f.activity_mg = tone.activity_mg;
  const double fast = vagal_fast_(f.volume) - vagal_trend_(f.volume);
  f.hr_bpm = params_.hr_bpm + tone.hr_add_bpm +
             tone.vagal * (params_.rsa_bpm * baroreflex_(f.volume) + 0.3 * params_.rsa_bpm * fast) +
             mayer_(gauss(mayer_gain_)) + vlf_(gauss(vlf_gain_));
  f.hr_bpm = std::clamp(f.hr_bpm, 30.0, 200.0);

  // IPFM: a beat fires when the integral of HR/60 reaches the (jittered) threshold.
  const double before = ipfm_phase_;
  ipfm_phase_ += f.hr_bpm / 60.0 * dt_;
  if (ipfm_phase_ >= ipfm_threshold_) {
    const double frac = (ipfm_threshold_ - before) / (ipfm_phase_ - before);
    double beat = t_ - dt_ + frac * dt_;
    ipfm_phase_ -= ipfm_threshold_;
    ipfm_threshold_ = 1 + gauss(kIpfmJitter * tone.vagal); // beat-to-beat variability is vagal
    if (pending_ectopic_) {
      pending_ectopic_ = false; // the sinus beat after a premature one follows normally
    } else if (params_.ectopic > 0 && uniform_(rng_) < params_.ectopic) {
      beat = last_beat_ + 0.65 * (beat - last_beat_); // premature; this sinus beat is blocked
      pending_ectopic_ = true;
    }
    last_beat_ = beat;
    f.beat_s = beat;
  }

  drift_ += gauss(params_.drift * std::sqrt(dt_ / 60.0)); // SD `drift` per minute
  drift_ *= 1 - dt_ / 600.0;                              // mean-reverting over ~10 min
  f.belt = 2000 + 400 * (f.volume + drift_ + gauss(params_.noise));
  return f;
}

} // namespace pneuma::drivers::sim
