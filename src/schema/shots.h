// shots.yaml: an episode's shot list (schema Shots.1).
//
// One shot per dialogue line or action paragraph; durations come from the measured voice
// durations, so the shot list is the episode's real timing.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "base/result.h"
#include "schema/fields.h"
#include "schema/yaml_doc.h"

namespace rw {

// Shot scale, closest first.
enum class ShotType { kECU, kCU, kMCU, kMS, kMLS, kLS, kWS };
template <>
struct EnumNames<ShotType> {
  static constexpr std::array<std::pair<ShotType, const char*>, 7> kNames{{
      {ShotType::kECU, "ECU"}, {ShotType::kCU, "CU"}, {ShotType::kMCU, "MCU"}, {ShotType::kMS, "MS"},
      {ShotType::kMLS, "MLS"}, {ShotType::kLS, "LS"}, {ShotType::kWS, "WS"},
  }};
};

enum class CameraMove { kStatic, kPushIn, kPullOut, kPanLeft, kPanRight, kTiltUp, kTiltDown };
template <>
struct EnumNames<CameraMove> {
  static constexpr std::array<std::pair<CameraMove, const char*>, 7> kNames{{
      {CameraMove::kStatic, "static"}, {CameraMove::kPushIn, "push-in"}, {CameraMove::kPullOut, "pull-out"},
      {CameraMove::kPanLeft, "pan-left"}, {CameraMove::kPanRight, "pan-right"}, {CameraMove::kTiltUp, "tilt-up"},
      {CameraMove::kTiltDown, "tilt-down"},
  }};
};

struct Shot {
  std::string id;  // S001, …
  std::string beat;  // beat id
  ShotType type = ShotType::kMS;
  CameraMove move = CameraMove::kStatic;
  double start_s = 0;
  double duration_s = 2;
  std::vector<std::string> cast;  // character ids in frame, the speaker first
  std::string speaker;            // character id speaking in this shot, or empty
  std::string location;           // location id
  std::vector<std::string> lines;  // dialogue line ids spoken over this shot
  std::string caption;  // the action this shot shows (the storyboard's caption)
  std::string prompt;   // image prompt, referring to the bible: "@C01 speaking; @C02; @L01; @style" (ExpandPrompt)
  std::vector<std::string> references;  // reference images of the cast and location that have one
  uint32_t seed = 0;
  template <class V> void Fields(V& v) {
    v.Required("id", id); v("beat", beat); v.Required("type", type); v("move", move); v("start_s", start_s);
    v.Required("duration_s", duration_s); v("cast", cast); v("speaker", speaker); v("location", location);
    v("lines", lines); v("caption", caption); v("prompt", prompt); v("references", references); v("seed", seed);
  }
};

struct Shots {
  static constexpr char kSchema[] = "Shots.1";
  int episode = 1;
  std::vector<Shot> shots;
  template <class V> void Fields(V& v) { v.Required("episode", episode); v.Required("shots", shots); }
  Status Validate(const YamlDoc& doc) const;
};

}  // namespace rw
