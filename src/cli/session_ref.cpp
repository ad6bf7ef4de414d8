#include "cli/session_ref.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace pneuma::cli {
namespace {

/// A path as a message shows it: control bytes and bytes above 0x7E as \xNN (a file name in
/// Latin-1 is named, never echoed raw).
std::string shown(std::string const& s) {
  std::string out;
  for (unsigned char c : s.substr(0, 200)) {
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  return s.size() > 200 ? out + "..." : out;
}

} // namespace

SessionArg parse_session_arg(std::string const& arg) {
  SessionArg out;
  if (arg.empty()) throw std::invalid_argument("give a SESSION (an id, 'last' or a recording path)");
  if (arg == "last") return out;
  const bool digits = std::all_of(arg.begin(), arg.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  if (digits) {
    out.kind = SessionArg::Kind::id;
    const auto [p, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), out.id);
    if (ec != std::errc{} || p != arg.data() + arg.size() || out.id <= 0)
      throw std::invalid_argument("session " + (arg.size() > 24 ? arg.substr(0, 24) + "..." : arg) +
                                  ": not a session id (ids run from 1; see pneuma history)");
    return out;
  }
  out.kind = SessionArg::Kind::path;
  out.path = arg;
  return out;
}

SessionRef resolve_session(std::string const& arg, std::string const& profile) {
  SessionRef ref;
  const SessionArg what = parse_session_arg(arg);
  if (what.kind != SessionArg::Kind::path) {
    ref.store = std::make_shared<app::Store>();
    if (what.kind == SessionArg::Kind::id) {
      ref.row = ref.store->session(what.id);
      if (!ref.row) throw std::invalid_argument("session " + arg + " is not in the store (see pneuma history)");
    } else {
      const auto p = ref.store->find_profile(profile);
      const auto all = p ? ref.store->sessions(p->id) : std::vector<app::SessionRow>{};
      if (all.empty()) throw std::invalid_argument("no sessions yet for profile '" + shown(profile) + "'");
      ref.row = all.back();
    }
    ref.recording = ref.row->recording;
    if (!ref.recording.empty() && !std::filesystem::exists(ref.recording))
      throw std::runtime_error("session " + std::to_string(ref.row->id) + ": its recording " +
                               shown(ref.recording.string()) + " is missing");
    return ref;
  }
  ref.recording = what.path;
  std::error_code ec;
  const auto status = std::filesystem::status(ref.recording, ec);
  if (!std::filesystem::exists(status))
    throw std::invalid_argument("'" + shown(arg) + "' is neither a session id nor an existing recording");
  if (std::filesystem::is_directory(status))
    throw std::invalid_argument(shown(arg) + ": is a directory, not a recording");
  try { // the store row, for ratings and settings, when the store lists this recording
    ref.store = std::make_shared<app::Store>();
    const auto wanted = std::filesystem::weakly_canonical(ref.recording, ec);
    for (auto const& s : ref.store->sessions())
      if (!s.recording.empty() && std::filesystem::weakly_canonical(s.recording, ec) == wanted) ref.row = s;
  } catch (app::StoreError const&) {
    ref.store.reset(); // a recording alone is enough
  }
  return ref;
}

} // namespace pneuma::cli
