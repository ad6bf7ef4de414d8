// ui/paint colour_of (was ui/format): each tone of the view model is drawn in its palette colour; the tones that tell
// good from bad never share one.
#include <catch2/catch.hpp>

#include "ui/paint.hpp"

using pneuma::app::Tone;
using namespace pneuma::ui;

namespace {
bool same(SDL_Color a, SDL_Color b) { return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a; }
} // namespace

TEST_CASE("ui format: every tone maps to its palette colour", "[ui]") {
  CHECK(same(colour_of(Tone::text), palette::kText));
  CHECK(same(colour_of(Tone::muted), palette::kMuted));
  CHECK(same(colour_of(Tone::faint), palette::kFaint));
  CHECK(same(colour_of(Tone::warn), palette::kWarn));
  CHECK(same(colour_of(Tone::good), palette::kGood));
  CHECK(same(colour_of(Tone::nearly), palette::kNearly));
  CHECK(same(colour_of(Tone::bad), palette::kBad));
  // in step / nearly with it / off the pace must read apart at a glance
  CHECK_FALSE(same(palette::kGood, palette::kNearly));
  CHECK_FALSE(same(palette::kGood, palette::kBad));
  CHECK_FALSE(same(palette::kNearly, palette::kBad));
  CHECK_FALSE(same(palette::kText, palette::kMuted));
}
