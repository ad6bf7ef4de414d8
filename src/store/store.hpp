#pragma once
// The session store: one SQLite database, `pneuma.db`, in the user's data folder
// ($XDG_DATA_HOME/pneuma, else ~/.local/share/pneuma), next to the recordings/ folder.
// Holds profiles (a default one for home users, one per patient for clinicians), sessions with
// their summary metrics, self-ratings (tension/pain 0-10 before and after), assessment results
// and home plans.
//
// Schema versioned with PRAGMA user_version and migrated forward in one transaction, after a
// copy of the old file is kept (pneuma.db.bak-vN). A database from a newer pneuma, a damaged
// file or one locked by another process gives a one-line StoreError and is never modified.
// Thread contract: one thread per Store object; not for the real-time path.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct sqlite3;

namespace pneuma::app {

class StoreError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct Profile {
  std::int64_t id = 0;
  std::string name;
  std::string kind = "home"; ///< home | patient
  std::string created_at;
  std::optional<double> rf_bpm;        ///< from the latest assessment
  std::optional<double> rf_confidence; ///< 0..1
  std::string rf_assessed_at;
};

/// Summary numbers of one session (NaN-free: absent = nullopt).
struct SessionMetrics {
  std::optional<double> mean_hr_bpm, rmssd_ms, sdnn_ms, lf_ms2, coherence;
  std::optional<double> hr_first_bpm, hr_last_bpm, rmssd_first_ms, rmssd_last_ms; ///< first/last 2 min
  std::optional<double> breathing_bpm, compliance_pct, artifact_pct, rsa_p2t_bpm;
  std::int64_t beats = 0;
};

struct Rating {
  std::optional<double> tension; ///< 0..10
  std::optional<double> pain;    ///< 0..10
  std::string note;
};

struct SessionRow {
  std::int64_t id = 0;
  std::int64_t profile_id = 0;
  std::string kind = "run";        ///< run | assess | microbreak
  std::string started_at;          ///< ISO 8601 UTC
  std::string status = "recording"; ///< recording | complete | interrupted | failed
  std::string recording;           ///< EDF+ path ("" when none)
  std::string source;
  double pacer_bpm = 0;
  std::string ie;
  double planned_minutes = 0;
  double duration_s = 0;
  std::optional<std::int64_t> plan_id;
  SessionMetrics metrics;
  std::optional<Rating> before, after;
};

struct AssessmentRow {
  std::int64_t id = 0;
  std::int64_t profile_id = 0;
  std::optional<std::int64_t> session_id;
  std::string created_at;
  std::optional<double> recommended_bpm;
  double confidence = 0;
  std::string steps_json; ///< the per-step table (see assess.hpp)
};

struct PlanRow {
  std::int64_t id = 0;
  std::int64_t profile_id = 0;
  std::string started_on; ///< YYYY-MM-DD, local date
  std::string plan_json;
  std::string source_path;
};

class Store {
public:
  static constexpr int kSchemaVersion = 2;
  static constexpr char const* kDefaultProfile = "default";

  /// $XDG_DATA_HOME/pneuma or ~/.local/share/pneuma.
  static std::filesystem::path default_dir();
  /// Opens (creating the folder and database when absent) and migrates. Throws StoreError.
  /// `busy_ms`: how long to wait for another process's write to finish before giving up.
  /// 10 s: another pneuma (a session ending, `rate`, `history`) holds a write for milliseconds;
  /// waiting that long only matters when someone holds the store open in a tool.
  explicit Store(std::filesystem::path dir = default_dir(), int busy_ms = 10000);
  ~Store();
  Store(Store const&) = delete;
  Store& operator=(Store const&) = delete;

  [[nodiscard]] std::filesystem::path const& dir() const noexcept { return dir_; }
  [[nodiscard]] std::filesystem::path recordings_dir() const { return dir_ / "recordings"; }
  [[nodiscard]] int schema_version();

  Profile ensure_profile(std::string const& name, std::string const& kind = "home");
  std::optional<Profile> find_profile(std::string const& name);
  std::vector<Profile> profiles();
  void set_resonance(std::int64_t profile_id, double bpm, double confidence);

  std::int64_t begin_session(SessionRow const& row);
  void finish_session(std::int64_t id, std::string const& status, double duration_s,
                      SessionMetrics const& metrics);
  void set_status(std::int64_t id, std::string const& status);
  /// Removes a session that never started (still "recording", nothing recorded) and its ratings.
  void discard_session(std::int64_t id);
  void set_rating(std::int64_t session_id, std::string const& moment, Rating const& rating);
  std::optional<SessionRow> session(std::int64_t id);
  /// Oldest first; all profiles when profile_id is 0.
  std::vector<SessionRow> sessions(std::int64_t profile_id = 0);
  std::vector<SessionRow> sessions_with_status(std::string const& status);

  std::int64_t add_assessment(AssessmentRow const& row);
  std::vector<AssessmentRow> assessments(std::int64_t profile_id);

  std::int64_t add_plan(PlanRow const& row);
  std::optional<PlanRow> plan_for(std::int64_t profile_id, std::string const& plan_json);
  /// Oldest first.
  std::vector<PlanRow> plans(std::int64_t profile_id);

  /// The migration scripts, index i brings user_version i to i + 1 (exposed for tests).
  static std::vector<std::string> const& migrations();

private:
  void exec(std::string const& sql);
  void migrate();
  [[noreturn]] void fail(std::string const& what);

  std::filesystem::path dir_;
  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

/// "2026-11-21T04:30:00Z" for now.
std::string utc_now_iso();

} // namespace pneuma::app
