// The settings file: defaults, values and where each came from, one-line errors, quiet hours as
// a value tested against times, and the start screen's last choice saved and read back.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "settings/settings.hpp"
#include "support/temp_dir.hpp"

using namespace pneuma::settings;

namespace {
std::string slurp(std::filesystem::path const& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Sets an environment variable for one scope and puts the old value back.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(std::string n, char const* value) : name(std::move(n)) {
    if (char const* o = std::getenv(name.c_str())) old = o;
    if (value) ::setenv(name.c_str(), value, 1);
    else ::unsetenv(name.c_str());
  }
  ~ScopedEnv() {
    if (old) ::setenv(name.c_str(), old->c_str(), 1);
    else ::unsetenv(name.c_str());
  }
};
} // namespace

TEST_CASE("Settings_MissingFile_BuiltInDefaults", "[settings]") {
  pneuma::test::TempDir dir;
  const auto s = load_settings(dir.path / "pneuma.conf");
  CHECK_FALSE(s.file_found);
  CHECK(s.source.value == "sim");
  CHECK(s.shape.value == "circle");
  CHECK(s.score.value == "coherence");
  CHECK(s.cue.value == "tone");
  CHECK(s.volume.value == 0.5);
  CHECK(s.profile.value == "default");
  CHECK_FALSE(s.quiet_hours.value.has_value());
  CHECK(s.shape.origin == Origin::built_in);
  CHECK(s.shape.where == "built in");
}

TEST_CASE("Settings_File_ValuesAndTheirLines", "[settings]") {
  pneuma::test::TempDir dir;
  const std::string text = "# mine\nshape = wave\n\nvolume=0.25   \nsource = ble:auto\n"
                           "profile = Ada Lovelace\nquiet-hours = 22:30-06:45\ncue = chimes\nscore = rsa\n";
  const auto file = dir.write("pneuma.conf", text);
  const auto s = load_settings(file);
  CHECK(s.file_found);
  CHECK(s.shape.value == "wave");
  CHECK(s.shape.origin == Origin::file);
  CHECK(s.shape.where == file.string() + ":2");
  CHECK(s.volume.value == 0.25);
  CHECK(s.volume.where == file.string() + ":4");
  CHECK(s.source.value == "ble:auto");
  CHECK(s.profile.value == "Ada Lovelace");
  CHECK(s.cue.value == "chimes");
  CHECK(s.score.value == "rsa");
  REQUIRE(s.quiet_hours.value.has_value());
  CHECK(s.quiet_hours.value->text() == "22:30-06:45");
  CHECK(slurp(file) == text); // reading never changes the file
}

