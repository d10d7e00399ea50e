// A client for image servers (providers.images): one prompt in, the PNG bytes of one frame out.
//
// Three protocols (formats of the real servers, kept exactly):
//   openai   POST {base_url}/images/generations {"model","prompt","n":1,"size":"WxH",
//            "response_format":"b64_json"} → {"data":[{"b64_json":…}]}. OpenAI has no negative
//            prompt, so "Avoid: <negative>" is appended to the prompt; it has no seed either.
//   a1111    POST {base_url}/sdapi/v1/txt2img {"prompt","negative_prompt","seed","width","height",
//            "steps","batch_size":1,"n_iter":1} → {"images":[base64]}; with a reference image,
//            /sdapi/v1/img2img with "init_images":[base64] and "denoising_strength". A set
//            settings.model switches the checkpoint through "override_settings".
//   comfyui  the API-format workflow settings.workflow (relative to the series folder) with its
//            marked inputs replaced ("{{prompt}}", "{{negative}}", "{{seed}}", "{{width}}",
//            "{{height}}", "{{reference}}"); the reference uploaded (POST /upload/image,
//            multipart), the workflow queued (POST /prompt), followed (GET /history/<id> every
//            0.5 s, up to settings.timeout_s), and its first image downloaded (GET /view).
//
// Transport, as the chat client's: 429 (Retry-After), 408, 5xx, timeouts and dropped connections
// are retried up to settings.max_retries times per HTTP request with backoff 0.5 s · 2^k (capped
// at 8 s) plus up to 25% jitter; a refused connection fails at once ("cannot reach …"); other 4xx
// fail at once with the server's message and a hint. A 2xx whose body is not what the protocol
// promises (no image, bad base64, not a PNG) fails at once: asking again would get the same.
// Every HTTP attempt is appended to *calls; the successful image's record carries
// price_per_image. ComfyUI history polls that find nothing yet are not recorded (they would
// flood the ledger); the poll that finds the result is, with the whole wait as its latency.
// CallRecord.model is settings.model, or for ComfyUI without one the workflow's file name.
// An empty settings.model is left out of the OpenAI request (the server's default model).
//
// The bytes are checked for the PNG signature only; nothing here decodes images. Never throws;
// never prints. Thread-safe: at most settings.concurrency requests run at once, others wait
// (holding their slot through retry backoff, so a struggling server is not hammered).
// Constructing a client sets SIGPIPE to SIG_IGN process-wide, as ChatClient does.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "providers/chat_client.h"  // CallRecord
#include "schema/settings.h"

namespace rw {

struct ImageRequest {
  std::string prompt, negative_prompt;  // negative empty: settings.negative_prompt
  int width = 1080, height = 1920;
  uint32_t seed = 0;
  std::string reference_png;  // optional PNG bytes: a character or location reference (img2img / ComfyUI {{reference}})
};

class MediaHttp;

class ImageClient {
 public:
  // `series_root` resolves settings.workflow (ComfyUI) relative to the series folder.
  ImageClient(ImageProviderSettings settings, std::filesystem::path series_root);
  ~ImageClient();
  ImageClient(ImageClient&&) noexcept;
  ImageClient& operator=(ImageClient&&) noexcept;

  // PNG bytes, or an error naming the server and what to do. `calls` may be null.
  // Settings and request problems (unknown kind, empty base_url, missing key variable, a
  // workflow without "{{prompt}}") are BadInput; server problems are Failed.
  Result<std::string> Generate(const ImageRequest& request, std::vector<CallRecord>* calls);
  // Replaces std::this_thread::sleep_for for retries and ComfyUI polling. Set before use.
  void SetSleepForTests(std::function<void(double)> sleep);

  const ImageProviderSettings& settings() const { return settings_; }

 private:
  Result<std::string> GenerateOpenAi(const ImageRequest& request, const std::string& key, std::vector<CallRecord>& calls);
  Result<std::string> GenerateA1111(const ImageRequest& request, const std::string& key, std::vector<CallRecord>& calls);
  Result<std::string> GenerateComfy(const nlohmann::json& workflow, const ImageRequest& request, const std::string& key,
                                    std::vector<CallRecord>& calls);
  std::string WorkflowPath() const;
  Result<std::string> AcceptPng(std::string bytes, const std::string& source, std::vector<CallRecord>& calls) const;
  std::string NegativeFor(const ImageRequest& request) const;

