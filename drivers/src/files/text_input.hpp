#pragma once
// What every text reader of a user's file shares: the checks made before anything is read (a
// regular file, not empty, not over the size limit), a line reader that refuses an over-long line
// before it has buffered it, and the words used to show file content in a message (no raw bytes
// reach the terminal, and every text taken from a file is valid UTF-8).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace pneuma::drivers::files {

/// Longest line a text reader accepts (a CSV row of a few hundred columns is under 10 KB).
inline constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;
/// Largest text file read (a day of a 130 Hz ECG with a time column is about 200 MB as CSV).
inline constexpr std::uintmax_t kMaxTextFileBytes = std::uintmax_t{1} << 30;

/// The path as a message shows it: printable, bytes that are not UTF-8 as \xNN.
std::string shown_path(std::filesystem::path const& path);

/// File content for a message: at most `max` characters, control and non-UTF-8 bytes as \xNN.
std::string shown_text(std::string_view text, std::size_t max = 40);

/// `text` with every byte sequence that is not UTF-8 replaced by U+FFFD (names read from a file
/// go into JSON and EDF, which need UTF-8).
std::string valid_utf8(std::string_view text);

/// Throws std::runtime_error ("FILE: is a directory", "... is empty", "... is larger than ...")
/// unless `path` is a readable regular file of 1 to `max_bytes` bytes. Returns its size.
std::uintmax_t check_input_file(std::filesystem::path const& path,
                                std::uintmax_t max_bytes = kMaxTextFileBytes);

/// True when the first bytes hold a NUL or other bytes no text file has.
bool looks_binary(std::string_view head);

/// Lines of a text file, '\n' or "\r\n" ended; a line longer than kMaxLineBytes throws
/// std::runtime_error naming the file and line before more than that is buffered.
class LineReader {
public:
  explicit LineReader(std::filesystem::path const& path);
  /// The next line without its end; false at the end of the file.
  bool next(std::string& line);
  [[nodiscard]] std::size_t line_number() const noexcept { return line_no_; }

private:
  std::filesystem::path path_;
  std::ifstream in_;
  std::size_t line_no_ = 0;
};

} // namespace pneuma::drivers::files
