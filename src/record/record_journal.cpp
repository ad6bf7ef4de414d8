#include "record/record_journal.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>

namespace pneuma::app {
namespace {

bool parse_int(std::string_view s, long long& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

} // namespace

std::filesystem::path journal_path(std::filesystem::path const& edf) {
  return std::filesystem::path(edf.string() + ".journal");
}

std::vector<JournalEntry> read_journal(std::filesystem::path const& journal) {
  std::vector<JournalEntry> out;
  std::vector<JournalEntry> provisional; // beats whose settled times have not been written yet
  std::ifstream in(journal);
  std::string line;
  for (;;) {
    // Bounded: a line longer than any entry (EDFlib's 40-byte text, two numbers) is damage.
    line.clear();
    int c = 0;
    while ((c = in.get()) != EOF && c != '\n')
      if (line.size() < 4096) line.push_back(static_cast<char>(c));
    if (c == EOF && line.empty()) break;
    if (line == kSettledLine) {
      provisional.clear();
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    const auto t1 = line.find('\t');
    const auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) continue; // a line cut by the crash
    JournalEntry e;
    const std::string_view v(line);
    if (!parse_int(v.substr(0, t1), e.onset_100us) ||
        !parse_int(v.substr(t1 + 1, t2 - t1 - 1), e.duration_100us))
      continue;
    e.text = line.substr(t2 + 1);
    if (e.duration_100us == kProvisional) {
      e.duration_100us = -1;
      provisional.push_back(std::move(e));
    } else {
      out.push_back(std::move(e));
    }
  }
  for (auto& e : provisional) out.push_back(std::move(e)); // a crash came before they settled
  return out;
}

bool journal_locked(std::filesystem::path const& journal) {
  // flock, not fcntl: the callers (repair, recording_state, a second JournalWriter) must see a
  // session recording in this very process as live too, or the window's own repair would "repair"
  // the file it is writing. flock locks belong to the open file description, so this fresh open
  // conflicts with our own writer; a POSIX fcntl lock never conflicts within one process, and the
  // close() below would drop the writer's fcntl lock. A crashed process's flock goes with it.
  const int fd = ::open(journal.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd); // releases our lock if we got it
  return locked;
}

JournalWriter::JournalWriter(std::filesystem::path const& edf) : path_(journal_path(edf)) {
  // A journal is only ever created, never reused: one that exists belongs to a live session (its
  // lock is held) or is what a crash left of another session's annotations and beats, which only
  // the repair may consume. Created exclusively, then locked before the first byte is written.
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0 && errno == EEXIST) {
    if (journal_locked(path_))
      throw std::runtime_error("the recording " + edf.string() + " is being written by another pneuma process");
    throw std::runtime_error("the recording " + edf.string() + " was interrupted and its journal " +
                             path_.string() + " holds its annotations: run pneuma repair " + edf.string() +
                             " first, or record to another file");
  }
  if (fd_ < 0)
    throw std::runtime_error("cannot write the recording " + edf.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) { // another process opened our new file already
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("the recording " + edf.string() + " is being written by another pneuma process");
  }
  file_ = ::fdopen(fd_, "w");
  if (file_ == nullptr) {
    ::close(fd_);
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    throw std::runtime_error("cannot write the recording journal " + path_.string());
  }
  std::fprintf(file_, "# pneuma recording journal v1: onset_100us duration_100us text\n");
  std::fflush(file_);
}

JournalWriter::~JournalWriter() { close(); }

void JournalWriter::append(JournalEntry const& e) {
  if (file_ != nullptr) std::fprintf(file_, "%lld\t%lld\t%s\n", e.onset_100us, e.duration_100us, e.text.c_str());
}

void JournalWriter::append_provisional(JournalEntry const& e) {
  if (file_ != nullptr) std::fprintf(file_, "%lld\t%lld\t%s\n", e.onset_100us, kProvisional, e.text.c_str());
}

void JournalWriter::settled() {
  if (file_ != nullptr) std::fprintf(file_, "%s\n", kSettledLine);
}

void JournalWriter::flush() {
  if (file_ != nullptr) std::fflush(file_);
}

void JournalWriter::sync() {
  flush();
  if (fd_ >= 0) (void)::fdatasync(fd_);
}

void JournalWriter::close() {
  if (file_ == nullptr) return;
  std::fclose(file_); // also releases the flock
  file_ = nullptr;
  fd_ = -1;
}

void JournalWriter::remove() {
  close();
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

} // namespace pneuma::app
