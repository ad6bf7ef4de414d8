#include "pneuma/drivers/parsers/pmd_sequence.hpp"

namespace pneuma::drivers {
namespace {
constexpr std::uint8_t kOpStart = 0x02;
constexpr std::uint8_t kSuccess = 0;
constexpr std::uint8_t kAlreadyInState = 6;
constexpr std::uint8_t kFeatureRead = 0x0F;
/// The order the STARTs go out in (ECG first, as before; PPI last: it needs nothing chosen).
constexpr std::array<PmdType, 3> kOrder = {PmdType::ecg, PmdType::acc, PmdType::ppi};

std::optional<PmdType> sequence_type(std::uint8_t type) noexcept {
  for (const PmdType t : kOrder)
    if (type == static_cast<std::uint8_t>(t)) return t;
  return std::nullopt;
}
} // namespace

bool PmdStartSequence::wanted(PmdType type) const noexcept {
  const bool asked = type == PmdType::ecg ? config_.ecg : type == PmdType::acc ? config_.acc : config_.ppi;
  // A type the sensor says it lacks is not asked for (features unknown: asked, and maybe refused).
  return asked && (!features_ || pmd_offers(*features_, static_cast<std::uint8_t>(type)));
}

PmdCommand PmdStartSequence::start_command(PmdType type) const noexcept {
  if (type == PmdType::ecg) return pmd_start(PmdType::ecg, config_.ecg_rate_hz, config_.ecg_resolution);
  if (type == PmdType::acc)
    return pmd_start(PmdType::acc, config_.acc_rate_hz, config_.acc_resolution, config_.acc_range_g);
  return pmd_start_bare(PmdType::ppi);
}

std::optional<PmdCommand> PmdStartSequence::request_next() noexcept {
  for (const PmdType t : kOrder) {
    if (!wanted(t) || (requested_ & bit(t)) != 0) continue;
    requested_ |= bit(t);
    pending_ = t;
    return start_command(t);
  }
  return std::nullopt;
}

std::optional<PmdCommand> PmdStartSequence::begin(std::span<const std::uint8_t> features) noexcept {
  if (begun_) return std::nullopt;
  begun_ = true;
  if (const auto f = decode_pmd_features(features)) features_ = *f;
  return request_next();
}

PmdStartSequence::Step PmdStartSequence::on_control(std::span<const std::uint8_t> value) noexcept {
  Step step;
  if (!value.empty() && value[0] == kFeatureRead) {
    // The feature read, seen again as a value change: not an answer. Kept when valid, so a later
    // START skips what the sensor lacks.
    if (const auto f = decode_pmd_features(value)) {
      features_ = *f;
      return step;
    }
  }
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
    if (const auto t = sequence_type(r->stopped[0])) step.type = *t;
    return step;
  }
  if (r->op != kOpStart) return step; // answers to GET/STOP need nothing more
  const auto type = sequence_type(r->type);
  if (!type || (requested_ & bit(*type)) == 0) return step; // not a START we sent
  step.type = *type;
  step.status = r->status;
  const bool ok = r->status == kSuccess || r->status == kAlreadyInState;
  if (ok) {
    step.event = Step::Event::started;
    started_ |= bit(*type);
    if (r->settings_valid) step.factor = r->settings.factor;
  } else {
    step.event = Step::Event::refused;
  }
  // The awaited answer (either way): the next START, if any. A repeated or late answer to an
  // earlier START requests nothing, so one request stays outstanding.
  if (pending_ == *type) {
    pending_.reset();
    step.next = request_next();
  }
  return step;
}

PmdStartSequence::Step PmdStartSequence::on_unanswered() noexcept {
  Step step;
  if (!pending_) return step;
  step.event = Step::Event::unanswered;
  step.type = *pending_;
  pending_.reset(); // still requested: a late "started" must be stopped on shutdown too
  step.next = request_next();
  return step;
}

PmdStartSequence::Commands PmdStartSequence::stop_commands() const noexcept {
  Commands c;
  for (auto t = kOrder.rbegin(); t != kOrder.rend(); ++t)
    if ((requested_ & bit(*t)) != 0) c.command[c.count++] = pmd_stop(*t);
  return c;
}

void PmdStartSequence::reset() noexcept {
  begun_ = false;
  pending_.reset();
  features_.reset(); // a new connection reads them again (it may be another sensor)
  requested_ = started_ = 0;
}

bool PmdStartSequence::requested(PmdType type) const noexcept {
  return sequence_type(static_cast<std::uint8_t>(type)) && (requested_ & bit(type)) != 0;
}

bool PmdStartSequence::started(PmdType type) const noexcept {
  return sequence_type(static_cast<std::uint8_t>(type)) && (started_ & bit(type)) != 0;
}

} // namespace pneuma::drivers
