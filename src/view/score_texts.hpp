#pragma once
// The words a person reads for each score (its name is session_flow.hpp's score_name): its unit and one plain-language line saying
// what it means. The window, the summary and `analyze` all take them from here, so they say the
// same thing; dsp/ computes the numbers and holds no user-facing text.

#include <string_view>

#include "session/session_flow.hpp"

namespace pneuma::app {

std::string_view score_unit(ScoreKind kind) noexcept;    ///< "", "bpm", "ms"
std::string_view score_meaning(ScoreKind kind) noexcept; ///< one plain-language line
/// The plain range a number of this score is read against: "typical during slow breathing: ...".
std::string_view score_typical(ScoreKind kind) noexcept;

/// What dsp::Coherence's ratio means.
std::string_view coherence_meaning() noexcept;
/// What dsp::BreathRsa's per-breath heart-rate swing means.
std::string_view breath_rsa_meaning() noexcept;
/// What the resonance amplitude (RSA peak-to-trough during paced breathing) means, with its range.
std::string_view resonance_amplitude_meaning() noexcept;
/// What dsp::HrRespCoupling's phase and coherence mean.
std::string_view hr_resp_coupling_meaning() noexcept;

} // namespace pneuma::app
