#include "store/store.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <sqlite3.h>
#include <system_error>

namespace pneuma::app {
namespace {

/// A prepared statement with positional binding; finalised on scope exit.
class Statement {
public:
  Statement(sqlite3* db, std::string const& sql, std::filesystem::path const& /*file*/) : db_(db) {
    const int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr);
    if (rc != SQLITE_OK) throw StoreError(message(sqlite3_extended_errcode(db) & 0xFF));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(Statement const&) = delete;
  Statement& operator=(Statement const&) = delete;

  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, std::string const& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::optional<double> v) {
    if (v) sqlite3_bind_double(stmt_, i, *v);
    else sqlite3_bind_null(stmt_, i);
    return *this;
  }
  Statement& bind(int i, std::optional<std::int64_t> v) {
    if (v) sqlite3_bind_int64(stmt_, i, *v);
    else sqlite3_bind_null(stmt_, i);
    return *this;
  }
  /// True while a row is available; throws on errors.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreError(message(rc));
  }
  [[nodiscard]] std::int64_t i64(int c) const { return sqlite3_column_int64(stmt_, c); }
  [[nodiscard]] double f64(int c) const { return sqlite3_column_double(stmt_, c); }
  [[nodiscard]] std::optional<double> opt(int c) const {
    if (sqlite3_column_type(stmt_, c) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(stmt_, c);
  }
  [[nodiscard]] std::optional<std::int64_t> opt_i64(int c) const {
    if (sqlite3_column_type(stmt_, c) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(stmt_, c);
  }
  [[nodiscard]] std::string text(int c) const {
    auto const* p = sqlite3_column_text(stmt_, c);
    return p ? std::string(reinterpret_cast<char const*>(p)) : std::string();
  }

private:
  std::string message(int rc) const {
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
      return "the session store is locked by another pneuma process; try again when it has finished";
    if (rc == SQLITE_FULL) return "the disk holding the session store is full";
    if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
      return "the session store is damaged (" + std::string(sqlite3_errmsg(db_)) + ")";
    return std::string("session store: ") + sqlite3_errmsg(db_);
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::string local_date_today() {
  const std::time_t now = std::time(nullptr);
  std::tm t{};
  localtime_r(&now, &t);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &t);
  return buf;
}

constexpr char const* kSessionColumns =
    "s.id, s.profile_id, s.kind, s.started_at, s.status, s.recording, s.source, s.pacer_bpm, s.ie, "
    "s.planned_minutes, s.duration_s, s.plan_id, m.mean_hr_bpm, m.rmssd_ms, m.sdnn_ms, m.lf_ms2, "
    "m.coherence, m.hr_first_bpm, m.hr_last_bpm, m.rmssd_first_ms, m.rmssd_last_ms, "
    "m.breathing_bpm, m.compliance_pct, m.artifact_pct, m.rsa_p2t_bpm, m.beats, "
    "rb.tension, rb.pain, rb.note, ra.tension, ra.pain, ra.note, rb.id, ra.id "
    "FROM sessions s LEFT JOIN session_metrics m ON m.session_id = s.id "
    "LEFT JOIN ratings rb ON rb.session_id = s.id AND rb.moment = 'before' "
    "LEFT JOIN ratings ra ON ra.session_id = s.id AND ra.moment = 'after' ";

SessionRow session_from(Statement const& q) {
  SessionRow r;
  r.id = q.i64(0);
  r.profile_id = q.i64(1);
  r.kind = q.text(2);
  r.started_at = q.text(3);
  r.status = q.text(4);
  r.recording = q.text(5);
  r.source = q.text(6);
  r.pacer_bpm = q.f64(7);
  r.ie = q.text(8);
  r.planned_minutes = q.f64(9);
  r.duration_s = q.f64(10);
  r.plan_id = q.opt_i64(11);
  auto& m = r.metrics;
  m.mean_hr_bpm = q.opt(12);
  m.rmssd_ms = q.opt(13);
  m.sdnn_ms = q.opt(14);
  m.lf_ms2 = q.opt(15);
  m.coherence = q.opt(16);
  m.hr_first_bpm = q.opt(17);
  m.hr_last_bpm = q.opt(18);
  m.rmssd_first_ms = q.opt(19);
  m.rmssd_last_ms = q.opt(20);
  m.breathing_bpm = q.opt(21);
  m.compliance_pct = q.opt(22);
  m.artifact_pct = q.opt(23);
  m.rsa_p2t_bpm = q.opt(24);
  m.beats = q.i64(25);
  if (q.opt_i64(32)) r.before = Rating{q.opt(26), q.opt(27), q.text(28)};
  if (q.opt_i64(33)) r.after = Rating{q.opt(29), q.opt(30), q.text(31)};
  return r;
}

} // namespace

std::string utc_now_iso() {
  const std::time_t now = std::time(nullptr);
  std::tm t{};
  gmtime_r(&now, &t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &t);
  return buf;
}

std::filesystem::path Store::default_dir() {
  if (char const* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && xdg[0] == '/')
    return std::filesystem::path(xdg) / "pneuma";
  if (char const* home = std::getenv("HOME"); home != nullptr && home[0] != '\0')
    return std::filesystem::path(home) / ".local" / "share" / "pneuma";
  throw StoreError("cannot find the data folder: neither XDG_DATA_HOME nor HOME is set");
}

std::vector<std::string> const& Store::migrations() {
  static const std::vector<std::string> kMigrations = {
      // v0 -> v1: profiles, sessions, ratings.
      R"sql(
CREATE TABLE profiles(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL DEFAULT 'home'
    CHECK(kind IN ('home','patient')), created_at TEXT NOT NULL);
CREATE TABLE sessions(
  id INTEGER PRIMARY KEY, profile_id INTEGER NOT NULL REFERENCES profiles(id),
  kind TEXT NOT NULL, started_at TEXT NOT NULL, status TEXT NOT NULL, recording TEXT,
  source TEXT, pacer_bpm REAL, ie TEXT, planned_minutes REAL, duration_s REAL DEFAULT 0,
  mean_hr_bpm REAL, rmssd_ms REAL, breathing_bpm REAL);
CREATE TABLE ratings(
  id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES sessions(id),
  moment TEXT NOT NULL CHECK(moment IN ('before','after')), tension REAL, pain REAL, note TEXT,
  UNIQUE(session_id, moment));
CREATE INDEX sessions_by_profile ON sessions(profile_id, started_at);
)sql",
      // v1 -> v2: full summary metrics in their own table, assessments, resonance on the profile,
      // home plans. The v1 metric columns are copied over, then left in place (unused).
      R"sql(
CREATE TABLE session_metrics(
  session_id INTEGER PRIMARY KEY REFERENCES sessions(id), mean_hr_bpm REAL, rmssd_ms REAL,
  sdnn_ms REAL, lf_ms2 REAL, coherence REAL, hr_first_bpm REAL, hr_last_bpm REAL,
  rmssd_first_ms REAL, rmssd_last_ms REAL, breathing_bpm REAL, compliance_pct REAL,
  artifact_pct REAL, rsa_p2t_bpm REAL, beats INTEGER NOT NULL DEFAULT 0);
INSERT INTO session_metrics(session_id, mean_hr_bpm, rmssd_ms, breathing_bpm)
  SELECT id, mean_hr_bpm, rmssd_ms, breathing_bpm FROM sessions;
ALTER TABLE sessions ADD COLUMN plan_id INTEGER;
ALTER TABLE profiles ADD COLUMN rf_bpm REAL;
ALTER TABLE profiles ADD COLUMN rf_confidence REAL;
ALTER TABLE profiles ADD COLUMN rf_assessed_at TEXT;
CREATE TABLE assessments(
  id INTEGER PRIMARY KEY, profile_id INTEGER NOT NULL REFERENCES profiles(id),
  session_id INTEGER REFERENCES sessions(id), created_at TEXT NOT NULL, recommended_bpm REAL,
  confidence REAL NOT NULL, steps_json TEXT NOT NULL);
CREATE TABLE plans(
  id INTEGER PRIMARY KEY, profile_id INTEGER NOT NULL REFERENCES profiles(id),
  started_on TEXT NOT NULL, plan_json TEXT NOT NULL, source_path TEXT);
)sql",
  };
  return kMigrations;
}

