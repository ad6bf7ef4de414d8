#pragma once
// Resonance-frequency (RF) assessment (algorithms.md; Shaffer & Meehan 2020, Front. Neurosci.
// 14:570400; Lehrer & Gevirtz 2014).
//
// Protocol: paced breathing at a descending series of rates (default 6.5 -> 4.5 breaths/min in 0.5
// steps), `step_s` each (default 120 s), I:E 4:6; the first `discard_s` (default 45 s) of each step
// are entrainment and not analysed. Step boundaries come from the recording's pacer annotations.
// Gates per step: compliance - the measured breathing rate (belt spectrum, else RSA-derived from
// HR) within `compliance_bpm` (0.5) of the pacer; artifacts - at most `max_artifact_pct` (5 %) of
// beats flagged and at least half the beats the mean HR predicts. A step failing either is shown
// with its reason and takes no part in the choice.
// The six criteria (record_analysis.hpp computes them), each scored 0..1 over the valid steps:
//   1 phase        1 - |rate - in-phase rate| / (0.5 breath/min), floored at 0. The in-phase rate
//                  is where the HR-volume phase crosses 0 deg between neighbouring steps (linear
//                  interpolation; HR leads at slower rates, lags at faster); using the phase
//                  curve of all steps is far steadier than one step's phase. Only a crossing
//                  that way counts: a resonant loop's phase falls with rate, so a crossing from
//                  lagging (slower step) to leading (faster step) is noise around 0 deg, e.g. a
//                  person resonating beyond the fast edge; so is a crossing whose farther steps
//                  lean the other way on average by more than twice their phase noise (one
//                  step's dip). Without a crossing: 1 - |phase| / 90 deg.
//   2 p2t          HR peak-to-trough / the largest
//   3 lf_power     LF power / the largest
//   4 lf_peak      LF peak amplitude / the largest
//   5 smoothness   share of HR variance at the pacing frequency / the largest
//   6 lf_peaks     fewest LF peaks / this step's count
// Weighting (Pneuma's own; the paper gives only the order): 32:16:8:4:2:1 in the paper's priority
// order, normalised to sum 1, so each criterion outweighs all those below it together (a soft
// lexicographic order). The score is multiplied by a compliance factor,
// 1 - 0.5 |breathing - pacer| / tolerance (a step breathed off the pacer measured another rate).
// Recommendation: the valid step with the highest score.
// Why: on the simulated person (30 runs, rf 5.0/5.5/6.0 x 10 seeds) the amplitude criteria peak
// anywhere within +-1/min from window to window (Mayer-wave noise in 75 s), while the phase
// crossing sits 0.2-0.4/min below the simulated baroreflex resonance in every run (the fast vagal
// path lags); 6:5:4:3:2:1 with per-step phase missed by 1/min in 4 of 30 runs, this in none
// (final check: 30 runs, rf 5.0/5.5/6.0 x seeds 1-10 at --speed 200, all within 0.5/min, mean
// -0.35/min).
// Confidence (0..1) = coverage x (0.5 agreement + 0.5 separation) x edge, where coverage = valid
// steps / steps, agreement = the weight of criteria whose own best step is within 0.5 breaths/min
// of the recommendation, separation = min(1, (best - runner-up score) / margin), and edge = 0.5
// when the recommendation is the slowest or fastest rate tested (the data bound the resonance
// from one side only: "there" and "beyond" are two answers they cannot tell apart), else 1.
// How far scores must stand apart to mean anything: the same criteria on each half of every
// step's window (assess_recording) give two scores per step; their difference measures the score
// noise of one step (Mayer waves, a sigh, a few breaths of 75 s), sigma = RMS(|a - b| / 2) over
// the valid steps, and margin = max(0.05, 2 sigma). Steps scoring within the margin of the best
// are equally good: when they span 1 breath/min or more (3 steps at the 0.5 grid) the result says
// "a range of rates is equally good" and names it; the halves' own recommendations join the
// range (an answer the two halves of the session do not reproduce is not one rate). Two more
// join it: the valid steps within 2 sigma of the in-phase rate (sigma = phase noise of one step,
// from the halves, over the phase curve's slope at the crossing), and, when RSA (p2t) stays
// within half power of its largest over more than 1.5 breaths/min, that whole band: a curve so
// flat does not place the resonance by amplitude, and its phase crossing alone sits below it.
// Why: RSA amplitude peaks at the resonance rate with a half-power width of ~1 breath/min
// (Vaschillo et al. 2002, 2006; Lehrer et al. 2000, 2013): a person whose curve is flatter over
// the tested rates, or whose session is noisy, has no single best rate the data can show, and a
// lone noisy step must not read as confidence 1 (one rf 6.5 person read 5.5 with confidence 1.0).
// Edge: the best step being the slowest or fastest tested means the resonance frequency is there
// or beyond it (a person at 7.0 can only be told 6.5): the note says which edge, and by how much
// to extend the range. Fewer than 2 valid steps: no recommendation (confidence 0).
// Thread contract: plain functions, any thread, not real-time.

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/record_analysis.hpp"

