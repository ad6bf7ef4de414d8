// pneuma analyze FILE [--kind resp|ecg|rr|auto] [--fs HZ] [--column NAME] [--json]
#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <iostream>

#include "cli/analysis.hpp"
#include "cli/command.hpp"
#include "pneuma/drivers/files/signal_file.hpp"

namespace pneuma::cli {

std::vector<AnalysisKind>& analysis_kinds() {
  static std::vector<AnalysisKind> all;
  return all;
}

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
} // namespace

std::string kind_of_name(std::string const& raw) {
  const std::string name = lower(raw);
  auto has = [&](std::string_view word) { return name.find(word) != std::string::npos; };
  auto is = [&](std::initializer_list<std::string_view> words) {
    return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return name == w; });
  };
  if (name == "rr" || name.rfind("rr_", 0) == 0 || name.rfind("rr ", 0) == 0 || name.rfind("ibi", 0) == 0 ||
      name.rfind("nn_", 0) == 0)
    return "rr";
  if (has("ecg") || has("ekg") || has("mlii") || has("lead") ||
      is({"i", "ii", "iii", "avr", "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6", "v"}))
    return "ecg";
  if (has("resp") || has("rsp") || has("belt") || has("breath") || has("thor") || has("abdo") ||
      has("airflow") || name == "ip" || name == "flow")
    return "resp";
  if (name == "hr" || has("heart rate") || has("pacer") || has("acc") || has("gyr") || has("spo2") ||
      has("sao2") || has("pleth") || has("ppg") || has("temp") || has("eeg") || has("eog") || has("emg") ||
      has("annotation") || has("event") || has("marker") || has("bp") || has("pressure"))
    return "other";
  return "";
}

std::string guess_kind(std::filesystem::path const& path, std::optional<std::string> const& column) {
  using drivers::files::FileKind;
  const FileKind kind = drivers::files::detect_file_kind(path);
  if (kind == FileKind::rr_text) return "rr";
  std::vector<std::string> names;
  if (column) names = {*column};
  else names = drivers::files::signal_names(path);
  // An RR column anywhere (beat_time_s,rr_ms) marks an RR file; otherwise the first signal a
  // kind analyses (a recording's HR or pacer channel is not what the file is about).
  for (auto const& n : names)
    if (kind_of_name(n) == "rr") return "rr";
  for (auto const& n : names)
    if (const auto k = kind_of_name(n); k == "resp" || k == "ecg") return k;
  const std::string name = names.empty() ? std::string() : names.front();
  throw std::invalid_argument("cannot tell what '" + name + "' holds: give --kind resp, ecg or rr");
}

std::optional<std::string> column_for_kind(std::filesystem::path const& path, std::string const& kind) {
  if (kind == "rr" || drivers::files::detect_file_kind(path) == drivers::files::FileKind::rr_text) return std::nullopt;
  const auto names = drivers::files::signal_names(path);
  bool unnamed = false;
  for (auto const& n : names) {
    const std::string k = kind_of_name(n);
    if (k == kind) return n;
    unnamed = unnamed || k.empty();
  }
  if (unnamed || names.empty()) return std::nullopt;
  std::string list;
  for (auto const& n : names) list += (list.empty() ? "" : ", ") + n;
  const std::string what = kind == "ecg" ? "ECG" : kind == "resp" ? "respiration" : kind;
  throw std::invalid_argument(path.filename().string() + " has no " + what + " signal (it has: " + list +
                              "); give --column NAME to analyse one of them as " + kind + " anyway");
}

namespace {
namespace po = boost::program_options;

void print_readable(nlohmann::ordered_json const& j, std::string const& prefix, std::ostream& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object()) {
      print_readable(*it, key, out);
    } else if (it->is_array()) {
      out << "  " << key << ": " << it->size() << " values (use --json for all)\n";
    } else {
      out << "  " << key << ": " << it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
  }
}

int analyze_main(std::vector<std::string> const& args) {
  po::options_description o("pneuma analyze FILE [options]");
  o.add_options()("help,h", "show this help")("file", po::value<std::string>(), "input file")(
      "kind,k", po::value<std::string>()->default_value("auto"), "resp, ecg, rr or auto")(
      "fs", po::value<double>(), "sampling rate, Hz (CSV without a time column)")(
      "column,c", po::value<std::string>(), "CSV column or EDF signal label")(
      "json", "print one JSON object (design.md keys)");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(o).positional(pos).run(), vm);
    po::notify(vm);
  } catch (po::error const& e) {
    return usage_error("analyze", e.what());
  }
  if (vm.count("help")) {
    std::cout << o << "\nKinds:";
    for (auto const& k : analysis_kinds()) std::cout << "\n  " << k.kind << "  " << k.summary;
    std::cout << "\nInput: CSV with a header row, EDF/EDF+/BDF+, Kubios RR text (one interval per line).\n";
    return kExitOk;
  }
  if (!vm.count("file")) return usage_error("analyze", "missing FILE (see pneuma analyze --help)");

  AnalyzeRequest request;
  request.path = vm["file"].as<std::string>();
  if (vm.count("fs")) request.fs_hz = vm["fs"].as<double>();
  if (vm.count("column")) request.column = vm["column"].as<std::string>();
  if (!std::filesystem::exists(request.path))
    return runtime_error("analyze", request.path.string() + ": no such file");

  nlohmann::ordered_json out;
  try {
    request.kind = vm["kind"].as<std::string>();
    if (request.kind == "auto") request.kind = guess_kind(request.path, request.column);
    auto const& kinds = analysis_kinds();
    auto it = std::find_if(kinds.begin(), kinds.end(),
                           [&](AnalysisKind const& k) { return k.kind == request.kind; });
    if (it == kinds.end())
      return usage_error("analyze", "--kind " + request.kind +
                                        ": not an analysis this build knows (see pneuma analyze --help)");
    out["input"] = {{"file", request.path.string()}, {"kind", request.kind}};
    if (request.column) out["input"]["column"] = *request.column;
    if (request.fs_hz) out["input"]["fs_hz"] = *request.fs_hz;
    if (!request.column) request.column = column_for_kind(request.path, request.kind);
    it->run(request, out);
  } catch (std::invalid_argument const& e) {
    return usage_error("analyze", e.what());
  } catch (std::exception const& e) {
    return runtime_error("analyze", e.what());
  }
  if (vm.count("json")) {
    // A file name or column that is not UTF-8 (a Latin-1 name) shows as U+FFFD, never an exception.
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << request.path.string() << " (" << request.kind << ")\n";
    print_readable(out, "", std::cout);
  }
  return kExitOk;
}

const Registration kAnalyze({"analyze", "analyse a recording offline (breathing, ECG, RR/HRV)",
                             &analyze_main, 30});

} // namespace
} // namespace pneuma::cli
