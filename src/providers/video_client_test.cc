#include "providers/video_client.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include "providers/image_client.h"  // Base64Encode
#include "providers/media_testing.h"

namespace rw {
namespace {

namespace fs = std::filesystem;
using testing::BytesReply;
using testing::ComfyHistoryEntry;
using testing::ErrorReply;
using testing::FakeMediaServer;
using testing::FakeReply;
using testing::JsonReply;
using testing::MakeMp4;
using testing::MakePng;
using testing::MediaRequest;

// A Wan 2.1 first-last-frame workflow in ComfyUI's API format, with the markers a creator would set.
const char kWorkflow[] = R"({
  "1": {"class_type": "LoadImage", "inputs": {"image": "{{first_frame}}"}},
  "2": {"class_type": "LoadImage", "inputs": {"image": "{{last_frame}}"}},
  "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "cinematic, {{prompt}}", "clip": ["9", 0]}},
  "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{negative}}", "clip": ["9", 0]}},
  "5": {"class_type": "WanFirstLastFrameToVideo",
        "inputs": {"width": "{{width}}", "height": "{{height}}", "length": "{{frames}}", "batch_size": 1,
                   "positive": ["3", 0], "negative": ["4", 0], "vae": ["10", 0],
                   "start_image": ["1", 0], "end_image": ["2", 0]}},
  "6": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": 20, "cfg": 6, "sampler_name": "uni_pc",
        "scheduler": "simple", "denoise": 1, "model": ["11", 0], "positive": ["5", 0], "negative": ["5", 1],
        "latent_image": ["5", 2]}},
  "7": {"class_type": "VAEDecode", "inputs": {"samples": ["6", 0], "vae": ["10", 0]}},
  "8": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["7", 0], "frame_rate": "{{fps}}", "loop_count": 0,
        "filename_prefix": "rw_clip", "format": "video/h264-mp4", "pingpong": false, "save_output": true}},
  "9": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}},
  "10": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
  "11": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_flf2v_720p_14B_fp16.safetensors", "weight_dtype": "default"}}
})";

VideoProviderSettings SettingsFor(const std::string& base_url) {
  VideoProviderSettings s;
  s.kind = "comfyui";
  s.base_url = base_url;
  s.workflow = "i2v.json";
  s.timeout_s = 5;
  s.max_retries = 2;
  return s;
}

VideoRequest SmallRequest() {
  VideoRequest r;
  r.first_frame_png = MakePng(16, 24, 10);
  r.prompt = "she turns from the window, rain on the glass";
  r.width = 480;
  r.height = 832;
  r.fps = 16;
  r.frames = 81;
  r.seed = 4321;
  return r;
}

struct Sleeps {
  std::vector<double> seconds;
  void Attach(VideoClient& client) {
    client.SetSleepForTests([this](double s) { seconds.push_back(s); });
  }
};

// A folder for one test's series, removed at the end.
class TempSeries {
 public:
  TempSeries() {
    root_ = fs::temp_directory_path() /
            ("rw_video_test_" + std::to_string(::getpid()) + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_);
    Write("i2v.json", kWorkflow);
  }
  ~TempSeries() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  const fs::path& root() const { return root_; }
  void Write(const std::string& name, const std::string& text) const { std::ofstream(root_ / name) << text; }

 private:
  fs::path root_;
};

// ComfyUI with VideoHelperSuite: takes uploads, queues prompt "vid-1", answers its history after
// two empty polls with `outputs` (default: a gifs entry as VHS_VideoCombine writes it), serves
// `clip` from /view. `first_replies` replace the first reply to a path ("503, then ok").
class FakeComfyUi {
 public:
  explicit FakeComfyUi(std::string clip, nlohmann::json outputs = nullptr,
                       std::map<std::string, FakeReply> first_replies = {})
      : clip_(std::move(clip)),
        outputs_(outputs.is_null() ? DefaultOutputs() : std::move(outputs)),
        first_replies_(std::move(first_replies)),
        server_([this](const MediaRequest& req, int index) { return Answer(req, index); }) {}

  static nlohmann::json DefaultOutputs() {
    nlohmann::json gif = {{"filename", "rw_clip_00001.mp4"}, {"subfolder", "clips"}, {"type", "output"},
                          {"format", "video/h264-mp4"},      {"frame_rate", 16.0},   {"workflow", "rw_clip_00001.png"}};
    return {{"8", {{"gifs", {gif}}}}};
  }

