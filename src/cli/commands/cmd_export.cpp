// pneuma export SESSION --format kubios|rr-csv|csv|events -o FILE
#include <boost/program_options.hpp>
#include <iostream>

#include "record/output_file.hpp"
#include "record/record_export.hpp"
#include "session/record_session.hpp"
#include "session/recordings.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/session_ref.hpp"

namespace pneuma::cli {
namespace {
namespace po = boost::program_options;

int export_main(std::vector<std::string> const& args) {
  po::options_description o("pneuma export SESSION [options]\n"
                            "SESSION: a session id (pneuma history), 'last', or a recording (.edf)");
  o.add_options()("help,h", "show this help")(
      "format,f", po::value<std::string>()->default_value("kubios"),
      "kubios (RR text, ms), rr-csv (beat_time_s,rr_ms,artifact), csv (all signals), events")(
      "output,o", po::value<std::string>(), "output file (default: standard output)")(
      "force", "replace the output file when it exists")(
      "profile", po::value<std::string>()->default_value(app::Store::kDefaultProfile),
      "profile for 'last'");
  po::variables_map vm;
  if (auto exit = parse_command_line("export", args, o, vm, "session")) return *exit;
  if (!vm.count("session")) return usage_error("export", "give a SESSION (an id, 'last' or a recording path)");
  const std::string format = vm["format"].as<std::string>();
  if (format != "kubios" && format != "rr-csv" && format != "csv" && format != "events")
    return usage_error("export", "--format " + format + ": expected kubios, rr-csv, csv or events");
  SessionRef ref;
  try {
    ref = resolve_session(vm["session"].as<std::string>(), vm["profile"].as<std::string>());
  } catch (std::invalid_argument const& e) {
    return usage_error("export", e.what());
  }
  if (ref.recording.empty()) return runtime_error("export", "this session has no recording");
  if (vm.count("output")) { // checked before the recording is read: a refusal costs nothing
    try {
      app::check_output_target(vm["output"].as<std::string>(), vm.count("force") > 0, {ref.recording});
    } catch (std::invalid_argument const& e) {
      return usage_error("export", e.what());
    }
  }
  std::vector<std::string> notes;
  const auto rec = app::load_recording(ref.recording, &notes);
  for (auto const& n : notes) std::cerr << "pneuma export: " << n << "\n";
  if (vm.count("output")) {
    app::export_recording_to(rec, format, vm["output"].as<std::string>(), vm.count("force") > 0, {ref.recording});
  } else {
    app::export_recording(rec, format, std::cout);
  }
  return kExitOk;
}

const Registration kExport({"export", "export a session: Kubios RR text, RR CSV, signals CSV, events", &export_main, 60});

} // namespace
} // namespace pneuma::cli
