// Accuracy on MARSH: ten real impedance-pneumography recordings with the dataset authors'
// end-of-inspiration annotations (../shared/data/marsh/SOURCE.md). Causal, single pass, automatic
// polarity: exactly what runs live.
//
// Scoring: detected peaks are matched one-to-one with the IP annotations within +-0.75 s.
// Annotations in the last 0.5 s of the 300-s cut are not scored: no causal detector can confirm a
// peak it has not yet seen fall (the cut is an artefact of the data preparation, not of breathing).
// The IP annotations have evident omissions (4909: a 15.4 s interval at 205.6-220.9 s during ~7 s
// paced breathing, where the independent nasal-thermistor annotations have breaths at 208.8 and
// 217.5 s). A detection is therefore not counted as false when (a) it lies inside an annotated
// interval longer than 1.6x the median of its 6 neighbours and (b) a nasal annotation is within
// 1.5 s. The raw F1 is printed too; the mean F1 and the rate error are asserted on the raw scores.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <iostream>

#include "dsp/test_resp_common.hpp"
#include "support/shared_data.hpp"

using namespace pneuma::test;

namespace {

/// The ten development records (SOURCE.md), spread by spontaneous breathing rate.
constexpr const char* kSubjects[] = {"0256", "0023", "1707", "0005", "5600", "5329", "4909", "5757", "1436", "1000"};

std::vector<double> ip_signal(std::filesystem::path const& dir, std::string const& s) {
  return csv_column(dir / (s + "_signals_250hz.csv"), "IP");
}
std::vector<double> breaths(std::filesystem::path const& dir, std::string const& s, char const* reference = "ip") {
  return csv_column(dir / (s + "_" + reference + "_breaths.csv"), "time_s");
}

/// True when `t` falls in an annotated interval that is evidently missing a breath and the nasal
/// thermistor reference has one near `t`.
bool in_reference_gap(double t, std::vector<double> const& ip, std::vector<double> const& nasal) {
  const auto it = std::upper_bound(ip.begin(), ip.end(), t);
  if (it == ip.begin() || it == ip.end()) return false;
  const auto i = static_cast<std::size_t>(it - ip.begin()); // interval ip[i-1] .. ip[i]
  std::vector<double> neighbours;
  for (std::size_t k = (i >= 4 ? i - 3 : 1); k < std::min(ip.size(), i + 4); ++k)
    if (k != i) neighbours.push_back(ip[k] - ip[k - 1]);
  if (neighbours.empty()) return false;
  std::nth_element(neighbours.begin(), neighbours.begin() + static_cast<std::ptrdiff_t>(neighbours.size() / 2), neighbours.end());
  const double median = neighbours[neighbours.size() / 2];
  if (ip[i] - ip[i - 1] <= 1.6 * median) return false;
  return std::any_of(nasal.begin(), nasal.end(), [t](double n) { return std::abs(n - t) <= 1.5; });
}

} // namespace

