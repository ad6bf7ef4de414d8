#include "session/headless_session.hpp"

#include <cmath>
#include <stdexcept>

namespace pneuma::app {

HeadlessSession::HeadlessSession(HeadlessSetup const& setup)
    : timeline_(setup.pacer), flow_(setup.flow), glide_s_(setup.glide_s) {
  if (setup.flow.ratings)
    throw std::invalid_argument("ratings are asked on screen: without a window give --before "
                                "tension=N,pain=N and rate afterwards with `pneuma rate`");
  sync_pause(0.0);
}

bool HeadlessSession::second(Snapshot const& s, Metrics const& latest) {
  const double t = s.t_s;
  // Second t covers (t-1, t]: it belongs to the stage it started in, whatever tick() moves on to.
  line_stage_ = flow_.stage() == FlowStage::baseline ? "baseline" : "training";
  flow_.tick(t, latest, timeline_.rate_at(t), follow_result_);
  if (flow_.stage() == FlowStage::training && !training_seen_) {
    training_seen_ = true;
    const double target = timeline_.settings().rate_bpm;
    if (glide_s_ > 0) {
      // From the rate measured in the baseline's last seconds, when it is trusted (quality >= 0.5).
      const auto rate = breathing_rate(latest);
      const bool trusted = std::isfinite(rate.bpm) && rate.quality >= 0.5;
      const double from = PacerSettings::snap_rate(trusted ? rate.bpm : kDefaultGlideFromBpm);
      if (from > target + 0.05) {
        sync_pause(t); // the pacer starts now, then glides
        timeline_.glide(t, from, glide_s_);
        pacer_changed_ = true;
      }
    }
  }
  sync_pause(t);
  follow_.record(t, timeline_);
  follow_result_ = timeline_.paused() ? FollowResult{} : follow_.assess(latest.traces.breath);
  return flow_.stage() == FlowStage::summary || flow_.stage() == FlowStage::done;
}

std::string_view HeadlessSession::stage() const noexcept {
  return line_stage_;
}

void HeadlessSession::end(double t_s) {
  if (flow_.stage() == FlowStage::baseline || flow_.stage() == FlowStage::training) flow_.end(t_s);
}

bool HeadlessSession::take_pacer_changed(PacerTimeline& timeline) noexcept {
  if (!pacer_changed_) return false;
  pacer_changed_ = false;
  timeline = timeline_;
  return true;
}

void HeadlessSession::sync_pause(double t_s) {
  const bool run = flow_.pacer_running();
  if (run && timeline_.paused()) {
    timeline_.resume(t_s);
    pacer_changed_ = true;
  } else if (!run && !timeline_.paused()) {
    timeline_.pause(t_s);
    pacer_changed_ = true;
  }
}

} // namespace pneuma::app
