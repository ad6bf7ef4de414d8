#include "watch/watch_loop.hpp"

#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <ostream>

#include "live/sample_feed.hpp"
#include "pneuma/drivers/clock.hpp"
#include "pneuma/dsp/arousal_detector.hpp"
#include "watch/due_items.hpp"
#include "watch/launcher.hpp"
#include "watch/notifier.hpp"

namespace pneuma::watch {
namespace {

using std::chrono::system_clock;

/// Wall time of the watch: real time, or `speed` times faster from the start (simulated days).
struct WatchClock {
  system_clock::time_point start = system_clock::now();
  drivers::SessionClock session;
  explicit WatchClock(double speed) : session(speed) {}
  [[nodiscard]] system_clock::time_point now() const {
    return start + std::chrono::duration_cast<system_clock::duration>(std::chrono::duration<double>(session.now_s()));
  }
};

std::tm local(system_clock::time_point t) {
  const std::time_t u = system_clock::to_time_t(t);
  std::tm l{};
  localtime_r(&u, &l);
  return l;
}
std::string date_of(system_clock::time_point t) {
  const std::tm l = local(t);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &l);
  return buf;
}
std::string clock_text(system_clock::time_point t) {
  const std::tm l = local(t);
  char buf[8];
  std::strftime(buf, sizeof buf, "%H:%M", &l);
  return buf;
}
std::string iso_of(system_clock::time_point t) {
  const std::time_t u = system_clock::to_time_t(t);
  std::tm g{};
  gmtime_r(&u, &g);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &g);
  return buf;
}
std::optional<system_clock::time_point> parse_iso(std::string const& s) {
  std::tm t{};
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &t.tm_year, &t.tm_mon, &t.tm_mday, &t.tm_hour, &t.tm_min,
                  &t.tm_sec) != 6)
    return std::nullopt;
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  return system_clock::from_time_t(timegm(&t));
}
int minutes_of_day(system_clock::time_point t) {
  const std::tm l = local(t);
  return l.tm_hour * 60 + l.tm_min;
}

/// The strap's state, said once when it changes (quiet reconnects: no line per retry).
class StrapState {
public:
  void on(drivers::DeviceStatus const& s, std::ostream& err) {
    using State = drivers::DeviceStatus::State;
    const bool up = s.state == State::streaming;
    const bool down = s.state == State::lost || s.state == State::stalled || s.state == State::error ||
                      s.state == State::ended;
    if (down && !lost_) {
      lost_ = true;
      err << "pneuma watch: strap lost (" << s.message() << "); noticing tension waits for it" << std::endl;
    } else if (up && lost_) {
      lost_ = false;
      err << "pneuma watch: strap back; noticing tension again" << std::endl;
    }
  }
  [[nodiscard]] bool lost() const noexcept { return lost_; }

private:
  bool lost_ = false;
};

class Watch {
public:
  Watch(WatchOptions const& o, app::Store& store, std::ostream& out, std::ostream& err)
      : o_(o), store_(store), out_(out), err_(err), clock_(o.speed),
        profile_(store.ensure_profile(o.profile)),
        notifier_([this](NotificationEvent const& e) { on_notification(e); }, err) {
    if (o.plan_path) plan_ = PlanFile::load(*o.plan_path);
    if (o.tension) {
      for (auto const& row : store.watch_baseline(profile_.id))
        if (row.hour >= 0 && row.hour < dsp::ArousalDetector::kBlocks)
          detector_.set_baseline(row.hour, {row.epochs, row.hr_mean, row.hr_m2, row.lr_mean, row.lr_m2, 0});
      feed_.emplace(o.sources, clock_.session);
      const std::tm l = local(clock_.start);
      day_offset_s_ = l.tm_hour * 3600.0 + l.tm_min * 60.0 + l.tm_sec;
    }
  }

