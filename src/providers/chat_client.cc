#include "providers/chat_client.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <functional>
#include <optional>
#include <thread>
#include <utility>

#include <httplib.h>

#include "base/text.h"
#include "providers/base_url.h"
#include "providers/http.h"

namespace rw {

namespace {

constexpr double kBackoffBaseSeconds = 0.5;
constexpr double kBackoffCapSeconds = 8;
constexpr double kJitterFraction = 0.25;

// One POST of a JSON body, accepting JSON or a stream of server-sent events; never throws.
// `on_bytes` sees the response body as it arrives (a streamed reply's events).
HttpAttempt PostJson(const BaseUrl& url, const std::string& path, const std::string& api_key, const std::string& body,
                     double timeout_s, const std::function<void(const std::string& so_far)>& on_bytes) {
  httplib::Request req;
  req.method = "POST";
  req.path = path;
  req.headers = {{"Accept", "application/json, text/event-stream"}, {"Content-Type", "application/json"}};
  if (!api_key.empty()) req.headers.emplace("Authorization", "Bearer " + api_key);
  req.body = body;
  return SendHttp(url, std::move(req), timeout_s, true, on_bytes);
}

// "error.message" of an OpenAI-style error body, else the body itself, shortened.
std::string ServerMessage(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("error")) {
    const auto& e = j["error"];
    if (e.is_object() && e.contains("message") && e["message"].is_string()) return ShortenText(e["message"].get<std::string>());
    if (e.is_string()) return ShortenText(e.get<std::string>());
  }
  return ShortenText(Trim(body));
}

std::string SanitizeSchemaName(const std::string& name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    out.push_back(ok ? c : '_');
    if (out.size() == 64) break;
  }
  return out.empty() ? std::string("reply") : out;
}

std::string TypeName(const nlohmann::json& j) {
  if (j.is_array()) return "an array";
  if (j.is_string()) return "a string";
  if (j.is_number()) return "a number";
  if (j.is_boolean()) return "a boolean";
  if (j.is_null()) return "null";
  return "an object";
}

// The events of a streamed reply ("data: {…}" lines, "data: [DONE]" at the end).
struct StreamedReply {
  bool ok = false;       // every event parsed and the stream ended with [DONE]
  bool done = false;
  std::string content;   // the deltas joined
  std::string finish_reason;
  nlohmann::json usage;  // from the last event that carried one
  int events = 0;
  std::string problem;
};

StreamedReply ParseEventStream(const std::string& body) {
  StreamedReply r;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    std::string line = body.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? body.size() : end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!StartsWith(line, "data:")) continue;  // comments, event names, blank separators
    std::string data = Trim(line.substr(5));
    if (data == "[DONE]") {
      r.done = true;
      break;
    }
    nlohmann::json event = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object()) {
      r.problem = "an event is not JSON: " + ShortenText(data, 120);
      return r;
    }
    ++r.events;
    if (event.contains("usage") && event["usage"].is_object()) r.usage = event["usage"];
    if (!event.contains("choices") || !event["choices"].is_array() || event["choices"].empty()) continue;
    const auto& choice = event["choices"][0];
    if (!choice.is_object()) continue;
    if (choice.contains("delta") && choice["delta"].is_object() && choice["delta"].contains("content") &&
        choice["delta"]["content"].is_string())
      r.content += choice["delta"]["content"].get<std::string>();
    if (choice.contains("finish_reason") && choice["finish_reason"].is_string())
      r.finish_reason = choice["finish_reason"].get<std::string>();
  }
  if (!r.done && r.problem.empty()) r.problem = "the stream ended before [DONE]";
  r.ok = r.done && r.problem.empty();
  return r;
}

bool IsEventStream(const HttpAttempt& http) {
  return http.content_type.find("text/event-stream") != std::string::npos || StartsWith(Trim(http.body), "data:");
}

}  // namespace

