// Benchmarks of the device parsers (throughput per protocol, MB/s) and of the serial path's
// latency: a byte written on a pseudo-terminal -> LinkDevice (io thread) -> SPSC queue -> popped.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <pty.h>
#include <string>
#include <termios.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "live/spsc_queue.hpp"
#include "bench.hpp"
#include "pneuma/drivers/io_thread.hpp"
#include "pneuma/drivers/link/link_device.hpp"
#include "pneuma/drivers/parsers/ascii_plotter.hpp"
#include "pneuma/drivers/parsers/bitalino.hpp"
#include "pneuma/drivers/parsers/bridge_line.hpp"
#include "pneuma/drivers/parsers/heart_rate.hpp"
#include "pneuma/drivers/parsers/pmd.hpp"
#include "pneuma/drivers/sim/link_simulator.hpp"
#include "pneuma/drivers/sim/sim_device.hpp"

namespace pneuma::bench {
namespace {
using namespace drivers;

struct CountingSink final : SampleSink {
  std::uint64_t n = 0;
  double sum = 0;
  void on_sample(DeviceSample const& s) noexcept override {
    ++n;
    sum += time_of(s);
  }
};

/// An hour of the simulated person encoded as `protocol` (bytes as they cross the wire).
std::string encoded_stream(sim::SimProtocol protocol, double seconds, double belt_hz) {
  sim::PersonParams p;
  p.belt_hz = belt_hz;
  sim::SimSensors sensors(p, {});
  sim::SimEncoder enc(protocol, {}, 1);
  enc.set_bitalino_acquiring(true, 1);
  std::string out;
  for (double t = 1; t <= seconds; t += 1) {
    sensors.advance_to(t, enc);
    enc.flush();
    for (auto const& f : enc.frames()) out += f;
    enc.frames().clear();
  }
  return out;
}

template <class Feed> Result throughput(std::string const& bytes, int repeats, Feed&& feed) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  feed(std::span<const std::uint8_t>(data, std::min<std::size_t>(bytes.size(), 4096))); // warm-up
  Result r = measure(static_cast<double>(bytes.size()) * repeats, [&] {
    for (int k = 0; k < repeats; ++k)
      for (std::size_t at = 0; at < bytes.size(); at += 512) // reads of up to 512 bytes
        feed(std::span<const std::uint8_t>(data + at, std::min<std::size_t>(512, bytes.size() - at)));
  });
  r.extra["MB_per_s"] = r.items / r.seconds / 1e6;
  r.extra["stream_bytes"] = static_cast<double>(bytes.size());
  return r;
}

Result bridge_lines() {
  const std::string bytes = encoded_stream(sim::SimProtocol::bridge, 600, 50);
  BridgeLineParser parser;
  CountingSink sink;
  auto r = throughput(bytes, 20, [&](std::span<const std::uint8_t> b) { parser.feed(b, 0, sink); });
  r.extra["samples_per_s"] = static_cast<double>(sink.n) / r.seconds;
  keep(sink.sum);
  return r;
}

Result bitalino_frames() {
  const std::string bytes = encoded_stream(sim::SimProtocol::bitalino, 3600, 100);
  BitalinoParser parser(1, 0, 100);
  CountingSink sink;
  auto r = throughput(bytes, 20, [&](std::span<const std::uint8_t> b) { parser.feed(b, 0, sink); });
  keep(sink.sum);
  return r;
}

Result ascii_lines() {
  const std::string bytes = encoded_stream(sim::SimProtocol::ascii, 3600, 50);
  AsciiPlotterParser parser;
  CountingSink sink;
  auto r = throughput(bytes, 20, [&](std::span<const std::uint8_t> b) { parser.feed(b, 0, sink); });
  keep(sink.sum);
  return r;
}

Result heart_rate_notifications() {
  // 20-byte notifications (uint8 HR, 9 RR): one per call, as BlueZ delivers them
  const auto value = std::array<std::uint8_t, 20>{0x10, 0x3c, 0x00, 0x04, 0x01, 0x04, 0x02, 0x04, 0x03, 0x04,
                                                 0x04, 0x04, 0x05, 0x04, 0x06, 0x04, 0x07, 0x04, 0x08, 0x04};
  CountingSink sink;
  const int n = 2'000'000;
  Result r = measure(static_cast<double>(n) * value.size(), [&] {
    for (int i = 0; i < n; ++i)
      if (auto m = decode_heart_rate(value)) emit_heart_rate(*m, i, 0, sink);
  });
  r.extra["MB_per_s"] = r.items / r.seconds / 1e6;
  r.extra["notifications_per_s"] = n / r.seconds;
  keep(sink.sum);
  return r;
}

Result pmd_ecg_frames() {
  // H10-sized ECG frames: 73 samples (229 bytes), timestamps 73/130 s apart
  std::vector<std::uint8_t> frame(10 + 73 * 3);
  frame[0] = 0;
  for (std::size_t i = 10; i < frame.size(); ++i) frame[i] = static_cast<std::uint8_t>(i * 37);
  PmdFrameDecoder decoder;
  CountingSink sink;
  const int n = 200'000;
  std::uint64_t ts = 700000000000000000ULL;
  Result r = measure(static_cast<double>(n) * frame.size(), [&] {
    for (int i = 0; i < n; ++i) {
      ts += 561538461; // 73 / 130 s
      for (int b = 0; b < 8; ++b) frame[1 + static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(ts >> (8 * b));
      decoder.decode(frame, i, sink);
    }
  });
  r.extra["MB_per_s"] = r.items / r.seconds / 1e6;
  r.extra["samples_per_s"] = static_cast<double>(sink.n) / r.seconds;
  keep(sink.sum);
  return r;
}

/// Serial path latency: the pipeline's producer side (LinkDevice on the io thread, pushing into
/// an SpscQueue) and a consumer thread polling the queue. Each line carries its index; its write
/// time is recorded just before write(2) on the pty master.
Result serial_latency() {
  int master = -1, slave = -1;
  if (openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) return {};
  termios t{};
  tcgetattr(slave, &t);
  cfmakeraw(&t);
  tcsetattr(slave, TCSANOW, &t);
  const std::string path = ttyname(slave);

  struct QueueSink final : SampleSink {
    app::SpscQueue<DeviceSample> queue{1 << 14};
    void on_sample(DeviceSample const& s) noexcept override { (void)queue.try_push(s); }
  } sink;
  SessionClock clock;
  IoThread io;
  LinkConfig config;
  config.path = path;
  config.stall_s = 10;
  LinkDevice device(io.executor(), clock, config, make_bridge_protocol());
  device.start(sink);
  io.start();

  const int n = 3000;
  std::vector<std::chrono::steady_clock::time_point> written(n), popped(n);
  std::atomic<bool> done{false};
  std::thread consumer([&] {
    DeviceSample s;
    int got = 0;
    while (got < n && !done.load()) {
      if (!sink.queue.try_pop(s)) continue; // busy-poll: measures the path, not a sleep
      if (auto const* r = std::get_if<RespSample>(&s)) {
        const auto i = static_cast<int>(r->value);
        if (i >= 0 && i < n) popped[static_cast<std::size_t>(i)] = std::chrono::steady_clock::now();
        ++got;
      }
    }
  });
  std::array<char, 128> buf{};
  const auto a0 = allocations();
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    const std::string v = std::to_string(i);
    const auto len = format_bridge_line("RSP", static_cast<std::uint32_t>(i + 1), static_cast<std::uint32_t>(i * 1000), v, buf);
    written[static_cast<std::size_t>(i)] = std::chrono::steady_clock::now();
    (void)!::write(master, buf.data(), len);
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  done.store(true);
  consumer.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto allocs = allocations() - a0;
  device.stop();
  io.stop();
  ::close(master);
  ::close(slave);

  std::vector<double> us;
  for (int i = 0; i < n; ++i)
    if (popped[static_cast<std::size_t>(i)] > written[static_cast<std::size_t>(i)])
      us.push_back(std::chrono::duration<double, std::micro>(popped[static_cast<std::size_t>(i)] - written[static_cast<std::size_t>(i)]).count());
  std::sort(us.begin(), us.end());
  Result r{static_cast<double>(us.size()), seconds, allocs, {}};
  if (!us.empty()) {
    r.extra["latency_p50_us"] = us[us.size() / 2];
    r.extra["latency_p99_us"] = us[us.size() * 99 / 100];
    r.extra["latency_max_us"] = us.back();
  }
  r.extra["lines_lost"] = n - static_cast<double>(us.size());
  return r;
}

Registration b1("parser_bridge_lines", "bridge line parser (RSP 50 Hz + HRM 1 Hz lines); items = bytes", bridge_lines);
Registration b2("parser_bitalino_frames", "BITalino 1-channel frames at 100 Hz, CRC4 + resync; items = bytes", bitalino_frames);
Registration b3("parser_ascii_lines", "Serial-Plotter lines at 50 Hz; items = bytes", ascii_lines);
Registration b4("parser_heart_rate_0x2a37", "0x2A37 notifications with 9 RR each; items = bytes", heart_rate_notifications);
Registration b5("parser_pmd_ecg", "Polar PMD ECG frames (73 samples); items = bytes", pmd_ecg_frames);
Registration b6("serial_latency_pty_to_queue",
                "a bridge line written on a pty -> LinkDevice -> SPSC queue -> popped, 2000 lines/s; items = lines",
                serial_latency);

} // namespace
} // namespace pneuma::bench
