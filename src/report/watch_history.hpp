#pragma once
// What the all-day watch's reminders and nudges led to, from the store: how many were sent and
// how each was answered (Start now = taken, Later = snoozed, dismissed or unanswered = ignored),
// and how often one was followed by a session: a session (complete or interrupted) started within
// 60 min of a reminder or 30 min of a nudge, whether from the notification or by hand.

#include <string>
#include <vector>

#include "store/store.hpp"

namespace pneuma::app {

struct WatchCounts {
  int sent = 0;      ///< notifications
  int taken = 0, snoozed = 0, ignored = 0, unanswered = 0;
  int followed = 0;  ///< followed by a session within the window
};

struct WatchSummary {
  WatchCounts reminders, nudges;
};

WatchSummary summarize_watch(std::vector<WatchEvent> const& events, std::vector<SessionRow> const& sessions);
/// Lines for `pneuma history` ("" when the watch never sent anything).
std::string watch_table(WatchSummary const& s);
/// A <section> for the history page ("" when the watch never sent anything).
std::string watch_html(WatchSummary const& s);

} // namespace pneuma::app
