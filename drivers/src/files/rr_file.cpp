#include "pneuma/drivers/files/rr_file.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>
#include <cmath>
#include <stdexcept>

#include "pneuma/drivers/files/csv_table.hpp"
#include "pneuma/drivers/files/signal_file.hpp"
#include "text_input.hpp"

namespace pneuma::drivers::files {
namespace {

constexpr std::size_t kMaxIntervals = std::size_t{64} << 20; // ~2 years of beats

constexpr char const* kFormatsExpected =
    "expected RR text (one interval a line, as Kubios and Elite HRV export), a CSV with an "
    "rr_ms, rr or ibi column (HRV Logger: date,rr,since start), Polar Sensor Logger's "
    "'Phone timestamp;RR-interval [ms]', or name the column with --column";

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

/// One interval: "812", "0.812" or "0,812" (decimal comma).
bool parse_interval(std::string_view cell, double& v) {
  char buf[64];
  if (const auto comma = cell.find(','); comma != std::string_view::npos) {
    if (cell.size() >= sizeof buf || cell.find(',', comma + 1) != std::string_view::npos ||
        cell.find('.') != std::string_view::npos)
      return false;
    std::copy(cell.begin(), cell.end(), buf);
    buf[comma] = '.';
    cell = std::string_view(buf, cell.size());
  }
  const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  return ec == std::errc{} && ptr == cell.data() + cell.size() && std::isfinite(v);
}

RrSeries read_rr_text(std::filesystem::path const& path) {
  check_input_file(path);
  LineReader lines(path);
  RrSeries s;
  s.source = "RR text";
  std::string line;
  bool seen_number = false;
  while (lines.next(line)) {
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t");
    const std::string_view cell(line.data() + first, last - first + 1);
    double v = 0;
    if (!parse_interval(cell, v)) {
      if (!seen_number && !looks_binary(cell)) continue; // a text header before the data
      throw std::runtime_error(shown_path(path) + ":" + std::to_string(lines.line_number()) + ": '" +
                               shown_text(cell) + "' is not an interval (" + kFormatsExpected + ")");
    }
    seen_number = true;
    if (s.rr_ms.size() >= kMaxIntervals)
      throw std::runtime_error(shown_path(path) + ": more than " + std::to_string(kMaxIntervals) +
                               " intervals; split the file");
    s.rr_ms.push_back(v);
  }
  if (s.rr_ms.empty())
    throw std::runtime_error(shown_path(path) + ": no intervals found (" + kFormatsExpected + ")");
  to_ms_if_seconds(s.rr_ms);
  return s;
}

/// "RR-interval [ms]" -> name "rr_interval", unit "ms".
struct ColumnName {
  std::string name, unit;
};
ColumnName normalised(std::string const& header) {
  ColumnName out;
  std::string base = header;
  if (const auto open = base.find_first_of("[("); open != std::string::npos) {
    const auto close = base.find_first_of("])", open);
    out.unit = base.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
    base.erase(open);
  }
  for (char c : base) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out.name += static_cast<char>(std::tolower(u));
    else if (!out.name.empty() && out.name.back() != '_') out.name += '_';
  }
  while (!out.name.empty() && out.name.back() == '_') out.name.pop_back();
  std::transform(out.unit.begin(), out.unit.end(), out.unit.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string column_list(CsvTable const& t) {
  std::string names;
  for (auto const& n : t.names) names += (names.empty() ? "" : ", ") + shown_text(n);
  return names;
}

RrSeries read_rr_csv(std::filesystem::path const& path, std::optional<std::string> const& column) {
  CsvTable t = read_csv(path, CsvOptions{.text_columns = true});
  const std::string where = shown_path(path);
  std::optional<std::size_t> col;
  if (column) {
    col = t.find(*column);
    if (!col)
      throw std::invalid_argument(where + ": no column '" + shown_text(*column) + "' (columns: " +
                                  column_list(t) + ")");
  } else {
    static constexpr char const* kNames[] = {"rr_ms",  "rr",    "rr_interval", "rr_intervals",
                                             "ibi_ms", "ibi",   "nn_ms",       "nn",
                                             "rr_s",   "ibi_s", "interbeat_interval"};
    for (const char* name : kNames)
      for (std::size_t i = 0; i < t.names.size() && !col; ++i)
        if (normalised(t.names[i]).name == name) col = i;
    if (!col) { // a single numeric column (Elite HRV with a header line) is the series
      std::optional<std::size_t> only;
      std::size_t numeric = 0;
      for (std::size_t i = 0; i < t.names.size(); ++i)
        if (t.numeric(i)) ++numeric, only = i;
      if (numeric == 1 && t.names.size() == 1) col = only;
    }
    if (!col)
      throw std::invalid_argument(where + ": no RR column among " + column_list(t) + " (" +
                                  kFormatsExpected + ")");
  }
  if (!t.numeric(*col)) throw std::runtime_error(t.text_reason[*col]);
  RrSeries s;
  s.source = t.names[*col];
  s.rr_ms = std::move(t.columns[*col]);
  const std::string unit = normalised(t.names[*col]).unit;
  const std::string name = normalised(t.names[*col]).name;
  if (unit == "s" || unit == "sec" || (unit.empty() && name.size() > 2 && name.ends_with("_s"))) {
    for (double& x : s.rr_ms) x *= 1000.0;
  } else if (unit != "ms") {
    to_ms_if_seconds(s.rr_ms);
  }
  for (const char* tname : {"beat_time_s", "time_s", "t_s", "time"})
    if (auto tc = t.find(tname); tc && s.beat_time_s.empty() && t.numeric(*tc)) s.beat_time_s = t.columns[*tc];
  return s;
}

} // namespace

bool beats_mostly_optical(Recording const& rec, std::span<const double> beat_times_s) {
  std::vector<std::pair<double, bool>> labels; // onset, optical from there on
  for (auto const& a : rec.annotations) {
    if (a.text == kBeatsOpticalLabel) labels.emplace_back(a.onset_s, true);
    if (a.text == kBeatsRrLabel) labels.emplace_back(a.onset_s, false);
  }
  if (labels.empty() || beat_times_s.empty()) return false;
  std::stable_sort(labels.begin(), labels.end(), [](auto const& x, auto const& y) { return x.first < y.first; });
  std::size_t optical = 0;
  for (const double t : beat_times_s) {
    const auto after = std::upper_bound(labels.begin(), labels.end(), t,
                                        [](double v, auto const& l) { return v < l.first; });
    optical += after != labels.begin() && std::prev(after)->second;
  }
  return 2 * optical > beat_times_s.size();
}

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
    s.optical = beats_mostly_optical(rec, s.beat_time_s);
    if (s.optical) s.source += " (optical pulse intervals, PPI)";
    for (std::size_t i = 1; i < s.beat_time_s.size(); ++i)
      s.rr_ms.push_back(1000.0 * (s.beat_time_s[i] - s.beat_time_s[i - 1]));
    if (!s.beat_time_s.empty()) s.beat_time_s.erase(s.beat_time_s.begin());
    if (s.rr_ms.empty()) throw std::runtime_error(shown_path(path) + ": no beat annotations found");
    return s;
  }
  }
  throw std::runtime_error(shown_path(path) + ": unknown file kind");
}

} // namespace pneuma::drivers::files
