#include "pneuma/drivers/link_supervisor.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>

namespace pneuma::drivers {
namespace asio = boost::asio;
using Slot = SupervisorTimers::Slot;

namespace {

std::chrono::steady_clock::duration wall(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

/// The default timers: two steady_timers; a stale completion (cancelled, re-armed) is ignored.
class AsioTimers final : public SupervisorTimers {
public:
  AsioTimers(asio::any_io_executor executor, LinkSupervisor& owner)
      : owner_(owner), timers_{asio::steady_timer(executor), asio::steady_timer(executor)} {}
  void arm(Slot slot, double wall_s) noexcept override {
    const auto i = static_cast<std::size_t>(slot);
    const std::uint64_t gen = ++generation_[i];
    timers_[i].expires_after(wall(wall_s));
    timers_[i].async_wait([this, slot, i, gen](boost::system::error_code ec) {
      if (ec || gen != generation_[i]) return;
      owner_.on_timer(slot);
    });
  }
  void cancel(Slot slot) noexcept override {
    const auto i = static_cast<std::size_t>(slot);
    ++generation_[i];
    timers_[i].cancel();
  }

private:
  LinkSupervisor& owner_;
  std::array<asio::steady_timer, 2> timers_;
  std::array<std::uint64_t, 2> generation_{};
};

std::size_t index(SignalGap::Stream s) noexcept { return static_cast<std::size_t>(s); }

} // namespace

LinkSupervisor::LinkSupervisor(asio::any_io_executor executor, Clock const& clock, std::string name,
                               SupervisorConfig config, SupervisedLink& link, SupervisorTimers* timers)
    : executor_(executor), clock_(clock), name_(std::move(name)), config_(std::move(config)), link_(link),
      own_timers_(timers != nullptr ? nullptr : std::make_unique<AsioTimers>(executor, *this)),
      timers_(timers != nullptr ? *timers : *own_timers_),
      self_(std::make_shared<LinkSupervisor*>(this)), backoff_s_(config_.backoff_min_s) {}

LinkSupervisor::~LinkSupervisor() {
  self_.reset();
  running_ = false;
}

void LinkSupervisor::begin(SampleSink& sink) noexcept {
  sink_ = &sink;
  running_ = true;
}

void LinkSupervisor::stop() noexcept {
  if (stop_requested_.exchange(true)) return;
  try {
    asio::post(executor_, [self = std::weak_ptr<LinkSupervisor*>(self_)] {
      if (const auto alive = self.lock()) (*alive)->finish();
    });
  } catch (...) { // cannot post: the destructor's finish() does it
  }
}

void LinkSupervisor::finish() noexcept {
  stop_requested_ = true;
  if (!running_) return;
  running_ = false;
  link_.shutdown_link();
  timers_.cancel(Slot::retry);
  timers_.cancel(Slot::watchdog);
  status(State::ended, "stopped");
}

void LinkSupervisor::status(State state, std::string_view text) noexcept {
  state_ = state;
  if (sink_ == nullptr) return;
  std::array<char, 120> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%.*s: %.*s", static_cast<int>(name_.size()),
                              name_.data(), static_cast<int>(text.size()), text.data());
  sink_->on_sample(DeviceStatus::make(clock_.now_s(), state,
                                      {buf.data(), static_cast<std::size_t>(std::clamp(n, 0, 119))}));
}

void LinkSupervisor::watch() noexcept {
  silent_periods_ = 0;
  timers_.arm(Slot::watchdog, config_.watchdog_wall_s);
}

void LinkSupervisor::data(double now_s) noexcept {
  if (gap_pending_ && sink_ != nullptr) { // silence behind us: tell the DSP it was a gap
    for (std::size_t i = 0; i < gap_.size(); ++i) {
      if (!gap_[i]) continue;
      sink_->on_sample(SignalGap{now_s, last_data_s_, now_s, 0, static_cast<SignalGap::Stream>(i)});
      gap_[i] = false;
    }
  }
  gap_pending_ = false;
  alive(now_s);
}

void LinkSupervisor::alive(double now_s) noexcept {
  last_data_s_ = now_s;
  ever_data_ = true;
  silent_periods_ = 0;
}

void LinkSupervisor::streaming(std::string_view text) noexcept {
  backoff_s_ = config_.backoff_min_s;
  status(State::streaming, text);
}

void LinkSupervisor::flowing(SignalGap::Stream stream, bool on) noexcept { flowing_[index(stream)] = on; }

void LinkSupervisor::mark_gap() noexcept {
  gap_pending_ = true;
  for (std::size_t i = 0; i < gap_.size(); ++i) gap_[i] = gap_[i] || flowing_[i];
}

void LinkSupervisor::lost(std::string_view why, bool gap) noexcept {
  if (!running_) return;
  timers_.cancel(Slot::watchdog);
  link_.close_link();
  if (gap) mark_gap();
  status(State::lost, why);
  schedule_retry();
}

void LinkSupervisor::retry(State state, std::string_view why) noexcept {
  if (!running_) return;
  timers_.cancel(Slot::watchdog);
  link_.close_link();
  status(state, why);
  schedule_retry();
}

void LinkSupervisor::schedule_retry() noexcept {
  std::array<char, 48> text{};
  const int n = std::snprintf(text.data(), text.size(), "reconnecting in %.*f s", config_.backoff_decimals,
                              backoff_s_);
  status(State::reconnecting, {text.data(), static_cast<std::size_t>(std::clamp(n, 0, 47))});
  timers_.arm(Slot::retry, backoff_s_);
  backoff_s_ = std::min(config_.backoff_max_s, backoff_s_ * 2);
}

bool LinkSupervisor::report_due(double now_s, std::uint64_t a, std::uint64_t b) noexcept {
  if (a == reported_a_ && b == reported_b_) return false;
  if (reported_ && now_s - last_report_s_ < config_.report_every_s) return false;
  reported_ = true;
  last_report_s_ = now_s;
  reported_a_ = a;
  reported_b_ = b;
  return true;
}

void LinkSupervisor::on_timer(Slot slot) noexcept {
  if (!running_) return;
  if (slot == Slot::retry) {
    link_.open_link();
    return;
  }
  on_watchdog();
}

void LinkSupervisor::on_watchdog() noexcept {
  const double silent = clock_.now_s() - last_data_s_;
  if (!ever_data_ || silent >= config_.stall_after_s * 0.999) ++silent_periods_;
  else silent_periods_ = 0;
  if (silent_periods_ > 0) {
    if (state_ != State::stalled) {
      mark_gap();
      status(State::stalled, config_.stalled_text);
    }
    if (config_.reopen_after_silent > 0 && silent_periods_ >= config_.reopen_after_silent) {
      lost("silent too long, reopening");
      return;
    }
  }
  timers_.arm(Slot::watchdog, config_.watchdog_wall_s);
}

} // namespace pneuma::drivers
