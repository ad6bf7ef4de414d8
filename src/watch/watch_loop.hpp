#pragma once
// The all-day watch (`pneuma watch`): a light loop that reminds the person when the home plan
// says a session or a micro-break is due (desktop notifications, else stdout), and, when asked
// to and a strap is worn, nudges them when tension builds (dsp::ArousalDetector on the strap's
// RR intervals; heart-rate notifications only). "Start now" launches `pneuma run` detached;
// "Later" snoozes the reminder once. Everything sent and its fate goes to the store.
// Thread contract: runs on the calling thread until `stop` is set; devices on their io thread.

#include <atomic>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "pneuma/drivers/source_spec.hpp"
#include "settings/settings.hpp"
#include "store/store.hpp"

namespace pneuma::watch {

struct WatchOptions {
  std::optional<std::string> plan_path;          ///< no plan: no reminders
  std::string profile = app::Store::kDefaultProfile;
  std::vector<drivers::SourceSpec> sources;       ///< the strap for noticing tension
  bool tension = false;                           ///< notice tension building (off by default)
  double speed = 1;                               ///< the simulated person's (and the watch's) clock
  std::optional<settings::QuietHours> quiet;
  std::vector<std::string> run_args;              ///< more options for the `pneuma run` it starts
  double snooze_min = 30;                         ///< "Later": remind once more after this
  int max_nudges_per_day = 4;
  std::optional<double> stop_after_min;           ///< (simulated) minutes, then stop
};

/// Runs until `stop` (SIGTERM) or `stop_after_min`; returns the exit code. Throws
/// std::invalid_argument for a bad plan or source, app::StoreError when the store cannot open.
int run_watch(WatchOptions const& options, app::Store& store, std::atomic<bool> const& stop, std::ostream& out,
              std::ostream& err);

} // namespace pneuma::watch
