// reelwright.yaml: a series' settings (schema Settings.1).
//
// Written by `reelwright new`, edited by the creator. Every number of the rhythm template is a
// setting (DESIGN.md §5). Keys for model servers never live here, only names of env variables.
#pragma once

#include <string>

#include "base/result.h"
#include "schema/fields.h"
#include "schema/yaml_doc.h"

namespace rw {

struct FormatSettings {
  int width = 1080;
  int height = 1920;
  int fps = 30;
  template <class V> void Fields(V& v) { v("width", width); v("height", height); v("fps", fps); }
};

struct RhythmSettings {
  double hook_by_s = 3;            // the hook lands inside the first seconds
  double conflict_by_s = 30;       // the central conflict is on screen by then
  double climax_by_s = 60;         // the climax lands by then
  double cliffhanger_window_s = 10;  // the cliffhanger sits in the last seconds
  double min_episode_s = 60;
  double max_episode_s = 120;
  double target_episode_s = 80;
  template <class V> void Fields(V& v) {
    v("hook_by_s", hook_by_s); v("conflict_by_s", conflict_by_s); v("climax_by_s", climax_by_s);
    v("cliffhanger_window_s", cliffhanger_window_s); v("min_episode_s", min_episode_s);
    v("max_episode_s", max_episode_s); v("target_episode_s", target_episode_s);
  }
};

struct Settings {
  static constexpr char kSchema[] = "Settings.1";
  std::string title;
  std::string idea;
  std::string genre = "revenge";
  std::string lang = "en";
  int episodes = 3;
  int seed = 1;
  std::string preset = "master";  // the render preset a plain `build` uses
  FormatSettings format;
  RhythmSettings rhythm;

  template <class V> void Fields(V& v) {
    v.Required("title", title); v.Required("idea", idea); v.Required("genre", genre); v.Required("lang", lang);
    v.Required("episodes", episodes); v("seed", seed); v("preset", preset); v("format", format);
    v("rhythm", rhythm);
  }
  Status Validate(const YamlDoc& doc) const;
};

}  // namespace rw
