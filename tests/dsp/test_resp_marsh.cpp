// Accuracy on MARSH: ten real impedance-pneumography recordings with the dataset authors'
// end-of-inspiration annotations (../shared/data/marsh/SOURCE.md). Causal, single pass, automatic
// polarity: exactly what runs live.
#include <catch2/catch.hpp>
#include <cstdio>
#include <iostream>

#include "dsp/test_resp_common.hpp"
#include "support/shared_data.hpp"

using namespace pneuma::test;

TEST_CASE("resp accuracy: MARSH end-of-inspiration F1 and 60 s rate error", "[dsp][resp][slow]") {
  const auto dir = shared_path("data/marsh");
  if (!dir) return;
  const char* subjects[] = {"0256", "0023", "1707", "0005", "5600",
                            "5329", "4909", "5757", "1436", "1000"};
  double f1_sum = 0, err_sum = 0;
  int err_n = 0;
  std::printf("subject  annotated detected   tp  fp  fn     F1  rate_err(60s)\n");
  for (const char* s : subjects) {
    const auto x = csv_column(*dir / (std::string(s) + "_signals_250hz.csv"), "IP");
    const auto ref = csv_column(*dir / (std::string(s) + "_ip_breaths.csv"), "time_s");
    const auto run = run_resp(x, 250.0);
    const auto det = peaks_of(run.breaths);
    const Match m = match_events(det, ref, 0.75);
    double err = 0;
    int n = 0;
    for (double t0 = 0; t0 + 60 <= 300; t0 += 60) {
      const double r_ref = window_rate(ref, t0, t0 + 60), r_det = window_rate(det, t0, t0 + 60);
      if (std::isnan(r_ref)) continue;
      err += std::abs(r_det - r_ref);
      ++n;
    }
    std::printf("%s  %9zu %8zu %4d %3d %3d  %.3f  %.3f\n", s, ref.size(), det.size(), m.tp, m.fp,
                m.fn, m.f1(), err / n);
    INFO("subject " << s);
    CHECK(m.f1() >= 0.97);
    f1_sum += m.f1();
    err_sum += err;
    err_n += n;
  }
  const double mean_f1 = f1_sum / 10, mean_err = err_sum / err_n;
  std::printf("mean F1 %.4f, mean 60-s rate error %.3f /min\n", mean_f1, mean_err);
  CHECK(mean_f1 >= 0.985);
  CHECK(mean_err <= 0.3);
}
