#include "providers/image_client.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include <httplib.h>

#include "base/file.h"
#include "base/hash.h"
#include "base/rng.h"
#include "base/text.h"
#include "providers/base_url.h"
#include "providers/http.h"

namespace rw {

namespace {

constexpr double kBackoffBaseSeconds = 0.5;
constexpr double kBackoffCapSeconds = 8;
constexpr double kJitterFraction = 0.25;
constexpr double kComfyPollSeconds = 0.5;
constexpr char kPngSignature[] = "\x89PNG\r\n\x1a\n";

// One request; never throws.
HttpAttempt Perform(const BaseUrl& url, const std::string& path, const MediaHttp::Request& request,
                    const std::string& api_key, double timeout_s) {
  httplib::Request req;
  req.method = request.method;
  req.path = path;
  req.headers = {{"Accept", request.accept}};
  if (request.method != "GET") req.headers.emplace("Content-Type", request.content_type);
  if (!api_key.empty()) req.headers.emplace("Authorization", "Bearer " + api_key);
  req.body = request.body;
  return SendHttp(url, std::move(req), timeout_s, /*url_encode=*/false);  // queries are percent-encoded here (UrlEncode)
}

// Percent-encodes everything but RFC 3986 unreserved characters, for query values.
std::string UrlEncode(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

MediaHttp::Request JsonPost(std::string path, const nlohmann::json& body) {
  MediaHttp::Request r;
  r.path = std::move(path);
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

nlohmann::json ParseObject(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : nlohmann::json();
}

std::string StringAt(const nlohmann::json& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_string()) return j[key].get<std::string>();
  return {};
}

// What some bytes that should have been a PNG are, for the error.
std::string DescribeBytes(const std::string& bytes) {
  if (bytes.empty()) return "it is empty";
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xFF\xD8\xFF") == 0)
    return "it is a JPEG; set the server to save PNG images";
  if (bytes.size() >= 12 && bytes.compare(0, 4, "RIFF") == 0 && bytes.compare(8, 4, "WEBP") == 0)
    return "it is a WebP; set the server to save PNG images";
  return DescribeLeadingBytes(bytes);
}

// ---- ComfyUI ---------------------------------------------------------------------------------

// "node 3 (KSampler): RuntimeError: CUDA out of memory" from a history entry's messages.
std::string ComfyExecutionError(const nlohmann::json& status) {
  std::string out;
  if (status.contains("messages") && status["messages"].is_array()) {
    for (const auto& message : status["messages"]) {
      if (!message.is_array() || message.size() < 2 || !message[0].is_string()) continue;
      const std::string type = message[0].get<std::string>();
      const auto& data = message[1];
      if (type == "execution_error") {
        std::string node = StringAt(data, "node_id");
        std::string node_type = StringAt(data, "node_type");
        std::string exception = StringAt(data, "exception_type");
        std::string text = StringAt(data, "exception_message");
        if (!node.empty()) out += "node " + node + (node_type.empty() ? "" : " (" + node_type + ")") + ": ";
        if (!exception.empty()) out += exception + ": ";
        out += Trim(text);
      } else if (type == "execution_interrupted") {
        out += "the run was interrupted (someone pressed Cancel or the server stopped it)";
      }
    }
  }
  return out.empty() ? std::string("status error without a message") : ShortenText(out);
}

}  // namespace

std::string MultipartPart(const std::string& boundary, const std::string& disposition, const std::string& type,
                          const std::string& content) {
  std::string part = "--" + boundary + "\r\nContent-Disposition: form-data; " + disposition + "\r\n";
  if (!type.empty()) part += "Content-Type: " + type + "\r\n";
  return part + "\r\n" + content + "\r\n";
}

// ---- base64 and PNG --------------------------------------------------------------------------

std::string Base64Encode(std::string_view bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                 static_cast<uint8_t>(bytes[i + 2]);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], kAlphabet[v & 63]};
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  // Some servers send a data URL ("data:image/png;base64,…").
  if (text.substr(0, 5) == "data:") {
    size_t comma = text.find(',');
    if (comma == std::string_view::npos || text.substr(0, comma).find(";base64") == std::string_view::npos)
      return Failed("a data URL without ;base64");
    text.remove_prefix(comma + 1);
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t count = 0;
  bool padding = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    else if (c == '=') { padding = true; continue; }
    else {
      char shown[16];
      std::snprintf(shown, sizeof shown, (c >= 0x20 && c < 0x7F) ? "'%c'" : "byte 0x%02X", static_cast<unsigned char>(c));
      return Failed(std::string("not base64: ") + shown + " at offset " + std::to_string(i));
    }
    if (padding) return Failed("not base64: data after '=' padding at offset " + std::to_string(i));
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    ++count;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (count % 4 == 1) return Failed("not base64: its length is impossible (truncated?)");
  return out;
}

bool HasPngSignature(std::string_view bytes) { return bytes.substr(0, 8) == std::string_view(kPngSignature, 8); }

std::string DescribeLeadingBytes(std::string_view bytes) {
  if (bytes.empty()) return "it is empty";
  std::string head = Trim(std::string(bytes.substr(0, 200)));
  bool text = std::all_of(head.begin(), head.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\r' || c == '\t';
  });
  if (text) return "it starts with \"" + ShortenText(head, 120) + "\"";
  char buf[64];
  std::snprintf(buf, sizeof buf, "it starts with bytes %02X %02X %02X %02X", static_cast<unsigned char>(bytes[0]),
                bytes.size() > 1 ? static_cast<unsigned char>(bytes[1]) : 0,
                bytes.size() > 2 ? static_cast<unsigned char>(bytes[2]) : 0,
                bytes.size() > 3 ? static_cast<unsigned char>(bytes[3]) : 0);
  return buf;
}