TEST_CASE("Settings_BadValue_OneLineNamingFileLineAndExpectation", "[settings]") {
  pneuma::test::TempDir dir;
  auto message = [&](std::string const& text) {
    const auto file = dir.write("pneuma.conf", text);
    try {
      (void)load_settings(file);
    } catch (SettingsError const& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string f = (dir.path / "pneuma.conf").string();
  CHECK(message("shape = circle\nshape2 = x\n") ==
        f + ":2: unknown setting 'shape2' (known: source, shape, score, cue, volume, profile, quiet-hours)");
  CHECK(message("volume = 2\n") == f + ":1: volume '2': expected a number from 0 to 1");
  CHECK(message("volume = loud\n") == f + ":1: volume 'loud': expected a number from 0 to 1");
  CHECK(message("\nshape = square\n") == f + ":2: shape 'square': expected circle, bar, wave");
  CHECK(message("quiet-hours = 10pm-7am\n") ==
        f + ":1: quiet hours '10pm-7am': expected a local time range like 22:00-07:00");
  const std::string syntax = message("this line has no equals sign\n");
  CHECK(syntax.rfind(f + ": ", 0) == 0);
  CHECK(syntax.find('\n') == std::string::npos);
}

TEST_CASE("QuietHours_Contains_RangeAcrossMidnightAndWithin", "[settings]") {
  const auto night = QuietHours::parse("22:00-07:00");
  CHECK(night.contains(TimeOfDay::parse("22:00")));  // start is inside
  CHECK(night.contains(TimeOfDay::parse("23:59")));
  CHECK(night.contains(TimeOfDay::parse("00:00")));
  CHECK(night.contains(TimeOfDay::parse("06:59")));
  CHECK_FALSE(night.contains(TimeOfDay::parse("07:00"))); // end is outside
  CHECK_FALSE(night.contains(TimeOfDay::parse("12:00")));
  CHECK_FALSE(night.contains(TimeOfDay::parse("21:59")));
  const auto lunch = QuietHours::parse("12:30-13:15");
  CHECK(lunch.contains(TimeOfDay::parse("12:30")));
  CHECK(lunch.contains(TimeOfDay::parse("13:14")));
  CHECK_FALSE(lunch.contains(TimeOfDay::parse("13:15")));
  CHECK_FALSE(lunch.contains(TimeOfDay::parse("12:29")));
  CHECK_FALSE(QuietHours::parse("08:00-08:00").contains(TimeOfDay::parse("08:00"))); // empty range
  CHECK_THROWS_AS(TimeOfDay::parse("24:00"), SettingsError);
  CHECK_THROWS_AS(TimeOfDay::parse("7:5"), SettingsError);
  CHECK(TimeOfDay::parse("7:05").text() == "07:05");
}

TEST_CASE("QuietHours_Instant_UsesLocalTimeZone", "[settings]") {
  // 2026-01-15 23:30 UTC is 23:30 in UTC and 00:30 the next day in Europe/Berlin (UTC+1 in winter).
  std::tm utc{};
  utc.tm_year = 2026 - 1900;
  utc.tm_mon = 0;
  utc.tm_mday = 15;
  utc.tm_hour = 23;
  utc.tm_min = 30;
  const auto when = std::chrono::system_clock::from_time_t(::timegm(&utc));
  const auto after_midnight = QuietHours::parse("00:00-01:00");
  {
    ScopedEnv tz("TZ", "UTC");
    ::tzset();
    CHECK_FALSE(after_midnight.contains(when));
  }
  {
    ScopedEnv tz("TZ", "Europe/Berlin");
    ::tzset();
    CHECK(after_midnight.contains(when));
  }
  ::tzset();
  Settings s;
  CHECK_FALSE(s.is_quiet(when)); // none set: never quiet
}

TEST_CASE("Settings_XdgPaths_FollowTheEnvironment", "[settings]") {
  {
    ScopedEnv config("XDG_CONFIG_HOME", "/srv/cfg");
    ScopedEnv state("XDG_STATE_HOME", "/srv/state");
    CHECK(settings_path() == "/srv/cfg/pneuma/pneuma.conf");
    CHECK(state_dir() == "/srv/state/pneuma");
  }
  {
    ScopedEnv config("XDG_CONFIG_HOME", "relative/is/ignored"); // the XDG spec: only absolute paths
    ScopedEnv state("XDG_STATE_HOME", nullptr);
    ScopedEnv home("HOME", "/home/ada");
    CHECK(settings_path() == "/home/ada/.config/pneuma/pneuma.conf");
    CHECK(state_dir() == "/home/ada/.local/state/pneuma");
  }
}

TEST_CASE("StartChoice_SaveThenLoad_RoundTripsAndReplacesWhole", "[settings]") {
  pneuma::test::TempDir dir;
  const auto file = dir.path / "state" / "pneuma" / "last-start.conf";
  CHECK_FALSE(load_start_choice(file).has_value());
  const StartChoice first{"ble:A0:9E:1A:12:34:56", "Ada Lovelace", "resonance"};
  save_start_choice(first, file);
  CHECK(load_start_choice(file) == first);
  const StartChoice second{"serial:/dev/ttyUSB0?protocol=bridge", "default", "5.5"};
  save_start_choice(second, file);
  CHECK(load_start_choice(file) == second);
  CHECK_THROWS_AS(save_start_choice(StartChoice{"sim\nshape=x", "default", "6"}, file), SettingsError);
  CHECK(load_start_choice(file) == second); // a refused save leaves the old choice
  std::size_t files = 0;
  for ([[maybe_unused]] auto const& e : std::filesystem::directory_iterator(file.parent_path())) ++files;
  CHECK(files == 1); // no temporary file left behind
}

TEST_CASE("Settings_Template_ParsesToTheDefaults", "[settings]") {
  pneuma::test::TempDir dir;
  const auto s = load_settings(dir.write("pneuma.conf", settings_template()));
  CHECK(s.shape.origin == Origin::built_in); // every line is a comment
  CHECK(s.volume.value == 0.5);
}
