#pragma once
// What the screens around the training show, as plain data: the 0-10 self-rating (its question,
// the scale's ends, the buttons) and the summary (the before / after / change table, time close
// to the pace, the ratings). No SDL; src/ui/screens.cpp only draws these.

#include <array>
#include <string>
#include <string_view>

#include "session/session_flow.hpp"
#include "view/format.hpp"

namespace pneuma::app {

/// Which rating is asked and the value chosen so far.
struct RatingState {
  bool after = false;
  RatingQuestion question = RatingQuestion::tension;
  int draft = -1; ///< 0..10, -1 none yet
};

struct RatingView {
  std::string_view heading;  ///< "Before we start" / "After the session"
  std::string_view question; ///< "How tense do you feel right now?"
  std::string_view scale;    ///< what 0 and 10 mean
  std::string_view low, high; ///< under the ends of the scale
  std::string_view next;     ///< the one button: "skip" with nothing chosen, else "next"
  bool next_on = false;      ///< a value is chosen
  std::string_view keys;     ///< the keyboard hint (1 then 0 types 10)
};
RatingView make_rating_view(RatingState const& s) noexcept;

/// One row of the summary table.
struct SummaryRow {
  std::string name;
  std::string before, after; ///< "64 bpm", or "?" when unknown
  bool before_known = false, after_known = false;
  std::string change;        ///< "+3", or "not enough clean data"
  bool change_known = false;
};

struct SummaryView {
  std::string_view title;    ///< "Session complete" / "Session ended"
  std::string subtitle;      ///< "04:00 of paced breathing"
  std::string before_head, after_head; ///< "before (first 2 min)", from the seconds each period covers
  std::string_view change_head;
  std::array<SummaryRow, 4> rows{}; ///< heart rate, RMSSD, breathing rate, the chosen score
  std::string pace_line;     ///< "Close to the pace: 03:00 of 04:00 (75%)"
  double pace_fraction = -1; ///< 0..1 for the bar; -1 when not measured
  std::string ratings_line;  ///< "Tension 6 → 4      Pain 3 → -"; empty when none was given
  std::string score_typical; ///< "Coherence: typical during slow breathing: 1-3 ..."
  std::string notes;         ///< the home plan's notes for the patient; empty without
  std::string_view done;
};
/// `plan_notes`: the home plan's notes, shown under the numbers.
SummaryView make_summary_view(SessionSummary const& s, std::string_view plan_notes = {});

/// A period's length in words: "30 s", "1 min", "2 min", "2.5 min".
std::string period_words(int seconds);

} // namespace pneuma::app