namespace pneuma::app {

struct AssessProtocol {
  std::vector<double> rates_bpm = {6.5, 6.0, 5.5, 5.0, 4.5};
  double step_s = 120;
  double discard_s = 45;
  double inhale_parts = 4, exhale_parts = 6;
  double compliance_bpm = 0.5;
  double max_artifact_pct = 5;

  /// from, from -/+ step, ... to (inclusive); throws std::invalid_argument on a bad range.
  static std::vector<double> stepped(double from, double to, double step);
  [[nodiscard]] double total_s() const { return step_s * static_cast<double>(rates_bpm.size()); }
  void validate() const; ///< throws std::invalid_argument naming the bad setting
};

inline constexpr std::array<char const*, 6> kCriteria = {"phase", "p2t", "lf_power", "lf_peak", "smoothness",
                                                          "lf_peaks"};
inline constexpr std::array<double, 6> kCriterionWeights = {32 / 63.0, 16 / 63.0, 8 / 63.0, 4 / 63.0, 2 / 63.0, 1 / 63.0};

struct StepResult {
  double rate_bpm = 0;
  double t0 = 0, t1 = 0; ///< analysed window
  bool valid = false;
  std::string reason;    ///< why not valid
  WindowStats stats;
  std::array<std::optional<double>, 6> criteria{}; ///< scores 0..1 (valid steps)
  double compliance_bpm = 0.5;
  std::optional<double> score;
};

struct AssessResult {
  std::optional<double> recommended_bpm;
  std::optional<double> in_phase_bpm; ///< where HR and breathing come in phase (criterion 1)
  double confidence = 0;
  std::vector<StepResult> steps;
  std::string note; ///< e.g. "at the edge of the tested range"
  /// Rates whose scores the data cannot tell apart from the best, when they span >= 1/min.
  std::optional<std::pair<double, double>> equally_good_bpm;
  std::string edge;        ///< "slow" / "fast": the best is the slowest / fastest rate tested
  double score_noise = 0;  ///< sigma of one step's score (from the two halves), 0 unknown
  double in_phase_sigma_bpm = 0; ///< sigma of the in-phase rate (phase noise / phase slope), 0 unknown
  double in_phase_bias_bpm = 0;  ///< how far below the resonance the vagal latency may put it, 0 unknown
  [[nodiscard]] nlohmann::ordered_json to_json() const;
  /// The steps table alone (stored with the assessment; the report renders it).
  [[nodiscard]] nlohmann::ordered_json steps_json() const;
};

/// Assesses a recording made while the protocol ran (steps from its "Pacer R/min" annotations;
/// without them, the protocol grid from t = 0).
AssessResult assess_recording(drivers::files::Recording const& rec, AssessProtocol const& protocol);

/// Scores valid steps and picks the recommendation (exposed for tests). `halves`: the same steps
/// scored on the first and second half of each window (assess_recording), for the score noise;
/// without them the margin is 0.1 and no range is reported. `half_phase_noise_deg`: for scoring a
/// half, one half-step's phase noise (the whole step's, from the halves, times sqrt 2); without
/// halves or it, a phase crossing is not checked against its farther steps.
void score_steps(AssessResult& result, std::array<AssessResult, 2> const* halves = nullptr,
                 std::optional<double> half_phase_noise_deg = std::nullopt);

} // namespace pneuma::app
