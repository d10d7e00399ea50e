#include "post/presets.h"

namespace rw {

namespace {

std::vector<RenderPreset> AllPresets() {
  RenderPreset master;
  master.name = "master";
  RenderPreset preview;
  preview.name = "preview";
  preview.width = 540;
  preview.height = 960;
  preview.video_bitrate = 2'000'000;
  preview.max_bitrate = 3'000'000;
  RenderPreset douyin;
  douyin.name = "douyin";
  douyin.video_bitrate = 6'000'000;
  douyin.max_bitrate = 8'000'000;
  douyin.max_bytes = 128LL * 1024 * 1024;
  douyin.platform = "Douyin (one upload at most 128 MB)";
  RenderPreset kuaishou = douyin;
  kuaishou.name = "kuaishou";
  kuaishou.platform = "Kuaishou (delivered as for Douyin: at most 128 MB)";
  RenderPreset tiktok;
  tiktok.name = "tiktok";
  tiktok.video_bitrate = 6'000'000;
  tiktok.max_bitrate = 8'000'000;
  tiktok.max_bytes = 500LL * 1024 * 1024;
  tiktok.platform = "TikTok (at most 500 MB)";
  RenderPreset shorts;
  shorts.name = "shorts";
  shorts.video_bitrate = 8'000'000;
  shorts.max_bitrate = 10'000'000;
  shorts.gop_seconds = 0.5;  // YouTube: a closed GOP of half the frame rate
  shorts.audio_bitrate = 384'000;
  shorts.platform = "YouTube Shorts";
  RenderPreset reelshort = master;
  reelshort.name = "reelshort";
  reelshort.platform = "ReelShort-style drama apps (a 1080×1920 studio master)";
  return {master, preview, douyin, kuaishou, tiktok, shorts, reelshort};
}

}  // namespace

Result<RenderPreset> FindPreset(const std::string& name) {
  for (const RenderPreset& preset : AllPresets()) {
    if (preset.name == name) return preset;
  }
  std::string names;
  for (const std::string& known : PresetNames()) names += (names.empty() ? "" : ", ") + known;
  return BadInput("", "unknown render preset \"" + name + "\"; known presets: " + names);
}

std::vector<std::string> PresetNames() {
  std::vector<std::string> names;
  for (const RenderPreset& preset : AllPresets()) names.push_back(preset.name);
  return names;
}

}  // namespace rw