// ---- ComfyUI workflow markers ----------------------------------------------------------------

namespace {

// Replaces markers in one input value (recursing into lists, which ComfyUI uses for links).
void ReplaceIn(nlohmann::json& value, const std::vector<ComfyMarker>& markers, std::set<std::string>& found) {
  if (value.is_array() || value.is_object()) {
    for (auto& child : value) ReplaceIn(child, markers, found);
    return;
  }
  if (!value.is_string()) return;
  const std::string text = value.get<std::string>();
  for (const auto& marker : markers) {
    if (text == marker.name) {
      value = marker.value;
      found.insert(marker.name);
      return;
    }
  }
  // "cinematic still, {{prompt}}": creators often wrap the prompt in a style of their own.
  std::string replaced = text;
  for (const auto& marker : markers) {
    if (!marker.in_text || replaced.find(marker.name) == std::string::npos) continue;
    found.insert(marker.name);
    replaced = ReplaceAll(replaced, marker.name, marker.value.is_string() ? marker.value.get<std::string>() : marker.value.dump());
  }
  if (replaced != text) value = replaced;
}

std::vector<ComfyMarker> ImageMarkers(const ComfyInputs& in) {
  return {{"{{prompt}}", in.prompt, true},   {"{{negative}}", in.negative, true}, {"{{seed}}", in.seed, false},
          {"{{width}}", in.width, false},    {"{{height}}", in.height, false},    {"{{reference}}", in.reference, false}};
}

}  // namespace

std::set<std::string> ReplaceComfyMarkers(nlohmann::json& workflow, const std::vector<ComfyMarker>& markers) {
  std::set<std::string> found;
  if (!workflow.is_object()) return found;
  for (auto& node : workflow)
    if (node.is_object() && node.contains("inputs") && node["inputs"].is_object()) ReplaceIn(node["inputs"], markers, found);
  return found;
}

Status CheckComfyWorkflowShape(const nlohmann::json& workflow, const std::string& where, const std::string& setting) {
  if (workflow.is_object() && workflow.contains("nodes") && workflow.contains("links"))
    return BadInput(where, "is a ComfyUI UI workflow, not the API format; in ComfyUI use Workflow > Export (API) "
                           "(or 'Save (API Format)' with dev mode on) and point " + setting + " at that file");
  if (!workflow.is_object() || workflow.empty())
    return BadInput(where, "is not a ComfyUI API-format workflow (expected an object of nodes: "
                           "{\"3\": {\"class_type\": …, \"inputs\": {…}}, …})");
  for (const auto& [id, node] : workflow.items()) {
    if (!node.is_object() || !node.contains("class_type") || !node.contains("inputs") || !node["inputs"].is_object())
      return BadInput(where, "node \"" + id + "\" has no class_type and inputs; export the workflow in API format");
  }
  return {};
}

