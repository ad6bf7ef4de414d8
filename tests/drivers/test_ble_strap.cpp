// BLE straps through BlueZ, against a private dbus-daemon + python-dbusmock bluetoothd with GATT
// objects (tests/mocks/bluez_gatt.py): notifications, Polar PMD start/stop, disconnect, replug
// with new object paths, bluetoothd restart, and `pneuma devices`.
#include <catch2/catch.hpp>
#include <iostream>

#include "drivers/dbus_mock_support.hpp"
#include "drivers/link_support.hpp"
#include "drivers/parser_support.hpp"
#include "pneuma/drivers/ble/ble.hpp"
#include "pneuma/drivers/io_thread.hpp"
#include "pneuma/drivers/parsers/pmd.hpp"
#include "support/process.hpp"
#include "support/skip.hpp"

using namespace pneuma::drivers;
using pneuma::test::hex;
using pneuma::test::MockBluez;
using pneuma::test::SyncSink;
using State = DeviceStatus::State;

namespace {
const std::string kStrap = "/org/bluez/hci0/dev_A0_9E_1A_12_34_56";
const std::string kHrm = "00002a37-0000-1000-8000-00805f9b34fb";

#define SKIP_WITHOUT_DBUSMOCK()                                                  \
  if (const auto why = MockBluez::missing(); !why.empty()) PNEUMA_SKIP(why)

BleConfig fast(bool ecg = false) {
  BleConfig c;
  c.backoff_min_s = 0.1;
  c.backoff_max_s = 0.4;
  c.ecg = ecg;
  return c;
}

struct BleRig {
  SessionClock clock;
  IoThread io;
  SyncSink sink;
  std::unique_ptr<Device> device;
  explicit BleRig(BleConfig c) {
    device = make_ble_strap(io.executor(), clock, std::move(c));
    device->start(sink);
    io.start();
  }
  ~BleRig() {
    device->stop();
    io.stop();
  }
  std::string statuses() const {
    std::string s;
    for (auto const& st : sink.of<DeviceStatus>()) s += std::string(st.message()) + "\n";
    return s;
  }
};
} // namespace

TEST_CASE("ble strap: heart rate and RR from notifications, battery read", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.add_strap("A0:9E:1A:12:34:56", "Garmin HRM-Dual", false);
  BleRig rig(fast());
  const bool ready = bluez.notify_when_ready(kStrap, kHrm, hex("10 4b"));
  INFO(rig.statuses());
  REQUIRE(ready);
  REQUIRE(bluez.notify(kStrap, kHrm, hex("10 48 f8 03")));
  REQUIRE(bluez.notify(kStrap, kHrm, hex("10 47 0c 03 ee 02")));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<RrInterval>() == 3; }));
  INFO(rig.statuses());
  const auto hr = rig.sink.of<HeartRate>();
  REQUIRE(hr.size() == 3);
  CHECK(hr[0].bpm == 75);
  CHECK(hr[2].bpm == 71);
  const auto rr = rig.sink.of<RrInterval>();
  CHECK(rr[0].ticks == 1016);
  CHECK(rr[1].ticks == 780);
  CHECK(rr[2].ticks == 750);
  // The battery is read asynchronously and may answer after the notifications.
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<BatteryLevel>() >= 1; }));
  CHECK(rig.sink.count<BatteryLevel>() == 1);
  CHECK(rig.sink.of<BatteryLevel>()[0].percent == 87);
  CHECK(rig.sink.saw_state(State::streaming));
}

