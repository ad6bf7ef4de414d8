#pragma once
// The colour each of the view model's tones is drawn in (view/format.hpp).

#include <SDL.h>

#include "view/format.hpp"

namespace pneuma::ui {

/// text kText, muted kMuted, faint kFaint, warn kWarn, good kGood, nearly kNearly, bad kBad.
SDL_Color colour_of(app::Tone tone) noexcept;

} // namespace pneuma::ui
