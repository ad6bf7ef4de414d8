#include "record/output_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace pneuma::app {

void check_output_target(std::filesystem::path const& target, bool force,
                         std::vector<std::filesystem::path> const& inputs) {
  const std::string name = target.string();
  if (target.empty()) throw std::invalid_argument("the output file name is empty");
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) {
    if (errno != ENOENT) throw std::invalid_argument(name + ": " + std::strerror(errno));
    const auto dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
      throw std::invalid_argument(name + ": the folder " + dir.string() + " does not exist");
    return;
  }
  if (S_ISDIR(st.st_mode)) throw std::invalid_argument(name + ": is a directory; give a file name");
  if (!S_ISREG(st.st_mode)) throw std::invalid_argument(name + ": is not a regular file");
  for (auto const& in : inputs) {
    std::error_code ec;
    if (std::filesystem::equivalent(target, in, ec))
      throw std::invalid_argument(name + ": is the input file; choose another output file");
  }
  if (!force) throw std::invalid_argument(name + ": exists; give --force to replace it");
}

void write_output_file(std::filesystem::path const& target, bool force,
                       std::vector<std::filesystem::path> const& inputs,
                       std::function<void(std::ostream&)> const& write) {
  check_output_target(target, force, inputs);
  const std::string name = target.string();
  const auto dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  std::string tmp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) throw std::runtime_error("cannot write " + name + ": " + std::strerror(errno));
  ::close(fd);
  auto discard = [&] {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
  };
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw std::runtime_error("cannot write " + name);
      write(out);
      out.flush();
      if (!out) throw std::runtime_error("writing " + name + " failed (disk full?)");
    }
    const int sync_fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    const bool synced = sync_fd >= 0 && ::fsync(sync_fd) == 0;
    if (sync_fd >= 0) ::close(sync_fd);
    if (!synced) throw std::runtime_error("writing " + name + " failed (disk full?)");
    ::chmod(tmp.c_str(), 0644); // mkstemp makes it private; an export is an ordinary file
    const int moved = force ? ::rename(tmp.c_str(), target.c_str())
                            : ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE);
    if (moved != 0) {
      const int err = errno;
      throw std::runtime_error(err == EEXIST ? name + ": appeared while it was written; not replaced"
                                             : "cannot write " + name + ": " + std::strerror(err));
    }
  } catch (...) {
    discard();
    throw;
  }
}

} // namespace pneuma::app
