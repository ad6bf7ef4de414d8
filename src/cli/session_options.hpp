#pragma once
// Options every recorded session shares (run, assess): where it is recorded and stored, for whom,
// the self-rating before it, and the home plan it follows. Turns them into an app::SessionSetup,
// opens the store (recovering sessions a crash left behind) and wraps the session's start/finish.

#include <boost/program_options.hpp>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "live/pipeline.hpp"
#include "settings/settings.hpp"
#include "session/record_session.hpp"
#include "store/store.hpp"

namespace pneuma::cli {

void add_session_options(boost::program_options::options_description& options);

struct SessionPlan {
  app::SessionSetup setup;
  std::shared_ptr<app::Store> store;  ///< null with --no-store
  std::vector<std::string> messages;  ///< for stderr before the session starts
  std::string plan_notes;             ///< the home plan's notes for the patient (--plan)
};

/// Reads the shared options; may change the pacer (profile's resonance frequency, home plan) and
/// the minutes (home plan). Throws std::invalid_argument (usage) or app::StoreError (runtime).
SessionPlan plan_session(boost::program_options::variables_map const& vm, std::string const& kind,
                         app::PipelineConfig& config, double& minutes);

/// Builds the session (journal, store row). Throws std::runtime_error when it cannot record.
std::unique_ptr<app::RecordedSession> open_session(SessionPlan const& plan, app::Pipeline& pipeline,
                                                   app::PipelineConfig const& config);

/// What the trainer window learned during the session (its rating screens and markers).
struct WindowResults {
  std::optional<app::Rating> before, after;
  std::vector<std::pair<double, std::string>> markers; ///< session time, note
};

/// Finishes the session, prints what the user should know, returns the exit code.
int close_session(std::unique_ptr<app::RecordedSession>& session, double end_s, bool completed,
                  std::ostream& err, std::string const& command, WindowResults const& window = {});

/// The settings file (settings::load_settings()) with every flag given on the command line on
/// top: --source, --shape, --score, --cue, --volume, --profile (those `vm` knows; a default value
/// of an option is not "given"). Throws settings::SettingsError (one line) for a bad file.
settings::Settings effective_settings(boost::program_options::variables_map const& vm);

/// --profile when given, else the settings file's profile, else "default".
std::string profile_name(boost::program_options::variables_map const& vm);

/// Lets the "resonance" pacer preset find the profile's assessed rate (reads --profile from vm).
void install_resonance_provider(boost::program_options::variables_map const& vm);

/// "tension=6,pain=3,note=..." -> Rating; throws std::invalid_argument naming the bad part.
app::Rating parse_rating(std::string const& text);

} // namespace pneuma::cli
