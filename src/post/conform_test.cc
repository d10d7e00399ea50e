#include "post/conform.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "post/ff_testing.h"
#include "post/video_writer.h"

extern "C" {
#include <libavutil/opt.h>
}

namespace rw {
namespace {

namespace fs = std::filesystem;
using ff::testing::GradientFrame;
using ff::testing::LumaFrames;
using ff::testing::MeanAbsDiff;

// What ffprobe, an independent reader, says about the first video stream (frames counted by
// decoding them all).
struct Probed {
  std::string problem;  // empty: ffprobe answered
  std::string codec, rate, avg_rate;
  int width = 0, height = 0;
  int64_t frames = 0;
};

Probed FfProbe(const fs::path& path) {
  const std::string command = "ffprobe -v error -select_streams v:0 -count_frames -show_entries "
                              "stream=codec_name,width,height,r_frame_rate,avg_frame_rate,nb_read_frames -of json '" +
                              path.string() + "' 2>&1";
  std::string text;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) text.append(buf, n);
    ::pclose(pipe);
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("streams") || j["streams"].empty())
    return {"ffprobe (from the ffmpeg package; scripts/install-deps.sh) gave no stream: " + text};
  const nlohmann::json& s = j["streams"][0];
  Probed p;
  p.codec = s.value("codec_name", "");
  p.rate = s.value("r_frame_rate", "");
  p.avg_rate = s.value("avg_frame_rate", "");
  p.width = s.value("width", 0);
  p.height = s.value("height", 0);
  p.frames = std::stoll(s.value("nb_read_frames", "0"));
  return p;
}

// Writes `count` frames of a sliding gradient with libavformat/libavcodec in the muxer and
// encoder a video server would use (GIF, VP9 WebM, animated WebP); "" or what failed.
std::string WriteWith(const fs::path& path, const char* muxer, const char* encoder, AVPixelFormat pix_fmt, int width,
                      int height, int fps, int count) {
  AVFormatContext* raw = nullptr;
  if (avformat_alloc_output_context2(&raw, nullptr, muxer, path.c_str()) < 0) return std::string("no muxer ") + muxer;
  ff::OutputFormatPtr out(raw);
  const AVCodec* codec = avcodec_find_encoder_by_name(encoder);
  if (!codec) return std::string("no encoder ") + encoder;
  ff::EncodedStream enc;
  enc.codec.reset(avcodec_alloc_context3(codec));
  AVCodecContext* c = enc.codec.get();
  c->width = width;
  c->height = height;
  c->pix_fmt = pix_fmt;
  c->time_base = {1, fps};
  c->framerate = {fps, 1};
  if (out->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  av_opt_set(c->priv_data, "deadline", "realtime", 0);  // VP9: fast; other encoders ignore it
  av_opt_set_int(c->priv_data, "cpu-used", 8, 0);
  if (avcodec_open2(c, codec, nullptr) < 0) return std::string("cannot open ") + encoder;
  enc.stream = avformat_new_stream(raw, nullptr);
  avcodec_parameters_from_context(enc.stream->codecpar, c);
  enc.stream->time_base = c->time_base;
  if (!ff::WriteHeader(raw, path.string(), nullptr, path.string()).ok()) return "cannot write the header";
  ff::SwsPtr sws(sws_getContext(width, height, AV_PIX_FMT_RGB32, width, height, pix_fmt, SWS_BILINEAR, nullptr, nullptr,
                                nullptr));
  ff::PacketPtr packet = ff::MakePacket();
  for (int i = 0; i < count; ++i) {
    ff::FramePtr frame = ff::MakeFrame();
    frame->format = pix_fmt;
    frame->width = width;
    frame->height = height;
    if (av_frame_get_buffer(frame.get(), 0) < 0) return "no frame buffer";
    Image image = GradientFrame(width, height, i, 0);
    const uint8_t* src[1] = {image.pixels.data()};
    const int stride[1] = {image.stride};
    sws_scale(sws.get(), src, stride, 0, height, frame->data, frame->linesize);
    frame->pts = i;
    Status status = ff::EncodeAndWrite(enc, frame.get(), raw, packet.get(), path.string());
    if (!status.ok()) return status.error().ToString();
  }
  Status flushed = ff::EncodeAndWrite(enc, nullptr, raw, packet.get(), path.string());
  if (!flushed.ok()) return flushed.error().ToString();
  if (av_write_trailer(raw) < 0) return "cannot write the trailer";
  return "";
}

class ConformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rw_conform_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A landscape MP4 as the clips stage writes them: a gradient sliding a few pixels a frame.
  fs::path WriteSource(const std::string& name, int width, int height, int fps, int count) {
    fs::path path = dir_ / name;
    auto writer = VideoWriter::Open(path, width, height, fps, ClipEncodeOptions{});
    EXPECT_TRUE(writer.ok()) << writer.error().ToString();
    for (int i = 0; i < count; ++i) EXPECT_TRUE((*writer)->Write(GradientFrame(width, height, i, 0)).ok());
    EXPECT_TRUE((*writer)->Finish().ok());
    return path;
  }

  fs::path dir_;
};

