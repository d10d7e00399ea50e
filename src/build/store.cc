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

std::vector<std::pair<std::string, int64_t>> ContentStore::List() const {
  std::vector<std::pair<std::string, int64_t>> out;
  std::error_code ec;
  for (const auto& dir : std::filesystem::directory_iterator(root_, ec)) {
    if (!dir.is_directory()) continue;
    std::error_code ec2;
    for (const auto& f : std::filesystem::directory_iterator(dir.path(), ec2)) {
      std::string name = f.path().filename().string();
      if (!f.is_regular_file() || name.size() != 64) continue;  // temp files of an interrupted put are not blobs
      out.push_back({name, static_cast<int64_t>(f.file_size(ec2))});
    }
  }
  return out;
}

void ContentStore::Remove(const std::string& hash) const {
  std::error_code ec;
  std::filesystem::remove(PathOf(hash), ec);
}

}  // namespace rw
