// pneuma repair FILE: repair an EDF recording cut short (a kill, a power loss, a full disk, a copy
// that stopped), for any file, on request. The file as it was is kept beside it.
#include <boost/program_options.hpp>
#include <iostream>

#include "record/record_journal.hpp"
#include "record/record_repair.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"

namespace pneuma::cli {
namespace {
namespace po = boost::program_options;

int repair_main(std::vector<std::string> const& args) {
  po::options_description o("pneuma repair FILE.edf\n"
                            "Fixes the record count of an EDF/EDF+ file cut short and restores the\n"
                            "annotations of Pneuma's crash journal (FILE.edf.journal) when there is one.\n"
                            "The file as it was is first copied to FILE.before-repair.edf.\n\nOptions");
  o.add_options()("help,h", "show this help");
  po::variables_map vm;
  if (auto exit = parse_command_line("repair", args, o, vm, "file")) return *exit;
  if (!vm.count("file")) return usage_error("repair", "give the recording to repair (FILE.edf)");
  const std::filesystem::path path = vm["file"].as<std::string>();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !std::filesystem::exists(app::journal_path(path), ec))
    return usage_error("repair", path.string() + ": no such file");
  if (std::filesystem::is_directory(path, ec)) return usage_error("repair", path.string() + ": is a directory");
  try {
    if (std::filesystem::exists(path, ec) && app::recording_state(path) == app::RecordingState::complete) {
      std::cerr << "pneuma repair: " << path.string() << " is complete; nothing to repair\n";
      return kExitOk;
    }
    const auto report = app::repair_recording(path);
    std::cerr << "pneuma repair: "
              << (report.message.empty() ? path.string() + ": nothing to repair" : report.message) << "\n";
    return kExitOk;
  } catch (std::runtime_error const& e) {
    return runtime_error("repair", e.what());
  }
}

const Registration kRepair({"repair", "repair a recording cut short (keeps the original)", &repair_main, 62});

} // namespace
} // namespace pneuma::cli