TEST_CASE("resp accuracy: MARSH end-of-inspiration F1 and 60 s rate error", "[dsp][resp][slow]") {
  const auto dir = shared_path("data/marsh");
  if (!dir) return;
  constexpr double kEnd = 300.0, kUnscoredTail = 0.5;
  double f1_sum = 0, err_sum = 0;
  int err_n = 0;
  std::printf("subject  annotated detected   tp  fp  fn  F1(raw)  gap-FP  F1(adj)  rate_err(60s)\n");
  for (const char* s : kSubjects) {
    const auto x = ip_signal(*dir, s);
    auto ref = breaths(*dir, s);
    const auto nasal = breaths(*dir, s, "nasal");
    std::erase_if(ref, [](double t) { return t >= kEnd - kUnscoredTail; });
    const auto run = run_resp(x, 250.0);
    const auto det = peaks_of(run.breaths);
    const Match m = match_events(det, ref, 0.75);
    // Unmatched detections inside evident reference gaps.
    int gap_fp = 0;
    for (double d : det) {
      const bool matched = std::any_of(ref.begin(), ref.end(), [d](double r) { return std::abs(r - d) <= 0.75; });
      if (!matched && in_reference_gap(d, ref, nasal)) ++gap_fp;
    }
    Match adj = m;
    adj.fp -= gap_fp;
    double err = 0;
    int n = 0;
    for (double t0 = 0; t0 + 60 <= kEnd; t0 += 60) {
      const double r_ref = window_rate(ref, t0, t0 + 60), r_det = window_rate(det, t0, t0 + 60);
      if (std::isnan(r_ref)) continue;
      err += std::abs(r_det - r_ref);
      ++n;
    }
    std::printf("%s  %9zu %8zu %4d %3d %3d   %.3f   %5d   %.3f   %.3f\n", s, ref.size(), det.size(),
                m.tp, m.fp, m.fn, m.f1(), gap_fp, adj.f1(), err / n);
    INFO("subject " << s);
    CHECK(adj.f1() >= 0.97);
    f1_sum += m.f1();
    err_sum += err;
    err_n += n;
  }
  const double mean_f1 = f1_sum / 10, mean_err = err_sum / err_n;
  std::printf("mean raw F1 %.4f, mean 60-s rate error %.3f /min\n", mean_f1, mean_err);
  CHECK(mean_f1 >= 0.985);
  CHECK(mean_err <= 0.3);
}

namespace {

/// One stretch of a record, played forwards or backwards.
struct Piece { double from_s, to_s; bool reversed; };

/// Plays `pieces` of `x` (and of its annotations `ref`) one after the other. Each piece starts
/// where the last one ended (a reversed piece starts at its own end), so the joins are continuous.
void splice(std::vector<double> const& x, std::vector<double> const& ref, double fs,
            std::vector<Piece> const& pieces, std::vector<double>& out, std::vector<double>& out_ref,
            std::vector<double>& joins) {
  double offset = 0;
  for (auto const& p : pieces) {
    const auto i0 = static_cast<std::size_t>(std::lround(p.from_s * fs));
    const auto i1 = std::min(x.size(), static_cast<std::size_t>(std::lround(p.to_s * fs)));
    if (p.reversed) out.insert(out.end(), x.rbegin() + static_cast<std::ptrdiff_t>(x.size() - i1),
                               x.rbegin() + static_cast<std::ptrdiff_t>(x.size() - i0));
    else out.insert(out.end(), x.begin() + static_cast<std::ptrdiff_t>(i0), x.begin() + static_cast<std::ptrdiff_t>(i1));
    const double len = static_cast<double>(i1 - i0) / fs;
    for (double t : ref)
      if (t >= p.from_s && t < p.to_s) out_ref.push_back(offset + (p.reversed ? p.to_s - t : t - p.from_s));
    offset += len;
    joins.push_back(offset);
  }
  std::sort(out_ref.begin(), out_ref.end());
}

} // namespace

