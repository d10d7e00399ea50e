#include "providers/video_client.h"

#include <exception>
#include <set>
#include <utility>

#include "base/text.h"
#include "providers/image_client.h"  // MediaHttp and the ComfyUi steps, shared with the image client

namespace rw {

namespace {

constexpr char kSetting[] = "providers.video";
constexpr char kWorkflowSetting[] = "providers.video.workflow";
constexpr char kFirstFrame[] = "{{first_frame}}";
constexpr char kLastFrame[] = "{{last_frame}}";
constexpr char kClip[] = "{{clip}}";
constexpr char kVoice[] = "{{voice}}";
// What to tell a creator whose workflow saves no clip we can use.
constexpr char kVideoNodesHint[] =
    "save the clip with VHS_VideoCombine (format video/h264-mp4), SaveWEBM or SaveAnimatedWEBP";

std::string Kind(const VideoProviderSettings& settings) { return ToLowerAscii(Trim(settings.kind)); }

MediaHttp::Options VideoHttpOptions(const VideoProviderSettings& s) {
  MediaHttp::Options o = MediaHttp::Options::From(
      s, "video server", kSetting, "check providers.video.base_url (ComfyUI's root, e.g. http://127.0.0.1:8188)");
  o.model = std::filesystem::path(s.workflow).filename().string();  // the workflow is the model
  return o;
}

std::vector<ComfyMarker> VideoMarkers(const ComfyVideoInputs& in) {
  const std::string& last = in.last_frame.empty() ? in.first_frame : in.last_frame;
  return {{kFirstFrame, in.first_frame, false}, {kLastFrame, last, false},         {kClip, in.clip, false},
          {kVoice, in.voice, false},            {"{{frames}}", in.frames, false},
          {"{{fps}}", in.fps, false},           {"{{seed}}", in.seed, false},      {"{{width}}", in.width, false},
          {"{{height}}", in.height, false},     {"{{prompt}}", in.prompt, true},   {"{{negative}}", in.negative, true}};
}

// A file ComfyUI lists among images[] that is named like a clip, not a still.
bool NamedLikeAClip(const nlohmann::json& file) {
  static const std::set<std::string> kExtensions = {".mp4", ".mov", ".m4v", ".webm", ".mkv", ".gif", ".webp"};
  std::string ext = ToLowerAscii(std::filesystem::path(file["filename"].get<std::string>()).extension().string());
  return kExtensions.count(ext) > 0;
}

// What some bytes that should have been a clip are, for the error.
std::string DescribeNonClip(const std::string& bytes) {
  if (HasPngSignature(bytes)) return std::string("it is a PNG, a still image; ") + kVideoNodesHint;
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xFF\xD8\xFF") == 0)
    return std::string("it is a JPEG, a still image; ") + kVideoNodesHint;
  return DescribeLeadingBytes(bytes);
}

Status CheckFrame(const std::string& png, const char* which) {
  if (png.empty()) return BadInput("", std::string("a video request needs the ") + which + " (PNG bytes); this one has none");
  if (!HasPngSignature(png)) return BadInput("", std::string("the ") + which + " is not a PNG (" + DescribeLeadingBytes(png) + ")");
  return {};
}

// Whether some node input of `workflow` is `marker`.
bool Marks(const nlohmann::json& workflow, const char* marker) {
  nlohmann::json copy = workflow;
  return ReplaceComfyMarkers(copy, {{marker, "", false}}).count(marker) > 0;
}

Status CheckRequest(const VideoRequest& r, const nlohmann::json& workflow) {
  if (Marks(workflow, kFirstFrame)) RW_TRY(CheckFrame(r.first_frame_png, "first frame"));
  if (Marks(workflow, kClip) && VideoContainerOf(r.clip_mp4).empty())
    return BadInput("", "the workflow takes a clip (\"{{clip}}\") and this request has none");
  if (Marks(workflow, kVoice) && r.voice_wav.compare(0, 4, "RIFF") != 0)
    return BadInput("", "the workflow takes a line's voice (\"{{voice}}\") and this request has no WAV");
  if (!r.last_frame_png.empty()) RW_TRY(CheckFrame(r.last_frame_png, "last frame"));
  if (r.width <= 0 || r.height <= 0 || r.fps <= 0 || r.frames <= 0)
    return BadInput("", "a video request needs a positive size, fps and frame count, got " + std::to_string(r.width) +
                            "x" + std::to_string(r.height) + " at " + std::to_string(r.fps) + " fps, " +
                            std::to_string(r.frames) + " frames");
  return {};
}

}  // namespace

std::string VideoContainerOf(std::string_view bytes) {
  if (bytes.size() >= 12 && bytes.substr(4, 4) == "ftyp") return "mp4";
  if (bytes.size() >= 4 && bytes.substr(0, 4) == "\x1A\x45\xDF\xA3") return "webm";
  if (bytes.size() >= 6 && bytes.substr(0, 4) == "GIF8") return "gif";
  if (bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP") return "webp";
  return "";
}

Result<nlohmann::json> FillComfyVideoWorkflow(nlohmann::json workflow, const ComfyVideoInputs& inputs,
                                              const std::string& where) {
  RW_TRY(CheckComfyWorkflowShape(workflow, where, kWorkflowSetting));
  std::set<std::string> found = ReplaceComfyMarkers(workflow, VideoMarkers(inputs));
  if (!found.count(kFirstFrame) && !found.count(kClip))
    return BadInput(where, "marks no input \"{{first_frame}}\" or \"{{clip}}\"; set the image of the LoadImage node that "
                           "feeds the image-to-video model (e.g. WanImageToVideo's start_image) to \"{{first_frame}}\" so "
                           "each shot's frame goes there, or, for a step after the clips, the video of VHS_LoadVideo to "
                           "\"{{clip}}\"");
  return workflow;
}

bool ComfyWorkflowUsesLastFrame(const nlohmann::json& workflow) { return Marks(workflow, kLastFrame); }

Result<bool> VideoClient::NeedsVoice() const {
  RW_ASSIGN(nlohmann::json workflow, LoadComfyWorkflow(series_root_, settings_.workflow, kWorkflowSetting, kFirstFrame));
  return Marks(workflow, kVoice);
}

VideoClient::VideoClient(VideoProviderSettings settings, std::filesystem::path series_root)
    : settings_(std::move(settings)),
      series_root_(std::move(series_root)),
      http_(std::make_unique<MediaHttp>(VideoHttpOptions(settings_))) {}

VideoClient::~VideoClient() = default;
VideoClient::VideoClient(VideoClient&&) noexcept = default;
VideoClient& VideoClient::operator=(VideoClient&&) noexcept = default;

void VideoClient::SetSleepForTests(std::function<void(double)> sleep) { http_->SetSleep(std::move(sleep)); }

std::string VideoClient::WorkflowPath() const { return (series_root_ / settings_.workflow).string(); }

Result<VideoClient::Clip> VideoClient::Generate(const VideoRequest& request, std::vector<CallRecord>* calls) {
  std::vector<CallRecord> local_calls;
  std::vector<CallRecord>& records = calls ? *calls : local_calls;
  try {
    // Everything that is the creator's or the caller's to fix is checked before waiting for a slot.
    if (Kind(settings_) != "comfyui")
      return BadInput("reelwright.yaml", "providers.video.kind '" + settings_.kind +
                                             "' has no server client; use comfyui (empty: the built-in motion over the frame)");
    RW_TRY(http_->CheckUrl());
    RW_ASSIGN(std::string key, http_->ApiKey());
    RW_ASSIGN(nlohmann::json workflow, LoadComfyWorkflow(series_root_, settings_.workflow, kWorkflowSetting, kFirstFrame));
    ComfyVideoInputs probe;
    probe.first_frame = "probe";
    RW_TRY(FillComfyVideoWorkflow(workflow, probe, WorkflowPath()));
    RW_TRY(CheckRequest(request, workflow));

    MediaHttp::Slot slot(*http_);
    return GenerateComfy(workflow, request, key, records);
  } catch (const std::exception& e) {
    return Failed(std::string("video request failed: ") + e.what(), settings_.base_url);
  } catch (...) {
    return Failed("video request failed (unknown exception)", settings_.base_url);
  }
}

Result<VideoClient::Clip> VideoClient::GenerateComfy(const nlohmann::json& workflow, const VideoRequest& request,
                                                     const std::string& key, std::vector<CallRecord>& calls) {
  ComfyUi comfy(*http_, settings_.workflow);
  ComfyVideoInputs inputs;
  if (Marks(workflow, kFirstFrame)) {
    RW_ASSIGN(inputs.first_frame, comfy.UploadImage(request.first_frame_png, "rw_frame_", key, calls));
  }
  if (Marks(workflow, kClip)) {
    RW_ASSIGN(inputs.clip, comfy.UploadFile(request.clip_mp4, "rw_clip_", VideoContainerOf(request.clip_mp4), "video/mp4", key, calls));
  }
  if (Marks(workflow, kVoice)) {
    RW_ASSIGN(inputs.voice, comfy.UploadFile(request.voice_wav, "rw_voice_", "wav", "audio/wav", key, calls));
  }
  if (!request.last_frame_png.empty() && ComfyWorkflowUsesLastFrame(workflow)) {
    RW_ASSIGN(inputs.last_frame, comfy.UploadImage(request.last_frame_png, "rw_frame_", key, calls));
  }
  inputs.prompt = request.prompt;
  inputs.negative = request.negative_prompt.empty() ? settings_.negative_prompt : request.negative_prompt;
  inputs.width = request.width;
  inputs.height = request.height;
  inputs.fps = request.fps;
  inputs.frames = request.frames;
  inputs.seed = request.seed;
  RW_ASSIGN(nlohmann::json filled, FillComfyVideoWorkflow(workflow, inputs, WorkflowPath()));
  RW_ASSIGN(std::string prompt_id, comfy.QueuePrompt(filled, key, calls));
  RW_ASSIGN(nlohmann::json entry, comfy.WaitForHistory(prompt_id, key, calls));

  const nlohmann::json* file = FirstComfyOutput(entry, {"gifs", "videos"});
  if (!file) file = FirstComfyOutput(entry, {"images"}, NamedLikeAClip);
  if (!file) file = FirstComfyOutput(entry, {"images"});  // a still: downloaded so the error can say so
  if (!file)
    return http_->Invalid(calls, "finished prompt " + prompt_id + " without a clip in its outputs; in the workflow " +
                                     settings_.workflow + ", " + kVideoNodesHint);
  const std::string filename = (*file)["filename"].get<std::string>();
  RW_ASSIGN(std::string bytes, comfy.Download(*file, "video/*, image/*", key, calls));
  std::string format = VideoContainerOf(bytes);
  if (format.empty()) return http_->Invalid(calls, "sent " + filename + ", which is not a video: " + DescribeNonClip(bytes));
  calls.back().cost = settings_.price_per_clip;
  return Clip{std::move(bytes), std::move(format)};
}

}  // namespace rw
