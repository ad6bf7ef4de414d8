#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <future>
#include <map>
#include <sdbus-c++/sdbus-c++.h>
#include <stdexcept>

#include "dbus_asio_loop.hpp"
#include "pneuma/drivers/ble/ble.hpp"
#include "pneuma/drivers/parsers/clock_map.hpp"
#include "pneuma/drivers/parsers/heart_rate.hpp"
#include "pneuma/drivers/parsers/pmd.hpp"

namespace pneuma::drivers {
namespace {
namespace asio = boost::asio;
using State = DeviceStatus::State;
using Properties = std::map<std::string, sdbus::Variant>;
using Interfaces = std::map<std::string, Properties>;
using ManagedObjects = std::map<sdbus::ObjectPath, Interfaces>;

constexpr const char* kBluez = "org.bluez";
constexpr const char* kObjectManager = "org.freedesktop.DBus.ObjectManager";
constexpr const char* kPropertiesIface = "org.freedesktop.DBus.Properties";
constexpr const char* kAdapterIface = "org.bluez.Adapter1";
constexpr const char* kDeviceIface = "org.bluez.Device1";
constexpr const char* kCharIface = "org.bluez.GattCharacteristic1";
constexpr std::string_view kHrMeasurementUuid = "00002a37-0000-1000-8000-00805f9b34fb";
constexpr std::string_view kBatteryLevelUuid = "00002a19-0000-1000-8000-00805f9b34fb";
constexpr auto kCallTimeout = std::chrono::seconds(3);

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

template <class T> std::optional<T> prop(Properties const& p, std::string const& key) {
  const auto it = p.find(key);
  if (it == p.end() || !it->second.containsValueOfType<T>()) return std::nullopt;
  return it->second.get<T>();
}

bool has_uuid(Properties const& device, std::string_view uuid) {
  const auto uuids = prop<std::vector<std::string>>(device, "UUIDs");
  if (!uuids) return false;
  return std::any_of(uuids->begin(), uuids->end(), [&](std::string const& u) { return lower(u) == uuid; });
}

/// One line for a D-Bus error, saying what the user can do.
std::string explain(sdbus::Error const& e) {
  const std::string& name = e.getName();
  if (name == "org.freedesktop.DBus.Error.ServiceUnknown" || name == "org.freedesktop.DBus.Error.NameHasNoOwner")
    return "BlueZ (bluetoothd) is not running";
  if (name == "org.freedesktop.DBus.Error.AccessDenied" || name == "org.bluez.Error.NotAuthorized" ||
      name == "org.bluez.Error.NotPermitted")
    return "permission denied by BlueZ (is your user allowed to use Bluetooth?)";
  if (name == "org.bluez.Error.NotReady") return "the Bluetooth adapter is powered off (bluetoothctl power on)";
  if (name == "org.freedesktop.DBus.Error.NoReply" || name == "org.freedesktop.DBus.Error.Timeout" ||
      name == "org.bluez.Error.Failed")
    return "no answer from the strap (" + e.getMessage() + ")";
  return name + ": " + e.getMessage();
}

std::chrono::steady_clock::duration secs(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

class BleStrap final : public Device {
public:
  BleStrap(asio::any_io_executor executor, Clock const& clock, BleConfig config)
      : executor_(executor), clock_(clock), config_(std::move(config)), timer_(executor),
        watchdog_(executor), pmd_batch_(5.0, 2.0 * std::max(1.0, clock.speed())) {
    name_ = "ble:" + (config_.address.empty() ? std::string("auto") : config_.address);
    config_.address = lower(config_.address);
    backoff_s_ = config_.backoff_min_s;
    pmd_.configure(PmdType::ecg, PmdStreamConfig{130, 14, 1, 1.0f});
    pmd_.configure(PmdType::acc, PmdStreamConfig{200, 16, 3, 1.0f});
  }
  ~BleStrap() override { stop(); }

  void start(SampleSink& sink) override {
    sink_ = &sink;
    try {
      connection_ = sdbus::createSystemBusConnection();
    } catch (sdbus::Error const& e) {
      throw std::runtime_error("no system D-Bus to reach BlueZ: " + e.getMessage());
    }
    loop_ = std::make_unique<detail::DbusAsioLoop>(executor_, *connection_);
    running_ = true;
    status(State::connecting, "looking for the strap");
    asio::post(executor_, [this] { begin(); });
  }

  void stop() noexcept override {
    if (!running_) return;
    try {
      auto done = std::make_shared<std::promise<void>>();
      auto finished = done->get_future();
      asio::post(executor_, [this, done] {
        shutdown();
        done->set_value();
      });
      if (finished.wait_for(std::chrono::seconds(5)) == std::future_status::ready) return;
    } catch (...) {
    }
    shutdown();
  }

  std::string_view name() const noexcept override { return name_; }

private:
  struct Char {
    std::string path;
    std::unique_ptr<sdbus::IProxy> proxy;
    std::vector<std::string> flags;
  };

  void status(State state, std::string_view text) noexcept {
    state_ = state;
    if (sink_ == nullptr) return;
    std::array<char, 120> buf{};
    const int n = std::snprintf(buf.data(), buf.size(), "%s: %.*s", name_.c_str(),
                                static_cast<int>(text.size()), text.data());
    sink_->on_sample(DeviceStatus::make(clock_.now_s(), state,
                                        {buf.data(), static_cast<std::size_t>(std::clamp(n, 0, 119))}));
  }

  // ---- set-up: everything below may throw sdbus::Error; callers catch ----

  void ensure_bus_proxies() {
    if (root_) return;
    root_ = sdbus::createProxy(*connection_, kBluez, "/");
    root_->uponSignal("InterfacesAdded").onInterface(kObjectManager).call(
        [this](sdbus::ObjectPath const& path, Interfaces const& ifaces) { on_added(path, ifaces); });
    root_->uponSignal("InterfacesRemoved").onInterface(kObjectManager).call(
        [this](sdbus::ObjectPath const& path, std::vector<std::string> const&) { on_removed(path); });
    root_->finishRegistration();
    bus_ = sdbus::createProxy(*connection_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    bus_->uponSignal("NameOwnerChanged").onInterface("org.freedesktop.DBus").call(
        [this](std::string const& name, std::string const&, std::string const&) {
          if (name == kBluez) later([this] { lost("bluetoothd restarted", true); });
        });
    bus_->finishRegistration();
  }

  ManagedObjects managed_objects() {
    ManagedObjects objects;
    root_->callMethod("GetManagedObjects").onInterface(kObjectManager).withTimeout(kCallTimeout).storeResultsTo(objects);
    return objects;
  }

  bool matches(Properties const& device) const {
    if (!config_.address.empty()) {
      const auto address = prop<std::string>(device, "Address");
      return address && lower(*address) == config_.address;
    }
    return has_uuid(device, kHeartRateServiceUuid);
  }

  /// Step 1: find the strap (or scan for it).
  void begin() noexcept {
    if (!running_) return;
    find_or_scan();
    if (loop_) loop_->kick(); // calls went out: dispatch what came back meanwhile
  }

  void find_or_scan() noexcept {
    ++generation_;
    try {
      ensure_bus_proxies();
      const auto objects = managed_objects();
      std::string adapter;
      for (auto const& [path, ifaces] : objects) {
        if (ifaces.count(kAdapterIface) && adapter.empty()) adapter = path;
        const auto dev = ifaces.find(kDeviceIface);
        if (dev == ifaces.end() || !matches(dev->second)) continue;
        device_path_ = path;
        adapter_path_ = prop<sdbus::ObjectPath>(dev->second, "Adapter").value_or(sdbus::ObjectPath(adapter));
        stop_discovery();
        const bool connected = prop<bool>(dev->second, "Connected").value_or(false);
        const bool resolved = prop<bool>(dev->second, "ServicesResolved").value_or(false);
        watch_device();
        if (connected && resolved) resolve();
        else connect();
        return;
      }
      if (adapter.empty()) {
        retry("no Bluetooth adapter found");
        return;
      }
      if (!discovering_) {
        adapter_ = sdbus::createProxy(*connection_, kBluez, adapter);
        std::map<std::string, sdbus::Variant> filter{
            {"UUIDs", sdbus::Variant(std::vector<std::string>{std::string(kHeartRateServiceUuid)})},
            {"Transport", sdbus::Variant(std::string("le"))}};
        adapter_->callMethod("SetDiscoveryFilter").onInterface(kAdapterIface).withTimeout(kCallTimeout).withArguments(filter);
        adapter_->callMethod("StartDiscovery").onInterface(kAdapterIface).withTimeout(kCallTimeout);
        discovering_ = true;
        status(State::connecting, config_.address.empty() ? "scanning for a heart-rate strap"
                                                          : "scanning for the strap");
      }
      after(1.0, [this] { begin(); }); // InterfacesAdded usually comes first
    } catch (sdbus::Error const& e) {
      retry(explain(e));
    }
  }

  void stop_discovery() noexcept {
    if (!discovering_ || !adapter_) return;
    discovering_ = false;
    try {
      adapter_->callMethod("StopDiscovery").onInterface(kAdapterIface).withTimeout(kCallTimeout);
    } catch (sdbus::Error const&) { // already stopped, or BlueZ went away
    }
  }

  void watch_device() {
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
  void connect() {
    phase_ = Phase::connecting;
    status(State::connecting, "connecting to " + std::string(device_path_.substr(device_path_.rfind('/') + 1)));
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

  void resolve_safely() noexcept {
    try {
      resolve();
    } catch (sdbus::Error const& e) {
      retry(explain(e));
    }
    loop_->kick();
  }

  Char make_char(std::string const& path, Properties const& props, void (BleStrap::*on_value)(std::vector<std::uint8_t> const&)) {
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
  void resolve() {
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
    pmd_started_ecg_ = pmd_started_acc_ = false;
    requested_ecg_ = requested_acc_ = false;
    if ((config_.ecg || config_.acc) && cp != by_uuid.end() && data != by_uuid.end()) {
      pmd_cp_ = make_char(cp->second.first, cp->second.second, &BleStrap::on_pmd_control);
      pmd_data_ = make_char(data->second.first, data->second.second, &BleStrap::on_pmd_data);
    }
    status(State::connecting, "subscribing to heart rate");
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
  void subscribed() noexcept {
    phase_ = Phase::streaming;
    backoff_s_ = config_.backoff_min_s;
    last_data_s_ = clock_.now_s();
    status(State::streaming, pmd_cp_.proxy ? "streaming heart rate; starting Polar ECG" : "streaming heart rate");
    arm_watchdog();
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
      if (pmd_cp_.proxy) {
        // Both notifications first, then the command (SDK init; bleakheart).
        pmd_.reset();
        pmd_batch_.reset();
        pmd_cp_.proxy->callMethodAsync("StartNotify").onInterface(kCharIface).withTimeout(kCallTimeout)
            .uponReplyInvoke([this, gen](sdbus::Error const* error) {
              if (gen != generation_) return;
              if (error != nullptr) return pmd_unavailable(*error);
              pmd_data_.proxy->callMethodAsync("StartNotify").onInterface(kCharIface).withTimeout(kCallTimeout)
                  .uponReplyInvoke([this, gen](sdbus::Error const* e) {
                    if (gen != generation_) return;
                    if (e != nullptr) return pmd_unavailable(*e);
                    (config_.ecg ? requested_ecg_ : requested_acc_) = true;
                    write_pmd_async(config_.ecg ? pmd_start(PmdType::ecg, 130, 14)
                                                : pmd_start(PmdType::acc, 200, 16, 8));
                  });
            });
      }
    } catch (sdbus::Error const& e) {
      status(State::streaming, "battery/ECG set-up failed: " + explain(e));
    }
    loop_->kick();
  }

  void pmd_unavailable(sdbus::Error const& e) noexcept {
    status(State::streaming, "Polar ECG/ACC unavailable: " + explain(e));
  }

  void write_pmd_async(PmdCommand const& cmd) noexcept {
    try {
      std::vector<std::uint8_t> bytes(cmd.bytes.begin(), cmd.bytes.begin() + static_cast<long>(cmd.size));
      std::map<std::string, sdbus::Variant> options{{"type", sdbus::Variant(std::string("request"))}};
      const auto gen = generation_;
      pmd_cp_.proxy->callMethodAsync("WriteValue").onInterface(kCharIface).withTimeout(kCallTimeout)
          .withArguments(bytes, options).uponReplyInvoke([this, gen](sdbus::Error const* error) {
            if (gen == generation_ && error != nullptr) pmd_unavailable(*error);
          });
    } catch (sdbus::Error const& e) {
      pmd_unavailable(e);
    }
  }

  void write_pmd(PmdCommand const& cmd) {
    std::vector<std::uint8_t> bytes(cmd.bytes.begin(), cmd.bytes.begin() + static_cast<long>(cmd.size));
    std::map<std::string, sdbus::Variant> options{{"type", sdbus::Variant(std::string("request"))}};
    pmd_cp_.proxy->callMethod("WriteValue").onInterface(kCharIface).withTimeout(kCallTimeout).withArguments(bytes, options);
  }

  // ---- notifications (io thread) ----

  void on_data() noexcept {
    const double now = clock_.now_s();
    const std::uint64_t bad = errors_ + pmd_.stats().lost;
    if (bad != reported_bad_ && (now - last_report_s_ >= 10.0 * std::max(1.0, clock_.speed()) || last_report_s_ == 0)) {
      reported_bad_ = bad;
      last_report_s_ = now;
      std::array<char, 80> text{};
      const int n = std::snprintf(text.data(), text.size(), "streaming; %llu malformed or lost notifications so far",
                                  static_cast<unsigned long long>(bad));
      status(state_, {text.data(), static_cast<std::size_t>(std::clamp(n, 0, 79))});
    }
    if (gap_pending_) {
      sink_->on_sample(SignalGap{now, last_data_s_, now, 0, SignalGap::Stream::rr});
      if (gap_ecg_) sink_->on_sample(SignalGap{now, last_data_s_, now, 0, SignalGap::Stream::ecg});
      if (gap_acc_) sink_->on_sample(SignalGap{now, last_data_s_, now, 0, SignalGap::Stream::acc});
      gap_ecg_ = gap_acc_ = false;
      gap_pending_ = false;
    }
    last_data_s_ = now;
    if (state_ == State::stalled) status(State::streaming, "streaming again");
  }

  void on_heart_rate(std::vector<std::uint8_t> const& value) {
    on_data();
    const auto m = decode_heart_rate(value);
    if (!m) {
      ++errors_;
      return;
    }
    if (m->malformed) ++errors_;
    emit_heart_rate(*m, clock_.now_s(), kNoDeviceTime, *sink_);
  }

  void on_battery(std::vector<std::uint8_t> const& value) {
    if (const auto b = decode_battery_level(value)) sink_->on_sample(BatteryLevel{clock_.now_s(), *b});
  }

  void on_pmd_control(std::vector<std::uint8_t> const& value) {
    const auto r = decode_pmd_control(value);
    if (!r) {
      ++errors_;
      return;
    }
    if (r->kind == PmdControlResponse::Kind::measurement_stopped) {
      status(State::streaming, "strap stopped its ECG/ACC stream");
      return;
    }
    if (r->op != 0x02) return; // answers to GET/STOP need nothing more
    const bool ok = r->status == 0 || r->status == 6; // success, already streaming
    const bool was_ecg = r->type == static_cast<std::uint8_t>(PmdType::ecg);
    if (ok) {
      (was_ecg ? pmd_started_ecg_ : pmd_started_acc_) = true;
      if (r->settings.factor != 1.0f && !was_ecg)
        pmd_.configure(PmdType::acc, PmdStreamConfig{200, 16, 3, r->settings.factor});
    } else {
      std::string text = std::string("Polar ") + (was_ecg ? "ECG" : "ACC") + " refused: " +
                         std::string(pmd_status_text(r->status));
      status(State::streaming, text);
    }
    if (was_ecg && config_.acc && !pmd_started_acc_) {
      later([this] {
        if (!pmd_cp_.proxy) return;
        requested_acc_ = true;
        write_pmd_async(pmd_start(PmdType::acc, 200, 16, 8));
        loop_->kick();
      });
    } else if (ok) {
      status(State::streaming, pmd_started_acc_ ? "streaming heart rate, Polar ECG and ACC"
                                                : "streaming heart rate and Polar ECG");
    }
  }

  void on_pmd_data(std::vector<std::uint8_t> const& value) {
    on_data();
    const double now = clock_.now_s();
    pmd_batch_.begin(now, *sink_);
    if (pmd_.decode(value, now, pmd_batch_) == 0) ++errors_;
    pmd_batch_.flush(); // one notification = one batch, anchored on its newest device time
  }

  // ---- link loss, retries, shutdown ----

  void on_added(sdbus::ObjectPath const&, Interfaces const& ifaces) {
    if (phase_ != Phase::searching) return;
    const auto dev = ifaces.find(kDeviceIface);
    if (dev != ifaces.end() && matches(dev->second)) later([this] { begin(); });
  }

  void on_removed(sdbus::ObjectPath const& path) {
    if (phase_ == Phase::searching || device_path_.empty()) return;
    const bool ours = path == device_path_ || path == hr_.path || path == pmd_cp_.path || path == pmd_data_.path;
    if (ours) later([this, gen = generation_] { if (gen == generation_) lost("device or its services went away", false); });
  }

  void drop_proxies() noexcept {
    hr_ = {};
    battery_ = {};
    pmd_cp_ = {};
    pmd_data_ = {};
    device_.reset();
  }

  /// Link lost: forget every path (they change on reconnect), back off, start over.
  void lost(std::string_view why, bool bluez_restarted) noexcept {
    if (!running_) return;
    ++generation_;
    if (phase_ == Phase::streaming) mark_gap();
    drop_proxies();
    if (bluez_restarted) {
      root_.reset();
      bus_.reset();
      adapter_.reset();
      discovering_ = false;
    }
    status(State::lost, why);
    schedule_retry();
  }

  void retry(std::string_view why) noexcept {
    ++generation_;
    drop_proxies();
    status(State::error, why);
    schedule_retry();
  }

  void schedule_retry() noexcept {
    phase_ = Phase::searching;
    watchdog_.cancel();
    std::array<char, 48> text{};
    const int n = std::snprintf(text.data(), text.size(), "reconnecting in %.0f s", backoff_s_);
    status(State::reconnecting, {text.data(), static_cast<std::size_t>(std::max(n, 0))});
    const double wait = backoff_s_;
    backoff_s_ = std::min(config_.backoff_max_s, backoff_s_ * 2);
    after(wait, [this] { begin(); });
  }

  void arm_watchdog() noexcept {
    watchdog_.expires_after(secs(config_.stall_s / std::max(1.0, clock_.speed())));
    const auto gen = generation_;
    watchdog_.async_wait([this, gen](boost::system::error_code ec) {
      if (ec || gen != generation_ || !running_) return;
      if (clock_.now_s() - last_data_s_ >= config_.stall_s * 0.999 && state_ != State::stalled) {
        mark_gap();
        status(State::stalled, "stalled: no notification for a while");
      }
      arm_watchdog();
    });
  }

  /// Data stops here; the gap is sent when data resumes, for every stream that was flowing.
  void mark_gap() noexcept {
    gap_pending_ = true;
    gap_ecg_ = gap_ecg_ || pmd_started_ecg_;
    gap_acc_ = gap_acc_ || pmd_started_acc_;
  }

  template <class F> void later(F&& f) {
    asio::post(executor_, [this, f = std::forward<F>(f)]() mutable {
      if (running_) f();
    });
  }
  template <class F> void after(double seconds, F&& f) {
    timer_.expires_after(secs(seconds));
    timer_.async_wait([this, f = std::forward<F>(f)](boost::system::error_code ec) mutable {
      if (!ec && running_) f();
    });
  }

  void shutdown() noexcept {
    if (!running_) return;
    running_ = false;
    try {
      if (pmd_cp_.proxy) { // an H10 streams until its battery is empty unless told to stop
        // Stop whatever was asked for, answered or not: a late "started" must not leave it on.
        if (requested_acc_) write_pmd(pmd_stop(PmdType::acc));
        if (requested_ecg_) write_pmd(pmd_stop(PmdType::ecg));
      }
    } catch (sdbus::Error const&) {
    }
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
    stop_discovery();
    ++generation_;
    timer_.cancel();
    watchdog_.cancel();
    drop_proxies();
    adapter_.reset();
    root_.reset();
    bus_.reset();
    if (loop_) loop_->stop();
    status(State::ended, "stopped");
  }

  enum class Phase { searching, connecting, resolving, streaming };

  asio::any_io_executor executor_;
  Clock const& clock_;
  BleConfig config_;
  std::string name_;
  SampleSink* sink_ = nullptr;
  asio::steady_timer timer_;
  asio::steady_timer watchdog_;
  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<detail::DbusAsioLoop> loop_;
  std::unique_ptr<sdbus::IProxy> root_, bus_, adapter_, device_;
  Char hr_, battery_, pmd_cp_, pmd_data_;
  std::string device_path_;
  std::string adapter_path_;
  bool running_ = false;
  bool discovering_ = false;
  Phase phase_ = Phase::searching;
  State state_ = State::connecting;
  std::uint64_t generation_ = 0;
  double backoff_s_ = 1;
  double last_data_s_ = 0;
  bool gap_pending_ = false;
  bool gap_ecg_ = false, gap_acc_ = false;
  std::uint64_t errors_ = 0;
  std::uint64_t reported_bad_ = 0;
  double last_report_s_ = 0;
  PmdFrameDecoder pmd_;
  bool pmd_started_ecg_ = false, pmd_started_acc_ = false;
  bool requested_ecg_ = false, requested_acc_ = false;
  BatchClock pmd_batch_;
};

} // namespace

BleConfig ble_config_from_spec(SourceSpec const& spec) {
  for (auto const& [key, value] : spec.options)
    if (key != "ecg" && key != "acc")
      throw std::invalid_argument("ble option '" + key + "' is unknown (expected ecg=0|1, acc=0|1)");
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
  c.acc = spec.number("acc", 0, 0, 1) != 0;
  return c;
}

std::unique_ptr<Device> make_ble_strap(asio::any_io_executor executor, Clock const& clock, BleConfig config) {
  return std::make_unique<BleStrap>(executor, clock, std::move(config));
}

} // namespace pneuma::drivers
