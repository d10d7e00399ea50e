// A series is a folder (DESIGN.md §2). This names its files and creates new ones.
//
//   reelwright.yaml  bible.yaml  arc.yaml
//   episodes/ep001/{beats.yaml, script.fountain, voice/, shots.yaml, frames/, clips/,
//                   timeline.json, ep001.otio, ep001.en.srt, ep001.en.ass, ep001.en.mp4}
//   .reelwright/{ledger.sqlite, cache/, lock}
#pragma once

#include <filesystem>
#include <string>

#include "base/result.h"
#include "schema/settings.h"

namespace rw {

namespace fs = std::filesystem;

// "ep001"
std::string EpisodeName(int number);
// "episodes/ep001", relative to the series folder.
std::string EpisodeDir(int number);

inline constexpr char kSettingsFile[] = "reelwright.yaml";
inline constexpr char kBibleFile[] = "bible.yaml";
inline constexpr char kArcFile[] = "arc.yaml";
inline constexpr char kStateDir[] = ".reelwright";

// Where genre packs and other shipped data live: $REELWRIGHT_DATA, else the source tree's
// data/ this binary was built from, else <binary>/../share/reelwright.
fs::path DataDir();

Result<Settings> LoadSettings(const fs::path& root);
// Writes reelwright.yaml into a new or empty folder; refuses to touch an existing series.
Status CreateSeries(const fs::path& root, const Settings& settings);

}  // namespace rw
