// The window's HR-breathing line (assign_heart_follows_words): the lag in words, or "?" with why.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "view/trainer_view_model.hpp"

using namespace pneuma;

TEST_CASE("heart follows breath words: lag, lead, in step, withheld with the reason", "[view]") {
  std::string s;
  app::assign_heart_follows_words(s, 1.24, dsp::PhaseWithheld::none);
  CHECK(s == "heart follows breath by 1.2 s");
  app::assign_heart_follows_words(s, -0.9, dsp::PhaseWithheld::none);
  CHECK(s == "heart leads breath by 0.9 s");
  app::assign_heart_follows_words(s, 0.1, dsp::PhaseWithheld::none);
  CHECK(s == "heart in step with breath");
  app::assign_heart_follows_words(s, NAN, dsp::PhaseWithheld::rsa_source);
  CHECK(s == "heart vs breath: ? (breathing read from heart)");
  app::assign_heart_follows_words(s, NAN, dsp::PhaseWithheld::warming_up);
  CHECK(s == "heart vs breath: ? (needs 64 s)");
  app::assign_heart_follows_words(s, NAN, dsp::PhaseWithheld::no_breathing);
  CHECK(s.empty());
}
