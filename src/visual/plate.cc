#include "visual/plate.h"

#include <algorithm>

#include "schema/fields.h"
#include "visual/motion.h"
#include "visual/png.h"

namespace rw {

std::filesystem::path PlatePathFor(const std::filesystem::path& clip, const std::string& name) {
  std::filesystem::path plate = clip;
  plate.replace_extension(name.empty() ? ".plate.json" : "." + name + ".plate.json");
  return plate;
}

std::string PlateJson(const Plate& plate) {
  Json stills = Json::array();
  for (const PlateStill& s : plate.stills) stills.push_back({{"path", s.path}, {"sha256", s.sha256}});
  Json doc = {{"schema", "Plate.1"}, {"clip", plate.clip_sha256}, {"move", EnumName(plate.move)},
              {"frames", plate.frames},  {"fps", plate.fps},          {"width", plate.width},
              {"height", plate.height},  {"stills", stills},          {"pick", plate.pick}};
  return doc.dump(1) + "\n";
}

Result<Plate> ParsePlate(std::string_view text, const std::string& where) {
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return BadInput(where, "a plate is not JSON; build again to remake it");
  if (doc.value("schema", "") != "Plate.1") return BadInput(where, "not a Plate.1 file; build again to remake it");
  Plate plate;
  try {
    plate.clip_sha256 = doc.at("clip").get<std::string>();
    std::optional<CameraMove> move = EnumFromName<CameraMove>(doc.at("move").get<std::string>());
    if (!move) return BadInput(where, "a plate names an unknown camera move; build again to remake it");
    plate.move = *move;
    plate.frames = doc.at("frames").get<int>();
    plate.fps = doc.at("fps").get<int>();
    plate.width = doc.at("width").get<int>();
    plate.height = doc.at("height").get<int>();
    for (const Json& s : doc.at("stills")) plate.stills.push_back({s.at("path").get<std::string>(), s.at("sha256").get<std::string>()});
    plate.pick = doc.at("pick").get<std::string>();
  } catch (const Json::exception& e) {
    return BadInput(where, std::string("a plate field is missing or of the wrong type (") + e.what() + "); build again to remake it");
  }
  if (plate.frames < 1 || plate.fps < 1 || plate.stills.empty() || plate.stills.size() > 10) {
    return BadInput(where, "a plate needs frames, fps and one to ten stills; build again to remake it");
  }
  for (char c : plate.pick) {
    if (c < '0' || c - '0' >= static_cast<int>(plate.stills.size())) {
      return BadInput(where, "a plate picks a still it does not list; build again to remake it");
    }
  }
  return plate;
}

Result<PlateDrawer> PlateDrawer::Open(const Plate& plate, const std::filesystem::path& episode_dir, int width, int height) {
  std::vector<Image> stills;
  for (const PlateStill& s : plate.stills) {
    RW_ASSIGN(Image still, ReadPng(episode_dir / s.path));
    stills.push_back(std::move(still));
  }
  std::vector<const Image*> pointers;
  for (const Image& still : stills) pointers.push_back(&still);
  return FromImages(plate, pointers, width, height);
}

Result<PlateDrawer> PlateDrawer::FromImages(const Plate& plate, const std::vector<const Image*>& stills, int width, int height) {
  if (width <= 0 || height <= 0 || width % 2 || height % 2) return BadInput("", "a plate is drawn at an even frame size");
  if (stills.size() != plate.stills.size() || stills.empty()) {
    return Failed("a plate needs one still for each it lists", plate.stills.empty() ? "" : plate.stills.front().path);
  }
  PlateDrawer drawer;
  drawer.plate_ = plate;
  drawer.width_ = width;
  drawer.height_ = height;
  for (const Image* still : stills) {
    Motion fit(*still, plate.move, width, height, plate.frames);
    drawer.pictures_.push_back(YuvPicture::FromImage(fit.Fitted()));
  }
  return drawer;
}

void PlateDrawer::Draw(int index, const YuvPlanes& out, ZoomScratch* scratch) const {
  index = std::clamp(index, 0, plate_.frames - 1);
  size_t still = 0;
  if (static_cast<size_t>(index) < plate_.pick.size()) still = static_cast<size_t>(plate_.pick[static_cast<size_t>(index)] - '0');
  Motion::View v = Motion::PathAt(plate_.move, width_, height_, plate_.frames, index);
  DrawZoomed(pictures_[still], {v.zoom, v.center_x, v.center_y}, out, scratch);
}

}  // namespace rw
