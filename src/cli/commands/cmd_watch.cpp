// pneuma watch: reminders when the home plan says practice is due, and (opt-in) a nudge when
// tension builds; `--autostart on|off` adds or removes the XDG autostart entry.
#include <atomic>
#include <boost/program_options.hpp>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "settings/settings.hpp"
#include "store/store.hpp"
#include "watch/watch_loop.hpp"

namespace pneuma::cli {
namespace {
namespace po = boost::program_options;
namespace fs = std::filesystem;

std::atomic<bool> g_stop{false};
extern "C" void on_watch_signal(int) { g_stop.store(true); }

// The same entry the package installs as share/pneuma/autostart/pneuma-watch.desktop.
constexpr char const* kAutostartEntry = "[Desktop Entry]\n"
                                        "Type=Application\n"
                                        "Name=Pneuma watch\n"
                                        "Comment=Reminds you when your breathing practice is due\n"
                                        "Exec=pneuma watch\n"
                                        "Icon=pneuma\n"
                                        "Terminal=false\n"
                                        "NoDisplay=true\n"
                                        "X-GNOME-Autostart-enabled=true\n"
                                        "X-GNOME-Autostart-Delay=30\n";

po::options_description watch_options() {
  po::options_description o("pneuma watch [options]");
  o.add_options()("help,h", "show this help")("plan", po::value<std::string>(),
                                              "home plan file: remind when its sessions and micro-breaks are due")(
      "profile,p", po::value<std::string>(), "whose plan and history (default: the settings' profile)")(
      "tension", "notice tension building (heart rate up, variability down for minutes) and nudge; needs "
                 "--source")("source,s", po::value<std::vector<std::string>>()->composing(),
                             "the strap for --tension, e.g. ble:auto (heart-rate notifications only) or sim")(
      "quiet", po::value<std::string>(), "quiet hours HH:MM-HH:MM (default: the settings' quiet_hours)")(
      "snooze", po::value<double>()->default_value(30, "30"), "\"Later\" reminds once more after this many minutes")(
      "run-option", po::value<std::vector<std::string>>()->composing(),
      "one more option for the `pneuma run` that \"Start now\" opens (repeatable)")(
      "speed", po::value<double>()->default_value(1.0, "1"),
      "run the watch's clock and the simulated person this many times faster (sim only)")(
      "for", po::value<double>(), "stop after this many (simulated) minutes")(
      "autostart", po::value<std::string>(), "on: start with the desktop session; off: do not");
  return o;
}

fs::path autostart_file() {
  if (char const* x = std::getenv("XDG_CONFIG_HOME"); x != nullptr && x[0] == '/')
    return fs::path(x) / "autostart" / "pneuma-watch.desktop";
  if (char const* h = std::getenv("HOME"); h != nullptr && h[0] != '\0')
    return fs::path(h) / ".config" / "autostart" / "pneuma-watch.desktop";
  throw std::runtime_error("cannot find the config folder: neither XDG_CONFIG_HOME nor HOME is set");
}

int autostart(std::string const& what) {
  const fs::path file = autostart_file();
  auto current = [&]() -> std::optional<std::string> {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  if (what == "on") {
    if (auto text = current()) {
      if (*text == kAutostartEntry) {
        std::cout << "pneuma watch already starts with the desktop session (" << file.string() << ")\n";
        return kExitOk;
      }
      return runtime_error("watch", file.string() + " exists and is not pneuma's entry; it was left as it is");
    }
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    const fs::path tmp = file.string() + ".tmp";
    {
      std::ofstream out(tmp);
      out << kAutostartEntry;
      if (!out.flush()) return runtime_error("watch", "cannot write " + tmp.string());
    }
    fs::rename(tmp, file, ec);
    if (ec) return runtime_error("watch", "cannot write " + file.string() + ": " + ec.message());
    std::cout << "pneuma watch will start with the desktop session (" << file.string() << ")\n";
    return kExitOk;
  }
  if (what == "off") {
    auto text = current();
    if (!text) {
      std::cout << "pneuma watch does not start with the desktop session\n";
      return kExitOk;
    }
    if (*text != kAutostartEntry)
      return runtime_error("watch", file.string() + " was changed by hand; remove it yourself if you want");
    fs::remove(file);
    std::cout << "pneuma watch no longer starts with the desktop session\n";
    return kExitOk;
  }
  return usage_error("watch", "--autostart '" + what + "': expected on or off");
}

/// The watch's own needs on a source: a strap's heart-rate notifications without its ECG stream;
/// a simulated person breathing on their own, on the local clock, at a belt rate that is light.
drivers::SourceSpec watch_source(std::string const& text) {
  auto spec = drivers::SourceSpec::parse(text);
  if (spec.kind == "ble") spec.options["ecg"] = "0";
  if (spec.kind == "sim") {
    spec.options.try_emplace("follow", "0");
    spec.options.try_emplace("belt_hz", "10");
    if (spec.options.count("days")) spec.options.try_emplace("acc", "25"); // walks show on the strap's ACC
    if (!spec.options.count("from")) {
      const std::time_t now = std::time(nullptr);
      std::tm l{};
      localtime_r(&now, &l);
      spec.options["from"] = std::to_string(l.tm_hour + l.tm_min / 60.0);
    }
  }
  return spec;
}

int watch_main(std::vector<std::string> const& args) {
  const auto options = watch_options();
  po::variables_map vm;
  if (auto exit = parse_command_line("watch", args, options, vm)) return *exit;
  if (vm.count("autostart")) return autostart(vm["autostart"].as<std::string>());

  watch::WatchOptions o;
  try {
    const auto settings = settings::load_settings();
    o.quiet = settings.quiet_hours.value;
    o.profile = settings.profile.value;
    if (vm.count("quiet")) o.quiet = settings::QuietHours::parse(vm["quiet"].as<std::string>());
  } catch (settings::SettingsError const& e) {
    return usage_error("watch", e.what());
  }
  if (vm.count("profile")) o.profile = vm["profile"].as<std::string>();
  if (vm.count("plan")) o.plan_path = vm["plan"].as<std::string>();
  o.tension = vm.count("tension") > 0;
  o.speed = vm["speed"].as<double>();
  o.snooze_min = vm["snooze"].as<double>();
  if (vm.count("run-option")) o.run_args = vm["run-option"].as<std::vector<std::string>>();
  if (vm.count("for")) o.stop_after_min = vm["for"].as<double>();
  if (!(o.speed >= 0.1 && o.speed <= 10000)) return usage_error("watch", "--speed: expected a factor from 0.1 to 10000");
  if (!(o.snooze_min >= 1 && o.snooze_min <= 240)) return usage_error("watch", "--snooze: expected 1 to 240 minutes");
  if (o.stop_after_min && !(*o.stop_after_min > 0)) return usage_error("watch", "--for: expected minutes > 0");
  try {
    if (vm.count("source"))
      for (auto const& s : vm["source"].as<std::vector<std::string>>()) o.sources.push_back(watch_source(s));
  } catch (std::invalid_argument const& e) {
    return usage_error("watch", e.what());
  }
  if (o.tension && o.sources.empty()) return usage_error("watch", "--tension needs the strap: --source ble:auto (or sim)");
  if (!o.tension && !o.sources.empty()) return usage_error("watch", "--source is for --tension (noticing tension)");
  for (auto const& s : o.sources)
    if (o.speed != 1 && s.kind != "sim") return usage_error("watch", "--speed is for the simulated person only (sim)");
  if (!o.plan_path && !o.tension) return usage_error("watch", "nothing to watch: give --plan FILE and/or --tension");

  app::Store store;
  std::signal(SIGTERM, on_watch_signal);
  std::signal(SIGINT, on_watch_signal);
  try {
    std::cerr << "pneuma watch: watching" << (o.plan_path ? " the plan " + *o.plan_path : std::string())
              << (o.tension ? (o.plan_path ? " and" : "") + std::string(" for tension building") : std::string())
              << (o.quiet ? "; quiet " + o.quiet->text() : std::string()) << std::endl;
    const int rc = watch::run_watch(o, store, g_stop, std::cout, std::cerr);
    std::cerr << "pneuma watch: stopped" << std::endl;
    return rc;
  } catch (std::invalid_argument const& e) {
    return usage_error("watch", e.what());
  }
}

const Registration kWatch({"watch", "remind when practice is due; notice tension building (opt-in)", &watch_main, 35});

} // namespace
} // namespace pneuma::cli
