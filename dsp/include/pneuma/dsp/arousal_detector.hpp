#pragma once
// Sustained arousal ("tension building") from beat-to-beat intervals, judged against the
// person's own resting baseline: heart rate up AND RMSSD down beyond their own minute-to-minute
// variation, for several minutes, while not moving. Method and thresholds: docs/arousal.md.
//
// Per one-minute epoch (local clock minutes):
//   NN  = RR in [300, 2000] ms that differ < 20 % from the previous accepted RR (Malik 1989);
//   HR  = 60000 / mean(NN) [beats/min];  lnRMSSD = ln sqrt(mean(dNN^2)) [ln ms] (Task Force 1996:
//         RMSSD is the vagal, high-frequency index; its log is near normal, Esco & Flatt 2014);
//   valid when the NN cover >= 70 % of the minute (a strap lost for > 18 s leaves no decision).
//   z_hr = (HR - mean) / sd, z_rmssd = (lnRMSSD - mean) / sd, from the person's calm epochs in
//   the same hour of the day when that hour holds >= 45 of them (one day of history), else from
//   the recent calm epochs (exponential memory of 60 epochs, >= 30 of them); sd floors
//   2 beats/min and 0.15 ln ms keep a very steady baseline from turning noise into alarms.
//   Hours, not a day-long mean: heart rate falls ~6 beats/min asleep and rises on waking.
//   tense  = z_hr >= 1.5 and z_rmssd <= -1.5 (each beyond ~93 % of the person's own variation);
//   moving = mean accelerometer activity >= 50 mg (walking is ~150-400 mg; sitting < 20 mg);
//            no accelerometer: never moving.
//   nudge  when >= 5 of the last 6 epochs are tense, none of the last 6 + 5 moved (heart rate
//          stays up for minutes after walking: vagal reactivation, Imai 1994), and >= 60 min
//          have passed since the last nudge.
//   Calm, still epochs teach the baseline (Welford running mean and variance): no movement in
//   the hold, and, once the hour (or the recent baseline) holds 30 epochs, |z| < 2.5 against
//   its own statistics and not tense. Each hour learns against its own numbers, so a night's
//   low heart rate never keeps the morning from learning its own, while episodes and exercise
//   never raise the baseline.
// Units: seconds (local time of day, may exceed 86400 on later days), ms, beats/min, mg.
// Delay: one epoch (60 s) to score a minute; a nudge after >= 5 tense minutes.
// Thread contract: on_beat()/on_activity()/on_gap() noexcept, allocation-free, one thread.

#include <array>
#include <cstdint>
#include <optional>

namespace pneuma::dsp {

/// Running mean and variance of the person's calm epochs (HR, lnRMSSD): Welford's, or with an
/// exponential memory of `memory` epochs when memory > 0 (West 1979).
struct ArousalBaseline {
  std::int64_t epochs = 0;
  double hr_mean = 0, hr_m2 = 0;  ///< beats/min; sum of squared deviations
  double lr_mean = 0, lr_m2 = 0;  ///< ln ms
  double memory = 0;              ///< 0: all epochs weigh the same
  void add(double hr_bpm, double ln_rmssd) noexcept;
  [[nodiscard]] double hr_sd() const noexcept;
  [[nodiscard]] double lr_sd() const noexcept;
};

struct ArousalConfig {
  double epoch_s = 60;
  double min_coverage = 0.7;     ///< share of the epoch the NN must cover
  double hr_z = 1.5;             ///< tense: z_hr at or above
  double rmssd_z = -1.5;         ///< tense: z_rmssd at or below
  int sustain_of = 6;            ///< look at the last N epochs...
  int sustain_tense = 5;         ///< ...of which this many must be tense
  double moving_mg = 50;         ///< activity at or above: moving
  int movement_hold = 5;         ///< epochs after movement that cannot count
  double refractory_s = 3600;    ///< between nudges
  double hr_sd_floor = 2.0, lr_sd_floor = 0.15;
  std::int64_t min_block_epochs = 45;  ///< calm minutes in an hour of the day before it is used
  std::int64_t min_epochs = 30;        ///< calm minutes in the recent baseline before it is used
  double recent_memory = 60;           ///< epochs of the recent baseline's exponential memory
};

/// One scored minute.
struct ArousalEpoch {
  double end_s = 0;
  bool valid = false;            ///< enough clean beats to judge
  double hr_bpm = 0, ln_rmssd = 0;
  std::optional<double> z_hr, z_rmssd; ///< nullopt while the baseline is still learning
  bool moving = false, tense = false, learned = false;
  bool nudge = false;            ///< sustained arousal: time for a gentle nudge
};

class ArousalDetector {
public:
  static constexpr int kBlocks = 24;     ///< hours of the day
  static constexpr int kMaxBeats = 256;  ///< per epoch: 256/min covers any heart rate
  explicit ArousalDetector(ArousalConfig config = {});

  /// One RR interval ending at local time `t_s`. Returns the epoch it closed, if any.
  [[nodiscard]] std::optional<ArousalEpoch> on_beat(double t_s, double rr_ms) noexcept;
  /// Accelerometer activity (dynamic magnitude, mg) at `t_s`. Returns the epoch it closed, if any.
  [[nodiscard]] std::optional<ArousalEpoch> on_activity(double t_s, double mg) noexcept;
  /// Data missing: the next RR does not make a successive difference with the last one.
  void on_gap() noexcept { last_nn_ms_ = 0; }
  /// Closes the epoch holding `t_s` if its minute is over (for time passing without beats).
  [[nodiscard]] std::optional<ArousalEpoch> tick(double t_s) noexcept;

  [[nodiscard]] ArousalBaseline const& baseline(int block) const noexcept { return blocks_[static_cast<std::size_t>(block)]; }
  [[nodiscard]] ArousalBaseline const& recent() const noexcept { return recent_; }
  /// Restores an hour's baseline kept from earlier days (the person's history).
  void set_baseline(int block, ArousalBaseline const& b) noexcept { blocks_[static_cast<std::size_t>(block)] = b; }
  [[nodiscard]] static int block_of(double t_s) noexcept;
  [[nodiscard]] ArousalConfig const& config() const noexcept { return config_; }

private:
  ArousalEpoch close_epoch() noexcept;
  [[nodiscard]] ArousalBaseline const* reference(int block) const noexcept;
  [[nodiscard]] bool calm_for(ArousalBaseline const& b, double hr, double lr) const noexcept;

  ArousalConfig config_;
  std::array<ArousalBaseline, kBlocks> blocks_{};
  ArousalBaseline recent_{};
  // the epoch being filled
  double epoch_start_s_ = -1;
  int beats_ = 0;
  double nn_sum_ms_ = 0, dnn2_sum_ = 0;
  int dnn_count_ = 0;
  double last_nn_ms_ = 0;
  double activity_sum_ = 0;
  int activity_count_ = 0;
  // recent epochs (bit i: i epochs ago)
  std::uint32_t tense_bits_ = 0, moving_bits_ = 0;
  double last_nudge_s_ = -1e18;
};

} // namespace pneuma::dsp
