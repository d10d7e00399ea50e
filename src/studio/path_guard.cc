#include "studio/path_guard.h"

#include <regex>

namespace rw::studio {

namespace fs = std::filesystem;

namespace {

GuardedPath Refuse(int status, std::string message) {
  GuardedPath g;
  g.status = status;
  g.message = std::move(message);
  return g;
}

// Checks the name alone, before touching the disk.
GuardedPath CheckName(std::string_view rel) {
  if (rel.empty()) return Refuse(400, "no file named");
  if (rel.size() > 512) return Refuse(400, "file name too long");
  if (rel.find('\0') != std::string_view::npos || rel.find('\\') != std::string_view::npos)
    return Refuse(400, "file names use '/' and no control characters");
  if (rel.front() == '/' || (rel.size() > 1 && rel[1] == ':'))
    return Refuse(400, "absolute paths are refused: name the file relative to the series folder");
  std::string out;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t end = rel.find('/', start);
    if (end == std::string_view::npos) end = rel.size();
    std::string_view part = rel.substr(start, end - start);
    if (part == "..") return Refuse(400, "'..' is refused: only files inside the series folder can be opened");
    if (part.empty() || part == ".") return Refuse(400, "empty or '.' path component");
    if (part.front() == '.') return Refuse(403, "hidden files (such as .reelwright/) are not served");
    out.append(out.empty() ? "" : "/").append(part);
    start = end + 1;
  }
  GuardedPath g;
  g.rel = out;
  return g;
}

bool Within(const fs::path& inner, const fs::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

}  // namespace

GuardedPath GuardRead(const fs::path& root, std::string_view rel) {
  GuardedPath g = CheckName(rel);
  if (!g.ok()) return g;
  std::error_code ec;
  fs::path real_root = fs::canonical(root, ec);
  if (ec) return Refuse(500, "the series folder cannot be read: " + ec.message());
  fs::path real = fs::canonical(real_root / g.rel, ec);
  if (ec) return Refuse(404, g.rel + ": no such file");
  if (!Within(real, real_root)) return Refuse(403, g.rel + ": leads outside the series folder (a symlink?)");
  if (!fs::is_regular_file(real, ec)) return Refuse(404, g.rel + ": not a file");
  g.path = real;
  return g;
}

GuardedPath GuardWrite(const fs::path& root, std::string_view rel) {
  GuardedPath g = CheckName(rel);
  if (!g.ok()) return g;
  static const std::regex kEditable(
      R"((bible|arc)\.yaml|episodes/ep\d{3}/(beats\.yaml|script\.fountain|shots\.yaml|frames/S\d{3}\.png))");
  if (!std::regex_match(g.rel, kEditable))
    return Refuse(403, g.rel + ": the studio writes only bible.yaml, arc.yaml, an episode's beats.yaml, script.fountain, "
                               "shots.yaml and frames/SNNN.png");
  std::error_code ec;
  fs::path real_root = fs::canonical(root, ec);
  if (ec) return Refuse(500, "the series folder cannot be read: " + ec.message());
  fs::path target = real_root / g.rel;
  fs::path real_dir = fs::canonical(target.parent_path(), ec);
  if (ec) return Refuse(404, g.rel + ": its folder does not exist; build the episode first");
  if (!Within(real_dir, real_root)) return Refuse(403, g.rel + ": leads outside the series folder (a symlink?)");
  if (fs::is_symlink(fs::symlink_status(target, ec))) return Refuse(403, g.rel + ": is a symlink; the studio does not write through links");
  g.path = real_dir / target.filename();
  return g;
}

}  // namespace rw::studio
