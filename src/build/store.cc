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
  RW_ASSIGN(std::string bytes, ReadFile(path));
  return Put(bytes);
}

Status ContentStore::CopyTo(const std::string& hash, const std::filesystem::path& dest) const {
  RW_ASSIGN(std::string bytes, ReadFile(PathOf(hash)));
  if (Sha256Hex(bytes) != hash) return IoError(PathOf(hash).string(), "cache blob is corrupt; run the build again to remake it");
  return WriteFileAtomic(dest, bytes);
}

}  // namespace rw
