// pneuma report SESSION -o FILE.html [--pdf FILE.pdf]
#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "record/output_file.hpp"
#include "session/record_session.hpp"
#include "session/recordings.hpp"
#include "report/report.hpp"
#include "report/report_pdf.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/session_ref.hpp"

namespace pneuma::cli {
namespace {
namespace po = boost::program_options;

int report_main(std::vector<std::string> const& args) {
  po::options_description o("pneuma report SESSION [-o FILE.html] [--pdf FILE.pdf]\n"
                            "SESSION: a session id (pneuma history), 'last', or a recording (.edf)");
  o.add_options()("help,h", "show this help")("output,o", po::value<std::string>(), "the HTML file to write")(
      "pdf", po::value<std::string>(), "also (or only) the report as PDF: A4 pages printed by Chromium")(
      "force", "replace the output file when it exists")(
      "profile", po::value<std::string>()->default_value(app::Store::kDefaultProfile), "profile for 'last'");
  po::variables_map vm;
  if (auto exit = parse_command_line("report", args, o, vm, "session")) return *exit;
  if (!vm.count("session")) return usage_error("report", "give a SESSION (an id, 'last' or a recording path)");
  if (!vm.count("output") && !vm.count("pdf"))
    return usage_error("report", "give the output file with -o FILE.html (and/or --pdf FILE.pdf)");
  SessionRef ref;
  try {
    ref = resolve_session(vm["session"].as<std::string>(), vm["profile"].as<std::string>());
  } catch (std::invalid_argument const& e) {
    return usage_error("report", e.what());
  }
  if (ref.recording.empty()) return runtime_error("report", "this session has no recording");
  const std::string path = vm.count("output") ? vm["output"].as<std::string>() : "";
  const std::string pdf = vm.count("pdf") ? vm["pdf"].as<std::string>() : "";
  const bool force = vm.count("force") > 0;
  try { // before anything is read: `-o x.edf` on the recording x.edf is refused here
    if (!path.empty()) app::check_output_target(path, force, {ref.recording});
    if (!pdf.empty()) app::check_output_target(pdf, force, {ref.recording});
    if (!path.empty() && !pdf.empty() && std::filesystem::path(path) == std::filesystem::path(pdf))
      throw std::invalid_argument("-o and --pdf name the same file");
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
  if (!path.empty()) {
    app::write_output_file(path, force, {ref.recording}, [&](std::ostream& out) { out << html; });
    std::cerr << "pneuma report: wrote " << path << "\n";
  }
  if (!pdf.empty()) {
    // Chromium prints a page in a private folder; the PDF then takes the same way into place as
    // every other output (checked target, temporary file, rename).
    char pattern[] = "/tmp/pneuma-report-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return runtime_error("report", "cannot create a temporary folder");
    const std::filesystem::path work = pattern;
    struct Cleanup {
      std::filesystem::path dir;
      ~Cleanup() {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
      }
    } cleanup{work};
    std::ofstream(work / "report.html") << html;
    app::print_pdf(work / "report.html", work / "report.pdf"); // throws one line: no Chromium, failed
    std::ifstream printed(work / "report.pdf", std::ios::binary);
    app::write_output_file(pdf, force, {ref.recording}, [&](std::ostream& out) { out << printed.rdbuf(); });
    std::cerr << "pneuma report: wrote " << pdf << "\n";
  }
  return kExitOk;
}

const Registration kReport({"report", "write a self-contained HTML report of a session", &report_main, 50});

} // namespace
} // namespace pneuma::cli
