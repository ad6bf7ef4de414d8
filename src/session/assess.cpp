#include "session/assess.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace pneuma::app {
namespace {

nlohmann::ordered_json num(std::optional<double> v, int decimals) {
  if (!v || !std::isfinite(*v)) return nullptr;
  const double scale = std::pow(10.0, decimals);
  return std::round(*v * scale) / scale;
}

} // namespace

std::vector<double> AssessProtocol::stepped(double from, double to, double step) {
  if (!(step > 0)) throw std::invalid_argument("--step must be > 0 breaths/min");
  if (!(from >= 3 && from <= 12 && to >= 3 && to <= 12))
    throw std::invalid_argument("--from and --to must be 3 to 12 breaths/min");
  std::vector<double> rates;
  const double dir = to < from ? -1 : 1;
  for (double r = from; dir * (to - r) >= -1e-9; r += dir * step) rates.push_back(std::round(r * 100) / 100);
  if (rates.size() > 20) throw std::invalid_argument("more than 20 steps: use a larger --step");
  return rates;
}

void AssessProtocol::validate() const {
  if (rates_bpm.size() < 2) throw std::invalid_argument("an assessment needs at least 2 rates");
  for (double r : rates_bpm)
    if (!(r >= 3 && r <= 12)) throw std::invalid_argument("rates must be 3 to 12 breaths/min");
  if (!(step_s >= 30 && step_s <= 900)) throw std::invalid_argument("--step-minutes must be 0.5 to 15");
  if (!(discard_s >= 0 && discard_s <= step_s - 20))
    throw std::invalid_argument("--discard must leave at least 20 s of each step to analyse");
}

/// Where the HR-volume phase crosses 0 deg going from HR leading (slower rates) to HR lagging
/// (faster rates), the way it turns at a resonance; `slope` gets the phase change there (deg per
/// breath/min, negative). A resonant loop's phase falls as the rate rises, so a crossing stands
/// only if the steps beyond it agree:
/// * a crossing the other way (lagging at the slower rate, leading at the faster) is two steps'
///   phase noise around 0 deg, e.g. a person resonating beyond the fast edge, HR leading at every
///   step but one near 0 deg;
/// * a crossing whose farther steps lean the other way on average, by more than twice their
///   noise (`step_noise_deg`, one step's phase noise), is one step's dip: HR leading by 13..27 deg
///   at four steps and lagging by 8 deg at one (noise ~10 deg in 75 s) is no resonance at that one.
std::optional<double> in_phase_rate(std::vector<StepResult*> const& valid, double step_noise_deg, double* slope = nullptr) {
  std::vector<StepResult const*> by_rate;
  for (auto const* s : valid)
    if (s->stats.phase_deg) by_rate.push_back(s);
  std::sort(by_rate.begin(), by_rate.end(), [](auto* a, auto* b) { return a->rate_bpm < b->rate_bpm; });
  auto leans_against = [&](std::size_t from, std::size_t to, double sign) { // steps [from, to)
    if (from >= to) return false;
    double sum = 0;
    for (std::size_t k = from; k < to; ++k) sum += std::remainder(*by_rate[k]->stats.phase_deg, 360.0);
    const double n = static_cast<double>(to - from);
    return sign * sum / n > 2 * step_noise_deg / std::sqrt(n);
  };
  for (std::size_t i = 0; i + 1 < by_rate.size(); ++i) {
    const double ra = by_rate[i]->rate_bpm, rb = by_rate[i + 1]->rate_bpm;
    const double pa = *by_rate[i]->stats.phase_deg, pb = *by_rate[i + 1]->stats.phase_deg;
    if ((pa >= 0) == (pb > 0) || std::abs(pa - pb) > 150) continue; // no crossing, or a wrap
    if (!(pa >= 0 && pb <= 0)) continue; // the wrong way round: noise, not a resonance
    if (leans_against(0, i, -1) || leans_against(i + 2, by_rate.size(), +1)) continue; // a dip
    if (slope != nullptr) *slope = (pb - pa) / (rb - ra);
    return pa == pb ? ra : ra + (rb - ra) * pa / (pa - pb);
  }
  return std::nullopt;
}

