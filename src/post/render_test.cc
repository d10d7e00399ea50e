#include "post/render.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

#include "base/file.h"
#include "base/wav.h"
#include "post/ff_testing.h"
#include "post/video_writer.h"

namespace rw {
namespace {

namespace fs = std::filesystem;
using ff::testing::GradientFrame;

constexpr char kAssHeader[] = R"([Script Info]
ScriptType: v4.00+
PlayResX: 1080
PlayResY: 1920
WrapStyle: 0
ScaledBorderAndShadow: yes
YCbCr Matrix: None

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Noto Sans CJK SC,72,&H00FFFFFF,&H000000FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,4,0,2,60,60,320,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
)";

constexpr char kAssCues[] =
    "Dialogue: 0,0:00:00.50,0:00:01.50,Default,林晚,0,0,0,,你怎么会在这里？ Why are you here?\n"
    "Dialogue: 0,0:00:02.50,0:00:03.20,Default,顾言,0,0,0,,不能让他发现。\n";

Pcm Sine(double hz, double seconds) {
  Pcm pcm;
  pcm.sample_rate = 48000;
  pcm.channels = 1;
  const int n = static_cast<int>(seconds * pcm.sample_rate);
  for (int i = 0; i < n; ++i) {
    pcm.samples.push_back(static_cast<int16_t>(9000 * std::sin(2 * M_PI * hz * i / pcm.sample_rate)));
  }
  return pcm;
}

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rw_render_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "clips");
    Progress::SetMode(false, true);
  }
  // RW_KEEP_TEST_FILES=1 keeps the folder (clips, renders) for a look.
  void TearDown() override {
    if (std::getenv("RW_KEEP_TEST_FILES") == nullptr) fs::remove_all(dir_);
  }

  void WriteClip(const std::string& name, int frames, int hue, int width = 1080, int height = 1920) {
    auto writer = VideoWriter::Open(dir_ / name, width, height, 30, ClipEncodeOptions{});
    ASSERT_TRUE(writer.ok()) << writer.error().ToString();
    for (int i = 0; i < frames; ++i) ASSERT_TRUE((*writer)->Write(GradientFrame(width, height, i, hue)).ok());
    ASSERT_TRUE((*writer)->Finish().ok());
  }

  // 4 s: clip A (2 s) then clip B (1 s long, in a 2 s slot); lines at 0.5–1.5 s and 2.5–3.2 s.
  // Clips are 1080×1920 unless `small` (for tests about errors).
  Timeline TinyEpisode(bool small = false) {
    WriteClip("clips/a.mp4", 60, 0, small ? 180 : 1080, small ? 320 : 1920);
    WriteClip("clips/b.mp4", 30, 1, small ? 180 : 1080, small ? 320 : 1920);
    EXPECT_TRUE(WriteWav(dir_ / "voice/l1.wav", Sine(440, 1.0)).ok());
    EXPECT_TRUE(WriteWav(dir_ / "voice/l2.wav", Sine(660, 0.7)).ok());
    Timeline t;
    t.name = "ep001";
    t.frames = 120;
    t.video = {{"s01", "clips/a.mp4", 0, 60}, {"s02", "clips/b.mp4", 60, 60}};
    t.dialogue = {{"l1", "voice/l1.wav", 24000, 48000}, {"l2", "voice/l2.wav", 120000, 33600}};
    return t;
  }

  fs::path WriteAss(const std::string& name, bool with_cues) {
    fs::path path = dir_ / name;
    EXPECT_TRUE(WriteFileAtomic(path, std::string(kAssHeader) + (with_cues ? kAssCues : "")).ok());
    return path;
  }

  fs::path dir_;
};

