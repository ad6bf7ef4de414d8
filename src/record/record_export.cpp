#include "record/record_export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "analysis/record_analysis.hpp"
#include "record/output_file.hpp"

namespace pneuma::app {
namespace {

std::string num(double v, int decimals) {
  if (!std::isfinite(v)) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string csv_text(std::string const& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

} // namespace

void export_recording(drivers::files::Recording const& rec, std::string const& format, std::ostream& out) {
  if (format == "kubios" || format == "rr-csv") {
    const BeatSeries beats = beats_from_annotations(rec);
    if (beats.t_s.size() < 2) throw std::runtime_error("the recording has no beats to export");
    if (format == "rr-csv") out << "beat_time_s,rr_ms,artifact\n";
    for (std::size_t i = 1; i < beats.t_s.size(); ++i) {
      if (format == "kubios") out << num(beats.rr_ms[i], 1) << "\n";
      else out << num(beats.t_s[i], 4) << "," << num(beats.rr_ms[i], 1) << "," << (beats.artifact[i] ? 1 : 0) << "\n";
    }
  } else if (format == "csv") {
    if (rec.signals.empty()) throw std::runtime_error("the recording has no signals to export");
    double fs = 0;
    for (auto const& s : rec.signals) fs = std::max(fs, s.fs_hz);
    out << "time_s";
    for (auto const& s : rec.signals) out << "," << csv_text(s.label + (s.unit.empty() ? "" : " [" + s.unit + "]"));
    out << "\n";
    const auto n = static_cast<std::size_t>(std::llround(rec.duration_s * fs));
    for (std::size_t i = 0; i < n; ++i) {
      const double t = static_cast<double>(i) / fs;
      out << num(t, 4);
      for (auto const& s : rec.signals) {
        const auto j = std::min(s.values.size() - 1, static_cast<std::size_t>(std::floor(t * s.fs_hz + 1e-9)));
        // The HR channel's "no beat yet" marker (record_writer.hpp: below 0 bpm) is an empty field.
        const bool missing = s.values.empty() || (s.label == "HR" && s.unit == "bpm" && s.values[j] < 0);
        out << "," << (missing ? "" : num(s.values[j], 4));
      }
      out << "\n";
    }
  } else if (format == "events") {
    out << "onset_s,duration_s,text\n";
    // By time: EDFlib stores annotations in the order they were written, and a recording writes
    // some late (beats settle after their offset is known, markers at the end).
    auto sorted = rec.annotations;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](auto const& a, auto const& b) { return a.onset_s < b.onset_s; });
    for (auto const& a : sorted)
      out << num(a.onset_s, 4) << "," << (a.duration_s >= 0 ? num(a.duration_s, 4) : "") << ","
          << csv_text(a.text) << "\n";
  } else {
    throw std::invalid_argument("--format " + format + ": expected kubios, rr-csv, csv or events");
  }
}

void export_recording_to(drivers::files::Recording const& rec, std::string const& format,
                         std::filesystem::path const& path, bool force,
                         std::vector<std::filesystem::path> const& inputs) {
  write_output_file(path, force, inputs, [&](std::ostream& out) { export_recording(rec, format, out); });
}

} // namespace pneuma::app
