#include "pneuma/drivers/files/signal_file.hpp"

#include <edflib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <stdexcept>

#include "pneuma/drivers/files/csv_table.hpp"
#include "text_input.hpp"

namespace pneuma::drivers::files {
namespace {

std::string trimmed(const char* text) {
  std::string s(text);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
  return s;
}

std::string edf_error(int code) {
  switch (code) {
  case EDFLIB_MALLOC_ERROR: return "out of memory";
  case EDFLIB_NO_SUCH_FILE_OR_DIRECTORY: return "no such file";
  case EDFLIB_FILE_CONTAINS_FORMAT_ERRORS: return "not a valid EDF/BDF file (format errors; truncated or foreign?)";
  case EDFLIB_MAXFILES_REACHED: return "too many open files";
  case EDFLIB_FILE_READ_ERROR: return "read error";
  case EDFLIB_FILE_ALREADY_OPENED: return "file already opened";
  case EDFLIB_FILETYPE_ERROR: return "not an EDF/BDF file";
  case EDFLIB_FILE_IS_DISCONTINUOUS: return "discontinuous EDF+D/BDF+D files are not supported";
  default: return "EDFlib error " + std::to_string(code);
  }
}

bool is_time_name(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name == "time" || name == "time_s" || name == "t" || name == "t_s" || name == "timestamp" ||
         name == "seconds";
}

double rate_from_times(std::vector<double> const& t, std::string const& where) {
  std::vector<double> steps;
  for (std::size_t i = 1; i < t.size() && steps.size() < 20001; ++i)
    if (std::isfinite(t[i]) && std::isfinite(t[i - 1])) steps.push_back(t[i] - t[i - 1]);
  if (steps.empty()) throw std::runtime_error(where + ": the time column has fewer than two times");
  std::nth_element(steps.begin(), steps.begin() + static_cast<long>(steps.size() / 2), steps.end());
  const double step = steps[steps.size() / 2];
  if (!(step > 0)) throw std::runtime_error(where + ": the time column does not increase");
  return 1.0 / step;
}

} // namespace

FileKind detect_file_kind(std::filesystem::path const& path) {
  check_input_file(path, std::numeric_limits<std::uintmax_t>::max());
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(shown_path(path) + ": cannot open the file");
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head.size() >= 8 && (head.compare(0, 8, "0       ") == 0 ||
                           (static_cast<unsigned char>(head[0]) == 0xFF && head.compare(1, 7, "BIOSEMI") == 0)))
    return FileKind::edf;
  if (looks_binary(head))
    throw std::runtime_error(shown_path(path) +
                             ": binary data: not an EDF/BDF recording, a CSV table or an RR text file");
  LineReader lines(path);
  std::string line;
  while (lines.next(line)) {
    if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') continue;
    // One interval a line, maybe with a decimal comma ("0,899"): RR text. A headerless table
    // ("0.0,1.5") is not: it goes to the CSV reader, which asks for the header.
    const bool digits = line.find_first_not_of("0123456789.,+-eE \t") == std::string::npos;
    const auto commas = std::count(line.begin(), line.end(), ',');
    const bool numeric = digits && (commas == 0 || (commas == 1 && line.find('.') == std::string::npos));
    return numeric ? FileKind::rr_text : FileKind::csv;
  }
  throw std::runtime_error(shown_path(path) + ": the file holds only blank or comment lines");
}