  FakeMediaServer& server() { return server_; }
  std::string Url() const { return server_.Url(); }

 private:
  FakeReply Answer(const MediaRequest& req, int index) {
    if (index == 0 && first_replies_.count(req.path)) return first_replies_.at(req.path);
    if (req.path == "/upload/image") {
      auto it = req.files.find("image");
      if (it == req.files.end()) return ErrorReply(400, "no image field");
      return JsonReply({{"name", it->second.filename}, {"subfolder", ""}, {"type", "input"}});
    }
    if (req.path == "/prompt") return JsonReply({{"prompt_id", "vid-1"}, {"number", 3}, {"node_errors", nlohmann::json::object()}});
    if (req.path == "/history/vid-1") {
      if (index < 2) return JsonReply(nlohmann::json::object());  // still running
      return JsonReply({{"vid-1", ComfyHistoryEntry(outputs_)}});
    }
    if (req.path == "/view") return BytesReply(clip_, "video/mp4");
    return ErrorReply(404, "no route " + req.path);
  }

  std::string clip_;
  nlohmann::json outputs_;
  std::map<std::string, FakeReply> first_replies_;
  FakeMediaServer server_;  // last: it calls Answer from its thread until destroyed
};

// ---- the fake media ----

TEST(VideoFakeMedia, Mp4StartsWithAValidFtypBox) {
  std::string mp4 = MakeMp4();
  ASSERT_GE(mp4.size(), 16u);
  EXPECT_EQ(testing::GetBe32(mp4, 0), 28u);  // the ftyp box's size
  EXPECT_EQ(mp4.substr(4, 8), "ftypisom");
  EXPECT_EQ(mp4.substr(testing::GetBe32(mp4, 0) + 4, 4), "moov");
  EXPECT_EQ(testing::GetBe32(mp4, 28), mp4.size() - 28);  // moov runs to the end
  EXPECT_EQ(VideoContainerOf(mp4), "mp4");
}

TEST(VideoContainer, BySignature) {
  EXPECT_EQ(VideoContainerOf(MakeMp4()), "mp4");
  EXPECT_EQ(VideoContainerOf(std::string("\x00\x00\x00\x14" "ftypqt  \x00\x00\x00\x00", 16)), "mp4");  // a MOV
  EXPECT_EQ(VideoContainerOf(std::string("\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01", 9)), "webm");
  EXPECT_EQ(VideoContainerOf("GIF89a\x10\x00\x10\x00"), "gif");
  EXPECT_EQ(VideoContainerOf(std::string("RIFF\x1a\x00\x00\x00WEBPVP8X", 16)), "webp");
  EXPECT_EQ(VideoContainerOf(std::string("RIFF\x24\x00\x00\x00WAVEfmt ", 16)), "");
  EXPECT_EQ(VideoContainerOf(MakePng(2, 2)), "");
  EXPECT_EQ(VideoContainerOf(""), "");
}

// ---- the ComfyUI flow ----

