#include "pneuma/dsp/arousal_detector.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace pneuma::dsp {

namespace {
/// One value into a running mean and m2 (variance * (n - 1)): Welford's update while n <= memory
/// (or always, memory 0), then exponential weights 1/memory: var <- (1-w)(var + w d^2).
void update(double x, double& mean, double& m2, double n, double memory) noexcept {
  const double d = x - mean;
  if (memory <= 0 || n <= memory) {
    mean += d / n;
    m2 += d * (x - mean);
    return;
  }
  const double w = 1.0 / memory;
  mean += w * d;
  m2 = (1 - w) * (m2 / (memory - 1) + w * d * d) * (memory - 1);
}
} // namespace

void ArousalBaseline::add(double hr_bpm, double ln_rmssd) noexcept {
  ++epochs;
  const auto n = static_cast<double>(epochs);
  update(hr_bpm, hr_mean, hr_m2, n, memory);
  update(ln_rmssd, lr_mean, lr_m2, n, memory);
}

double ArousalBaseline::hr_sd() const noexcept {
  const double n = memory > 0 ? std::min<double>(static_cast<double>(epochs), memory) : static_cast<double>(epochs);
  return n > 1 ? std::sqrt(hr_m2 / (n - 1)) : 0.0;
}
double ArousalBaseline::lr_sd() const noexcept {
  const double n = memory > 0 ? std::min<double>(static_cast<double>(epochs), memory) : static_cast<double>(epochs);
  return n > 1 ? std::sqrt(lr_m2 / (n - 1)) : 0.0;
}

ArousalDetector::ArousalDetector(ArousalConfig config) : config_(config) { recent_.memory = config.recent_memory; }

int ArousalDetector::block_of(double t_s) noexcept {
  const double day = std::fmod(std::max(0.0, t_s), 86400.0);
  return std::clamp(static_cast<int>(day / (86400.0 / kBlocks)), 0, kBlocks - 1);
}

ArousalBaseline const* ArousalDetector::reference(int block) const noexcept {
  auto const& b = blocks_[static_cast<std::size_t>(block)];
  if (b.epochs >= config_.min_block_epochs) return &b;
  if (recent_.epochs >= config_.min_epochs) return &recent_;
  return nullptr;
}

std::optional<ArousalEpoch> ArousalDetector::on_activity(double t_s, double mg) noexcept {
  if (!std::isfinite(mg)) return std::nullopt;
  auto closed = tick(t_s);
  if (epoch_start_s_ < 0) epoch_start_s_ = std::floor(t_s / config_.epoch_s) * config_.epoch_s;
  activity_sum_ += std::abs(mg);
  ++activity_count_;
  return closed;
}

bool ArousalDetector::calm_for(ArousalBaseline const& b, double hr, double lr) const noexcept {
  if (b.epochs < config_.min_epochs) return true;
  const double zh = (hr - b.hr_mean) / std::max(config_.hr_sd_floor, b.hr_sd());
  const double zl = (lr - b.lr_mean) / std::max(config_.lr_sd_floor, b.lr_sd());
  const bool tense = zh >= config_.hr_z && zl <= config_.rmssd_z;
  return !tense && std::abs(zh) < 2.5 && std::abs(zl) < 2.5;
}

std::optional<ArousalEpoch> ArousalDetector::tick(double t_s) noexcept {
  if (epoch_start_s_ < 0 || t_s < epoch_start_s_ + config_.epoch_s) return std::nullopt;
  ArousalEpoch e = close_epoch();
  // Minutes that passed with no data at all count as neither tense nor moving.
  const double start = std::floor(t_s / config_.epoch_s) * config_.epoch_s;
  const auto skipped = static_cast<long>(std::lround((start - epoch_start_s_) / config_.epoch_s)) - 1;
  if (skipped > 0) {
    const int shift = static_cast<int>(std::min<long>(skipped, 31));
    tense_bits_ <<= shift;
    moving_bits_ <<= shift;
    last_nn_ms_ = 0;
  }
  epoch_start_s_ = start;
  return e;
}

