// Render presets: the delivery formats an episode is rendered to (formats.md §6).
//
// "master" is the platform master (1080×1920, 30 fps, ~10 Mbps VBR capped at 12 Mbps, closed
// 2 s GOP); "preview" is a quarter-size, low-bitrate copy for review. Both use x264 "veryfast",
// which keeps a 1080×1920 render at or above real time on two cores.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace rw {

struct RenderPreset {
  std::string name;  // "master", "preview"
  int width = 1080, height = 1920, fps = 30;
  int64_t video_bitrate = 10'000'000, max_bitrate = 12'000'000;  // VBR target / cap (bits/s)
  int gop_seconds = 2;                                           // closed GOP of fps*gop_seconds frames
  int audio_bitrate = 192'000;
  std::string x264_preset = "veryfast";
};

// The preset called `name`; BadInput listing the known names when there is none.
Result<RenderPreset> FindPreset(const std::string& name);
// Every preset name, in a stable order ("master", "preview").
std::vector<std::string> PresetNames();

}  // namespace rw
