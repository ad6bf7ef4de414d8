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

// The ranges a person reads a number against, during paced breathing near 6 /min:
// * coherence ratio Ppeak / (Ptot - Ppeak): McCraty 2022's bands for the ratio form (dsp/coherence.hpp:
//   ~0.5 or less low, 1-2 medium, 3 or more high); slow even breathing puts most of the power in
//   one peak, so 1-3 is where most people are;
// * RSA peak-to-trough: Lehrer & Gevirtz 2014, resonance breathing gives 10-25 bpm in healthy
//   adults, less with age (it falls about half from 20 to 60 years);
// * RMSSD: Nunan et al. 2010's normative short-term range for healthy adults, 19-75 ms; slow
//   breathing changes it little (it is mostly beat-to-beat, not breath-to-breath), so the resting
//   range holds; it falls with age.
std::string_view score_typical(ScoreKind kind) noexcept {
  switch (kind) {
  case ScoreKind::rsa: return "typical during slow breathing: 10-25 bpm (less with age)";
  case ScoreKind::rmssd: return "typical during slow breathing: 20-75 ms (less with age)";
  default: return "typical during slow breathing: 1-3 (3 or more is high, under 0.5 low)";
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
