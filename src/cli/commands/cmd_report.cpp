// pneuma report SESSION -o FILE.html
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>

#include "record/output_file.hpp"
#include "session/record_session.hpp"
#include "session/recordings.hpp"
#include "report/report.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/session_ref.hpp"

namespace pneuma::cli {
namespace {
namespace po = boost::program_options;

int report_main(std::vector<std::string> const& args) {
  po::options_description o("pneuma report SESSION -o FILE.html\n"
                            "SESSION: a session id (pneuma history), 'last', or a recording (.edf)");
  o.add_options()("help,h", "show this help")("output,o", po::value<std::string>(), "the HTML file to write")(
      "force", "replace the output file when it exists")(
      "profile", po::value<std::string>()->default_value(app::Store::kDefaultProfile), "profile for 'last'");
  po::variables_map vm;
  if (auto exit = parse_command_line("report", args, o, vm, "session")) return *exit;
  if (!vm.count("session")) return usage_error("report", "give a SESSION (an id, 'last' or a recording path)");
  if (!vm.count("output")) return usage_error("report", "give the output file with -o FILE.html");
  SessionRef ref;
  try {
    ref = resolve_session(vm["session"].as<std::string>(), vm["profile"].as<std::string>());
  } catch (std::invalid_argument const& e) {
    return usage_error("report", e.what());
  }
  if (ref.recording.empty()) return runtime_error("report", "this session has no recording");
  const std::string path = vm["output"].as<std::string>();
  const bool force = vm.count("force") > 0;
  try { // before anything is read: `-o x.edf` on the recording x.edf is refused here
    app::check_output_target(path, force, {ref.recording});
  } catch (std::invalid_argument const& e) {
    return usage_error("report", e.what());
  }
  app::ReportInput input;
  std::vector<std::string> notes;
  input.rec = app::load_recording(ref.recording, &notes);
  for (auto const& n : notes) std::cerr << "pneuma report: " << n << "\n";
  input.recording_path = ref.recording;
  input.row = ref.row;
  if (ref.store && ref.row) {
    for (auto const& p : ref.store->profiles())
      if (p.id == ref.row->profile_id) input.profile = p;
    for (auto const& a : ref.store->assessments(ref.row->profile_id))
      if (a.session_id && *a.session_id == ref.row->id) input.assessment = a;
  }
  const std::string html = app::render_report(input);
  app::write_output_file(path, force, {ref.recording}, [&](std::ostream& out) { out << html; });
  std::cerr << "pneuma report: wrote " << path << "\n";
  return kExitOk;
}

const Registration kReport({"report", "write a self-contained HTML report of a session", &report_main, 50});

} // namespace
} // namespace pneuma::cli
