// The words a person reads for each score (view/score_texts.hpp).
#include <catch2/catch.hpp>

#include "view/score_texts.hpp"

using namespace pneuma::app;

TEST_CASE("score texts: every score has a name, the unit of its number and a plain meaning", "[app]") {
  CHECK(score_name(ScoreKind::coherence) == "Coherence");
  CHECK(score_name(ScoreKind::rsa) == "RSA");
  CHECK(score_name(ScoreKind::rmssd) == "RMSSD");
  CHECK(score_unit(ScoreKind::coherence).empty()); // a ratio
  CHECK(score_unit(ScoreKind::rsa) == "bpm");
  CHECK(score_unit(ScoreKind::rmssd) == "ms");
  CHECK(score_meaning(ScoreKind::coherence) == coherence_meaning());
  CHECK(score_meaning(ScoreKind::rsa) == resonance_amplitude_meaning());
  CHECK(score_meaning(ScoreKind::rmssd).find("beat to the next") != std::string_view::npos);
  // The resonance line gives its range, so a number can be read against it.
  CHECK(resonance_amplitude_meaning().find("15-25") != std::string_view::npos);
  CHECK(breath_rsa_meaning().find("breathe in") != std::string_view::npos);
  CHECK(hr_resp_coupling_meaning().find("degrees") != std::string_view::npos);
}