Result<nlohmann::json> LoadComfyWorkflow(const std::filesystem::path& series_root, const std::string& workflow,
                                         const std::string& setting, const std::string& marker) {
  if (Trim(workflow).empty())
    return BadInput("reelwright.yaml", setting + " is empty; kind comfyui needs an API-format workflow file (relative "
                                                 "to the series folder) with \"" + marker + "\" marked");
  std::filesystem::path path = series_root / workflow;  // an absolute workflow stays absolute
  auto text = ReadFile(path);
  if (!text.ok()) return BadInput(path.string(), "cannot read the ComfyUI workflow (" + setting + "): " + text.error().message);
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return BadInput(path.string(), "the ComfyUI workflow is not valid JSON");
  RW_TRY(CheckComfyWorkflowShape(json, path.string(), setting));
  return json;
}

const nlohmann::json* FirstComfyOutput(const nlohmann::json& entry, const std::vector<std::string>& lists,
                                       const std::function<bool(const nlohmann::json& file)>& accept) {
  if (!entry.contains("outputs") || !entry["outputs"].is_object()) return nullptr;
  const nlohmann::json* any = nullptr;
  for (const auto& [node, output] : entry["outputs"].items()) {
    if (!output.is_object()) continue;
    for (const auto& list : lists) {
      if (!output.contains(list) || !output[list].is_array()) continue;
      for (const auto& file : output[list]) {
        if (!file.is_object() || StringAt(file, "filename").empty() || (accept && !accept(file))) continue;
        if (StringAt(file, "type") == "output") return &file;
        if (!any) any = &file;
      }
    }
  }
  return any;
}

Result<nlohmann::json> FillComfyWorkflow(nlohmann::json workflow, const ComfyInputs& inputs, const std::string& where) {
  RW_TRY(CheckComfyWorkflowShape(workflow, where, "providers.images.workflow"));
  std::set<std::string> found = ReplaceComfyMarkers(workflow, ImageMarkers(inputs));
  if (!found.count("{{prompt}}"))
    return BadInput(where, "marks no input \"{{prompt}}\"; set the positive prompt's text (e.g. a CLIPTextEncode "
                           "node's \"text\") to \"{{prompt}}\" so each frame's prompt goes there");
  if (found.count("{{reference}}") && inputs.reference.empty())
    return BadInput(where, "marks \"{{reference}}\" but this frame has no reference image; give the character or "
                           "location a reference, or use a workflow without \"{{reference}}\"");
  return workflow;
}

bool ComfyWorkflowUsesReference(const nlohmann::json& workflow) {
  nlohmann::json copy = workflow;
  return ReplaceComfyMarkers(copy, {{"{{reference}}", "", false}}).count("{{reference}}") > 0;
}

// ---- ComfyUi ---------------------------------------------------------------------------------

ComfyUi::ComfyUi(MediaHttp& http, std::string workflow) : http_(http), workflow_(std::move(workflow)) {}

Result<std::string> ComfyUi::UploadImage(const std::string& png, const std::string& prefix, const std::string& key,
                                         std::vector<CallRecord>& calls) {
  return UploadFile(png, prefix, "png", "image/png", key, calls);
}

Result<std::string> ComfyUi::UploadFile(const std::string& bytes, const std::string& prefix, const std::string& extension,
                                        const std::string& mime, const std::string& key, std::vector<CallRecord>& calls) {
  // Named by content: the same file uploads to the same name, and overwriting it is harmless.
  const std::string digest = Sha256Hex(bytes);
  const std::string filename = prefix + digest.substr(0, 16) + "." + extension;
  const std::string boundary = "----reelwright" + digest.substr(16, 24);
  MediaHttp::Request upload;
  upload.path = "/upload/image";
  upload.content_type = "multipart/form-data; boundary=" + boundary;
  upload.body = MultipartPart(boundary, "name=\"image\"; filename=\"" + filename + "\"", mime, bytes) +
                MultipartPart(boundary, "name=\"overwrite\"", "", "true") +
                MultipartPart(boundary, "name=\"type\"", "", "input") + "--" + boundary + "--\r\n";
  RW_ASSIGN(MediaHttp::Reply reply, http_.Send(upload, key, calls));
  nlohmann::json j = ParseObject(reply.body);
  std::string name = StringAt(j, "name");
  if (name.empty()) return http_.Invalid(calls, "answered the upload of " + filename + " without a name: " + ShortenText(Trim(reply.body), 200));
  std::string subfolder = StringAt(j, "subfolder");
  return subfolder.empty() ? name : subfolder + "/" + name;
}

