#include "watch/notifier.hpp"

#include <map>
#include <ostream>
#include <poll.h>
#include <sdbus-c++/sdbus-c++.h>
#include <thread>
#include <vector>

namespace pneuma::watch {
namespace {
constexpr char const* kService = "org.freedesktop.Notifications";
constexpr char const* kPath = "/org/freedesktop/Notifications";
constexpr char const* kInterface = "org.freedesktop.Notifications";
constexpr auto kCallTimeout = std::chrono::seconds(3);
} // namespace

struct Notifier::Bus {
  std::unique_ptr<sdbus::IConnection> connection;
  std::unique_ptr<sdbus::IProxy> proxy;
};

Notifier::Notifier(Handler handler, std::ostream& err) : handler_(std::move(handler)), err_(err) {
  try {
    auto bus = std::make_unique<Bus>();
    bus->connection = sdbus::createSessionBusConnection();
    bus->proxy = sdbus::createProxy(*bus->connection, kService, kPath);
    bus->proxy->uponSignal("ActionInvoked").onInterface(kInterface).call([this](std::uint32_t id, std::string const& key) {
      handler_({NotificationEvent::Kind::action, id, key, 0});
    });
    bus->proxy->uponSignal("NotificationClosed").onInterface(kInterface).call([this](std::uint32_t id, std::uint32_t reason) {
      handler_({NotificationEvent::Kind::closed, id, {}, reason});
    });
    bus->proxy->finishRegistration();
    bus_ = std::move(bus);
    available_ = true;
  } catch (sdbus::Error const& e) {
    unavailable("no session bus (" + e.getMessage() + ")");
  }
}

Notifier::~Notifier() = default;

void Notifier::unavailable(std::string const& why) {
  available_ = false;
  if (said_) return;
  said_ = true;
  err_ << "pneuma watch: " << why << "; reminders are printed here instead" << std::endl;
}

std::optional<std::uint32_t> Notifier::notify(std::string const& summary, std::string const& body) {
  if (!available_) return std::nullopt;
  try {
    const std::vector<std::string> actions{"start", "Start now", "later", "Later"};
    const std::map<std::string, sdbus::Variant> hints{{"category", sdbus::Variant(std::string("presence"))},
                                                      {"urgency", sdbus::Variant(std::uint8_t{1})},
                                                      {"desktop-entry", sdbus::Variant(std::string("pneuma"))}};
    std::uint32_t id = 0;
    bus_->proxy->callMethod("Notify")
        .onInterface(kInterface)
        .withTimeout(kCallTimeout)
        .withArguments(std::string("Pneuma"), std::uint32_t{0}, std::string("pneuma"), summary, body, actions, hints,
                       std::int32_t{-1})
        .storeResultsTo(id);
    return id;
  } catch (sdbus::Error const& e) {
    unavailable("no notification service on the session bus (" + e.getName() + ")");
    return std::nullopt;
  }
}

void Notifier::poll(std::chrono::milliseconds wait) {
  if (!bus_) {
    std::this_thread::sleep_for(wait);
    return;
  }
  try {
    while (bus_->connection->processPendingRequest()) {
    }
    const auto data = bus_->connection->getEventLoopPollData();
    pollfd fd{data.fd, static_cast<short>(data.events), 0};
    int timeout = static_cast<int>(wait.count());
    if (data.timeout_usec != UINT64_MAX)
      timeout = std::min<int>(timeout, static_cast<int>(data.timeout_usec / 1000));
    if (::poll(&fd, 1, std::max(0, timeout)) > 0)
      while (bus_->connection->processPendingRequest()) {
      }
  } catch (sdbus::Error const& e) {
    bus_.reset(); // the bus went away: nothing more will arrive
    unavailable("the session bus went away (" + e.getMessage() + ")");
  }
}

} // namespace pneuma::watch
