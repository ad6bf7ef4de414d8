// End to end: `pneuma analyze --kind ecg|rr --json` on real and written files, through the binary.
#include <catch2/catch.hpp>
#include <cmath>
#include <edflib.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <random>

#include "support/process.hpp"
#include "support/shared_data.hpp"

using pneuma::test::pneuma_binary;
using pneuma::test::run_process;

namespace {
std::filesystem::path temp_file(std::string const& name) {
  return std::filesystem::temp_directory_path() / ("pneuma_heart_" + std::to_string(::getpid()) + "_" + name);
}

nlohmann::json analyze(std::string const& args, int expected_exit = 0) {
  const auto r = run_process(pneuma_binary() + " analyze " + args + " --json");
  REQUIRE(r.exit_code == expected_exit);
  return nlohmann::json::parse(r.out);
}

/// A healthy-looking clean RR series (ms): RSA 0.25 Hz, Mayer 0.1 Hz, small noise.
std::vector<double> clean_rr(int n) {
  std::mt19937 rng(4);
  std::normal_distribution<double> noise(0, 5);
  std::vector<double> rr;
  double t = 0;
  for (int i = 0; i < n; ++i) {
    rr.push_back(std::round(850 + 35 * std::sin(2 * std::numbers::pi * 0.25 * t) +
                            20 * std::sin(2 * std::numbers::pi * 0.1 * t) + noise(rng)));
    t += rr.back() / 1000;
  }
  return rr;
}

const char* kHrvKeys[] = {"mean_nn_ms", "sdnn_ms", "rmssd_ms", "pnn50_pct", "mean_hr_bpm", "vlf_ms2", "lf_ms2",
                          "hf_ms2", "lf_hf", "lf_peak_hz", "hf_peak_hz", "sd1_ms", "sd2_ms", "dfa_alpha1",
                          "sampen", "stress_index", "coherence", "rsa_p2t_ms"};
} // namespace

TEST_CASE("analyze heart: MIT-BIH 100 ECG gives every beat and corrected HRV", "[e2e][heart]") {
  auto p = pneuma::test::shared_path("data/mitdb_100/mitdb_100_360hz.csv");
  if (!p) return;
  const auto j = analyze(p->string() + " --kind ecg --fs 360 --column MLII_mV");
  CHECK(j["ecg"]["r_peaks_s"].size() == 2273);
  CHECK(j["ecg"]["quality_ok"] == true);
  for (auto const* key : kHrvKeys) {
    CHECK(j["hrv"].contains(key));
    CHECK(j["hrv_raw"].contains(key));
  }
  for (auto const* key : {"ectopic", "missed", "extra", "long_short"}) CHECK(j["rr"]["artifacts"].contains(key));
  // 33 premature beats: the corrected RMSSD is near the annotated normal-to-normal value (27.48 ms),
  // the raw one is not.
  CHECK(j["hrv"]["rmssd_ms"].get<double>() == Approx(27.48).epsilon(0.05));
  CHECK(j["hrv_raw"]["rmssd_ms"].get<double>() > 50);
  CHECK(j["rr"]["corrected_pct"].get<double>() > 2);
}

