#pragma once
// The pacer as the session runs it: the model plus pauses. While paused the pacer stands still;
// on resume it continues where it stopped. Trivially copyable, so it can be shared through a
// SeqLock with the simulated person and the DSP thread.

#include "pacer/pacer_model.hpp"

namespace pneuma::app {

class PacerTimeline {
public:
  explicit PacerTimeline(PacerSettings settings = {}) : model_(settings) {}

  [[nodiscard]] PacerFrame at(double session_s) const noexcept { return model_.at(pacer_time(session_s)); }
  [[nodiscard]] double pacer_time(double session_s) const noexcept {
    return (paused_ ? paused_at_s_ : session_s) - offset_s_;
  }
  [[nodiscard]] bool paused() const noexcept { return paused_; }
  void pause(double session_s) noexcept {
    if (paused_) return;
    paused_ = true;
    paused_at_s_ = session_s;
  }
  void resume(double session_s) noexcept {
    if (!paused_) return;
    offset_s_ += session_s - paused_at_s_;
    paused_ = false;
  }
  /// New settings from now on, phase-continuous. Throws std::invalid_argument on bad settings.
  void change(double session_s, PacerSettings settings) {
    model_.change(pacer_time(session_s), settings);
  }
  /// Glide from `from_bpm` to the settings' rate over `duration_s`, starting now.
  void glide(double session_s, double from_bpm, double duration_s) {
    model_.glide(pacer_time(session_s), from_bpm, duration_s);
  }
  [[nodiscard]] double rate_at(double session_s) const noexcept {
    return model_.rate_at(pacer_time(session_s));
  }
  [[nodiscard]] bool gliding(double session_s) const noexcept {
    return model_.gliding(pacer_time(session_s));
  }
  [[nodiscard]] PacerSettings const& settings() const noexcept { return model_.settings(); }

private:
  PacerModel model_;
  double offset_s_ = 0;
  double paused_at_s_ = 0;
  bool paused_ = false;
};

} // namespace pneuma::app
