#pragma once
// Test helpers for byte-link drivers: an in-process pseudo-terminal reachable through a stable
// symlink (so "unplug" and "replug" can be played), and a thread-safe sample collector.

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <mutex>
#include <pty.h>
#include <stdexcept>
#include <string>
#include <termios.h>
#include <thread>
#include <unistd.h>
#include <variant>
#include <vector>

#include "pneuma/drivers/device.hpp"

namespace pneuma::test {

/// A pseudo-terminal whose slave is reachable at `link` (a symlink that survives replugs).
class PtyPort {
public:
  explicit PtyPort(std::filesystem::path link) : link_(std::move(link)) { plug(); }
  ~PtyPort() { unplug(); }
  PtyPort(PtyPort const&) = delete;
  PtyPort& operator=(PtyPort const&) = delete;

  void plug() {
    if (openpty(&master_, &slave_, nullptr, nullptr, nullptr) != 0) throw std::runtime_error("openpty failed");
    termios t{};
    tcgetattr(slave_, &t);
    cfmakeraw(&t); // until the driver applies its own settings
    tcsetattr(slave_, TCSANOW, &t);
    const std::filesystem::path tmp = link_.string() + ".new";
    std::filesystem::remove(tmp);
    std::filesystem::create_symlink(ttyname(slave_), tmp);
    std::filesystem::rename(tmp, link_); // atomic re-point
  }
  /// Closes both ends: the driver sees the device vanish.
  void unplug() {
    if (master_ >= 0) ::close(master_);
    if (slave_ >= 0) ::close(slave_);
    master_ = slave_ = -1;
  }
  void write(std::string_view bytes) const {
    std::size_t at = 0;
    while (at < bytes.size()) {
      const ssize_t n = ::write(master_, bytes.data() + at, bytes.size() - at);
      if (n <= 0) throw std::runtime_error("pty write failed");
      at += static_cast<std::size_t>(n);
    }
  }
  void write(std::vector<std::uint8_t> const& b) const {
    write(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  }
  /// Reads what the driver wrote, waiting up to `timeout` for at least `want` bytes.
  std::string read(std::size_t want, std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) const {
    std::string out;
    const auto end = std::chrono::steady_clock::now() + timeout;
    const int flags = fcntl(master_, F_GETFL);
    fcntl(master_, F_SETFL, flags | O_NONBLOCK);
    while (out.size() < want && std::chrono::steady_clock::now() < end) {
      char buf[256];
      const ssize_t n = ::read(master_, buf, sizeof buf);
      if (n > 0) out.append(buf, static_cast<std::size_t>(n));
      else std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    fcntl(master_, F_SETFL, flags);
    return out;
  }
  /// The termios the driver applied (the master sees the slave's settings).
  [[nodiscard]] termios settings() const {
    termios t{};
    tcgetattr(master_, &t);
    return t;
  }
  [[nodiscard]] std::filesystem::path const& link() const noexcept { return link_; }

private:
  std::filesystem::path link_;
  int master_ = -1;
  int slave_ = -1;
};

/// A fresh private temporary directory, removed at the end.
class TempDir {
public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pneuma-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() { std::error_code ec; std::filesystem::remove_all(path_, ec); }
  [[nodiscard]] std::filesystem::path const& path() const noexcept { return path_; }

private:
  std::filesystem::path path_;
};

/// Collects samples from the io thread; the test thread waits for conditions on them.
class SyncSink final : public drivers::SampleSink {
public:
  void on_sample(drivers::DeviceSample const& s) noexcept override {
    std::lock_guard lock(mutex_);
    all_.push_back(s);
    cv_.notify_all();
  }
  template <class T> std::vector<T> of() const {
    std::lock_guard lock(mutex_);
    std::vector<T> out;
    for (auto const& s : all_)
      if (auto const* v = std::get_if<T>(&s)) out.push_back(*v);
    return out;
  }
  template <class T> std::size_t count() const { return of<T>().size(); }
  /// Waits (at most `timeout`) until `done()` holds; returns whether it did.
  bool wait(std::function<bool()> const& done, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (done()) return true;
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, std::chrono::milliseconds(20));
    }
    return done();
  }
  bool saw_state(drivers::DeviceStatus::State state) const {
    for (auto const& s : of<drivers::DeviceStatus>())
      if (s.state == state) return true;
    return false;
  }
  /// Status states seen after the n-th sample.
  std::size_t size() const { std::lock_guard lock(mutex_); return all_.size(); }

private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<drivers::DeviceSample> all_;
};

} // namespace pneuma::test
