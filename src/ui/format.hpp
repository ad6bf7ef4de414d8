#pragma once
// Numbers as the view shows them: honest about what is unknown or computed from poor data.

#include <SDL.h>

#include <string>

#include "pneuma/drivers/sample.hpp"

namespace pneuma::ui {

/// "04:12"
std::string format_clock(double seconds);
/// A value with fixed decimals, "?" when unknown.
std::string format_number(double value, int decimals);

/// A value ready to draw: its text and whether it is trustworthy (drawn plainly) or not
/// (greyed, with a trailing "?").
struct ShownValue {
  std::string text;
  bool trusted = false;
};
ShownValue shown(double value, int decimals, bool good_signal);

/// Colour of a device state: streaming green, connecting yellow, stalled orange, lost red.
SDL_Color state_colour(drivers::DeviceStatus::State state);

} // namespace pneuma::ui