TEST_CASE("analyze heart: clean Kubios RR text agrees with the time domain worked here", "[e2e][heart]") {
  const auto path = temp_file("kubios.txt");
  const auto rr = clean_rr(600);
  {
    std::ofstream out(path);
    for (double v : rr) out << v << "\n";
  }
  const auto j = analyze(path.string() + " --kind rr");
  std::filesystem::remove(path);
  CHECK(j["rr"]["n"] == 600);
  CHECK(j["rr"]["corrected_pct"].get<double>() == 0);
  for (auto const* key : kHrvKeys) {
    INFO(key);
    CHECK(j["hrv"][key] == j["hrv_raw"][key]); // nothing corrected: the same beats
  }
  // The definitions (Task Force 1996), computed here from the intervals written: whole-ms values,
  // so the only differences are rounding in the JSON (1e-6 relative).
  const double n = static_cast<double>(rr.size());
  double mean = 0, ss = 0, sd2 = 0, over50 = 0, dmean = 0;
  for (double v : rr) mean += v / n;
  for (double v : rr) ss += (v - mean) * (v - mean);
  for (std::size_t i = 1; i < rr.size(); ++i) {
    const double d = rr[i] - rr[i - 1];
    sd2 += d * d;
    dmean += d / (n - 1);
    over50 += std::abs(d) > 50 ? 1 : 0;
  }
  double sdsd2 = 0;
  for (std::size_t i = 1; i < rr.size(); ++i) sdsd2 += std::pow(rr[i] - rr[i - 1] - dmean, 2) / (n - 2);
  const double sdnn = std::sqrt(ss / (n - 1)), rmssd = std::sqrt(sd2 / (n - 1));
  auto const& h = j["hrv"];
  CHECK(h["mean_nn_ms"].get<double>() == Approx(mean).epsilon(1e-6));
  CHECK(h["sdnn_ms"].get<double>() == Approx(sdnn).epsilon(1e-6));
  CHECK(h["rmssd_ms"].get<double>() == Approx(rmssd).epsilon(1e-6));
  CHECK(h["pnn50_pct"].get<double>() == Approx(100 * over50 / (n - 1)).epsilon(1e-6));
  CHECK(h["mean_hr_bpm"].get<double>() == Approx(60000 / mean).epsilon(1e-6));
  // Poincare: SD1 = SDSD / sqrt 2, SD2 = sqrt(2 SDNN^2 - SD1^2) (Brennan 2001).
  const double sd1 = std::sqrt(sdsd2 / 2);
  CHECK(h["sd1_ms"].get<double>() == Approx(sd1).epsilon(1e-3));
  CHECK(h["sd2_ms"].get<double>() == Approx(std::sqrt(2 * sdnn * sdnn - sd1 * sd1)).epsilon(1e-3));
  // The spectrum holds what was drawn: the 0.25 Hz RSA (35 ms amplitude) in HF, the 0.1 Hz Mayer
  // wave (20 ms) in LF; the peaks within one Welch bin (1/256 s = 0.004 Hz) of them. Powers are
  // A^2/2 = 612 and 200 ms^2 at sampled-in-beats accuracy (10 %); LF/HF is their ratio.
  CHECK(h["hf_peak_hz"].get<double>() == Approx(0.25).margin(0.004));
  CHECK(h["lf_peak_hz"].get<double>() == Approx(0.10).margin(0.004));
  CHECK(h["hf_ms2"].get<double>() == Approx(612.5).epsilon(0.10));
  CHECK(h["lf_ms2"].get<double>() == Approx(200).epsilon(0.10));
  CHECK(h["poor_quality"] == false);
}

TEST_CASE("analyze heart: an EDF+ ECG written with EDFlib is analysed", "[e2e][heart]") {
  const auto path = temp_file("ecg.edf");
  const int fs = 250, seconds = 120;
  const int h = edfopen_file_writeonly(path.c_str(), EDFLIB_FILETYPE_EDFPLUS, 1);
  REQUIRE(h >= 0);
  edf_set_samplefrequency(h, 0, fs);
  edf_set_physical_maximum(h, 0, 5000);
  edf_set_physical_minimum(h, 0, -5000);
  edf_set_digital_maximum(h, 0, 32767);
  edf_set_digital_minimum(h, 0, -32768);
  edf_set_label(h, 0, "ECG");
  edf_set_physical_dimension(h, 0, "uV");
  std::vector<double> beats;
  for (double t = 0.4; t < seconds; t += 0.85 + 0.05 * std::sin(0.5 * t)) beats.push_back(t);
  std::vector<double> rec(fs);
  std::size_t next = 0;
  for (int s = 0; s < seconds; ++s) {
    for (int i = 0; i < fs; ++i) {
      const double t = s + static_cast<double>(i) / fs;
      while (next + 1 < beats.size() && beats[next + 1] < t - 0.5) ++next;
      double v = 50 * std::sin(2 * std::numbers::pi * 0.2 * t);
      for (std::size_t b = next; b < beats.size() && beats[b] < t + 0.5; ++b)
        v += 1200 * std::exp(-0.5 * std::pow((t - beats[b]) / 0.01, 2)) + 250 * std::exp(-0.5 * std::pow((t - beats[b] - 0.25) / 0.05, 2));
      rec[static_cast<std::size_t>(i)] = v;
    }
    REQUIRE(edfwrite_physical_samples(h, rec.data()) == 0);
  }
  edfclose_file(h);
  const auto j = analyze(path.string() + " --kind ecg");
  std::filesystem::remove(path);
  CHECK(j["ecg"]["r_peaks_s"].size() == beats.size());
  CHECK(j["ecg"]["fs_hz"] == 250.0);
  CHECK(j["hrv"]["mean_nn_ms"].get<double>() == Approx(850).epsilon(0.02));
}