TEST(VideoClient, ComfyUiFullFlow) {
  TempSeries series;
  const std::string clip = MakeMp4();
  FakeComfyUi comfy(clip);
  VideoProviderSettings settings = SettingsFor(comfy.Url());
  settings.price_per_clip = 0.25;
  VideoClient client(settings, series.root());
  Sleeps sleeps;
  sleeps.Attach(client);
  VideoRequest request = SmallRequest();
  request.last_frame_png = MakePng(16, 24, 99);
  std::vector<CallRecord> calls;
  auto result = client.Generate(request, &calls);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->bytes, clip);
  EXPECT_EQ(result->format, "mp4");

  // Both frames went up as multipart form data, named by their content.
  auto uploads = comfy.server().Requests("/upload/image");
  ASSERT_EQ(uploads.size(), 2u);
  const auto& first = uploads[0].files.at("image");
  const auto& last = uploads[1].files.at("image");
  EXPECT_EQ(first.content, request.first_frame_png);
  EXPECT_EQ(last.content, request.last_frame_png);
  EXPECT_EQ(first.content_type, "image/png");
  EXPECT_EQ(first.filename.rfind("rw_frame_", 0), 0u) << first.filename;
  EXPECT_NE(first.filename, last.filename);
  EXPECT_EQ(uploads[0].files.at("overwrite").content, "true");

  // The workflow went out with every marker replaced by a typed value, links untouched.
  auto queued = comfy.server().Requests("/prompt");
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].json["client_id"], "reelwright");
  const nlohmann::json& flow = queued[0].json["prompt"];
  EXPECT_EQ(flow["1"]["inputs"]["image"], first.filename);
  EXPECT_EQ(flow["2"]["inputs"]["image"], last.filename);
  EXPECT_EQ(flow["3"]["inputs"]["text"], "cinematic, " + request.prompt);
  EXPECT_EQ(flow["4"]["inputs"]["text"], settings.negative_prompt);
  for (const char* key : {"width", "height", "length"}) EXPECT_TRUE(flow["5"]["inputs"][key].is_number_integer()) << key;
  EXPECT_EQ(flow["5"]["inputs"]["width"], 480);
  EXPECT_EQ(flow["5"]["inputs"]["height"], 832);
  EXPECT_EQ(flow["5"]["inputs"]["length"], 81);
  EXPECT_TRUE(flow["6"]["inputs"]["seed"].is_number_integer());
  EXPECT_EQ(flow["6"]["inputs"]["seed"], 4321);
  EXPECT_TRUE(flow["8"]["inputs"]["frame_rate"].is_number_integer());
  EXPECT_EQ(flow["8"]["inputs"]["frame_rate"], 16);
  EXPECT_EQ(flow["5"]["inputs"]["start_image"], nlohmann::json::array({"1", 0}));
  EXPECT_EQ(flow["8"]["inputs"]["format"], "video/h264-mp4");
  EXPECT_EQ(flow.dump().find("{{"), std::string::npos);

  // Followed until ready (two empty polls, 0.5 s apart), then the gifs entry downloaded.
  EXPECT_EQ(comfy.server().Requests("/history/vid-1").size(), 3u);
  EXPECT_EQ(sleeps.seconds, std::vector<double>({0.5, 0.5}));
  auto views = comfy.server().Requests("/view");
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].method, "GET");
  EXPECT_EQ(views[0].params.at("filename"), "rw_clip_00001.mp4");
  EXPECT_EQ(views[0].params.at("subfolder"), "clips");
  EXPECT_EQ(views[0].params.at("type"), "output");

  // One record per HTTP step; the price on the download.
  ASSERT_EQ(calls.size(), 5u);
  for (const auto& call : calls) {
    EXPECT_EQ(call.outcome, "ok");
    EXPECT_EQ(call.model, "i2v.json");
    EXPECT_EQ(call.provider, comfy.Url());
  }
  EXPECT_GE(calls[3].latency_s, 1.0);  // the two 0.5 s waits count as the wait
  EXPECT_DOUBLE_EQ(calls[4].cost, 0.25);
  EXPECT_EQ(calls[0].cost + calls[1].cost + calls[2].cost + calls[3].cost, 0);
}

TEST(VideoClient, WithoutALastFrameTheFirstFillsBoth) {
  TempSeries series;
  FakeComfyUi comfy(MakeMp4());
  VideoClient client(SettingsFor(comfy.Url()), series.root());
  Sleeps sleeps;
  sleeps.Attach(client);
  VideoRequest request = SmallRequest();
  request.negative_prompt = "no rain";
  auto result = client.Generate(request, nullptr);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  auto uploads = comfy.server().Requests("/upload/image");
  ASSERT_EQ(uploads.size(), 1u);
  const std::string name = uploads[0].files.at("image").filename;
  const nlohmann::json flow = comfy.server().Requests("/prompt")[0].json["prompt"];
  EXPECT_EQ(flow["1"]["inputs"]["image"], name);
  EXPECT_EQ(flow["2"]["inputs"]["image"], name);
  EXPECT_EQ(flow["4"]["inputs"]["text"], "no rain");
}

TEST(VideoClient, ALastFrameTheWorkflowHasNoPlaceForIsNotUploaded) {
  TempSeries series;
  nlohmann::json flow = nlohmann::json::parse(kWorkflow);
  flow.erase("2");
  flow["5"]["inputs"].erase("end_image");
  series.Write("i2v.json", flow.dump());
  FakeComfyUi comfy(MakeMp4());
  VideoClient client(SettingsFor(comfy.Url()), series.root());
  Sleeps sleeps;
  sleeps.Attach(client);
  VideoRequest request = SmallRequest();
  request.last_frame_png = MakePng(16, 24, 99);
  auto result = client.Generate(request, nullptr);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(comfy.server().Requests("/upload/image").size(), 1u);
}

