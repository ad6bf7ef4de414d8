#pragma once
// The person's settings, kept between sessions: an XDG config file
// ($XDG_CONFIG_HOME/pneuma/pneuma.conf, else ~/.config/pneuma/pneuma.conf) in the INI syntax of
// Boost.Program_options' config files (already a dependency: no new package, and its parser
// names the bad line). The file holds what a person chooses once (default source, shape, score,
// cue, volume, profile, quiet hours); the start screen's last choice is state, not a setting, so
// it is kept apart ($XDG_STATE_HOME/pneuma/last-start.conf, else ~/.local/state/pneuma/...) and
// rewritten whole by save_start_choice() without touching the person's own file.
//
// Every value remembers where it came from (built in, the file and its line, the command line),
// so `pneuma config` can say why a value is what it is. Reading never changes a file; a bad
// value is a SettingsError with one line naming the file, the line and what was expected.

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace pneuma::settings {

/// A bad settings file or value: what() is one line, "FILE:LINE: key 'value': expected ...".
class SettingsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Where a setting's value came from.
enum class Origin { built_in, file, command_line };

/// One setting: its value and where that value came from ("built in", "FILE:LINE", "--shape").
template <class T>
struct Setting {
  T value{};
  Origin origin = Origin::built_in;
  std::string where = "built in";

  /// A command-line flag overrides the file: records `flag` (e.g. "--volume") as the origin.
  void set_from_command_line(T v, std::string flag) {
    value = std::move(v);
    origin = Origin::command_line;
    where = std::move(flag);
  }
};

/// A local wall-clock time of day, minutes after midnight (0..1439).
struct TimeOfDay {
  int minutes = 0;
  /// "22:00" or "7:30" -> TimeOfDay; throws SettingsError naming the text otherwise.
  static TimeOfDay parse(std::string const& text);
  std::string text() const; ///< "07:30"
  friend bool operator==(TimeOfDay, TimeOfDay) = default;
};

/// Quiet hours: a local time range in which nothing should remind or sound ("22:00-07:00"
/// crosses midnight). Start is inside the range, end is not; start == end is an empty range.
struct QuietHours {
  TimeOfDay start, end;

  /// "22:00-07:00" -> QuietHours; throws SettingsError naming the text otherwise.
  static QuietHours parse(std::string const& text);
  std::string text() const; ///< "22:00-07:00"

  /// Whether a local time of day is inside the range.
  bool contains(TimeOfDay local) const noexcept;
  /// Whether an instant is inside the range, in the machine's local time zone (TZ honoured).
  bool contains(std::chrono::system_clock::time_point when) const;
  friend bool operator==(QuietHours const&, QuietHours const&) = default;
};

/// What the start screen was last left on, so the next start offers it again.
struct StartChoice {
  std::string source;  ///< a --source string ("sim", "ble:AA:BB:CC:DD:EE:FF", "serial:/dev/ttyUSB0")
  std::string profile; ///< a profile name
  std::string pace;    ///< a --preset string ("coherent", "resonance", "plan", "4-0-6-0") or a rate "5.5"
  friend bool operator==(StartChoice const&, StartChoice const&) = default;
};

/// The effective settings: built-in defaults, then the file, then command-line flags.
struct Settings {
  Setting<std::string> source{"sim"};       ///< default --source
  Setting<std::string> shape{"circle"};     ///< circle, bar or wave
  Setting<std::string> score{"coherence"};  ///< coherence, rsa or rmssd
  Setting<std::string> cue{"tone"};         ///< tone or chimes
  Setting<double> volume{0.5};              ///< 0..1
  Setting<std::string> profile{"default"};  ///< whose sessions: "default" (home) or a name
  Setting<std::optional<QuietHours>> quiet_hours{}; ///< none by default
  std::filesystem::path file;  ///< the settings file read (or that would be read)
  bool file_found = false;     ///< whether it existed

  /// Quiet hours as a value to test times against; an empty range when none are set.
  QuietHours quiet() const noexcept { return quiet_hours.value.value_or(QuietHours{}); }
  /// Whether `when` (local time) falls in the quiet hours; false when none are set.
  bool is_quiet(std::chrono::system_clock::time_point when) const {
    return quiet_hours.value && quiet_hours.value->contains(when);
  }
};

/// $XDG_CONFIG_HOME/pneuma (or $HOME/.config/pneuma); throws SettingsError when neither is set.
std::filesystem::path config_dir();
/// config_dir() / "pneuma.conf".
std::filesystem::path settings_path();
/// $XDG_STATE_HOME/pneuma (or $HOME/.local/state/pneuma).
std::filesystem::path state_dir();

/// Reads the settings file at settings_path(); a missing file gives the built-in defaults.
Settings load_settings();
/// Reads `file` (missing: defaults). Validates every value. Throws SettingsError (one line).
Settings load_settings(std::filesystem::path const& file);

/// The start screen's last choice (state_dir()/last-start.conf), or nullopt when none was saved
/// or the file cannot be read (a lost choice only means the defaults are offered).
std::optional<StartChoice> load_start_choice();
std::optional<StartChoice> load_start_choice(std::filesystem::path const& file);
/// Saves the choice (creates the folder; writes a temporary file and renames it over the old
/// one, so a crash leaves the old choice or the new, never half). Throws SettingsError.
void save_start_choice(StartChoice const& choice);
void save_start_choice(StartChoice const& choice, std::filesystem::path const& file);

/// The settings file as text a person can start from: every key, commented, with its default.
std::string settings_template();

} // namespace pneuma::settings