TEST_F(ConformTest, InterpolatesALandscapeClipToPortrait) {
  fs::path source = WriteSource("server.mp4", 320, 180, 24, 48);
  fs::path out = dir_ / "clips" / "s01.mp4";
  auto stats = ConformClip(source, out, 108, 192, 30, 75);
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  EXPECT_EQ(stats->source_width, 320);
  EXPECT_EQ(stats->source_height, 180);
  EXPECT_NEAR(stats->source_fps, 24, 1e-6);
  EXPECT_EQ(stats->source_frames, 48);
  EXPECT_TRUE(stats->interpolated);

  Probed probed = FfProbe(out);
  ASSERT_EQ(probed.problem, "");
  EXPECT_EQ(probed.codec, "h264");
  EXPECT_EQ(probed.width, 108);
  EXPECT_EQ(probed.height, 192);
  EXPECT_EQ(probed.rate, "30/1");
  EXPECT_EQ(probed.avg_rate, "30/1");
  EXPECT_EQ(probed.frames, 75);

  // 2 s of source make about 59 frames at 30 fps, the rest holds. Interpolated frames are new
  // pictures: unlike the fps filter, which repeats every fourth frame, no neighbours are alike.
  std::set<int> wanted;
  for (int i = 0; i < 75; ++i) wanted.insert(i);
  auto luma = LumaFrames(out, wanted);
  ASSERT_EQ(luma.size(), 75u);
  for (int i = 1; i <= 57; ++i) EXPECT_GT(MeanAbsDiff(luma[i - 1], luma[i], 108, 0, 192), 0.5) << "frames " << i - 1 << ", " << i;
  EXPECT_GT(MeanAbsDiff(luma[37], luma[36], 108, 0, 192), 0.5);
  EXPECT_GT(MeanAbsDiff(luma[37], luma[38], 108, 0, 192), 0.5);
  EXPECT_LT(MeanAbsDiff(luma[73], luma[74], 108, 0, 192), 0.1) << "held on the last frame";

  int files = 0;
  for (const auto& entry : fs::directory_iterator(out.parent_path())) files += entry.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1) << "no temp file left behind";
}

TEST_F(ConformTest, SameRateIsNotInterpolatedAndLongerSourcesAreCut) {
  fs::path source = WriteSource("person.mp4", 320, 180, 30, 45);
  fs::path out = dir_ / "s02.mp4";
  auto stats = ConformClip(source, out, 108, 192, 30, 30);
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  EXPECT_FALSE(stats->interpolated);
  EXPECT_EQ(stats->source_frames, 45) << "the whole source is counted, past the cut";
  Probed probed = FfProbe(out);
  ASSERT_EQ(probed.problem, "");
  EXPECT_EQ(probed.frames, 30);
  EXPECT_EQ(probed.rate, "30/1");
  // Frame for frame: each output frame is a different source frame.
  auto luma = LumaFrames(out, {0, 1, 14, 15, 28, 29});
  for (int i : {1, 15, 29}) EXPECT_GT(MeanAbsDiff(luma[i - 1], luma[i], 108, 0, 192), 0.5) << i;
}

