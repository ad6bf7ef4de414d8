// pneuma rate [SESSION] --after tension=3,pain=2 [--before ...]: self-ratings for a session.
#include <boost/program_options.hpp>
#include <iostream>

#include "store/store.hpp"
#include "cli/command.hpp"
#include "cli/session_options.hpp"
#include "cli/session_ref.hpp"

namespace pneuma::cli {
namespace {
namespace po = boost::program_options;

int rate_main(std::vector<std::string> const& args) {
  po::options_description o("pneuma rate [SESSION] (--after R | --before R)\n"
                            "SESSION: a session id or 'last' (default); R: tension=N,pain=N[,note=TEXT], N 0-10.\n"
                            "A rating given again updates only the fields it names.\n\nOptions");
  o.add_options()("help,h", "show this help")("before", po::value<std::string>(), "rating before the session")(
      "after", po::value<std::string>(), "rating after the session")(
      "profile", po::value<std::string>()->default_value(app::Store::kDefaultProfile), "profile for 'last'");
  po::options_description hidden;
  hidden.add_options()("session", po::value<std::string>()->default_value("last"));
  po::options_description all;
  all.add(o).add(hidden);
  po::positional_options_description pos;
  pos.add("session", 1);
  po::variables_map vm;
  std::optional<app::Rating> before, after;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << o << "\n";
      return kExitOk;
    }
    if (!vm.count("before") && !vm.count("after")) return usage_error("rate", "give --after and/or --before");
    if (vm.count("before")) before = parse_rating(vm["before"].as<std::string>());
    if (vm.count("after")) after = parse_rating(vm["after"].as<std::string>());
  } catch (po::error const& e) {
    return usage_error("rate", e.what());
  } catch (std::invalid_argument const& e) {
    return usage_error("rate", e.what());
  }
  SessionRef ref;
  try {
    ref = resolve_session(vm["session"].as<std::string>(), vm["profile"].as<std::string>());
  } catch (std::invalid_argument const& e) {
    return usage_error("rate", e.what());
  }
  if (!ref.row || !ref.store) return usage_error("rate", "that recording is not listed in the session store");
  if (before) ref.store->set_rating(ref.row->id, "before", *before);
  if (after) ref.store->set_rating(ref.row->id, "after", *after);
  std::cerr << "pneuma rate: saved for session " << ref.row->id << "\n";
  return kExitOk;
}

const Registration kRate({"rate", "record how tense / in pain you felt before or after a session", &rate_main, 57});

} // namespace
} // namespace pneuma::cli
