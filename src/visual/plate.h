// Plate: how the built-in clips stage made a shot's clip from stills (the camera move, and which
// still each frame shows), so the renderer can draw the shot from the same stills instead of
// decoding the clip. The clip itself stays: editors, players and the hand-off files use it.
//
// Written by the clips stage beside the clip, clips/S003.mp4 -> clips/S003.plate.json:
//   {"schema": "Plate.1",
//    "clip": "<sha256 of the clip file the plate describes>",
//    "move": "push-in", "frames": 159, "fps": 30, "width": 1080, "height": 1920,
//    "stills": [{"path": "frames/S003.png", "sha256": "<sha256>"}, ...],
//    "pick": "001122..."}
// Paths are relative to the episode folder. "pick" holds one digit a frame, the index of the
// still that frame shows (the speaker's mouth open or closed); empty: the first throughout.
// A plate is trusted only while the clip and every still hash to what it names (the renderer
// checks), so a person who puts their own clip in place gets their clip, not the plate.
//
// PlateDrawer draws a plate's frames into 4:2:0 planes of any even size: each still cover-fitted
// to it as Motion fits it, then the camera of Motion::PathAt drawn by DrawZoomed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "schema/shots.h"
#include "visual/yuv_picture.h"

namespace rw {

struct PlateStill {
  std::string path;  // relative to the episode folder
  std::string sha256;
};

struct Plate {
  std::string clip_sha256;
  CameraMove move = CameraMove::kStatic;
  int frames = 1;
  int fps = 30;
  int width = 0;
  int height = 0;
  std::vector<PlateStill> stills;
  std::string pick;  // one digit a frame: which still
};

// clips/S003.mp4 -> clips/S003.plate.json, or with a name clips/S003.<name>.plate.json (a second
// way to draw the same shot: kTextlessPlate, the panels without their words, for dubbed renders).
std::filesystem::path PlatePathFor(const std::filesystem::path& clip, const std::string& name = {});
inline constexpr char kTextlessPlate[] = "textless";

std::string PlateJson(const Plate& plate);
// Errors name `where` and say what is wrong.
Result<Plate> ParsePlate(std::string_view text, const std::string& where);

class PlateDrawer {
 public:
  // Reads and fits the plate's stills to width x height (even numbers).
  static Result<PlateDrawer> Open(const Plate& plate, const std::filesystem::path& episode_dir, int width, int height);
  // The same from stills in memory, one per plate.stills entry (their paths are not read).
  static Result<PlateDrawer> FromImages(const Plate& plate, const std::vector<const Image*>& stills, int width, int height);

  // Frame `index` of the shot (clamped to its frames) into `out`, planes of width x height.
  void Draw(int index, const YuvPlanes& out, ZoomScratch* scratch) const;

  const Plate& plate() const { return plate_; }

 private:
  Plate plate_;
  std::vector<YuvPicture> pictures_;  // one per still, fitted
  int width_ = 0;
  int height_ = 0;
};

}  // namespace rw
