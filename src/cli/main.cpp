// pneuma: entry point and subcommand dispatch.
#include <algorithm>
#include <exception>
#include <iostream>

#include "cli/command.hpp"

namespace pneuma::cli {

std::vector<Command>& commands() {
  static std::vector<Command> all;
  return all;
}

int usage_error(std::string_view command, std::string_view message) {
  std::cerr << "pneuma " << command << ": " << message << "\n";
  return kExitUsage;
}

int runtime_error(std::string_view command, std::string_view message) {
  std::cerr << "pneuma " << command << ": " << message << "\n";
  return kExitFailure;
}

namespace {
void print_help(std::ostream& out) {
  auto list = commands();
  std::sort(list.begin(), list.end(), [](auto const& a, auto const& b) { return a.order < b.order; });
  out << "Pneuma - biofeedback breathing trainer\n\n"
         "Usage: pneuma <command> [options]   (pneuma help <command>, or pneuma <command> --help,\n"
         "                                     for its options)\n"
         "       pneuma --version              the version\n"
         "       pneuma --help                 this help\n\n"
         "Commands:\n";
  for (auto const& c : list) {
    out << "  " << c.name << std::string(10 - std::min<std::size_t>(9, c.name.size()), ' ')
        << c.summary << "\n";
  }
  out << "\nSettings: ~/.config/pneuma/pneuma.conf sets default source, shape, score, cue, volume,\n"
         "  profile and quiet hours; flags override it (pneuma config shows what is in effect).\n";
  out << "\nSources (--source): sim[:seed=7,rf=5.5,...]  serial:PATH?protocol=bridge|bitalino|ascii\n"
         "  tcp:HOST:PORT  udp::PORT  ble:auto|ble:AA:BB:CC:DD:EE:FF  replay:FILE[?speed=N]\n";
}
} // namespace

} // namespace pneuma::cli

int main(int argc, char** argv) {
  using namespace pneuma::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  // "pneuma help run" is "pneuma run --help".
  if (args.size() >= 2 && args[0] == "help") args = {args[1], "--help"};
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_help(args.empty() ? std::cerr : std::cout);
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "--version") {
    std::cout << "pneuma " PNEUMA_VERSION "\n";
    return kExitOk;
  }
  for (auto const& c : commands()) {
    if (c.name != args[0]) continue;
    try {
      return c.main({args.begin() + 1, args.end()});
    } catch (std::exception const& e) {
      return runtime_error(c.name, e.what());
    } catch (...) {
      return runtime_error(c.name, "unexpected error");
    }
  }
  std::cerr << "pneuma: unknown command '" << args[0] << "' (see pneuma --help)\n";
  return kExitUsage;
}