TEST_CASE("ble strap: Polar H10 ECG is started, decoded and stopped on shutdown", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.add_strap("A0:9E:1A:12:34:56", "Polar H10 1234ABCD", true);
  auto rig = std::make_unique<BleRig>(fast(true));
  const std::string data = std::string(kPmdDataUuid);
  REQUIRE(bluez.notify_when_ready(kStrap, data, hex("00 da eb c3 9e 98 43 52 08 00 88 ff ff 23 00 00 00 04 00")));
  REQUIRE(rig->sink.wait([&] { return rig->sink.count<EcgSample>() == 3; }));
  const auto ecg = rig->sink.of<EcgSample>();
  CHECK(ecg[0].microvolts == -120);
  CHECK(ecg[1].microvolts == 35);
  CHECK(ecg[2].microvolts == 1024);
  CHECK(ecg[2].t_s - ecg[1].t_s == Approx(1.0 / 130).margin(2e-6)); // device spacing kept
  // The START follows the feature read, which answers asynchronously: the mock's frame can come
  // first (a real H10 sends none before the START).
  REQUIRE(rig->sink.wait([&] { return !bluez.writes(kStrap).empty(); }));
  auto w = bluez.writes(kStrap);
  CHECK(w[0] == hex("02 00 00 01 82 00 01 01 0E 00")); // start ECG 130 Hz, 14 bit
  rig.reset(); // shutdown
  w = bluez.writes(kStrap);
  REQUIRE(w.size() >= 2);
  CHECK(w.back() == hex("03 00")); // STOP ECG: the H10 would stream until its battery dies
}

TEST_CASE("ble strap: Polar ACC after ECG, both stopped on shutdown", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.add_strap("A0:9E:1A:12:34:56", "Polar H10 1234ABCD", true);
  BleConfig c = fast(true);
  c.acc = true;
  auto rig = std::make_unique<BleRig>(c);
  REQUIRE(rig->sink.wait([&] { return bluez.writes(kStrap).size() >= 2; }));
  auto w = bluez.writes(kStrap);
  CHECK(w[0] == hex("02 00 00 01 82 00 01 01 0E 00"));
  CHECK(w[1] == hex("02 02 00 01 C8 00 01 01 10 00 02 01 08 00")); // ACC 200 Hz, 16 bit, 8 G
  // ACC frame type 1: int16 x, y, z in mG
  REQUIRE(bluez.notify_when_ready(kStrap, std::string(kPmdDataUuid),
                                  hex("02 00 00 00 00 00 00 00 10 01 e8 03 18 fc 00 00")));
  REQUIRE(rig->sink.wait([&] { return rig->sink.count<AccSample>() == 1; }));
  CHECK(rig->sink.of<AccSample>()[0].x_mg == 1000);
  CHECK(rig->sink.of<AccSample>()[0].y_mg == -1000);
  rig.reset();
  w = bluez.writes(kStrap);
  REQUIRE(w.size() == 4);
  CHECK(w[2] == hex("03 02"));
  CHECK(w[3] == hex("03 00"));
}

TEST_CASE("ble strap: an H10's feature read (ECG, ACC) means PPI is never asked for", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez; // the mock's control point reads 0F 05 00, as an H10's
  bluez.add_strap("A0:9E:1A:12:34:56", "Polar H10 1234ABCD", true);
  BleConfig c = fast(true);
  c.acc = true;
  REQUIRE(c.ppi); // on by default
  auto rig = std::make_unique<BleRig>(c);
  REQUIRE(rig->sink.wait([&] { return rig->statuses().find("Polar ECG and ACC") != std::string::npos; }));
  INFO(rig->statuses());
  CHECK(rig->statuses().find("refused") == std::string::npos);
  CHECK(rig->statuses().find("PPI") == std::string::npos);
  rig.reset();
  const auto w = bluez.writes(kStrap);
  REQUIRE(w.size() == 4); // START ECG, START ACC, STOP ACC, STOP ECG: no 02 03, no 03 03
  for (auto const& write : w) CHECK(write[1] != 0x03);
}