std::string ExtractJsonText(const std::string& content) {
  std::string text = content;
  // Reasoning models may think aloud first.
  size_t think_end = text.find("</think>");
  if (StartsWith(Trim(text), "<think>") && think_end != std::string::npos) text = text.substr(think_end + 8);
  text = Trim(text);
  // ```json … ``` fences.
  if (StartsWith(text, "```")) {
    size_t newline = text.find('\n');
    text = newline == std::string::npos ? std::string() : text.substr(newline + 1);
    size_t close = text.rfind("```");
    if (close != std::string::npos) text = text.substr(0, close);
    text = Trim(text);
  }
  // Prose around the object.
  if (!StartsWith(text, "{")) {
    size_t open = text.find('{');
    size_t close = text.rfind('}');
    if (open != std::string::npos && close != std::string::npos && close > open) text = text.substr(open, close - open + 1);
  } else if (!text.empty() && text.back() != '}') {
    size_t close = text.rfind('}');
    if (close != std::string::npos) text = text.substr(0, close + 1);
  }
  return text;
}

ChatClient::ChatClient(ChatProviderSettings settings)
    : settings_(std::move(settings)),
      rng_(StableHash64(settings_.base_url + "|" + settings_.model)),
      sleep_([](double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }) {
  // A server that closes the socket while we write must give an error, not kill the process.
  // httplib::Server does the same; its client does not.
  std::signal(SIGPIPE, SIG_IGN);
}

// Tokens and cost of a call, from the server's usage object.
void ChatClient::ReadUsage(const nlohmann::json& usage, CallRecord& record) const {
  if (usage.is_object()) {
    if (usage.contains("prompt_tokens") && usage["prompt_tokens"].is_number_integer())
      record.usage.prompt_tokens = usage["prompt_tokens"].get<int>();
    if (usage.contains("completion_tokens") && usage["completion_tokens"].is_number_integer())
      record.usage.completion_tokens = usage["completion_tokens"].get<int>();
  }
  record.cost = record.usage.prompt_tokens * settings_.price_input_per_mtok / 1e6 +
                record.usage.completion_tokens * settings_.price_output_per_mtok / 1e6;
}

void ChatClient::SetSleepForTests(std::function<void(double seconds)> sleep) { sleep_ = std::move(sleep); }

double ChatClient::BackoffSeconds(int retry_index) {
  double delay = std::min(kBackoffCapSeconds, kBackoffBaseSeconds * std::pow(2.0, retry_index));
  return delay + rng_.Unit() * kJitterFraction * delay;
}

