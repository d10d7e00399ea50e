// The segmented render: which segments a change re-encodes, what the assembled file holds at a
// segment boundary and through a cross-fade, and what a failed render leaves behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "base/file.h"
#include "post/ff_testing.h"
#include "post/render.h"
#include "post/video_writer.h"

namespace rw {
namespace {

namespace fs = std::filesystem;
using ff::testing::GradientFrame;
using ff::testing::LumaFrames;
using ff::testing::MeanAbsDiff;

constexpr int kW = 180, kH = 320;

constexpr char kAssHeader[] = R"([Script Info]
ScriptType: v4.00+
PlayResX: 180
PlayResY: 320
ScaledBorderAndShadow: yes
YCbCr Matrix: None

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Noto Sans CJK SC,20,&H00FFFFFF,&H000000FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,2,0,2,10,10,40,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
)";

Image Solid(uint8_t grey) {
  Image image(kW, kH);
  for (size_t i = 0; i < image.pixels.size(); i += 4) {
    image.pixels[i] = image.pixels[i + 1] = image.pixels[i + 2] = grey;
    image.pixels[i + 3] = 255;
  }
  return image;
}

double MeanLuma(const std::vector<uint8_t>& y) {
  double sum = 0;
  for (uint8_t v : y) sum += v;
  return sum / static_cast<double>(y.size());
}

// Counts what the renderer asks of a folder cache, and can refuse to keep.
class CountingCache : public FolderSegmentCache {
 public:
  using FolderSegmentCache::FolderSegmentCache;
  Result<fs::path> Keep(const std::string& key, const fs::path& file) override {
    if (refuse_after >= 0 && kept >= refuse_after) return Failed("the disk is full (test)", file.string());
    ++kept;
    return FolderSegmentCache::Keep(key, file);
  }
  int kept = 0;
  int refuse_after = -1;  // >= 0: Keep fails once this many were kept
};

class SegmentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rw_segments_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "clips");
    Progress::SetMode(false, true);
    preset_ = *FindPreset("preview");
    preset_.width = kW;
    preset_.height = kH;
  }
  void TearDown() override {
    if (std::getenv("RW_KEEP_TEST_FILES") == nullptr) fs::remove_all(dir_);
  }

  // A moving gradient (`hue` 0 or 1), or a flat grey when `grey` is set.
  void WriteClip(const std::string& name, int frames, int hue, int grey = -1) {
    auto writer = VideoWriter::Open(dir_ / name, kW, kH, 30, ClipEncodeOptions{});
    ASSERT_TRUE(writer.ok()) << writer.error().ToString();
    for (int i = 0; i < frames; ++i) {
      // 40 px a frame: each frame far from its neighbours.
      Image frame = grey >= 0 ? Solid(static_cast<uint8_t>(grey)) : GradientFrame(kW, kH, 10 * i, hue);
      ASSERT_TRUE((*writer)->Write(frame).ok());
    }
    ASSERT_TRUE((*writer)->Finish().ok());
  }

  // Three 1 s shots, so three segments: [0,30) [30,60) [60,90).
  Timeline ThreeShots() {
    WriteClip("clips/a.mp4", 30, 0);
    WriteClip("clips/b.mp4", 30, 1);
    WriteClip("clips/c.mp4", 30, 0, 200);
    Timeline t;
    t.name = "ep001";
    t.frames = 90;
    t.video = {{"s01", "clips/a.mp4", 0, 30}, {"s02", "clips/b.mp4", 30, 30}, {"s03", "clips/c.mp4", 60, 30}};
    return t;
  }

  fs::path WriteAss(const std::string& cues) {
    fs::path path = dir_ / "ep001.ass";
    EXPECT_TRUE(WriteFileAtomic(path, std::string(kAssHeader) + cues).ok());
    return path;
  }

  std::vector<fs::path> TempFilesUnder(const fs::path& dir) {
    std::vector<fs::path> temps;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (IsTempFile(entry.path())) temps.push_back(entry.path());
    }
    return temps;
  }

  fs::path dir_;
  RenderPreset preset_;
};

// Cue 1 is on screen in the second shot only; cue 2 spans the second and third.
constexpr char kCues[] =
    "Dialogue: 0,0:00:01.20,0:00:01.80,Default,,0,0,0,,第一句 one\n"
    "Dialogue: 0,0:00:01.90,0:00:02.50,Default,,0,0,0,,second line\n";