std::optional<ArousalEpoch> ArousalDetector::on_beat(double t_s, double rr_ms) noexcept {
  auto closed = tick(t_s);
  if (epoch_start_s_ < 0) epoch_start_s_ = std::floor(t_s / config_.epoch_s) * config_.epoch_s;
  const bool plausible = std::isfinite(rr_ms) && rr_ms >= 300 && rr_ms <= 2000;
  const bool steady = last_nn_ms_ <= 0 || std::abs(rr_ms - last_nn_ms_) < 0.2 * last_nn_ms_;
  if (plausible && steady && beats_ < kMaxBeats) {
    if (last_nn_ms_ > 0) {
      const double d = rr_ms - last_nn_ms_;
      dnn2_sum_ += d * d;
      ++dnn_count_;
    }
    nn_sum_ms_ += rr_ms;
    ++beats_;
    last_nn_ms_ = rr_ms;
  } else if (plausible && !steady) {
    last_nn_ms_ = 0; // an ectopic or missed beat: the next interval starts a new difference pair
  }
  return closed;
}

ArousalEpoch ArousalDetector::close_epoch() noexcept {
  ArousalEpoch e;
  e.end_s = epoch_start_s_ + config_.epoch_s;
  e.moving = activity_count_ > 0 && activity_sum_ / activity_count_ >= config_.moving_mg;
  e.valid = nn_sum_ms_ >= config_.min_coverage * config_.epoch_s * 1000.0 && dnn_count_ >= 10 && dnn2_sum_ > 0;
  if (e.valid) {
    e.hr_bpm = 60000.0 * beats_ / nn_sum_ms_;
    e.ln_rmssd = 0.5 * std::log(dnn2_sum_ / dnn_count_);
  }
  const int block = block_of(epoch_start_s_);
  if (e.valid)
    if (auto const* ref = reference(block)) {
      e.z_hr = (e.hr_bpm - ref->hr_mean) / std::max(config_.hr_sd_floor, ref->hr_sd());
      e.z_rmssd = (e.ln_rmssd - ref->lr_mean) / std::max(config_.lr_sd_floor, ref->lr_sd());
      e.tense = *e.z_hr >= config_.hr_z && *e.z_rmssd <= config_.rmssd_z;
    }
  tense_bits_ = (tense_bits_ << 1) | (e.tense ? 1u : 0u);
  moving_bits_ = (moving_bits_ << 1) | (e.moving ? 1u : 0u);
  const std::uint32_t window = (1u << config_.sustain_of) - 1;
  const std::uint32_t hold = (1u << (config_.sustain_of + config_.movement_hold)) - 1;
  const bool still = (moving_bits_ & hold) == 0;
  if (still && std::popcount(tense_bits_ & window) >= config_.sustain_tense &&
      e.end_s - last_nudge_s_ >= config_.refractory_s) {
    e.nudge = true;
    last_nudge_s_ = e.end_s;
  }
  // Teach the baseline only with calm minutes of a still person, each against its own numbers.
  const bool recent_move = (moving_bits_ & ((1u << (config_.movement_hold + 1)) - 1)) != 0;
  if (e.valid && !recent_move) {
    auto& b = blocks_[static_cast<std::size_t>(block)];
    if (calm_for(b, e.hr_bpm, e.ln_rmssd)) {
      b.add(e.hr_bpm, e.ln_rmssd);
      e.learned = true;
    }
    if (calm_for(recent_, e.hr_bpm, e.ln_rmssd)) recent_.add(e.hr_bpm, e.ln_rmssd);
  }
  beats_ = 0;
  nn_sum_ms_ = dnn2_sum_ = 0;
  dnn_count_ = 0;
  activity_sum_ = 0;
  activity_count_ = 0;
  return e;
}

} // namespace pneuma::dsp
