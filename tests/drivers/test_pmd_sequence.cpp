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

TEST_CASE("pmd sequence: a START never answered is given up, the next is asked, a late answer still counts",
          "[drivers]") {
  PmdStartSequence seq(PmdSequenceConfig{true, true});
  CHECK_FALSE(seq.awaiting());
  CHECK(seq.on_unanswered().event == Event::none); // nothing outstanding: nothing to give up
  CHECK(bytes_of(seq.begin()) == kStartEcg);
  CHECK(seq.awaiting());
  const auto gave_up = seq.on_unanswered();
  CHECK(gave_up.event == Event::unanswered);
  CHECK(gave_up.type == PmdType::ecg);
  CHECK(bytes_of(gave_up.next) == kStartAcc); // one lost indication does not leave ACC unasked
  const auto acc = seq.on_control(hex("F0 02 02 00 00"));
  CHECK(acc.event == Event::started);
  CHECK_FALSE(acc.next.has_value());
  CHECK(seq.settled());
  // The ECG answer arriving late: started, and nothing more is requested.
  const auto late = seq.on_control(hex("F0 02 00 00 00"));
  CHECK(late.event == Event::started);
  CHECK(late.type == PmdType::ecg);
  CHECK_FALSE(late.next.has_value());
  CHECK(seq.started(PmdType::ecg));
  // Both are stopped on shutdown, the unanswered one too.
  const auto stops = seq.stop_commands();
  REQUIRE(stops.count == 2);
  CHECK(bytes_of(stops.command[0]) == hex("03 02"));
  CHECK(bytes_of(stops.command[1]) == hex("03 00"));
}

