#include "build/series_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/file.h"
#include "base/text.h"

namespace rw {

Result<std::unique_ptr<SeriesLock>> SeriesLock::Acquire(const std::filesystem::path& state_dir) {
  RW_TRY(MakeDirs(state_dir));
  std::filesystem::path path = state_dir / "lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return IoError(path.string(), std::string("cannot open the lock file: ") + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {0};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "another process";
    return Error{ErrorCode::kFailed,
                 "another reelwright (pid " + Trim(holder) + ") is working on this series; wait for it to finish",
                 path.string()};
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
  return std::unique_ptr<SeriesLock>(new SeriesLock(fd));
}

SeriesLock::~SeriesLock() {
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace rw
