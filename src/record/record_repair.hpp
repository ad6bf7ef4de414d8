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
  std::string message;                ///< one line for the user (empty when nothing happened)
};

/// Throws std::runtime_error when the file is not an EDF file at all (then nothing is touched).
RepairReport repair_recording(std::filesystem::path const& path);

} // namespace pneuma::app