Store::Store(std::filesystem::path dir, int busy_ms)
    : dir_(std::move(dir)), file_(dir_ / "pneuma.db") {
  std::error_code ec;
  std::filesystem::create_directories(dir_ / "recordings", ec);
  if (ec) throw StoreError("cannot create the data folder " + dir_.string() + ": " + ec.message());
  if (sqlite3_open_v2(file_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open the session store " + file_.string() + ": " + why);
  }
  sqlite3_busy_timeout(db_, busy_ms);
  try {
    // A damaged file is reported and left exactly as it is.
    {
      Statement check(db_, "PRAGMA quick_check", file_);
      if (check.step() && check.text(0) != "ok")
        throw StoreError("the session store is damaged (" + check.text(0) + ")");
    }
    exec("PRAGMA foreign_keys = ON");
    migrate();
  } catch (StoreError const& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(file_.string() + ": " + e.what() +
                     "; it was left untouched (move it away to start a new store)");
  }
}

Store::~Store() { sqlite3_close(db_); }

void Store::fail(std::string const& what) { throw StoreError(what + ": " + sqlite3_errmsg(db_)); }

void Store::exec(std::string const& sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
      throw StoreError("the session store is locked by another pneuma process; try again when "
                       "it has finished");
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
      throw StoreError("the session store is damaged (" + why + ")");
    if (rc == SQLITE_FULL) throw StoreError("the disk holding the session store is full");
    throw StoreError("session store: " + why);
  }
}

