#include "view/score_texts.hpp"

namespace pneuma::app {

std::string_view score_unit(ScoreKind kind) noexcept {
  switch (kind) {
  case ScoreKind::rsa: return "bpm";
  case ScoreKind::rmssd: return "ms";
  default: return "";
  }
}

std::string_view score_meaning(ScoreKind kind) noexcept {
  switch (kind) {
  case ScoreKind::rsa: return resonance_amplitude_meaning();
  case ScoreKind::rmssd:
    return "How much your heart rate changes from one beat to the next: higher means your calming "
           "(vagal) system is more active.";
  default: return coherence_meaning();
  }
}

std::string_view coherence_meaning() noexcept {
  return "How much of your heart-rate variation is one smooth wave: high when heart rate rises and "
           "falls evenly with slow, steady breathing.";
}

std::string_view breath_rsa_meaning() noexcept {
  return "How far your heart rate swings within one breath: it rises as you breathe in and falls as you "
           "breathe out; bigger swings mean stronger, healthier vagal breathing response.";
}

std::string_view resonance_amplitude_meaning() noexcept {
  return "Your heart-rate swing per breath in beats/min: 15-25 is a good resonance response, over 25 excellent.";
}

std::string_view hr_resp_coupling_meaning() noexcept {
  return "Whether your heart rate moves in step with your breath: in step (near 0 degrees, coherence near 1) "
           "is the resonance you are training for.";
}

} // namespace pneuma::app
