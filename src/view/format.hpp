#pragma once
// Numbers as the window shows them: honest about what is unknown ("?") or computed from poor
// data (greyed, with a trailing "?"), and the tones text and status dots are drawn in. Plain
// strings, no SDL: the ui maps each Tone to a palette colour.
// The `assign_*` forms write into a string the caller keeps from frame to frame, so once its
// capacity has grown a frame costs no allocation.

#include <cstdint>
#include <string>

namespace pneuma::app {

/// How a text or a status dot is drawn (the ui's palette: kText, kMuted, kFaint, ...).
enum class Tone : std::uint8_t { text, muted, faint, warn, good, nearly, bad };

/// "04:12"
std::string format_clock(double seconds);
/// format_clock() in a buffer of its own, for building longer lines without allocating.
struct ClockText {
  char text[24];
  explicit ClockText(double seconds) noexcept;
};
/// A value with fixed decimals, "?" when unknown.
std::string format_number(double value, int decimals);

/// A value ready to draw: its text and whether it is trustworthy (drawn plainly) or not
/// (greyed, with a trailing "?").
struct ShownValue {
  std::string text;
  bool trusted = false;
};
ShownValue shown(double value, int decimals, bool good_signal);
/// shown() into a kept value (no allocation once its text has room).
void assign_shown(ShownValue& out, double value, int decimals, bool good_signal);

/// printf into a kept string (at most 255 characters).
[[gnu::format(printf, 2, 3)]] void assign_format(std::string& out, const char* format, ...);

} // namespace pneuma::app
