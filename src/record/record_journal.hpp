#pragma once
// The crash journal beside a recording (FILE.journal): every annotation of a session as a text
// line, written as it happens, because EDFlib writes a file's annotations only when it closes it.
// While a session records, its journal is held under an exclusive flock, so another process can
// tell a live recording from one a crash left behind.
//
// Format (v1), one entry a line, times in units of 100 us from the start of the recording:
//   # pneuma recording journal v1: onset_100us duration_100us text
//   <onset>\t<duration or -1>\t<text>
// A line cut by a crash (no second tab, or numbers that do not parse) is skipped when read.
// Provisional entries (duration -2) are beats written before their time offset has settled
// (record_writer.hpp): a line "#settled", written after their final entries, drops them;
// without it (a crash in the first 30 s) they are what the repair restores.
// A journal is created exclusively: an existing one (a live session's, or a crashed one's) is
// never opened for writing.
//
// Thread contract: JournalWriter is used by one thread; the free functions by any thread.

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace pneuma::app {

/// Journal path of a recording: FILE + ".journal".
std::filesystem::path journal_path(std::filesystem::path const& edf);

inline constexpr long long kProvisional = -2;
inline constexpr char const* kSettledLine = "#settled";

struct JournalEntry {
  long long onset_100us = 0;
  long long duration_100us = -1; ///< -1: no duration
  std::string text;
};

/// Every whole entry of a journal (an unreadable or missing file gives none).
std::vector<JournalEntry> read_journal(std::filesystem::path const& journal);

/// True when a live session holds the journal's lock, in another process or in this one (its
/// recording is still being written and must not be repaired).
bool journal_locked(std::filesystem::path const& journal);

class JournalWriter {
public:
  /// Creates the journal of `edf` (exclusively) and locks it. Throws std::runtime_error (one
  /// line) when the place is not writable, another process records there, or a crashed session's
  /// journal is there.
  explicit JournalWriter(std::filesystem::path const& edf);
  ~JournalWriter();
  JournalWriter(JournalWriter const&) = delete;
  JournalWriter& operator=(JournalWriter const&) = delete;

  void append(JournalEntry const& entry);
  /// A beat at its best time so far; superseded by the entries appended after settled().
  void append_provisional(JournalEntry const& entry);
  /// Every provisional entry so far is replaced by the entries appended from now on.
  void settled();
  /// Pushes what was appended to the kernel.
  void flush();
  /// flush() and fdatasync.
  void sync();
  /// Closes the file, which releases the lock. Safe to call twice.
  void close();
  /// close() and delete the file (the recording holds every annotation now).
  void remove();

private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::FILE* file_ = nullptr;
};

} // namespace pneuma::app