int Store::schema_version() {
  Statement q(db_, "PRAGMA user_version", file_);
  q.step();
  return static_cast<int>(q.i64(0));
}

void Store::migrate() {
  const int version = schema_version();
  if (version > kSchemaVersion)
    throw StoreError("it was written by a newer pneuma (schema " + std::to_string(version) +
                     ", this one knows " + std::to_string(kSchemaVersion) + ")");
  if (version == kSchemaVersion) return;
  if (version > 0) { // keep the old file before changing it
    const auto backup = std::filesystem::path(file_.string() + ".bak-v" + std::to_string(version));
    exec("VACUUM INTO '" + backup.string() + "'");
  }
  exec("BEGIN IMMEDIATE");
  try {
    // Read again under the write lock: another process opening the same new store at the same
    // moment may have migrated it while this one waited.
    const int now = schema_version();
    for (int v = now; v < kSchemaVersion; ++v) {
      exec(migrations()[static_cast<std::size_t>(v)]);
      exec("PRAGMA user_version = " + std::to_string(v + 1));
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

Profile Store::ensure_profile(std::string const& name, std::string const& kind) {
  if (auto p = find_profile(name)) return *p;
  Statement q(db_, "INSERT INTO profiles(name, kind, created_at) VALUES(?, ?, ?)", file_);
  q.bind(1, name).bind(2, kind).bind(3, utc_now_iso()).step();
  return *find_profile(name);
}

std::optional<Profile> Store::find_profile(std::string const& name) {
  Statement q(db_,
              "SELECT id, name, kind, created_at, rf_bpm, rf_confidence, rf_assessed_at FROM "
              "profiles WHERE name = ?",
              file_);
  q.bind(1, name);
  if (!q.step()) return std::nullopt;
  return Profile{q.i64(0), q.text(1), q.text(2), q.text(3), q.opt(4), q.opt(5), q.text(6)};
}

std::vector<Profile> Store::profiles() {
  Statement q(db_,
              "SELECT id, name, kind, created_at, rf_bpm, rf_confidence, rf_assessed_at FROM "
              "profiles ORDER BY name",
              file_);
  std::vector<Profile> out;
  while (q.step())
    out.push_back({q.i64(0), q.text(1), q.text(2), q.text(3), q.opt(4), q.opt(5), q.text(6)});
  return out;
}

void Store::set_resonance(std::int64_t profile_id, double bpm, double confidence) {
  Statement q(db_, "UPDATE profiles SET rf_bpm = ?, rf_confidence = ?, rf_assessed_at = ? WHERE id = ?",
              file_);
  q.bind(1, bpm).bind(2, confidence).bind(3, utc_now_iso()).bind(4, profile_id).step();
}

std::int64_t Store::begin_session(SessionRow const& row) {
  Statement q(db_,
              "INSERT INTO sessions(profile_id, kind, started_at, status, recording, source, "
              "pacer_bpm, ie, planned_minutes, plan_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              file_);
  q.bind(1, row.profile_id)
      .bind(2, row.kind)
      .bind(3, row.started_at.empty() ? utc_now_iso() : row.started_at)
      .bind(4, row.status)
      .bind(5, row.recording)
      .bind(6, row.source)
      .bind(7, row.pacer_bpm)
      .bind(8, row.ie)
      .bind(9, row.planned_minutes)
      .bind(10, row.plan_id)
      .step();
  return sqlite3_last_insert_rowid(db_);
}

void Store::finish_session(std::int64_t id, std::string const& status, double duration_s,
                           SessionMetrics const& m) {
  exec("BEGIN IMMEDIATE");
  try {
    Statement s(db_, "UPDATE sessions SET status = ?, duration_s = ? WHERE id = ?", file_);
    s.bind(1, status).bind(2, duration_s).bind(3, id).step();
    Statement q(db_,
                "INSERT OR REPLACE INTO session_metrics(session_id, mean_hr_bpm, rmssd_ms, sdnn_ms, "
                "lf_ms2, coherence, hr_first_bpm, hr_last_bpm, rmssd_first_ms, rmssd_last_ms, "
                "breathing_bpm, compliance_pct, artifact_pct, rsa_p2t_bpm, beats) "
                "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                file_);
    q.bind(1, id)
        .bind(2, m.mean_hr_bpm)
        .bind(3, m.rmssd_ms)
        .bind(4, m.sdnn_ms)
        .bind(5, m.lf_ms2)
        .bind(6, m.coherence)
        .bind(7, m.hr_first_bpm)
        .bind(8, m.hr_last_bpm)
        .bind(9, m.rmssd_first_ms)
        .bind(10, m.rmssd_last_ms)
        .bind(11, m.breathing_bpm)
        .bind(12, m.compliance_pct)
        .bind(13, m.artifact_pct)
        .bind(14, m.rsa_p2t_bpm)
        .bind(15, m.beats)
        .step();
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Store::set_status(std::int64_t id, std::string const& status) {
  Statement q(db_, "UPDATE sessions SET status = ? WHERE id = ?", file_);
  q.bind(1, status).bind(2, id).step();
}

void Store::discard_session(std::int64_t id) {
  exec("BEGIN IMMEDIATE");
  try {
    for (const char* sql : {"DELETE FROM ratings WHERE session_id = ?",
                            "DELETE FROM session_metrics WHERE session_id = ?",
                            "DELETE FROM sessions WHERE id = ? AND status = 'recording'"}) {
      Statement q(db_, sql, file_);
      q.bind(1, id).step();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Store::set_rating(std::int64_t session_id, std::string const& moment, Rating const& r) {
  Statement q(db_,
              "INSERT INTO ratings(session_id, moment, tension, pain, note) VALUES(?, ?, ?, ?, ?) "
              "ON CONFLICT(session_id, moment) DO UPDATE SET "
              // A partial rating updates only the fields it gives (tension=3 keeps pain=2).
              "tension = COALESCE(excluded.tension, tension), pain = COALESCE(excluded.pain, pain), "
              "note = CASE WHEN excluded.note = '' THEN note ELSE excluded.note END",
              file_);
  q.bind(1, session_id).bind(2, moment).bind(3, r.tension).bind(4, r.pain).bind(5, r.note).step();
}

std::optional<SessionRow> Store::session(std::int64_t id) {
  Statement q(db_, std::string("SELECT ") + kSessionColumns + "WHERE s.id = ?", file_);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return session_from(q);
}

std::vector<SessionRow> Store::sessions(std::int64_t profile_id) {
  Statement q(db_,
              std::string("SELECT ") + kSessionColumns +
                  "WHERE (? = 0 OR s.profile_id = ?) ORDER BY s.started_at, s.id",
              file_);
  q.bind(1, profile_id).bind(2, profile_id);
  std::vector<SessionRow> out;
  while (q.step()) out.push_back(session_from(q));
  return out;
}

std::vector<SessionRow> Store::sessions_with_status(std::string const& status) {
  Statement q(db_, std::string("SELECT ") + kSessionColumns + "WHERE s.status = ? ORDER BY s.id",
              file_);
  q.bind(1, status);
  std::vector<SessionRow> out;
  while (q.step()) out.push_back(session_from(q));
  return out;
}

std::int64_t Store::add_assessment(AssessmentRow const& row) {
  Statement q(db_,
              "INSERT INTO assessments(profile_id, session_id, created_at, recommended_bpm, "
              "confidence, steps_json) VALUES(?, ?, ?, ?, ?, ?)",
              file_);
  q.bind(1, row.profile_id)
      .bind(2, row.session_id)
      .bind(3, row.created_at.empty() ? utc_now_iso() : row.created_at)
      .bind(4, row.recommended_bpm)
      .bind(5, row.confidence)
      .bind(6, row.steps_json)
      .step();
  return sqlite3_last_insert_rowid(db_);
}

std::vector<AssessmentRow> Store::assessments(std::int64_t profile_id) {
  Statement q(db_,
              "SELECT id, profile_id, session_id, created_at, recommended_bpm, confidence, "
              "steps_json FROM assessments WHERE profile_id = ? ORDER BY created_at, id",
              file_);
  q.bind(1, profile_id);
  std::vector<AssessmentRow> out;
  while (q.step())
    out.push_back({q.i64(0), q.i64(1), q.opt_i64(2), q.text(3), q.opt(4), q.f64(5), q.text(6)});
  return out;
}

std::int64_t Store::add_plan(PlanRow const& row) {
  Statement q(db_,
              "INSERT INTO plans(profile_id, started_on, plan_json, source_path) VALUES(?, ?, ?, ?)",
              file_);
  q.bind(1, row.profile_id)
      .bind(2, row.started_on.empty() ? local_date_today() : row.started_on)
      .bind(3, row.plan_json)
      .bind(4, row.source_path)
      .step();
  return sqlite3_last_insert_rowid(db_);
}

std::optional<PlanRow> Store::plan_for(std::int64_t profile_id, std::string const& plan_json) {
  Statement q(db_,
              "SELECT id, profile_id, started_on, plan_json, source_path FROM plans WHERE "
              "profile_id = ? AND plan_json = ? ORDER BY id DESC LIMIT 1",
              file_);
  q.bind(1, profile_id).bind(2, plan_json);
  if (!q.step()) return std::nullopt;
  return PlanRow{q.i64(0), q.i64(1), q.text(2), q.text(3), q.text(4)};
}

std::vector<PlanRow> Store::plans(std::int64_t profile_id) {
  Statement q(db_,
              "SELECT id, profile_id, started_on, plan_json, source_path FROM plans WHERE profile_id = ? "
              "ORDER BY started_on, id",
              file_);
  q.bind(1, profile_id);
  std::vector<PlanRow> out;
  while (q.step()) out.push_back({q.i64(0), q.i64(1), q.text(2), q.text(3), q.text(4)});
  return out;
}

} // namespace pneuma::app
