#include "view/start_view_model.hpp"

#include <cmath>
#include <cstdio>

#include "pacer/pacer_presets.hpp"

namespace pneuma::app {
namespace {
constexpr double kMinuteChoices[] = {5, 10, 15, 20};

/// Names come over the air: keep printable ASCII only, at most 32 characters.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 32)) out += (c >= 0x20 && c < 0x7F) ? c : '?';
  return out;
}

std::string strap_detail(drivers::BleSeen const& d) {
  std::string detail = "Bluetooth strap";
  if (const auto signal = signal_words(d.rssi); !signal.empty()) detail += " \u00b7 signal " + signal;
  if (d.battery_pct >= 0) detail += " \u00b7 battery " + std::to_string(d.battery_pct) + "%";
  if (d.pmd) detail += " \u00b7 ECG";
  if (d.connected) detail += " \u00b7 connected to this computer";
  return detail;
}

std::string pace_line(PacerSettings const& p) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f /min \u00b7 in:out %g:%g", p.rate_bpm, p.inhale_parts, p.exhale_parts);
  return buf;
}

bool is_ble(std::string_view source) { return source.rfind("ble:", 0) == 0; }
bool is_serial(std::string_view source) { return source.rfind("serial:", 0) == 0; }

/// The serial port's path in a source string: "serial:/dev/ttyUSB0?protocol=bridge" -> the path.
std::string_view port_of(std::string_view source) {
  source.remove_prefix(std::string_view("serial:").size());
  return source.substr(0, source.find('?'));
}
} // namespace

std::string signal_words(short rssi) {
  if (rssi == 0) return {};
  // BLE RSSI through a body and a room: -70 dBm and above holds a link well, below -85 it drops.
  const char* word = rssi >= -70 ? "good" : rssi >= -85 ? "fair" : "weak";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s (%d dBm)", word, static_cast<int>(rssi));
  return buf;
}

StartProfile const& chosen_profile(StartInputs const& inputs, std::string_view name) {
  static const StartProfile kDefault{"default", std::nullopt, std::nullopt};
  for (auto const& p : inputs.profiles)
    if (p.name == name) return p;
  return inputs.profiles.empty() ? kDefault : inputs.profiles.front();
}

std::optional<PacerSettings> pace_settings(StartProfile const& profile, std::string_view pace) {
  if (pace == "coherent" || pace == "relax") return preset_settings(pace);
  if (pace == "resonance") {
    if (!profile.resonance_bpm) return std::nullopt;
    return PacerSettings{PacerSettings::snap_rate(*profile.resonance_bpm), 1.0, 1.5, 0, 0};
  }
  if (pace == "plan" && profile.plan) return profile.plan->pacer;
  return std::nullopt;
}

PlainReason plain_reason(TrialState const& t, std::string_view source, std::string_view group) {
  const std::string_view m = t.failure;
  auto has = [&](std::string_view what) { return m.find(what) != std::string_view::npos; };
  const std::string port(is_serial(source) ? port_of(source) : std::string_view{});
  if (has("not running"))
    return {"The Bluetooth service (bluetoothd) is not running.",
            "Start it: sudo systemctl start bluetooth (Debian package bluez)."};
  if (has("no Bluetooth adapter"))
    return {"This computer has no Bluetooth adapter that BlueZ can use.",
            "Plug in a Bluetooth USB adapter, or unblock it: rfkill unblock bluetooth."};
  if (has("powered off"))
    return {"Bluetooth is off.", "Turn it on in the system settings, or: bluetoothctl power on."};
  if (has("no system D-Bus"))
    return {"There is no system D-Bus, so no Bluetooth.", "Run Pneuma in a normal desktop session."};
  if (has("ermission denied") && is_serial(source)) {
    const std::string g(group.empty() ? "dialout" : group);
    return {"No permission to open " + port + ".",
            "Join the " + g + " group: sudo adduser $USER " + g + ", then log out and in again."};
  }
  if (has("ermission denied") || has("NotAuthorized") || has("NotPermitted"))
    return {"BlueZ refused: this user may not use Bluetooth.",
            "Log in at the computer itself (a local session), or ask who runs it to allow Bluetooth."};
  if ((has("No such file") || has("not found")) && is_serial(source))
    return {port + " is not there any more.", "Plug the belt in again and scan again."};
  if (t.streaming_without_data && is_ble(source))
    return {"The strap is connected but sends no heart beats: no skin contact.",
            "Wet both electrodes (water or gel), fasten the strap snugly below the chest muscles, then try again."};
  if (t.streaming_without_data)
    return {"The port is open but no samples arrive.",
            "Check the belt is switched on and the protocol is right (pneuma devices lists the ports)."};
  if (is_ble(source))
    return {"The strap did not answer.",
            "Put it on with wet electrodes (it sleeps off the skin). It talks to one device at a time: if a "
            "phone or watch app holds it, close the app or turn off that device's Bluetooth."};
  return {"Cannot connect: " + std::string(m), "Check the cable and the device, then try again."};
}

