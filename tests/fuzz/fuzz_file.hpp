#pragma once
// For fuzz targets of file readers: the input written to a file of this process's own (in
// /dev/shm when there is one, so no disk I/O), overwritten on each run.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace pneuma::fuzz {

inline std::filesystem::path scratch_path(char const* suffix) {
  const std::filesystem::path dir = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
  return dir / ("pneuma-fuzz-" + std::to_string(::getpid()) + suffix);
}

inline void write_file(std::filesystem::path const& path, const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
}

} // namespace pneuma::fuzz
