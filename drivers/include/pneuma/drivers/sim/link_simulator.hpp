#pragma once
// `pneuma simulate`: the simulated person served as a real device over a pseudo-terminal, a TCP
// listener or UDP datagrams, paced in real time (or `speed` times faster), with the faults of
// protocols.md §6.2 on demand.
//   SimEncoder:    person samples -> protocol bytes (bridge lines, BITalino frames, Serial-Plotter
//                  lines), with garbage / dropped / corrupted frames. Pure; tests use it directly.
//   run_link_simulator: the server loop (its own io_context on the calling thread).
// BITalino behaves like the device: idle until it is asked for its version, a sample rate and
// start; stops on 0x00. Bridge lines carry the belt (RSP), the strap (HRM) and the battery (BAT).

#include <atomic>
#include <cstdint>
#include <functional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "pneuma/drivers/device.hpp"
#include "pneuma/drivers/sim/person.hpp"
#include "pneuma/drivers/sim/pmd_framer.hpp"

namespace pneuma::drivers::sim {

enum class SimProtocol { bridge, bitalino, ascii };

struct SimFaults {
  double garbage = 0;       ///< probability per frame of 1..24 random bytes before it
  double drop = 0;          ///< probability a frame is lost
  double corrupt = 0;       ///< probability a frame has one bit flipped (bad checksum/CRC)
  double stall_every_s = 0; ///< stop sending for stall_s every this many seconds (0: never)
  double stall_s = 3;
  double unplug_every_s = 0; ///< close the port every this many seconds (0: never)
  double replug_after_s = 2; ///< ...and reopen it at the same path this much later
};

/// What a bridge forwards: the belt (RSP), the strap (HRM, BAT, and PMD lines for the ECG and
/// ACC the person streams), or both.
enum class BridgeSignals { both, belt, strap };

/// Encodes person samples as one protocol, applying garbage/drop/corrupt faults per frame.
class SimEncoder final : public SampleSink {
public:
  SimEncoder(SimProtocol protocol, SimFaults faults, std::uint64_t seed,
             BridgeSignals signals = BridgeSignals::both);
  void on_sample(DeviceSample const& sample) noexcept override;
  /// Ends a step: completes a pending heart-rate notification.
  void flush() noexcept;
  /// Bytes ready to send, one entry per frame (UDP sends one datagram each).
  std::vector<std::string>& frames() noexcept { return frames_; }
  /// BITalino: analog channels the host asked for (1..6); frames are only made while acquiring.
  void set_bitalino_acquiring(bool on, int channels) noexcept { acquiring_ = on; channels_ = channels; }
  [[nodiscard]] bool acquiring() const noexcept { return acquiring_; }
  /// While muted (stall, unplugged), frames are made (sequence numbers advance) but thrown away.
  void set_muted(bool muted) noexcept { muted_ = muted; }

private:
  void emit(std::string frame, std::size_t corruptible_from, std::size_t corruptible_to);
  void bridge_line(std::string_view tag, double t_s, std::string_view payload);
  void pmd_line(PmdFramer const& framer);

  SimProtocol protocol_;
  SimFaults faults_;
  BridgeSignals signals_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> u_{0.0, 1.0};
  std::vector<std::string> frames_;
  std::uint32_t seq_ = 0;
  std::uint32_t t_us_base_ = 0;
  bool acquiring_ = false;
  int channels_ = 1;
  bool muted_ = false;
  // pending heart-rate notification
  bool hr_pending_ = false;
  double hr_t_ = 0;
  std::uint16_t hr_bpm_ = 0;
  std::vector<std::uint16_t> rr_;
  double next_battery_s_ = 0;
  // the strap's PMD streams (bridge PMD lines), when the person streams ECG / ACC
  PmdFramer ecg_frames_{PmdType::ecg};
  PmdFramer acc_frames_{PmdType::acc};
};

struct SimServeOptions {
  SimProtocol protocol = SimProtocol::bridge;
  enum class Transport { pty, tcp, udp } transport = Transport::pty;
  std::string pty_path;          ///< symlink to create (pty)
  std::string address = "127.0.0.1"; ///< tcp: listen address; udp: destination
  std::uint16_t port = 0;
  PersonParams person;
  double pace_bpm = 6;           ///< the person follows a pacer at this rate (0: breathes freely)
  double inhale_fraction = 0.4;
  BridgeSignals signals = BridgeSignals::both; ///< bridge only
  double speed = 1;              ///< simulated seconds per wall second
  double duration_s = 0;         ///< stop after this much simulated time (0: until interrupted)
  SimFaults faults;
};

/// Serves until `stop` becomes true (or duration_s passes). Notes go to `log` (one line each).
/// Throws std::runtime_error with a one-line message when the transport cannot be set up.
void run_link_simulator(SimServeOptions const& options, std::atomic<bool> const& stop, std::ostream& log);

} // namespace pneuma::drivers::sim
