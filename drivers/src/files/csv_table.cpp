#include "pneuma/drivers/files/csv_table.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string_view>

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

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> cells;
  for (;;) {
    const auto pos = line.find(sep);
    cells.push_back(trim(line.substr(0, pos)));
    if (pos == std::string_view::npos) break;
    line.remove_prefix(pos + 1);
  }
  return cells;
}

bool parse_number(std::string_view cell, double& out) {
  if (cell.empty() || lower(cell) == "nan" || lower(cell) == "na") {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (cell.front() == '+') cell.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), out);
  return ec == std::errc{} && ptr == cell.data() + cell.size();
}

} // namespace

std::optional<std::size_t> CsvTable::find(std::string const& name) const {
  const std::string want = lower(name);
  for (std::size_t i = 0; i < names.size(); ++i)
    if (lower(names[i]) == want) return i;
  return std::nullopt;
}

CsvTable read_csv(std::filesystem::path const& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open the file");
  const std::string where = path.string();
  CsvTable table;
  std::string line;
  std::size_t line_no = 0, bytes = 0;
  char sep = ',';
  while (std::getline(in, line)) {
    ++line_no;
    bytes += line.size() + 1;
    if (bytes > max_bytes) throw std::runtime_error(where + ": file is larger than the limit");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    if (table.names.empty()) {
      if (line.find(',') == std::string::npos) {
        sep = line.find('\t') != std::string::npos ? '\t' : (line.find(';') != std::string::npos ? ';' : ',');
      }
      for (auto cell : split(line, sep)) table.names.emplace_back(cell);
      double probe = 0;
      if (parse_number(table.names[0], probe) && !table.names[0].empty())
        throw std::runtime_error(where + ":" + std::to_string(line_no) +
                                 ": expected a header row naming the columns, found numbers");
      table.columns.resize(table.names.size());
      continue;
    }
    const auto cells = split(line, sep);
    if (cells.size() != table.names.size())
      throw std::runtime_error(where + ":" + std::to_string(line_no) + ": " +
                               std::to_string(cells.size()) + " cells, the header has " +
                               std::to_string(table.names.size()));
    for (std::size_t c = 0; c < cells.size(); ++c) {
      double v = 0;
      if (!parse_number(cells[c], v))
        throw std::runtime_error(where + ":" + std::to_string(line_no) + ": column '" +
                                 table.names[c] + "': '" + std::string(cells[c].substr(0, 40)) +
                                 "' is not a number");
      table.columns[c].push_back(v);
    }
  }
  if (table.names.empty()) throw std::runtime_error(where + ": the file is empty");
  if (table.rows() == 0) throw std::runtime_error(where + ": no data rows after the header");
  return table;
}

} // namespace pneuma::drivers::files
