#include "app/plate_drawers.h"

#include <cmath>

#include "base/file.h"
#include "base/hash.h"

namespace rw {

namespace {

class Drawer : public ItemDrawer {
 public:
  explicit Drawer(std::shared_ptr<const PlateDrawer> plate) : plate_(std::move(plate)) {}
  void Draw(double seconds, uint8_t* const data[3], const int stride[3]) override {
    // The clip's frame at or before `seconds` (1 ms of slack), as the decoder would pick it.
    const int index = static_cast<int>(std::floor((seconds + 0.001) * plate_->plate().fps));
    plate_->Draw(index, PlanesOf(data, stride), &scratch_);
  }

 private:
  std::shared_ptr<const PlateDrawer> plate_;
  ZoomScratch scratch_;
};

}  // namespace

PlateDrawers::PlateDrawers(std::filesystem::path episode_dir, HashOf hash_of, std::vector<std::string> names)
    : episode_dir_(std::move(episode_dir)), hash_of_(std::move(hash_of)), names_(std::move(names)) {
  if (!hash_of_) {
    hash_of_ = [](const std::filesystem::path& file) {
      std::error_code ec;
      return std::filesystem::is_regular_file(file, ec) ? Sha256File(file.string()) : std::string();
    };
  }
}

std::string PlateDrawers::Fingerprint(const TimelineVideo& item) {
  const std::filesystem::path clip = episode_dir_ / item.clip;
  for (const std::string& name : names_) {
    const std::filesystem::path path = PlatePathFor(clip, name);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) continue;
    Result<std::string> text = ReadFile(path);
    if (!text.ok()) continue;
    // A plate that does not parse or no longer matches is passed over: in the end the clip is
    // decoded, which shows the same shot (or the person's own clip that replaced it).
    Result<Plate> plate = ParsePlate(*text, path.string());
    if (!plate.ok() || plate->clip_sha256 != hash_of_(clip)) continue;
    bool stills_match = true;
    for (const PlateStill& still : plate->stills) stills_match = stills_match && still.sha256 == hash_of_(episode_dir_ / still.path);
    if (!stills_match) continue;
    plates_[item.clip] = *plate;
    return Sha256Hex(*text);
  }
  return {};
}

Result<std::unique_ptr<ItemDrawer>> PlateDrawers::Open(const TimelineVideo& item, int width, int height) {
  const std::string key = item.clip + "@" + std::to_string(width) + "x" + std::to_string(height);
  std::shared_future<Loaded> future;
  std::promise<Loaded> promise;
  bool load = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto plate = plates_.find(item.clip);
    if (plate == plates_.end()) return Failed("no plate was found for this clip", (episode_dir_ / item.clip).string());
    for (auto it = loaded_.begin(); it != loaded_.end(); ++it) {
      if (it->first != key) continue;
      loaded_.splice(loaded_.begin(), loaded_, it);
      future = it->second;
      break;
    }
    if (!future.valid()) {
      future = promise.get_future().share();
      loaded_.emplace_front(key, future);
      if (loaded_.size() > kKeep) loaded_.pop_back();
      load = true;
    }
  }
  if (load) {  // outside the lock: other threads go on with other plates meanwhile
    Result<PlateDrawer> opened = PlateDrawer::Open(plates_.at(item.clip), episode_dir_, width, height);
    if (opened.ok()) {
      promise.set_value(std::shared_ptr<const PlateDrawer>(std::make_shared<PlateDrawer>(std::move(*opened))));
    } else {
      promise.set_value(opened.error());
    }
  }
  const Loaded& loaded = future.get();
  if (!loaded.ok()) return loaded.error();
  return std::unique_ptr<ItemDrawer>(std::make_unique<Drawer>(*loaded));
}

}  // namespace rw
