// One reelwright process at a time per series: an exclusive flock on .reelwright/lock.
// The kernel drops the lock when the process dies, so a killed build never leaves it stuck.
#pragma once

#include <filesystem>
#include <memory>

#include "base/result.h"

namespace rw {

class SeriesLock {
 public:
  // Fails with a message naming the process that holds the lock.
  static Result<std::unique_ptr<SeriesLock>> Acquire(const std::filesystem::path& state_dir);
  ~SeriesLock();
  SeriesLock(const SeriesLock&) = delete;
  SeriesLock& operator=(const SeriesLock&) = delete;

 private:
  explicit SeriesLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace rw