Result<std::string> ComfyUi::QueuePrompt(const nlohmann::json& workflow, const std::string& key,
                                         std::vector<CallRecord>& calls) {
  nlohmann::json body = {{"prompt", workflow}, {"client_id", "reelwright"}};
  RW_ASSIGN(MediaHttp::Reply reply, http_.Send(JsonPost("/prompt", body), key, calls));
  nlohmann::json j = ParseObject(reply.body);
  std::string id = StringAt(j, "prompt_id");
  if (id.empty()) return http_.Invalid(calls, "queued the workflow without a prompt_id: " + ShortenText(Trim(reply.body), 200));
  return id;
}

Result<nlohmann::json> ComfyUi::WaitForHistory(const std::string& prompt_id, const std::string& key,
                                               std::vector<CallRecord>& calls) {
  const MediaHttp::Options& o = http_.options();
  MediaHttp::Request poll;
  poll.method = "GET";
  poll.path = "/history/" + UrlEncode(prompt_id);
  double waited = 0;
  for (int polls = 1;; ++polls) {
    std::vector<CallRecord> attempts;
    auto reply = http_.Send(poll, key, attempts);
    if (attempts.empty()) return reply.ok() ? Result<nlohmann::json>(Failed("history poll sent nothing")) : reply.error();
    for (const auto& a : attempts) waited += a.latency_s;
    // Retried attempts are worth a ledger line; a poll that found nothing yet is not.
    calls.insert(calls.end(), attempts.begin(), attempts.end() - 1);
    CallRecord last = attempts.back();
    if (!reply.ok()) {
      calls.push_back(last);
      return reply.error();
    }
    nlohmann::json j = nlohmann::json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
      calls.push_back(last);
      return http_.Invalid(calls, "sent a history that is not a JSON object: " + ShortenText(Trim(reply->body), 200));
    }
    if (j.contains(prompt_id) && j[prompt_id].is_object()) {
      last.latency_s = waited;  // the whole wait for the result
      calls.push_back(last);
      const nlohmann::json& entry = j[prompt_id];
      if (entry.contains("status") && entry["status"].is_object() && StringAt(entry["status"], "status_str") == "error")
        return http_.Invalid(calls, "could not run the workflow " + workflow_ + " (prompt " + prompt_id +
                                        "): " + ComfyExecutionError(entry["status"]) +
                                        "; fix the workflow or see the ComfyUI console");
      return entry;
    }
    if (waited + kComfyPollSeconds > o.timeout_s) {
      last.latency_s = waited;
      last.outcome = "failed: timeout (not done after " + std::to_string(polls) + " polls)";
      calls.push_back(last);
      return Failed(o.what + " " + o.base_url + " (ComfyUI) had not finished prompt " + prompt_id + " after " +
                    SecondsText(o.timeout_s) + " s; raise " + o.setting + ".timeout_s if the workflow is slow, or "
                    "check the ComfyUI queue");
    }
    http_.Sleep(kComfyPollSeconds);
    waited += kComfyPollSeconds;
  }
}

Result<std::string> ComfyUi::Download(const nlohmann::json& file, const std::string& accept, const std::string& key,
                                      std::vector<CallRecord>& calls) {
  MediaHttp::Request view;
  view.method = "GET";
  view.accept = accept;
  view.path = "/view?filename=" + UrlEncode(StringAt(file, "filename")) +
              "&subfolder=" + UrlEncode(StringAt(file, "subfolder")) + "&type=" + UrlEncode(StringAt(file, "type"));
  RW_ASSIGN(MediaHttp::Reply reply, http_.Send(view, key, calls));
  return std::move(reply.body);
}

// ---- MediaHttp -------------------------------------------------------------------------------

struct MediaHttp::State {
  std::mutex mutex;
  std::condition_variable freed;
  int free_slots = 1;
  Rng rng{0};
};

MediaHttp::MediaHttp(Options options)
    : options_(std::move(options)),
      state_(std::make_unique<State>()),
      sleep_([](double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }) {
  state_->free_slots = std::max(1, options_.concurrency);
  // Jitter seeded by the server and model, so two runs sleep alike.
  state_->rng = Rng(StableHash64(options_.base_url + "|" + options_.model));
  // A server that closes the socket while we write must give an error, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
}

MediaHttp::~MediaHttp() = default;

