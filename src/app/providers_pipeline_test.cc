// The frames and voice stages on model servers: an Automatic1111-style image server and an
// OpenAI-style speech server on 127.0.0.1, returning real PNGs and WAVs they make. Calls are
// recorded and cached; a failing server fails the stage with a clear error and leaves nothing
// a later build would trust.
#include <gtest/gtest.h>
#include <set>
#include <mutex>
#include <map>

#include "app/control.h"
#include "schema/voice_track.h"
#include "schema/transcript.h"
#include "app/evaluate.h"
#include "app/pipeline.h"
#include "app/series.h"
#include "base/file.h"
#include "base/progress.h"
#include "build/ledger.h"
#include "providers/image_client.h"
#include "providers/media_testing.h"
#include "schema/bible.h"
#include "schema/shots.h"
#include "schema/timeline.h"
#include "schema/yaml_io.h"
#include "post/video_writer.h"
#include "visual/png.h"

namespace rw {
namespace {

using testing::FakeMediaServer;
using testing::MediaRequest;

class ProviderPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Progress::SetMode(false, true);
    root_ = fs::temp_directory_path() / ("rw_providers_pipeline_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void NewSeries(const std::string& url, int retries) {
    Settings s;
    s.idea = "A wife betrayed by her husband comes back as his biggest investor.";
    s.episodes = 1;
    s.seed = 4;
    s.preset = "preview";
    s.music.enabled = false;
    s.providers.images.kind = "a1111";
    s.providers.images.base_url = url;
    s.providers.images.max_retries = retries;
    s.providers.images.price_per_image = 0.01;
    s.budget = 10;
    s.providers.speech.kind = "openai";
    s.providers.speech.base_url = url + "/v1";
    s.providers.speech.max_retries = retries;
    s.providers.speech.voices = {{"C01", "nova"}};
    ASSERT_TRUE(CreateSeries(root_, s).ok());
  }
  Result<BuildSummary> Build(const std::string& until) {
    BuildRequest r;
    r.until = until;
    return BuildSeries(root_, r);
  }
  fs::path root_;
};

// One preview episode without music: what every server test builds.
Settings OneEpisode() {
  Settings s;
  s.idea = "A wife betrayed by her husband comes back as his biggest investor.";
  s.episodes = 1;
  s.seed = 4;
  s.preset = "preview";
  s.music.enabled = false;
  return s;
}

testing::FakeReply Answer(const MediaRequest& r, int index) {
  if (r.path == "/sdapi/v1/txt2img" || r.path == "/sdapi/v1/img2img")
    return testing::JsonReply({{"images", {Base64Encode(testing::MakePng(54, 96, static_cast<uint8_t>(index * 7)))}}});
  if (r.path == "/v1/audio/speech") return testing::BytesReply(testing::MakeWav(1.2, 24000, 300 + 10 * index), "audio/wav");
  return testing::JsonReply({{"error", "unexpected " + r.path}}, 404);
}

TEST_F(ProviderPipelineTest, FramesAndVoicesComeFromTheServersAndAreCached) {
  FakeMediaServer server(Answer);
  NewSeries(server.Url(), 2);
  auto built = Build("clips");
  ASSERT_TRUE(built.ok()) << built.error().ToString();

  auto shots = LoadYaml<Shots>(root_ / "episodes/ep001/shots.yaml", "shots.yaml");
  auto bible = LoadYaml<Bible>(root_ / "bible.yaml", "bible.yaml");
  ASSERT_TRUE(shots.ok() && bible.ok());
  auto images = server.Requests("/sdapi/v1/txt2img");
  ASSERT_EQ(images.size(), shots->shots.size());
  // Each request carries the expanded prompt: the look tokens of the first character in frame.
  for (size_t i = 0; i < images.size(); ++i) {
    const Shot& shot = shots->shots[i];
    std::string prompt = images[i].json["prompt"];
    EXPECT_EQ(prompt.find('@'), std::string::npos) << prompt;
    if (!shot.cast.empty()) {
      for (const auto& token : bible->FindCharacter(shot.cast.front())->look) EXPECT_NE(prompt.find(token), std::string::npos) << prompt;
    }
    EXPECT_EQ(images[i].json["width"], 540);
    auto frame = ReadFile(root_ / ("episodes/ep001/frames/" + shot.id + ".png"));
    ASSERT_TRUE(frame.ok());
    EXPECT_EQ(testing::CheckPng(*frame).problem, "");  // the server's PNG, byte for byte a valid one
  }
  auto voices = server.Requests("/v1/audio/speech");
  EXPECT_GT(voices.size(), 5u);
  bool nova = false;
  for (const auto& v : voices) nova |= v.json["voice"] == "nova";
  EXPECT_TRUE(nova);  // C01's voice from providers.speech.voices
  EXPECT_TRUE(fs::exists(root_ / "episodes/ep001/clips" / (shots->shots[0].id + ".mp4")));

  auto ledger = Ledger::Open(root_ / ".reelwright/ledger.sqlite");
  ASSERT_TRUE(ledger.ok());
  CallTotals totals = (*ledger)->Totals(0);
  EXPECT_EQ(totals.calls, static_cast<int>(images.size() + voices.size()));
  EXPECT_NEAR(totals.cost, 0.01 * static_cast<double>(images.size()), 1e-9);

  // Nothing changed: no request at all.
  size_t before = server.Requests().size();
  ASSERT_TRUE(Build("clips").ok());
  EXPECT_EQ(server.Requests().size(), before);

  // A reference image in the bible goes to the server with every shot of that character (img2img).
  ASSERT_TRUE(WriteFileAtomic(root_ / "refs/hero.png", testing::MakePng(32, 32, 200)).ok());
  bible->characters[0].reference = "refs/hero.png";
  ASSERT_TRUE(WriteFileAtomic(root_ / "bible.yaml", ToYaml(*bible)).ok());
  auto again = Build("clips");
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  auto img2img = server.Requests("/sdapi/v1/img2img");
  ASSERT_FALSE(img2img.empty());
  EXPECT_EQ(img2img[0].json["init_images"][0], Base64Encode(testing::MakePng(32, 32, 200)));
}

TEST_F(ProviderPipelineTest, AFailingImageServerFailsTheStageClearly) {
  FakeMediaServer server([](const MediaRequest& r, int index) {
    if (r.path == "/sdapi/v1/txt2img") return testing::JsonReply({{"error", "CUDA out of memory"}}, 500);
    return Answer(r, index);
  });
  NewSeries(server.Url(), 0);
  auto built = Build("frames");
  ASSERT_FALSE(built.ok());
  EXPECT_NE(built.error().message.find("stage ep001/frames failed"), std::string::npos) << built.error().ToString();
  EXPECT_NE(built.error().message.find("CUDA out of memory"), std::string::npos) << built.error().ToString();
  EXPECT_FALSE(fs::exists(root_ / "episodes/ep001/frames"));
  auto status = SeriesStatus(root_, BuildRequest{});
  ASSERT_TRUE(status.ok());
  bool failed = false;
  for (const auto& s : *status) failed |= s.name == "ep001/frames" && s.state == StageState::kFailed;
  EXPECT_TRUE(failed);
  // The plan counts what the frames would cost on the server.
  auto plan = PlanBuild(root_, BuildRequest{});
  ASSERT_TRUE(plan.ok());
  bool priced = false;
  for (const auto& p : plan->stages) priced |= p.name == "ep001/frames" && p.calls > 0 && p.cost > 0;
  EXPECT_TRUE(priced);
}


// A real little clip, as a video server would send: 64×112 at 24 fps, a moving gradient.
std::string ServerClip(const fs::path& dir) {
  fs::path path = dir / "server_clip.mp4";
  auto writer = VideoWriter::Open(path, 64, 112, 24, ClipEncodeOptions{});
  EXPECT_TRUE(writer.ok());
  Image frame(64, 112);
  for (int i = 0; i < 24; ++i) {
    for (int y = 0; y < 112; ++y)
      for (int x = 0; x < 64; ++x) {
        uint8_t* p = frame.Row(y) + 4 * x;
        p[0] = static_cast<uint8_t>(x * 4), p[1] = static_cast<uint8_t>((y + i * 4) % 256), p[2] = 90, p[3] = 255;
      }
    EXPECT_TRUE((*writer)->Write(frame).ok());
  }
  EXPECT_TRUE((*writer)->Finish().ok());
  return *ReadFile(path);
}

TEST_F(ProviderPipelineTest, ClipsFromAComfyUiVideoWorkflowAreConformedToTheTimeline) {
  fs::create_directories(root_);
  std::string mp4 = ServerClip(fs::temp_directory_path());
  FakeMediaServer server([&](const MediaRequest& r, int) {
    if (r.path == "/upload/image") return testing::JsonReply({{"name", r.files.count("image") ? r.files.at("image").filename : "x.png"}, {"subfolder", ""}, {"type", "input"}});
    if (r.path == "/prompt") return testing::JsonReply({{"prompt_id", "p1"}});
    if (r.path == "/history/p1")
      return testing::JsonReply({{"p1", testing::ComfyHistoryEntry({{"9", {{"gifs", {{{"filename", "clip.mp4"}, {"subfolder", ""}, {"type", "output"}, {"format", "video/h264-mp4"}}}}}}})}});
    if (r.path == "/view") return testing::BytesReply(mp4, "video/mp4");
    return testing::JsonReply({{"error", "unexpected " + r.path}}, 404);
  });
  Settings s = OneEpisode();
  s.providers.video.kind = "comfyui";
  s.providers.video.base_url = server.Url();
  s.providers.video.workflow = "i2v.json";
  s.providers.video.max_retries = 0;
  ASSERT_TRUE(CreateSeries(root_, s).ok());
  nlohmann::json workflow = {{"1", {{"class_type", "LoadImage"}, {"inputs", {{"image", "{{first_frame}}"}}}}},
                             {"2", {{"class_type", "LoadImage"}, {"inputs", {{"image", "{{last_frame}}"}}}}},
                             {"3", {{"class_type", "I2V"}, {"inputs", {{"text", "{{prompt}}"}, {"length", "{{frames}}"}, {"fps", "{{fps}}"}, {"seed", "{{seed}}"}}}}},
                             {"9", {{"class_type", "VHS_VideoCombine"}, {"inputs", {{"frame_rate", 24}}}}}};
  ASSERT_TRUE(WriteFileAtomic(root_ / "i2v.json", workflow.dump()).ok());
  auto built = Build("clips");
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  auto shots = LoadYaml<Shots>(root_ / "episodes/ep001/shots.yaml", "shots.yaml");
  ASSERT_TRUE(shots.ok());
  auto queued = server.Requests("/prompt");
  ASSERT_EQ(queued.size(), shots->shots.size());
  // The markers were filled with typed values: the shot's frames at the series' rate.
  const Shot& first = shots->shots.front();
  EXPECT_EQ(queued[0].json["prompt"]["3"]["inputs"]["fps"], 30);
  EXPECT_EQ(queued[0].json["prompt"]["3"]["inputs"]["length"], static_cast<int>(std::llround(first.duration_s * 30)));
  // Each clip is the server's, conformed: 540×960 at 30 fps with the shot's frame count.
  FILE* probe = ::popen(("ffprobe -v error -count_frames -show_entries stream=width,height,r_frame_rate,nb_read_frames -of csv=p=0 '" +
                         (root_ / "episodes/ep001/clips" / (first.id + ".mp4")).string() + "'").c_str(), "r");
  ASSERT_NE(probe, nullptr);
  char buf[256] = {};
  size_t got = std::fread(buf, 1, sizeof buf - 1, probe);
  ::pclose(probe);
  EXPECT_EQ(std::string(buf, got), "540,960,30/1," + std::to_string(std::llround(first.duration_s * 30)) + "\n");
  // A second build asks the server nothing.
  size_t before = server.Requests().size();
  ASSERT_TRUE(Build("clips").ok());
  EXPECT_EQ(server.Requests().size(), before);
}

// Post steps: every clip passes through the creator's ComfyUI workflows in order (here frame
// interpolation, then lip-sync fed with the line's WAV), each a cached stage of its own.
TEST_F(ProviderPipelineTest, ClipsPassThroughThePostStepWorkflowsInOrder) {
  fs::create_directories(root_);
  std::string mp4 = ServerClip(fs::temp_directory_path());
  int prompts = 0;
  std::map<std::string, std::string> prompt_step;  // prompt id → the step's node class
  std::mutex mu;
  FakeMediaServer server([&](const MediaRequest& r, int) {
    std::lock_guard<std::mutex> lock(mu);
    if (r.path == "/upload/image")
      return testing::JsonReply({{"name", r.files.at("image").filename}, {"subfolder", ""}, {"type", "input"}});
    if (r.path == "/prompt") {
      std::string id = "p" + std::to_string(++prompts);
      prompt_step[id] = r.json["prompt"]["2"]["class_type"];
      return testing::JsonReply({{"prompt_id", id}});
    }
    if (r.path.rfind("/history/", 0) == 0) {
      std::string id = r.path.substr(9);
      return testing::JsonReply({{id, testing::ComfyHistoryEntry({{"9", {{"gifs", {{{"filename", id + ".mp4"}, {"subfolder", ""}, {"type", "output"}}}}}}})}});
    }
    if (r.path == "/view") return testing::BytesReply(mp4, "video/mp4");
    return testing::JsonReply({{"error", "unexpected " + r.path}}, 404);
  });
  Settings s = OneEpisode();
  PostStepSettings rife, lipsync;
  rife.name = "rife";
  rife.base_url = server.Url();
  rife.workflow = "rife.json";
  rife.max_retries = 0;
  lipsync = rife;
  lipsync.name = "lipsync";
  lipsync.workflow = "lipsync.json";
  s.providers.post = {rife, lipsync};
  ASSERT_TRUE(CreateSeries(root_, s).ok());
  auto workflow = [](const std::string& model, bool voice) {
    nlohmann::json w = {{"1", {{"class_type", "VHS_LoadVideo"}, {"inputs", {{"video", "{{clip}}"}}}}},
                        {"2", {{"class_type", model}, {"inputs", {{"images", {"1", 0}}, {"fps", "{{fps}}"}}}}},
                        {"9", {{"class_type", "VHS_VideoCombine"}, {"inputs", {{"images", {"2", 0}}, {"frame_rate", 48}}}}}};
    if (voice) w["3"] = {{"class_type", "LoadAudio"}, {"inputs", {{"audio", "{{voice}}"}}}};
    return w.dump();
  };
  ASSERT_TRUE(WriteFileAtomic(root_ / "rife.json", workflow("RIFE VFI", false)).ok());
  ASSERT_TRUE(WriteFileAtomic(root_ / "lipsync.json", workflow("LatentSyncNode", true)).ok());
  auto built = Build("post");
  ASSERT_TRUE(built.ok()) << built.error().ToString();

  auto shots = LoadYaml<Shots>(root_ / "episodes/ep001/shots.yaml", "shots.yaml");
  ASSERT_TRUE(shots.ok());
  size_t spoken = 0;
  for (const auto& shot : shots->shots) spoken += !shot.lines.empty();
  ASSERT_GT(spoken, 0u);
  ASSERT_LT(spoken, shots->shots.size());
  // Interpolation ran on every shot, lip-sync on the shots with a line, after it.
  std::map<std::string, size_t> runs;
  for (const auto& [id, step] : prompt_step) ++runs[step];
  EXPECT_EQ(runs["RIFE VFI"], shots->shots.size());
  EXPECT_EQ(runs["LatentSyncNode"], spoken);
  // What lip-sync was given: a clip and the line's own WAV.
  std::set<std::string> voices_sent;
  for (const auto& up : server.Requests("/upload/image")) {
    const auto& f = up.files.at("image");
    if (f.filename.rfind("rw_voice_", 0) == 0) {
      EXPECT_EQ(f.content_type, "audio/wav");
      voices_sent.insert(f.content);
    } else {
      EXPECT_EQ(f.filename.rfind("rw_clip_", 0), 0u) << f.filename;
      EXPECT_EQ(f.filename.substr(f.filename.size() - 4), ".mp4");
    }
  }
  const Shot* first_spoken = nullptr;
  for (const auto& shot : shots->shots)
    if (!shot.lines.empty() && !first_spoken) first_spoken = &shot;
  EXPECT_EQ(voices_sent.count(*ReadFile(root_ / ("episodes/ep001/voice/" + first_spoken->lines.front() + ".wav"))), 1u);
  // Every step's clips are there; the timeline plays the last step's.
  for (const auto& shot : shots->shots) {
    EXPECT_TRUE(fs::exists(root_ / ("episodes/ep001/clips/rife/" + shot.id + ".mp4"))) << shot.id;
    EXPECT_TRUE(fs::exists(root_ / ("episodes/ep001/clips/lipsync/" + shot.id + ".mp4"))) << shot.id;
  }
  auto tl = LoadYaml<Timeline>(root_ / "episodes/ep001/timeline.json", "timeline.json");
  ASSERT_TRUE(tl.ok());
  for (const auto& v : tl->video) EXPECT_EQ(v.clip, "clips/lipsync/" + v.shot + ".mp4");
  // Cached: a second build asks nothing; a changed lip-sync workflow reruns only that step.
  size_t before = server.Requests().size();
  ASSERT_TRUE(Build("post").ok());
  EXPECT_EQ(server.Requests().size(), before);
  ASSERT_TRUE(WriteFileAtomic(root_ / "lipsync.json", workflow("Wav2Lip", true)).ok());
  auto again = Build("post");
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  runs.clear();
  for (const auto& [id, step] : prompt_step) ++runs[step];
  EXPECT_EQ(runs["RIFE VFI"], shots->shots.size());
  EXPECT_EQ(runs["Wav2Lip"], spoken);
}

// A post step whose server fails fails its stage, names the step and the shot, and leaves no clip
// a later build would trust.
TEST_F(ProviderPipelineTest, AFailingPostStepFailsClearly) {
  fs::create_directories(root_);
  FakeMediaServer server([&](const MediaRequest& r, int) {
    if (r.path == "/upload/image")
      return testing::JsonReply({{"name", r.files.at("image").filename}, {"subfolder", ""}, {"type", "input"}});
    return testing::JsonReply({{"error", "out of memory"}}, 500);
  });
  Settings s = OneEpisode();
  PostStepSettings matte;
  matte.name = "matte";
  matte.base_url = server.Url();
  matte.workflow = "matte.json";
  matte.max_retries = 0;
  s.providers.post = {matte};
  ASSERT_TRUE(CreateSeries(root_, s).ok());
  nlohmann::json w = {{"1", {{"class_type", "VHS_LoadVideo"}, {"inputs", {{"video", "{{clip}}"}}}}},
                      {"9", {{"class_type", "VHS_VideoCombine"}, {"inputs", {{"images", {"1", 0}}}}}}};
  ASSERT_TRUE(WriteFileAtomic(root_ / "matte.json", w.dump()).ok());
  auto built = Build("post");
  ASSERT_FALSE(built.ok());
  EXPECT_NE(built.error().message.find("post step matte failed for S001"), std::string::npos) << built.error().ToString();
  EXPECT_FALSE(fs::exists(root_ / "episodes/ep001/clips/matte/S001.mp4"));
}

// A transcription server hears every voiced line back; a line it hears differently from the
// script is reported with its time and both texts, in transcript.yaml and as a subtitle error.
TEST_F(ProviderPipelineTest, LinesAreHeardBackAndMismatchesReportedAsSubtitleErrors) {
  fs::create_directories(root_);
  std::map<std::string, std::string> heard_for;  // WAV bytes → what the server "hears"
  std::mutex mu;
  FakeMediaServer server([&](const MediaRequest& r, int) {
    std::lock_guard<std::mutex> lock(mu);
    if (r.path != "/v1/audio/transcriptions") return testing::JsonReply({{"error", "unexpected " + r.path}}, 404);
    auto it = heard_for.find(r.files.at("file").content);
    return testing::JsonReply({{"text", it == heard_for.end() ? "???" : it->second}});
  });
  Settings s = OneEpisode();
  s.providers.transcription.kind = "openai";
  s.providers.transcription.base_url = server.Url("/v1");
  s.providers.transcription.max_retries = 0;
  ASSERT_TRUE(CreateSeries(root_, s).ok());
  ASSERT_TRUE(Build("voice").ok());
  // The server hears every line as written, except the third, which it hears as something else.
  auto voice = LoadYaml<VoiceTrack>(root_ / "episodes/ep001/voice/lines.yaml", "lines.yaml");
  ASSERT_TRUE(voice.ok());
  ASSERT_GE(voice->lines.size(), 3u);
  for (size_t i = 0; i < voice->lines.size(); ++i) {
    const auto& line = voice->lines[i];
    heard_for[*ReadFile(root_ / "episodes/ep001" / line.wav)] = i == 2 ? "Lunch is at noon on Tuesday." : line.text;
  }
  auto built = Build("transcribe");
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  EXPECT_EQ(server.Requests("/v1/audio/transcriptions").size(), voice->lines.size());

  auto transcript = LoadYaml<Transcript>(root_ / "episodes/ep001/transcript.yaml", "transcript.yaml");
  ASSERT_TRUE(transcript.ok()) << transcript.error().ToString();
  ASSERT_EQ(transcript->lines.size(), voice->lines.size());
  for (size_t i = 0; i < transcript->lines.size(); ++i) {
    EXPECT_EQ(transcript->lines[i].mismatch, i == 2) << transcript->lines[i].line << " heard " << transcript->lines[i].heard;
  }
  EXPECT_EQ(transcript->lines[2].heard, "Lunch is at noon on Tuesday.");
  EXPECT_GT(transcript->lines[2].start_s, 0);

  auto report = EvaluateSeries(root_);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  const Dimension* subtitles = nullptr;
  for (const auto& d : report->episodes[0].dimensions)
    if (d.name == "subtitles") subtitles = &d;
  ASSERT_NE(subtitles, nullptr);
  EXPECT_EQ(subtitles->metrics.at("misheard_lines"), 1);
  bool reported = false;
  for (const auto& reason : subtitles->reasons)
    reported |= reason.find("L003 at ") != std::string::npos && reason.find("the voice says \"Lunch is at noon on Tuesday.\"") != std::string::npos &&
                reason.find(voice->lines[2].text) != std::string::npos;
  EXPECT_TRUE(reported) << ::testing::PrintToString(subtitles->reasons);
  // Heard once: a second build asks nothing.
  size_t before = server.Requests().size();
  ASSERT_TRUE(Build("transcribe").ok());
  EXPECT_EQ(server.Requests().size(), before);
}

}  // namespace
}  // namespace rw
