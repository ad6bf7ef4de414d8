// Byte-link drivers on in-process pseudo-terminals and loopback sockets: port settings, partial
// frames, garbage, corruption, stalls, unplug/replug at the same path, handshakes, TCP and UDP.
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include "drivers/link_support.hpp"
#include "pneuma/drivers/io_thread.hpp"
#include "pneuma/drivers/link/link_factory.hpp"
#include "pneuma/drivers/parsers/bitalino.hpp"
#include "pneuma/drivers/parsers/bridge_line.hpp"

using namespace pneuma::drivers;
using namespace std::chrono_literals;
using pneuma::test::PtyPort;
using pneuma::test::SyncSink;
using pneuma::test::TempDir;
using State = DeviceStatus::State;

namespace {
std::string line(std::string_view tag, std::uint32_t seq, std::uint32_t t_us, std::string_view payload) {
  std::array<char, 256> buf{};
  return {buf.data(), format_bridge_line(tag, seq, t_us, payload, buf)};
}

LinkConfig fast_serial(std::filesystem::path const& path, double stall_s = 0.4) {
  LinkConfig c;
  c.kind = LinkConfig::Kind::serial;
  c.path = path.string();
  c.backoff_min_s = 0.05;
  c.backoff_max_s = 0.2;
  c.stall_s = stall_s;
  return c;
}

std::string rsp_lines(std::uint32_t first_seq, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    const auto seq = first_seq + static_cast<std::uint32_t>(i);
    out += line("RSP", seq, seq * 20000, std::to_string(1000 + seq));
  }
  return out;
}

/// How many times the driver has opened the port (its "open, ..." status after the flush).
std::size_t opens(SyncSink const& sink) {
  std::size_t n = 0;
  for (auto const& st : sink.of<DeviceStatus>()) n += st.message().find(": open, ") != std::string_view::npos ? 1 : 0;
  return n;
}

/// Runs a device on its own io thread for one test.
struct Rig {
  SessionClock clock;
  IoThread io;
  SyncSink sink;
  std::unique_ptr<Device> device;
  void start(std::unique_ptr<Device> d) {
    device = std::move(d);
    device->start(sink);
    io.start();
  }
  ~Rig() {
    if (device) device->stop();
    io.stop();
  }
};
} // namespace

TEST_CASE("serial link: the driver configures 115200 8N1 raw, no flow control", "[drivers]") {
  TempDir dir;
  PtyPort port(dir.path() / "ttyBRIDGE");
  Rig rig;
  const auto spec = SourceSpec::parse("serial:" + port.link().string() + "?protocol=bridge");
  rig.start(make_link_device(spec, rig.io.executor(), rig.clock));
  port.write(rsp_lines(1, 3));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<RespSample>() == 3; }));
  const termios t = port.settings();
  CHECK(cfgetospeed(&t) == B115200);
  CHECK(cfgetispeed(&t) == B115200);
  CHECK((t.c_cflag & CSIZE) == CS8);
  CHECK((t.c_cflag & PARENB) == 0);
  CHECK((t.c_cflag & CSTOPB) == 0);
  CHECK((t.c_cflag & CRTSCTS) == 0);
  CHECK((t.c_iflag & (IXON | IXOFF)) == 0);
  CHECK((t.c_lflag & (ICANON | ECHO)) == 0);
  CHECK((t.c_oflag & OPOST) == 0);
  CHECK(rig.sink.saw_state(State::streaming));
}

TEST_CASE("serial link: baud option reaches the port", "[drivers]") {
  TempDir dir;
  PtyPort port(dir.path() / "ttyB");
  Rig rig;
  const auto spec = SourceSpec::parse("serial:" + port.link().string() + "?protocol=ascii&baud=57600");
  rig.start(make_link_device(spec, rig.io.executor(), rig.clock));
  port.write("1\n2\n");
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<RespSample>() == 2; }));
  const termios t = port.settings();
  CHECK(cfgetospeed(&t) == B57600);
}