TEST_CASE("ble strap: a Verity Sense streams optical beats (PPI), stopped on shutdown", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.set_pmd_features(hex("0F 6E 00")); // PPG, ACC, PPI, gyro, magnetometer: no ECG
  bluez.add_strap("A0:9E:1A:12:34:56", "Polar Sense 1234ABCD", true);
  auto rig = std::make_unique<BleRig>(fast(true)); // ecg on, acc off, ppi on (defaults)
  REQUIRE(rig->sink.wait([&] { return rig->statuses().find("optical beats (PPI") != std::string::npos; }));
  INFO(rig->statuses());
  CHECK(rig->statuses().find("refused") == std::string::npos);
  auto w = bluez.writes(kStrap);
  REQUIRE(w.size() == 1);
  CHECK(w[0] == hex("02 03")); // START PPI, no settings (no ECG asked of a sensor without it)
  // a PPI frame: 60 bpm, 1000 ms, error 10 ms, skin contact
  REQUIRE(bluez.notify_when_ready(kStrap, std::string(kPmdDataUuid),
                                  hex("03 00 00 00 00 00 00 00 00 00 3c e8 03 0a 00 06")));
  REQUIRE(rig->sink.wait([&] { return rig->sink.count<RrInterval>() == 1; }));
  const auto rr = rig->sink.of<RrInterval>()[0];
  CHECK(rr.optical);
  CHECK(rr.ms() == Approx(1000).margin(0.5));
  rig.reset();
  w = bluez.writes(kStrap);
  REQUIRE(w.size() == 2);
  CHECK(w[1] == hex("03 03")); // STOP PPI
}

TEST_CASE("ble strap: an H10 that never answers its ECG start still gets ACC, and says so", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.set_start_status(0, 0xFF); // the ECG START's indication is lost
  bluez.add_strap("A0:9E:1A:12:34:56", "Polar H10 1234ABCD", true);
  BleConfig c = fast(true);
  c.acc = true;
  c.pmd_answer_s = 0.3;
  auto rig = std::make_unique<BleRig>(c);
  REQUIRE(rig->sink.wait([&] { return rig->statuses().find("streaming heart rate and Polar ACC") != std::string::npos; }));
  INFO(rig->statuses());
  CHECK(rig->statuses().find("Polar ECG start not answered; trying the next stream") != std::string::npos);
  rig.reset();
  const auto w = bluez.writes(kStrap);
  REQUIRE(w.size() == 4); // START ECG, START ACC, then STOP ACC and STOP ECG (asked, so stopped)
  CHECK(w[1] == hex("02 02 00 01 C8 00 01 01 10 00 02 01 08 00"));
  CHECK(w[2] == hex("03 02"));
  CHECK(w[3] == hex("03 00"));
}

TEST_CASE("ble strap: an ACC start never answered, the last asked, still says what streams", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.set_start_status(2, 0xFF); // ACC's answer is lost; ECG is answered
  bluez.add_strap("A0:9E:1A:12:34:56", "Polar H10 1234ABCD", true);
  BleConfig c = fast(true);
  c.acc = true;
  c.ppi = false;
  c.pmd_answer_s = 0.3;
  BleRig rig(c);
  REQUIRE(rig.sink.wait([&] {
    return rig.statuses().find("Polar ACC start not answered; streaming heart rate and Polar ECG") != std::string::npos;
  }));
}

