#pragma once
// Session clocks, injected into everything that stamps or paces, so tests control time.

#include <atomic>
#include <chrono>

namespace pneuma::drivers {

/// Seconds since the session started.
class Clock {
public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual double now_s() const noexcept = 0;
  /// Session seconds per wall-clock second (1 live; K with --speed K).
  [[nodiscard]] virtual double speed() const noexcept { return 1.0; }
};

/// steady_clock since construction, optionally running `speed` times faster than real time.
class SessionClock final : public Clock {
public:
  explicit SessionClock(double speed = 1.0)
      : start_(std::chrono::steady_clock::now()), speed_(speed) {}
  [[nodiscard]] double now_s() const noexcept override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() * speed_;
  }
  [[nodiscard]] double speed() const noexcept override { return speed_; }
  /// Session time starts again from 0 now: call once, after set-up (loading a replay file, opening
  /// devices) and before streaming starts, so set-up time is not mistaken for a stalled source.
  void restart() noexcept { start_ = std::chrono::steady_clock::now(); }
  /// Wall-clock instant at which the session reaches `t_s`.
  [[nodiscard]] std::chrono::steady_clock::time_point wall_at(double t_s) const noexcept {
    return start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        std::chrono::duration<double>(t_s / speed_));
  }

private:
  std::chrono::steady_clock::time_point start_;
  double speed_;
};

/// A clock the test moves by hand.
class ManualClock final : public Clock {
public:
  [[nodiscard]] double now_s() const noexcept override { return t_.load(); }
  void set(double t_s) noexcept { t_.store(t_s); }
  void advance(double dt_s) noexcept { t_.store(t_.load() + dt_s); }

private:
  std::atomic<double> t_{0.0};
};

} // namespace pneuma::drivers