TEST_CASE("serial link: partial frames, garbage and corruption are survived", "[drivers]") {
  TempDir dir;
  PtyPort port(dir.path() / "ttyX");
  Rig rig;
  rig.start(std::make_unique<LinkDevice>(rig.io.executor(), rig.clock, fast_serial(port.link(), 5),
                                         make_bridge_protocol()));
  const std::string good = rsp_lines(1, 4);
  // a line split over writes with pauses
  port.write(good.substr(0, 7));
  std::this_thread::sleep_for(30ms);
  port.write(good.substr(7, 20));
  std::this_thread::sleep_for(30ms);
  port.write(good.substr(27));
  // garbage, then a corrupted line, then good lines
  port.write(std::string("\x13\x37garbage\xff\r\n", 12));
  std::string bad = line("RSP", 5, 100000, "2000");
  bad[8] ^= 0x04;
  port.write(bad);
  port.write(rsp_lines(6, 2));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<RespSample>() == 6; }));
  const auto resp = rig.sink.of<RespSample>();
  CHECK(resp[0].value == 1001);
  CHECK(resp[3].value == 1004);
  CHECK(resp[4].value == 1006);
  const auto gaps = rig.sink.of<SignalGap>();
  REQUIRE(gaps.size() == 1); // the corrupted line is a lost line
  CHECK(gaps[0].lost == 1);
  rig.device->stop();
  auto const& link = dynamic_cast<LinkDevice const&>(*rig.device);
  CHECK(link.stats().errors == 1);
  bool reported = false; // the app hears of bad frames through a status line
  for (auto const& st : rig.sink.of<DeviceStatus>())
    reported = reported || st.message().find("bad frames skipped") != std::string_view::npos;
  CHECK(reported);
  CHECK(link.stats().skipped_bytes >= 9);
}

TEST_CASE("serial link: device time keeps burst samples apart", "[drivers]") {
  TempDir dir;
  PtyPort port(dir.path() / "ttyBurst");
  Rig rig;
  rig.start(std::make_unique<LinkDevice>(rig.io.executor(), rig.clock, fast_serial(port.link(), 5),
                                         make_bridge_protocol()));
  port.write(rsp_lines(1, 1));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<RespSample>() == 1; }));
  std::this_thread::sleep_for(300ms);
  port.write(rsp_lines(2, 10)); // 10 samples 20 ms apart on the device clock, arriving at once
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<RespSample>() == 11; }));
  const auto resp = rig.sink.of<RespSample>();
  for (std::size_t i = 2; i < resp.size(); ++i) CHECK(resp[i].t_s - resp[i - 1].t_s == Approx(0.02).margin(1e-5));
}

TEST_CASE("serial link: unplug is reported, replug at the same path resumes with a gap", "[drivers]") {
  TempDir dir;
  PtyPort port(dir.path() / "ttyUSBsim");
  Rig rig;
  rig.start(std::make_unique<LinkDevice>(rig.io.executor(), rig.clock, fast_serial(port.link(), 5),
                                         make_bridge_protocol()));
  port.write(rsp_lines(1, 3));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<RespSample>() == 3; }));
  port.unplug();
  REQUIRE(rig.sink.wait([&] { return rig.sink.saw_state(State::lost); }));
  REQUIRE(rig.sink.wait([&] { return rig.sink.saw_state(State::reconnecting); }));
  // The driver flushes what was queued before it opened the port (stale bytes), so the device
  // "speaks" only once the driver says it has the new pty open: no guess at how long that takes.
  const auto opened = [&] { return opens(rig.sink); };
  REQUIRE(opened() == 1);
  port.plug(); // a new pty (new /dev/pts/N) behind the same symlink
  REQUIRE(rig.sink.wait([&] { return opened() == 2; }, 10s));
  port.write(rsp_lines(100, 3));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<RespSample>() == 6; }));
  CHECK(rig.sink.of<RespSample>()[3].value == 1100);
  const auto gaps = rig.sink.of<SignalGap>();
  REQUIRE(!gaps.empty());
  CHECK(gaps.back().to_s > gaps.back().from_s);
  const auto statuses = rig.sink.of<DeviceStatus>();
  CHECK(statuses.back().state == State::streaming);
}

