#include "pneuma/drivers/files/csv_table.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "text_input.hpp"

namespace pneuma::drivers::files {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

void split(std::string_view line, char sep, std::vector<std::string_view>& cells) {
  cells.clear();
  for (;;) {
    const auto pos = line.find(sep);
    cells.push_back(trim(line.substr(0, pos)));
    if (pos == std::string_view::npos) break;
    line.remove_prefix(pos + 1);
  }
}

bool is_nan_word(std::string_view cell) {
  return cell.size() <= 3 && (lower(cell) == "nan" || lower(cell) == "na");
}

/// A number as a spreadsheet writes it; `decimal_comma` lets "0,899" read as 0.899.
bool parse_number(std::string_view cell, bool decimal_comma, double& out) {
  if (cell.empty() || is_nan_word(cell)) {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (cell.front() == '+') cell.remove_prefix(1);
  char buf[64];
  if (decimal_comma && cell.find(',') != std::string_view::npos) {
    if (cell.size() >= sizeof buf || std::count(cell.begin(), cell.end(), ',') != 1 ||
        cell.find('.') != std::string_view::npos)
      return false;
    std::copy(cell.begin(), cell.end(), buf);
    std::replace(buf, buf + cell.size(), ',', '.');
    cell = std::string_view(buf, cell.size());
  }
  const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), out);
  return ec == std::errc{} && ptr == cell.data() + cell.size() && std::isfinite(out);
}

char separator_of(std::string_view header) {
  const auto count = [&](char c) { return std::count(header.begin(), header.end(), c); };
  const auto commas = count(','), semis = count(';'), tabs = count('\t');
  if (semis > commas && semis >= tabs) return ';';
  if (tabs > commas && tabs > semis) return '\t';
  return ',';
}

} // namespace

std::optional<std::size_t> CsvTable::find(std::string const& name) const {
  const std::string want = lower(name);
  for (std::size_t i = 0; i < names.size(); ++i)
    if (lower(names[i]) == want) return i;
  return std::nullopt;
}

CsvTable read_csv(std::filesystem::path const& path, CsvOptions options) {
  check_input_file(path);
  const std::string where = shown_path(path);
  LineReader lines(path);
  CsvTable table;
  std::string line;
  std::vector<std::string_view> cells;
  std::size_t kept = 0;
  char sep = ',';
  while (lines.next(line)) {
    const std::string at = where + ":" + std::to_string(lines.line_number()) + ": ";
    if (trim(line).empty()) continue;
    if (table.names.empty()) {
      if (looks_binary(line)) throw std::runtime_error(at + "binary data, not a CSV text file");
      sep = separator_of(line);
      split(line, sep, cells);
      for (auto cell : cells) table.names.push_back(valid_utf8(cell));
      double probe = 0;
      if (!table.names[0].empty() && parse_number(table.names[0], sep != ',', probe))
        throw std::runtime_error(at + "expected a header row naming the columns, found numbers");
      table.columns.resize(table.names.size());
      table.text_reason.resize(table.names.size());
      continue;
    }
    split(line, sep, cells);
    if (cells.size() != table.names.size())
      throw std::runtime_error(at + std::to_string(cells.size()) + " cells, the header has " +
                               std::to_string(table.names.size()));
    kept += cells.size();
    if (kept > kMaxCsvCells)
      throw std::runtime_error(where + ": more than " + std::to_string(kMaxCsvCells >> 20) +
                               " million values; split the file");
    for (std::size_t c = 0; c < cells.size(); ++c) {
      double v = 0;
      if (!parse_number(cells[c], sep != ',', v)) {
        std::string why = at + "column '" + shown_text(table.names[c]) + "': '" + shown_text(cells[c]) +
                          "' is not a number";
        if (!options.text_columns) throw std::runtime_error(why);
        if (table.text_reason[c].empty()) table.text_reason[c] = std::move(why);
        v = std::numeric_limits<double>::quiet_NaN();
      }
      table.columns[c].push_back(v);
    }
  }
  if (table.names.empty()) throw std::runtime_error(where + ": the file holds only blank lines");
  if (table.rows() == 0) throw std::runtime_error(where + ": no data rows after the header");
  return table;
}

} // namespace pneuma::drivers::files
