// `reelwright export`: a delivery folder for the platforms and the editors.
//
//   <to>/manifest.json                 what is here, with sizes and SHA-256 checksums (written last)
//   <to>/episodes/ep001.en.mp4         the renders at the chosen preset
//   <to>/covers/ep001.png              1080×1920 poster frame with the title
//   <to>/subtitles/ep001.en.{srt,vtt,ass}
//   <to>/stems/ep001.{dialogue,music}.wav
//   <to>/scripts/ep001.{fountain,fdx}
//   <to>/editing/ep001/                the editor hand-off with its media beside it, so its relative
//                                      paths resolve: ep001.otio (and EDL/FCPXML when built),
//                                      clips/, voice/, stems/
#pragma once

#include <filesystem>
#include <string>

#include "base/result.h"

namespace rw {

struct ExportReport {
  int episodes = 0;
  int files = 0;
  int64_t bytes = 0;
};

// `preset` empty: the series' preset. Every episode must have its render at that preset.
Result<ExportReport> ExportSeries(const std::filesystem::path& root, const std::filesystem::path& to, const std::string& preset);

}  // namespace rw
