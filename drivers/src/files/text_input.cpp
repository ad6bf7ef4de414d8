#include "text_input.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>

namespace pneuma::drivers::files {
namespace {

/// Length of the UTF-8 sequence starting at s[i], 0 when it is not one (overlong forms,
/// surrogates and values above U+10FFFF are refused, as RFC 3629 says).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) { n = 3; lo = 0xA0; }
  else if (c >= 0xE1 && c <= 0xEC) n = 3;
  else if (c == 0xED) { n = 3; hi = 0x9F; }
  else if (c >= 0xEE && c <= 0xEF) n = 3;
  else if (c == 0xF0) { n = 4; lo = 0x90; }
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) { n = 4; hi = 0x8F; }
  else return 0;
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02X", c);
  return buf;
}

} // namespace

std::string shown_text(std::string_view text, std::size_t max) {
  std::string out;
  std::size_t shown = 0;
  for (std::size_t i = 0; i < text.size() && shown < max;) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = utf8_length(text, i);
    if (n == 0 || c < 0x20 || c == 0x7F) {
      out += hex_byte(c);
      i += 1;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
    ++shown;
  }
  if (shown >= max && out.size() < text.size()) out += "...";
  return out;
}

std::string shown_path(std::filesystem::path const& path) {
  return shown_text(path.native(), 4096);
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::uintmax_t check_input_file(std::filesystem::path const& path, std::uintmax_t max_bytes) {
  const std::string where = shown_path(path);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw std::runtime_error(where + ": " + (errno == ENOENT ? std::string("no such file")
                                                               : std::string(std::strerror(errno))));
  if (S_ISDIR(st.st_mode)) throw std::runtime_error(where + ": is a directory, not a file");
  if (!S_ISREG(st.st_mode)) throw std::runtime_error(where + ": is not a regular file");
  const auto size = static_cast<std::uintmax_t>(st.st_size);
  if (size == 0) throw std::runtime_error(where + ": the file is empty");
  if (size > max_bytes)
    throw std::runtime_error(where + ": the file is " + std::to_string(size >> 20) +
                             " MB, more than the " + std::to_string(max_bytes >> 20) +
                             " MB a text file may have");
  return size;
}

bool looks_binary(std::string_view head) {
  for (unsigned char c : head)
    if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')) return true;
  return false;
}

LineReader::LineReader(std::filesystem::path const& path) : path_(path), in_(path, std::ios::binary) {
  if (!in_) throw std::runtime_error(shown_path(path) + ": cannot open the file");
}

bool LineReader::next(std::string& line) {
  line.clear();
  auto* buf = in_.rdbuf();
  using traits = std::char_traits<char>;
  int c = buf->sbumpc();
  if (c == traits::eof()) return false;
  ++line_no_;
  for (; c != traits::eof() && c != '\n'; c = buf->sbumpc()) {
    if (line.size() >= kMaxLineBytes)
      throw std::runtime_error(shown_path(path_) + ":" + std::to_string(line_no_) +
                               ": the line is longer than " + std::to_string(kMaxLineBytes >> 20) +
                               " MB (not a text file of values?)");
    line.push_back(static_cast<char>(c));
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

} // namespace pneuma::drivers::files
