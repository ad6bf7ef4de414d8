#include "cli/session_ref.hpp"

#include <algorithm>
#include <cctype>

namespace pneuma::cli {

SessionRef resolve_session(std::string const& arg, std::string const& profile) {
  SessionRef ref;
  const bool is_id = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](unsigned char c) {
    return std::isdigit(c) != 0;
  });
  if (is_id || arg == "last") {
    ref.store = std::make_shared<app::Store>();
    if (is_id) {
      ref.row = ref.store->session(std::stoll(arg));
      if (!ref.row) throw std::invalid_argument("session " + arg + " is not in the store (see pneuma history)");
    } else {
      const auto p = ref.store->find_profile(profile);
      const auto all = p ? ref.store->sessions(p->id) : std::vector<app::SessionRow>{};
      if (all.empty()) throw std::invalid_argument("no sessions yet for profile '" + profile + "'");
      ref.row = all.back();
    }
    ref.recording = ref.row->recording;
    if (!ref.recording.empty() && !std::filesystem::exists(ref.recording))
      throw std::runtime_error("session " + std::to_string(ref.row->id) + ": its recording " +
                               ref.recording.string() + " is missing");
    return ref;
  }
  ref.recording = arg;
  if (!std::filesystem::exists(ref.recording))
    throw std::invalid_argument("'" + arg + "' is neither a session id nor an existing recording");
  try { // the store row, for ratings and settings, when the store lists this recording
    ref.store = std::make_shared<app::Store>();
    const auto wanted = std::filesystem::weakly_canonical(ref.recording);
    for (auto const& s : ref.store->sessions())
      if (!s.recording.empty() && std::filesystem::weakly_canonical(s.recording) == wanted) ref.row = s;
  } catch (app::StoreError const&) {
    ref.store.reset(); // a recording alone is enough
  }
  return ref;
}

} // namespace pneuma::cli