  int run(std::atomic<bool> const& stop) {
    if (feed_) feed_->start();
    clock_.session.restart();
    clock_.start = system_clock::now();
    // Slots are minutes apart: a check every 20 s (real time; a simulated minute when faster)
    // keeps reminders on time, and the first one comes at once.
    const double check_every_s = std::clamp(60.0 / o_.speed, 0.25, 20.0);
    // The strap sends once a second and the queue holds minutes: draining once a second is light.
    const auto wait = std::chrono::milliseconds(o_.speed > 1 ? 20 : 1000);
    auto next_check = std::chrono::steady_clock::now();
    auto next_save = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    while (!stop.load()) {
      if (o_.stop_after_min && clock_.session.now_s() >= *o_.stop_after_min * 60) break;
      const auto now = std::chrono::steady_clock::now();
      if (now >= next_check) {
        check_reminders();
        next_check = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(check_every_s));
      }
      if (feed_) drain();
      if (feed_ && now >= next_save) {
        save_baseline();
        next_save = now + std::chrono::minutes(10);
      }
      reap_children();
      notifier_.poll(std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(next_check - std::chrono::steady_clock::now()) + std::chrono::milliseconds(1)));
    }
    if (feed_) {
      feed_->stop();
      save_baseline();
    }
    reap_children();
    return 0;
  }