void MediaHttp::SetSleep(std::function<void(double)> sleep) { sleep_ = std::move(sleep); }

MediaHttp::Slot::Slot(MediaHttp& http) : http_(http) { http_.Acquire(); }
MediaHttp::Slot::~Slot() { http_.Release(); }

void MediaHttp::Acquire() {
  std::unique_lock<std::mutex> lock(state_->mutex);
  state_->freed.wait(lock, [&] { return state_->free_slots > 0; });
  --state_->free_slots;
}

void MediaHttp::Release() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    ++state_->free_slots;
  }
  state_->freed.notify_one();
}

double MediaHttp::BackoffSeconds(int retry_index) {
  double delay = std::min(kBackoffCapSeconds, kBackoffBaseSeconds * std::pow(2.0, retry_index));
  std::lock_guard<std::mutex> lock(state_->mutex);
  return delay + state_->rng.Unit() * kJitterFraction * delay;
}

Status MediaHttp::CheckUrl() const {
  const std::string setting = options_.setting + ".base_url";
  if (Trim(options_.base_url).empty())
    return BadInput("reelwright.yaml", setting + " is empty; set the " + options_.what + "'s URL");
  RW_ASSIGN(BaseUrl url, ParseBaseUrl(options_.base_url, setting));
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
  if (url.scheme == "https")
    return BadInput("reelwright.yaml", setting + ": https needs cpp-httplib built with OpenSSL "
                                                 "(CPPHTTPLIB_OPENSSL_SUPPORT); use an http:// server or rebuild with it");
#endif
  return {};
}

Result<std::string> MediaHttp::ApiKey() const {
  if (options_.api_key_env.empty()) return std::string();
  const char* value = std::getenv(options_.api_key_env.c_str());
  if (!value || !*value)
    return BadInput("reelwright.yaml", options_.setting + ".api_key_env names the environment variable " +
                                           options_.api_key_env + ", which is not set; export " + options_.api_key_env +
                                           "=<key> (keys never go in the series folder)");
  return std::string(value);
}

Error MediaHttp::Invalid(std::vector<CallRecord>& calls, const std::string& problem) const {
  if (!calls.empty()) {
    calls.back().outcome = "failed: " + ShortenText(problem, 120);
    calls.back().cost = 0;
  }
  return Failed(options_.what + " " + options_.base_url + " " + problem);
}

