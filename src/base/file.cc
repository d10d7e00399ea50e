#include "base/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace rw {

namespace {

std::string Errno() { return std::strerror(errno); }

Status SyncPath(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return IoError(path.string(), "cannot open to flush: " + Errno());
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IoError(path.string(), "cannot flush to disk: " + Errno());
  return {};
}

}  // namespace

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return Error{ErrorCode::kNotFound, "file not found", path.string()};
    return IoError(path.string(), "cannot read: " + Errno());
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path TempPathFor(const fs::path& path) {
  static std::atomic<int> counter{0};
  return path.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

bool IsTempFile(const fs::path& path) { return path.filename().string().find(".tmp-") != std::string::npos; }

Status CommitTempFile(const fs::path& from, const fs::path& to) {
  RW_TRY(SyncPath(from));
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) {
    fs::remove(from, ec);
    return IoError(to.string(), "cannot move the finished file into place: " + ec.message());
  }
  return {};
}

Status WriteFileAtomic(const fs::path& path, std::string_view bytes) {
  if (path.has_parent_path()) RW_TRY(MakeDirs(path.parent_path()));
  fs::path tmp = TempPathFor(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError(path.string(), "cannot write: " + Errno());
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string why = Errno();
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError(path.string(), "cannot write: " + why);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return IoError(path.string(), "cannot flush to disk: " + Errno());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return IoError(path.string(), "cannot move the finished file into place: " + ec.message());
  }
  return {};
}

Status CopyFileAtomic(const fs::path& from, const fs::path& to) {
  if (to.has_parent_path()) RW_TRY(MakeDirs(to.parent_path()));
  fs::path tmp = TempPathFor(to);
  std::error_code ec;
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return IoError(from.string(), "cannot copy to " + to.string() + ": " + ec.message());
  }
  return CommitTempFile(tmp, to);
}

Status MakeDirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return IoError(dir.string(), "cannot create folder: " + ec.message());
  return {};
}

void SweepTempFiles(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec) && IsTempFile(it->path())) fs::remove(it->path(), ec);
  }
}

}  // namespace rw
