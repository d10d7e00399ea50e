// A client for OpenAI-compatible chat servers (/v1/chat/completions) that asks for one JSON
// object and does not return until it has a valid one or a clear reason why not.
//
// Servers differ (formats.md §7.2): llama-server, Ollama, vLLM, OpenAI and Qwen take
// response_format json_schema; DeepSeek only json_object. With settings.json_schema the request
// carries {"type":"json_schema","json_schema":{"name":…,"schema":…,"strict":true}}; without it,
// {"type":"json_object"} and the schema is appended to the system prompt (which then also says
// "JSON", as DeepSeek requires). Either way the reply is checked here: the content
// (choices[0].message.content; ```json fences, a leading <think>…</think> block and prose around
// the object are stripped) must parse as a JSON object and pass the caller's validator. When it
// does not, the model is re-asked up to settings.max_validation_retries times, with its reply and
// the exact problem sent back.
//
// Transport: 429 (honouring a Retry-After in seconds, capped at kMaxRetryAfterSeconds), 408, 5xx,
// timeouts and connections dropped without a response are retried up to settings.max_retries
// times per request, sleeping 0.5 s · 2^k (capped at 8 s) plus up to 25% jitter from an Rng
// seeded by the server and model, so two runs sleep alike. A refused connection or unknown host
// fails at once ("cannot reach <url>: …"): a server that is not running will not start by
// waiting. Other 4xx fail at once with the server's message. Every HTTP attempt is appended to
// *calls (tokens, cost from the settings' prices, latency, outcome) for the ledger.
//
// The API key is read from the environment variable settings.api_key_env at each ask; a missing
// variable is BadInput naming it. Never throws. Not thread-safe: one client per thread.
// Constructing a client sets SIGPIPE to SIG_IGN process-wide (as httplib::Server does): httplib's
// client writes with send() flags 0, and a server closing mid-request must be an error, not a kill.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "base/rng.h"
#include "schema/settings.h"

namespace rw {

struct ChatMessage {
  std::string role;  // "system" | "user" | "assistant"
  std::string content;
};

struct ChatUsage {
  int prompt_tokens = 0;
  int completion_tokens = 0;
};

// One HTTP call, for the ledger and cost accounting.
struct CallRecord {
  std::string provider;  // base_url
  std::string model;
  int attempt = 1;       // 1 for the first try of a request, 2… for its transport retries
  int http_status = 0;   // 0 when no response (timeout, refused, dropped)
  ChatUsage usage;
  double latency_s = 0;
  double cost = 0;       // from the prices in ChatProviderSettings
  std::string outcome;   // "ok", "retry: 429", "retry: timeout", "invalid json: …", "invalid: …", "failed: …"
};

class ChatClient {
 public:
  static constexpr double kMaxRetryAfterSeconds = 120;

  explicit ChatClient(ChatProviderSettings settings);

  // Returns an error message, or empty when the value is acceptable. May not throw.
  using Validator = std::function<std::string(const nlohmann::json&)>;

  // Asks for one JSON object matching `schema` (a JSON Schema; strict-mode shaped: every
  // property required, additionalProperties false). `schema_name` is sent as json_schema.name
  // (sanitized to [A-Za-z0-9_-], ≤ 64 chars). `validate` may be empty. `calls` may be null.
  Result<nlohmann::json> AskJson(const std::vector<ChatMessage>& messages, const std::string& schema_name,
                                 const nlohmann::json& schema, const Validator& validate,
                                 std::vector<CallRecord>* calls);

  // Replaces std::this_thread::sleep_for between retries (tests record instead of waiting).
  void SetSleepForTests(std::function<void(double seconds)> sleep);
  // Called as a streamed reply arrives, with the number of events (about one a token) so far.
  void SetOnProgress(std::function<void(int events)> on_progress) { on_progress_ = std::move(on_progress); }

  const ChatProviderSettings& settings() const { return settings_; }

 private:
  struct Completion {
    std::string content;
    std::string finish_reason;
  };
  Result<Completion> Complete(const nlohmann::json& body, const std::string& api_key, std::vector<CallRecord>& calls);
  void ReadUsage(const nlohmann::json& usage, CallRecord& record) const;
  double BackoffSeconds(int retry_index);

  ChatProviderSettings settings_;
  Rng rng_;
  std::function<void(double)> sleep_;
  std::function<void(int)> on_progress_;
};

// The JSON text inside a model's reply: without ```json fences, a <think>…</think> block, or
// prose before the first '{' and after the last '}'.
std::string ExtractJsonText(const std::string& content);

}  // namespace rw
