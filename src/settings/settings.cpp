#include "settings/settings.hpp"

#include <array>
#include <boost/program_options.hpp>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace pneuma::settings {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

/// XDG base directory: $VAR if set and absolute (the spec says relative ones are ignored),
/// else $HOME/fallback.
fs::path xdg_dir(char const* var, char const* fallback) {
  if (char const* v = std::getenv(var); v != nullptr && v[0] == '/') return fs::path(v) / "pneuma";
  char const* home = std::getenv("HOME");
  if (home == nullptr || home[0] == '\0')
    throw SettingsError(std::string("neither $") + var + " nor $HOME is set: no place for settings");
  return fs::path(home) / fallback / "pneuma";
}

/// Line of each key's first assignment, to name it in errors (Boost's parser keeps no lines).
std::map<std::string, int> key_lines(fs::path const& file) {
  std::map<std::string, int> lines;
  std::ifstream in(file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    lines.emplace(trim(line.substr(0, eq)), n);
  }
  return lines;
}

/// The parsed key=value pairs of an INI file, in order; syntax errors as one SettingsError line.
std::vector<std::pair<std::string, std::string>> read_pairs(fs::path const& file) {
  std::ifstream in(file);
  if (!in) throw SettingsError(file.string() + ": cannot be read (" + std::strerror(errno) + ")");
  po::options_description none;
  try {
    const auto parsed = po::parse_config_file(in, none, /*allow_unregistered=*/true);
    std::vector<std::pair<std::string, std::string>> pairs;
    for (auto const& o : parsed.options)
      pairs.emplace_back(o.string_key, o.value.empty() ? std::string() : trim(o.value.front()));
    return pairs;
  } catch (po::error const& e) {
    throw SettingsError(file.string() + ": " + e.what());
  }
}

std::string one_of(std::string const& v, std::initializer_list<char const*> allowed, std::string const& at,
                   std::string const& key) {
  std::string list;
  for (char const* a : allowed) {
    if (v == a) return v;
    list += list.empty() ? a : std::string(", ") + a;
  }
  throw SettingsError(at + ": " + key + " '" + v + "': expected " + list);
}

int parse_int(std::string_view s, int lo, int hi) {
  int v = -1;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty() || v < lo || v > hi) return -1;
  return v;
}

} // namespace

TimeOfDay TimeOfDay::parse(std::string const& text) {
  const std::string t = trim(text);
  const auto colon = t.find(':');
  const int h = colon == std::string::npos ? -1 : parse_int(std::string_view(t).substr(0, colon), 0, 23);
  const int m = colon == std::string::npos || t.size() - colon != 3
                    ? -1
                    : parse_int(std::string_view(t).substr(colon + 1), 0, 59);
  if (h < 0 || m < 0) throw SettingsError("time '" + text + "': expected HH:MM from 00:00 to 23:59");
  return TimeOfDay{h * 60 + m};
}

std::string TimeOfDay::text() const {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60 % 24, minutes % 60);
  return buf;
}

QuietHours QuietHours::parse(std::string const& text) {
  const auto dash = text.find('-');
  if (dash == std::string::npos)
    throw SettingsError("quiet hours '" + text + "': expected a local time range like 22:00-07:00");
  try {
    return QuietHours{TimeOfDay::parse(text.substr(0, dash)), TimeOfDay::parse(text.substr(dash + 1))};
  } catch (SettingsError const&) {
    throw SettingsError("quiet hours '" + text + "': expected a local time range like 22:00-07:00");
  }
}

std::string QuietHours::text() const { return start.text() + "-" + end.text(); }

bool QuietHours::contains(TimeOfDay local) const noexcept {
  const int t = local.minutes, a = start.minutes, b = end.minutes;
  if (a == b) return false;
  return a < b ? (t >= a && t < b) : (t >= a || t < b); // a > b: the range crosses midnight
}

bool QuietHours::contains(std::chrono::system_clock::time_point when) const {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm local{};
  localtime_r(&t, &local); // the machine's zone, TZ honoured (tzset is implied by localtime_r's contract in glibc)
  return contains(TimeOfDay{local.tm_hour * 60 + local.tm_min});
}

fs::path config_dir() { return xdg_dir("XDG_CONFIG_HOME", ".config"); }
fs::path settings_path() { return config_dir() / "pneuma.conf"; }
fs::path state_dir() { return xdg_dir("XDG_STATE_HOME", ".local/state"); }

Settings load_settings() { return load_settings(settings_path()); }

