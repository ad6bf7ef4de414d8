// The start screen: its view model (what it offers, the plain reasons), the device scan and the
// connection trial against the mock BlueZ (tests/mocks/bluez_gatt.py), and the window clicked
// through with synthetic SDL mouse events, from the strap's row to a running session.
// Set PNEUMA_SCREENSHOT_DIR to keep the start screen's frames (docs/screenshots/ came from there).
#include <SDL.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "drivers/dbus_mock_support.hpp"
#include "support/process.hpp"
#include "ui/canvas.hpp"
#include "live/connection_trial.hpp"
#include "live/device_scan.hpp"
#include "live/pipeline.hpp"
#include "pneuma/drivers/clock.hpp"
#include "ui/start_screen.hpp"
#include "ui/trainer_window.hpp"
#include "view/start_view_model.hpp"

using namespace pneuma;
using pneuma::test::MockBluez;

namespace {
const std::string kAddress = "A0:9E:1A:12:34:56";
const std::string kHrm = "00002a37-0000-1000-8000-00805f9b34fb";

#define SKIP_WITHOUT_DBUSMOCK()                                                  \
  if (const auto why = MockBluez::missing(); !why.empty()) {                     \
    std::cout << "SKIPPED: " << why << "\n";                                     \
    return;                                                                      \
  }

/// Waits for `done` (polled every 20 ms) at most `seconds`; true when it happened.
template <class F> bool wait_for(F done, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

/// Calls an org.freedesktop.DBus.Mock method on a mock object (python-dbusmock's own interface).
void mock_call(std::string const& path, std::string const& method, std::string const& iface,
               std::map<std::string, sdbus::Variant> const& props) {
  auto bus = sdbus::createSystemBusConnection();
  auto proxy = sdbus::createProxy(*bus, "org.bluez", path);
  proxy->callMethod(method).onInterface("org.freedesktop.DBus.Mock").withArguments(iface, props);
}

app::StartInputs two_profiles() {
  app::StartInputs in;
  app::StartPlan plan{"/home/anna/plan.json", "Plan day 3: 12 min at 5.5 /min", "Breathe low, into the belly.", 12,
                      {5.5, 4, 6, 0, 0}};
  in.profiles = {{"default", std::nullopt, std::nullopt}, {"anna", 5.8, plan}};
  return in;
}

/// The centre of the first button doing `kind` (with `value`, when >= 0).
SDL_FPoint centre_of(std::vector<ui::Button> const& buttons, ui::ActionKind kind, int value = -1) {
  for (auto const& b : buttons)
    if (b.action.kind == kind && (value < 0 || b.action.value == value))
      return {b.rect.x + b.rect.w / 2, b.rect.y + b.rect.h / 2};
  return {-1, -1};
}

void push_click(SDL_FPoint p) {
  SDL_Event e{};
  e.type = SDL_MOUSEBUTTONDOWN;
  e.button.button = SDL_BUTTON_LEFT;
  e.button.state = SDL_PRESSED;
  e.button.clicks = 1;
  e.button.x = static_cast<int>(p.x);
  e.button.y = static_cast<int>(p.y);
  SDL_PushEvent(&e);
}
} // namespace

TEST_CASE("start view: straps with signal and battery, ports with their permission, the simulated person", "[ui]") {
  const auto inputs = two_profiles();
  app::StartState s;
  s.inputs = &inputs;
  s.scan.generation = 1;
  s.scan.straps = {{"A0:9E:1A:12:34:56", "Polar H10 1234ABCD", -58, false, true, 87},
                   {"C0:FF:EE:00:00:01", "", -91, false, false, -1}};
  s.scan.ports = {{"/dev/ttyUSB0", "/dev/serial/by-id/usb-FTDI_belt-if00", false, "dialout"}};
  s.choices.source = "ble:A0:9E:1A:12:34:56";
  const auto v = app::make_start_view(s);
  REQUIRE(v.sources.size() == 4);
  CHECK(v.sources[0].label == "Polar H10 1234ABCD");
  CHECK(v.sources[0].detail == "Bluetooth strap \u00b7 signal good (-58 dBm) \u00b7 battery 87% \u00b7 ECG");
  CHECK(v.sources[0].selected);
  CHECK(v.sources[1].label == "C0:FF:EE:00:00:01"); // no name over the air: its address
  CHECK(v.sources[1].detail == "Bluetooth strap \u00b7 signal weak (-91 dBm)");
  CHECK(v.sources[2].label == "usb-FTDI_belt-if00");
  CHECK(v.sources[2].detail == "no permission: join the dialout group");
  CHECK(v.sources[2].detail_tone == app::Tone::warn);
  CHECK(v.source_keys[2] == "serial:/dev/serial/by-id/usb-FTDI_belt-if00?protocol=bridge");
  CHECK(v.sources[3].label == "Simulated person");
  CHECK(v.scan_line == "2 straps in range");
  CHECK(v.start_button == "start");

  // The default profile has no assessment and no plan: those paces are offered but not choosable.
  REQUIRE(v.paces.size() == 3);
  CHECK(v.paces[0].selected); // coherent
  CHECK(v.paces[2].detail == "needs an assessment (pneuma assess)");
  CHECK_FALSE(v.paces[2].enabled);
  // Anna's plan is due: its session sets the pace and the length, and its notes are shown.
  s.choices.profile = "anna";
  s.choices.pace = "plan";
  const auto a = app::make_start_view(s);
  REQUIRE(a.paces.size() == 4);
  CHECK(a.paces[2].label == "Your resonance rate 5.8 /min");
  CHECK(a.paces[2].enabled);
  CHECK(a.paces[3].label == "Plan day 3: 12 min at 5.5 /min");
  CHECK(a.paces[3].selected);
  CHECK(a.notes == "From your plan: Breathe low, into the belly.");
  for (auto const& m : a.minutes) CHECK_FALSE(m.enabled); // the plan sets the length

  // A remembered strap not in range now stays on the list, marked.
  s.scan.straps.clear();
  s.choices.source = "ble:11:22:33:44:55:66";
  const auto gone = app::make_start_view(s);
  CHECK(gone.sources.back().detail == "last used \u00b7 not seen now");
  CHECK(gone.sources.back().selected);
  CHECK(gone.scan_line.find("No strap in range") == 0);
}

TEST_CASE("start view: why a strap or a belt cannot connect, in plain words with what to do", "[ui]") {
  auto reason = [](std::string failure, std::string source, bool no_data = false) {
    app::TrialState t;
    t.failure = std::move(failure);
    t.streaming_without_data = no_data;
    return app::plain_reason(t, source, "dialout");
  };
  // The drivers' own messages (bluez.hpp explain(), ble_scan, the serial link's open error).
  CHECK(reason("BlueZ (bluetoothd) is not running; install and start bluez to use BLE straps", "ble:auto").todo ==
        "Start it: sudo systemctl start bluetooth (Debian package bluez).");
  CHECK(reason("no Bluetooth adapter found", "ble:auto").what ==
        "This computer has no Bluetooth adapter that BlueZ can use.");
  CHECK(reason("the Bluetooth adapter is powered off (bluetoothctl power on)", "ble:auto").what == "Bluetooth is off.");
  const auto port = reason("cannot open serial port /dev/ttyUSB0: Permission denied", "serial:/dev/ttyUSB0?protocol=bridge");
  CHECK(port.what == "No permission to open /dev/ttyUSB0.");
  CHECK(port.todo == "Join the dialout group: sudo adduser $USER dialout, then log out and in again.");
  const auto skin = reason("connected, but no heart beats arrive", "ble:A0:9E:1A:12:34:56", true);
  CHECK(skin.what == "The strap is connected but sends no heart beats: no skin contact.");
  CHECK(skin.todo.find("Wet both electrodes") == 0);
  const auto held = reason("scanning for the strap", "ble:A0:9E:1A:12:34:56");
  CHECK(held.what == "The strap did not answer.");
  CHECK(held.todo.find("if a phone or watch app holds it, close the app") != std::string::npos);
  CHECK(app::signal_words(-80) == "fair (-80 dBm)");
  CHECK(app::signal_words(0).empty());
}

TEST_CASE("start screen: a belt that is not there is said plainly, with back and try again", "[ui]") {
  test::TtfSession ttf;
  test::Canvas c(1280, 720);
  ui::TextRenderer text(c.renderer.get());
  app::StartChoices last;
  last.source = "serial:/dev/ttyUSB97?protocol=bridge"; // remembered, since unplugged
  ui::StartScreen screen(c.renderer.get(), text, two_profiles(), last, 0);
  screen.apply({ui::ActionKind::start});
  // Opening the port fails at once on the trial's thread; the screen only polls.
  REQUIRE(wait_for([&] {
    screen.update();
    return screen.phase() != app::StartPhase::connecting;
  }, 10));
  CHECK(screen.phase() == app::StartPhase::failed);
  CHECK(screen.view().status == "/dev/ttyUSB97 is not there any more.");
  CHECK(screen.view().advice == "Plug the belt in again and scan again.");
  CHECK(screen.view().start_button == "try again");
  const auto& buttons = screen.draw(1280, 720);
  CHECK(centre_of(buttons, ui::ActionKind::start).x > 0);
  if (const char* shots = std::getenv("PNEUMA_SCREENSHOT_DIR"))
    SDL_SaveBMP(c.surface.get(), (std::string(shots) + "/start-failed.bmp").c_str());
  screen.apply({ui::ActionKind::pick_source, static_cast<int>(screen.view().sources.size()) - 1}); // the simulated person
  CHECK(screen.phase() == app::StartPhase::choosing);
}

TEST_CASE("device scan and connection trial: Bluetooth off and bluetoothd gone are said plainly", "[ui][ble]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.add_strap(kAddress, "Polar H10 1234ABCD", false);
  mock_call("/org/bluez/hci0/dev_A0_9E_1A_12_34_56", "AddProperties", "org.bluez.Battery1",
            {{"Percentage", sdbus::Variant(std::uint8_t{87})}});
  app::DeviceScan scan;
  scan.start(0.5);
  REQUIRE(wait_for([&] { return scan.snapshot().generation == 1; }, 10));
  auto snap = scan.snapshot();
  REQUIRE(snap.straps.size() == 1);
  CHECK(snap.straps[0].name == "Polar H10 1234ABCD");
  CHECK(snap.straps[0].battery_pct == 87); // BlueZ's Battery1, as a paired strap has it
  CHECK(snap.straps[0].rssi == -79);       // the mock's advertised RSSI
  CHECK(snap.ble_error.empty());

  mock_call("/org/bluez/hci0", "UpdateProperties", "org.bluez.Adapter1", {{"Powered", sdbus::Variant(false)}});
  scan.start(0.5);
  REQUIRE(wait_for([&] { return scan.snapshot().generation == 2; }, 10));
  app::StartState s;
  s.scan = scan.snapshot();
  CHECK(app::make_start_view(s).scan_line == "Bluetooth is off.");

  bluez.kill_bluetoothd();
  app::TrialLimits quick;
  quick.fatal_after_s = 0.2;
  app::ConnectionTrial trial(drivers::SourceSpec::parse("ble:" + kAddress), true, quick);
  INFO("the strap's last status: " << trial.poll().status.message());
  REQUIRE(wait_for([&] { return trial.poll().phase != app::TrialState::Phase::connecting; }, 10));
  CHECK(trial.poll().phase == app::TrialState::Phase::failed);
  CHECK(app::plain_reason(trial.poll(), "ble:" + kAddress).what ==
        "The Bluetooth service (bluetoothd) is not running.");
  REQUIRE(wait_for([&] { return trial.finished(); }, 10)); // it lets the device go by itself
}

TEST_CASE("start screen: a session started from a strap in range with the mouse alone", "[ui][ble][e2e]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  const auto strap = bluez.add_strap(kAddress, "Polar H10 1234ABCD", false);
  // The strap beats once a second (60 bpm, RR 1024/1024 s) whenever someone listens.
  std::atomic<bool> beating{true};
  std::jthread heart([&] {
    while (beating.load()) {
      (void)bluez.notify(strap, kHrm, {0x10, 60, 0x00, 0x04});
      std::this_thread::sleep_for(std::chrono::milliseconds(1000)); // the strap's own pace, not a wait
    }
  });
  test::TempDir dir;
  ui::StartWindowSetup start;
  start.inputs = two_profiles();
  start.scan_s = 1.0;
  if (const char* shots = std::getenv("PNEUMA_SCREENSHOT_DIR")) start.shots_dir = shots;
  std::vector<app::StartPhase> phases;
  int frames = 0;
  bool picked = false, started = false;
  start.on_frame = [&](ui::StartScreen& screen) {
    ++frames;
    if (phases.empty() || phases.back() != screen.phase()) phases.push_back(screen.phase());
    auto const& v = screen.view();
    if (!picked) { // the strap's row, once the scan lists it
      for (std::size_t i = 0; i < v.sources.size(); ++i)
        if (v.sources[i].label == "Polar H10 1234ABCD") {
          push_click(centre_of(screen.buttons(), ui::ActionKind::pick_source, static_cast<int>(i)));
          picked = true;
        }
    } else if (!started && v.sources[0].selected) {
      push_click(centre_of(screen.buttons(), ui::ActionKind::start));
      started = true;
    }
    if (frames > 600) { // 30 s at 20 frames a second: give up rather than hang
      SDL_Event quit{};
      quit.type = SDL_QUIT;
      SDL_PushEvent(&quit);
    }
  };
  drivers::SessionClock clock;
  std::unique_ptr<app::Pipeline> pipeline;
  app::StartChoices begun;
  auto begin = [&](app::StartChoices const& c, ui::WindowOptions& w, std::string&) -> app::Pipeline* {
    begun = c;
    app::PipelineConfig config;
    config.sources.push_back(drivers::SourceSpec::parse(c.source));
    pipeline = std::make_unique<app::Pipeline>(config, clock);
    clock.restart();
    w.setup.flow.training_s = 4; // a short session, at the strap's real pace
    w.audio = false;
    w.screenshot = (dir.path() / "session.bmp").string();
    w.screenshot_at_s = 3.5;
    return pipeline.get();
  };
  std::atomic<bool> interrupted{false};
  std::string why;
  ui::WindowReport report;
  app::StartChoices chosen;
  const auto outcome = ui::run_start_window(start, begin, interrupted, why, &report, &chosen);
  beating.store(false);
  INFO("frames " << frames << ", " << why);
  REQUIRE(outcome == ui::WindowOutcome::finished);
  CHECK(begun.source == "ble:" + kAddress);
  CHECK(chosen.source == begun.source);
  CHECK(chosen.profile == "default");
  REQUIRE(phases.size() >= 2);
  CHECK(phases[0] == app::StartPhase::choosing);
  CHECK(phases[1] == app::StartPhase::connecting);
  CHECK(report.ran);
  CHECK(std::filesystem::file_size(dir.path() / "session.bmp") > 100000); // the session was drawn
  if (!start.shots_dir.empty())
    std::filesystem::copy_file(dir.path() / "session.bmp", start.shots_dir + "/start-session.bmp",
                               std::filesystem::copy_options::overwrite_existing);
  app::Metrics m;
  pipeline->metrics().read(m);
  CHECK(m.hr_bpm == Approx(60).margin(1)); // the strap's beats reached the session
}

TEST_CASE("headless: says once which strap it connected to", "[ui][ble][e2e]") {
  SKIP_WITHOUT_DBUSMOCK();
  MockBluez bluez;
  bluez.add_strap(kAddress, "Polar H10 1234ABCD", false);
  // stderr alone, in a group: run_process's own "2>/dev/null" then applies to the group, not to
  // pneuma (after "2>&1 >/dev/null" it sent the very line looked for to /dev/null).
  const auto r = test::run_process("{ " + test::pneuma_binary() + " run --headless --no-record --no-store --source ble:" +
                                   kAddress + " --minutes 0.1 2>&1 >/dev/null; }"); // 6 s: the mock strap takes 1-3 s to connect
  INFO("exit " << r.exit_code << ": " << r.out);
  CHECK(r.out.find("pneuma: connected to Polar H10 1234ABCD (A0:9E:1A:12:34:56)\n") != std::string::npos);
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = r.out.find("connected to", at)) != std::string::npos; ++at) ++lines;
  CHECK(lines == 1);
}