TEST_F(RenderTest, RendersThePreview) {
  Timeline timeline = TinyEpisode();
  auto preset = FindPreset("preview");
  ASSERT_TRUE(preset.ok());
  const fs::path out = dir_ / "out" / "ep001.mp4";
  Progress progress("render", timeline.frames);
  auto stats = RenderEpisode(timeline, dir_, WriteAss("ep001.ass", true), *preset, out, &progress);
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  EXPECT_EQ(stats->frames, 120);
  EXPECT_GT(stats->bytes, 0);
  EXPECT_EQ(stats->bytes, static_cast<int64_t>(fs::file_size(out)));
  for (const auto& entry : fs::directory_iterator(out.parent_path())) EXPECT_EQ(entry.path(), out);

  // Streams.
  ff::testing::FileInfo info = ff::testing::Probe(out);
  ASSERT_TRUE(info.ok);
  ASSERT_EQ(info.streams.size(), 2u);
  const auto& video = info.streams[0];
  const auto& audio = info.streams[1];
  EXPECT_EQ(video.codec, AV_CODEC_ID_H264);
  EXPECT_EQ(video.profile, FF_PROFILE_H264_HIGH);
  EXPECT_EQ(video.pix_fmt, "yuv420p");
  EXPECT_EQ(video.width, 540);
  EXPECT_EQ(video.height, 960);
  EXPECT_NEAR(video.fps, 30.0, 0.01);
  EXPECT_EQ(video.packets, 120);
  EXPECT_EQ(video.colorspace, AVCOL_SPC_BT709);
  EXPECT_EQ(video.primaries, AVCOL_PRI_BT709);
  EXPECT_EQ(audio.codec, AV_CODEC_ID_AAC);
  EXPECT_EQ(audio.profile, FF_PROFILE_AAC_LOW);
  EXPECT_EQ(audio.sample_rate, 48000);
  EXPECT_EQ(audio.channels, 2);
  EXPECT_NEAR(info.duration, 4.0, 0.1);

  // +faststart: the index comes before the media data.
  std::vector<std::string> boxes = ff::testing::TopLevelBoxes(out);
  auto moov = std::find(boxes.begin(), boxes.end(), "moov");
  auto mdat = std::find(boxes.begin(), boxes.end(), "mdat");
  ASSERT_NE(moov, boxes.end());
  ASSERT_NE(mdat, boxes.end());
  EXPECT_LT(moov - boxes.begin(), mdat - boxes.begin());
  EXPECT_EQ(boxes.front(), "ftyp");

  // Audio: a line plays where the timeline puts it, silence elsewhere.
  int rate = 0;
  std::vector<float> left = ff::testing::DecodeAudioLeft(out, &rate);
  ASSERT_EQ(rate, 48000);
  EXPECT_NEAR(static_cast<double>(left.size()) / rate, 4.0, 0.05);
  auto rms = [&](double from, double to) {
    return ff::testing::Rms(left, static_cast<size_t>(from * rate), static_cast<size_t>(to * rate));
  };
  EXPECT_GT(rms(0.6, 1.4), 0.1);  // 9000/32768 ≈ 0.27 peak, 0.19 RMS
  EXPECT_GT(rms(2.6, 3.1), 0.1);
  EXPECT_LT(rms(0.0, 0.45), 0.01);
  EXPECT_LT(rms(1.6, 2.4), 0.01);
  EXPECT_LT(rms(3.3, 3.95), 0.01);

  // The held last frame of the short clip does not move; the clip itself did.
  auto frames = ff::testing::LumaFrames(out, {30, 60, 62, 75, 85, 95, 115});
  ASSERT_EQ(frames.size(), 7u);
  EXPECT_GT(ff::testing::MeanAbsDiff(frames[62], frames[85], 540, 0, 600), 5.0);
  EXPECT_LT(ff::testing::MeanAbsDiff(frames[95], frames[115], 540, 0, 600), 1.5);

  // Subtitles are burned in: compare with the same render under an ASS file with no events.
  const fs::path plain = dir_ / "out" / "plain.mp4";
  auto plain_stats = RenderEpisode(timeline, dir_, WriteAss("empty.ass", false), *preset, plain, nullptr);
  ASSERT_TRUE(plain_stats.ok()) << plain_stats.error().ToString();
  auto plain_frames = ff::testing::LumaFrames(plain, {30, 60, 75});
  // Bottom-centre captions with MarginV 320 of 1920 sit on rows ~765–800 of 960; the short
  // second line spans about the middle third.
  const double cue1 = ff::testing::MeanAbsDiff(frames[30], plain_frames[30], 540, 760, 810, 60, 480);
  const double cue2 = ff::testing::MeanAbsDiff(frames[75], plain_frames[75], 540, 760, 810, 190, 350);
  const double none = ff::testing::MeanAbsDiff(frames[60], plain_frames[60], 540, 760, 810, 60, 480);
  EXPECT_GT(cue1, 15.0);
  EXPECT_GT(cue2, 15.0);
  EXPECT_LT(none, 2.0);
  EXPECT_LT(ff::testing::MeanAbsDiff(frames[30], plain_frames[30], 540, 0, 600), 2.0) << "nothing above the caption";
}

TEST_F(RenderTest, ErrorsNameTheMissingClip) {
  Timeline timeline = TinyEpisode(/*small=*/true);
  timeline.video[1].clip = "clips/missing.mp4";
  auto preset = FindPreset("preview");
  auto stats = RenderEpisode(timeline, dir_, {}, *preset, dir_ / "out.mp4", nullptr);
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.error().ToString().find("clips/missing.mp4"), std::string::npos) << stats.error().ToString();
  EXPECT_NE(stats.error().message.find("shot s02"), std::string::npos) << stats.error().ToString();
  EXPECT_FALSE(fs::exists(dir_ / "out.mp4"));
  for (const auto& entry : fs::directory_iterator(dir_)) EXPECT_FALSE(IsTempFile(entry.path())) << entry.path();
}

