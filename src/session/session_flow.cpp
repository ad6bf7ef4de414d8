#include "session/session_flow.hpp"

#include "pneuma/dsp/coherence.hpp"
#include "pneuma/dsp/rsa.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace pneuma::app {
namespace {
constexpr double kPeriodS = 120.0;   // "before" / "after" windows
constexpr int kMinGoodSeconds = 10;
constexpr double kGoodQuality = 0.5;
} // namespace

std::string_view score_name(ScoreKind kind) noexcept {
  switch (kind) {
  case ScoreKind::rsa: return "RSA";
  case ScoreKind::rmssd: return "RMSSD";
  default: return "Coherence";
  }
}

double score_value(ScoreKind kind, Metrics const& m) noexcept {
  switch (kind) {
  case ScoreKind::rsa: return m.rsa_bpm;
  case ScoreKind::rmssd: return m.rmssd_ms;
  default: return m.coherence;
  }
}

BreathingRate breathing_rate(Metrics const& m) noexcept {
  // Heart-rhythm breathing where RSA does not follow breathing (breathing_source.hpp): unknown.
  if (m.breathing_doubt != dsp::RsaDoubt::none) return {kUnknown, 0.0};
  if (std::isfinite(m.breath_rate_bpm) && m.breath_quality >= 0.5) return {m.breath_rate_bpm, m.breath_quality};
  return {m.breathing_bpm, m.breathing_quality};
}

ScoreKind parse_score_kind(std::string_view text) {
  if (text == "coherence") return ScoreKind::coherence;
  if (text == "rsa") return ScoreKind::rsa;
  if (text == "rmssd") return ScoreKind::rmssd;
  throw std::invalid_argument("score '" + std::string(text) +
                              "' is not known (expected coherence, rsa or rmssd)");
}

SessionFlow::SessionFlow(FlowOptions options) : options_(options) {
  if (!(options_.training_s > 0)) throw std::invalid_argument("training must last more than 0 s");
  if (!(options_.baseline_s >= 0 && options_.baseline_s <= 1800))
    throw std::invalid_argument("baseline must last 0 to 30 minutes");
  // One sample per second, reserved up front so ticks never allocate.
  baseline_.reserve(static_cast<std::size_t>(options_.baseline_s) + 2);
  training_.reserve(static_cast<std::size_t>(options_.training_s) + 2);
  if (!options_.ratings) after_ratings(0.0);
}

void SessionFlow::enter(FlowStage stage, double t_s) {
  stage_ = stage;
  stage_start_s_ = t_s;
  next_sample_s_ = t_s + 1.0;
  question_ = RatingQuestion::tension;
  draft_ = -1;
}

void SessionFlow::after_ratings(double t_s) {
  enter(options_.baseline_s > 0 ? FlowStage::baseline : FlowStage::training, t_s);
}

void SessionFlow::choose(int value) noexcept { draft_ = std::clamp(value, 0, 10); }

void SessionFlow::nudge(int delta) noexcept {
  draft_ = std::clamp((draft_ < 0 ? 5 : draft_) + delta, 0, 10);
}

void SessionFlow::confirm(double t_s) {
  if (stage_ != FlowStage::rating_before && stage_ != FlowStage::rating_after) return;
  SelfRating& r = stage_ == FlowStage::rating_before ? before_ : after_;
  (question_ == RatingQuestion::tension ? r.tension : r.pain) = draft_;
  draft_ = -1;
  if (question_ == RatingQuestion::tension) {
    question_ = RatingQuestion::pain;
    return;
  }
  if (stage_ == FlowStage::rating_before)
    after_ratings(t_s);
  else
    enter(FlowStage::summary, t_s);
}

void SessionFlow::skip(double t_s) {
  draft_ = -1;
  confirm(t_s);
}

double SessionFlow::stage_length() const noexcept {
  switch (stage_) {
  case FlowStage::baseline: return options_.baseline_s;
  case FlowStage::training: return options_.training_s;
  default: return 0;
  }
}

void SessionFlow::tick(double t_s, Metrics const& m, double pacer_bpm, FollowResult const& follow) {
  if (stage_ != FlowStage::baseline && stage_ != FlowStage::training) return;
  auto& seconds = stage_ == FlowStage::baseline ? baseline_ : training_;
  while (t_s >= next_sample_s_ && seconds.size() < seconds.capacity()) {
    Second s{};
    s.hr = static_cast<float>(m.hr_bpm);
    s.rmssd = static_cast<float>(m.rmssd_ms);
    const BreathingRate br = breathing_rate(m);
    s.breathing = static_cast<float>(br.bpm);
    s.score = static_cast<float>(score_value(options_.score, m));
    s.quality = static_cast<float>(m.quality);
    s.hrv_ok = !m.hrv_poor;
    const bool good = m.quality >= kGoodQuality;
    if (std::isfinite(follow.score)) {
      s.judged = true;
      s.close = follow.score >= 0.7;
    } else if (good && std::isfinite(br.bpm)) {
      s.judged = true;
      s.close = std::abs(br.bpm - pacer_bpm) <= 0.5;
    }
    seconds.push_back(s);
    next_sample_s_ += 1.0;
  }
  if (t_s - stage_start_s_ >= stage_length()) {
    if (stage_ == FlowStage::baseline)
      enter(FlowStage::training, stage_start_s_ + options_.baseline_s);
    else
      enter(options_.ratings ? FlowStage::rating_after : FlowStage::summary, t_s);
  }
}

