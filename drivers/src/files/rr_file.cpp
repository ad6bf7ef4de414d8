#include "pneuma/drivers/files/rr_file.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include "pneuma/drivers/files/csv_table.hpp"
#include "pneuma/drivers/files/signal_file.hpp"

namespace pneuma::drivers::files {
namespace {

double median_of(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

void to_ms_if_seconds(std::vector<double>& rr) {
  if (median_of(rr) < 10.0)
    for (double& x : rr) x *= 1000.0;
}

RrSeries read_rr_text(std::filesystem::path const& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot open the file");
  RrSeries s;
  s.source = "RR text";
  std::string line;
  std::size_t line_no = 0;
  bool seen_number = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t");
    const std::string_view cell(line.data() + first, last - first + 1);
    double v = 0;
    const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
    if (ec != std::errc{} || ptr != cell.data() + cell.size()) {
      if (!seen_number) continue; // a text header before the data
      throw std::runtime_error(path.string() + ":" + std::to_string(line_no) + ": '" +
                               std::string(cell.substr(0, 40)) + "' is not an interval");
    }
    seen_number = true;
    s.rr_ms.push_back(v);
  }
  if (s.rr_ms.empty()) throw std::runtime_error(path.string() + ": no intervals found");
  to_ms_if_seconds(s.rr_ms);
  return s;
}

RrSeries read_rr_csv(std::filesystem::path const& path, std::optional<std::string> const& column) {
  CsvTable t = read_csv(path);
  std::optional<std::size_t> col;
  if (column) {
    col = t.find(*column);
    if (!col) throw std::invalid_argument(path.string() + ": no column '" + *column + "'");
  } else {
    for (const char* name : {"rr_ms", "rr", "ibi_ms", "ibi", "nn_ms", "rr_s", "ibi_s"})
      if (!col) col = t.find(name);
    if (!col)
      throw std::invalid_argument(path.string() +
                                  ": no RR column (rr_ms, rr, ibi...); name it with --column");
  }
  RrSeries s;
  s.source = t.names[*col];
  s.rr_ms = std::move(t.columns[*col]);
  to_ms_if_seconds(s.rr_ms);
  for (const char* name : {"beat_time_s", "time_s", "t_s", "time"})
    if (auto tc = t.find(name); tc && s.beat_time_s.empty()) s.beat_time_s = t.columns[*tc];
  return s;
}

} // namespace

RrSeries read_rr(std::filesystem::path const& path, std::optional<std::string> const& column) {
  switch (detect_file_kind(path)) {
  case FileKind::rr_text: return read_rr_text(path);
  case FileKind::csv: return read_rr_csv(path, column);
  case FileKind::edf: {
    // Beats as annotations: intervals between successive annotation onsets whose text matches
    // `column` (default "beat" or "R").
    const Recording rec = read_edf(path);
    RrSeries s;
    s.source = "EDF+ annotations";
    for (auto const& a : rec.annotations) {
      const bool match = column ? a.text == *column : (a.text == "beat" || a.text == "R");
      if (match) s.beat_time_s.push_back(a.onset_s);
    }
    for (std::size_t i = 1; i < s.beat_time_s.size(); ++i)
      s.rr_ms.push_back(1000.0 * (s.beat_time_s[i] - s.beat_time_s[i - 1]));
    if (!s.beat_time_s.empty()) s.beat_time_s.erase(s.beat_time_s.begin());
    if (s.rr_ms.empty()) throw std::runtime_error(path.string() + ": no beat annotations found");
    return s;
  }
  }
  throw std::runtime_error(path.string() + ": unknown file kind");
}

} // namespace pneuma::drivers::files
