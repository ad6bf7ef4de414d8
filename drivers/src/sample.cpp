#include "pneuma/drivers/sample.hpp"

namespace pneuma::drivers {

std::string_view to_string(DeviceStatus::State state) noexcept {
  switch (state) {
  case DeviceStatus::State::connecting: return "connecting";
  case DeviceStatus::State::streaming: return "streaming";
  case DeviceStatus::State::stalled: return "stalled";
  case DeviceStatus::State::lost: return "lost";
  case DeviceStatus::State::reconnecting: return "reconnecting";
  case DeviceStatus::State::error: return "error";
  case DeviceStatus::State::ended: return "ended";
  }
  return "unknown";
}

} // namespace pneuma::drivers
