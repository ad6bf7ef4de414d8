#pragma once
// Subcommand registry: each cli/commands/cmd_*.cpp registers one command with a static Registration.
// Exit codes (design.md §5): 0 ok, 1 runtime failure, 2 usage error.

#include <string>
#include <string_view>
#include <vector>

namespace pneuma::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

using CommandMain = int (*)(std::vector<std::string> const& args);

struct Command {
  std::string_view name;
  std::string_view summary;
  CommandMain main;
  int order; ///< position in `pneuma --help`
};

std::vector<Command>& commands();

struct Registration {
  explicit Registration(Command c) { commands().push_back(c); }
};

/// "pneuma <command>: <message>" on stderr; returns kExitUsage.
int usage_error(std::string_view command, std::string_view message);
/// "pneuma <command>: <message>" on stderr; returns kExitFailure.
int runtime_error(std::string_view command, std::string_view message);

} // namespace pneuma::cli