TEST_F(SegmentsTest, ALongShotIsCutAtItsGopsSoALineReencodesOnlyThePartItIsIn) {
  // One 5 s shot at a 1 s GOP: cut every two GOPs (2 s), so three segments.
  preset_.gop_seconds = 1;
  WriteClip("clips/long.mp4", 150, 0);
  Timeline timeline;
  timeline.name = "ep001";
  timeline.frames = 150;
  timeline.video = {{"s01", "clips/long.mp4", 0, 150}};
  CountingCache cache(dir_ / "cache");
  RenderOptions options;
  options.segments = &cache;
  const fs::path out = dir_ / "out" / "ep001.mp4";
  const std::string cue = "Dialogue: 0,0:00:02.20,0:00:02.80,Default,,0,0,0,,a line\n";
  auto first = RenderEpisode(timeline, dir_, WriteAss(cue), preset_, out, nullptr, options);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->segments, 3);
  auto info = ff::testing::Probe(out);
  ASSERT_FALSE(info.streams.empty());
  EXPECT_EQ(info.streams[0].packets, 150);

  // The line, on screen from 2.2 s to 2.8 s, lies in the second piece only.
  auto edited = RenderEpisode(timeline, dir_, WriteAss("Dialogue: 0,0:00:02.20,0:00:02.80,Default,,0,0,0,,another line\n"),
                              preset_, out, nullptr, options);
  ASSERT_TRUE(edited.ok()) << edited.error().ToString();
  EXPECT_EQ(edited->segments_encoded, 1);
  EXPECT_EQ(edited->segments_reused, 2);
}

TEST_F(SegmentsTest, AChangedCueReencodesOnlyTheSegmentsItIsOnScreenIn) {
  Timeline timeline = ThreeShots();
  CountingCache cache(dir_ / "cache");
  RenderOptions options;
  options.segments = &cache;
  options.label.text = "AI";  // on the first 2 s: the first two segments
  const fs::path out = dir_ / "out" / "ep001.mp4";

  auto first = RenderEpisode(timeline, dir_, WriteAss(kCues), preset_, out, nullptr, options);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->segments, 3);
  EXPECT_EQ(first->segments_encoded, 3);
  EXPECT_EQ(cache.kept, 3);

  auto again = RenderEpisode(timeline, dir_, WriteAss(kCues), preset_, out, nullptr, options);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again->segments_encoded, 0);
  EXPECT_EQ(again->segments_reused, 3);

  // One word of cue 1: the second segment only.
  std::string edited = kCues;
  edited.replace(edited.find("one"), 3, "uno");
  auto one = RenderEpisode(timeline, dir_, WriteAss(edited), preset_, out, nullptr, options);
  ASSERT_TRUE(one.ok()) << one.error().ToString();
  EXPECT_EQ(one->segments_encoded, 1);
  EXPECT_EQ(one->segments_reused, 2);

  // Cue 2: the second and third.
  edited.replace(edited.find("second"), 6, "latter");
  auto two = RenderEpisode(timeline, dir_, WriteAss(edited), preset_, out, nullptr, options);
  ASSERT_TRUE(two.ok()) << two.error().ToString();
  EXPECT_EQ(two->segments_encoded, 2);

  // The label's length, 2 s to 1 s: the second segment only, where it no longer shows (the first
  // shows it on every frame either way).
  options.label.seconds = 1;
  auto label = RenderEpisode(timeline, dir_, WriteAss(edited), preset_, out, nullptr, options);
  ASSERT_TRUE(label.ok()) << label.error().ToString();
  EXPECT_EQ(label->segments_encoded, 1);

  // What was pieced together from the cache is what a render from scratch makes.
  const fs::path fresh = dir_ / "out" / "fresh.mp4";
  ASSERT_TRUE(RenderEpisode(timeline, dir_, WriteAss(edited), preset_, fresh, nullptr, options).ok());
  std::set<int> all;
  for (int i = 0; i < 90; ++i) all.insert(i);
  auto cached_frames = LumaFrames(out, all), fresh_frames = LumaFrames(fresh, all);
  ASSERT_EQ(cached_frames.size(), 90u);
  ASSERT_EQ(fresh_frames.size(), 90u);
  for (int i = 0; i < 90; ++i) EXPECT_EQ(cached_frames[i], fresh_frames[i]) << "frame " << i;
  EXPECT_TRUE(TempFilesUnder(dir_).empty());
}

