// PlateDrawers: the renderer's ItemDrawers for shots the built-in clips stage made from stills.
// For a timeline item whose clip has a plate beside it (visual/plate.h) that still matches (the
// clip and every still hash to what the plate names), the renderer draws the frames from the
// stills instead of decoding the clip: no H.264 decode, and one lossy generation fewer. Any
// other clip (a person's, a video server's, a post step's, or a plate gone stale) is decoded.
//
// Stills are read and fitted once per render and shared by the encoding threads; the last
// kKeep plates stay loaded (segments run roughly in timeline order, and a cross-fade needs two).
#pragma once

#include <filesystem>
#include <functional>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "post/render.h"
#include "visual/plate.h"

namespace rw {

class PlateDrawers : public ItemDrawers {
 public:
  // `hash_of` gives a file's SHA-256 (empty when missing); by default it reads the file.
  using HashOf = std::function<std::string(const std::filesystem::path&)>;
  // `names`: the plates to look for beside each clip, in order of preference ("" the plain one,
  // kTextlessPlate the one without the panels' words).
  explicit PlateDrawers(std::filesystem::path episode_dir, HashOf hash_of = {}, std::vector<std::string> names = {""});

  std::string Fingerprint(const TimelineVideo& item) override;
  Result<std::unique_ptr<ItemDrawer>> Open(const TimelineVideo& item, int width, int height) override;

  static constexpr size_t kKeep = 6;

 private:
  using Loaded = Result<std::shared_ptr<const PlateDrawer>>;

  std::filesystem::path episode_dir_;
  HashOf hash_of_;
  std::vector<std::string> names_;
  std::map<std::string, Plate> plates_;  // by clip path: the plates Fingerprint found good (read-only in Open)
  std::mutex mutex_;
  std::list<std::pair<std::string, std::shared_future<Loaded>>> loaded_;  // most recent first
};

}  // namespace rw