TEST_CASE("serial link: a stall is reported by the watchdog and ends with a gap", "[drivers]") {
  TempDir dir;
  PtyPort port(dir.path() / "ttyStall");
  Rig rig;
  rig.start(std::make_unique<LinkDevice>(rig.io.executor(), rig.clock, fast_serial(port.link(), 0.3),
                                         make_bridge_protocol()));
  port.write(rsp_lines(1, 2));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<RespSample>() == 2; }));
  REQUIRE(rig.sink.wait([&] { return rig.sink.saw_state(State::stalled); }));
  port.write(rsp_lines(3, 2));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<RespSample>() == 4; }));
  // One resumption after one stall: one gap. The test wrote again only after the stall was
  // reported, which the watchdog does no sooner than 0.3 s after the last data: so the hole on
  // the session clock lasts at least that, however slow the machine.
  const auto gaps = rig.sink.of<SignalGap>();
  REQUIRE(gaps.size() == 1);
  INFO("gap " << gaps[0].from_s << " .. " << gaps[0].to_s << " s");
  CHECK(gaps[0].to_s - gaps[0].from_s >= 0.3 - 0.02);
  REQUIRE(rig.sink.wait([&] { return rig.sink.of<DeviceStatus>().back().state == State::streaming; }));
}

TEST_CASE("serial link: BITalino handshake, acquisition and stop on shutdown", "[drivers]") {
  TempDir dir;
  PtyPort port(dir.path() / "ttyBITalino");
  Rig rig;
  const auto spec = SourceSpec::parse("serial:" + port.link().string() + "?protocol=bitalino&channel=2&rate=100");
  rig.start(make_link_device(spec, rig.io.executor(), rig.clock));
  CHECK(port.read(2) == std::string("\x00\x07", 2)); // stop (in case it streams), version
  port.write(std::string("\x12\x34noise\nBITalino_v5.2\n"));
  CHECK(port.read(2) == std::string("\x83\x09", 2)); // 100 Hz, start with A2 (mask 0b10)
  std::vector<std::uint8_t> frames;
  for (int i = 0; i < 20; ++i) {
    BitalinoFrame f;
    f.seq = static_cast<std::uint8_t>(i & 15);
    f.analog[0] = static_cast<std::uint16_t>(400 + i);
    std::array<std::uint8_t, 8> b{};
    const auto n = encode_bitalino_frame(f, 1, b);
    frames.insert(frames.end(), b.begin(), b.begin() + static_cast<long>(n));
  }
  port.write(frames);
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<RespSample>() == 20; }));
  const auto resp = rig.sink.of<RespSample>();
  CHECK(resp[0].value == Approx(pzt_percent(400, 10)));
  CHECK(resp[19].t_s - resp[18].t_s == Approx(0.01).margin(1e-6));
  rig.device->stop();
  CHECK(port.read(1) == std::string("\x00", 1)); // acquisition stopped: the device is idle
}

TEST_CASE("serial link: a BITalino that never answers is asked again after a reopen", "[drivers]") {
  TempDir dir;
  PtyPort port(dir.path() / "ttyMute");
  Rig rig;
  LinkConfig c = fast_serial(port.link(), 0.2);
  rig.start(std::make_unique<LinkDevice>(rig.io.executor(), rig.clock, c, make_bitalino_protocol()));
  CHECK(port.read(2) == std::string("\x00\x07", 2));
  // silence: stalled, then after four silent watchdog periods the port is reopened
  CHECK(port.read(2, std::chrono::milliseconds(5000)) == std::string("\x00\x07", 2));
  CHECK(rig.sink.saw_state(State::stalled));
  CHECK(rig.sink.saw_state(State::reconnecting));
  port.write(std::string("BITalino_v5.2\n"));
  CHECK(port.read(2) == std::string("\x83\x05", 2));
}

TEST_CASE("serial link: an unopenable port is a one-line error", "[drivers]") {
  SessionClock clock;
  IoThread io;
  SyncSink sink;
  auto d = make_link_device(SourceSpec::parse("serial:/nonexistent/ttyUSB9?protocol=ascii"), io.executor(), clock);
  try {
    d->start(sink);
    FAIL("start should throw");
  } catch (std::runtime_error const& e) {
    const std::string what = e.what();
    CHECK(what.find("cannot open serial port /nonexistent/ttyUSB9") == 0);
    CHECK(what.find('\n') == std::string::npos);
  }
}