StartView make_start_view(StartState const& s) {
  static const StartInputs kNone{};
  auto const& in = s.inputs != nullptr ? *s.inputs : kNone;
  StartView v;
  v.title = "Pneuma";
  v.subtitle = "slow breathing with your heart's rhythm";
  v.sources_head = "Strap or belt";
  v.profiles_head = "Who is practising";
  v.pace_head = "Pace";
  v.minutes_head = "Length";
  const bool choosing = s.phase == StartPhase::choosing || s.phase == StartPhase::failed;

  // Sources: the straps in range, the serial ports, the simulated person.
  auto add_source = [&](std::string key, std::string label, std::string detail, bool enabled, Tone tone) {
    StartRow row{std::move(label), std::move(detail), key == s.choices.source, enabled && choosing, tone};
    v.sources.push_back(std::move(row));
    v.source_keys.push_back(std::move(key));
  };
  for (auto const& d : s.scan.straps)
    add_source("ble:" + d.address, d.name.empty() ? printable(d.address) : printable(d.name), strap_detail(d), true,
               Tone::muted);
  for (auto const& p : s.scan.ports) {
    const std::string& name = p.by_id.empty() ? p.path : p.by_id;
    std::string detail = "USB serial (belt) \u00b7 " + p.path;
    Tone tone = Tone::muted;
    if (!p.permitted) {
      detail = "no permission: join the " + (p.group.empty() ? std::string("dialout") : p.group) + " group";
      tone = Tone::warn;
    }
    const auto slash = name.find_last_of('/');
    add_source("serial:" + name + "?protocol=bridge", name.substr(slash == std::string::npos ? 0 : slash + 1),
               std::move(detail), true, tone);
  }
  add_source("sim", "Simulated person", "no device: try Pneuma out", true, Tone::muted);
  // A remembered strap that is not in range now stays choosable (it may wake when worn).
  bool listed = false;
  for (auto const& k : v.source_keys) listed = listed || k == s.choices.source;
  if (!listed && is_ble(s.choices.source))
    add_source(s.choices.source, "Your strap (" + s.choices.source.substr(4) + ")", "last used \u00b7 not seen now",
               true, Tone::faint);

  if (s.scan.scanning) {
    assign_format(v.scan_line, "looking for straps\u2026 %d%%", static_cast<int>(std::lround(100 * s.scan.progress)));
  } else if (!s.scan.ble_error.empty()) {
    TrialState t;
    t.failure = s.scan.ble_error;
    v.scan_line = plain_reason(t, "ble:").what;
    v.scan_tone = Tone::warn;
  } else if (s.scan.generation > 0 && s.scan.straps.empty()) {
    v.scan_line = "No strap in range: wet its electrodes and put it on; a strap held by a phone app stays hidden.";
    v.scan_tone = Tone::warn;
  } else if (s.scan.generation > 0) {
    assign_format(v.scan_line, "%zu strap%s in range", s.scan.straps.size(), s.scan.straps.size() == 1 ? "" : "s");
  }
  v.scan_button = s.scan.scanning ? "" : "scan again";

  // Who, and the paces open to them.
  auto const& profile = chosen_profile(in, s.choices.profile);
  for (auto const& p : in.profiles)
    v.profiles.push_back({p.name, p.resonance_bpm ? "assessed" : "", p.name == profile.name, choosing, Tone::muted});
  if (v.profiles.empty()) v.profiles.push_back({"default", "", true, choosing, Tone::muted});
  auto add_pace = [&](std::string key, std::string label) {
    const auto settings = pace_settings(profile, key);
    std::string detail;
    if (settings) detail = pace_line(*settings);
    else if (key == "resonance") detail = "needs an assessment (pneuma assess)";
    else detail = "no plan for " + profile.name;
    v.paces.push_back({std::move(label), std::move(detail), key == s.choices.pace && settings.has_value(),
                       choosing && settings.has_value(), settings ? Tone::muted : Tone::faint});
    v.pace_keys.push_back(std::move(key));
  };
  add_pace("coherent", "Coherent 5-0-5-0");
  add_pace("relax", "Relax 4-0-6-0");
  if (profile.resonance_bpm) {
    char label[48];
    std::snprintf(label, sizeof label, "Your resonance rate %.1f /min", *profile.resonance_bpm);
    add_pace("resonance", label);
  } else {
    add_pace("resonance", "Your resonance rate");
  }
  if (profile.plan) add_pace("plan", profile.plan->line);
  const bool plan = s.choices.pace == "plan" && profile.plan;
  if (plan && !profile.plan->notes.empty()) v.notes = "From your plan: " + profile.plan->notes;
  for (double m : kMinuteChoices) {
    char label[32];
    std::snprintf(label, sizeof label, "%g min", m);
    v.minutes.push_back({label, "", !plan && std::abs(m - s.choices.minutes) < 1e-9, choosing && !plan, Tone::muted});
  }

  // Progress, or the plain reason it cannot connect.
  switch (s.phase) {
  case StartPhase::choosing:
    v.start_button = "start";
    v.advice = plan ? "The plan sets today's length." : "";
    break;
  case StartPhase::connecting: {
    v.start_button = "connecting\u2026";
    v.start_enabled = false;
    v.back_button = "back";
    const std::string_view said = s.trial.status.message();
    assign_format(v.status, "Connecting to %s \u00b7 %.0f s", s.trying.c_str(), s.trial.elapsed_s);
    if (!said.empty()) v.status.append(" \u00b7 ").append(said);
    v.status_tone = Tone::nearly;
    if (s.trial.status.state == drivers::DeviceStatus::State::streaming)
      v.advice = is_ble(s.choices.source) ? "connected: waiting for the first heart beats (wet electrodes help)"
                                          : "connected: waiting for the first samples";
    break;
  }
  case StartPhase::failed: {
    std::string group = "dialout";
    for (auto const& p : s.scan.ports)
      if (!p.group.empty() && s.choices.source.find(p.by_id.empty() ? p.path : p.by_id) != std::string::npos)
        group = p.group;
    const auto why = plain_reason(s.trial, s.choices.source, group);
    v.status = why.what;
    v.advice = why.todo;
    v.status_tone = Tone::warn;
    v.start_button = "try again";
    break;
  }
  }
  return v;
}

} // namespace pneuma::app