TEST_CASE("ble strap: expected refusals on the way to or past PPI are not told as faults", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  SECTION("an H10 whose control point read says nothing refuses PPI: ECG and ACC stream") {
    bluez.set_pmd_features({});                 // the read gives no feature value: all is asked
    bluez.set_start_status(3, 2);               // PPI: invalid measurement type
    bluez.add_strap("A0:9E:1A:12:34:56", "Polar H10 1234ABCD", true);
    BleConfig c = fast(true);
    c.acc = true;
    auto rig = std::make_unique<BleRig>(c);
    REQUIRE(rig->sink.wait([&] { return rig->statuses().find("Polar ECG and ACC") != std::string::npos; }));
    INFO(rig->statuses());
    CHECK(rig->statuses().find("refused") == std::string::npos);
    rig.reset();
    const auto w = bluez.writes(kStrap);
    REQUIRE(w.size() == 6); // the one refused request costs one STOP more on shutdown
    CHECK(w[2] == hex("02 03"));
    CHECK(w[3] == hex("03 03"));
  }
  SECTION("a Verity Sense refuses the H10's 200 Hz ACC (asked for by default): PPI streams") {
    bluez.set_pmd_features(hex("0F 6E 00"));
    bluez.set_start_status(2, 8); // ACC: invalid sample rate
    bluez.add_strap("A0:9E:1A:12:34:56", "Polar Sense 1234ABCD", true);
    auto rig = std::make_unique<BleRig>(ble_config_from_spec(SourceSpec::parse("ble:auto")));
    REQUIRE(rig->sink.wait([&] { return rig->statuses().find("optical beats (PPI") != std::string::npos; }));
    INFO(rig->statuses());
    CHECK(rig->statuses().find("refused") == std::string::npos);
    const auto w = bluez.writes(kStrap);
    REQUIRE(w.size() == 2);
    CHECK(w[0] == hex("02 02 00 01 C8 00 01 01 10 00 02 01 08 00"));
    CHECK(w[1] == hex("02 03"));
  }
  SECTION("a real fault is still told") {
    bluez.set_start_status(0, 13); // ECG: device in charger
    bluez.add_strap("A0:9E:1A:12:34:56", "Polar H10 1234ABCD", true);
    BleRig rig(fast(true));
    REQUIRE(rig.sink.wait([&] { return rig.statuses().find("Polar ECG refused: device in charger") != std::string::npos; }));
  }
}

TEST_CASE("ble strap: silence is reported as stalled and ends in a gap", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.add_strap("A0:9E:1A:12:34:56", "Polar H10 1234ABCD", false);
  BleConfig c = fast();
  c.stall_s = 0.3;
  BleRig rig(c);
  REQUIRE(bluez.notify_when_ready(kStrap, kHrm, hex("10 4b")));
  REQUIRE(rig.sink.wait([&] { return rig.sink.saw_state(State::stalled); }));
  REQUIRE(bluez.notify(kStrap, kHrm, hex("10 4c")));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<HeartRate>() == 2; }));
  CHECK(rig.sink.count<SignalGap>() == 1);
  CHECK(rig.sink.of<DeviceStatus>().back().state == State::streaming);
}

TEST_CASE("ble strap: garbage notifications are counted and reported, not fatal", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.add_strap("A0:9E:1A:12:34:56", "Cheap strap", false);
  BleRig rig(fast());
  REQUIRE(bluez.notify_when_ready(kStrap, kHrm, hex("10 48 00 04 ee"))); // odd trailing byte
  REQUIRE(bluez.notify(kStrap, kHrm, hex("11")));                        // too short
  REQUIRE(bluez.notify(kStrap, kHrm, hex("10 4b")));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<HeartRate>() == 2; }));
  CHECK(rig.sink.of<RrInterval>().size() == 1); // the good RR of the first one survives
  CHECK(rig.statuses().find("malformed or lost notifications") != std::string::npos);
}

TEST_CASE("ble strap: a refused PMD start is reported and heart rate keeps flowing", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.set_control_point_status(13); // device in charger
  bluez.add_strap("A0:9E:1A:12:34:56", "Polar H10 1234ABCD", true);
  BleRig rig(fast(true));
  REQUIRE(rig.sink.wait([&] { return rig.statuses().find("refused: device in charger") != std::string::npos; }));
  REQUIRE(bluez.notify_when_ready(kStrap, kHrm, hex("10 4b")));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<HeartRate>() == 1; }));
}

