#include "build/store.h"

#include "base/file.h"
#include "base/hash.h"

namespace rw {

std::filesystem::path ContentStore::PathOf(const std::string& hash) const {
  return root_ / hash.substr(0, 2) / hash;
}

bool ContentStore::Has(const std::string& hash) const {
  std::error_code ec;
  return hash.size() == 64 && std::filesystem::exists(PathOf(hash), ec);
}

Result<std::string> ContentStore::Put(std::string_view bytes) {
  std::string hash = Sha256Hex(bytes);
  if (!Has(hash)) RW_TRY(WriteFileAtomic(PathOf(hash), bytes));
  return hash;
}

Result<std::string> ContentStore::PutFile(const std::filesystem::path& path) {
  std::string hash = Sha256File(path.string());
  if (hash.empty()) return IoError(path.string(), "cannot read to store it in the cache");
  if (!Has(hash)) RW_TRY(CopyFileAtomic(path, PathOf(hash)));
  return hash;
}

Status ContentStore::CopyTo(const std::string& hash, const std::filesystem::path& dest) const {
  RW_TRY(CopyFileAtomic(PathOf(hash), dest));
  if (Sha256File(dest.string()) != hash) {
    std::error_code ec;
    std::filesystem::remove(dest, ec);
    std::filesystem::remove(PathOf(hash), ec);
    return IoError(PathOf(hash).string(), "a cache blob was corrupt and has been removed; run the build again to remake it");
  }
  return {};
}

}  // namespace rw
