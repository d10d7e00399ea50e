// SHA-256 of bytes, as lowercase hex. Every cache key and artifact hash in Reelwright is one.
#pragma once

#include <string>
#include <string_view>

namespace rw {

std::string Sha256Hex(std::string_view bytes);
// SHA-256 of a file's bytes, read in chunks (media files can be large). Empty if unreadable.
std::string Sha256File(const std::string& path);

// Incremental hashing for large or streamed inputs.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view bytes);
  std::string FinishHex();

 private:
  struct Impl;
  Impl* impl_;  // owned; an EVP_MD_CTX behind a pimpl keeps OpenSSL out of the header
};

}  // namespace rw