TEST(VideoClient, WorkflowWithoutFirstFrameIsBadInput) {
  TempSeries series;
  nlohmann::json flow = nlohmann::json::parse(kWorkflow);
  flow["1"]["inputs"]["image"] = "example.png";
  series.Write("i2v.json", flow.dump());
  FakeComfyUi comfy(MakeMp4());
  VideoClient client(SettingsFor(comfy.Url()), series.root());
  auto result = client.Generate(SmallRequest(), nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(result.error().where, (series.root() / "i2v.json").string());
  EXPECT_NE(result.error().message.find("{{first_frame}}"), std::string::npos) << result.error().message;
  EXPECT_TRUE(comfy.server().Requests().empty()) << "nothing is sent for a workflow that cannot work";
}

// A post-step workflow takes the shot's clip (and, for lip-sync, the line's WAV) instead of a frame;
// a request without what the workflow marks is refused before anything is sent.
TEST(VideoClient, APostStepWorkflowTakesAClipAndAVoice) {
  TempSeries series;
  nlohmann::json flow = {{"1", {{"class_type", "VHS_LoadVideo"}, {"inputs", {{"video", "{{clip}}"}}}}},
                         {"2", {{"class_type", "LoadAudio"}, {"inputs", {{"audio", "{{voice}}"}}}}},
                         {"9", {{"class_type", "VHS_VideoCombine"}, {"inputs", {{"images", {"1", 0}}}}}}};
  series.Write("i2v.json", flow.dump());
  FakeComfyUi comfy(MakeMp4());
  VideoClient client(SettingsFor(comfy.Url()), series.root());
  ASSERT_TRUE(client.NeedsVoice().ok());
  EXPECT_TRUE(*client.NeedsVoice());
  VideoRequest request = SmallRequest();
  request.first_frame_png.clear();
  request.clip_mp4 = MakeMp4();
  auto refused = client.Generate(request, nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kBadInput);
  EXPECT_NE(refused.error().message.find("{{voice}}"), std::string::npos) << refused.error().message;
  EXPECT_TRUE(comfy.server().Requests().empty());

  request.voice_wav = testing::MakeWav(0.5, 24000, 440);
  auto clip = client.Generate(request, nullptr);
  ASSERT_TRUE(clip.ok()) << clip.error().ToString();
  auto uploads = comfy.server().Requests("/upload/image");
  ASSERT_EQ(uploads.size(), 2u);  // the clip and the voice; no frame
  auto queued = comfy.server().Requests("/prompt");
  ASSERT_EQ(queued.size(), 1u);
  std::string video = queued[0].json["prompt"]["1"]["inputs"]["video"], audio = queued[0].json["prompt"]["2"]["inputs"]["audio"];
  EXPECT_EQ(video.rfind("rw_clip_", 0), 0u) << video;
  EXPECT_EQ(audio.rfind("rw_voice_", 0), 0u) << audio;
  EXPECT_EQ(audio.substr(audio.size() - 4), ".wav");
}

TEST(VideoClient, SettingsAndRequestProblemsAreBadInput) {
  TempSeries series;
  FakeComfyUi comfy(MakeMp4());
  auto run = [&](VideoProviderSettings s, const VideoRequest& r) { return VideoClient(s, series.root()).Generate(r, nullptr); };

  VideoProviderSettings runway = SettingsFor(comfy.Url());
  runway.kind = "runway";
  auto kind = run(runway, SmallRequest());
  ASSERT_FALSE(kind.ok());
  EXPECT_EQ(kind.error().code, ErrorCode::kBadInput);
  EXPECT_NE(kind.error().message.find("providers.video.kind 'runway'"), std::string::npos) << kind.error().message;

  VideoProviderSettings no_workflow = SettingsFor(comfy.Url());
  no_workflow.workflow = "";
  auto empty = run(no_workflow, SmallRequest());
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("providers.video.workflow is empty"), std::string::npos) << empty.error().message;

  series.Write("ui.json", R"({"last_node_id": 9, "nodes": [], "links": []})");
  VideoProviderSettings ui = SettingsFor(comfy.Url());
  ui.workflow = "ui.json";
  auto ui_format = run(ui, SmallRequest());
  ASSERT_FALSE(ui_format.ok());
  EXPECT_NE(ui_format.error().message.find("point providers.video.workflow at"), std::string::npos)
      << ui_format.error().message;

  VideoRequest no_frame = SmallRequest();
  no_frame.first_frame_png.clear();
  auto frameless = run(SettingsFor(comfy.Url()), no_frame);
  ASSERT_FALSE(frameless.ok());
  EXPECT_EQ(frameless.error().code, ErrorCode::kBadInput);
  EXPECT_NE(frameless.error().message.find("first frame"), std::string::npos);

  VideoRequest jpeg_last = SmallRequest();
  jpeg_last.last_frame_png = "\xFF\xD8\xFF\xE0 a JPEG";
  auto not_png = run(SettingsFor(comfy.Url()), jpeg_last);
  ASSERT_FALSE(not_png.ok());
  EXPECT_NE(not_png.error().message.find("the last frame is not a PNG"), std::string::npos) << not_png.error().message;

  EXPECT_TRUE(comfy.server().Requests().empty());
}

