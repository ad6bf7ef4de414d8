// Session store: schema, migration from an older version, and the refusals that protect data.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace pneuma::app;

using pneuma::test::TempDir;

namespace {


void sql(sqlite3* db, std::string const& text) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err);
  INFO((err ? err : ""));
  sqlite3_free(err);
  REQUIRE(rc == SQLITE_OK);
}

std::string bytes_of(fs::path const& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

} // namespace

TEST_CASE("store: sessions, metrics, ratings, profiles and assessments round-trip", "[app]") {
  TempDir dir;
  Store store(dir.path);
  CHECK(store.schema_version() == Store::kSchemaVersion);
  CHECK(fs::is_directory(store.recordings_dir()));
  const Profile home = store.ensure_profile(Store::kDefaultProfile);
  const Profile patient = store.ensure_profile("Patient 12", "patient");
  CHECK(store.ensure_profile(Store::kDefaultProfile).id == home.id);
  CHECK(patient.kind == "patient");

  SessionRow row;
  row.profile_id = patient.id;
  row.recording = "/tmp/x.edf";
  row.pacer_bpm = 5.5;
  row.ie = "4:6";
  const auto id = store.begin_session(row);
  store.set_rating(id, "before", Rating{7.0, 4.0, "stiff neck"});
  store.set_rating(id, "after", Rating{5.0, std::nullopt, ""});
  store.set_rating(id, "after", Rating{4.0, 3.0, "better"}); // replaces
  SessionMetrics m;
  m.mean_hr_bpm = 64.5;
  m.rmssd_ms = 41.0;
  m.beats = 700;
  store.finish_session(id, "complete", 600, m);

  auto s = store.session(id);
  REQUIRE(s);
  CHECK(s->status == "complete");
  CHECK(s->duration_s == 600);
  CHECK(s->pacer_bpm == 5.5);
  CHECK(s->metrics.mean_hr_bpm == 64.5);
  CHECK_FALSE(s->metrics.sdnn_ms);
  CHECK(s->metrics.beats == 700);
  REQUIRE(s->before);
  CHECK(s->before->tension == 7.0);
  CHECK(s->before->note == "stiff neck");
  REQUIRE(s->after);
  CHECK(s->after->pain == 3.0);
  CHECK(s->after->note == "better");
  CHECK(store.sessions(home.id).empty());
  CHECK(store.sessions(patient.id).size() == 1);
  CHECK(store.sessions_with_status("recording").empty());

  store.set_resonance(patient.id, 5.0, 0.8);
  CHECK(store.find_profile("Patient 12")->rf_bpm == 5.0);
  AssessmentRow a;
  a.profile_id = patient.id;
  a.recommended_bpm = 5.0;
  a.confidence = 0.8;
  a.steps_json = "[]";
  store.add_assessment(a);
  CHECK(store.assessments(patient.id).size() == 1);
}

TEST_CASE("store: a version 1 database is migrated with its data and a backup kept", "[app]") {
  TempDir dir;
  const fs::path file = dir.path / "pneuma.db";
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    sql(db, Store::migrations()[0]);
    sql(db, "PRAGMA user_version = 1");
    sql(db, "INSERT INTO profiles(name, kind, created_at) VALUES('default', 'home', '2026-01-01T00:00:00Z')");
    sql(db, "INSERT INTO sessions(profile_id, kind, started_at, status, duration_s, mean_hr_bpm, "
            "rmssd_ms, breathing_bpm) VALUES(1, 'run', '2026-01-02T08:00:00Z', 'complete', 600, 70.5, "
            "33.0, 6.1)");
    sql(db, "INSERT INTO ratings(session_id, moment, tension, pain) VALUES(1, 'before', 6, 2)");
    sqlite3_close(db);
  }
  Store store(dir.path);
  CHECK(store.schema_version() == 2);
  CHECK(fs::exists(dir.path / "pneuma.db.bak-v1"));
  const auto sessions = store.sessions();
  REQUIRE(sessions.size() == 1);
  CHECK(sessions[0].metrics.mean_hr_bpm == 70.5);
  CHECK(sessions[0].metrics.rmssd_ms == 33.0);
  CHECK(sessions[0].metrics.breathing_bpm == 6.1);
  REQUIRE(sessions[0].before);
  CHECK(sessions[0].before->tension == 6);
  CHECK_FALSE(store.find_profile("default")->rf_bpm);
}