  ImageProviderSettings settings_;
  std::filesystem::path series_root_;
  std::unique_ptr<MediaHttp> http_;
};

// Standard base64 (RFC 4648), padded on encode. Decoding skips whitespace, takes missing padding
// and the URL-safe alphabet, and strips a "data:…;base64," prefix; anything else is an error.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

// True when `bytes` start with the 8-byte PNG signature.
bool HasPngSignature(std::string_view bytes);
// What some unexpected bytes are, for an error: "it is empty", "it starts with \"<text>\"" or
// "it starts with bytes 3C 21 44 4F".
std::string DescribeLeadingBytes(std::string_view bytes);
// One part of a multipart/form-data body (RFC 7578): "--boundary", its Content-Disposition
// ("name=\"file\"; filename=\"a.wav\""), its Content-Type when given, then the content.
std::string MultipartPart(const std::string& boundary, const std::string& disposition, const std::string& type,
                          const std::string& content);

// The ComfyUI values the markers of a workflow are replaced by.
struct ComfyInputs {
  std::string prompt, negative;
  uint32_t seed = 0;
  int width = 0, height = 0;
  std::string reference;  // the uploaded image's name; empty: none
};
// Replaces every string value equal to a marker with its typed value (numbers for seed, width
// and height), and "{{prompt}}" / "{{negative}}" inside longer strings by the text. BadInput
// (naming `where`) when it is not an API-format workflow, there is no "{{prompt}}", or
// "{{reference}}" is marked but inputs.reference is empty. Only the nodes' "inputs" are looked at.
Result<nlohmann::json> FillComfyWorkflow(nlohmann::json workflow, const ComfyInputs& inputs, const std::string& where);
// Whether some node input is "{{reference}}" (a reference the workflow has no place for is not uploaded).
bool ComfyWorkflowUsesReference(const nlohmann::json& workflow);

// ---------------------------------------------------------------------------------------------
// ComfyUI's side shared by ImageClient and VideoClient (not meant for other callers).

// One marker of a workflow and what replaces it.
struct ComfyMarker {
  std::string name;      // "{{seed}}"
  nlohmann::json value;  // typed: a number stays a number in the JSON ComfyUI receives
  bool in_text = false;  // also replaced inside longer strings ("cinematic still, {{prompt}}")
};
// Replaces, in every node's "inputs" (recursing into lists and objects), each string equal to a
// marker by its value, and in_text markers inside longer strings by the value's text. Returns the
// names of the markers found. Anything that is not a node with inputs is left alone.
std::set<std::string> ReplaceComfyMarkers(nlohmann::json& workflow, const std::vector<ComfyMarker>& markers);
// The workflow is ComfyUI's API format ({"<id>": {"class_type", "inputs"}, …}); BadInput naming
// `where` otherwise, with a hint for the UI format that points at `setting` (e.g. "providers.images.workflow").
Status CheckComfyWorkflowShape(const nlohmann::json& workflow, const std::string& where, const std::string& setting);
// Reads and checks the workflow file `workflow` (relative to `series_root`, or absolute).
// `setting` and `marker` (the marker it must have) make the hints; every problem is BadInput.
Result<nlohmann::json> LoadComfyWorkflow(const std::filesystem::path& series_root, const std::string& workflow,
                                         const std::string& setting, const std::string& marker);
// The first file listed under outputs.<node>.<one of `lists`>[] of a history entry (nodes in the
// entry's order), saved files ("type": "output") before previews and temp files; files `accept`
// turns down are skipped. Null when there is none.
const nlohmann::json* FirstComfyOutput(const nlohmann::json& entry, const std::vector<std::string>& lists,
                                       const std::function<bool(const nlohmann::json& file)>& accept = nullptr);

// The steps of one ComfyUI run over a client's MediaHttp: upload images (POST /upload/image),
// queue the filled workflow (POST /prompt), follow it (GET /history/<id> every 0.5 s, up to the
// server's timeout_s), download an output (GET /view). Errors name the server, the workflow and
// the setting to change, as MediaHttp's options give them. The caller holds a MediaHttp::Slot.
class ComfyUi {
 public:
  // `workflow` names the workflow file in messages, as the settings give it.
  ComfyUi(MediaHttp& http, std::string workflow);

