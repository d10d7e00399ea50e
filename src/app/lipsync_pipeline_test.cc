// Lip-sync on the built-in engines: a dialogue shot's clip opens and closes the speaker's mouth
// with the line's visemes.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "app/pipeline.h"
#include "app/series.h"
#include "base/file.h"
#include "base/progress.h"
#include "post/ff_testing.h"
#include "schema/shots.h"
#include "schema/timeline.h"
#include "schema/yaml_io.h"
#include "visual/lipsync.h"

namespace rw {
namespace {

// The largest mean difference of any 8×8 block between two luma planes: a mouth opening is a
// small patch that changes a lot; a slow camera move changes everything a little.
double MaxBlockDiff(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, int width, int height) {
  double best = 0;
  for (int y = 0; y + 8 <= height; y += 8)
    for (int x = 0; x + 8 <= width; x += 8) best = std::max(best, ff::testing::MeanAbsDiff(a, b, width, y, y + 8, x, x + 8));
  return best;
}

TEST(LipSyncPipeline, TheSpeakersMouthMovesWithTheLine) {
  Progress::SetMode(false, true);
  fs::path root = fs::temp_directory_path() / ("rw_lipsync_" + std::to_string(::getpid()));
  fs::remove_all(root);
  Settings settings;
  settings.idea = "A wife betrayed by her husband comes back as his biggest investor.";
  settings.genre = "revenge";
  settings.lang = "en";
  settings.episodes = 1;
  settings.seed = 5;
  settings.preset = "preview";
  ASSERT_TRUE(CreateSeries(root, settings).ok());
  BuildRequest request;
  request.until = "shots";
  ASSERT_TRUE(BuildSeries(root, request).ok());
  // The creator holds the camera still (a person's edit of shots.yaml), so what moves in the
  // clip is the mouth, not the framing.
  auto shots = LoadYaml<Shots>(root / "episodes/ep001/shots.yaml", "shots.yaml");
  ASSERT_TRUE(shots.ok());
  for (auto& shot : shots->shots) shot.move = CameraMove::kStatic;
  ASSERT_TRUE(WriteFileAtomic(root / "episodes/ep001/shots.yaml", ToYaml(*shots)).ok());
  request.until = "render";
  auto built = BuildSeries(root, request);
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  auto loaded = LoadYaml<Timeline>(root / "episodes/ep001/timeline.json", "timeline.json");
  ASSERT_TRUE(loaded.ok());
  const Timeline& tl = *loaded;

  int checked = 0;
  for (const Shot& shot : shots->shots) {
    if (shot.speaker.empty() || shot.lines.empty() || shot.type > ShotType::kMS || checked >= 3) continue;
    // The mouth track the clip should follow, from the voice stage's visemes.
    int64_t shot_start = 0, frames = 0;
    for (const auto& v : tl.video)
      if (v.shot == shot.id) shot_start = v.start_frame, frames = v.frames;
    std::vector<LineMouth> lines;
    for (const auto& d : tl.dialogue) {
      if (std::find(shot.lines.begin(), shot.lines.end(), d.line) == shot.lines.end()) continue;
      auto doc = ReadFile(root / ("episodes/ep001/voice/" + d.line + ".visemes.json"));
      ASSERT_TRUE(doc.ok()) << d.line;
      LineMouth line;
      line.start_s = static_cast<double>(d.start_sample) / tl.sample_rate - static_cast<double>(shot_start) / tl.fps;
      line.end_s = line.start_s + static_cast<double>(d.samples) / tl.sample_rate;
      Json parsed = Json::parse(*doc);
      for (const auto& v : parsed["visemes"]) line.visemes.push_back({v["t"].get<double>(), v["viseme"].get<std::string>()});
      lines.push_back(line);
    }
    std::vector<uint8_t> track = MouthTrack(lines, static_cast<int>(frames), tl.fps);
    // Neighbouring frames where the mouth changes between closed and open differ far more, in
    // some small patch, than neighbours where it holds: in the clip, and in the episode, which
    // draws the shot from the plate's mouth panels rather than decoding the clip.
    auto medians = [&](const fs::path& video, int first) -> std::pair<double, double> {
      std::set<int> wanted;
      for (int i = 0; i < static_cast<int>(frames); ++i) wanted.insert(first + i);
      auto luma = ff::testing::LumaFrames(video, wanted);
      auto info = ff::testing::Probe(video);
      if (info.streams.empty() || luma.size() != static_cast<size_t>(frames)) return {-1, -1};
      const int width = info.streams[0].width, height = info.streams[0].height;
      std::vector<double> change, hold;
      for (int i = 1; i < static_cast<int>(frames); ++i) {
        double d = MaxBlockDiff(luma[first + i - 1], luma[first + i], width, height);
        int step = std::abs(track[i] - track[i - 1]);
        if (step == 2) change.push_back(d);
        if (step == 0) hold.push_back(d);
      }
      if (change.empty() || hold.size() < 4) return {0, 0};
      std::sort(change.begin(), change.end());
      std::sort(hold.begin(), hold.end());
      return {change[change.size() / 2], hold[hold.size() / 2]};
    };
    auto [change, hold] = medians(root / ("episodes/ep001/clips/" + shot.id + ".mp4"), 0);
    ASSERT_GE(change, 0) << shot.id << ": the clip has not the shot's frames";
    if (change == 0) continue;  // too few mouth changes in this shot to judge
    EXPECT_GT(change, 3 * hold + 5) << shot.id << " clip: " << change << " vs " << hold;
    auto plate = ReadFile(root / ("episodes/ep001/clips/" + shot.id + ".plate.json"));
    ASSERT_TRUE(plate.ok()) << shot.id << ": no plate beside the clip";
    EXPECT_NE(plate->find(shot.id + ".m2.png"), std::string::npos) << *plate;
    auto [episode_change, episode_hold] = medians(root / "episodes/ep001/ep001.en.preview.mp4", static_cast<int>(shot_start));
    EXPECT_GT(episode_change, 3 * episode_hold + 5) << shot.id << " episode: " << episode_change << " vs " << episode_hold;
    ++checked;
  }
  EXPECT_GT(checked, 0) << "no dialogue shot close enough to see a mouth";
  fs::remove_all(root);
}

}  // namespace
}  // namespace rw