TEST(VideoClient, ExecutionErrorIsQuoted) {
  TempSeries series;
  FakeMediaServer server([](const MediaRequest& req, int) {
    if (req.path == "/upload/image") return JsonReply({{"name", "f.png"}, {"subfolder", ""}, {"type", "input"}});
    if (req.path == "/prompt") return JsonReply({{"prompt_id", "vid-1"}});
    // [[type, data], …]; json::array keeps a two-element list from turning into an object.
    nlohmann::json messages = nlohmann::json::array(
        {nlohmann::json::array({"execution_start", {{"prompt_id", "vid-1"}}}),
         nlohmann::json::array({"execution_error", {{"prompt_id", "vid-1"}, {"node_id", "5"},
                                                    {"node_type", "WanFirstLastFrameToVideo"},
                                                    {"exception_type", "torch.OutOfMemoryError"},
                                                    {"exception_message", "Allocation on device"}}})});
    return JsonReply({{"vid-1", ComfyHistoryEntry(nlohmann::json::object(), "error", messages)}});
  });
  VideoClient client(SettingsFor(server.Url()), series.root());
  Sleeps sleeps;
  sleeps.Attach(client);
  std::vector<CallRecord> calls;
  auto result = client.Generate(SmallRequest(), &calls);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kFailed);
  EXPECT_NE(result.error().message.find("video server " + server.Url() + " could not run the workflow i2v.json (prompt "
                                        "vid-1): node 5 (WanFirstLastFrameToVideo): torch.OutOfMemoryError: Allocation"),
            std::string::npos) << result.error().message;
  EXPECT_TRUE(server.Requests("/view").empty());
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[2].outcome.rfind("failed: ", 0), 0u);
  EXPECT_EQ(calls[0].cost + calls[1].cost + calls[2].cost, 0);
}

TEST(VideoClient, ReplyThatIsNotAVideoFailsClearly) {
  TempSeries series;
  // The workflow saved a still frame instead of a clip.
  nlohmann::json outputs = {{"8", {{"images", {{{"filename", "rw_00001_.png"}, {"subfolder", ""}, {"type", "output"}}}}}}};
  FakeComfyUi comfy(MakePng(8, 8), outputs);
  VideoProviderSettings settings = SettingsFor(comfy.Url());
  settings.price_per_clip = 0.25;
  VideoClient client(settings, series.root());
  Sleeps sleeps;
  sleeps.Attach(client);
  std::vector<CallRecord> calls;
  auto result = client.Generate(SmallRequest(), &calls);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kFailed);
  EXPECT_NE(result.error().message.find("sent rw_00001_.png, which is not a video: it is a PNG, a still image; save "
                                        "the clip with VHS_VideoCombine"),
            std::string::npos) << result.error().message;
  EXPECT_EQ(comfy.server().Requests("/view").size(), 1u) << "not retried: asking again would get the same";
  EXPECT_EQ(calls.back().outcome.rfind("failed: ", 0), 0u);
  EXPECT_EQ(calls.back().cost, 0);

  // An HTML page where the clip should be is quoted.
  FakeComfyUi html("<!DOCTYPE html><html><body>Not here</body></html>");
  VideoClient html_client(SettingsFor(html.Url()), series.root());
  sleeps.Attach(html_client);
  auto page = html_client.Generate(SmallRequest(), nullptr);
  ASSERT_FALSE(page.ok());
  EXPECT_NE(page.error().message.find("which is not a video: it starts with \"<!DOCTYPE html>"), std::string::npos)
      << page.error().message;
}