Result<MediaHttp::Reply> MediaHttp::Send(const Request& request, const std::string& api_key,
                                         std::vector<CallRecord>& calls) {
  RW_TRY(CheckUrl());
  RW_ASSIGN(BaseUrl url, ParseBaseUrl(options_.base_url, options_.setting + ".base_url"));
  const std::string path = url.path + request.path;
  const std::string server = options_.what + " " + options_.base_url;
  const int max_retries = std::max(0, options_.max_retries);
  std::string last_failure;
  std::vector<std::string> reasons;
  bool last_was_timeout = false;
  for (int attempt = 1; attempt <= max_retries + 1; ++attempt) {
    CallRecord record;
    record.provider = options_.base_url;
    record.model = options_.model;
    record.attempt = attempt;
    HttpAttempt http = Perform(url, path, request, api_key, options_.timeout_s);
    record.latency_s = http.latency_s;
    record.http_status = http.status;
    double wait = -1;
    std::string reason;
    if (http.transport == Transport::kUnreachable) {
      record.outcome = "failed: unreachable";
      calls.push_back(record);
      return Failed("cannot reach " + options_.base_url + ": " + http.detail + "; is the " + options_.what + " running?");
    } else if (http.transport == Transport::kOther) {
      record.outcome = "failed: " + ShortenText(http.detail);
      calls.push_back(record);
      return Failed(server + ": " + http.detail);
    } else if (http.transport == Transport::kTimeout || http.transport == Transport::kDropped) {
      reason = http.transport == Transport::kTimeout ? "timeout" : "dropped";
      last_failure = http.detail;
      wait = BackoffSeconds(attempt - 1);
    } else if (http.status == 429) {
      reason = "429";
      last_failure = "429 Too Many Requests: " + MediaServerMessage(http.body);
      wait = RetryAfterSeconds(http.retry_after, ChatClient::kMaxRetryAfterSeconds);
      if (wait < 0) wait = BackoffSeconds(attempt - 1);
    } else if (http.status == 408 || http.status >= 500) {
      reason = std::to_string(http.status);
      last_failure = "HTTP " + std::to_string(http.status) + ": " + MediaServerMessage(http.body);
      wait = BackoffSeconds(attempt - 1);
    } else if (http.status < 200 || http.status >= 300) {
      std::string message = MediaServerMessage(http.body);
      record.outcome = "failed: " + std::to_string(http.status) + " " + ShortenText(message, 120);
      calls.push_back(record);
      std::string hint;
      if (http.status == 401 || http.status == 403)
        hint = options_.api_key_env.empty() ? "; the server wants a key: name its environment variable in " +
                                                  options_.setting + ".api_key_env"
                                            : "; check the key in $" + options_.api_key_env;
      else if (http.status == 404 && !options_.hint_404.empty())
        hint = "; " + options_.hint_404;
      return Failed(server + " answered " + std::to_string(http.status) + " to " + request.method + " " +
                    request.path.substr(0, request.path.find('?')) + ": " + message + hint);
    } else {
      record.outcome = "ok";
      calls.push_back(record);
      return Reply{http.status, http.content_type, std::move(http.body)};
    }
    reasons.push_back(reason);
    last_was_timeout = http.transport == Transport::kTimeout;
    if (attempt == max_retries + 1) {
      record.outcome = "failed: " + reason;
      calls.push_back(record);
      break;
    }
    record.outcome = "retry: " + reason;
    calls.push_back(record);
    sleep_(wait);
  }
  std::string all;
  for (const auto& r : reasons) all += (all.empty() ? "" : ", ") + r;
  std::string hint = last_was_timeout ? "; if the server is just slow, raise " + options_.setting + ".timeout_s"
                                      : "; is the server overloaded or still loading? try again later or raise " +
                                            options_.setting + ".max_retries";
  return Failed(server + " failed " + std::to_string(max_retries + 1) + " times (" + all + ") on " + request.method +
                " " + request.path.substr(0, request.path.find('?')) + "; last: " + last_failure + hint);
}

std::string MediaServerMessage(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return ShortenText(Trim(body));
  std::string out;
  if (j.contains("error")) {
    const auto& e = j["error"];
    if (e.is_string()) out = e.get<std::string>();
    if (e.is_object()) {
      out = StringAt(e, "message");
      std::string details = StringAt(e, "details");
      if (!details.empty()) out += ": " + details;
    }
  }
  // ComfyUI names the nodes that failed validation.
  if (j.contains("node_errors") && j["node_errors"].is_object()) {
    for (const auto& [id, node] : j["node_errors"].items()) {
      std::string line = "node " + id;
      std::string type = StringAt(node, "class_type");
      if (!type.empty()) line += " (" + type + ")";
      if (node.contains("errors") && node["errors"].is_array())
        for (const auto& err : node["errors"]) {
          line += ": " + StringAt(err, "message");
          std::string details = StringAt(err, "details");
          if (!details.empty()) line += " (" + details + ")";
        }
      out += (out.empty() ? "" : "; ") + line;
    }
  }
  // FastAPI (A1111): {"detail": "Not Found"} or {"detail": [{"loc": [...], "msg": "..."}]}.
  if (out.empty() && j.contains("detail")) {
    const auto& d = j["detail"];
    if (d.is_string()) out = d.get<std::string>();
    if (d.is_array())
      for (const auto& item : d) {
        std::string loc;
        if (item.contains("loc") && item["loc"].is_array())
          for (const auto& part : item["loc"]) loc += (loc.empty() ? "" : ".") + (part.is_string() ? part.get<std::string>() : part.dump());
        out += (out.empty() ? "" : "; ") + (loc.empty() ? "" : loc + ": ") + StringAt(item, "msg");
      }
  }
  if (out.empty()) out = StringAt(j, "errors");
  if (out.empty()) out = StringAt(j, "message");
  return ShortenText(out.empty() ? Trim(body) : out);
}

// ---- ImageClient -----------------------------------------------------------------------------