TEST_CASE("analyze heart: bad input gives a one-line error or a quality flag, never a crash", "[e2e][heart]") {
  CHECK(run_process(pneuma_binary() + " analyze /nonexistent.csv --kind rr --json").exit_code == 1);
  const auto empty = temp_file("empty.txt");
  { std::ofstream out(empty); }
  const auto r = run_process(pneuma_binary() + " analyze " + empty.string() + " --kind rr --json", true);
  CHECK(r.exit_code == 1);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  std::filesystem::remove(empty);
  // Absurd and constant intervals: analysed, flagged, no crash.
  const auto odd = temp_file("odd.txt");
  {
    std::ofstream out(odd);
    // a false detection 10 ms after a beat (10 + 790), and a 10 s dropout
    for (int i = 0; i < 300; ++i) out << (i == 100 ? "10\n790" : i == 200 ? "10000" : "800") << "\n";
  }
  const auto j = analyze(odd.string() + " --kind rr");
  std::filesystem::remove(odd);
  CHECK(j["rr"]["artifacts"]["gaps"] == 1);
  CHECK(j["hrv"]["sdnn_ms"].get<double>() < 1.0);
  CHECK(j["hrv"]["stress_index"].is_null()); // constant: undefined, reported as null
  // A CSV ECG with a sampling rate that makes no sense for it.
  const auto csv = temp_file("ecg.csv");
  {
    std::ofstream out(csv);
    out << "ECG\n";
    for (int i = 0; i < 5000; ++i) out << std::sin(i * 0.01) << "\n";
  }
  CHECK(run_process(pneuma_binary() + " analyze " + csv.string() + " --kind ecg --fs 10 --json").exit_code == 2);
  const auto k = analyze(csv.string() + " --kind ecg --fs 250");
  std::filesystem::remove(csv);
  CHECK(k["ecg"]["quality_ok"] == false);
}

TEST_CASE("analyze heart: an ECG with a belt column gives RSA per breath and HR-breathing coupling", "[e2e][heart]") {
  // 6 breaths/min; HR rises during inhalation: RR = 900 - 100 sin(2 pi 0.1 t) (p2t ~200 ms).
  const double fs = 250, seconds = 180;
  std::vector<double> beats;
  for (double t = 0.3; t < seconds;) {
    beats.push_back(t);
    t += (900 - 100 * std::sin(2 * std::numbers::pi * 0.1 * t)) / 1000;
  }
  const auto path = temp_file("ecg_resp.csv");
  {
    std::ofstream out(path);
    out << "ECG,RESP\n";
    std::size_t next = 0;
    for (int i = 0; i < static_cast<int>(seconds * fs); ++i) {
      const double t = i / fs;
      while (next + 1 < beats.size() && beats[next + 1] < t - 0.5) ++next;
      double v = 0;
      for (std::size_t b = next; b < beats.size() && beats[b] < t + 0.5; ++b)
        v += 1.0 * std::exp(-0.5 * std::pow((t - beats[b]) / 0.01, 2)) + 0.2 * std::exp(-0.5 * std::pow((t - beats[b] - 0.25) / 0.05, 2));
      out << v << "," << std::sin(2 * std::numbers::pi * 0.1 * t) << "\n";
    }
  }
  const auto j = analyze(path.string() + " --kind ecg --column ECG --fs 250");
  std::filesystem::remove(path);
  REQUIRE(j.contains("rsa"));
  CHECK(j["rsa"]["signal"] == "RESP");
  CHECK(j["rsa"]["breaths"].get<int>() >= 15);
  CHECK(j["hrv"]["rsa_p2t_ms"].get<double>() == Approx(200).margin(25));
  CHECK(j["rsa"]["breathing_hz"].get<double>() == Approx(0.1).margin(0.01));
  CHECK(j["rsa"]["hr_resp_msc"].get<double>() > 0.9);
  // Each RR is drawn at its first beat but belongs (as HR) to its last: HR lags the belt by one mean
  // RR, 0.9 s at 0.1 Hz = -32.4 degrees.
  CHECK(j["rsa"]["hr_resp_phase_deg"].get<double>() == Approx(-32.4).margin(5));
}
