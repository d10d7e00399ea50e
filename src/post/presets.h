// Render presets: the delivery formats an episode is rendered to (formats.md §6).
//
// "master" is the platform master (1080×1920, 30 fps, ~10 Mbps VBR capped at 12 Mbps, closed
// 2 s GOP); "preview" is a quarter-size, low-bitrate copy for review. The platform presets follow
// what each platform publishes (formats.md §7): douyin and kuaishou (≥ 720p vertical, one upload
// ≤ 128 MB), tiktok (9:16 ≥ 720×1280, ≤ 500 MB), shorts (YouTube: H.264 High, closed GOP of half
// the frame rate, 8 Mbps at 1080p30, AAC 384 kbps), reelshort (the studio master the drama apps
// ingest). All use x264 "veryfast", which keeps a 1080×1920 render at or above real time on two
// cores. A render over a preset's file-size limit fails, naming the limit.
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
  int crf = -1;  // >= 0: constant quality instead of the bitrates (benchmarks, archives)
  double gop_seconds = 2;                                        // closed GOP of fps*gop_seconds frames
  int audio_bitrate = 192'000;
  std::string x264_preset = "veryfast";
  int64_t max_bytes = 0;  // the platform's upload limit; 0: none
  std::string platform;   // who publishes the limits, for messages
};

// The preset called `name`; BadInput listing the known names when there is none.
Result<RenderPreset> FindPreset(const std::string& name);
// Every preset name, in a stable order ("master", "preview").
std::vector<std::string> PresetNames();

}  // namespace rw
