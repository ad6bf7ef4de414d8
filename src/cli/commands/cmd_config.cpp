// pneuma config: the effective settings (built-in defaults, the settings file, the flags given
// here) and where each value came from; --template prints a file to start from.
#include <boost/program_options.hpp>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/session_options.hpp"
#include "settings/settings.hpp"

namespace pneuma::cli {
namespace {
namespace po = boost::program_options;

po::options_description config_options() {
  po::options_description o("pneuma config [options]\n\n"
                            "Prints the effective settings and where each came from. The settings file is\n"
                            "$XDG_CONFIG_HOME/pneuma/pneuma.conf (else ~/.config/pneuma/pneuma.conf), lines\n"
                            "'key = value'; the flags below, as given to pneuma run, override it");
  o.add_options()("help,h", "show this help")("template", "print a commented settings file to start from")(
      "source,s", po::value<std::vector<std::string>>()->composing(), "as pneuma run --source")(
      "shape", po::value<std::string>(), "as pneuma run --shape")(
      "score", po::value<std::string>(), "as pneuma run --score")(
      "cue", po::value<std::string>(), "as pneuma run --cue")(
      "volume", po::value<double>(), "as pneuma run --volume")(
      "profile", po::value<std::string>(), "as pneuma run --profile");
  return o;
}

template <class T, class U>
void row(std::ostream& out, char const* key, T const& value, settings::Setting<U> const& s) {
  std::ostringstream v;
  v << value;
  out << "  " << std::left << std::setw(13) << key << std::setw(26) << v.str() << s.where << "\n";
}

int config_main(std::vector<std::string> const& args) {
  const auto options = config_options();
  po::variables_map vm;
  if (auto exit = parse_command_line("config", args, options, vm)) return *exit;
  if (vm.count("template")) {
    std::cout << settings::settings_template();
    return kExitOk;
  }
  settings::Settings s;
  try {
    s = effective_settings(vm);
  } catch (settings::SettingsError const& e) {
    return runtime_error("config", e.what());
  }
  auto& out = std::cout;
  out << "settings file: " << s.file.string()
      << (s.file_found ? "" : " (not there: built-in values; pneuma config --template > FILE starts one)")
      << "\n\n";
  row(out, "source", s.source.value, s.source);
  row(out, "shape", s.shape.value, s.shape);
  row(out, "score", s.score.value, s.score);
  row(out, "cue", s.cue.value, s.cue);
  row(out, "volume", s.volume.value, s.volume);
  row(out, "profile", s.profile.value, s.profile);
  row(out, "quiet-hours", s.quiet_hours.value ? s.quiet_hours.value->text() : std::string("none"), s.quiet_hours);
  try {
    if (const auto last = settings::load_start_choice())
      out << "\nstart screen, last choice (" << (settings::state_dir() / "last-start.conf").string()
          << "): source " << last->source << ", profile " << last->profile << ", pace " << last->pace << "\n";
  } catch (settings::SettingsError const&) {
    // no $HOME: nothing was saved
  }
  return kExitOk;
}

const Registration kConfig({"config", "show the effective settings and where each came from", &config_main, 85});

} // namespace
} // namespace pneuma::cli