TEST_CASE("pmd sequence: ACC is requested after the ECG answer, both stopped, ACC first", "[drivers]") {
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

TEST_CASE("pmd sequence: a refused ECG still goes on to ACC, already-in-state counts as started", "[drivers]") {
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

// PPI (optical pulse-to-pulse intervals: Polar Verity Sense, OH1). Their heart-rate notifications
// carry no RR, so without PPI asked for they give no beats at all. polar-ble-sdk: startPpiStreaming
// starts PPI with an empty setting set (START = op 02, type 03, nothing else); STOP = 03 03;
// features: the control point read, 0F then bit n = type n (PmdMeasurementType.fromByteArray).
namespace {
const auto kStartPpi = hex("02 03");
const auto kStopPpi = hex("03 03");
} // namespace

TEST_CASE("pmd sequence: PPI is started with no settings and stopped, as the SDK does", "[drivers]") {
  CHECK(bytes_of(pmd_start_bare(PmdType::ppi)) == kStartPpi);
  CHECK(bytes_of(pmd_stop(PmdType::ppi)) == kStopPpi);
  PmdStartSequence seq(PmdSequenceConfig{false, false, true});
  CHECK(bytes_of(seq.begin()) == kStartPpi);
  CHECK(seq.requested(PmdType::ppi));
  const auto step = seq.on_control(hex("F0 02 03 00 00"));
  CHECK(step.event == Event::started);
  CHECK(step.type == PmdType::ppi);
  CHECK(seq.started(PmdType::ppi));
  CHECK(seq.settled());
  const auto stops = seq.stop_commands();
  REQUIRE(stops.count == 1);
  CHECK(bytes_of(stops.command[0]) == kStopPpi);
}

TEST_CASE("pmd sequence: an H10 that refuses PPI costs one request: ECG and ACC stream, all three stopped",
          "[drivers]") {
  PmdStartSequence seq(PmdSequenceConfig{true, true, true}); // no feature read
  CHECK(bytes_of(seq.begin()) == kStartEcg);
  CHECK_FALSE(seq.requested(PmdType::ppi)); // one outstanding request at a time
  CHECK(bytes_of(seq.on_control(hex("F0 02 00 00 00")).next) == kStartAcc);
  CHECK_FALSE(seq.requested(PmdType::ppi));
  const auto acc = seq.on_control(hex("F0 02 02 00 00"));
  CHECK(acc.event == Event::started);
  CHECK(bytes_of(acc.next) == kStartPpi); // PPI last, after the ACC answer
  CHECK_FALSE(seq.settled());
  const auto ppi = seq.on_control(hex("F0 02 03 02 00")); // INVALID_MEASUREMENT_TYPE
  CHECK(ppi.event == Event::refused);
  CHECK(ppi.type == PmdType::ppi);
  CHECK(ppi.status == 2);
  CHECK_FALSE(ppi.next.has_value());
  CHECK(seq.settled()); // nothing stalls on the refusal
  CHECK(seq.started(PmdType::ecg));
  CHECK(seq.started(PmdType::acc));
  CHECK_FALSE(seq.started(PmdType::ppi));
  // every requested type is stopped, refused or not, in the reverse order of the starts
  const auto stops = seq.stop_commands();
  REQUIRE(stops.count == 3);
  CHECK(bytes_of(stops.command[0]) == kStopPpi);
  CHECK(bytes_of(stops.command[1]) == hex("03 02"));
  CHECK(bytes_of(stops.command[2]) == hex("03 00"));
}

TEST_CASE("pmd sequence: a Verity Sense that refuses ECG and ACC still gets PPI started", "[drivers]") {
  PmdStartSequence seq(PmdSequenceConfig{true, true, true}); // no feature read
  CHECK(bytes_of(seq.begin()) == kStartEcg);
  const auto ecg = seq.on_control(hex("F0 02 00 03 00")); // NOT_SUPPORTED: no ECG on an optical sensor
  CHECK(ecg.event == Event::refused);
  CHECK(bytes_of(ecg.next) == kStartAcc);
  const auto acc = seq.on_control(hex("F0 02 02 08 00")); // INVALID_SAMPLE_RATE: no 200 Hz ACC
  CHECK(acc.event == Event::refused);
  CHECK(bytes_of(acc.next) == kStartPpi);
  const auto ppi = seq.on_control(hex("F0 02 03 00 00"));
  CHECK(ppi.event == Event::started);
  CHECK(ppi.type == PmdType::ppi);
  CHECK_FALSE(ppi.next.has_value());
  CHECK(seq.settled());
  CHECK(seq.started(PmdType::ppi));
  CHECK_FALSE(seq.started(PmdType::ecg));
  CHECK_FALSE(seq.started(PmdType::acc));
  CHECK(seq.stop_commands().count == 3);
  // the sensor stopping PPI by itself is reported as PPI
  const auto stopped = seq.on_control(hex("01 03"));
  CHECK(stopped.event == Event::stopped_by_sensor);
  CHECK(stopped.type == PmdType::ppi);
}

TEST_CASE("pmd sequence: the feature read skips what the sensor lacks", "[drivers]") {
  SECTION("an H10 (ECG + ACC) is never asked for PPI") {
    PmdStartSequence seq(PmdSequenceConfig{true, true, true});
    CHECK(bytes_of(seq.begin(hex("0F 05 00"))) == kStartEcg);
    REQUIRE(seq.features().has_value());
    CHECK(*seq.features() == 0x05);
    CHECK(bytes_of(seq.on_control(hex("F0 02 00 00 00")).next) == kStartAcc);
    CHECK_FALSE(seq.on_control(hex("F0 02 02 00 00")).next.has_value());
    CHECK(seq.settled());
    CHECK_FALSE(seq.requested(PmdType::ppi));
    CHECK(seq.stop_commands().count == 2);
  }
  SECTION("a Verity Sense (PPG, ACC, PPI, gyro, magnetometer; no ECG) is not asked for ECG") {
    PmdStartSequence seq(PmdSequenceConfig{true, true, true});
    CHECK(bytes_of(seq.begin(hex("0F 6E 00"))) == kStartAcc);
    CHECK_FALSE(seq.requested(PmdType::ecg));
    CHECK(bytes_of(seq.on_control(hex("F0 02 02 08 00")).next) == kStartPpi);
    CHECK(seq.on_control(hex("F0 02 03 00 00")).event == Event::started);
    CHECK(seq.settled());
    const auto stops = seq.stop_commands();
    REQUIRE(stops.count == 2);
    CHECK(bytes_of(stops.command[0]) == kStopPpi);
    CHECK(bytes_of(stops.command[1]) == hex("03 02"));
  }
  SECTION("nothing asked for is offered: nothing written, nothing to stop") {
    PmdStartSequence seq(PmdSequenceConfig{true, false, true});
    CHECK_FALSE(seq.begin(hex("0F 04 00")).has_value()); // ACC only
    CHECK(seq.settled());
    CHECK(seq.stop_commands().count == 0);
  }
  SECTION("a read that is not a feature value counts as unknown: everything asked for is requested") {
    PmdStartSequence seq(PmdSequenceConfig{false, false, true});
    CHECK(bytes_of(seq.begin(hex("F0 02 00 00 00"))) == kStartPpi);
    CHECK_FALSE(seq.features().has_value());
  }
}

TEST_CASE("pmd sequence: the feature value seen on the control point is not malformed", "[drivers]") {
  // BlueZ reports a ReadValue as a value change too, so the notification path sees 0F.. as well.
  PmdStartSequence seq(PmdSequenceConfig{true, false, true});
  CHECK(bytes_of(seq.begin()) == kStartEcg);
  CHECK(seq.on_control(hex("0F 05 00")).event == Event::none);
  CHECK(seq.features() == std::optional<std::uint8_t>{0x05});
  // ECG answered: the sensor said it has no PPI, so nothing more is asked
  CHECK_FALSE(seq.on_control(hex("F0 02 00 00 00")).next.has_value());
  CHECK(seq.settled());
  CHECK(seq.on_control(hex("0F")).event == Event::malformed); // too short to be one
  seq.reset();
  CHECK_FALSE(seq.features().has_value()); // the next connection may be another sensor
}

TEST_CASE("pmd sequence: a late answer to an earlier START keeps one request outstanding", "[drivers]") {
  PmdStartSequence seq(PmdSequenceConfig{true, true, true});
  (void)seq.begin();
  CHECK(bytes_of(seq.on_control(hex("F0 02 00 00 00")).next) == kStartAcc);
  CHECK_FALSE(seq.on_control(hex("F0 02 00 06 00")).next.has_value()); // ECG again, ACC still pending
  CHECK_FALSE(seq.requested(PmdType::ppi));
  CHECK(bytes_of(seq.on_control(hex("F0 02 02 00 00")).next) == kStartPpi);
}
