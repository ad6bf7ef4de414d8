#include "record/record_repair.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <edflib.h>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <sys/file.h>
#include <unistd.h>
#include <vector>

#include "record/record_journal.hpp"

namespace pneuma::app {
namespace {

std::string field(std::string const& header, std::size_t at, std::size_t n) {
  std::string s = header.substr(at, n);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  return s;
}

bool parse_int(std::string const& s, std::int64_t& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

std::runtime_error bad(std::filesystem::path const& path, std::string const& why) {
  return std::runtime_error(path.string() + ": " + why);
}

std::string trimmed(char const* s) {
  std::string out(s);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

/// Copies `path` through EDFlib into `tmp` with `extra` annotations added.
void rewrite_with_annotations(std::filesystem::path const& path, std::filesystem::path const& tmp,
                              std::vector<JournalEntry> const& extra) {
  edf_hdr_struct hdr{};
  if (edfopen_file_readonly(path.c_str(), &hdr, EDFLIB_READ_ALL_ANNOTATIONS) != 0)
    throw std::runtime_error("EDFlib cannot read it (error " + std::to_string(hdr.filetype) + ")");
  const int in = hdr.handle;
  struct Closer {
    int h;
    ~Closer() {
      if (h >= 0) edfclose_file(h);
    }
  } close_in{in};
  const int ns = hdr.edfsignals;
  const long long records = hdr.datarecords_in_file;
  const int annot_signals = static_cast<int>(std::clamp<long long>(
      (static_cast<long long>(extra.size()) + hdr.annotations_in_file) / std::max(1LL, records) + 2,
      1, 64));
  const int out = edfopen_file_writeonly(tmp.c_str(), hdr.filetype, ns);
  if (out < 0) throw std::runtime_error("cannot create " + tmp.string());
  Closer close_out{out};
  for (int i = 0; i < ns; ++i) {
    auto const& p = hdr.signalparam[i];
    edf_set_samplefrequency(out, i, p.smp_in_datarecord);
    edf_set_physical_maximum(out, i, p.phys_max);
    edf_set_physical_minimum(out, i, p.phys_min);
    edf_set_digital_maximum(out, i, p.dig_max);
    edf_set_digital_minimum(out, i, p.dig_min);
    edf_set_label(out, i, trimmed(p.label).c_str());
    edf_set_physical_dimension(out, i, trimmed(p.physdimension).c_str());
    edf_set_transducer(out, i, trimmed(p.transducer).c_str());
    edf_set_prefilter(out, i, trimmed(p.prefilter).c_str());
  }
  if (hdr.datarecord_duration != EDFLIB_TIME_DIMENSION)
    edf_set_datarecord_duration(out, static_cast<int>(hdr.datarecord_duration / 100));
  edf_set_number_of_annotation_signals(out, annot_signals);
  edf_set_startdatetime(out, hdr.startdate_year, hdr.startdate_month, hdr.startdate_day,
                        hdr.starttime_hour, hdr.starttime_minute, hdr.starttime_second);
  edf_set_patientcode(out, trimmed(hdr.patientcode).c_str());
  edf_set_patientname(out, trimmed(hdr.patient_name).c_str());
  edf_set_equipment(out, trimmed(hdr.equipment).c_str());
  edf_set_recording_additional(out, trimmed(hdr.recording_additional).c_str());

  std::vector<int> buf;
  for (long long r = 0; r < records; ++r) {
    for (int i = 0; i < ns; ++i) {
      const int n = hdr.signalparam[i].smp_in_datarecord;
      buf.resize(static_cast<std::size_t>(n));
      if (edfread_digital_samples(in, i, n, buf.data()) != n)
        throw std::runtime_error("reading record " + std::to_string(r) + " failed");
      if (edfwrite_digital_samples(out, buf.data()) != 0)
        throw std::runtime_error(std::string("writing failed: ") + std::strerror(errno));
    }
  }
  for (long long a = 0; a < hdr.annotations_in_file; ++a) {
    edf_annotation_struct an{};
    if (edf_get_annotation(in, static_cast<int>(a), &an) != 0) continue;
    edfwrite_annotation_utf8(out, an.onset / 1000, an.duration_l / 1000, an.annotation);
  }
  const long long end_100us = records * hdr.datarecord_duration / 1000;
  for (auto const& e : extra)
    if (e.onset_100us < end_100us) edfwrite_annotation_utf8(out, e.onset_100us, e.duration_100us, e.text.c_str());
  close_out.h = -1;
  if (edfclose_file(out) != 0) throw std::runtime_error("closing the repaired copy failed");
  const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced) throw std::runtime_error(std::string("syncing failed: ") + std::strerror(errno));
  }
}

/// NAME.before-repair.edf (or -2, -3 ...): a new file, created exclusively, never over another.
std::filesystem::path keep_original(std::filesystem::path const& path) {
  const auto stem = path.parent_path() / path.stem();
  const std::string ext = path.has_extension() ? path.extension().string() : std::string(".edf");
  for (int i = 1; i < 1000; ++i) {
    const auto copy = std::filesystem::path(stem.string() + ".before-repair" +
                                            (i == 1 ? "" : "-" + std::to_string(i)) + ext);
    const int fd = ::open(copy.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      throw bad(path, std::string("cannot keep a copy before repairing (") + std::strerror(errno) +
                          "); not changed");
    }
    ::close(fd);
    std::error_code ec;
    std::filesystem::copy_file(path, copy, std::filesystem::copy_options::overwrite_existing, ec);
    const int sync_fd = ec ? -1 : ::open(copy.c_str(), O_RDONLY | O_CLOEXEC);
    const bool synced = sync_fd >= 0 && ::fsync(sync_fd) == 0;
    if (sync_fd >= 0) ::close(sync_fd);
    if (ec || !synced) {
      std::filesystem::remove(copy, ec);
      throw bad(path, "cannot keep a copy before repairing (disk full?); not changed");
    }
    return copy;
  }
  throw bad(path, "cannot keep a copy before repairing (too many earlier copies); not changed");
}

} // namespace

bool is_recording_journal(std::filesystem::path const& journal) {
  std::ifstream in(journal, std::ios::binary);
  char head[32] = {};
  in.read(head, sizeof head - 1);
  return std::string_view(head).starts_with("# pneuma recording journal");
}

std::string size_mismatch(std::filesystem::path const& path) {
  const EdfLayout l = read_edf_layout(path);
  const auto size = static_cast<std::int64_t>(std::filesystem::file_size(path));
  const std::int64_t whole = (size - l.header_bytes) / l.record_bytes;
  if (l.records_field == whole && size == l.header_bytes + whole * l.record_bytes) return {};
  const std::string said = l.records_field < 0 ? std::string("an unfinished recording (-1 records)")
                                               : std::to_string(l.records_field) + " data records";
  char holds[64];
  std::snprintf(holds, sizeof holds, "%.2f", static_cast<double>(size - l.header_bytes) /
                                                 static_cast<double>(l.record_bytes));
  return path.string() + ": its header says " + said + " but the file holds " + holds +
         "; it is read only as it is, so it was not changed (pneuma repair " + path.string() +
         " repairs it and keeps the original)";
}

EdfLayout read_edf_layout(std::filesystem::path const& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw bad(path, "cannot open the file");
  std::string header(256, '\0');
  in.read(header.data(), 256);
  if (in.gcount() < 256) throw bad(path, "not an EDF file (shorter than an EDF header)");
  const bool bdf = static_cast<unsigned char>(header[0]) == 0xFF && header.substr(1, 7) == "BIOSEMI";
  if (!bdf && header.substr(0, 8) != "0       ")
    throw bad(path, "not an EDF file (no EDF version field)");
  EdfLayout l;
  std::int64_t ns = 0;
  if (!parse_int(field(header, 184, 8), l.header_bytes) || !parse_int(field(header, 252, 4), ns) ||
      ns < 1 || ns > 4096 || l.header_bytes != 256 * (ns + 1))
    throw bad(path, "damaged EDF header (header size and signal count disagree)");
  l.signals = static_cast<int>(ns);
  if (!parse_int(field(header, 236, 8), l.records_field))
    throw bad(path, "damaged EDF header (number of data records is not a number)");
  try {
    l.record_s = std::stod(field(header, 244, 8));
  } catch (std::exception const&) {
    throw bad(path, "damaged EDF header (record duration is not a number)");
  }
  std::string signal_part(static_cast<std::size_t>(l.header_bytes - 256), '\0');
  in.read(signal_part.data(), static_cast<std::streamsize>(signal_part.size()));
  if (static_cast<std::size_t>(in.gcount()) < signal_part.size())
    throw bad(path, "truncated EDF header");
  const std::size_t spr_at = static_cast<std::size_t>(ns) * (16 + 80 + 8 + 8 + 8 + 8 + 8 + 80);
  const int bytes = bdf ? 3 : 2;
  for (std::int64_t i = 0; i < ns; ++i) {
    std::int64_t spr = 0;
    if (!parse_int(field(signal_part, spr_at + static_cast<std::size_t>(i) * 8, 8), spr) || spr < 1)
      throw bad(path, "damaged EDF header (samples per record of signal " + std::to_string(i + 1) +
                          ")");
    l.record_bytes += spr * bytes;
  }
  return l;
}

bool nothing_written(std::filesystem::path const& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec || size == 0;
}

RecordingState recording_state(std::filesystem::path const& path) {
  const auto journal = journal_path(path);
  const bool has_journal = std::filesystem::exists(journal);
  if (has_journal && journal_locked(journal)) return RecordingState::in_use;
  if (has_journal && nothing_written(path)) return RecordingState::interrupted; // killed in its first seconds
  const EdfLayout l = read_edf_layout(path);
  const auto size = static_cast<std::int64_t>(std::filesystem::file_size(path));
  const std::int64_t whole = (size - l.header_bytes) / l.record_bytes;
  if (has_journal || l.records_field != whole ||
      size != l.header_bytes + whole * l.record_bytes)
    return RecordingState::interrupted;
  return RecordingState::complete;
}

RepairReport repair_recording(std::filesystem::path const& path, RepairOptions options) {
  RepairReport report;
  const auto journal = journal_path(path);
  const bool has_journal = std::filesystem::exists(journal);
  if (has_journal && journal_locked(journal)) {
    report.message = path.string() + " is still being recorded by another process";
    return report;
  }
  if (!std::filesystem::exists(path) || (has_journal && nothing_written(path))) {
    // The session died before the first record: only the journal exists, beside the empty file
    // its name was reserved with (new_recording_path).
    if (has_journal) {
      std::error_code ec;
      std::filesystem::remove(journal, ec);
      if (std::filesystem::exists(path, ec)) std::filesystem::remove(path, ec);
    }
    report.message = path.string() + ": nothing was recorded";
    return report;
  }
  const EdfLayout l = read_edf_layout(path);
  const auto size = static_cast<std::int64_t>(std::filesystem::file_size(path));
  const std::int64_t whole = std::max<std::int64_t>(0, (size - l.header_bytes) / l.record_bytes);
  report.records = whole;
  // A crash leaves the count at -1 (still recording) or more than the records written; more whole
  // records than the header counts, or none where it counts some, is a damaged header instead.
  if (l.records_field >= 0 && (whole > l.records_field || (whole == 0 && l.records_field > 0)))
    throw bad(path, "its header does not describe its data (it counts " + std::to_string(l.records_field) +
                        " records of " + std::to_string(l.record_bytes) + " bytes, the file has " +
                        std::to_string(size - l.header_bytes) + " bytes of data); not changed");
  const bool cut = l.records_field != whole || size != l.header_bytes + whole * l.record_bytes;
  const auto entries = has_journal ? read_journal(journal) : std::vector<JournalEntry>{};
  if (options.keep_original && (cut || (has_journal && whole > 0 && !entries.empty())))
    report.original = keep_original(path);
  if (cut) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) throw bad(path, std::string("cannot repair: ") + std::strerror(errno));
    char count[32];
    std::snprintf(count, sizeof count, "%-8lld", static_cast<long long>(std::min<std::int64_t>(whole, 99999999)));
    const bool ok = ::pwrite(fd, count, 8, 236) == 8 &&
                    ::ftruncate(fd, l.header_bytes + whole * l.record_bytes) == 0 &&
                    ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok) throw bad(path, std::string("cannot repair: ") + std::strerror(err));
    report.repaired = true;
  }
  if (has_journal && whole > 0) {
    // A file EDFlib closed already holds its annotations; only a cut one needs the journal's.
    edf_hdr_struct hdr{};
    long long present = 0;
    if (edfopen_file_readonly(path.c_str(), &hdr, EDFLIB_READ_ALL_ANNOTATIONS) == 0) {
      present = hdr.annotations_in_file;
      edfclose_file(hdr.handle);
    }
    if (present == 0 && !entries.empty()) {
      const auto tmp = std::filesystem::path(path.string() + ".repair.tmp");
      try {
        rewrite_with_annotations(path, tmp, entries);
        std::filesystem::rename(tmp, path);
        report.repaired = true;
        const long long end_100us = static_cast<long long>(std::llround(whole * l.record_s * 1e4));
        report.annotations_restored = static_cast<std::size_t>(std::count_if(
            entries.begin(), entries.end(), [&](auto const& e) { return e.onset_100us < end_100us; }));
      } catch (std::exception const& e) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        report.message = path.string() + ": kept " + std::to_string(whole) +
                         " s; the annotations stay in " + journal.string() + " (" + e.what() + ")";
        return report;
      }
    }
  }
  if (has_journal) {
    std::error_code ec;
    std::filesystem::remove(journal, ec);
    report.repaired = true;
  }
  if (report.repaired) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.0f s", static_cast<double>(whole) * l.record_s);
    report.message = "repaired the interrupted recording " + path.string() + " (" + seconds + " kept, " +
                     (report.annotations_restored > 0
                          ? std::to_string(report.annotations_restored) + " annotations restored from its journal)"
                          : std::string("its annotations intact)"));
    if (!report.original.empty()) report.message += "; the file as it was is kept as " + report.original.string();
  } else if (!report.original.empty()) {
    std::error_code ec; // nothing changed after all: the copy is not needed
    std::filesystem::remove(report.original, ec);
    report.original.clear();
  }
  return report;
}

} // namespace pneuma::app
