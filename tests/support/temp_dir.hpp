#pragma once
// A fresh folder under /tmp for one test, removed with everything in it at the end.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace pneuma::test {

struct TempDir {
  std::filesystem::path path;

  TempDir() {
    char pattern[] = "/tmp/pneuma-test-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("cannot create a temporary folder");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(TempDir const&) = delete;
  TempDir& operator=(TempDir const&) = delete;

  /// Writes `text` to a file in the folder and returns its path.
  std::filesystem::path write(std::string const& name, std::string const& text) const {
    std::ofstream(path / name) << text;
    return path / name;
  }
};

} // namespace pneuma::test
