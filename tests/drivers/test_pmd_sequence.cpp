// The PMD start sequence from byte fixtures (protocols.md §2): commands out, answers in.
#include <catch2/catch.hpp>
#include <vector>

#include "drivers/parser_support.hpp"
#include "pneuma/drivers/parsers/pmd_sequence.hpp"

using namespace pneuma::drivers;
using pneuma::test::hex;
using Event = PmdStartSequence::Step::Event;

namespace {
std::vector<std::uint8_t> bytes_of(PmdCommand const& c) { return {c.view().begin(), c.view().end()}; }
std::vector<std::uint8_t> bytes_of(std::optional<PmdCommand> const& c) {
  REQUIRE(c.has_value());
  return bytes_of(*c);
}
const auto kStartEcg = hex("02 00 00 01 82 00 01 01 0E 00");             // ECG 130 Hz, 14 bit
const auto kStartAcc = hex("02 02 00 01 C8 00 01 01 10 00 02 01 08 00"); // ACC 200 Hz, 16 bit, 8 G
} // namespace

TEST_CASE("pmd sequence: ECG alone is started, answered, and stopped on shutdown", "[drivers]") {
  PmdStartSequence seq(PmdSequenceConfig{true, false});
  CHECK(seq.stop_commands().count == 0); // nothing requested: nothing to stop
  CHECK(bytes_of(seq.begin()) == kStartEcg);
  CHECK_FALSE(seq.begin().has_value()); // one START per connection
  CHECK(seq.requested(PmdType::ecg));
  CHECK_FALSE(seq.started(PmdType::ecg));
  const auto step = seq.on_control(hex("F0 02 00 00 00"));
  CHECK(step.event == Event::started);
  CHECK(step.type == PmdType::ecg);
  CHECK_FALSE(step.next.has_value());
  CHECK(seq.started(PmdType::ecg));
  CHECK(seq.settled());
  const auto stops = seq.stop_commands();
  REQUIRE(stops.count == 1);
  CHECK(bytes_of(stops.command[0]) == hex("03 00"));
}

TEST_CASE("pmd sequence: ACC is requested after the ECG answer; both stopped, ACC first", "[drivers]") {
  PmdStartSequence seq(PmdSequenceConfig{true, true});
  CHECK(bytes_of(seq.begin()) == kStartEcg);
  CHECK_FALSE(seq.requested(PmdType::acc)); // one request outstanding at a time
  const auto ecg = seq.on_control(hex("F0 02 00 00 00"));
  CHECK(ecg.event == Event::started);
  CHECK(bytes_of(ecg.next) == kStartAcc);
  CHECK_FALSE(seq.settled());
  // the ACC answer carries FACTOR 1.5 (setting 5, one float32)
  const auto acc = seq.on_control(hex("F0 02 02 00 00 05 01 00 00 C0 3F"));
  CHECK(acc.event == Event::started);
  CHECK(acc.type == PmdType::acc);
  CHECK(acc.factor == 1.5f);
  CHECK_FALSE(acc.next.has_value());
  CHECK(seq.settled());
  const auto stops = seq.stop_commands();
  REQUIRE(stops.count == 2);
  CHECK(bytes_of(stops.command[0]) == hex("03 02"));
  CHECK(bytes_of(stops.command[1]) == hex("03 00"));
}

TEST_CASE("pmd sequence: a refused ECG still goes on to ACC; already-in-state counts as started", "[drivers]") {
  PmdStartSequence seq(PmdSequenceConfig{true, true});
  (void)seq.begin();
  const auto ecg = seq.on_control(hex("F0 02 00 03 00")); // NOT_SUPPORTED
  CHECK(ecg.event == Event::refused);
  CHECK(ecg.status == 3);
  CHECK(bytes_of(ecg.next) == kStartAcc);
  CHECK_FALSE(seq.started(PmdType::ecg));
  const auto acc = seq.on_control(hex("F0 02 02 06 00")); // ALREADY_IN_STATE
  CHECK(acc.event == Event::started);
  // refused or not, what was requested is stopped
  CHECK(seq.stop_commands().count == 2);
}

TEST_CASE("pmd sequence: ACC alone is requested first", "[drivers]") {
  PmdStartSequence seq(PmdSequenceConfig{false, true});
  CHECK(bytes_of(seq.begin()) == kStartAcc);
  CHECK(seq.on_control(hex("F0 02 02 00 00")).event == Event::started);
  const auto stops = seq.stop_commands();
  REQUIRE(stops.count == 1);
  CHECK(bytes_of(stops.command[0]) == hex("03 02"));
}

TEST_CASE("pmd sequence: other answers, unprompted stops and garbage change nothing", "[drivers]") {
  PmdStartSequence seq(PmdSequenceConfig{true, true});
  (void)seq.begin();
  CHECK(seq.on_control(hex("F0 01 00 00 00 00 01 82 00")).event == Event::none); // a GET answer
  CHECK(seq.on_control(hex("F0 03 00 00 00")).event == Event::none);             // a STOP answer
  CHECK(seq.on_control(hex("F0 02 02 00 00")).event == Event::none);             // ACC never asked yet
  CHECK(seq.on_control(hex("F0 02")).event == Event::malformed);
  CHECK(seq.on_control(hex("55 55 55")).event == Event::malformed);
  CHECK(seq.on_control({}).event == Event::malformed);
  const auto stopped = seq.on_control(hex("01 00"));
  CHECK(stopped.event == Event::stopped_by_sensor);
  CHECK_FALSE(stopped.next.has_value());
  CHECK_FALSE(seq.requested(PmdType::acc));
  CHECK_FALSE(seq.started(PmdType::ecg));
  // the real answer still works afterwards
  CHECK(bytes_of(seq.on_control(hex("F0 02 00 00 00")).next) == kStartAcc);
  // a repeated ECG answer does not request ACC twice
  CHECK_FALSE(seq.on_control(hex("F0 02 00 00 00")).next.has_value());
}

TEST_CASE("pmd sequence: reset starts a new connection from idle", "[drivers]") {
  PmdStartSequence seq(PmdSequenceConfig{true, false});
  (void)seq.begin();
  (void)seq.on_control(hex("F0 02 00 00 00"));
  seq.reset();
  CHECK_FALSE(seq.started(PmdType::ecg));
  CHECK(seq.stop_commands().count == 0);
  CHECK(bytes_of(seq.begin()) == kStartEcg);
}

TEST_CASE("pmd sequence: nothing asked, nothing written", "[drivers]") {
  PmdStartSequence seq(PmdSequenceConfig{false, false});
  CHECK_FALSE(seq.begin().has_value());
  CHECK(seq.settled());
  CHECK(seq.stop_commands().count == 0);
}

TEST_CASE("pmd sequence: a stop that names no stream stops none and is not malformed", "[drivers]") {
  PmdStartSequence seq(PmdSequenceConfig{true, false});
  (void)seq.begin();
  (void)seq.on_control(hex("F0 02 00 00 00"));
  REQUIRE(seq.started(PmdType::ecg));
  CHECK(seq.on_control(hex("01")).event == Event::none);
  CHECK(seq.started(PmdType::ecg));
}
