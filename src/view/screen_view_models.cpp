#include "view/screen_view_models.hpp"

#include <cmath>
#include <cstdio>

#include "view/score_texts.hpp"

namespace pneuma::app {

RatingView make_rating_view(RatingState const& s) noexcept {
  const bool tension = s.question == RatingQuestion::tension;
  RatingView v;
  v.heading = s.after ? "After the session" : "Before we start";
  v.question = tension ? "How tense do you feel right now?" : "How much pain do you feel right now?";
  v.scale = tension ? "0 = completely relaxed, 10 = as tense as you can imagine"
                    : "0 = no pain, 10 = the worst pain you can imagine";
  v.low = tension ? "relaxed" : "no pain";
  v.high = tension ? "very tense" : "worst pain";
  // One button, not "skip" beside "next (skip)": with nothing chosen, going on is skipping.
  v.next_on = s.draft >= 0;
  v.next = v.next_on ? "next" : "skip";
  v.keys = "keys: 0-10 (1 then 0 for 10), up / down, Enter to go on, s to skip";
  return v;
}

std::string period_words(int seconds) {
  char buf[32];
  if (seconds % 60 == 0 && seconds > 0)
    std::snprintf(buf, sizeof buf, "%d min", seconds / 60);
  else if (seconds < 120)
    std::snprintf(buf, sizeof buf, "%d s", seconds);
  else
    std::snprintf(buf, sizeof buf, "%.1f min", seconds / 60.0);
  return buf;
}

SummaryView make_summary_view(SessionSummary const& s, std::string_view plan_notes) {
  SummaryView v;
  v.title = s.ended_early ? "Session ended" : "Session complete";
  v.subtitle = format_clock(s.training_s) + " of paced breathing";
  // The heads name the seconds each period really covers (a short session has short periods).
  v.before_head = s.start_is_baseline ? "before (baseline)" : "before (first " + period_words(s.start.seconds) + ")";
  v.after_head = "after (last " + period_words(s.end.seconds) + ")";
  v.change_head = "change";
  struct Source {
    std::string_view name;
    double before, after;
    int decimals;
    std::string_view unit;
  };
  const Source sources[] = {
      {"Heart rate", s.start.hr_bpm, s.end.hr_bpm, 0, "bpm"},
      {"RMSSD", s.start.rmssd_ms, s.end.rmssd_ms, 0, "ms"},
      {"Breathing rate", s.start.breathing_bpm, s.end.breathing_bpm, 1, "/min"},
      {score_name(s.score), s.start.score, s.end.score, s.score == ScoreKind::coherence ? 1 : 0, score_unit(s.score)},
  };
  for (std::size_t i = 0; i < v.rows.size(); ++i) {
    auto const& src = sources[i];
    auto& row = v.rows[i];
    row.name = src.name;
    auto cell = [&](double x, std::string& text, bool& known) {
      known = std::isfinite(x);
      text = known ? format_number(x, src.decimals) + " " + std::string(src.unit) : "?";
    };
    cell(src.before, row.before, row.before_known);
    cell(src.after, row.after, row.after_known);
    row.change_known = row.before_known && row.after_known;
    if (row.change_known) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%+.*f", src.decimals, src.after - src.before);
      row.change = buf;
    } else {
      row.change = "not enough clean data";
    }
  }
  v.pace_line = "Close to the pace: ";
  if (s.measured_pace_s >= 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s of %s (%d%%)", format_clock(s.close_to_pace_s).c_str(),
                  format_clock(s.measured_pace_s).c_str(),
                  static_cast<int>(std::lround(100 * s.close_to_pace_s / s.measured_pace_s)));
    v.pace_line += buf;
    v.pace_fraction = s.close_to_pace_s / s.measured_pace_s;
  } else {
    v.pace_line += "not measured (no clean breathing signal)";
  }
  auto rating = [](int x) { return x < 0 ? std::string("-") : std::to_string(x); };
  if (s.before.tension >= 0 || s.after.tension >= 0 || s.before.pain >= 0 || s.after.pain >= 0)
    v.ratings_line = "Tension " + rating(s.before.tension) + " \u2192 " + rating(s.after.tension) + "      Pain " +
                     rating(s.before.pain) + " \u2192 " + rating(s.after.pain);
  v.score_typical = std::string(score_name(s.score)) + ": " + std::string(score_typical(s.score));
  if (!plan_notes.empty()) v.notes = "From your plan: " + std::string(plan_notes);
  v.done = "done";
  return v;
}

} // namespace pneuma::app