TEST_F(SegmentsTest, AShotMovedAlongTheTimelineWithItsLineIsNotEncodedAgain) {
  // A line before it grew: the first shot is half a second longer, and the second shot and its
  // cue move with it. The second shot's segment is the same picture, taken from the cache.
  WriteClip("clips/a.mp4", 30, 0);
  WriteClip("clips/a2.mp4", 45, 0, 90);
  WriteClip("clips/b.mp4", 30, 1);
  CountingCache cache(dir_ / "cache");
  RenderOptions options;
  options.segments = &cache;
  const fs::path out = dir_ / "out" / "ep001.mp4";
  Timeline before;
  before.name = "ep001";
  before.frames = 60;
  before.video = {{"s01", "clips/a.mp4", 0, 30}, {"s02", "clips/b.mp4", 30, 30}};
  auto first = RenderEpisode(before, dir_, WriteAss("Dialogue: 0,0:00:01.20,0:00:01.80,Default,,0,0,0,,a line\n"), preset_,
                             out, nullptr, options);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->segments_encoded, 2);
  Timeline after = before;
  after.frames = 75;
  after.video = {{"s01", "clips/a2.mp4", 0, 45}, {"s02", "clips/b.mp4", 45, 30}};
  auto moved = RenderEpisode(after, dir_, WriteAss("Dialogue: 0,0:00:01.70,0:00:02.30,Default,,0,0,0,,a line\n"), preset_,
                             out, nullptr, options);
  ASSERT_TRUE(moved.ok()) << moved.error().ToString();
  EXPECT_EQ(moved->segments_encoded, 1);
  EXPECT_EQ(moved->segments_reused, 1);
  const fs::path kept = dir_ / "out" / "moved.mp4";
  fs::copy_file(out, kept);
  // The cue moved by a frame relative to its shot: that segment is new.
  auto nudged = RenderEpisode(after, dir_, WriteAss("Dialogue: 0,0:00:01.74,0:00:02.30,Default,,0,0,0,,a line\n"), preset_,
                              out, nullptr, options);
  ASSERT_TRUE(nudged.ok()) << nudged.error().ToString();
  EXPECT_EQ(nudged->segments_encoded, 1);
  // The reused segment shows the cue on the frames a render from scratch does.
  const fs::path fresh = dir_ / "out" / "fresh.mp4";
  ASSERT_TRUE(RenderEpisode(after, dir_, WriteAss("Dialogue: 0,0:00:01.70,0:00:02.30,Default,,0,0,0,,a line\n"), preset_,
                            fresh, nullptr, RenderOptions{})
                  .ok());
  const std::set<int> around = {50, 51, 52, 68, 69, 70};  // the cue is on from 1.7 s (frame 51) to 2.3 s
  auto got = LumaFrames(kept, around), want = LumaFrames(fresh, around);
  ASSERT_EQ(got.size(), around.size());
  for (int k : around) EXPECT_LT(MeanAbsDiff(got[k], want[k], kW, 0, kH), 0.5) << "frame " << k;
  EXPECT_GT(MeanAbsDiff(got[50], got[51], kW, 0, kH), MeanAbsDiff(got[51], got[52], kW, 0, kH)) << "the cue appears at 51";
}

TEST_F(SegmentsTest, FramesMeetExactlyAtASegmentBoundary) {
  Timeline timeline = ThreeShots();
  const fs::path out = dir_ / "ep001.mp4";
  auto stats = RenderEpisode(timeline, dir_, {}, preset_, out, nullptr);
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  EXPECT_EQ(stats->segments, 3);
  ff::testing::FileInfo info = ff::testing::Probe(out);
  ASSERT_TRUE(info.ok);
  EXPECT_EQ(info.streams[0].packets, 90);
  EXPECT_NEAR(info.duration, 3.0, 0.05);
  // Each output frame around the cuts is the clip's own frame, none dropped, doubled or shifted.
  auto got = LumaFrames(out, {28, 29, 30, 31, 59, 60});
  auto a = LumaFrames(dir_ / "clips/a.mp4", {28, 29}), b = LumaFrames(dir_ / "clips/b.mp4", {0, 1, 29});
  auto c = LumaFrames(dir_ / "clips/c.mp4", {0});
  ASSERT_EQ(got.size(), 6u);
  const std::vector<std::pair<int, const std::vector<uint8_t>*>> expect = {
      {28, &a[28]}, {29, &a[29]}, {30, &b[0]}, {31, &b[1]}, {59, &b[29]}, {60, &c[0]}};
  for (const auto& [k, source] : expect) {
    EXPECT_LT(MeanAbsDiff(got[k], *source, kW, 0, kH), 2.0) << "frame " << k;
  }
  // A frame off by one would differ by far more.
  EXPECT_GT(MeanAbsDiff(got[29], a[28], kW, 0, kH), 8.0);
  EXPECT_GT(MeanAbsDiff(got[31], b[0], kW, 0, kH), 8.0);
  // Every packet decodes, in order: the file holds exactly timeline.frames frames.
  int decoded = 0;
  ff::testing::DecodeAll(out, AVMEDIA_TYPE_VIDEO, [&](const AVFrame&, AVRational) { ++decoded; });
  EXPECT_EQ(decoded, 90);
}