// The held-back MARSH records run 15 min: after the slow-to-fast ramp in these 300-s cuts they
// breathe freely, slowly (~8/min), then down a fast-to-slow ramp. Playing the cut's ramp backwards
// gives that fast-to-slow change (breaths that lengthen and deepen from ~35/min), and playing
// whole pieces backwards gives breath shapes (slow rise, quick fall) the forward cut lacks. The
// joins are continuous; 3 s either side of one are not scored (a mirror makes a peak there).
// PNEUMA_LIST_MISSES=1 lists the unmatched breaths.
TEST_CASE("resp accuracy: MARSH played both ways, fast-to-slow ramps and 14 minutes", "[dsp][resp][slow]") {
  const auto dir = shared_path("data/marsh");
  if (!dir) return;
  const std::vector<Piece> pieces = {{0, 299.5, false}, {180, 299.5, true}, {180, 299.5, false}, {0, 299.5, true}};
  double f1_min = 1, f1_sum = 0;
  std::printf("subject  annotated detected   tp  fp  fn  recall  F1\n");
  for (const char* s : kSubjects) {
    const auto x = ip_signal(*dir, s);
    const auto ref0 = breaths(*dir, s);
    std::vector<double> sig, ref, joins;
    splice(x, ref0, 250.0, pieces, sig, ref, joins);
    auto det = peaks_of(run_resp(sig, 250.0).breaths);
    auto near_join = [&](double t) {
      return std::any_of(joins.begin(), joins.end(), [t](double j) { return std::abs(t - j) < 3.0; });
    };
    std::erase_if(det, near_join);
    std::erase_if(ref, near_join);
    const Match m = match_events(det, ref, 0.75);
    const double recall = static_cast<double>(m.tp) / static_cast<double>(ref.size());
    std::printf("%s  %9zu %8zu %4d %3d %3d   %.3f  %.3f\n", s, ref.size(), det.size(), m.tp, m.fp, m.fn,
                recall, m.f1());
    if (std::getenv("PNEUMA_LIST_MISSES")) {
      for (double r : ref) if (std::none_of(det.begin(), det.end(), [r](double d) { return std::abs(d - r) <= 0.75; })) std::printf("  FN %.2f\n", r);
      for (double d : det) if (std::none_of(ref.begin(), ref.end(), [d](double r) { return std::abs(d - r) <= 0.75; })) std::printf("  FP %.2f\n", d);
    }
    f1_min = std::min(f1_min, m.f1());
    f1_sum += m.f1();
  }
  std::printf("mean F1 %.4f, lowest %.4f\n", f1_sum / 10, f1_min);
  CHECK(f1_sum / 10 >= 0.98);
  CHECK(f1_min >= 0.95);
}

// The held-back record that scored 0.44: a shallow breath at ~17/min with a slower, larger
// oscillation under it. The same on real breath shapes: the spontaneous minutes (0-180 s) of the
// six records breathing 14-17/min there, with a 7/min swing of twice the median breath depth
// (peak to peak) added. The breaths are the record's own annotations. Each record must find its
// breaths (F1 >= 0.9) or say that it cannot (rate disputed); a 7/min "breath" reported with
// confidence is the failure. Known defect (5600: 21 of 42 breaths, all on the swing): on the
// swing's falling flank its flow outweighs the breath's, so the breath's flow never reverses
// there and the reversal count reads 8-11/min, not 14; the irregular real breaths spread their
// flow power over many bins (the peak near 14/min holds 0.1-0.4 of it, below the 0.3-0.5 the
// two-rhythm test and the self-check ask for), while the swing's pure line wins the flow
// spectrum (7.0/min, quality ~0.5). No second rhythm is seen and nothing is disputed. The
// synthetic case (regular breaths) passes in test_resp_stress.cpp. PNEUMA_LIST_MISSES=1 lists
// the unmatched breaths.
// Where the breaths are more than 2.2x the swing's rate and the two-rhythm mode is found, it is
// now kept (the breath is looked for at its own rate, not at the hidden-reversal count): 1000
// (17.2/min) 0.73 -> 0.95, 1436 (16.6/min) 0.89. Still failing: 5600, 5329, 4909 and 5757 breathe
// 13.7-14.8/min, 2.0-2.1x the swing, where a breath is the swing's second harmonic in the spectrum
// and the 2.2x rule (more than two breaths per slow cycle) keeps the mode out.
TEST_CASE("resp accuracy: MARSH spontaneous breathing over a larger slow swing", "[dsp][resp][slow]") {
  const auto dir = shared_path("data/marsh");
  if (!dir) return;
  const char* fast_breathers[] = {"5600", "5329", "4909", "5757", "1436", "1000"};
  std::printf("subject  spectral      annotated detected   tp  fp  fn   F1   rate  slow  disputed\n");
  for (const char* s : fast_breathers) {
    auto x = ip_signal(*dir, s);
    auto ref = breaths(*dir, s);
    x.resize(180 * 250);
    std::erase_if(ref, [](double t) { return t >= 179.5; });
    const double depth = median_breath_depth(x, ref, 250.0);
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] += depth * std::sin(2 * std::numbers::pi * 7.0 / 60.0 * static_cast<double>(i) / 250.0);
    const auto run = run_resp(x, 250.0);
    const auto det = peaks_of(run.breaths);
    const Match m = match_events(det, ref, 0.75);
    if (std::getenv("PNEUMA_LIST_MISSES")) {
      for (double r : ref) if (std::none_of(det.begin(), det.end(), [r](double d) { return std::abs(d - r) <= 0.75; })) std::printf("  FN %.2f\n", r);
      for (double d : det) if (std::none_of(ref.begin(), ref.end(), [d](double r) { return std::abs(d - r) <= 0.75; })) std::printf("  FP %.2f\n", d);
    }
    std::printf("%s  %5.1f q %.2f  %9zu %8d %4d %3d %3d  %.3f  %5.1f  %4.1f  %d\n", s, run.metrics.spectral_rate_bpm,
                run.metrics.spectral_quality, ref.size(), m.tp + m.fp, m.tp, m.fp, m.fn, m.f1(), run.metrics.rate_bpm,
                run.metrics.slow_rate_bpm, run.metrics.rate_disputed ? 1 : 0);
    INFO("subject " << s << ": F1 " << m.f1() << ", rate " << run.metrics.rate_bpm);
    CHECK((m.f1() >= 0.9 || run.metrics.rate_disputed));
  }
}

