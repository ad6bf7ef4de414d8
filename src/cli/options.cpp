#include "cli/options.hpp"

#include <iostream>

#include "cli/command.hpp"

namespace pneuma::cli {
namespace po = boost::program_options;

std::optional<int> parse_command_line(std::string_view command, std::vector<std::string> const& args,
                                      po::options_description const& visible, po::variables_map& vm,
                                      char const* positional) {
  po::options_description all;
  all.add(visible);
  po::positional_options_description pos;
  if (positional != nullptr) {
    po::options_description hidden;
    hidden.add_options()(positional, po::value<std::string>());
    all.add(hidden);
    pos.add(positional, 1);
  }
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (po::error const& e) {
    return usage_error(command, e.what());
  }
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return kExitOk;
  }
  return std::nullopt;
}

} // namespace pneuma::cli