TEST_F(SegmentsTest, ACrossFadeBlendsTheOutgoingShotIntoTheIncomingOne) {
  WriteClip("clips/dark.mp4", 50, 0, 40);
  WriteClip("clips/light.mp4", 50, 0, 220);
  Timeline t;
  t.frames = 90;
  // The light shot starts at 40 and fades in over 10 frames; the dark one runs under it to 50.
  t.video = {{"s01", "clips/dark.mp4", 0, 50}, {"s02", "clips/light.mp4", 40, 50, 10}};
  const fs::path out = dir_ / "fade.mp4";
  auto stats = RenderEpisode(t, dir_, {}, preset_, out, nullptr);
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  EXPECT_EQ(stats->segments, 2);  // the fade belongs to the incoming shot's segment
  auto y = LumaFrames(out, {0, 39, 40, 44, 49, 50, 89});
  ASSERT_EQ(y.size(), 7u);
  const double dark = MeanLuma(y[0]), light = MeanLuma(y[89]);
  ASSERT_GT(light - dark, 100);
  EXPECT_NEAR(MeanLuma(y[39]), dark, 1.0);
  for (int k : {40, 44, 49}) {
    const double w = (k - 40 + 1) / 11.0;
    EXPECT_NEAR(MeanLuma(y[k]), dark + (light - dark) * w, 2.0) << "frame " << k;
  }
  EXPECT_NEAR(MeanLuma(y[50]), light, 1.0);

  // With nothing under it, a shot fades in from black.
  t.video = {{"s02", "clips/light.mp4", 0, 50, 10}};
  t.frames = 50;
  ASSERT_TRUE(RenderEpisode(t, dir_, {}, preset_, out, nullptr).ok());
  auto from_black = LumaFrames(out, {0, 4, 49});
  EXPECT_NEAR(MeanLuma(from_black[0]), 16 + (MeanLuma(from_black[49]) - 16) / 11.0, 2.0);
  EXPECT_NEAR(MeanLuma(from_black[4]), 16 + (MeanLuma(from_black[49]) - 16) * 5 / 11.0, 2.0);
}

TEST_F(SegmentsTest, AFailedRenderLeavesOnlyFinishedSegmentsTrusted) {
  Timeline timeline = ThreeShots();
  // The second clip is cut off mid-file: its segment fails.
  std::string bytes = *ReadFile(dir_ / "clips/b.mp4");
  ASSERT_TRUE(WriteFileAtomic(dir_ / "clips/b.mp4", bytes.substr(0, bytes.size() / 2)).ok());
  CountingCache cache(dir_ / "cache");
  RenderOptions options;
  options.segments = &cache;
  options.jobs = 1;  // in order: a finishes, b fails, c never starts
  const fs::path out = dir_ / "out" / "ep001.mp4";
  auto failed = RenderEpisode(timeline, dir_, {}, preset_, out, nullptr, options);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("shot s02"), std::string::npos) << failed.error().ToString();
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(TempFilesUnder(dir_).empty());
  EXPECT_EQ(cache.kept, 1);
  // What the cache holds is whole: it opens and decodes to its 30 frames.
  for (const auto& entry : fs::directory_iterator(dir_ / "cache")) {
    int decoded = 0;
    ff::testing::DecodeAll(entry.path(), AVMEDIA_TYPE_VIDEO, [&](const AVFrame&, AVRational) { ++decoded; });
    EXPECT_EQ(decoded, 30) << entry.path();
  }

  // A cache that cannot keep a segment fails the render the same way (b is kept, c refused).
  ASSERT_TRUE(WriteFileAtomic(dir_ / "clips/b.mp4", bytes).ok());
  cache.refuse_after = 1;
  cache.kept = 0;
  auto refused = RenderEpisode(timeline, dir_, {}, preset_, out, nullptr, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("disk is full"), std::string::npos) << refused.error().ToString();
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(TempFilesUnder(dir_).empty());

  // Mended, the next render takes the finished segments and makes the rest.
  cache.refuse_after = -1;
  auto mended = RenderEpisode(timeline, dir_, {}, preset_, out, nullptr, options);
  ASSERT_TRUE(mended.ok()) << mended.error().ToString();
  EXPECT_EQ(mended->segments_reused, 2);
  EXPECT_EQ(mended->segments_encoded, 1);
  EXPECT_EQ(ff::testing::Probe(out).streams[0].packets, 90);
}

}  // namespace
}  // namespace rw