Result<ChatClient::Completion> ChatClient::Complete(const nlohmann::json& body, const std::string& api_key,
                                                    std::vector<CallRecord>& calls) {
  RW_ASSIGN(BaseUrl url, ParseBaseUrl(settings_.base_url, "providers.chat.base_url"));
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
  if (url.scheme == "https")
    return BadInput("reelwright.yaml", "providers.chat.base_url: https needs cpp-httplib built with OpenSSL "
                                       "(CPPHTTPLIB_OPENSSL_SUPPORT); use an http:// server or rebuild with it");
#endif
  const std::string path = url.path + "/chat/completions";
  const std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const int max_retries = std::max(0, settings_.max_retries);
  std::string last_failure;
  for (int attempt = 1; attempt <= max_retries + 1; ++attempt) {
    CallRecord record;
    record.provider = settings_.base_url;
    record.model = settings_.model;
    record.attempt = attempt;
    int reported = -1;
    auto on_bytes = [&](const std::string& so_far) {
      if (!on_progress_) return;
      // Each "data:" event of a stream is about one token.
      int events = 0;
      for (size_t at = so_far.find("data:"); at != std::string::npos; at = so_far.find("data:", at + 5)) ++events;
      if (events != reported) on_progress_(reported = events);
    };
    HttpAttempt http = PostJson(url, path, api_key, text, settings_.timeout_s, on_bytes);
    record.latency_s = http.latency_s;
    // A 2xx stream that broke off is a dropped connection: try again.
    std::optional<StreamedReply> streamed;
    if (http.transport == Transport::kResponse && http.status >= 200 && http.status < 300 && IsEventStream(http)) {
      streamed = ParseEventStream(http.body);
      if (!streamed->ok && streamed->problem == "the stream ended before [DONE]") {
        http.transport = Transport::kDropped;
        http.detail = "the reply stream broke off after " + std::to_string(streamed->events) + " events";
      }
    }
    record.http_status = http.status;
    double wait = -1;  // ≥ 0: retry after sleeping this long
    std::string reason;  // short, for the outcome
    if (http.transport == Transport::kUnreachable) {
      record.outcome = "failed: unreachable";
      calls.push_back(record);
      return Failed("cannot reach " + settings_.base_url + ": " + http.detail + "; is the chat server running?");
    } else if (http.transport == Transport::kOther) {
      record.outcome = "failed: " + ShortenText(http.detail);
      calls.push_back(record);
      return Failed("chat server " + settings_.base_url + ": " + http.detail);
    } else if (http.transport == Transport::kTimeout || http.transport == Transport::kDropped) {
      reason = http.transport == Transport::kTimeout ? "timeout" : "dropped";
      last_failure = http.detail;
      wait = BackoffSeconds(attempt - 1);
    } else if (http.status == 429) {
      reason = "429";
      last_failure = "429 Too Many Requests: " + ServerMessage(http.body);
      double after = RetryAfterSeconds(http.retry_after, kMaxRetryAfterSeconds);
      wait = after >= 0 ? after : BackoffSeconds(attempt - 1);
    } else if (http.status == 408 || http.status >= 500) {
      reason = std::to_string(http.status);
      last_failure = "HTTP " + std::to_string(http.status) + ": " + ServerMessage(http.body);
      wait = BackoffSeconds(attempt - 1);
    } else if (http.status < 200 || http.status >= 300) {
      std::string message = ServerMessage(http.body);
      record.outcome = "failed: " + std::to_string(http.status) + " " + ShortenText(message, 120);
      calls.push_back(record);
      std::string hint;
      if (http.status == 401 || http.status == 403)
        hint = settings_.api_key_env.empty() ? "; the server wants a key: name its environment variable in providers.chat.api_key_env"
                                             : "; check the key in $" + settings_.api_key_env;
      else if (http.status == 400 && settings_.json_schema)
        hint = "; if this server does not take response_format json_schema, set providers.chat.json_schema: false";
      else if (http.status == 404)
        hint = "; check providers.chat.base_url (it should end with the API prefix, e.g. /v1) and model";
      return Failed("chat server " + settings_.base_url + " answered " + std::to_string(http.status) + ": " + message + hint);
    } else if (streamed) {
      if (!streamed->ok) {
        record.outcome = "failed: " + ShortenText(streamed->problem);
        calls.push_back(record);
        return Failed("chat server " + settings_.base_url + " sent a stream that is not a chat completion: " + streamed->problem);
      }
      Completion completion;
      completion.content = streamed->content;
      completion.finish_reason = streamed->finish_reason;
      ReadUsage(streamed->usage, record);
      record.outcome = "ok";
      calls.push_back(record);
      return completion;
    } else {
      // A 2xx: it must be a chat completion.
      nlohmann::json reply = nlohmann::json::parse(http.body, nullptr, /*allow_exceptions=*/false);
      const nlohmann::json* message = nullptr;
      if (reply.is_object() && reply.contains("choices") && reply["choices"].is_array() && !reply["choices"].empty() &&
          reply["choices"][0].is_object() && reply["choices"][0].contains("message") &&
          reply["choices"][0]["message"].is_object())
        message = &reply["choices"][0]["message"];
      if (!message) {
        record.outcome = "failed: not a chat completion";
        calls.push_back(record);
        return Failed("chat server " + settings_.base_url + " sent a reply that is not a chat completion "
                      "(no choices[0].message): " + ShortenText(Trim(http.body), 200));
      }
      Completion completion;
      if (message->contains("content") && (*message)["content"].is_string())
        completion.content = (*message)["content"].get<std::string>();
      const auto& choice = reply["choices"][0];
      if (choice.contains("finish_reason") && choice["finish_reason"].is_string())
        completion.finish_reason = choice["finish_reason"].get<std::string>();
      if (reply.contains("usage")) ReadUsage(reply["usage"], record);
      record.outcome = "ok";
      calls.push_back(record);
      return completion;
    }
    if (attempt == max_retries + 1) {
      record.outcome = "failed: " + reason;
      calls.push_back(record);
      break;
    }
    record.outcome = "retry: " + reason;
    calls.push_back(record);
    sleep_(wait);
  }
  return Failed("chat server " + settings_.base_url + " failed " + std::to_string(max_retries + 1) +
                " times; last: " + last_failure);
}

