#include "app/series.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "base/file.h"
#include "schema/yaml_io.h"
#include "story/genre_pack.h"

namespace rw {

std::string EpisodeName(int number) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "ep%03d", number);
  return buf;
}

std::string EpisodeDir(int number) { return "episodes/" + EpisodeName(number); }

fs::path DataDir() {
  if (const char* env = std::getenv("REELWRIGHT_DATA"); env && *env) return env;
#ifdef RW_DATA_DIR
  if (fs::exists(fs::path(RW_DATA_DIR) / "genres")) return RW_DATA_DIR;
#endif
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return exe.parent_path().parent_path() / "share" / "reelwright";
}

Result<Settings> LoadSettings(const fs::path& root) {
  fs::path path = root / kSettingsFile;
  std::error_code ec;
  if (!fs::exists(path, ec))
    return BadInput(path.string(), "no reelwright.yaml here; is this a series folder? Make one with `reelwright new " +
                                       root.string() + " --idea \"…\"`");
  return LoadYaml<Settings>(path, path.string());
}

Status CreateSeries(const fs::path& root, const Settings& settings) {
  std::error_code ec;
  if (fs::exists(root / kSettingsFile, ec))
    return BadInput((root / kSettingsFile).string(), "a series already exists here; build it with `reelwright build " +
                                                         root.string() + "` or choose another folder");
  if (fs::exists(root, ec) && !fs::is_directory(root, ec))
    return BadInput(root.string(), "exists and is not a folder");
  if (fs::exists(root, ec) && !fs::is_empty(root, ec))
    return BadInput(root.string(), "the folder is not empty; choose a new or empty folder for the series");
  if (settings.writer == "builtin") RW_TRY(LoadGenrePack(DataDir() / "genres", settings.genre, settings.lang));
  RW_TRY(MakeDirs(root / kStateDir));
  return SaveYaml(root / kSettingsFile, settings);
}

}  // namespace rw
