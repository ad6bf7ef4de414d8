#pragma once
// Numeric CSV tables with a header row (the CSV input of `pneuma analyze` and replay).
// Separators: comma, semicolon or tab (the one the header line uses most). With a semicolon or a
// tab a comma inside a number is a decimal comma ("0,899", as spreadsheets in most of Europe
// write it). Empty cells and "nan" read as NaN. Errors name the file, the line and the column.
//
// Bounded: the file is checked before it is read (a regular file, at most kMaxTextFileBytes), a
// line longer than 1 MB is refused before it is buffered, and at most kMaxCsvCells values are
// kept (512 MB of doubles), so memory never grows past the data a reasonable table holds.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pneuma::drivers::files {

inline constexpr std::size_t kMaxCsvCells = std::size_t{64} << 20;

struct CsvOptions {
  /// Keep columns that hold text (a date, a device name): their cells read as NaN and
  /// `text_reason` says why; otherwise the first non-number is an error.
  bool text_columns = false;
};

struct CsvTable {
  std::vector<std::string> names;            ///< header, trimmed, valid UTF-8
  std::vector<std::vector<double>> columns;  ///< columns[i][row]
  /// Per column: empty when every cell is a number, else "FILE:LINE: column 'x': 'y' is not a
  /// number" for the first cell that is not (only with CsvOptions::text_columns).
  std::vector<std::string> text_reason;

  /// Index of a column by exact (case-insensitive) name.
  [[nodiscard]] std::optional<std::size_t> find(std::string const& name) const;
  [[nodiscard]] std::size_t rows() const noexcept { return columns.empty() ? 0 : columns[0].size(); }
  [[nodiscard]] bool numeric(std::size_t column) const {
    return column >= text_reason.size() || text_reason[column].empty();
  }
};

/// Reads the whole file; throws std::runtime_error with "FILE:LINE: ..." on malformed content,
/// and when the file has no header or no data rows.
CsvTable read_csv(std::filesystem::path const& path, CsvOptions options = {});

} // namespace pneuma::drivers::files