TEST(VideoClient, NoClipInTheOutputsFailsClearly) {
  TempSeries series;
  FakeComfyUi comfy(MakeMp4(), {{"8", {{"text", {"done"}}}}});
  VideoClient client(SettingsFor(comfy.Url()), series.root());
  Sleeps sleeps;
  sleeps.Attach(client);
  auto result = client.Generate(SmallRequest(), nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("finished prompt vid-1 without a clip in its outputs"), std::string::npos)
      << result.error().message;
  EXPECT_TRUE(comfy.server().Requests("/view").empty());
}

TEST(VideoClient, AnimatedImagesComeAfterVideosAndBeforeStills) {
  TempSeries series;
  const std::string webp = std::string("RIFF\x1a\x00\x00\x00WEBPVP8X", 16) + std::string(14, '\0');
  // SaveAnimatedWEBP lists its clip under images[], beside a preview of the first frame.
  nlohmann::json outputs = {
      {"12", {{"images", {{{"filename", "first.png"}, {"subfolder", ""}, {"type", "temp"}}}}}},
      {"13", {{"images", {{{"filename", "rw_clip_00001_.webp"}, {"subfolder", ""}, {"type", "output"}}}}, {"animated", {true}}}}};
  FakeComfyUi comfy(webp, outputs);
  VideoClient client(SettingsFor(comfy.Url()), series.root());
  Sleeps sleeps;
  sleeps.Attach(client);
  auto result = client.Generate(SmallRequest(), nullptr);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->format, "webp");
  EXPECT_EQ(comfy.server().Requests("/view")[0].params.at("filename"), "rw_clip_00001_.webp");

  // videos[] (and gifs[]) win over images[].
  outputs["14"] = {{"videos", {{{"filename", "rw_clip_00001.webm"}, {"subfolder", ""}, {"type", "output"}}}}};
  FakeComfyUi both(std::string("\x1A\x45\xDF\xA3", 4) + "webm...", outputs);
  VideoClient both_client(SettingsFor(both.Url()), series.root());
  sleeps.Attach(both_client);
  auto webm = both_client.Generate(SmallRequest(), nullptr);
  ASSERT_TRUE(webm.ok()) << webm.error().ToString();
  EXPECT_EQ(webm->format, "webm");
  EXPECT_EQ(both.server().Requests("/view")[0].params.at("filename"), "rw_clip_00001.webm");
}

// ---- transport ----

TEST(VideoClient, ServerErrorThenSuccess) {
  TempSeries series;
  FakeComfyUi comfy(MakeMp4(), nullptr, {{"/prompt", ErrorReply(503, "loading the model")}});
  VideoProviderSettings settings = SettingsFor(comfy.Url());
  settings.price_per_clip = 0.25;
  VideoClient client(settings, series.root());
  Sleeps sleeps;
  sleeps.Attach(client);
  std::vector<CallRecord> calls;
  auto result = client.Generate(SmallRequest(), &calls);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->format, "mp4");
  EXPECT_EQ(comfy.server().Requests("/prompt").size(), 2u);
  // The backoff first (0.5 s plus up to 25% jitter), then the two polls.
  ASSERT_EQ(sleeps.seconds.size(), 3u);
  EXPECT_GE(sleeps.seconds[0], 0.5);
  EXPECT_LT(sleeps.seconds[0], 0.5 * 1.25 + 1e-9);
  ASSERT_EQ(calls.size(), 5u);  // upload, 503, prompt, history, view
  EXPECT_EQ(calls[1].http_status, 503);
  EXPECT_EQ(calls[1].outcome, "retry: 503");
  EXPECT_EQ(calls[2].attempt, 2);
  EXPECT_EQ(calls[2].outcome, "ok");
  EXPECT_DOUBLE_EQ(calls[4].cost, 0.25);
}

TEST(VideoClient, ServerErrorsUntilRetriesEndFailClearly) {
  TempSeries series;
  FakeMediaServer server([](const MediaRequest&, int) { return ErrorReply(503, "loading the model"); });
  VideoClient client(SettingsFor(server.Url()), series.root());
  Sleeps sleeps;
  sleeps.Attach(client);
  std::vector<CallRecord> calls;
  auto result = client.Generate(SmallRequest(), &calls);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("video server " + server.Url() + " failed 3 times (503, 503, 503) on POST "
                                        "/upload/image"),
            std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("providers.video.max_retries"), std::string::npos);
  EXPECT_EQ(calls.size(), 3u);
}

}  // namespace
}  // namespace rw
