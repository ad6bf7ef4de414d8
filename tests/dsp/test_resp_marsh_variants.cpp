// MARSH (../shared/data/marsh) as other bodies and belts would give it: electrode noise, a
// drifting baseline, faster or slower breathing, depth that waxes and wanes, and the belt upside
// down. Each condition is made from the ten records and their own annotations: a figure here
// shows how much the detector leans on these recordings being as they are.
//
// The automatic polarity is the family under test: a right-way-up belt turned over loses every
// breath until it turns back. With the polarity evidence measured from the cycles' extremes (a
// dwell share, before resp_analyzer.hpp used their skewness) these tests failed: 0256 was turned
// over and back under noise of 5 % of its median depth (F1 0.79; mean of the ten 0.968), 1000
// under 20 % (0.05), five records under a drift of 3x the depth (mean 0.744; 0005 0.00), two at
// 1.7x slower breathing; upside down, 1707 was never turned and 4909 only after 266 s.
// PNEUMA_LIST_MISSES=1 lists the unmatched breaths.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <random>

#include "dsp/test_resp_common.hpp"
#include "support/shared_data.hpp"

using namespace pneuma::test;
using namespace pneuma::dsp;

namespace {

constexpr const char* kSubjects[] = {"0256", "0023", "1707", "0005", "5600", "5329", "4909", "5757", "1436", "1000"};
constexpr double kFs = 250.0;

struct Record {
  std::vector<double> x, ref; ///< IP at 250 Hz; annotated ends of inspiration, s
  double depth = 0;           ///< median annotated breath depth
};

Record load(std::filesystem::path const& dir, std::string const& s) {
  Record r{csv_column(dir / (s + "_signals_250hz.csv"), "IP"), csv_column(dir / (s + "_ip_breaths.csv"), "time_s")};
  std::erase_if(r.ref, [](double t) { return t >= 299.5; }); // the cut's last 0.5 s (test_resp_marsh.cpp)
  r.depth = median_breath_depth(r.x, r.ref, kFs);
  return r;
}

std::vector<double> moving_average(std::vector<double> const& x, std::size_t n) {
  std::vector<double> y(x.size());
  double acc = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    acc += x[i];
    if (i >= n) acc -= x[i - n];
    y[i] = acc / static_cast<double>(std::min(i + 1, n));
  }
  return y;
}

enum class Change { none, noise, drift, tempo, depth, invert };
struct Condition {
  Change change;
  double amount;
  const char* label;
};

