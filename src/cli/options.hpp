#pragma once
// Command-line parsing shared by the subcommands: Boost.Program_options with one optional
// positional argument, a usage error as one line (exit 2), --help printing the options (exit 0).

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pneuma::cli {

/// Parses `args` into `vm`. `positional` names a hidden option that takes the first bare
/// argument (e.g. "session"). Returns the exit code when the command ends here (help shown, or
/// a usage error printed), nullopt when `vm` is ready.
std::optional<int> parse_command_line(std::string_view command, std::vector<std::string> const& args,
                                      boost::program_options::options_description const& visible,
                                      boost::program_options::variables_map& vm,
                                      char const* positional = nullptr);

} // namespace pneuma::cli