Result<nlohmann::json> ChatClient::AskJson(const std::vector<ChatMessage>& messages, const std::string& schema_name,
                                           const nlohmann::json& schema, const Validator& validate,
                                           std::vector<CallRecord>* calls) {
  std::vector<CallRecord> local_calls;
  std::vector<CallRecord>& records = calls ? *calls : local_calls;
  try {
    if (Trim(settings_.base_url).empty())
      return BadInput("reelwright.yaml", "providers.chat.base_url is empty; set the chat server's URL, e.g. http://127.0.0.1:8080/v1");
    std::string api_key;
    if (!settings_.api_key_env.empty()) {
      const char* value = std::getenv(settings_.api_key_env.c_str());
      if (!value || !*value)
        return BadInput("reelwright.yaml", "providers.chat.api_key_env names the environment variable " +
                                               settings_.api_key_env + ", which is not set; export " +
                                               settings_.api_key_env + "=<key> (keys never go in the series folder)");
      api_key = value;
    }

    std::vector<ChatMessage> conversation = messages;
    nlohmann::json response_format;
    if (settings_.json_schema) {
      response_format = {{"type", "json_schema"},
                         {"json_schema", {{"name", SanitizeSchemaName(schema_name)}, {"schema", schema}, {"strict", true}}}};
    } else {
      response_format = {{"type", "json_object"}};
      std::string instruction = "Reply with one JSON object only, no prose, matching this JSON Schema:\n" + schema.dump();
      if (!conversation.empty() && conversation.front().role == "system")
        conversation.front().content += "\n\n" + instruction;
      else
        conversation.insert(conversation.begin(), ChatMessage{"system", instruction});
    }

    const int rounds = std::max(0, settings_.max_validation_retries) + 1;
    std::string problem;
    for (int round = 1; round <= rounds; ++round) {
      nlohmann::json body = {{"model", settings_.model}, {"messages", nlohmann::json::array()},
                             {"temperature", settings_.temperature}, {"stream", settings_.stream},
                             {"response_format", response_format}};
      if (settings_.stream) body["stream_options"] = {{"include_usage", true}};
      for (const auto& m : conversation) body["messages"].push_back({{"role", m.role}, {"content", m.content}});
      RW_ASSIGN(Completion completion, Complete(body, api_key, records));
      CallRecord& record = records.back();

      nlohmann::json value;
      std::string json_text = ExtractJsonText(completion.content);
      if (Trim(completion.content).empty()) {
        problem = "the reply was empty; reply with one JSON object";
        record.outcome = "invalid json: empty reply";
      } else {
        bool parsed = true;
        try {
          value = nlohmann::json::parse(json_text);
        } catch (const nlohmann::json::exception& e) {
          parsed = false;
          problem = std::string("the reply is not valid JSON: ") + e.what();
          record.outcome = "invalid json: " + ShortenText(problem, 160);
        }
        if (!parsed) {
          // problem and outcome are set
        } else if (!value.is_object()) {
          problem = "expected one JSON object, got " + TypeName(value);
          record.outcome = "invalid json: " + problem;
        } else {
          try {
            problem = validate ? validate(value) : std::string();
          } catch (const std::exception& e) {
            problem = std::string("validation failed: ") + e.what();
          }
          if (problem.empty()) {
            record.outcome = "ok";
            return value;
          }
          record.outcome = "invalid: " + ShortenText(problem);
        }
      }
      if (completion.finish_reason == "length")
        problem += " (the reply was cut off at the token limit: keep it shorter)";
      conversation.push_back(ChatMessage{"assistant", completion.content});
      conversation.push_back(ChatMessage{
          "user", "That reply cannot be used: " + problem +
                      "\nReply again with the whole JSON object, fixing exactly this and keeping everything else."});
    }
    return Failed("the chat model's " + schema_name + " was still invalid after " + std::to_string(rounds) +
                  " attempts: " + problem, settings_.base_url);
  } catch (const std::exception& e) {
    return Failed(std::string("chat request failed: ") + e.what(), settings_.base_url);
  } catch (...) {
    return Failed("chat request failed (unknown exception)", settings_.base_url);
  }
}

}  // namespace rw