/// One step's HR-volume phase noise (deg) from the two halves of every valid step (as for the
/// scores: RMS of half the halves' difference); infinite without halves (no estimate).
double step_phase_noise(AssessResult const& result, std::array<AssessResult, 2> const* halves) {
  if (halves == nullptr) return std::numeric_limits<double>::infinity();
  double phase2 = 0;
  int n = 0;
  auto const& a = (*halves)[0], &b = (*halves)[1];
  for (std::size_t i = 0; i < result.steps.size(); ++i) {
    if (!result.steps[i].valid) continue;
    if (i >= a.steps.size() || i >= b.steps.size() || !a.steps[i].stats.phase_deg || !b.steps[i].stats.phase_deg)
      continue;
    const double d = std::remainder(*a.steps[i].stats.phase_deg - *b.steps[i].stats.phase_deg, 360.0) / 2;
    phase2 += d * d;
    ++n;
  }
  return n >= 2 ? std::sqrt(phase2 / n) : std::numeric_limits<double>::infinity();
}

// Latency of the vagal heart-rate response: the sinus node's answer to a vagal burst peaks about
// half a second after it (Levy & Zieske 1969).
constexpr double kVagalLatencyS = 0.5;

void score_steps(AssessResult& result, std::array<AssessResult, 2> const* halves, std::optional<double> half_phase_noise_deg) {
  std::vector<StepResult*> valid;
  for (auto& s : result.steps)
    if (s.valid) valid.push_back(&s);
  auto largest = [&](auto pick) {
    double m = 0;
    for (auto* s : valid)
      if (auto v = pick(*s)) m = std::max(m, *v);
    return m;
  };
  const double max_p2t = largest([](StepResult const& s) { return s.stats.p2t_bpm; });
  const double max_lf = largest([](StepResult const& s) { return s.stats.lf_ms2; });
  const double max_peak = largest([](StepResult const& s) { return s.stats.lf_peak_ms2_hz; });
  const double max_smooth = largest([](StepResult const& s) { return s.stats.smoothness; });
  int min_peaks = 1 << 20;
  for (auto* s : valid)
    if (s->stats.lf_peaks && *s->stats.lf_peaks > 0) min_peaks = std::min(min_peaks, *s->stats.lf_peaks);
  double phase_slope = 0;
  const double phase_noise = half_phase_noise_deg ? *half_phase_noise_deg : step_phase_noise(result, halves);
  result.in_phase_bpm = in_phase_rate(valid, phase_noise, &phase_slope);
  for (auto* s : valid) {
    auto& c = s->criteria;
    auto const& st = s->stats;
    if (result.in_phase_bpm) c[0] = std::max(0.0, 1 - std::abs(s->rate_bpm - *result.in_phase_bpm) / 0.5);
    else if (st.phase_deg) c[0] = std::max(0.0, 1 - std::abs(*st.phase_deg) / 90.0);
    if (st.p2t_bpm && max_p2t > 0) c[1] = *st.p2t_bpm / max_p2t;
    if (st.lf_ms2 && max_lf > 0) c[2] = *st.lf_ms2 / max_lf;
    if (st.lf_peak_ms2_hz && max_peak > 0) c[3] = *st.lf_peak_ms2_hz / max_peak;
    if (st.smoothness && max_smooth > 0) c[4] = *st.smoothness / max_smooth;
    if (st.lf_peaks && *st.lf_peaks > 0) c[5] = static_cast<double>(min_peaks) / *st.lf_peaks;
    double score = 0;
    for (std::size_t k = 0; k < c.size(); ++k) score += kCriterionWeights[k] * c[k].value_or(0);
    // A step breathed off the pacer measured another rate: down-weighted linearly, by up to half
    // at the compliance limit.
    if (st.breathing_bpm && s->compliance_bpm > 0)
      score *= 1 - 0.5 * std::min(1.0, std::abs(*st.breathing_bpm - s->rate_bpm) / s->compliance_bpm);
    s->score = score;
  }
  result.recommended_bpm.reset();
  result.confidence = 0;
  if (valid.size() < 2) {
    result.note = "fewer than 2 valid steps: no recommendation (check the belt/strap and breathe with the pacer)";
    return;
  }
  std::sort(valid.begin(), valid.end(), [](auto* a, auto* b) { return *a->score > *b->score; });
  StepResult const& best = *valid[0];
  result.recommended_bpm = best.rate_bpm;
  double agreement = 0;
  for (std::size_t k = 0; k < kCriteria.size(); ++k) {
    StepResult const* own = nullptr;
    for (auto* s : valid)
      if (s->criteria[k] && (!own || *s->criteria[k] > *own->criteria[k])) own = s;
    if (own && std::abs(own->rate_bpm - best.rate_bpm) <= 0.5 + 1e-9) agreement += kCriterionWeights[k];
  }
  // Score noise from the two halves of each step (see the banner).
  double margin = 0.1;
  std::vector<double> range_rates = {best.rate_bpm};
  result.equally_good_bpm.reset();
  result.score_noise = 0;
  result.in_phase_sigma_bpm = 0;
  result.in_phase_bias_bpm = 0;
  if (halves != nullptr) {
    double sum2 = 0;
    int n = 0;
    for (std::size_t i = 0; i < result.steps.size(); ++i) {
      if (!result.steps[i].valid) continue;
      auto const& a = (*halves)[0], &b = (*halves)[1];
      if (i >= a.steps.size() || i >= b.steps.size() || !a.steps[i].score || !b.steps[i].score) continue;
      const double e = (*a.steps[i].score - *b.steps[i].score) / 2;
      sum2 += e * e;
      ++n;
    }
    if (n >= 2) {
      result.score_noise = std::sqrt(sum2 / n);
      margin = std::max(0.05, 2 * result.score_noise);
      for (auto* s : valid)
        if (*s->score >= *best.score - margin) range_rates.push_back(s->rate_bpm);
      for (auto const& h : *halves)
        if (h.recommended_bpm) range_rates.push_back(*h.recommended_bpm);
    }
    // How well the phase places the in-phase rate: phase noise of one step (from the halves, as
    // for the scores) over the phase curve's slope at the crossing. A sharp resonance turns the
    // phase by tens of degrees per breath/min and the crossing stands; a flat one turns it by a
    // few, so a few degrees of noise move the crossing by a breath/min or more, and every valid
    // step within 2 sigma of it is as good a candidate as the best.
    if (result.in_phase_bpm && std::isfinite(phase_noise) && phase_slope < 0) {
      result.in_phase_sigma_bpm = phase_noise / -phase_slope;
      // The heart answers a breath through the vagal path's latency (~0.5 s), which adds a lag
      // of 360 f tau degrees to HR against volume and so moves the crossing below the resonance
      // by that lag over the phase slope: a fifth of a breath/min on a sharp curve (~90 deg per
      // breath/min at q 5), a breath/min or more on a flat one (~13 deg). Steps up to that far
      // above the crossing are candidates too.
      // A bias under half a 0.5-step is within the protocol's own resolution: left out.
      double bias = 360.0 * (*result.in_phase_bpm / 60.0) * kVagalLatencyS / -phase_slope;
      if (bias < 0.25) bias = 0;
      result.in_phase_bias_bpm = bias;
      for (auto* s : valid) {
        const double d = s->rate_bpm - *result.in_phase_bpm;
        if (d >= -2 * result.in_phase_sigma_bpm && d <= 2 * result.in_phase_sigma_bpm + bias) range_rates.push_back(s->rate_bpm);
      }
    }
  }
  // A flat resonance curve: RSA within half power (p2t >= largest / sqrt 2) of the largest over
  // more than 1.5 breaths/min is wider than any published resonance curve (half-power width ~1/min,
  // Vaschillo 2002/2006, Lehrer 2000/2013). The amplitude then does not place the resonance, and
  // the phase crossing alone is biased (the fast vagal path's lag moves it below the resonance,
  // the more so the flatter the curve): every step within that half-power band is as good a
  // candidate as the best.
  {
    double flat_lo = 1e9, flat_hi = -1e9;
    for (auto* s : valid)
      if (s->stats.p2t_bpm && max_p2t > 0 && *s->stats.p2t_bpm >= max_p2t / std::numbers::sqrt2) {
        flat_lo = std::min(flat_lo, s->rate_bpm);
        flat_hi = std::max(flat_hi, s->rate_bpm);
      }
    if (flat_hi - flat_lo > 1.5 + 1e-9) {
      range_rates.push_back(flat_lo);
      range_rates.push_back(flat_hi);
    }
  }
  const double separation = std::min(1.0, std::max(0.0, *valid[0]->score - *valid[1]->score) / margin);
  double lo = 1e9, hi = -1e9;
  for (auto const& s : result.steps) {
    lo = std::min(lo, s.rate_bpm);
    hi = std::max(hi, s.rate_bpm);
  }
  const auto [range_lo, range_hi] = std::minmax_element(range_rates.begin(), range_rates.end());
  const bool range = *range_hi - *range_lo >= 1.0 - 1e-9;
  if (range) result.equally_good_bpm = std::make_pair(*range_lo, *range_hi);
  result.edge.clear();
  if (best.rate_bpm <= lo + 1e-9) result.edge = "slow";
  if (best.rate_bpm >= hi - 1e-9) result.edge = "fast";
  const double coverage = static_cast<double>(valid.size()) / static_cast<double>(result.steps.size());
  result.confidence = coverage * (0.5 * agreement + 0.5 * separation) * (result.edge.empty() ? 1.0 : 0.5);
  // A range the data cannot split is one answer of lower confidence: spread over n steps.
  if (range) result.confidence /= std::round((*range_hi - *range_lo) / 0.5);
  char text[240];
  result.note.clear();
  if (range) {
    std::snprintf(text, sizeof text, "a range of rates is equally good: %.1f to %.1f breaths/min (the step scores do not separate)",
                  *range_lo, *range_hi);
    result.note = text;
  }
  if (!result.edge.empty()) {
    std::snprintf(text, sizeof text,
                  "the best rate is at the %s edge of the tested range (%.1f/min): the resonance frequency is there or "
                  "beyond it; test again from %.1f/min",
                  result.edge == "slow" ? "slow" : "fast", best.rate_bpm,
                  result.edge == "slow" ? std::max(3.0, best.rate_bpm - 1.0) : std::min(12.0, best.rate_bpm + 1.0));
    result.note += (result.note.empty() ? "" : "; ") + std::string(text);
  }
}

