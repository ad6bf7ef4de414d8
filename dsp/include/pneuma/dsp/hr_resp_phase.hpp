#pragma once
// Live HR-breathing phase: how far the heart-rate wave lags the breathing wave, and their
// coherence, over the last 64 s, from any breathing source (rsa_phase.hpp does the spectra).
//
//   beat (session s, RR ms) -> HR = 60000 / RR placed at the middle of its interval (an RR is the
//       mean rate over the interval, so stamping it at its closing beat would add RR/2 ~ 0.45 s of
//       false lag); ectopic / missed beats (> 20 % step from the last accepted RR) skipped,
//       linear between accepted ones -> 4 Hz session grid (ring of 128 s).
//   breathing (session s, value, inspiration up) -> linear between samples -> the same grid.
//   every 5 s of paired data: the newest 64 s where both are present -> HrRespCouplingAnalyzer
//       with 32-s Hann segments, 50 % overlap (3 segments: with one 64-s segment the coherence is
//       1 by construction and says nothing) -> phase at the breathing peak, MSC.
//   lag_s = -phase / (360 f_b): > 0 the heart follows breathing (HR peaks after lung volume does).
// Withheld (NaN, with the reason): less than 64 s of pairs; MSC < 0.5 (HR does not follow this
// breathing one-to-one: its phase is not a lag); a gap > 3 s in either restarts the window.
// Units: session seconds, degrees, breaths in Hz. Delay: the window (results refer to its middle).
// Thread contract: the constructor allocates; every other member is noexcept and allocation-free.

#include <array>
#include <limits>
#include <cstdint>
#include <vector>

#include "pneuma/dsp/resp_derived.hpp"
#include "pneuma/dsp/rsa_phase.hpp"

namespace pneuma::dsp {

enum class PhaseWithheld : std::uint8_t {
  none,
  warming_up,     ///< less than 64 s of HR paired with breathing
  low_coherence,  ///< MSC < 0.5 at the breathing frequency
  rsa_source,     ///< set by the caller: breathing from heart rhythm IS the HR wave
  no_breathing,   ///< set by the caller: no breathing source
};

/// A short reason for a person ("" for none); short enough for one line of the window's card.
constexpr const char* phase_withheld_words(PhaseWithheld w) noexcept {
  switch (w) {
  case PhaseWithheld::warming_up: return "needs 64 s";
  case PhaseWithheld::low_coherence: return "heart not following breath";
  case PhaseWithheld::rsa_source: return "breathing read from heart";
  case PhaseWithheld::no_breathing: return "no breathing signal";
  case PhaseWithheld::none: break;
  }
  return "";
}
/// The same as a JSON key value ("warming_up"; "" for none).
constexpr const char* phase_withheld_key(PhaseWithheld w) noexcept {
  switch (w) {
  case PhaseWithheld::warming_up: return "warming_up";
  case PhaseWithheld::low_coherence: return "low_coherence";
  case PhaseWithheld::rsa_source: return "breathing_from_heart_rhythm";
  case PhaseWithheld::no_breathing: return "no_breathing";
  case PhaseWithheld::none: break;
  }
  return "";
}

struct HrRespPhase {
  double lag_s = std::numeric_limits<double>::quiet_NaN();     ///< HR after breathing, s
  double phase_deg = std::numeric_limits<double>::quiet_NaN(); ///< HR relative to breathing (> 0 leads)
  double msc = std::numeric_limits<double>::quiet_NaN();       ///< coherence at breathing_hz, 0..1
  double breathing_hz = std::numeric_limits<double>::quiet_NaN();
  PhaseWithheld withheld = PhaseWithheld::warming_up;
};

class HrRespPhaseTracker {
public:
  HrRespPhaseTracker();
  /// One beat as it arrives (its session time, RR ms).
  void beat(double t_s, double rr_ms) noexcept;
  /// One breathing value (inspiration up) at its session time; older-than-last values are ignored.
  void breathing(double t_s, double value) noexcept;
  /// The source's own breathing rate (breaths/min, NaN unknown): the lag is phase / (360 f), and
  /// the spectrum's bins are 1/32 Hz apart (up to 17 % off at 4.5/min), the 60-s rate is not.
  void set_breathing_rate(double bpm) noexcept { rate_hint_bpm_ = bpm; }
  /// The breathing source changed: its values are another signal; start over.
  void restart() noexcept;
  /// Latest estimate; NaN with the reason while withheld.
  [[nodiscard]] HrRespPhase const& result() const noexcept { return result_; }

  static constexpr double kFs = 4.0;
  static constexpr double kWindowS = 64.0;
  static constexpr double kHopS = 5.0;
  static constexpr double kMinMsc = 0.5;

private:
  static constexpr std::int64_t kRing = 512; ///< 128 s at 4 Hz
  struct Series {
    std::array<double, kRing> v{};
    std::int64_t next = -1;  ///< next grid index to fill (-1: nothing yet)
    std::int64_t start = 0;  ///< first index of the current unbroken run
    double last_t = 0, last_v = 0;
    void reset() noexcept { next = -1; }
    void add(double t, double v, double max_gap_s) noexcept;
  };
  void maybe_compute() noexcept;

  HrRespCouplingAnalyzer coupling_;
  Series hr_, br_;
  BeatOutlierGate gate_;
  double rate_hint_bpm_ = std::numeric_limits<double>::quiet_NaN();
  std::int64_t next_compute_ = 0; ///< grid index at which to compute next
  std::vector<double> x_, y_;     ///< the analysed window (allocated once)
  HrRespPhase result_;
};

} // namespace pneuma::dsp