TEST_CASE("link sources: bad source strings are one-line errors", "[drivers]") {
  SessionClock clock;
  IoThread io;
  auto fails = [&](std::string const& s, std::string const& needle) {
    try {
      (void)make_link_device(SourceSpec::parse(s), io.executor(), clock);
      return false;
    } catch (std::invalid_argument const& e) {
      INFO(e.what());
      return std::string(e.what()).find(needle) != std::string::npos;
    }
  };
  CHECK(fails("serial:/dev/ttyUSB0?protocol=nmea", "expected bridge, bitalino or ascii"));
  CHECK(fails("serial:/dev/ttyUSB0?protocol=bitalino&rate=50", "rate must be 1, 10, 100 or 1000"));
  CHECK(fails("serial:/dev/ttyUSB0?protocol=bitalino&channel=7", "channel"));
  CHECK(fails("serial:/dev/ttyUSB0?protocol=ascii&baud=fast", "baud"));
  CHECK(fails("serial:/dev/ttyUSB0?speed=3", "unknown option 'speed'"));
  CHECK(fails("tcp:localhost", "HOST:PORT"));
  CHECK(fails("tcp:127.0.0.1:70000", "expected 1 to 65535"));
  CHECK(fails("udp::5000?bind=everywhere", "not an IP address"));
  CHECK(fails("tcp:1.2.3.4:5?protocol=bitalino", "needs a serial port"));
}

TEST_CASE("udp link: binds loopback by default, one line per datagram", "[drivers]") {
  namespace asio = boost::asio;
  asio::io_context ctx;
  asio::ip::udp::socket probe(ctx, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = probe.local_endpoint().port();
  probe.close();
  Rig rig;
  rig.start(make_link_device(SourceSpec::parse("udp::" + std::to_string(port)), rig.io.executor(), rig.clock));
  CHECK(rig.device->name().find("udp:127.0.0.1:") == 0);
  asio::ip::udp::socket tx(ctx, asio::ip::udp::v4());
  const asio::ip::udp::endpoint to(asio::ip::make_address("127.0.0.1"), port);
  for (std::uint32_t i = 1; i <= 5; ++i) {
    std::string l = line("RSP", i, i * 20000, std::to_string(i));
    if (i % 2) l.resize(l.size() - 2); // with and without CR LF
    tx.send_to(asio::buffer(l), to);
  }
  std::string half = line("RSP", 6, 120000, "6");
  tx.send_to(asio::buffer(half.substr(0, 8)), to); // a truncated datagram is not joined to the next
  tx.send_to(asio::buffer(line("RSP", 7, 140000, "7")), to);
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<RespSample>() == 6; }));
  CHECK(rig.sink.of<RespSample>().back().value == 7);
}

TEST_CASE("tcp link: connects, streams, reconnects after the server drops it", "[drivers]") {
  namespace asio = boost::asio;
  asio::io_context ctx;
  asio::ip::tcp::acceptor acceptor(ctx, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  Rig rig;
  LinkConfig c;
  c.kind = LinkConfig::Kind::tcp;
  c.host = "127.0.0.1";
  c.port = port;
  c.backoff_min_s = 0.05;
  c.stall_s = 5;
  rig.start(std::make_unique<LinkDevice>(rig.io.executor(), rig.clock, c, make_bridge_protocol()));
  {
    asio::ip::tcp::socket s(ctx);
    acceptor.accept(s);
    asio::write(s, asio::buffer(rsp_lines(1, 3)));
    REQUIRE(rig.sink.wait([&] { return rig.sink.count<RespSample>() == 3; }));
  } // server closes the connection
  REQUIRE(rig.sink.wait([&] { return rig.sink.saw_state(State::lost); }));
  asio::ip::tcp::socket s2(ctx);
  acceptor.accept(s2); // the driver comes back by itself
  asio::write(s2, asio::buffer(rsp_lines(50, 2)));
  REQUIRE(rig.sink.wait([&] { return rig.sink.count<RespSample>() == 5; }));
  CHECK(rig.sink.of<RespSample>()[3].value == 1050);
}

TEST_CASE("link device: stop returns without waiting for the io thread, which then shuts it down", "[drivers]") {
  namespace asio = boost::asio;
  asio::io_context ctx; // the device's io context, run here by hand: no thread at all
  asio::ip::udp::socket probe(ctx, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = probe.local_endpoint().port();
  probe.close();
  SessionClock clock;
  SyncSink sink;
  auto device = make_link_device(SourceSpec::parse("udp::" + std::to_string(port)), ctx.get_executor(), clock);
  device->start(sink);
  device->stop(); // used to wait up to 1 s for an io thread that is not there
  CHECK_FALSE(sink.saw_state(State::ended)); // posted, not done behind the caller's back
  ctx.poll();
  CHECK(sink.saw_state(State::ended));
}