TEST_F(RenderTest, ErrorsNameTheBrokenWav) {
  Timeline timeline = TinyEpisode(/*small=*/true);
  ASSERT_TRUE(WriteFileAtomic(dir_ / "voice/l2.wav", "not a wav").ok());
  auto preset = FindPreset("preview");
  auto stats = RenderEpisode(timeline, dir_, {}, *preset, dir_ / "out.mp4", nullptr);
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.error().ToString().find("l2.wav"), std::string::npos) << stats.error().ToString();
  EXPECT_FALSE(fs::exists(dir_ / "out.mp4"));
}

TEST_F(RenderTest, ResamplesAndPlacesA22kHzLine) {
  WriteClip("clips/a.mp4", 30, 0, 180, 320);  // upscaled to the preview size
  Pcm pcm;
  pcm.sample_rate = 22050;
  for (int i = 0; i < 22050 / 2; ++i) {
    pcm.samples.push_back(static_cast<int16_t>(9000 * std::sin(2 * M_PI * 300 * i / 22050.0)));
  }
  ASSERT_TRUE(WriteWav(dir_ / "l.wav", pcm).ok());
  Timeline t;
  t.frames = 60;  // 2 s; the clip is 1 s and holds
  t.video = {{"s01", "clips/a.mp4", 0, 60}};
  t.dialogue = {{"l1", "l.wav", 48000, 0}};  // at 1.0 s, 0.5 s long
  auto preset = FindPreset("preview");
  auto stats = RenderEpisode(t, dir_, {}, *preset, dir_ / "out.mp4", nullptr);
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  int rate = 0;
  std::vector<float> left = ff::testing::DecodeAudioLeft(dir_ / "out.mp4", &rate);
  EXPECT_NEAR(static_cast<double>(left.size()) / rate, 2.0, 0.05);
  EXPECT_LT(ff::testing::Rms(left, 0, 46000), 0.01);
  EXPECT_GT(ff::testing::Rms(left, 49000, 71000), 0.1);
  EXPECT_LT(ff::testing::Rms(left, 74000, 96000), 0.01);
}

// Smooth coloured blobs with a little grain, panned: closer to real clips than a gradient.
class PanSource {
 public:
  PanSource(int width, int height, uint32_t seed) : width_(width + 600), height_(height + 600), texture_(width_, height_) {
    std::mt19937 rng(seed);
    const int cell = 48, gw = width_ / cell + 2, gh = height_ / cell + 2;
    std::vector<float> grid(static_cast<size_t>(gw) * gh * 3);
    for (float& v : grid) v = static_cast<float>(rng() % 256);
    for (int y = 0; y < height_; ++y) {
      uint8_t* row = texture_.Row(y);
      for (int x = 0; x < width_; ++x) {
        float fx = static_cast<float>(x) / cell, fy = static_cast<float>(y) / cell;
        int ix = static_cast<int>(fx), iy = static_cast<int>(fy);
        float ax = fx - ix, ay = fy - iy;
        for (int c = 0; c < 3; ++c) {
          auto at = [&](int gx, int gy) { return grid[(static_cast<size_t>(gy) * gw + gx) * 3 + c]; };
          float v = (at(ix, iy) * (1 - ax) + at(ix + 1, iy) * ax) * (1 - ay) +
                    (at(ix, iy + 1) * (1 - ax) + at(ix + 1, iy + 1) * ax) * ay;
          v += static_cast<float>(static_cast<int>(rng() % 7) - 3);
          row[4 * x + c] = static_cast<uint8_t>(std::clamp(v, 0.0f, 255.0f));
        }
        row[4 * x + 3] = 255;
      }
    }
  }
  Image Frame(int width, int height, int t) const {
    Image image(width, height);
    const int ox = (2 * t) % 600, oy = t % 600;
    for (int y = 0; y < height; ++y) std::memcpy(image.Row(y), texture_.Row(y + oy) + 4 * ox, static_cast<size_t>(width) * 4);
    return image;
  }

 private:
  int width_, height_;
  Image texture_;
};