TEST_CASE("ble strap: disconnect, then reconnect with new object paths", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.add_strap("A0:9E:1A:12:34:56", "Polar H7", false);
  BleRig rig(fast());
  REQUIRE(bluez.notify_when_ready(kStrap, kHrm, hex("10 4b")));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<HeartRate>() == 1; }));
  const auto before = bluez.characteristic_paths(kStrap);
  bluez.drop_link(kStrap); // out of range
  REQUIRE(rig.sink.wait([&] { return rig.sink.saw_state(State::lost); }));
  // the driver reconnects by itself; the GATT tree comes back under new handles
  REQUIRE(bluez.notify_when_ready(kStrap, kHrm, hex("10 4c")));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<HeartRate>() == 2; }));
  CHECK(rig.sink.of<HeartRate>()[1].bpm == 76);
  const auto after = bluez.characteristic_paths(kStrap);
  REQUIRE(!after.empty());
  CHECK(after != before);
  CHECK(rig.sink.count<SignalGap>() == 1); // the silence is a gap, not interpolated
}

TEST_CASE("ble strap: survives a bluetoothd restart", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.add_strap("A0:9E:1A:12:34:56", "Polar H9", false);
  BleConfig c = fast();
  c.address = "a0:9e:1a:12:34:56";
  BleRig rig(c);
  REQUIRE(bluez.notify_when_ready(kStrap, kHrm, hex("10 4b")));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<HeartRate>() == 1; }));
  bluez.kill_bluetoothd();
  REQUIRE(rig.sink.wait([&] { return rig.statuses().find("bluetoothd restarted") != std::string::npos; }));
  bluez.start_bluetoothd();
  bluez.add_strap("A0:9E:1A:12:34:56", "Polar H9", false);
  REQUIRE(bluez.notify_when_ready(kStrap, kHrm, hex("10 50")));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<HeartRate>() == 2; }));
  CHECK(rig.sink.of<HeartRate>()[1].bpm == 80);
}

TEST_CASE("ble strap: no adapter and no BlueZ are reported, not fatal", "[drivers][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.kill_bluetoothd();
  {
    BleRig rig(fast());
    REQUIRE(rig.sink.wait([&] { return rig.statuses().find("BlueZ (bluetoothd) is not running") != std::string::npos; }));
  }
  bluez.start_bluetoothd(false);
  BleRig rig(fast());
  REQUIRE(rig.sink.wait([&] { return rig.statuses().find("no Bluetooth adapter found") != std::string::npos; }));
}

TEST_CASE("ble source strings: bad addresses and options are one-line errors", "[drivers]") {
  CHECK_THROWS_WITH(ble_config_from_spec(SourceSpec::parse("ble:AA:BB")), Catch::Contains("expected ble:auto"));
  CHECK_THROWS_WITH(ble_config_from_spec(SourceSpec::parse("ble:auto?hr=1")), Catch::Contains("unknown"));
  const auto c = ble_config_from_spec(SourceSpec::parse("ble:A0:9E:1A:12:34:56?acc=1"));
  CHECK(c.address == "A0:9E:1A:12:34:56");
  CHECK(c.acc);
  CHECK(c.ecg);
  CHECK(c.ppi); // optical beats asked for by default: a Verity Sense / OH1 gives HRV out of the box
  CHECK_FALSE(ble_config_from_spec(SourceSpec::parse("ble:auto?ppi=0")).ppi);
  CHECK_THROWS_WITH(ble_config_from_spec(SourceSpec::parse("ble:auto?ppi=2")), Catch::Contains("ppi"));
}

TEST_CASE("devices: lists straps advertising 0x180D, explains a missing BlueZ", "[drivers][ble][e2e]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.add_strap("A0:9E:1A:12:34:56", "Polar H10 1234ABCD", true);
  auto r = pneuma::test::run_process(pneuma::test::pneuma_binary() + " devices --seconds 0.5", true);
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("A0:9E:1A:12:34:56  Polar H10 1234ABCD") != std::string::npos);
  CHECK(r.out.find("Polar PMD (ECG/ACC)") != std::string::npos);
  CHECK(r.out.find("--source ble:A0:9E:1A:12:34:56") != std::string::npos);
  bluez.kill_bluetoothd();
  r = pneuma::test::run_process(pneuma::test::pneuma_binary() + " devices --seconds 0.5", true);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("pneuma devices: BlueZ (bluetoothd) is not running") != std::string::npos);
}
