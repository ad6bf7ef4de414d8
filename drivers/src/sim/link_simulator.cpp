#include "pneuma/drivers/sim/link_simulator.hpp"

#include <array>
#include <bit>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <pty.h>
#include <stdexcept>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "pneuma/drivers/parsers/bitalino.hpp"
#include "pneuma/drivers/parsers/bridge_line.hpp"
#include "pneuma/drivers/parsers/heart_rate.hpp"
#include "pneuma/drivers/sim/sim_device.hpp"

namespace pneuma::drivers::sim {
namespace asio = boost::asio;

SimEncoder::SimEncoder(SimProtocol protocol, SimFaults faults, std::uint64_t seed, BridgeSignals signals)
    : protocol_(protocol), faults_(faults), signals_(signals), rng_(seed ^ 0x5eed5eedULL) {
  t_us_base_ = static_cast<std::uint32_t>(rng_()); // the bridge's micros() started long ago
  rr_.reserve(16);
}

void SimEncoder::emit(std::string frame, std::size_t from, std::size_t to) {
  if (muted_) return;
  if (faults_.drop > 0 && u_(rng_) < faults_.drop) return;
  if (faults_.corrupt > 0 && u_(rng_) < faults_.corrupt && to > from) {
    const std::size_t at = from + static_cast<std::size_t>(rng_() % (to - from));
    frame[at] = static_cast<char>(frame[at] ^ static_cast<char>(1u << (rng_() % 7)));
  }
  if (faults_.garbage > 0 && u_(rng_) < faults_.garbage) {
    std::string junk(1 + rng_() % 24, '\0');
    for (auto& c : junk) {
      c = static_cast<char>(rng_());
      if (protocol_ == SimProtocol::bridge && c == '$') c = '#';
    }
    if (protocol_ == SimProtocol::ascii) junk += '\n';
    frame.insert(0, junk);
  }
  frames_.push_back(std::move(frame));
}

void SimEncoder::bridge_line(std::string_view tag, double t_s, std::string_view payload) {
  std::array<char, BridgeLineParser::kMaxLine> buf{};
  const auto t_us = static_cast<std::uint32_t>(t_us_base_ + static_cast<std::uint64_t>(std::llround(t_s * 1e6)));
  const std::size_t n = format_bridge_line(tag, ++seq_, t_us, payload, buf);
  if (n == 0) return;
  emit(std::string(buf.data(), n), 1, n - 5); // between '$' and "*CS\r\n"
}

void SimEncoder::pmd_line(PmdFramer const& framer) {
  std::array<char, 2 * 240 + 2> hex{};
  const std::size_t h = to_hex(framer.frame(), hex);
  if (h > 0) bridge_line("PMD", framer.frame_t_s(), {hex.data(), h});
}

void SimEncoder::flush() noexcept {
  if (!hr_pending_) return;
  hr_pending_ = false;
  try {
    HeartRateMeasurement m;
    m.bpm = hr_bpm_;
    m.rr_count = std::min(rr_.size(), m.rr_ticks.size());
    std::copy_n(rr_.begin(), m.rr_count, m.rr_ticks.begin());
    std::array<std::uint8_t, 64> value{};
    const std::size_t n = encode_heart_rate(m, value);
    std::array<char, 128> hex{};
    const std::size_t h = to_hex({value.data(), n}, hex);
    bridge_line("HRM", hr_t_, {hex.data(), h});
    rr_.clear();
  } catch (...) { // out of memory while queueing: the frame is lost, as on a real link
  }
}

void SimEncoder::on_sample(DeviceSample const& sample) noexcept {
  try {
    if (auto const* hr = std::get_if<HeartRate>(&sample)) {
      flush();
      if (protocol_ != SimProtocol::bridge || signals_ == BridgeSignals::belt) return;
      hr_pending_ = true;
      hr_t_ = hr->t_s;
      hr_bpm_ = static_cast<std::uint16_t>(std::lround(hr->bpm));
      return;
    }
    if (auto const* rr = std::get_if<RrInterval>(&sample)) {
      if (hr_pending_) rr_.push_back(rr->ticks);
      return;
    }
    // The strap's ECG and accelerometer: PMD data notifications, forwarded as PMD lines.
    const bool strap = protocol_ == SimProtocol::bridge && signals_ != BridgeSignals::belt;
    if (auto const* ecg = std::get_if<EcgSample>(&sample)) {
      if (strap && ecg_frames_.add(*ecg)) pmd_line(ecg_frames_);
      return;
    }
    if (auto const* acc = std::get_if<AccSample>(&sample)) {
      if (strap && acc_frames_.add(*acc)) pmd_line(acc_frames_);
      return;
    }
    auto const* belt = std::get_if<RespSample>(&sample);
    if (belt == nullptr) return;
    flush();
    switch (protocol_) {
    case SimProtocol::bridge: {
      if (signals_ != BridgeSignals::strap) {
        const auto v = std::to_string(std::lround(belt->value));
        bridge_line("RSP", belt->t_s, v);
      }
      if (signals_ != BridgeSignals::belt && belt->t_s >= next_battery_s_) {
        next_battery_s_ = belt->t_s + 60;
        bridge_line("BAT", belt->t_s, "5a");
      }
      break;
    }
    case SimProtocol::ascii: {
      std::string l = std::to_string(std::lround(belt->value)) + "\r\n";
      const std::size_t digits = l.size() - 2;
      emit(std::move(l), 0, digits);
      break;
    }
    case SimProtocol::bitalino: {
      if (!acquiring_) return;
      BitalinoFrame f;
      f.seq = static_cast<std::uint8_t>(seq_++ & 0x0F);
      // belt units (2000 + 400 * volume) onto the PZT's 10-bit ADC around mid-scale
      const double adc = 512.0 + (belt->value - 2100.0) * 0.8;
      f.analog[0] = static_cast<std::uint16_t>(std::clamp(adc, 0.0, 1023.0));
      for (int c = 1; c < channels_; ++c)
        f.analog[static_cast<std::size_t>(c)] = static_cast<std::uint16_t>(c < 4 ? 512 + rng_() % 8 : 32);
      std::array<std::uint8_t, 8> b{};
      const std::size_t n = encode_bitalino_frame(f, channels_, b);
      emit(std::string(reinterpret_cast<const char*>(b.data()), n), 0, n);
      break;
    }
    }
  } catch (...) { // out of memory while queueing: the frame is lost, as on a real link
  }
}

namespace {

/// A pseudo-terminal whose slave is published at a fixed symlink path.
class PtyEnd {
public:
  PtyEnd(asio::io_context& io, std::string path) : io_(io), path_(std::move(path)) {
    struct stat st {};
    if (lstat(path_.c_str(), &st) == 0 && !S_ISLNK(st.st_mode))
      throw std::runtime_error(path_ + " exists and is not a symlink; choose another --pty path");
  }
  ~PtyEnd() {
    close();
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  void open() {
    int master = -1, slave = -1;
    if (openpty(&master, &slave, nullptr, nullptr, nullptr) != 0)
      throw std::runtime_error(std::string("openpty failed: ") + std::strerror(errno));
    termios t{};
    tcgetattr(slave, &t);
    cfmakeraw(&t);
    tcsetattr(slave, TCSANOW, &t);
    const std::string target = ttyname(slave);
    slave_ = slave; // held open, so the master reads no EIO while no client is attached
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    master_ = std::make_unique<asio::posix::stream_descriptor>(io_, master);
    const std::string tmp = path_ + ".tmp";
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    std::filesystem::create_symlink(target, tmp, ec);
    if (!ec) std::filesystem::rename(tmp, path_, ec);
    if (ec) throw std::runtime_error("cannot create " + path_ + ": " + ec.message());
  }
  void close() {
    if (master_) {
      boost::system::error_code ec;
      master_->close(ec);
      master_.reset();
    }
    backlog_.clear(); // unplugged: what was in flight is gone
    if (slave_ >= 0) ::close(slave_);
    slave_ = -1;
  }
  bool is_open() const { return master_ != nullptr; }
  /// Non-blocking write. What the pty cannot take now waits in a bounded backlog (a UART FIFO
  /// of sorts) and goes out on the next tick; past 16 kB, a stalled or absent reader loses data.
  void write(std::string const& bytes) {
    if (!master_) return;
    if (backlog_.size() + bytes.size() > kMaxBacklog) {
      ++overflows_;
      return;
    }
    backlog_ += bytes;
    flush();
  }
  void flush() {
    if (!master_ || backlog_.empty()) return;
    const ssize_t n = ::write(master_->native_handle(), backlog_.data(), backlog_.size());
    if (n > 0) backlog_.erase(0, static_cast<std::size_t>(n));
  }
  [[nodiscard]] std::uint64_t overflows() const noexcept { return overflows_; }
  asio::posix::stream_descriptor* stream() { return master_.get(); }

private:
  asio::io_context& io_;
  std::string path_;
  static constexpr std::size_t kMaxBacklog = 16 * 1024;
  std::unique_ptr<asio::posix::stream_descriptor> master_;
  int slave_ = -1;
  std::string backlog_;
  std::uint64_t overflows_ = 0;
};

} // namespace

void run_link_simulator(SimServeOptions const& o, std::atomic<bool> const& stop, std::ostream& log) {
  asio::io_context io;
  PersonParams person = o.person;
  const double pace = o.pace_bpm, frac = o.inhale_fraction;
  BreathGuide guide;
  if (pace > 0) guide = [pace, frac](double t) { return std::optional<BreathCue>({t * pace / 60.0, pace, frac}); };
  SimSensors sensors(person, guide);
  SimEncoder encoder(o.protocol, o.faults, person.seed, o.signals);
  if (o.protocol != SimProtocol::bitalino) encoder.set_bitalino_acquiring(false, 1);

  std::unique_ptr<PtyEnd> pty;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor;
  std::unique_ptr<asio::ip::tcp::socket> client;
  std::unique_ptr<asio::ip::udp::socket> udp;
  asio::ip::udp::endpoint udp_to;
  std::array<std::uint8_t, 64> rx{};

  std::function<void()> read_commands;
  auto on_command_bytes = [&](std::size_t n) {
    // BITalino: the host's single-byte commands (protocols.md §4.1)
    for (std::size_t i = 0; i < n && o.protocol == SimProtocol::bitalino; ++i) {
      const std::uint8_t c = rx[i];
      if (c == kBitalinoVersion && !encoder.acquiring()) {
        const std::string reply = "BITalino_v5.2\n";
        if (pty) pty->write(reply);
        log << "simulate: version asked\n";
      } else if (c == 0x00 || c == 0xFF) {
        if (encoder.acquiring()) log << "simulate: acquisition stopped\n";
        encoder.set_bitalino_acquiring(false, 1);
      } else if ((c & 0x03) == 0x03 && (c & 0x3C) == 0) {
        static constexpr int kRates[] = {1, 10, 100, 1000};
        const int hz = kRates[c >> 6];
        if (std::abs(hz - person.belt_hz) > 1e-9)
          log << "simulate: host asked for " << hz << " Hz; serving " << person.belt_hz << " Hz\n";
      } else if ((c & 0x03) == 0x01) {
        const int channels = std::max(1, std::popcount(static_cast<unsigned>(c >> 2)));
        encoder.set_bitalino_acquiring(true, channels);
        log << "simulate: acquisition started, " << channels << " channel(s)\n";
      }
    }
  };
  read_commands = [&] {
    if (!pty || !pty->is_open()) return;
    pty->stream()->async_read_some(asio::buffer(rx), [&](boost::system::error_code ec, std::size_t n) {
      if (ec) return; // closed (unplug) or nobody attached: reading resumes on replug
      on_command_bytes(n);
      read_commands();
    });
  };

  std::function<void()> accept_next;
  accept_next = [&] {
    acceptor->async_accept([&](boost::system::error_code ec, asio::ip::tcp::socket s) {
      if (ec) return;
      log << "simulate: client connected from " << s.remote_endpoint(ec).address().to_string() << "\n";
      client = std::make_unique<asio::ip::tcp::socket>(std::move(s));
      accept_next();
    });
  };

  switch (o.transport) {
  case SimServeOptions::Transport::pty:
    pty = std::make_unique<PtyEnd>(io, o.pty_path);
    pty->open();
    read_commands();
    log << "simulate: serving on " << o.pty_path << "\n";
    break;
  case SimServeOptions::Transport::tcp: {
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address(o.address, ec);
    if (ec) throw std::runtime_error("--bind " + o.address + ": not an IP address");
    try {
      acceptor = std::make_unique<asio::ip::tcp::acceptor>(io, asio::ip::tcp::endpoint(addr, o.port));
    } catch (boost::system::system_error const& e) {
      throw std::runtime_error("cannot listen on tcp " + o.address + ":" + std::to_string(o.port) + ": " +
                               e.code().message());
    }
    accept_next();
    log << "simulate: listening on tcp " << o.address << ":" << acceptor->local_endpoint().port() << "\n";
    break;
  }
  case SimServeOptions::Transport::udp: {
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address(o.address, ec);
    if (ec) throw std::runtime_error("--host " + o.address + ": not an IP address");
    udp_to = asio::ip::udp::endpoint(addr, o.port);
    udp = std::make_unique<asio::ip::udp::socket>(io, udp_to.protocol());
    log << "simulate: sending datagrams to udp " << o.address << ":" << o.port << "\n";
    break;
  }
  }
  log.flush();

  auto send = [&](std::string const& frame) {
    boost::system::error_code ec;
    if (pty) pty->write(frame);
    if (client) {
      asio::write(*client, asio::buffer(frame), ec);
      if (ec) {
        log << "simulate: client gone\n";
        client.reset();
      }
    }
    if (udp) udp->send_to(asio::buffer(frame), udp_to, 0, ec);
  };

  SessionClock clock(o.speed);
  asio::steady_timer tick(io);
  double next_stall_s = o.faults.stall_every_s > 0 ? o.faults.stall_every_s : -1;
  double stall_end_s = -1;
  double next_unplug_s = o.faults.unplug_every_s > 0 ? o.faults.unplug_every_s : -1;
  double replug_at_s = -1;
  std::function<void()> step;
  step = [&] {
    const double now = clock.now_s();
    if (stop.load() || (o.duration_s > 0 && now >= o.duration_s)) {
      io.stop();
      return;
    }
    // Faults in time: stalls and unplugs.
    if (next_stall_s > 0 && now >= next_stall_s) {
      stall_end_s = now + o.faults.stall_s;
      next_stall_s += o.faults.stall_every_s;
      log << "simulate: stalling for " << o.faults.stall_s << " s\n";
    }
    const bool stalled = stall_end_s > now;
    if (next_unplug_s > 0 && now >= next_unplug_s && replug_at_s < 0) {
      next_unplug_s += o.faults.unplug_every_s;
      replug_at_s = now + o.faults.replug_after_s;
      if (pty) pty->close();
      if (client) client.reset();
      if (o.protocol == SimProtocol::bitalino) encoder.set_bitalino_acquiring(false, 1);
      log << "simulate: unplugged\n";
    }
    if (replug_at_s >= 0 && now >= replug_at_s) {
      replug_at_s = -1;
      if (pty) {
        pty->open();
        read_commands();
      }
      log << "simulate: plugged in again\n";
    }
    encoder.set_muted(stalled || replug_at_s >= 0);
    if (pty) pty->flush();
    sensors.advance_to(now, encoder, 100000);
    encoder.flush();
    for (auto const& f : encoder.frames()) send(f);
    encoder.frames().clear();
    log.flush();
    tick.expires_after(std::chrono::milliseconds(o.speed > 20 ? 2 : 10));
    tick.async_wait([&](boost::system::error_code ec) {
      if (!ec) step();
    });
  };
  step();
  io.run();
}

} // namespace pneuma::drivers::sim
