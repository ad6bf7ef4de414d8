#pragma once
// Repairs a recording that was cut short (kill -9, power loss, full disk).
//
// What such a file looks like (EDFlib's writer, record_writer.hpp): a complete header whose
// "number of data records" still says -1, whole 1 s records (each pushed to the kernel when
// written, fdatasync'ed every second), maybe part of one more, and no user annotations (EDFlib
// writes those only when it closes the file); the annotations are in FILE.journal instead.
// Repair: (1) count the whole records, cut a partial one off and write the count into the header
// (in place, needs no free space); (2) if the journal holds annotations the file lacks, rewrite the
// file through EDFlib (reader -> writer, digital samples copied unchanged) with them, into a
// temporary file renamed over the original only when complete. If (2) fails the file from (1) is
// kept, readable, and the journal stays. A recording still being written (its journal is locked by
// a live process) is left alone.
//
// Nothing is lost: unless told otherwise the file as it was is first copied beside it
// (NAME.before-repair.edf, never over an existing file), and a header that does not describe the
// data (more whole records than it counts, or no whole record at all after a header that counts
// some) is refused without a change: that is a damaged header, not a recording cut short.

#include <cstdint>
#include <filesystem>
#include <string>

namespace pneuma::app {

struct EdfLayout {
  std::int64_t header_bytes = 0;
  std::int64_t records_field = 0; ///< what the header says (-1 while recording)
  std::int64_t record_bytes = 0;
  int signals = 0;                ///< including annotation signals
  double record_s = 1;
};

/// Reads the fixed part of an EDF/BDF header. Throws std::runtime_error with a one-line reason
/// ("not an EDF file", "truncated header" ...) for anything else.
EdfLayout read_edf_layout(std::filesystem::path const& path);

/// True when `path` is missing or empty: a recording whose session died before its first record.
bool nothing_written(std::filesystem::path const& path);

enum class RecordingState { complete, interrupted, in_use };
/// complete: header count matches and no journal; interrupted: needs repair_recording();
/// in_use: another live process is writing it. Throws like read_edf_layout.
RecordingState recording_state(std::filesystem::path const& path);

struct RepairReport {
  bool repaired = false;              ///< anything was changed
  std::int64_t records = 0;           ///< whole data records kept
  std::size_t annotations_restored = 0;
  std::filesystem::path original;     ///< the copy of the file as it was (empty: none made)
  std::string message;                ///< one line for the user (empty when nothing happened)
};

struct RepairOptions {
  /// Copy the file as it was before changing it (off only for the writer's own file it has just
  /// failed to finish, e.g. on a full disk where a copy cannot be made).
  bool keep_original = true;
};

/// Throws std::runtime_error when the file is not an EDF file at all or its header does not
/// describe its data (then nothing is touched).
RepairReport repair_recording(std::filesystem::path const& path, RepairOptions options = {});

/// True when `journal` is a Pneuma recording journal (its first line says so): the mark of a
/// recording Pneuma itself was writing.
bool is_recording_journal(std::filesystem::path const& journal);

/// One line saying why a file whose size does not match its header is not read as it is, and
/// how to repair it (empty when it matches). Throws like read_edf_layout.
std::string size_mismatch(std::filesystem::path const& path);

} // namespace pneuma::app
