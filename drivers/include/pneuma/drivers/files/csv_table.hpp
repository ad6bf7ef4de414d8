#pragma once
// Numeric CSV tables with a header row (the CSV input of `pneuma analyze` and replay).
// Separators: comma, semicolon or tab (taken from the header line). Empty cells and "nan" read as NaN.
// Errors name the file, the line and the column.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pneuma::drivers::files {

struct CsvTable {
  std::vector<std::string> names;            ///< header, trimmed
  std::vector<std::vector<double>> columns;  ///< columns[i][row]

  /// Index of a column by exact (case-insensitive) name.
  [[nodiscard]] std::optional<std::size_t> find(std::string const& name) const;
  [[nodiscard]] std::size_t rows() const noexcept { return columns.empty() ? 0 : columns[0].size(); }
};

/// Reads the whole file; throws std::runtime_error with "FILE:LINE: ..." on malformed content,
/// and when the file has no header or no data rows. `max_bytes` bounds what is read.
CsvTable read_csv(std::filesystem::path const& path, std::size_t max_bytes = std::size_t{2} << 30);

} // namespace pneuma::drivers::files