namespace {
/// The same steps with their analysed windows cut to the first (0) or second (1) half (unscored).
AssessResult half_of(AssessResult const& full, drivers::files::Recording const& rec, BeatSeries const& beats, int which) {
  AssessResult h;
  h.steps = full.steps;
  for (auto& s : h.steps) {
    if (!s.valid) continue;
    const double mid = 0.5 * (s.t0 + s.t1);
    if (which == 0) s.t1 = mid;
    else s.t0 = mid;
    s.stats = analyze_window(rec, beats, s.t0, s.t1, s.rate_bpm);
  }
  return h;
}
} // namespace

AssessResult assess_recording(drivers::files::Recording const& rec, AssessProtocol const& protocol) {
  AssessResult result;
  const BeatSeries beats = beats_from_annotations(rec);
  struct Span {
    double t0, t1, rate;
  };
  std::vector<Span> spans;
  for (auto const& p : pacer_spans(rec)) spans.push_back({p.t0, std::min(p.t1, rec.duration_s), p.rate_bpm});
  if (spans.size() < 2)
    for (std::size_t i = 0; i < protocol.rates_bpm.size(); ++i)
      spans.push_back({static_cast<double>(i) * protocol.step_s,
                       std::min(rec.duration_s, static_cast<double>(i + 1) * protocol.step_s), protocol.rates_bpm[i]});
  for (auto const& sp : spans) {
    StepResult s;
    s.rate_bpm = sp.rate;
    s.compliance_bpm = protocol.compliance_bpm;
    s.t0 = sp.t0 + protocol.discard_s;
    s.t1 = sp.t1;
    if (s.t1 - s.t0 < 20) {
      s.reason = "too short to analyse (" + std::to_string(static_cast<int>(std::max(0.0, s.t1 - s.t0))) + " s)";
      result.steps.push_back(s);
      continue;
    }
    s.stats = analyze_window(rec, beats, s.t0, s.t1, s.rate_bpm);
    const double expected_beats = s.stats.mean_hr_bpm ? *s.stats.mean_hr_bpm * (s.t1 - s.t0) / 60.0 : 0;
    char why[160];
    if (!s.stats.breathing_bpm) {
      s.reason = "no breathing signal (no belt and no usable heart-rate rhythm)";
    } else if (std::abs(*s.stats.breathing_bpm - s.rate_bpm) > protocol.compliance_bpm) {
      std::snprintf(why, sizeof why, "breathing %.2f/min did not follow the pacer (%.1f/min, tolerance %.1f)",
                    *s.stats.breathing_bpm, s.rate_bpm, protocol.compliance_bpm);
      s.reason = why;
    } else if (s.stats.beats < 10 || s.stats.beats < 0.5 * expected_beats) {
      s.reason = "too few beats (strap contact?)";
    } else if (s.stats.artifact_pct > protocol.max_artifact_pct) {
      std::snprintf(why, sizeof why, "%.1f %% of beats are artifacts (limit %.0f %%)", s.stats.artifact_pct,
                    protocol.max_artifact_pct);
      s.reason = why;
    } else {
      s.valid = true;
    }
    result.steps.push_back(s);
  }
  score_steps(result);
  if (result.recommended_bpm) {
    std::array<AssessResult, 2> halves = {half_of(result, rec, beats, 0), half_of(result, rec, beats, 1)};
    // A half has half the data: its phase noise is the whole step's times sqrt 2.
    const double half_noise = std::numbers::sqrt2 * step_phase_noise(result, &halves);
    for (auto& h : halves) score_steps(h, nullptr, half_noise);
    score_steps(result, &halves);
  }
  return result;
}

