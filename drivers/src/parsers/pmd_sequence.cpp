#include "pneuma/drivers/parsers/pmd_sequence.hpp"

namespace pneuma::drivers {
namespace {
constexpr std::uint8_t kOpStart = 0x02;
constexpr std::uint8_t kSuccess = 0;
constexpr std::uint8_t kAlreadyInState = 6;
} // namespace

PmdCommand PmdStartSequence::start_command(PmdType type) const noexcept {
  if (type == PmdType::ecg) return pmd_start(PmdType::ecg, config_.ecg_rate_hz, config_.ecg_resolution);
  return pmd_start(PmdType::acc, config_.acc_rate_hz, config_.acc_resolution, config_.acc_range_g);
}

std::optional<PmdCommand> PmdStartSequence::request(PmdType type) noexcept {
  if (type == PmdType::ecg) {
    requested_ecg_ = true;
    pending_ = Pending::ecg;
  } else {
    requested_acc_ = true;
    pending_ = Pending::acc;
  }
  return start_command(type);
}

std::optional<PmdCommand> PmdStartSequence::begin() noexcept {
  if (begun_) return std::nullopt;
  begun_ = true;
  if (config_.ecg) return request(PmdType::ecg);
  if (config_.acc) return request(PmdType::acc);
  return std::nullopt;
}

PmdStartSequence::Step PmdStartSequence::on_control(std::span<const std::uint8_t> value) noexcept {
  Step step;
  const auto r = decode_pmd_control(value);
  if (!r) {
    step.event = Step::Event::malformed;
    return step;
  }
  if (r->kind == PmdControlResponse::Kind::measurement_stopped) {
    // A stop naming no stream stops none (the SDK closes the streams listed, here none): not
    // malformed, and nothing to do.
    if (r->stopped_count == 0) return step;
    step.event = Step::Event::stopped_by_sensor;
    if (r->stopped_count > 0 && r->stopped[0] == static_cast<std::uint8_t>(PmdType::acc)) step.type = PmdType::acc;
    return step;
  }
  if (r->op != kOpStart) return step; // answers to GET/STOP need nothing more
  const bool ecg = r->type == static_cast<std::uint8_t>(PmdType::ecg);
  const bool acc = r->type == static_cast<std::uint8_t>(PmdType::acc);
  if (!(ecg && requested_ecg_) && !(acc && requested_acc_)) return step; // not a START we sent
  step.type = ecg ? PmdType::ecg : PmdType::acc;
  step.status = r->status;
  const bool ok = r->status == kSuccess || r->status == kAlreadyInState;
  if (ok) {
    step.event = Step::Event::started;
    (ecg ? started_ecg_ : started_acc_) = true;
    if (r->settings_valid) step.factor = r->settings.factor;
  } else {
    step.event = Step::Event::refused;
  }
  if ((ecg && pending_ == Pending::ecg) || (acc && pending_ == Pending::acc)) pending_ = Pending::none;
  // ECG answered (either way): ACC next, when asked for and not yet requested.
  if (ecg && config_.acc && !requested_acc_) step.next = request(PmdType::acc);
  return step;
}

PmdStartSequence::Commands PmdStartSequence::stop_commands() const noexcept {
  Commands c;
  if (requested_acc_) c.command[c.count++] = pmd_stop(PmdType::acc);
  if (requested_ecg_) c.command[c.count++] = pmd_stop(PmdType::ecg);
  return c;
}

void PmdStartSequence::reset() noexcept {
  begun_ = false;
  pending_ = Pending::none;
  requested_ecg_ = requested_acc_ = false;
  started_ecg_ = started_acc_ = false;
}

bool PmdStartSequence::requested(PmdType type) const noexcept {
  return type == PmdType::ecg ? requested_ecg_ : type == PmdType::acc && requested_acc_;
}

bool PmdStartSequence::started(PmdType type) const noexcept {
  return type == PmdType::ecg ? started_ecg_ : type == PmdType::acc && started_acc_;
}

} // namespace pneuma::drivers
