// The BLE strap's lifecycle: start, stop and shutdown, and what a lost link or a failed step
// means (LinkSupervisor: backoff, stall watchdog, gaps, statuses). See ble_strap.hpp for the parts.
#include "ble_strap.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace pneuma::drivers {
namespace ble {
namespace {

SupervisorConfig supervision(BleConfig const& config, Clock const& clock) {
  SupervisorConfig c;
  c.backoff_min_s = config.backoff_min_s;
  c.backoff_max_s = config.backoff_max_s;
  c.backoff_decimals = 0;
  c.watchdog_wall_s = config.stall_s / std::max(1.0, clock.speed());
  c.stall_after_s = config.stall_s;
  c.reopen_after_silent = 0; // BlueZ tells us when the link goes; a silent strap is only stalled
  c.stalled_text = "stalled: no notification for a while";
  c.report_every_s = 10.0 * std::max(1.0, clock.speed());
  return c;
}

PmdSequenceConfig pmd_config(BleConfig const& config) {
  PmdSequenceConfig c;
  c.ecg = config.ecg;
  c.acc = config.acc;
  c.ppi = config.ppi;
  return c;
}

} // namespace

BleStrap::BleStrap(boost::asio::any_io_executor executor, Clock const& clock, BleConfig config)
    : executor_(executor), clock_(clock), config_(std::move(config)),
      name_("ble:" + (config_.address.empty() ? std::string("auto") : config_.address)), timer_(executor),
      pmd_timer_(executor), pmd_(pmd_config(config_), 2.0 * std::max(1.0, clock.speed())),
      supervisor_(executor, clock, name_, supervision(config_, clock), *this) {
  config_.address = bluez::lower(config_.address);
  supervisor_.flowing(SignalGap::Stream::rr, true);
}

BleStrap::~BleStrap() { supervisor_.finish(); }

void BleStrap::start(SampleSink& sink) {
  sink_ = &sink;
  try {
    connection_ = sdbus::createSystemBusConnection();
  } catch (sdbus::Error const& e) {
    throw std::runtime_error("no system D-Bus to reach BlueZ: " + e.getMessage());
  }
  loop_ = std::make_unique<detail::DbusAsioLoop>(executor_, *connection_);
  supervisor_.begin(sink);
  supervisor_.status(State::connecting, "looking for the strap");
  boost::asio::post(executor_, [this] { begin(); });
}

void BleStrap::open_link() noexcept { begin(); }

void BleStrap::close_link() noexcept {
  ++generation_;
  drop_proxies();
  timer_.cancel();
  pmd_timer_.cancel();
  phase_ = Phase::searching;
}

/// Link lost: forget every path (they change on reconnect), back off, start over.
void BleStrap::lost(std::string_view why, bool bluez_restarted) noexcept {
  if (!supervisor_.running()) return;
  const bool was_streaming = phase_ == Phase::streaming;
  if (bluez_restarted) {
    root_.reset();
    bus_.reset();
    adapter_.reset();
    discovering_ = false;
  }
  supervisor_.lost(why, was_streaming);
}

void BleStrap::retry(std::string_view why) noexcept { supervisor_.retry(State::error, why); }

void BleStrap::shutdown_link() noexcept {
  try { // an H10 streams until its battery is empty unless told to stop
    // Stop whatever was asked for, answered or not: a late "started" must not leave it on.
    if (pmd_cp_.proxy) {
      const auto stops = pmd_.stop_commands(); // named: a range-for keeps only view()'s span alive
      for (auto const& stop : stops.view()) write_pmd(stop);
    }
  } catch (sdbus::Error const&) {
  }
  stop_notifications_and_disconnect();
  stop_discovery();
  ++generation_;
  timer_.cancel();
  pmd_timer_.cancel();
  drop_proxies();
  adapter_.reset();
  root_.reset();
  bus_.reset();
  if (loop_) loop_->stop();
}

} // namespace ble

BleConfig ble_config_from_spec(SourceSpec const& spec) {
  for (auto const& [key, value] : spec.options)
    if (key != "ecg" && key != "acc" && key != "ppi")
      throw std::invalid_argument("ble option '" + key + "' is unknown (expected ecg=0|1, acc=0|1, ppi=0|1)");
  BleConfig c;
  if (spec.target != "auto") {
    const std::string& a = spec.target;
    bool ok = a.size() == 17;
    for (std::size_t i = 0; ok && i < a.size(); ++i)
      ok = (i % 3 == 2) ? a[i] == ':' : std::isxdigit(static_cast<unsigned char>(a[i])) != 0;
    if (!ok) throw std::invalid_argument("ble:" + a + ": expected ble:auto or ble:AA:BB:CC:DD:EE:FF");
    c.address = a;
  }
  c.ecg = spec.number("ecg", 1, 0, 1) != 0;
  c.acc = spec.number("acc", 1, 0, 1) != 0; // chest motion: breathing without a belt
  // Optical beats (Verity Sense, OH1: no RR in their heart-rate notifications, so no HRV without
  // PPI); a sensor without PPI (H10) does not offer it and is not asked.
  c.ppi = spec.number("ppi", 1, 0, 1) != 0;
  return c;
}

std::unique_ptr<Device> make_ble_strap(boost::asio::any_io_executor executor, Clock const& clock, BleConfig config) {
  return std::make_unique<ble::BleStrap>(executor, clock, std::move(config));
}

} // namespace pneuma::drivers
