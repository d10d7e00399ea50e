// Which files of a series the studio may read or write. The browser names a file by its path
// relative to the series folder ("episodes/ep001/script.fountain"); nothing outside the folder
// is ever opened: no absolute path, no "..", no hidden entry (.reelwright/ holds the ledger),
// and no symlink whose target lies outside. Writes go only to the files a person edits.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace rw::studio {

struct GuardedPath {
  int status = 200;           // 200, or the HTTP status that refuses it (400, 403, 404)
  std::string message;        // why it was refused
  std::filesystem::path path;  // the file on disk (when status is 200)
  std::string rel;             // normalised, relative to the series folder
  bool ok() const { return status == 200; }
};

// A file to read: it must exist, and its real path (symlinks followed) must lie in `root`.
GuardedPath GuardRead(const std::filesystem::path& root, std::string_view rel);
// A file to write: one a person edits (bible.yaml, arc.yaml, an episode's beats.yaml,
// script.fountain, shots.yaml, or a frame episodes/epNNN/frames/SNNN.png), its folder inside
// `root`, and not a symlink itself.
GuardedPath GuardWrite(const std::filesystem::path& root, std::string_view rel);

}  // namespace rw::studio