private:
  struct Shown {
    std::int64_t event_id = 0;
    std::string kind; ///< reminder | nudge
  };

  void check_reminders() {
    if (!plan_) return;
    const auto now = clock_.now();
    const std::string today = date_of(now);
    std::optional<DueItem> due;
    try {
      due = due_now(store_, profile_, *plan_, today, minutes_of_day(now), o_.quiet);
    } catch (std::invalid_argument const& e) { // e.g. the plan starts on a later day
      if (!plan_note_said_) err_ << "pneuma watch: " << e.what() << "; no reminders until then" << std::endl;
      plan_note_said_ = true;
      return;
    }
    if (!due) return;
    std::string item = due->slot.item;
    for (auto const& e : store_.watch_events(profile_.id)) {
      if (e.kind != "reminder" || e.day != today || e.plan_id != due->session.plan_id || e.item != item) continue;
      if (e.outcome != "snoozed") return; // reminded once already
      const auto at = parse_iso(e.outcome_at);
      if (!at || now < *at + std::chrono::duration_cast<system_clock::duration>(
                                 std::chrono::duration<double>(o_.snooze_min * 60)))
        return;
      item += " later"; // the one reminder the person asked for
    }
    app::WatchEvent ev;
    ev.profile_id = profile_.id;
    ev.kind = "reminder";
    ev.plan_id = due->session.plan_id;
    ev.item = item;
    ev.day = today;
    ev.sent_at = iso_of(now);
    const auto id = store_.add_watch_event(ev);
    if (!id) return; // another watch already sent this one
    // An earlier reminder still unanswered when the next one comes was ignored.
    for (auto const& [note, shown] : shown_)
      if (shown.kind == "reminder" && shown.event_id != *id) store_.set_watch_outcome(shown.event_id, "ignored", ev.sent_at);
    const std::string summary = due->session.kind == "microbreak" ? "Time for a breathing micro-break"
                                                                  : "Time for your breathing session";
    show(*id, "reminder", summary, due->session.message, {"run", "--plan", plan_->path, "--profile", o_.profile});
  }

  void show(std::int64_t event_id, std::string const& kind, std::string const& summary, std::string const& body,
            std::vector<std::string> run) {
    run.insert(run.end(), o_.run_args.begin(), o_.run_args.end());
    launches_[event_id] = run;
    out_ << clock_text(clock_.now()) << " " << kind << ": " << summary << " - " << body;
    if (auto note = notifier_.notify(summary, body)) {
      shown_[*note] = {event_id, kind};
      out_ << std::endl;
    } else {
      out_ << " (start it with: pneuma";
      for (auto const& a : run) out_ << " " << a;
      out_ << ")" << std::endl;
    }
  }

  void on_notification(NotificationEvent const& e) {
    auto it = shown_.find(e.id);
    if (it == shown_.end()) return; // another program's notification
    const auto event_id = it->second.event_id;
    const std::string at = iso_of(clock_.now());
    if (e.kind == NotificationEvent::Kind::action && e.action == "start") {
      std::string why;
      if (launch_detached(self_executable(), launches_[event_id], why) < 0) {
        err_ << "pneuma watch: " << why << std::endl;
        return;
      }
      store_.set_watch_outcome(event_id, "taken", at);
      out_ << clock_text(clock_.now()) << " started: pneuma";
      for (auto const& a : launches_[event_id]) out_ << " " << a;
      out_ << std::endl;
      shown_.erase(it);
    } else if (e.kind == NotificationEvent::Kind::action && e.action == "later") {
      store_.set_watch_outcome(event_id, "snoozed", at);
      out_ << clock_text(clock_.now()) << " snoozed for " << o_.snooze_min << " min" << std::endl;
      shown_.erase(it);
    } else if (e.kind == NotificationEvent::Kind::closed && (e.reason == 1 || e.reason == 2)) {
      store_.set_watch_outcome(event_id, "ignored", at); // expired or dismissed without an answer
      shown_.erase(it);
    }
  }

  void drain() {
    feed_->drain([this](drivers::DeviceSample const& s) {
      if (auto const* rr = std::get_if<drivers::RrInterval>(&s)) {
        if (auto epoch = detector_.on_beat(day_offset_s_ + rr->t_s, rr->ms())) on_epoch(*epoch);
      } else if (auto const* acc = std::get_if<drivers::AccSample>(&s)) {
        const double g = std::sqrt(double(acc->x_mg) * acc->x_mg + double(acc->y_mg) * acc->y_mg +
                                   double(acc->z_mg) * acc->z_mg);
        if (auto epoch = detector_.on_activity(day_offset_s_ + acc->t_s, std::abs(g - 1000.0))) on_epoch(*epoch);
      } else if (auto const* status = std::get_if<drivers::DeviceStatus>(&s)) {
        strap_.on(*status, err_);
        if (strap_.lost()) detector_.on_gap();
      } else if (std::holds_alternative<drivers::SignalGap>(s)) {
        detector_.on_gap();
      }
    });
  }

  void on_epoch(dsp::ArousalEpoch const& e) {
    if (!e.nudge) return;
    const auto now = clock_.now();
    if (o_.quiet && o_.quiet->contains(now)) return;
    const std::string today = date_of(now);
    int today_count = 0;
    for (auto const& ev : store_.watch_events(profile_.id))
      if (ev.kind == "nudge" && ev.day == today) ++today_count;
    if (today_count >= o_.max_nudges_per_day) return;
    app::WatchEvent ev;
    ev.profile_id = profile_.id;
    ev.kind = "nudge";
    ev.item = "nudge " + clock_text(now);
    ev.day = today;
    ev.sent_at = iso_of(now);
    const auto id = store_.add_watch_event(ev);
    if (!id) return;
    char body[160];
    std::snprintf(body, sizeof body,
                  "Your heart rate has been up (%.0f/min) and its variability down for a few minutes.", e.hr_bpm);
    show(*id, "nudge", "A 2-minute breath?", body, {"run", "--minutes", "2", "--profile", o_.profile});
  }

  void save_baseline() {
    std::vector<app::WatchBaselineRow> rows;
    for (int h = 0; h < dsp::ArousalDetector::kBlocks; ++h) {
      auto const& b = detector_.baseline(h);
      if (b.epochs > 0) rows.push_back({h, b.epochs, b.hr_mean, b.hr_m2, b.lr_mean, b.lr_m2});
    }
    try {
      store_.save_watch_baseline(profile_.id, rows);
    } catch (app::StoreError const& e) {
      err_ << "pneuma watch: the baseline was not saved: " << e.what() << std::endl;
    }
  }

  WatchOptions const& o_;
  app::Store& store_;
  std::ostream& out_;
  std::ostream& err_;
  WatchClock clock_;
  app::Profile profile_;
  std::optional<PlanFile> plan_;
  bool plan_note_said_ = false;
  Notifier notifier_;
  std::map<std::uint32_t, Shown> shown_;                         // notification id -> event
  std::map<std::int64_t, std::vector<std::string>> launches_;    // event -> `pneuma run` arguments
  std::optional<app::SampleFeed> feed_;
  dsp::ArousalDetector detector_;
  double day_offset_s_ = 0;
  StrapState strap_;
};

} // namespace

int run_watch(WatchOptions const& options, app::Store& store, std::atomic<bool> const& stop, std::ostream& out,
              std::ostream& err) {
  Watch watch(options, store, out, err);
  return watch.run(stop);
}

} // namespace pneuma::watch