TEST_CASE("store: newer, damaged or locked databases are refused and left untouched", "[app]") {
  TempDir dir;
  const fs::path file = dir.path / "pneuma.db";
  SECTION("written by a newer pneuma") {
    {
      Store store(dir.path);
    }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    sql(db, "PRAGMA user_version = 99");
    sqlite3_close(db);
    const auto before = bytes_of(file);
    CHECK_THROWS_WITH(Store(dir.path), Catch::Contains("newer pneuma") && Catch::Contains("untouched"));
    CHECK(bytes_of(file) == before);
  }
  SECTION("not a database") {
    std::ofstream(file) << std::string(4096, 'x');
    const auto before = bytes_of(file);
    CHECK_THROWS_WITH(Store(dir.path), Catch::Contains("damaged") && Catch::Contains("untouched"));
    CHECK(bytes_of(file) == before);
  }
  SECTION("locked by another process") {
    Store first(dir.path, 50);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    sql(db, "BEGIN EXCLUSIVE");
    CHECK_THROWS_WITH(Store(dir.path, 50), Catch::Contains("locked by another pneuma process"));
    CHECK_THROWS_WITH(first.ensure_profile("someone"), Catch::Contains("locked"));
    sql(db, "ROLLBACK");
    sqlite3_close(db);
    CHECK(first.ensure_profile("someone").name == "someone");
  }
}

TEST_CASE("store: two processes creating the same new store at the same moment both open it", "[app]") {
  // Each round: a fresh folder, a child and the parent released together through a pipe, both
  // constructing the store (which creates the schema). The loser of the race must wait for the
  // winner's migration and find the schema done, not run it a second time.
  for (int round = 0; round < 20; ++round) {
    TempDir dir;
    int go[2];
    REQUIRE(::pipe(go) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      char c;
      (void)::read(go[0], &c, 1);
      try {
        Store store(dir.path);
        store.ensure_profile("child", "home");
      } catch (...) {
        ::_exit(1);
      }
      ::_exit(0);
    }
    ::close(go[0]);
    (void)::write(go[1], "x", 1);
    ::close(go[1]);
    bool parent_ok = true;
    std::string why;
    try {
      Store store(dir.path);
      store.ensure_profile("parent", "home");
    } catch (StoreError const& e) {
      parent_ok = false;
      why = e.what();
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    INFO("round " << round << ": " << why);
    REQUIRE(parent_ok);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    Store store(dir.path);
    CHECK(store.find_profile("child"));
    CHECK(store.find_profile("parent"));
  }
}

TEST_CASE("store: a partial rating updates only the fields it gives", "[app]") {
  TempDir dir;
  Store store(dir.path);
  SessionRow row;
  row.profile_id = store.ensure_profile(Store::kDefaultProfile).id;
  const auto id = store.begin_session(row);
  store.set_rating(id, "after", Rating{4.0, 2.0, "stiff"});
  store.set_rating(id, "after", Rating{3.0, std::nullopt, ""}); // `rate last --after tension=3`
  auto s = store.session(id);
  REQUIRE(s->after);
  CHECK(s->after->tension == 3.0);
  CHECK(s->after->pain == 2.0); // kept, not erased
  CHECK(s->after->note == "stiff");
  store.set_rating(id, "after", Rating{std::nullopt, 1.0, "better"});
  s = store.session(id);
  CHECK(s->after->tension == 3.0);
  CHECK(s->after->pain == 1.0);
  CHECK(s->after->note == "better");
}

TEST_CASE("store: a session that never started is discarded, a finished one never is", "[app]") {
  TempDir dir;
  Store store(dir.path);
  SessionRow row;
  row.profile_id = store.ensure_profile(Store::kDefaultProfile).id;
  const auto never = store.begin_session(row);
  store.set_rating(never, "before", Rating{5.0, 1.0, ""});
  const auto done = store.begin_session(row);
  store.finish_session(done, "complete", 60, {});
  store.discard_session(never);
  store.discard_session(done); // only a row still "recording" goes
  CHECK_FALSE(store.session(never));
  REQUIRE(store.session(done));
  CHECK(store.session(done)->status == "complete");
}

TEST_CASE("store: a write waits for another process's lock instead of failing", "[app]") {
  TempDir dir;
  Store store(dir.path, 5000);
  SessionRow row;
  row.profile_id = store.ensure_profile(Store::kDefaultProfile).id;
  const auto id = store.begin_session(row);
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) { // another process holds the store for 300 ms
    sqlite3* db = nullptr;
    if (sqlite3_open((dir.path / "pneuma.db").c_str(), &db) != SQLITE_OK) ::_exit(3);
    if (sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) != SQLITE_OK) ::_exit(4);
    (void)!::write(ready[1], "x", 1);
    ::usleep(300000);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    ::_exit(0);
  }
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1); // the lock is held now
  store.finish_session(id, "complete", 60, {});
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(store.session(id)->status == "complete");
  ::close(ready[0]);
  ::close(ready[1]);
}
