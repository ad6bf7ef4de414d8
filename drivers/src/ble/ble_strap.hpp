#pragma once
// The BLE strap device (public face: pneuma/drivers/ble/ble.hpp), in parts with one job each:
//   ble_strap.cpp     lifecycle: start, stop, link lost / retry through the LinkSupervisor, shutdown
//   ble_discovery.cpp step 1: find the strap among BlueZ's objects or scan for it; bus signals
//   ble_gatt.cpp      steps 2-4: connect, characteristics by UUID, notifications, GATT reads/writes
//   polar_pmd.*       the Polar PMD streams: start sequence (state machine), decoder, batch clock
// All of it runs on the io thread (the sd-bus fd is watched by Asio, detail::DbusAsioLoop).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <sdbus-c++/sdbus-c++.h>
#include <string>
#include <vector>

#include "bluez.hpp"
#include "dbus_asio_loop.hpp"
#include "polar_pmd.hpp"
#include "pneuma/drivers/ble/ble.hpp"
#include "pneuma/drivers/link_supervisor.hpp"

namespace pneuma::drivers::ble {

class BleStrap final : public Device, private SupervisedLink {
public:
  BleStrap(boost::asio::any_io_executor executor, Clock const& clock, BleConfig config);
  ~BleStrap() override;
  void start(SampleSink& sink) override;
  void stop() noexcept override { supervisor_.stop(); }
  [[nodiscard]] std::string_view name() const noexcept override { return name_; }

private:
  using State = DeviceStatus::State;
  enum class Phase { searching, connecting, resolving, streaming };
  struct Char {
    std::string path;
    std::unique_ptr<sdbus::IProxy> proxy;
    std::vector<std::string> flags;
  };

  // ---- lifecycle (ble_strap.cpp) ----
  void open_link() noexcept override; // = begin(): the supervisor's retry
  void close_link() noexcept override;
  void shutdown_link() noexcept override;
  void lost(std::string_view why, bool bluez_restarted) noexcept;
  void retry(std::string_view why) noexcept;
  template <class F> void later(F&& f) {
    boost::asio::post(executor_, [this, f = std::forward<F>(f)]() mutable {
      if (supervisor_.running()) f();
    });
  }
  template <class F> void after(double seconds, F&& f) {
    timer_.expires_after(bluez::secs(seconds));
    timer_.async_wait([this, f = std::forward<F>(f)](boost::system::error_code ec) mutable {
      if (!ec && supervisor_.running()) f();
    });
  }

  // ---- discovery (ble_discovery.cpp); set-up calls may throw sdbus::Error, callers catch ----
  void begin() noexcept;
  void find_or_scan() noexcept;
  void ensure_bus_proxies();
  bluez::ManagedObjects managed_objects();
  [[nodiscard]] bool matches(bluez::Properties const& device) const;
  void stop_discovery() noexcept;
  void on_added(sdbus::ObjectPath const& path, bluez::Interfaces const& ifaces);
  void on_removed(sdbus::ObjectPath const& path);

  // ---- GATT connection and notifications (ble_gatt.cpp) ----
  void watch_device();
  void connect();
  void resolve_safely() noexcept;
  void resolve();
  Char make_char(std::string const& path, bluez::Properties const& props,
                 void (BleStrap::*on_value)(std::vector<std::uint8_t> const&));
  void subscribed() noexcept;
  void start_pmd_notifications();
  void read_pmd_features();
  void pmd_unavailable(sdbus::Error const& e) noexcept;
  void write_pmd_async(PmdCommand const& cmd) noexcept;
  void time_pmd_answer() noexcept;
  void pmd_step(PolarPmd::Step const& step);
  void write_pmd(PmdCommand const& cmd);
  void stop_notifications_and_disconnect() noexcept;
  void drop_proxies() noexcept;
  void on_data() noexcept;
  void on_heart_rate(std::vector<std::uint8_t> const& value);
  void on_battery(std::vector<std::uint8_t> const& value);
  void on_pmd_control(std::vector<std::uint8_t> const& value);
  void on_pmd_data(std::vector<std::uint8_t> const& value);

  boost::asio::any_io_executor executor_;
  Clock const& clock_;
  BleConfig config_;
  std::string name_;
  SampleSink* sink_ = nullptr;
  boost::asio::steady_timer timer_; ///< scan polls and the connect timeout (one at a time)
  boost::asio::steady_timer pmd_timer_; ///< the outstanding PMD START's answer timeout
  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<detail::DbusAsioLoop> loop_;
  std::unique_ptr<sdbus::IProxy> root_, bus_, adapter_, device_;
  Char hr_, battery_, pmd_cp_, pmd_data_;
  std::string device_path_;
  std::string strap_label_; ///< "Polar H10 1234ABCD (A0:9E:1A:12:34:56)": said once streaming
  std::string adapter_path_;
  bool discovering_ = false;
  Phase phase_ = Phase::searching;
  std::uint64_t generation_ = 0; ///< bumps on every close: stale callbacks see a different value
  std::uint64_t errors_ = 0;     ///< malformed notifications
  PolarPmd pmd_;
  LinkSupervisor supervisor_; // last: its finish() uses everything above
};

} // namespace pneuma::drivers::ble