/// Applies `c` to `r` (signal and annotations); `seed` makes the random parts repeatable.
void apply(Condition const& c, Record& r, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> phase(0, 2 * std::numbers::pi);
  auto t_of = [](std::size_t i) { return static_cast<double>(i) / kFs; };
  switch (c.change) {
  case Change::none: break;
  case Change::noise: { // electrode and amplifier noise, band-limited to ~10 Hz, SD amount x depth
    std::normal_distribution<double> g(0, 1);
    std::vector<double> n(r.x.size());
    for (double& e : n) e = g(rng);
    n = moving_average(n, 25);
    double ss = 0;
    for (double e : n) ss += e * e;
    const double sd = std::sqrt(ss / static_cast<double>(n.size()));
    for (std::size_t i = 0; i < r.x.size(); ++i) r.x[i] += c.amount * r.depth * n[i] / sd;
    break;
  }
  case Change::drift: { // posture and electrode drift: two slow waves (77 s, 32 s), amount x depth
    const double p1 = phase(rng), p2 = phase(rng);
    for (std::size_t i = 0; i < r.x.size(); ++i)
      r.x[i] += c.amount * r.depth * 0.5 *
                (std::sin(2 * std::numbers::pi * 0.013 * t_of(i) + p1) + std::sin(2 * std::numbers::pi * 0.031 * t_of(i) + p2));
    break;
  }
  case Change::tempo: { // the same breaths `amount` times as long (the heart's pulse in it too)
    std::vector<double> y(static_cast<std::size_t>(static_cast<double>(r.x.size()) * c.amount));
    for (std::size_t i = 0; i < y.size(); ++i) {
      const double p = static_cast<double>(i) / c.amount;
      const auto j = static_cast<std::size_t>(p);
      const double f = p - static_cast<double>(j);
      y[i] = j + 1 < r.x.size() ? r.x[j] * (1 - f) + r.x[j + 1] * f : r.x.back();
    }
    r.x = std::move(y);
    for (double& t : r.ref) t *= c.amount;
    break;
  }
  case Change::depth: { // tidal volume waxing and waning by +-amount over 50 s
    // Above the end-expiratory level (the lowest point of the 8 s around, smoothed): a shallower
    // breath starts from the same resting volume and reaches less high.
    const auto block = static_cast<std::size_t>(kFs / 2); // minima of half-second blocks
    std::vector<double> lows((r.x.size() + block - 1) / block);
    for (std::size_t b = 0; b < lows.size(); ++b)
      lows[b] = *std::min_element(r.x.begin() + static_cast<std::ptrdiff_t>(b * block),
                                  r.x.begin() + static_cast<std::ptrdiff_t>(std::min(r.x.size(), (b + 1) * block)));
    std::vector<double> floor(r.x.size());
    for (std::size_t i = 0; i < r.x.size(); ++i) {
      const std::size_t b = i / block, lo = b >= 8 ? b - 8 : 0, hi = std::min(lows.size(), b + 8);
      floor[i] = *std::min_element(lows.begin() + static_cast<std::ptrdiff_t>(lo), lows.begin() + static_cast<std::ptrdiff_t>(hi));
    }
    const auto base = moving_average(floor, static_cast<std::size_t>(8 * kFs));
    const double p = phase(rng);
    for (std::size_t i = 0; i < r.x.size(); ++i)
      r.x[i] = base[i] + (r.x[i] - base[i]) * (1 + c.amount * std::sin(2 * std::numbers::pi * t_of(i) / 50.0 + p));
    break;
  }
  case Change::invert:
    for (double& v : r.x) v = -v;
    break;
  }
}

struct Outcome {
  Match match;
  int flips = 0;
  double first_flip_s = NAN;
};

Outcome run(Record const& r, const char* subject) {
  Outcome o;
  RespAnalyzer a({}, SampleRate(kFs));
  for (std::size_t i = 0; i < r.x.size(); ++i)
    if (a.process(static_cast<float>(r.x[i])) & kRespPolarityChanged) {
      if (o.flips++ == 0) o.first_flip_s = static_cast<double>(i) / kFs;
    }
  // run_resp keeps the breaths found since the last flip: those of the final polarity.
  auto det = peaks_of(run_resp(r.x, kFs).breaths);
  std::vector<double> ref = r.ref;
  const auto before_turn = [&](double t) { return o.flips > 0 && t < o.first_flip_s + 1.0; };
  std::erase_if(ref, before_turn);
  std::erase_if(det, before_turn);
  o.match = match_events(det, ref, 0.75);
  if (std::getenv("PNEUMA_LIST_MISSES")) {
    for (double t : ref) if (std::none_of(det.begin(), det.end(), [t](double d) { return std::abs(d - t) <= 0.75; })) std::printf("  %s FN %.2f\n", subject, t);
    for (double d : det) if (std::none_of(ref.begin(), ref.end(), [d](double t) { return std::abs(d - t) <= 0.75; })) std::printf("  %s FP %.2f\n", subject, d);
  }
  return o;
}

} // namespace