nlohmann::ordered_json AssessResult::steps_json() const {
  nlohmann::ordered_json steps_out = nlohmann::ordered_json::array();
  for (auto const& s : steps) {
    nlohmann::ordered_json j;
    j["rate_bpm"] = s.rate_bpm;
    j["valid"] = s.valid;
    j["reason"] = s.reason;
    j["window_s"] = {num(s.t0, 1), num(s.t1, 1)};
    j["breathing_bpm"] = num(s.stats.breathing_bpm, 2);
    j["breathing_from"] = s.stats.breathing_from_belt ? "belt" : "heart rate";
    j["beats"] = s.stats.beats;
    j["artifact_pct"] = num(s.stats.artifact_pct, 1);
    j["mean_hr_bpm"] = num(s.stats.mean_hr_bpm, 1);
    j["phase_deg"] = num(s.stats.phase_deg, 1);
    j["p2t_bpm"] = num(s.stats.p2t_bpm, 2);
    j["lf_ms2"] = num(s.stats.lf_ms2, 1);
    j["lf_peak_ms2_hz"] = num(s.stats.lf_peak_ms2_hz, 1);
    j["lf_peak_hz"] = num(s.stats.lf_peak_hz, 4);
    j["smoothness"] = num(s.stats.smoothness, 3);
    j["lf_peaks"] = s.stats.lf_peaks ? nlohmann::ordered_json(*s.stats.lf_peaks) : nlohmann::ordered_json(nullptr);
    nlohmann::ordered_json c;
    for (std::size_t k = 0; k < kCriteria.size(); ++k) c[kCriteria[k]] = num(s.criteria[k], 3);
    j["criteria"] = c;
    j["score"] = num(s.score, 3);
    steps_out.push_back(j);
  }
  return steps_out;
}

