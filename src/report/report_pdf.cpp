#include "report/report_pdf.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace pneuma::app {
namespace fs = std::filesystem;

std::string find_chromium() {
  const char* path = std::getenv("PATH");
  const std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    std::size_t at = 0;
    while (at <= dirs.size()) {
      const auto end = std::min(dirs.find(':', at), dirs.size());
      const fs::path candidate = fs::path(dirs.substr(at, end - at)) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
      at = end + 1;
    }
  }
  return {};
}

void print_pdf(fs::path const& html, fs::path const& pdf) {
  const std::string chromium = find_chromium();
  if (chromium.empty())
    throw std::runtime_error("--pdf needs Chromium (Debian: apt install chromium); the HTML report works without it");
  char profile_pattern[] = "/tmp/pneuma-pdf-XXXXXX";
  if (::mkdtemp(profile_pattern) == nullptr) throw std::runtime_error("cannot create a temporary folder for Chromium");
  const fs::path profile = profile_pattern;
  std::vector<std::string> args{chromium, "--headless", "--disable-gpu", "--no-pdf-header-footer",
                                "--disable-background-networking", "--disable-component-update",
                                "--disable-sync", "--no-first-run", "--user-data-dir=" + profile.string(),
                                "--print-to-pdf=" + pdf.string(), "file://" + fs::absolute(html).string()};
  if (::geteuid() == 0) args.insert(args.begin() + 1, "--no-sandbox"); // Chromium refuses root otherwise
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  // Chromium's own chatter (GPU, D-Bus, crash reporter) is not the person's business.
  posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&files, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, chromium.c_str(), &files, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  int status = 0;
  if (spawned == 0) ::waitpid(pid, &status, 0);
  std::error_code ec;
  fs::remove_all(profile, ec);
  if (spawned != 0) throw std::runtime_error("cannot start " + chromium);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !fs::exists(pdf) || fs::file_size(pdf, ec) == 0)
    throw std::runtime_error("Chromium could not print " + html.string() + " to PDF");
}

} // namespace pneuma::app
