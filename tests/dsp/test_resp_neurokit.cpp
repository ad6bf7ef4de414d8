// Against the peer: NeuroKit2 0.2.12 rsp_process (khodadad2018, offline, zero-phase) on the real
// respiration recordings without breath annotations (../shared/reference/neurokit).
//
// bidmc_01 RESP (ICU impedance, 8 min): breath count within 3 % and mean rate within 0.3/min.
// bio_resting_5min_100hz RSP (belt, 5 min): the two differ by more than 3 % in count, and the
// difference was inspected breath by breath. Every NeuroKit breath but one is found here (within
// +-0.75 s); Pneuma's extra breaths (at ~0.5, 119.6, 122.3, 221.4, 230.5, 233.7, 299.3 s) are
// complete inhale-exhale cycles of 30-100 % of the neighbours' depth that NeuroKit drops with its
// 0.3 x median-amplitude rule (221.4 s is a full-depth breath; 0.5 and 299.3 s are at the edges,
// where NeuroKit's zero-phase filter start-up hides them; 230.5 s is inside a movement artefact
// and is the only doubtful one). NeuroKit's one breath not found here (252.8 s) is a shallow
// breath. So the test asserts: NeuroKit's breaths are found (>= 98 %), and Pneuma's count is within
// 10 % above NeuroKit's.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dsp/test_resp_common.hpp"
#include "pneuma/dsp/resp_offline.hpp"
#include "support/shared_data.hpp"

using namespace pneuma::dsp;
using namespace pneuma::test;

namespace {

struct PeerResult {
  std::vector<double> peaks_s;
  double rate_bpm = 0;
};

PeerResult load_peer(std::filesystem::path const& file) {
  std::ifstream in(file);
  const auto j = nlohmann::json::parse(in);
  PeerResult r;
  const double fs = j.at("sampling_rate").get<double>();
  for (auto const& p : j.at("rsp_peaks")) r.peaks_s.push_back(p.get<double>() / fs);
  r.rate_bpm = j.at("rate_from_peaks_bpm").get<double>();
  return r;
}

} // namespace

TEST_CASE("resp vs NeuroKit2: bidmc_01 impedance, count within 3 % and rate within 0.3/min", "[dsp][resp]") {
  const auto data = shared_path("data/bidmc_01/bidmc_01_125hz.csv");
  const auto ref = shared_path("reference/neurokit/bidmc_01__RESP.json");
  if (!data || !ref) return;
  const auto x = csv_column(*data, "RESP");
  const auto peer = load_peer(*ref);
  const auto ours = analyze_respiration(x, SampleRate(125.0));
  const auto n_ours = static_cast<double>(ours.breaths.size());
  const auto n_peer = static_cast<double>(peer.peaks_s.size());
  INFO("Pneuma " << n_ours << " breaths, " << ours.summary.rate_bpm << "/min; NeuroKit " << n_peer
                 << ", " << peer.rate_bpm << "/min");
  CHECK(std::abs(n_ours - n_peer) <= 0.03 * n_peer);
  CHECK(std::abs(ours.summary.rate_bpm - peer.rate_bpm) <= 0.3);
  const Match m = match_events(peaks_of(ours.breaths), peer.peaks_s, 0.75);
  CHECK(m.f1() >= 0.97);
}

TEST_CASE("resp vs NeuroKit2: resting belt, NeuroKit's breaths found and the extras explained", "[dsp][resp]") {
  const auto data = shared_path("data/neurokit_bio_resting_5min_100hz/bio_resting_5min_100hz.csv");
  const auto ref = shared_path("reference/neurokit/neurokit_bio_resting_5min_100hz__RSP.json");
  if (!data || !ref) return;
  const auto x = csv_column(*data, "RSP");
  const auto peer = load_peer(*ref);
  const auto ours = analyze_respiration(x, SampleRate(100.0));
  const auto det = peaks_of(ours.breaths);
  const Match m = match_events(det, peer.peaks_s, 0.75);
  INFO("Pneuma " << det.size() << " breaths, " << ours.summary.rate_bpm << "/min; NeuroKit "
                 << peer.peaks_s.size() << ", " << peer.rate_bpm << "/min; matched " << m.tp);
  CHECK(static_cast<double>(m.tp) >= 0.98 * static_cast<double>(peer.peaks_s.size()));
  CHECK(det.size() >= peer.peaks_s.size());
  CHECK(static_cast<double>(det.size()) <= 1.10 * static_cast<double>(peer.peaks_s.size()));
  // The rate differs only through the extra (real) breaths: per extra breath the mean period
  // shortens by about 1/77; the difference stays below 1/min.
  CHECK(std::abs(ours.summary.rate_bpm - peer.rate_bpm) <= 1.0);
}
