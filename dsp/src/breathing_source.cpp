#include "pneuma/dsp/breathing_source.hpp"

#include <algorithm>
#include <cmath>

namespace pneuma::dsp {
namespace {
constexpr std::size_t idx(BreathingSource s) noexcept { return static_cast<std::size_t>(s); }
} // namespace

std::string_view breathing_source_key(BreathingSource s) noexcept {
  switch (s) {
  case BreathingSource::none: return "none";
  case BreathingSource::belt: return "belt";
  case BreathingSource::chest_motion: return "chest_motion";
  case BreathingSource::ecg: return "ecg";
  case BreathingSource::heart_rhythm: return "heart_rhythm";
  }
  return "none";
}

void BreathingSourceChooser::reset() noexcept {
  current_ = BreathingSource::none;
  changed_ = false;
  last_t_ = -1;
  better_for_.fill(0);
  unusable_for_ = 0;
}

BreathingSource BreathingSourceChooser::update(double t_s, std::array<double, kBreathingSources> const& scores) noexcept {
  const double dt = last_t_ < 0 ? 0.0 : std::clamp(t_s - last_t_, 0.0, 5.0);
  last_t_ = t_s;
  const BreathingSource before = current_;
  auto score = [&](BreathingSource s) { return std::isfinite(scores[idx(s)]) ? scores[idx(s)] : 0.0; };
  auto usable = [&](BreathingSource s) { return s != BreathingSource::none && score(s) >= cfg_.usable; };
  // The order of the enum is the order of trust (belt first).
  auto best_usable = [&] {
    BreathingSource best = BreathingSource::none;
    for (std::size_t i = 1; i < kBreathingSources; ++i) {
      const auto s = static_cast<BreathingSource>(i);
      if (usable(s) && (best == BreathingSource::none || score(s) > score(best) + cfg_.margin)) best = s;
    }
    return best;
  };

  if (usable(BreathingSource::belt)) {
    current_ = BreathingSource::belt; // a belt measures breathing itself: no surrogate competes
  } else if (current_ == BreathingSource::none) {
    current_ = best_usable();
  } else {
    unusable_for_ = usable(current_) ? 0.0 : unusable_for_ + dt;
    if (unusable_for_ >= cfg_.drop_after_s) {
      current_ = best_usable();
      unusable_for_ = 0;
    } else {
      const double mine = score(current_);
      BreathingSource take = BreathingSource::none;
      for (std::size_t i = 1; i < kBreathingSources; ++i) {
        const auto s = static_cast<BreathingSource>(i);
        const bool better = s != current_ && usable(s) &&
                            (idx(s) < idx(current_) ? score(s) >= mine - cfg_.margin / 2
                                                    : score(s) > mine + cfg_.margin);
        better_for_[i] = better ? better_for_[i] + dt : 0.0;
        if (better && better_for_[i] >= cfg_.switch_after_s && take == BreathingSource::none) take = s;
      }
      if (take != BreathingSource::none) current_ = take;
    }
  }
  changed_ = current_ != before;
  if (changed_) better_for_.fill(0);
  return current_;
}

std::string_view rsa_doubt_key(RsaDoubt d) noexcept {
  switch (d) {
  case RsaDoubt::fast_breathing: return "fast_breathing";
  case RsaDoubt::ectopy: return "ectopy";
  case RsaDoubt::low_hrv: return "low_hrv";
  case RsaDoubt::irregular: return "irregular";
  case RsaDoubt::none: break;
  }
  return "none";
}

RsaDoubt rsa_follows_breathing(RsaTrustInputs const& in) noexcept {
  if (in.breathing_bpm > 10.0) return RsaDoubt::fast_breathing;
  if (in.artifact_pct > 5.0) return RsaDoubt::ectopy;
  if (in.hr_swing_bpm < 1.5 || in.rmssd_ms < 8.0) return RsaDoubt::low_hrv;
  if (in.regularity_cv > 0.3) return RsaDoubt::irregular;
  return RsaDoubt::none;
}

} // namespace pneuma::dsp