TEST_F(ConformTest, ShortSourceIsHeldOnItsLastFrame) {
  fs::path source = WriteSource("short.mp4", 320, 180, 30, 10);
  fs::path out = dir_ / "s03.mp4";
  auto stats = ConformClip(source, out, 108, 192, 30, 25);
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  EXPECT_EQ(stats->source_frames, 10);
  EXPECT_FALSE(stats->interpolated);
  Probed probed = FfProbe(out);
  ASSERT_EQ(probed.problem, "");
  EXPECT_EQ(probed.frames, 25);
  auto luma = LumaFrames(out, {8, 9, 10, 17, 24});
  EXPECT_GT(MeanAbsDiff(luma[8], luma[9], 108, 0, 192), 0.5) << "the source moves until its end";
  for (int i : {10, 17, 24}) EXPECT_LT(MeanAbsDiff(luma[9], luma[i], 108, 0, 192), 0.1) << i;
}

TEST_F(ConformTest, BrokenInputIsAClearErrorAndLeavesNoFile) {
  fs::path broken = dir_ / "broken.mp4";
  std::ofstream(broken) << "<html><body>502 Bad Gateway</body></html>";
  fs::path out = dir_ / "clips" / "s04.mp4";
  auto stats = ConformClip(broken, out, 108, 192, 30, 75);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.error().code, ErrorCode::kFailed);
  EXPECT_EQ(stats.error().where, broken.string());
  EXPECT_NE(stats.error().message.find("cannot open the clip"), std::string::npos) << stats.error().message;
  EXPECT_NE(stats.error().message.find("it should be an MP4, WebM, GIF or WebP video"), std::string::npos);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out.parent_path())) << "nothing was made for it";

  // A clip cut off halfway through (a download that broke) fails too; an earlier clip stays.
  fs::path good = WriteSource("good.mp4", 320, 180, 30, 30);
  std::string bytes = *ReadFile(good);
  fs::path cut = dir_ / "cut.mp4";
  ASSERT_TRUE(WriteFileAtomic(cut, bytes.substr(0, bytes.size() / 2)).ok());
  ASSERT_TRUE(WriteFileAtomic(out, "the earlier clip").ok());
  auto truncated = ConformClip(cut, out, 108, 192, 30, 30);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(*ReadFile(out), "the earlier clip");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(out.parent_path())) files += entry.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1) << "no temp file left behind";

  auto missing = ConformClip(dir_ / "nope.mp4", out, 108, 192, 30, 30);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  auto odd = ConformClip(good, dir_ / "odd.mp4", 107, 192, 30, 30);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error().code, ErrorCode::kBadInput);
  EXPECT_NE(odd.error().message.find("positive and even"), std::string::npos);
}

TEST_F(ConformTest, ReadsGifWebmAndAnimatedWebp) {
  struct Case {
    const char* file;
    const char* muxer;
    const char* encoder;
    AVPixelFormat pix_fmt;
  };
  for (const Case& c : {Case{"clip.gif", "gif", "gif", AV_PIX_FMT_BGR8},
                        Case{"clip.webm", "webm", "libvpx-vp9", AV_PIX_FMT_YUV420P},
                        Case{"clip.webp", "webp", "libwebp_anim", AV_PIX_FMT_YUV420P}}) {
    SCOPED_TRACE(c.file);
    fs::path source = dir_ / c.file;
    ASSERT_EQ(WriteWith(source, c.muxer, c.encoder, c.pix_fmt, 64, 36, 20, 10), "");
    fs::path out = dir_ / (std::string(c.file) + ".mp4");
    auto stats = ConformClip(source, out, 36, 64, 30, 20);
    ASSERT_TRUE(stats.ok()) << stats.error().ToString();
    EXPECT_EQ(stats->source_width, 64);
    EXPECT_EQ(stats->source_height, 36);
    EXPECT_NEAR(stats->source_fps, 20, 0.01);
    EXPECT_EQ(stats->source_frames, 10);
    EXPECT_TRUE(stats->interpolated);
    Probed probed = FfProbe(out);
    ASSERT_EQ(probed.problem, "");
    EXPECT_EQ(probed.frames, 20);
    EXPECT_EQ(probed.width, 36);
    EXPECT_EQ(probed.height, 64);
    // The pictures came through (not black), and they move.
    auto luma = LumaFrames(out, {0, 6, 7});
    std::vector<uint8_t> black(luma[6].size(), 16);
    EXPECT_GT(MeanAbsDiff(luma[6], black, 36, 0, 64), 8);
    EXPECT_GT(MeanAbsDiff(luma[6], luma[7], 36, 0, 64), 0.5);
  }
}

}  // namespace
}  // namespace rw