void SessionFlow::finish_stage(double t_s) {
  if (stage_ == FlowStage::baseline) {
    enter(FlowStage::training, t_s);
  } else if (stage_ == FlowStage::training) {
    ended_early_ = true;
    enter(options_.ratings ? FlowStage::rating_after : FlowStage::summary, t_s);
  } else if (stage_ == FlowStage::rating_before || stage_ == FlowStage::rating_after) {
    skip(t_s);
    if (stage_ == FlowStage::rating_before || stage_ == FlowStage::rating_after) skip(t_s);
  } else if (stage_ == FlowStage::summary) {
    close();
  }
}

void SessionFlow::end(double t_s) {
  switch (stage_) {
  case FlowStage::training: finish_stage(t_s); break;
  case FlowStage::rating_before:
  case FlowStage::baseline:
  case FlowStage::rating_after: enter(FlowStage::summary, t_s); break;
  case FlowStage::summary: close(); break;
  default: break;
  }
}

void SessionFlow::close() noexcept {
  if (stage_ == FlowStage::summary) stage_ = FlowStage::done;
}

PeriodStats SessionFlow::stats(std::vector<Second> const& s, std::size_t from, std::size_t to) {
  PeriodStats p;
  double hr = 0, rmssd = 0, br = 0, score = 0;
  int n_hr = 0, n_rmssd = 0, n_br = 0, n_score = 0;
  for (std::size_t i = from; i < to && i < s.size(); ++i) {
    ++p.seconds;
    if (!(s[i].quality >= kGoodQuality)) continue;
    ++p.good_seconds;
    auto add = [](float v, double& sum, int& n) {
      if (std::isfinite(v)) {
        sum += v;
        ++n;
      }
    };
    add(s[i].hr, hr, n_hr);
    add(s[i].breathing, br, n_br);
    if (s[i].hrv_ok) {
      add(s[i].rmssd, rmssd, n_rmssd);
      add(s[i].score, score, n_score);
    }
  }
  auto mean = [](double sum, int n) { return n >= kMinGoodSeconds ? sum / n : kUnknown; };
  p.hr_bpm = mean(hr, n_hr);
  p.rmssd_ms = mean(rmssd, n_rmssd);
  p.breathing_bpm = mean(br, n_br);
  p.score = mean(score, n_score);
  return p;
}

SessionSummary SessionFlow::summary() const {
  SessionSummary out;
  out.before = before_;
  out.after = after_;
  out.score = options_.score;
  out.ended_early = ended_early_;
  // Without a baseline, "before" and "after" are the first and last 2 min of training; in a
  // session shorter than 4 min they are its halves, so they never overlap (in a 1-minute session
  // both were the whole minute, and the change column compared it with itself).
  const std::size_t n = training_.size();
  const auto period = baseline_.empty() ? std::min(static_cast<std::size_t>(kPeriodS), n / 2)
                                        : static_cast<std::size_t>(kPeriodS);
  if (!baseline_.empty()) {
    out.start = stats(baseline_, 0, baseline_.size());
    out.start_is_baseline = true;
  } else {
    out.start = stats(training_, 0, std::min(period, training_.size()));
  }
  out.end = stats(training_, n > period ? n - period : 0, n);
  out.training_s = static_cast<double>(n);
  for (auto const& s : training_) {
    if (!s.judged) continue;
    out.measured_pace_s += 1;
    if (s.close) out.close_to_pace_s += 1;
  }
  return out;
}

std::string summary_json(SessionSummary const& s, std::vector<EventMarker> const& markers) {
  auto num = [](double v, int decimals) -> nlohmann::ordered_json {
    if (!std::isfinite(v)) return nullptr;
    const double scale = std::pow(10.0, decimals);
    return std::round(v * scale) / scale;
  };
  auto rating = [](int v) -> nlohmann::ordered_json {
    if (v < 0) return nullptr;
    return v;
  };
  auto period = [&](PeriodStats const& p) {
    nlohmann::ordered_json j;
    j["hr_bpm"] = num(p.hr_bpm, 1);
    j["rmssd_ms"] = num(p.rmssd_ms, 1);
    j["breathing_bpm"] = num(p.breathing_bpm, 2);
    j["score"] = num(p.score, 2);
    j["good_s"] = p.good_seconds;
    j["seconds"] = p.seconds;
    return j;
  };
  nlohmann::ordered_json j;
  auto& sum = j["summary"];
  sum["training_s"] = s.training_s;
  sum["ended_early"] = s.ended_early;
  sum["score"] = std::string(score_name(s.score));
  sum["before_is_baseline"] = s.start_is_baseline;
  sum["before"] = period(s.start);
  sum["after"] = period(s.end);
  sum["close_to_pace_s"] = s.close_to_pace_s;
  sum["pace_measured_s"] = s.measured_pace_s;
  sum["tension"] = {{"before", rating(s.before.tension)}, {"after", rating(s.after.tension)}};
  sum["pain"] = {{"before", rating(s.before.pain)}, {"after", rating(s.after.pain)}};
  auto& mk = j["markers"] = nlohmann::ordered_json::array();
  for (auto const& m : markers) mk.push_back({{"t_s", num(m.t_s, 2)}, {"note", m.note}});
  return j.dump();
}

void SessionFlow::add_marker(double t_s, std::string note) {
  markers_.push_back({t_s, std::move(note)});
}

} // namespace pneuma::app
