// `pneuma simulate --drop P --stall-every S` from the command line: the lines on the pty, read here
// without any Pneuma driver, show the lost frames (sequence numbers skipped) and the 3-s stalls
// (device time jumping) the options ask for.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <sstream>
#include <string>
#include <termios.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

struct Frame {
  std::uint64_t seq = 0;
  double t_s = 0; ///< device time
};

/// Everything the simulator writes to the pty at `path` until it closes it (or `timeout`).
std::string read_pty(std::filesystem::path const& path, std::chrono::seconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  int fd = -1;
  while (fd < 0 && std::chrono::steady_clock::now() < end) {
    fd = ::open(path.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10)); // polling for the path
  }
  if (fd < 0) return {};
  termios t{};
  tcgetattr(fd, &t);
  cfmakeraw(&t);
  tcsetattr(fd, TCSANOW, &t);
  std::string out;
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EAGAIN) break; // the master closed: the simulator is done
  }
  ::close(fd);
  return out;
}

/// The RSP frames of bridge lines ("$RSP,seq,t_us,value*CS").
std::vector<Frame> rsp_frames(std::string const& bytes) {
  std::vector<Frame> frames;
  std::istringstream in(bytes);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("$RSP,", 0) != 0) continue;
    std::istringstream fields(line.substr(5));
    std::string seq, t_us;
    if (!std::getline(fields, seq, ',') || !std::getline(fields, t_us, ',')) continue;
    frames.push_back({std::stoull(seq), std::stod(t_us) / 1e6});
  }
  return frames;
}

} // namespace

TEST_CASE("simulate: --drop loses that share of frames and --stall-every stops sending for 3 s", "[e2e][drivers]") {
  const pneuma::test::TempDir dir;
  const auto tty = dir.path / "ttyFaults";
  std::thread sim([&] {
    (void)pneuma::test::run_process(pneuma::test::pneuma_binary() + " simulate --as bridge --signals belt --pty " +
                                    tty.string() + " --speed 20 --seconds 20 --stall-every 5 --drop 0.2");
  });
  const std::string bytes = read_pty(tty, std::chrono::seconds(20));
  sim.join();
  const auto frames = rsp_frames(bytes);
  REQUIRE(frames.size() > 200);
  // 20 s of a 50 Hz belt, sequence numbers counting every frame made, sent or not.
  std::size_t lost = 0, received = frames.size(), stalls = 0;
  for (std::size_t i = 1; i < frames.size(); ++i) {
    const double dt = frames[i].t_s - frames[i - 1].t_s;
    const auto skipped = frames[i].seq - frames[i - 1].seq - 1;
    CHECK(dt == Approx(0.02 * static_cast<double>(skipped + 1)).margin(1e-3)); // device time follows the count
    if (dt > 2.5) {
      ++stalls; // a stall: 3 s (150 frames) muted, give or take the frames dropped around it
      CHECK(dt < 3.5);
    } else {
      lost += skipped;
    }
  }
  // Stalls start at 5, 10 and 15 s of the 20 s served.
  CHECK(stalls == 3);
  // Outside the stalls ~550 frames were made, each lost with probability 0.2: the binomial's
  // sd is 0.017, so 0.2 +- 0.07 holds at 4 sd.
  const double share = static_cast<double>(lost) / static_cast<double>(lost + received);
  INFO(lost << " lost, " << received << " received");
  CHECK(share == Approx(0.2).margin(0.07));
}
