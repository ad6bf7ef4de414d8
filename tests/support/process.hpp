#pragma once
// Runs the `pneuma` binary (or any command) and captures its output and exit code.

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace pneuma::test {

struct ProcessResult {
  int exit_code = -1;
  std::string out; ///< stdout (stderr too when `merge_stderr`)
};

/// Runs `command` through /bin/sh; `command` is built by the test from constants only.
inline ProcessResult run_process(std::string const& command, bool merge_stderr = false) {
  ProcessResult r;
  const std::string full = command + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string pneuma_binary() { return PNEUMA_BINARY; }

} // namespace pneuma::test