Settings load_settings(fs::path const& file) {
  Settings s;
  s.file = file;
  std::error_code ec;
  if (!fs::exists(file, ec)) return s;
  s.file_found = true;
  const auto lines = key_lines(file);
  for (auto const& [key, value] : read_pairs(file)) {
    const auto line = lines.find(key);
    const std::string at = file.string() + (line == lines.end() ? "" : ":" + std::to_string(line->second));
    auto set = [&](Setting<std::string>& setting, std::string v) {
      setting.value = std::move(v);
      setting.origin = Origin::file;
      setting.where = at;
    };
    if (key == "source") {
      if (value.empty()) throw SettingsError(at + ": source is empty: expected e.g. sim, ble:auto or serial:/dev/ttyUSB0");
      set(s.source, value);
    } else if (key == "shape") {
      set(s.shape, one_of(value, {"circle", "bar", "wave"}, at, key));
    } else if (key == "score") {
      set(s.score, one_of(value, {"coherence", "rsa", "rmssd"}, at, key));
    } else if (key == "cue") {
      set(s.cue, one_of(value, {"tone", "chimes"}, at, key));
    } else if (key == "volume") {
      double v = -1;
      const auto [p, e] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (e != std::errc{} || p != value.data() + value.size() || !(v >= 0 && v <= 1))
        throw SettingsError(at + ": volume '" + value + "': expected a number from 0 to 1");
      s.volume = {v, Origin::file, at};
    } else if (key == "profile") {
      if (value.empty() || value.size() > 60)
        throw SettingsError(at + ": profile '" + value + "': expected a name of 1 to 60 characters");
      set(s.profile, value);
    } else if (key == "quiet-hours") {
      std::optional<QuietHours> q;
      if (!value.empty() && value != "none") {
        try {
          q = QuietHours::parse(value);
        } catch (SettingsError const& e) {
          throw SettingsError(at + ": " + e.what());
        }
      }
      s.quiet_hours = {q, Origin::file, at};
    } else {
      throw SettingsError(at + ": unknown setting '" + key +
                          "' (known: source, shape, score, cue, volume, profile, quiet-hours)");
    }
  }
  return s;
}

std::optional<StartChoice> load_start_choice() { return load_start_choice(state_dir() / "last-start.conf"); }

std::optional<StartChoice> load_start_choice(fs::path const& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  try {
    StartChoice c;
    for (auto const& [key, value] : read_pairs(file)) {
      if (key == "source") c.source = value;
      else if (key == "profile") c.profile = value;
      else if (key == "pace") c.pace = value;
    }
    return c;
  } catch (SettingsError const&) {
    return std::nullopt; // a damaged state file only means the defaults are offered
  }
}

void save_start_choice(StartChoice const& choice) { save_start_choice(choice, state_dir() / "last-start.conf"); }

void save_start_choice(StartChoice const& choice, fs::path const& file) {
  for (auto const* v : {&choice.source, &choice.profile, &choice.pace})
    if (v->find_first_of("\n\r#") != std::string::npos)
      throw SettingsError("start choice '" + *v + "': a value may not hold a line break or '#'");
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) throw SettingsError(file.parent_path().string() + ": cannot be created (" + ec.message() + ")");
  const fs::path tmp = file.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "# Pneuma's start screen, as it was last left (rewritten by the program).\n"
        << "source = " << choice.source << "\nprofile = " << choice.profile << "\npace = " << choice.pace << "\n";
    out.flush();
    if (!out) {
      fs::remove(tmp, ec);
      throw SettingsError(tmp.string() + ": cannot be written");
    }
  }
  fs::rename(tmp, file, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw SettingsError(file.string() + ": cannot be replaced (" + ec.message() + ")");
  }
}

std::string settings_template() {
  return "# Pneuma settings (~/.config/pneuma/pneuma.conf). Command-line flags override them;\n"
         "# `pneuma config` shows the effective values and where each came from.\n"
         "#source = sim            # sim, ble:auto, ble:AA:BB:CC:DD:EE:FF, serial:/dev/ttyUSB0, ...\n"
         "#shape = circle          # circle, bar or wave\n"
         "#score = coherence       # coherence, rsa or rmssd\n"
         "#cue = tone              # tone or chimes\n"
         "#volume = 0.5            # 0 to 1\n"
         "#profile = default       # 'default' (home use) or a patient's name\n"
         "#quiet-hours = 22:00-07:00  # local time range without reminders or sound; none by default\n";
}

} // namespace pneuma::settings