// Impedance pneumography carries the heart too: each beat's ejection moves blood through the
// thorax and the impedance with it (the cardiogenic oscillation of apnoea monitors). The ten
// records carry 0.5-66 % of a median breath depth of it already (peak to peak of the high-passed
// IP averaged at the R peaks); other people, leads and electrodes carry more. Here a pulse of
// 10 % of the record's median breath depth is added at every one of its own R peaks (a raised
// cosine over 0.4 s, the ejection's rise and fall), upwards and downwards: in a long
// end-expiratory pause each such bump rises from the exhaled level, where the early-peak penalty
// does not hold it back. Without the inspiration-length rule (resp_breath_detector.hpp) the
// upward pulse gives a mean F1 of 0.945 (lowest 0.56), the downward one 0.950 (lowest 0.58). A
// pulse of 20 % is printed, not asserted (without the rule: 0.850): 0023, whose own pulse is
// already half its depth, then turns its automatic polarity over (F1 0.68; mean of the ten 0.953).
TEST_CASE("resp accuracy: MARSH with a heartbeat pulse at each R peak", "[dsp][resp][slow]") {
  const auto dir = shared_path("data/marsh");
  if (!dir) return;
  std::printf("pulse  subject   tp  fp  fn   F1\n");
  for (double level : {0.1, -0.1, 0.2}) {
    double f1_sum = 0, f1_min = 1;
    for (const char* s : kSubjects) {
      auto x = ip_signal(*dir, s);
      auto ref = breaths(*dir, s);
      std::erase_if(ref, [](double t) { return t >= 299.5; });
      const double depth = median_breath_depth(x, ref, 250.0);
      for (double beat : csv_column(*dir / (std::string(s) + "_rpeaks.csv"), "time_s"))
        for (std::size_t i = 0; i < 100; ++i) { // 0.4 s at 250 Hz
          const auto k = static_cast<std::size_t>(beat * 250) + i;
          if (k < x.size()) x[k] += level * depth * 0.5 * (1 - std::cos(2 * std::numbers::pi * static_cast<double>(i) / 100.0));
        }
      const Match m = match_events(peaks_of(run_resp(x, 250.0).breaths), ref, 0.75);
      std::printf("%+.1f  %s  %4d %3d %3d  %.3f\n", level, s, m.tp, m.fp, m.fn, m.f1());
      f1_sum += m.f1();
      f1_min = std::min(f1_min, m.f1());
    }
    std::printf("pulse %+.1f of the depth: mean F1 %.4f, lowest %.4f\n", level, f1_sum / 10, f1_min);
    if (std::abs(level) > 0.15) continue;
    INFO("pulse " << level);
    CHECK(f1_sum / 10 >= 0.98);
    CHECK(f1_min >= 0.94);
  }
}
