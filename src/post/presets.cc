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
  return {master, preview};
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