  // Uploads a PNG named by its content ("<prefix><sha256 prefix>.png", overwriting: the same
  // bytes get the same name) and returns the name the workflow's LoadImage must use.
  Result<std::string> UploadImage(const std::string& png, const std::string& prefix, const std::string& key,
                                  std::vector<CallRecord>& calls);
  // Any input file (a clip for a post-step workflow, a line's WAV for lip-sync) the same way, named
  // "<prefix><sha256 prefix>.<extension>"; ComfyUI keeps it in its input folder, where
  // VHS_LoadVideo and LoadAudio find it.
  Result<std::string> UploadFile(const std::string& bytes, const std::string& prefix, const std::string& extension,
                                 const std::string& mime, const std::string& key, std::vector<CallRecord>& calls);
  // Queues the filled workflow; its prompt_id.
  Result<std::string> QueuePrompt(const nlohmann::json& workflow, const std::string& key, std::vector<CallRecord>& calls);
  // The history entry once the prompt has run; Failed quoting ComfyUI's error if it failed, or on
  // timeout. Polls that find nothing yet are not recorded; the one that finds the entry is, with
  // the whole wait as its latency.
  Result<nlohmann::json> WaitForHistory(const std::string& prompt_id, const std::string& key,
                                        std::vector<CallRecord>& calls);
  // Downloads an output `file` ({"filename", "subfolder", "type"}) with GET /view.
  Result<std::string> Download(const nlohmann::json& file, const std::string& accept, const std::string& key,
                               std::vector<CallRecord>& calls);

 private:
  MediaHttp& http_;
  std::string workflow_;
};

// ---------------------------------------------------------------------------------------------
// The HTTP side shared by ImageClient, SpeechClient and VideoClient (not meant for other
// callers): requests to one server with retries, backoff, a CallRecord per attempt, and a
// counting semaphore.
class MediaHttp {
 public:
  struct Options {
    std::string what;      // "image server", "speech server": how messages name the server
    std::string setting;   // "providers.images": how hints name the settings
    std::string base_url;
    std::string model;     // for the CallRecords
    std::string api_key_env;
    std::string hint_404;  // what to check when the server answers 404
    double timeout_s = 120;
    int max_retries = 3;
    int concurrency = 1;

    // What every provider's settings give the same way (base_url, model where there is one,
    // api_key_env, timeout_s, max_retries, concurrency), with the server's name, setting and
    // 404 hint.
    template <class Settings>
    static Options From(const Settings& s, std::string what, std::string setting, std::string hint_404) {
      Options o;
      o.what = std::move(what);
      o.setting = std::move(setting);
      o.base_url = s.base_url;
      if constexpr (requires { s.model; }) o.model = s.model;
      o.api_key_env = s.api_key_env;
      o.hint_404 = std::move(hint_404);
      o.timeout_s = s.timeout_s;
      o.max_retries = s.max_retries;
      o.concurrency = s.concurrency;
      return o;
    }
  };
  struct Request {
    std::string method = "POST";  // "POST" or "GET"
    std::string path;             // appended to the base URL's path; may carry a query
    std::string content_type = "application/json";
    std::string body;
    std::string accept = "application/json";
  };
  struct Reply {
    int status = 0;
    std::string content_type;
    std::string body;
  };

  explicit MediaHttp(Options options);
  ~MediaHttp();
  MediaHttp(const MediaHttp&) = delete;
  MediaHttp& operator=(const MediaHttp&) = delete;

  // The base URL is usable (BadInput naming the setting otherwise).
  Status CheckUrl() const;
  // The key from $api_key_env, "" when none is named; BadInput when the variable is not set.
  Result<std::string> ApiKey() const;

  // One request with retries: the 2xx reply, or an error. Appends one record per attempt; the
  // 2xx attempt's outcome is "ok" (callers that then find the body wrong call Invalid).
  Result<Reply> Send(const Request& request, const std::string& api_key, std::vector<CallRecord>& calls);
  // Marks calls.back() failed and returns Failed("<what> <base_url> <problem>").
  Error Invalid(std::vector<CallRecord>& calls, const std::string& problem) const;

  // Holds one of the `concurrency` slots while alive.
  class Slot {
   public:
    explicit Slot(MediaHttp& http);
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    MediaHttp& http_;
  };

  void SetSleep(std::function<void(double)> sleep);
  void Sleep(double seconds) const { sleep_(seconds); }
  const Options& options() const { return options_; }

 private:
  double BackoffSeconds(int retry_index);
  void Acquire();
  void Release();

  struct State;  // the semaphore and the jitter generator, behind a lock
  Options options_;
  std::unique_ptr<State> state_;
  std::function<void(double)> sleep_;
};

// The server's message in an error body: OpenAI's error.message, ComfyUI's error.message with
// its node_errors, FastAPI's detail (A1111), else the body itself; shortened.
std::string MediaServerMessage(const std::string& body);

}  // namespace rw