namespace {

std::string Kind(const ImageProviderSettings& settings) { return ToLowerAscii(Trim(settings.kind)); }

MediaHttp::Options ImageHttpOptions(const ImageProviderSettings& s) {
  MediaHttp::Options o = MediaHttp::Options::From(s, "image server", "providers.images", "");
  if (Kind(s) == "comfyui" && o.model.empty()) o.model = std::filesystem::path(s.workflow).filename().string();
  std::string kind = Kind(s);
  if (kind == "openai")
    o.hint_404 = "check providers.images.base_url (it should end with the API prefix, e.g. http://127.0.0.1:8000/v1) and model";
  else if (kind == "a1111")
    o.hint_404 = "check providers.images.base_url (the web UI's root, e.g. http://127.0.0.1:7860) and that the web UI "
                 "was started with --api";
  else
    o.hint_404 = "check providers.images.base_url (ComfyUI's root, e.g. http://127.0.0.1:8188)";
  return o;
}

}  // namespace

ImageClient::ImageClient(ImageProviderSettings settings, std::filesystem::path series_root)
    : settings_(std::move(settings)),
      series_root_(std::move(series_root)),
      http_(std::make_unique<MediaHttp>(ImageHttpOptions(settings_))) {}

ImageClient::~ImageClient() = default;
ImageClient::ImageClient(ImageClient&&) noexcept = default;
ImageClient& ImageClient::operator=(ImageClient&&) noexcept = default;

void ImageClient::SetSleepForTests(std::function<void(double)> sleep) { http_->SetSleep(std::move(sleep)); }

std::string ImageClient::NegativeFor(const ImageRequest& request) const {
  return request.negative_prompt.empty() ? settings_.negative_prompt : request.negative_prompt;
}

Result<std::string> ImageClient::Generate(const ImageRequest& request, std::vector<CallRecord>* calls) {
  std::vector<CallRecord> local_calls;
  std::vector<CallRecord>& records = calls ? *calls : local_calls;
  try {
    // Everything that is the creator's or the caller's to fix is checked before waiting for a slot.
    const std::string kind = Kind(settings_);
    if (kind != "openai" && kind != "a1111" && kind != "comfyui")
      return BadInput("reelwright.yaml", "providers.images.kind '" + settings_.kind +
                                             "' has no server client; use openai, a1111 or comfyui (empty: the built-in painter)");
    RW_TRY(http_->CheckUrl());
    if (Trim(request.prompt).empty()) return BadInput("", "an image request needs a prompt; this one is empty");
    if (request.width <= 0 || request.height <= 0)
      return BadInput("", "an image request needs a positive size, got " + std::to_string(request.width) + "x" +
                              std::to_string(request.height));
    if (!request.reference_png.empty() && !HasPngSignature(request.reference_png))
      return BadInput("", "the reference image is not a PNG (" + DescribeBytes(request.reference_png) + ")");
    RW_ASSIGN(std::string key, http_->ApiKey());
    nlohmann::json workflow;
    if (kind == "comfyui") {
      RW_ASSIGN(workflow, LoadComfyWorkflow(series_root_, settings_.workflow, "providers.images.workflow", "{{prompt}}"));
      ComfyInputs probe;
      probe.reference = request.reference_png.empty() ? "" : "probe";
      RW_TRY(FillComfyWorkflow(workflow, probe, WorkflowPath()));
    }

    MediaHttp::Slot slot(*http_);
    if (kind == "openai") return GenerateOpenAi(request, key, records);
    if (kind == "a1111") return GenerateA1111(request, key, records);
    return GenerateComfy(workflow, request, key, records);
  } catch (const std::exception& e) {
    return Failed(std::string("image request failed: ") + e.what(), settings_.base_url);
  } catch (...) {
    return Failed("image request failed (unknown exception)", settings_.base_url);
  }
}

Result<std::string> ImageClient::AcceptPng(std::string bytes, const std::string& source,
                                           std::vector<CallRecord>& calls) const {
  if (!HasPngSignature(bytes)) return http_->Invalid(calls, "sent " + source + " that is not a PNG: " + DescribeBytes(bytes));
  calls.back().cost = settings_.price_per_image;
  return bytes;
}