Recording read_edf(std::filesystem::path const& path) {
  check_input_file(path, std::numeric_limits<std::uintmax_t>::max());
  auto hdr = std::make_unique<edf_hdr_struct>();
  if (edfopen_file_readonly(path.c_str(), hdr.get(), EDFLIB_READ_ALL_ANNOTATIONS) != 0)
    throw std::runtime_error(shown_path(path) + ": " + edf_error(hdr->filetype));
  struct Closer {
    int handle;
    ~Closer() { edfclose_file(handle); }
  } closer{hdr->handle};

  Recording rec;
  rec.duration_s = static_cast<double>(hdr->file_duration) / EDFLIB_TIME_DIMENSION;
  const double record_s = static_cast<double>(hdr->datarecord_duration) / EDFLIB_TIME_DIMENSION;
  for (int i = 0; i < hdr->edfsignals; ++i) {
    auto const& p = hdr->signalparam[i];
    SignalData s;
    s.label = valid_utf8(trimmed(p.label));
    s.unit = valid_utf8(trimmed(p.physdimension));
    s.fs_hz = record_s > 0 ? p.smp_in_datarecord / record_s : 0;
    s.values.resize(static_cast<std::size_t>(p.smp_in_file));
    std::size_t done = 0;
    while (done < s.values.size()) {
      const int chunk = static_cast<int>(std::min<std::size_t>(s.values.size() - done, 1 << 20));
      const int n = edfread_physical_samples(hdr->handle, i, chunk, s.values.data() + done);
      if (n <= 0) throw std::runtime_error(shown_path(path) + ": cannot read signal '" + shown_text(s.label) + "'");
      done += static_cast<std::size_t>(n);
    }
    rec.signals.push_back(std::move(s));
  }
  for (long long n = 0; n < hdr->annotations_in_file; ++n) {
    edf_annotation_struct a{};
    if (edf_get_annotation(hdr->handle, static_cast<int>(n), &a) != 0) break;
    rec.annotations.push_back({static_cast<double>(a.onset) / EDFLIB_TIME_DIMENSION,
                               a.duration_l < 0 ? -1.0
                                                : static_cast<double>(a.duration_l) / EDFLIB_TIME_DIMENSION,
                               valid_utf8(a.annotation)});
  }
  return rec;
}

SignalData read_signal(std::filesystem::path const& path, std::optional<std::string> const& column,
                       std::optional<double> fs_hz) {
  const std::string where = shown_path(path);
  if (fs_hz && !(*fs_hz > 0 && *fs_hz <= 100000))
    throw std::invalid_argument("--fs " + std::to_string(*fs_hz) + ": expected 0 to 100000 Hz");
  const FileKind kind = detect_file_kind(path);
  if (kind == FileKind::edf) {
    Recording rec = read_edf(path);
    if (rec.signals.empty()) throw std::runtime_error(where + ": the EDF file has no signals");
    auto it = rec.signals.begin();
    if (column) {
      it = std::find_if(rec.signals.begin(), rec.signals.end(),
                        [&](SignalData const& s) { return s.label == *column; });
      if (it == rec.signals.end())
        throw std::invalid_argument(where + ": no signal labelled '" + shown_text(*column) + "'");
    }
    if (fs_hz && std::abs(*fs_hz - it->fs_hz) > 1e-6 * it->fs_hz)
      throw std::invalid_argument("--fs " + std::to_string(*fs_hz) + " disagrees with the file's " +
                                  std::to_string(it->fs_hz) + " Hz for '" + it->label + "'");
    return std::move(*it);
  }
  if (kind == FileKind::rr_text)
    throw std::invalid_argument(where + ": has no header row: looks like an RR text file (use --kind rr)");

  CsvTable table = read_csv(path, CsvOptions{.text_columns = true});
  std::optional<std::size_t> time_col;
  for (std::size_t i = 0; i < table.names.size(); ++i)
    if (is_time_name(table.names[i])) time_col = i;
  std::size_t col = 0;
  if (column) {
    auto found = table.find(*column);
    if (!found) {
      std::string names;
      for (auto const& n : table.names) names += (names.empty() ? "" : ", ") + shown_text(n);
      throw std::invalid_argument(where + ": no column '" + shown_text(*column) + "' (columns: " + names + ")");
    }
    col = *found;
  } else {
    while (col < table.names.size() && ((time_col && col == *time_col) || !table.numeric(col))) ++col;
    if (col >= table.names.size()) throw std::invalid_argument(where + ": no signal column");
  }
  if (!table.numeric(col)) throw std::runtime_error(table.text_reason[col]);
  if (time_col && !table.numeric(*time_col) && !fs_hz) throw std::runtime_error(table.text_reason[*time_col]);
  SignalData s;
  s.label = table.names[col];
  if (fs_hz) {
    s.fs_hz = *fs_hz;
  } else if (time_col) {
    s.fs_hz = rate_from_times(table.columns[*time_col], where);
  } else {
    throw std::invalid_argument(where + ": no time column, so the sampling rate is unknown (give --fs HZ)");
  }
  s.values = std::move(table.columns[col]);
  return s;
}

std::vector<std::string> signal_names(std::filesystem::path const& path) {
  std::vector<std::string> names;
  if (detect_file_kind(path) == FileKind::edf) {
    for (auto const& s : read_edf(path).signals) names.push_back(s.label);
    return names;
  }
  for (auto const& n : read_csv(path, CsvOptions{.text_columns = true}).names)
    if (!is_time_name(n)) names.push_back(n);
  return names;
}

} // namespace pneuma::drivers::files
