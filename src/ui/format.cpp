#include "ui/format.hpp"

#include "ui/paint.hpp"

namespace pneuma::ui {

SDL_Color colour_of(app::Tone tone) noexcept {
  using T = app::Tone;
  switch (tone) {
  case T::text: return palette::kText;
  case T::faint: return palette::kFaint;
  case T::warn: return palette::kWarn;
  case T::good: return palette::kGood;
  case T::nearly: return palette::kNearly;
  case T::bad: return palette::kBad;
  default: return palette::kMuted;
  }
}

} // namespace pneuma::ui