Result<std::string> ImageClient::GenerateOpenAi(const ImageRequest& request, const std::string& key,
                                                std::vector<CallRecord>& calls) {
  // OpenAI has no negative prompt: say it in words.
  std::string prompt = request.prompt;
  std::string negative = NegativeFor(request);
  if (!Trim(negative).empty()) prompt += "\nAvoid: " + negative;
  nlohmann::json body = {{"prompt", prompt},
                         {"n", 1},
                         {"size", std::to_string(request.width) + "x" + std::to_string(request.height)},
                         {"response_format", "b64_json"}};
  if (!settings_.model.empty()) body["model"] = settings_.model;  // else the server's default, not a model named ""
  RW_ASSIGN(MediaHttp::Reply reply, http_->Send(JsonPost("/images/generations", body), key, calls));
  nlohmann::json j = ParseObject(reply.body);
  const nlohmann::json* item = nullptr;
  if (j.contains("data") && j["data"].is_array() && !j["data"].empty() && j["data"][0].is_object()) item = &j["data"][0];
  if (!item) return http_->Invalid(calls, "sent no image (expected {\"data\":[{\"b64_json\":…}]}): " + ShortenText(Trim(reply.body), 200));
  std::string b64 = StringAt(*item, "b64_json");
  if (b64.empty()) {
    if (!StringAt(*item, "url").empty())
      return http_->Invalid(calls, "sent an image URL instead of b64_json; the server must honour response_format b64_json");
    return http_->Invalid(calls, "sent data[0] without b64_json");
  }
  auto png = Base64Decode(b64);
  if (!png.ok()) return http_->Invalid(calls, "sent b64_json that is " + png.error().message);
  return AcceptPng(std::move(*png), "an image", calls);
}

Result<std::string> ImageClient::GenerateA1111(const ImageRequest& request, const std::string& key,
                                               std::vector<CallRecord>& calls) {
  nlohmann::json body = {{"prompt", request.prompt},
                         {"negative_prompt", NegativeFor(request)},
                         {"seed", request.seed},
                         {"width", request.width},
                         {"height", request.height},
                         {"steps", settings_.steps},
                         {"batch_size", 1},
                         {"n_iter", 1}};
  if (!settings_.model.empty()) body["override_settings"] = {{"sd_model_checkpoint", settings_.model}};
  std::string path = "/sdapi/v1/txt2img";
  if (!request.reference_png.empty()) {
    path = "/sdapi/v1/img2img";
    body["init_images"] = nlohmann::json::array({Base64Encode(request.reference_png)});
    body["denoising_strength"] = settings_.denoising;
  }
  RW_ASSIGN(MediaHttp::Reply reply, http_->Send(JsonPost(path, body), key, calls));
  nlohmann::json j = ParseObject(reply.body);
  if (!j.contains("images") || !j["images"].is_array() || j["images"].empty() || !j["images"][0].is_string())
    return http_->Invalid(calls, "sent no image (expected {\"images\":[\"<base64>\"]}): " + ShortenText(Trim(reply.body), 200));
  auto png = Base64Decode(j["images"][0].get<std::string>());
  if (!png.ok()) return http_->Invalid(calls, "sent images[0] that is " + png.error().message);
  return AcceptPng(std::move(*png), "an image", calls);
}

std::string ImageClient::WorkflowPath() const { return (series_root_ / settings_.workflow).string(); }

Result<std::string> ImageClient::GenerateComfy(const nlohmann::json& workflow, const ImageRequest& request,
                                               const std::string& key, std::vector<CallRecord>& calls) {
  ComfyUi comfy(*http_, settings_.workflow);
  ComfyInputs inputs;
  inputs.prompt = request.prompt;
  inputs.negative = NegativeFor(request);
  inputs.seed = request.seed;
  inputs.width = request.width;
  inputs.height = request.height;
  // A reference the workflow has no place for is not uploaded.
  if (!request.reference_png.empty() && ComfyWorkflowUsesReference(workflow)) {
    RW_ASSIGN(inputs.reference, comfy.UploadImage(request.reference_png, "rw_ref_", key, calls));
  }
  RW_ASSIGN(nlohmann::json filled, FillComfyWorkflow(workflow, inputs, WorkflowPath()));
  RW_ASSIGN(std::string prompt_id, comfy.QueuePrompt(filled, key, calls));
  RW_ASSIGN(nlohmann::json entry, comfy.WaitForHistory(prompt_id, key, calls));
  const nlohmann::json* image = FirstComfyOutput(entry, {"images"});
  if (!image)
    return http_->Invalid(calls, "finished prompt " + prompt_id + " without an image in its outputs; the workflow " +
                                     settings_.workflow + " needs a SaveImage node");
  RW_ASSIGN(std::string png, comfy.Download(*image, "image/png", key, calls));
  return AcceptPng(std::move(png), "the image " + StringAt(*image, "filename"), calls);
}

}  // namespace rw
