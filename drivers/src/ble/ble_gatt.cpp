// Steps 2-4 of the BLE strap: connect (asynchronously: a real strap takes seconds), wait for
// ServicesResolved, find the characteristics BY UUID under the device path, add each match before
// StartNotify (protocols.md §3.3), subscribe; then the notifications: heart rate (0x2A37),
// battery (0x2A19) and the Polar PMD control point and data, which polar_pmd.* interprets.
#include <algorithm>
#include <array>

#include "ble_strap.hpp"
#include "pneuma/drivers/parsers/heart_rate.hpp"

namespace pneuma::drivers::ble {
using namespace bluez;

void BleStrap::watch_device() {
  device_ = sdbus::createProxy(*connection_, kBluez, device_path_);
  const auto gen = generation_;
  device_->uponSignal("PropertiesChanged").onInterface(kPropertiesIface).call(
      [this, gen](std::string const& iface, Properties const& changed, std::vector<std::string> const&) {
        if (iface != kDeviceIface || gen != generation_) return;
        if (prop<bool>(changed, "Connected") == false || prop<bool>(changed, "ServicesResolved") == false) {
          later([this, gen] { if (gen == generation_) lost("disconnected", false); });
        } else if (prop<bool>(changed, "ServicesResolved") == true && phase_ == Phase::connecting) {
          phase_ = Phase::resolving;
          later([this, gen] { if (gen == generation_) resolve_safely(); });
        }
      });
  device_->finishRegistration();
}

/// Step 2: connect (asynchronously: a real strap takes seconds), then wait for ServicesResolved.
void BleStrap::connect() {
  phase_ = Phase::connecting;
  supervisor_.status(State::connecting, "connecting to " + std::string(device_path_.substr(device_path_.rfind('/') + 1)));
  const auto gen = generation_;
  device_->callMethodAsync("Connect").onInterface(kDeviceIface).withTimeout(secs(config_.connect_timeout_s))
      .uponReplyInvoke([this, gen](sdbus::Error const* error) {
        if (gen != generation_ || error == nullptr) return;
        if (error->getName() == "org.bluez.Error.AlreadyConnected") return;
        const std::string why = "connect failed: " + explain(*error);
        later([this, gen, why] { if (gen == generation_) retry(why); });
      });
  after(config_.connect_timeout_s + 1, [this, gen] {
    if (gen == generation_ && phase_ == Phase::connecting) retry("services not resolved in time");
  });
}

void BleStrap::resolve_safely() noexcept {
  try {
    resolve();
  } catch (sdbus::Error const& e) {
    retry(explain(e));
  }
  loop_->kick();
}

BleStrap::Char BleStrap::make_char(std::string const& path, Properties const& props, void (BleStrap::*on_value)(std::vector<std::uint8_t> const&)) {
  Char c;
  c.path = path;
  c.flags = prop<std::vector<std::string>>(props, "Flags").value_or(std::vector<std::string>{});
  c.proxy = sdbus::createProxy(*connection_, kBluez, path);
  const auto gen = generation_;
  // The match goes in before StartNotify, so the first notification is not lost (§3.3).
  c.proxy->uponSignal("PropertiesChanged").onInterface(kPropertiesIface).call(
      [this, gen, on_value](std::string const& iface, Properties const& changed, std::vector<std::string> const&) {
        if (iface != kCharIface || gen != generation_) return;
        if (auto v = prop<std::vector<std::uint8_t>>(changed, "Value")) (this->*on_value)(*v);
      });
  c.proxy->finishRegistration();
  return c;
}

/// Step 3: characteristics by UUID under the device path; notifications on.
void BleStrap::resolve() {
  phase_ = Phase::resolving;
  const auto objects = managed_objects();
  const std::string prefix = device_path_ + "/";
  std::map<std::string, std::pair<std::string, Properties>> by_uuid;
  for (auto const& [path, ifaces] : objects) {
    const auto ch = ifaces.find(kCharIface);
    if (ch == ifaces.end() || path.rfind(prefix, 0) != 0) continue;
    if (auto uuid = prop<std::string>(ch->second, "UUID")) by_uuid.emplace(lower(*uuid), std::make_pair(path, ch->second));
  }
  const auto hr = by_uuid.find(std::string(kHrMeasurementUuid));
  if (hr == by_uuid.end()) {
    retry("no Heart Rate Measurement characteristic (is this a heart-rate strap?)");
    return;
  }
  // Every match goes in now, before any StartNotify (§3.3); the GATT calls that travel to the
  // strap (StartNotify writes its CCCD, ReadValue, WriteValue) are asynchronous, so the io
  // thread keeps serving other devices meanwhile.
  hr_ = make_char(hr->second.first, hr->second.second, &BleStrap::on_heart_rate);
  if (auto bat = by_uuid.find(std::string(kBatteryLevelUuid)); bat != by_uuid.end())
    battery_ = make_char(bat->second.first, bat->second.second, &BleStrap::on_battery);
  const auto cp = by_uuid.find(std::string(kPmdControlUuid));
  const auto data = by_uuid.find(std::string(kPmdDataUuid));
  pmd_.reset(); // a new connection: the PMD sequence starts from idle
  supervisor_.flowing(SignalGap::Stream::ecg, false);
  supervisor_.flowing(SignalGap::Stream::acc, false);
  if ((config_.ecg || config_.acc || config_.ppi) && cp != by_uuid.end() && data != by_uuid.end()) {
    pmd_cp_ = make_char(cp->second.first, cp->second.second, &BleStrap::on_pmd_control);
    pmd_data_ = make_char(data->second.first, data->second.second, &BleStrap::on_pmd_data);
  }
  supervisor_.status(State::connecting, "subscribing to heart rate");
  const auto gen = generation_;
  hr_.proxy->callMethodAsync("StartNotify").onInterface(kCharIface).withTimeout(kCallTimeout)
      .uponReplyInvoke([this, gen](sdbus::Error const* error) {
        if (gen != generation_) return;
        if (error != nullptr) {
          const std::string why = "heart-rate notifications refused: " + explain(*error);
          later([this, gen, why] { if (gen == generation_) retry(why); });
          return;
        }
        later([this, gen] { if (gen == generation_) subscribed(); });
      });
}

/// Step 4: heart rate flows; battery and Polar PMD follow, neither of them required.
void BleStrap::subscribed() noexcept {
  phase_ = Phase::streaming;
  supervisor_.alive(clock_.now_s());
  // Which strap, once: headless prints "connected to ..." (the window shows the state).
  supervisor_.streaming("connected to " + strap_label_.substr(0, 80) +
                        (pmd_cp_.proxy ? ": streaming heart rate; starting Polar streams" : ": streaming heart rate"));
  supervisor_.watch();
  const auto gen = generation_;
  try {
    if (battery_.proxy) {
      battery_.proxy->callMethodAsync("ReadValue").onInterface(kCharIface).withTimeout(kCallTimeout)
          .withArguments(std::map<std::string, sdbus::Variant>{})
          .uponReplyInvoke([this, gen](sdbus::Error const* error, std::vector<std::uint8_t> value) {
            if (gen == generation_ && error == nullptr) on_battery(value);
          });
      if (std::count(battery_.flags.begin(), battery_.flags.end(), "notify"))
        battery_.proxy->callMethodAsync("StartNotify").onInterface(kCharIface).withTimeout(kCallTimeout)
            .uponReplyInvoke([](sdbus::Error const*) {}); // battery notifications are a bonus
    }
    if (pmd_cp_.proxy) start_pmd_notifications();
  } catch (sdbus::Error const& e) {
    supervisor_.status(State::streaming, "battery/ECG set-up failed: " + explain(e));
  }
  loop_->kick();
}

/// Both PMD notifications first, then the feature read (which measurements the sensor has), then
/// the first START (SDK init: notifications on CP and data, read on CP; bleakheart).
void BleStrap::start_pmd_notifications() {
  const auto gen = generation_;
  pmd_cp_.proxy->callMethodAsync("StartNotify").onInterface(kCharIface).withTimeout(kCallTimeout)
      .uponReplyInvoke([this, gen](sdbus::Error const* error) {
        if (gen != generation_) return;
        if (error != nullptr) return pmd_unavailable(*error);
        pmd_data_.proxy->callMethodAsync("StartNotify").onInterface(kCharIface).withTimeout(kCallTimeout)
            .uponReplyInvoke([this, gen](sdbus::Error const* e) {
              if (gen != generation_) return;
              if (e != nullptr) return pmd_unavailable(*e);
              read_pmd_features();
            });
      });
}

/// `0F` + bitmask: a START for a type the sensor lacks is then not sent. Without a readable
/// control point, or when the read fails, every asked-for type is requested and a missing one
/// is refused, which the sequence goes past (pmd_sequence.hpp).
void BleStrap::read_pmd_features() {
  const auto gen = generation_;
  auto start = [this](std::vector<std::uint8_t> const& features) {
    if (const auto first = pmd_.begin(features)) write_pmd_async(*first);
  };
  if (!std::count(pmd_cp_.flags.begin(), pmd_cp_.flags.end(), "read")) return start({});
  try {
    pmd_cp_.proxy->callMethodAsync("ReadValue").onInterface(kCharIface).withTimeout(kCallTimeout)
        .withArguments(std::map<std::string, sdbus::Variant>{})
        .uponReplyInvoke([this, gen, start](sdbus::Error const* error, std::vector<std::uint8_t> value) {
          if (gen != generation_) return;
          start(error == nullptr ? value : std::vector<std::uint8_t>{});
        });
  } catch (sdbus::Error const&) {
    start({});
  }
}

void BleStrap::pmd_unavailable(sdbus::Error const& e) noexcept {
  supervisor_.status(State::streaming, "Polar PMD (ECG/ACC/PPI) unavailable: " + explain(e));
}

void BleStrap::write_pmd_async(PmdCommand const& cmd) noexcept {
  try {
    std::vector<std::uint8_t> bytes(cmd.bytes.begin(), cmd.bytes.begin() + static_cast<long>(cmd.size));
    std::map<std::string, sdbus::Variant> options{{"type", sdbus::Variant(std::string("request"))}};
    const auto gen = generation_;
    pmd_cp_.proxy->callMethodAsync("WriteValue").onInterface(kCharIface).withTimeout(kCallTimeout)
        .withArguments(bytes, options).uponReplyInvoke([this, gen](sdbus::Error const* error) {
          if (gen != generation_ || error == nullptr) return;
          pmd_timer_.cancel(); // the write failed: no answer to wait for, and "unavailable" stays said
          pmd_unavailable(*error);
        });
    time_pmd_answer();
  } catch (sdbus::Error const& e) {
    pmd_unavailable(e);
  }
}

/// A sensor answers a START within ~0.1 s (an indication on the control point). One that never
/// does (a lost indication, a sensor busy with another app) would leave every later stream
/// unasked: after `pmd_answer_s` it is given up and the sequence goes on.
void BleStrap::time_pmd_answer() noexcept {
  try {
    pmd_timer_.expires_after(bluez::secs(config_.pmd_answer_s)); // a wait still pending ends aborted
    pmd_timer_.async_wait([this, gen = generation_](boost::system::error_code ec) {
      if (ec || gen != generation_ || !supervisor_.running() || !pmd_.awaiting()) return;
      pmd_step(pmd_.on_unanswered());
    });
  } catch (boost::system::system_error const&) { // the timer could not be armed: no timeout, as before
  }
}

void BleStrap::write_pmd(PmdCommand const& cmd) {
  std::vector<std::uint8_t> bytes(cmd.bytes.begin(), cmd.bytes.begin() + static_cast<long>(cmd.size));
  std::map<std::string, sdbus::Variant> options{{"type", sdbus::Variant(std::string("request"))}};
  pmd_cp_.proxy->callMethod("WriteValue").onInterface(kCharIface).withTimeout(kCallTimeout).withArguments(bytes, options);
}

/// Shutdown, after the PMD STOPs: notifications off, then the link (synchronous, capped).
void BleStrap::stop_notifications_and_disconnect() noexcept {
  for (Char* c : {&pmd_data_, &pmd_cp_, &battery_, &hr_}) {
    try {
      if (c->proxy) c->proxy->callMethod("StopNotify").onInterface(kCharIface).withTimeout(std::chrono::seconds(1));
    } catch (sdbus::Error const&) {
    }
  }
  try {
    if (device_ && phase_ != Phase::searching)
      device_->callMethod("Disconnect").onInterface(kDeviceIface).withTimeout(std::chrono::seconds(2));
  } catch (sdbus::Error const&) {
  }
}

void BleStrap::drop_proxies() noexcept {
  hr_ = {};
  battery_ = {};
  pmd_cp_ = {};
  pmd_data_ = {};
  device_.reset();
}

// ---- notifications (io thread) ----

void BleStrap::on_data() noexcept {
  const double now = clock_.now_s();
  const std::uint64_t bad = errors_ + pmd_.lost_frames();
  if (supervisor_.report_due(now, bad, 0)) {
    std::array<char, 80> text{};
    const int n = std::snprintf(text.data(), text.size(), "streaming; %llu malformed or lost notifications so far",
                                static_cast<unsigned long long>(bad));
    supervisor_.status(supervisor_.state(), {text.data(), static_cast<std::size_t>(std::clamp(n, 0, 79))});
  }
  supervisor_.data(now); // a gap covering a stall or a loss goes out first
  if (supervisor_.state() == State::stalled) supervisor_.streaming("streaming again");
}

void BleStrap::on_heart_rate(std::vector<std::uint8_t> const& value) {
  on_data();
  const auto m = decode_heart_rate(value);
  if (!m) {
    ++errors_;
    return;
  }
  if (m->malformed) ++errors_;
  emit_heart_rate(*m, clock_.now_s(), kNoDeviceTime, *sink_);
}

void BleStrap::on_battery(std::vector<std::uint8_t> const& value) {
  if (const auto b = decode_battery_level(value)) sink_->on_sample(BatteryLevel{clock_.now_s(), *b});
}

void BleStrap::on_pmd_control(std::vector<std::uint8_t> const& value) {
  const auto step = pmd_.on_control(value);
  using Event = PolarPmd::Step::Event;
  if (step.event == Event::malformed) ++errors_;
  // PPI beats join the rr stream, which flows from the start (heart-rate notifications).
  if (step.event == Event::started && step.type != PmdType::ppi)
    supervisor_.flowing(step.type == PmdType::ecg ? SignalGap::Stream::ecg : SignalGap::Stream::acc, true);
  pmd_step(step);
}

/// What a step of the PMD sequence says, and the next START it asks for.
void BleStrap::pmd_step(PolarPmd::Step const& step) {
  std::array<char, 160> buf{}; // "Polar ACC start not answered; streaming heart rate, Polar ECG ..."
  if (const auto text = pmd_.describe(step, buf); !text.empty()) supervisor_.status(State::streaming, text);
  if (step.next) {
    later([this, next = *step.next] {
      if (!pmd_cp_.proxy) return;
      write_pmd_async(next);
      loop_->kick();
    });
  }
}

void BleStrap::on_pmd_data(std::vector<std::uint8_t> const& value) {
  on_data();
  if (!pmd_.on_data(value, clock_.now_s(), *sink_)) ++errors_;
}

} // namespace pneuma::drivers::ble
