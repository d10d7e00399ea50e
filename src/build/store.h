// The content-addressed store: immutable blobs named by their SHA-256, under
// .reelwright/cache/<first two hex digits>/<hash>. Every version of every artifact a build made
// lands here, so a per-item result (one voiced line, one painted frame, one encoded clip) is
// reused whenever its key comes round again, and old versions can be restored until gc.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace rw {

class ContentStore {
 public:
  explicit ContentStore(std::filesystem::path root) : root_(std::move(root)) {}

  // Stores bytes; returns their hash. Idempotent.
  Result<std::string> Put(std::string_view bytes);
  // Stores a file's bytes; returns their hash.
  Result<std::string> PutFile(const std::filesystem::path& path);
  bool Has(const std::string& hash) const;
  std::filesystem::path PathOf(const std::string& hash) const;
  // Copies a blob to `dest` atomically.
  Status CopyTo(const std::string& hash, const std::filesystem::path& dest) const;
  // Every blob: its hash and size in bytes.
  std::vector<std::pair<std::string, int64_t>> List() const;
  void Remove(const std::string& hash) const;

 private:
  std::filesystem::path root_;
};

}  // namespace rw