TEST_CASE("resp accuracy: MARSH with noise, drift, another tempo or depth keeps its polarity", "[dsp][resp][slow]") {
  const auto dir = shared_path("data/marsh");
  if (!dir) return;
  // `floor`: the mean F1 asserted (0 = printed only: conditions beyond a usable belt, kept to show
  // where the detector stands). Every condition asserts that no record is turned over. At 1.7x,
  // 0023's own cardiac pulse (half its depth) is stretched to a 0.5-s rise, which the
  // inspiration-length rule no longer tells from a breath (a heart's ejection lasts 0.25-0.33 s
  // at any rate; stretching the recording slows it too).
  struct Case { Condition c; double floor; };
  const Case cases[] = {
      {{Change::none, 0, "as recorded"}, 0.985},
      {{Change::noise, 0.05, "noise 5 % of depth"}, 0.975},
      {{Change::noise, 0.1, "noise 10 %"}, 0.96},
      {{Change::noise, 0.2, "noise 20 %"}, 0},
      {{Change::drift, 1.0, "drift 1x depth"}, 0.96},
      {{Change::drift, 3.0, "drift 3x depth"}, 0},
      {{Change::tempo, 0.6, "breaths 0.6x as long"}, 0.98},
      {{Change::tempo, 0.8, "breaths 0.8x"}, 0.98},
      {{Change::tempo, 1.3, "breaths 1.3x"}, 0.98},
      {{Change::tempo, 1.7, "breaths 1.7x"}, 0},
      {{Change::depth, 0.5, "depth +-50 %"}, 0.975},
      {{Change::depth, 0.8, "depth +-80 %"}, 0},
  };
  std::printf("condition               mean F1  lowest   fn   fp  flips | per record F1\n");
  for (auto const& k : cases) {
    double f1_sum = 0, f1_min = 1;
    int fn = 0, fp = 0, flips = 0;
    std::string line;
    for (unsigned i = 0; i < 10; ++i) {
      Record r = load(*dir, kSubjects[i]);
      apply(k.c, r, 1000 + i);
      const Outcome o = run(r, kSubjects[i]);
      INFO(k.c.label << ", subject " << kSubjects[i] << ": turned over at " << o.first_flip_s << " s");
      CHECK(o.flips == 0);
      f1_sum += o.match.f1();
      f1_min = std::min(f1_min, o.match.f1());
      fn += o.match.fn;
      fp += o.match.fp;
      flips += o.flips;
      char buf[32];
      std::snprintf(buf, sizeof buf, " %.3f", o.match.f1());
      line += buf;
    }
    std::printf("%-22s  %.4f   %.3f  %3d  %3d  %5d |%s\n", k.c.label, f1_sum / 10, f1_min, fn, fp, flips, line.c_str());
    INFO(k.c.label);
    if (k.floor > 0) CHECK(f1_sum / 10 >= k.floor);
  }
}

// Upside down: the cycles of six records skew clearly enough to be turned back within 100 s; the
// other four (5600, 5329, 5757, 1000) breathe so nearly symmetrically (skewness -0.2..+0.2 the
// right way up) that no shape says which way is up, and the set polarity (up) stays: a user with
// an inverted belt sets polarity=down (the rate is right either way; peak times and I:E are not).
// The breaths after the turn must be found as well as the right way up.
TEST_CASE("resp accuracy: MARSH upside down is turned back where the breath's shape says so", "[dsp][resp][slow]") {
  const auto dir = shared_path("data/marsh");
  if (!dir) return;
  int turned = 0;
  std::printf("upside down: subject  turned at (s)  F1 after\n");
  for (unsigned i = 0; i < 10; ++i) {
    Record r = load(*dir, kSubjects[i]);
    apply({Change::invert, 0, "upside down"}, r, 1000 + i);
    const Outcome o = run(r, kSubjects[i]);
    std::printf("             %s  %13.1f  %.3f\n", kSubjects[i], o.first_flip_s, o.match.f1());
    INFO("subject " << kSubjects[i]);
    CHECK(o.flips <= 1); // turned once, and never back
    if (o.flips == 0) continue;
    ++turned;
    CHECK(o.first_flip_s <= 120.0);
    CHECK(o.match.f1() >= 0.95);
  }
  CHECK(turned >= 6);
}