// Speed report, not a check: run with --gtest_also_run_disabled_tests --gtest_filter='*Speed*'.
TEST_F(RenderTest, DISABLED_SpeedOfThirtySecondsAtMasterAndPreview) {
  constexpr int kClips = 3, kClipFrames = 90;
  for (int c = 0; c < kClips; ++c) {
    PanSource source(1080, 1920, static_cast<uint32_t>(c + 1));
    auto writer = VideoWriter::Open(dir_ / ("clips/c" + std::to_string(c) + ".mp4"), 1080, 1920, 30, ClipEncodeOptions{});
    ASSERT_TRUE(writer.ok());
    for (int i = 0; i < kClipFrames; ++i) ASSERT_TRUE((*writer)->Write(source.Frame(1080, 1920, i)).ok());
    ASSERT_TRUE((*writer)->Finish().ok());
  }
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  std::printf("peak RSS after writing the clips %.0f MB\n", before.ru_maxrss / 1024.0);
  Timeline t;
  t.frames = 900;
  std::string cues;
  for (int s = 0; s < 10; ++s) {
    t.video.push_back({"s" + std::to_string(s), "clips/c" + std::to_string(s % kClips) + ".mp4", s * 90, 90});
    if (s % 2 == 0) {
      ASSERT_TRUE(WriteWav(dir_ / ("voice/l" + std::to_string(s) + ".wav"), Sine(220 + 40 * s, 2.0)).ok());
      t.dialogue.push_back({"l" + std::to_string(s), "voice/l" + std::to_string(s) + ".wav", s * 144000, 96000});
    }
    char line[200];
    std::snprintf(line, sizeof(line), "Dialogue: 0,0:00:%02d.00,0:00:%02d.50,Default,,0,0,0,,第%d句台词 line %d\n", s * 3,
                  s * 3 + 2, s, s);
    cues += line;
  }
  const fs::path ass = dir_ / "ep.ass";
  ASSERT_TRUE(WriteFileAtomic(ass, std::string(kAssHeader) + cues).ok());
  for (const char* name : {"master", "preview"}) {
    auto preset = FindPreset(name);
    auto cpu_seconds = []() {
      rusage u{};
      getrusage(RUSAGE_SELF, &u);
      return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
             static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    };
    const double cpu_before = cpu_seconds();
    auto stats = RenderEpisode(t, dir_, ass, *preset, dir_ / (std::string(name) + ".mp4"), nullptr);
    ASSERT_TRUE(stats.ok()) << stats.error().ToString();
    const double cpu = cpu_seconds() - cpu_before;
    std::printf("%s %dx%d: %lld frames in %.2f s = %.1f fps (CPU %.1f s, %.1f frames per CPU-second), %.1f MB\n",
                name, preset->width, preset->height, static_cast<long long>(stats->frames), stats->wall_seconds,
                stats->fps, cpu, static_cast<double>(stats->frames) / cpu, static_cast<double>(stats->bytes) / 1e6);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS %.0f MB\n", usage.ru_maxrss / 1024.0);
}

}  // namespace
}  // namespace rw

namespace rw {
namespace {

class LabelTest : public RenderTest {};

// The explicit AIGC label: in the top-left corner for the first 2 s, then gone; at least 5% of
// the short side high (the standard's floor), as the ASS style says.
TEST_F(LabelTest, TheAiLabelShowsForTheFirstTwoSecondsAndIsTallEnough) {
  Timeline timeline = TinyEpisode();
  auto preset = FindPreset("preview");
  ASSERT_TRUE(preset.ok());
  const fs::path plain = dir_ / "plain.mp4", labelled = dir_ / "labelled.mp4";
  ASSERT_TRUE(RenderEpisode(timeline, dir_, {}, *preset, plain, nullptr).ok());
  RenderOptions options;
  options.label.text = "AI生成 / AI-generated";
  auto stats = RenderEpisode(timeline, dir_, {}, *preset, labelled, nullptr, options);
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  auto a = ff::testing::LumaFrames(plain, {15, 90}), b = ff::testing::LumaFrames(labelled, {15, 90});
  // Rows 0–100 and columns 0–400 of 540×960 hold the label.
  EXPECT_GT(ff::testing::MeanAbsDiff(a[15], b[15], 540, 0, 100, 0, 400), 10.0);
  EXPECT_LT(ff::testing::MeanAbsDiff(a[90], b[90], 540, 0, 100, 0, 400), 1.0);  // 3 s: gone

  std::string script = AigcLabelScript(options.label, 540, 960, 4);
  EXPECT_NE(script.find("Style: Label,Noto Sans CJK SC,32,"), std::string::npos) << script;  // 6% of 540 ≥ 5% (27)
  EXPECT_NE(script.find("Dialogue: 0,0:00:00.00,0:00:02.00,Label"), std::string::npos) << script;
  options.label.seconds = 0;
  EXPECT_NE(AigcLabelScript(options.label, 540, 960, 4).find("0:00:04.00,Label"), std::string::npos);  // throughout
}

TEST_F(LabelTest, ARenderOverThePlatformsLimitFailsAndWritesNothing) {
  Timeline timeline = TinyEpisode();
  auto preset = FindPreset("douyin");
  ASSERT_TRUE(preset.ok());
  preset->max_bytes = 1000;  // any real render is bigger
  const fs::path out = dir_ / "over.mp4";
  auto stats = RenderEpisode(timeline, dir_, {}, *preset, out, nullptr);
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.error().message.find("over the 0 MB limit of Douyin"), std::string::npos) << stats.error().message;
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace rw