nlohmann::ordered_json AssessResult::to_json() const {
  nlohmann::ordered_json j;
  j["recommended_bpm"] = recommended_bpm ? nlohmann::ordered_json(*recommended_bpm) : nlohmann::ordered_json(nullptr);
  j["confidence"] = num(confidence, 3);
  j["in_phase_bpm"] = num(in_phase_bpm, 2);
  j["note"] = note;
  j["equally_good_bpm"] = equally_good_bpm
                              ? nlohmann::ordered_json::array({equally_good_bpm->first, equally_good_bpm->second})
                              : nlohmann::ordered_json(nullptr);
  j["edge"] = edge.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(edge);
  j["score_noise"] = num(score_noise > 0 ? std::optional<double>(score_noise) : std::nullopt, 3);
  j["in_phase_sigma_bpm"] = num(in_phase_sigma_bpm > 0 ? std::optional<double>(in_phase_sigma_bpm) : std::nullopt, 2);
  j["in_phase_bias_bpm"] = num(in_phase_bias_bpm > 0 ? std::optional<double>(in_phase_bias_bpm) : std::nullopt, 2);
  j["weighting"] = "criteria in Shaffer & Meehan's priority order weighted 32:16:8:4:2:1 (sum 1; each outweighs "
                   "all below it): phase, p2t, lf_power, lf_peak, smoothness, lf_peaks; x compliance factor";
  j["steps"] = steps_json();
  return j;
}

} // namespace pneuma::app
