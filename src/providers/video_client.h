// A client for video servers (providers.video): a shot's frame (and optionally the next shot's)
// in, the bytes of one short clip out.
//
// One protocol, kind "comfyui": the image-to-video API-format workflow settings.workflow
// (relative to the series folder) with its marked inputs replaced — string values equal to
//   "{{first_frame}}"  the uploaded first frame's name
//   "{{last_frame}}"   the uploaded last frame's name; the first frame's when the request has none
//   "{{clip}}"         the uploaded clip's name ("rw_clip_<hash>.mp4"), for a post-step workflow
//                      that takes a shot's clip (frame interpolation, matting, stylization, lip-sync)
//   "{{voice}}"        the uploaded WAV of the line spoken over the shot ("rw_voice_<hash>.wav"),
//                      for lip-sync; a request without one leaves a workflow that marks it unrun
//                      (VideoClient::NeedsVoice tells the caller to pass the clip through)
// A workflow must mark "{{first_frame}}" or "{{clip}}" (else BadInput), and the request must carry
// what it marks.
//   "{{frames}}", "{{fps}}", "{{seed}}", "{{width}}", "{{height}}"  numbers
//   "{{prompt}}", "{{negative}}"  text, also inside longer strings ("cinematic, {{prompt}}")
// — then the frames uploaded (POST /upload/image, multipart, named by content "rw_frame_<hash>.png"),
// the workflow queued (POST /prompt), followed (GET /history/<id> every 0.5 s, up to
// settings.timeout_s) and its clip downloaded (GET /view?filename=&subfolder=&type=). The clip is
// the first file under outputs.<node>.gifs[] (VideoHelperSuite's VHS_VideoCombine, whatever its
// "format") or .videos[], else under .images[] (SaveWEBM, SaveAnimatedWEBP, SaveVideo), where a
// file named like a video (.mp4 .mov .webm .mkv .gif .webp) comes before others; saved files
// ("type": "output") before previews. A last frame the workflow has no place for is not uploaded.
//
// The clip is checked by its signature only (nothing here decodes video): MP4/MOV ("ftyp" at
// offset 4) → "mp4", Matroska/WebM (1A 45 DF A3) → "webm", "GIF8" → "gif", "RIFF"…"WEBP" → "webp".
// Anything else (a PNG because the workflow saves stills, an HTML error page) fails clearly,
// without a retry. Decoding, scaling and frame rate are post/conform.h's job (ConformClip).
//
// Transport, retries, hints and CallRecords as in image_client.h (MediaHttp and the ComfyUi steps
// shared with the image client): 429/408/5xx, timeouts and dropped connections retried up to
// settings.max_retries times per HTTP request with backoff; every attempt recorded; the
// download's record carries price_per_clip when the clip is good. CallRecord.model is the
// workflow's file name. Never throws; never prints. Thread-safe: at most settings.concurrency
// requests run at once, others wait. Sets SIGPIPE to SIG_IGN process-wide, as ImageClient does.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "providers/chat_client.h"  // CallRecord
#include "schema/settings.h"

namespace rw {

struct VideoRequest {
  std::string first_frame_png;          // the shot's frame (an image-to-video workflow)
  std::string clip_mp4;                 // the shot's clip (a post-step workflow)
  std::string voice_wav;                // the line spoken over the shot (a lip-sync workflow)
  std::string last_frame_png;           // optional: the next shot's frame
  std::string prompt, negative_prompt;  // negative empty: settings.negative_prompt
  int width = 1080, height = 1920, fps = 30, frames = 150;
  uint32_t seed = 0;
};

class MediaHttp;

class VideoClient {
 public:
  // `series_root` resolves settings.workflow relative to the series folder.
  VideoClient(VideoProviderSettings settings, std::filesystem::path series_root);
  ~VideoClient();
  VideoClient(VideoClient&&) noexcept;
  VideoClient& operator=(VideoClient&&) noexcept;

  // The clip's bytes as the workflow saved them and its container: "mp4", "webm", "gif" or "webp".
  struct Clip {
    std::string bytes;
    std::string format;
  };
  // The clip, or an error naming the server and what to do. `calls` may be null. Settings and
  // request problems (kind other than comfyui, empty base_url or workflow, a workflow without
  // "{{first_frame}}", a missing key variable, a frame that is not a PNG) are BadInput; server
  // problems are Failed.
  Result<Clip> Generate(const VideoRequest& request, std::vector<CallRecord>* calls);
  // Replaces std::this_thread::sleep_for for retries and ComfyUI polling. Set before use.
  void SetSleepForTests(std::function<void(double)> sleep);

  const VideoProviderSettings& settings() const { return settings_; }
  // Whether the workflow marks "{{voice}}": a lip-sync step, run only on shots with a line.
  Result<bool> NeedsVoice() const;

 private:
  Result<Clip> GenerateComfy(const nlohmann::json& workflow, const VideoRequest& request, const std::string& key,
                             std::vector<CallRecord>& calls);
  std::string WorkflowPath() const;

  VideoProviderSettings settings_;
  std::filesystem::path series_root_;
  std::unique_ptr<MediaHttp> http_;
};

// The container of a clip by its signature: "mp4" (MP4, MOV and other ISO media files), "webm"
// (WebM and Matroska), "gif", "webp"; "" when it is none of these.
std::string VideoContainerOf(std::string_view bytes);

// The ComfyUI values the markers of a video workflow are replaced by.
struct ComfyVideoInputs {
  std::string first_frame, last_frame;  // uploaded names; an empty last_frame takes the first's
  std::string clip, voice;              // uploaded names
  std::string prompt, negative;
  int width = 0, height = 0, fps = 0, frames = 0;
  uint32_t seed = 0;
};
// The workflow with every marker replaced (see the top of this file). BadInput (naming `where`)
// when it is not an API-format workflow or marks neither "{{first_frame}}" nor "{{clip}}".
Result<nlohmann::json> FillComfyVideoWorkflow(nlohmann::json workflow, const ComfyVideoInputs& inputs,
                                              const std::string& where);
// Whether some node input is "{{last_frame}}" (a last frame the workflow has no place for is not uploaded).
bool ComfyWorkflowUsesLastFrame(const nlohmann::json& workflow);

}  // namespace rw
