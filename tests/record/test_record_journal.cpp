// The crash journal beside a recording (record/record_journal.hpp): format, lock, and that a
// second writer never damages a journal a live session holds.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include "record/record_journal.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace pneuma::app;
using pneuma::test::TempDir;

namespace {
std::string slurp(fs::path const& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
} // namespace

TEST_CASE("journal: entries written are read back, a line cut by a crash is skipped", "[app]") {
  TempDir dir;
  const auto edf = dir.path / "a.edf";
  {
    JournalWriter w(edf);
    // flock belongs to the open file description: a second open sees the lock as another
    // process does.
    CHECK(journal_locked(journal_path(edf)));
    w.append({12345, -1, "Pacer inhale"});
    w.append({20000, 5000, "Signal gap"});
    w.flush();
  }
  { std::ofstream(journal_path(edf), std::ios::app) << "30000\t-1"; } // cut mid-line
  const auto entries = read_journal(journal_path(edf));
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].onset_100us == 12345);
  CHECK(entries[0].duration_100us == -1);
  CHECK(entries[0].text == "Pacer inhale");
  CHECK(entries[1].duration_100us == 5000);
  CHECK(entries[1].text == "Signal gap");
}

TEST_CASE("journal: a second writer on a journal in use is refused and leaves it intact", "[app]") {
  TempDir dir;
  const auto edf = dir.path / "b.edf";
  JournalWriter first(edf);
  first.append({1, -1, "R"});
  first.append({2, -1, "R"});
  first.flush();
  const std::string before = slurp(journal_path(edf));
  // flock locks belong to the open file description: a second open in this process is refused
  // just as another process would be.
  CHECK_THROWS_WITH(JournalWriter(edf), Catch::Contains("being written by another pneuma process"));
  CHECK(slurp(journal_path(edf)) == before); // not truncated before the lock was tried
  first.remove();
  CHECK_FALSE(fs::exists(journal_path(edf)));
}

TEST_CASE("journal: provisional beats stand until their settled entries follow", "[app]") {
  TempDir dir;
  const auto edf = dir.path / "p.edf";
  {
    JournalWriter w(edf);
    w.append({100, -1, "Pacer inhale"});
    w.append_provisional({10500, -1, "R"});
    w.append_provisional({20500, -1, "R"});
    w.flush();
    // A crash now: the provisional beats are what there is.
    const auto early = read_journal(journal_path(edf));
    REQUIRE(early.size() == 3);
    CHECK(early[1].text == "R");
    CHECK(early[1].duration_100us == -1);
    CHECK(early[2].onset_100us == 20500);
    // The offset settles: the final entries, then the mark that supersedes the provisional ones.
    w.append({10400, -1, "R"});
    w.append({20400, -1, "R"});
    w.settled();
    w.flush();
  }
  const auto entries = read_journal(journal_path(edf));
  REQUIRE(entries.size() == 3);
  CHECK(entries[1].onset_100us == 10400);
  CHECK(entries[2].onset_100us == 20400);
}

TEST_CASE("journal: a crashed session's journal is never opened for writing", "[app]") {
  TempDir dir;
  const auto edf = dir.path / "c.edf";
  { std::ofstream(journal_path(edf)) << "# pneuma recording journal v1: onset_100us duration_100us text\n1\t-1\tR\n"; }
  const std::string before = slurp(journal_path(edf));
  CHECK_THROWS_WITH(JournalWriter(edf), Catch::Contains("was interrupted") && Catch::Contains("pneuma repair"));
  CHECK(slurp(journal_path(edf)) == before);
}

TEST_CASE("journal: another process's live writer is locked, and its crash frees the journal", "[app]") {
  TempDir dir;
  const auto edf = dir.path / "k.edf";
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) { // a recording session in another process, killed mid-session below
    JournalWriter w(edf);
    w.append({1, -1, "R"});
    w.flush();
    const char c = 'r';
    (void)!::write(ready[1], &c, 1);
    ::pause();
    ::_exit(0);
  }
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  CHECK(journal_locked(journal_path(edf)));
  ::kill(child, SIGKILL); // a crash: no destructor, no close
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  // The kernel drops a dead process's flock: the journal is now a crashed session's, for repair.
  CHECK_FALSE(journal_locked(journal_path(edf)));
  CHECK(read_journal(journal_path(edf)).size() == 1);
}
