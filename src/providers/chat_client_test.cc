#include "providers/chat_client.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "providers/base_url.h"
#include "providers/chat_testing.h"

namespace rw {
namespace {

using testing::ChatReply;
using testing::ErrorReply;
using testing::FakeChatServer;
using testing::FakeReply;

const nlohmann::json kSchema = {
    {"type", "object"},
    {"properties", {{"name", {{"type", "string"}}}, {"age", {{"type", "integer"}}}}},
    {"required", {"name", "age"}},
    {"additionalProperties", false}};

std::vector<ChatMessage> Messages() {
  return {{"system", "You write characters."}, {"user", "Give me one character as JSON."}};
}

ChatProviderSettings SettingsFor(const std::string& base_url) {
  ChatProviderSettings s;
  s.base_url = base_url;
  s.model = "test-model";
  s.timeout_s = 5;
  s.max_retries = 3;
  s.max_validation_retries = 2;
  return s;
}

std::string RequireAda(const nlohmann::json& j) {
  if (!j.contains("name") || !j["name"].is_string()) return "name: missing";
  if (j["name"] != "Ada") return "name must be Ada, got " + j["name"].dump();
  return {};
}

struct Recorder {
  std::vector<double> sleeps;
  void Attach(ChatClient& client) {
    client.SetSleepForTests([this](double s) { sleeps.push_back(s); });
  }
};

TEST(ChatClient, HappyPathWithJsonSchema) {
  FakeChatServer server([](int, const nlohmann::json&) { return ChatReply(R"({"name":"Ada","age":36})", 1000, 500); });
  ChatProviderSettings settings = SettingsFor(server.BaseUrl());
  settings.price_input_per_mtok = 2.0;
  settings.price_output_per_mtok = 8.0;
  ChatClient client(settings);
  std::vector<CallRecord> calls;
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, &calls);
  ASSERT_TRUE(reply.ok()) << reply.error().ToString();
  EXPECT_EQ((*reply)["name"], "Ada");
  EXPECT_EQ((*reply)["age"], 36);

  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& body = requests[0].json;
  EXPECT_EQ(body["model"], "test-model");
  EXPECT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  EXPECT_EQ(body["response_format"]["json_schema"]["name"], "character");
  EXPECT_EQ(body["response_format"]["json_schema"]["schema"], kSchema);
  EXPECT_EQ(body["response_format"]["json_schema"]["strict"], true);
  EXPECT_TRUE(requests[0].authorization.empty());

  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].provider, server.BaseUrl());
  EXPECT_EQ(calls[0].model, "test-model");
  EXPECT_EQ(calls[0].attempt, 1);
  EXPECT_EQ(calls[0].http_status, 200);
  EXPECT_EQ(calls[0].usage.prompt_tokens, 1000);
  EXPECT_EQ(calls[0].usage.completion_tokens, 500);
  EXPECT_NEAR(calls[0].cost, 1000 * 2.0 / 1e6 + 500 * 8.0 / 1e6, 1e-12);
  EXPECT_EQ(calls[0].outcome, "ok");
  EXPECT_GT(calls[0].latency_s, 0);
}

TEST(ChatClient, AStreamedReplyIsJoinedAndItsProgressReported) {
  const std::string content = R"({"name":"Ada","age":36})";
  FakeChatServer server([&](int, const nlohmann::json&) { return testing::ChatStreamReply(content, 3, true, 900, 12); });
  ChatClient client(SettingsFor(server.BaseUrl()));
  std::vector<int> progress;
  client.SetOnProgress([&](int events) { progress.push_back(events); });
  std::vector<CallRecord> calls;
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, &calls);
  ASSERT_TRUE(reply.ok()) << reply.error().ToString();
  EXPECT_EQ((*reply)["age"], 36);
  auto body = server.Requests().at(0).json;
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].usage.prompt_tokens, 900);
  EXPECT_EQ(calls[0].usage.completion_tokens, 12);
  ASSERT_FALSE(progress.empty());
  // role + content deltas + finish + usage + [DONE]
  EXPECT_EQ(progress.back(), static_cast<int>(1 + (content.size() + 2) / 3 + 3));
}

TEST(ChatClient, AStreamThatBreaksOffIsRetried) {
  const std::string content = R"({"name":"Ada","age":36})";
  FakeChatServer server([&](int index, const nlohmann::json&) { return testing::ChatStreamReply(content, 5, index > 0); });
  ChatClient client(SettingsFor(server.BaseUrl()));
  Recorder recorder;
  recorder.Attach(client);
  std::vector<CallRecord> calls;
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, &calls);
  ASSERT_TRUE(reply.ok()) << reply.error().ToString();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].outcome, "retry: dropped");
  EXPECT_EQ(calls[1].outcome, "ok");
  EXPECT_EQ(recorder.sleeps.size(), 1u);
}

TEST(ChatClient, StreamingCanBeTurnedOff) {
  FakeChatServer server([](int, const nlohmann::json&) { return ChatReply(R"({"name":"Ada","age":36})"); });
  ChatProviderSettings settings = SettingsFor(server.BaseUrl());
  settings.stream = false;
  ChatClient client(settings);
  ASSERT_TRUE(client.AskJson(Messages(), "character", kSchema, RequireAda, nullptr).ok());
  auto body = server.Requests().at(0).json;
  EXPECT_EQ(body["stream"], false);
  EXPECT_FALSE(body.contains("stream_options"));
}

TEST(ChatClient, JsonObjectModePutsTheSchemaInTheSystemPrompt) {
  FakeChatServer server([](int, const nlohmann::json&) { return ChatReply("```json\n{\"name\":\"Ada\",\"age\":36}\n```"); });
  ChatProviderSettings settings = SettingsFor(server.BaseUrl());
  settings.json_schema = false;
  ChatClient client(settings);
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, nullptr);
  ASSERT_TRUE(reply.ok()) << reply.error().ToString();
  EXPECT_EQ((*reply)["name"], "Ada");
  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& body = requests[0].json;
  EXPECT_EQ(body["response_format"], nlohmann::json({{"type", "json_object"}}));
  ASSERT_EQ(body["messages"].size(), 2u);
  std::string system = body["messages"][0]["content"];
  EXPECT_NE(system.find("You write characters."), std::string::npos);
  EXPECT_NE(system.find(kSchema.dump()), std::string::npos);
  EXPECT_NE(system.find("JSON"), std::string::npos);
}

TEST(ChatClient, MalformedJsonIsReaskedWithTheError) {
  FakeChatServer server([](int index, const nlohmann::json&) {
    return index == 0 ? ChatReply(R"({"name": "Ada", "age": )") : ChatReply(R"({"name":"Ada","age":36})");
  });
  ChatClient client(SettingsFor(server.BaseUrl()));
  std::vector<CallRecord> calls;
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, &calls);
  ASSERT_TRUE(reply.ok()) << reply.error().ToString();
  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 2u);
  const auto& messages = requests[1].json["messages"];
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[2]["role"], "assistant");
  EXPECT_EQ(messages[2]["content"], R"({"name": "Ada", "age": )");
  EXPECT_EQ(messages[3]["role"], "user");
  EXPECT_NE(messages[3]["content"].get<std::string>().find("not valid JSON"), std::string::npos);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].outcome.rfind("invalid json:", 0), 0u) << calls[0].outcome;
  EXPECT_EQ(calls[1].outcome, "ok");
}

TEST(ChatClient, ValidationFailureEveryTimeGivesUpWithTheMessage) {
  FakeChatServer server([](int, const nlohmann::json&) { return ChatReply(R"({"name":"Bob","age":40})"); });
  ChatProviderSettings settings = SettingsFor(server.BaseUrl());
  settings.max_validation_retries = 2;
  ChatClient client(settings);
  std::vector<CallRecord> calls;
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, &calls);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, ErrorCode::kFailed);
  EXPECT_NE(reply.error().message.find("name must be Ada"), std::string::npos) << reply.error().ToString();
  EXPECT_EQ(server.Requests().size(), 3u);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[2].outcome.rfind("invalid: name must be Ada", 0), 0u) << calls[2].outcome;
  // Each re-ask carries the validation error.
  std::string last = server.Requests()[2].json["messages"].back()["content"];
  EXPECT_NE(last.find("name must be Ada"), std::string::npos);
}

TEST(ChatClient, RetryAfterIsHonouredOn429) {
  FakeChatServer server([](int index, const nlohmann::json&) {
    if (index == 0) {
      FakeReply r = ErrorReply(429, "slow down");
      r.headers["Retry-After"] = "2";
      return r;
    }
    return ChatReply(R"({"name":"Ada","age":36})");
  });
  ChatClient client(SettingsFor(server.BaseUrl()));
  Recorder recorder;
  recorder.Attach(client);
  std::vector<CallRecord> calls;
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, &calls);
  ASSERT_TRUE(reply.ok()) << reply.error().ToString();
  EXPECT_EQ(recorder.sleeps, std::vector<double>({2.0}));
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].http_status, 429);
  EXPECT_EQ(calls[0].outcome, "retry: 429");
  EXPECT_EQ(calls[1].attempt, 2);
  EXPECT_EQ(calls[1].outcome, "ok");
}

TEST(ChatClient, ServerErrorsBackOffExponentially) {
  FakeChatServer server([](int index, const nlohmann::json&) {
    return index < 2 ? ErrorReply(503, "loading model") : ChatReply(R"({"name":"Ada","age":36})");
  });
  ChatClient client(SettingsFor(server.BaseUrl()));
  Recorder recorder;
  recorder.Attach(client);
  std::vector<CallRecord> calls;
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, &calls);
  ASSERT_TRUE(reply.ok()) << reply.error().ToString();
  ASSERT_EQ(recorder.sleeps.size(), 2u);
  EXPECT_GE(recorder.sleeps[0], 0.5);
  EXPECT_LT(recorder.sleeps[0], 0.5 * 1.25 + 1e-9);
  EXPECT_GE(recorder.sleeps[1], 1.0);
  EXPECT_LT(recorder.sleeps[1], 1.0 * 1.25 + 1e-9);
  EXPECT_GT(recorder.sleeps[1], recorder.sleeps[0]);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].outcome, "retry: 503");
  EXPECT_EQ(calls[1].outcome, "retry: 503");
  EXPECT_EQ(calls[2].outcome, "ok");
}

TEST(ChatClient, BackoffIsCappedAndDeterministic) {
  FakeChatServer server([](int, const nlohmann::json&) { return ErrorReply(500, "boom"); });
  ChatProviderSettings settings = SettingsFor(server.BaseUrl());
  settings.max_retries = 6;
  std::vector<double> first, second;
  for (auto* out : {&first, &second}) {
    ChatClient client(settings);
    client.SetSleepForTests([out](double s) { out->push_back(s); });
    auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, nullptr);
    ASSERT_FALSE(reply.ok());
    EXPECT_NE(reply.error().message.find("HTTP 500: boom"), std::string::npos) << reply.error().ToString();
  }
  ASSERT_EQ(first.size(), 6u);
  EXPECT_EQ(first, second);
  EXPECT_GE(first[5], 8.0);
  EXPECT_LE(first[5], 8.0 * 1.25);
  EXPECT_GE(first[4], 8.0);
}

TEST(ChatClient, TimeoutsAreRetriedThenFail) {
  FakeChatServer server([](int, const nlohmann::json&) {
    FakeReply r = ChatReply(R"({"name":"Ada","age":36})");
    r.delay_s = 0.8;
    return r;
  });
  ChatProviderSettings settings = SettingsFor(server.BaseUrl());
  settings.timeout_s = 0.3;
  settings.max_retries = 2;
  ChatClient client(settings);
  Recorder recorder;
  recorder.Attach(client);
  std::vector<CallRecord> calls;
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, &calls);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, ErrorCode::kFailed);
  EXPECT_NE(reply.error().message.find("timeout"), std::string::npos) << reply.error().ToString();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].outcome, "retry: timeout");
  EXPECT_EQ(calls[1].outcome, "retry: timeout");
  EXPECT_EQ(calls[2].outcome, "failed: timeout");
  EXPECT_EQ(calls[0].http_status, 0);
  EXPECT_GE(calls[0].latency_s, 0.25);
  EXPECT_EQ(recorder.sleeps.size(), 2u);
}

TEST(ChatClient, DroppedConnectionsAreRetriedThenFail) {
  testing::DroppingServer server;
  ChatProviderSettings settings = SettingsFor(server.BaseUrl());
  settings.max_retries = 2;
  ChatClient client(settings);
  Recorder recorder;
  recorder.Attach(client);
  std::vector<CallRecord> calls;
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, &calls);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, ErrorCode::kFailed);
  EXPECT_NE(reply.error().message.find("closed"), std::string::npos) << reply.error().ToString();
  EXPECT_NE(reply.error().message.find("3 times"), std::string::npos) << reply.error().ToString();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].outcome, "retry: dropped");
  EXPECT_EQ(calls[2].outcome, "failed: dropped");
  EXPECT_EQ(server.accepted(), 3);
}

TEST(ChatClient, UnreachableServerFailsAtOnce) {
  std::string url = "http://127.0.0.1:" + std::to_string(testing::ClosedPort()) + "/v1";
  ChatClient client(SettingsFor(url));
  Recorder recorder;
  recorder.Attach(client);
  std::vector<CallRecord> calls;
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, &calls);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, ErrorCode::kFailed);
  EXPECT_EQ(reply.error().message.rfind("cannot reach " + url + ": ", 0), 0u) << reply.error().ToString();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].http_status, 0);
  EXPECT_TRUE(recorder.sleeps.empty());
}

TEST(ChatClient, ClientErrorsFailAtOnceWithAHint) {
  FakeChatServer server([](int, const nlohmann::json&) { return ErrorReply(400, "response_format json_schema is not supported"); });
  ChatClient client(SettingsFor(server.BaseUrl()));
  std::vector<CallRecord> calls;
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, &calls);
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.error().message.find("answered 400: response_format json_schema is not supported"), std::string::npos);
  EXPECT_NE(reply.error().message.find("json_schema: false"), std::string::npos);
  EXPECT_EQ(calls.size(), 1u);
}

TEST(ChatClient, MissingApiKeyEnvIsBadInput) {
  FakeChatServer server([](int, const nlohmann::json&) { return ChatReply(R"({"name":"Ada","age":36})"); });
  ChatProviderSettings settings = SettingsFor(server.BaseUrl());
  settings.api_key_env = "RW_TEST_CHAT_KEY_THAT_IS_NOT_SET";
  ::unsetenv(settings.api_key_env.c_str());
  ChatClient client(settings);
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, nullptr);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, ErrorCode::kBadInput);
  EXPECT_NE(reply.error().message.find("RW_TEST_CHAT_KEY_THAT_IS_NOT_SET"), std::string::npos);
  EXPECT_TRUE(server.Requests().empty());
}

TEST(ChatClient, ApiKeyGoesInTheBearerHeader) {
  FakeChatServer server([](int, const nlohmann::json&) { return ChatReply(R"({"name":"Ada","age":36})"); });
  ChatProviderSettings settings = SettingsFor(server.BaseUrl());
  settings.api_key_env = "RW_TEST_CHAT_KEY";
  ::setenv("RW_TEST_CHAT_KEY", "sk-test-123", 1);
  ChatClient client(settings);
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, nullptr);
  ::unsetenv("RW_TEST_CHAT_KEY");
  ASSERT_TRUE(reply.ok()) << reply.error().ToString();
  ASSERT_EQ(server.Requests().size(), 1u);
  EXPECT_EQ(server.Requests()[0].authorization, "Bearer sk-test-123");
}

TEST(ChatClient, HttpsToAPlainHttpServerFailsClearly) {
  FakeChatServer server([](int, const nlohmann::json&) { return ChatReply(R"({"name":"Ada","age":36})"); });
  std::string url = server.BaseUrl();
  url.replace(0, 4, "https");
  ChatClient client(SettingsFor(url));
  Recorder recorder;
  recorder.Attach(client);
  std::vector<CallRecord> calls;
  auto reply = client.AskJson(Messages(), "character", kSchema, RequireAda, &calls);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, ErrorCode::kFailed);
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
  EXPECT_NE(reply.error().message.find("TLS"), std::string::npos) << reply.error().ToString();
#else
  EXPECT_NE(reply.error().message.find("https needs"), std::string::npos) << reply.error().ToString();
#endif
  EXPECT_TRUE(recorder.sleeps.empty());
}

TEST(ChatClient, ExtractJsonText) {
  EXPECT_EQ(ExtractJsonText("{\"a\":1}"), "{\"a\":1}");
  EXPECT_EQ(ExtractJsonText("```json\n{\"a\":1}\n```"), "{\"a\":1}");
  EXPECT_EQ(ExtractJsonText("```\n{\"a\":1}\n```\n"), "{\"a\":1}");
  EXPECT_EQ(ExtractJsonText("<think>hmm {x}</think>\n{\"a\":1}"), "{\"a\":1}");
  EXPECT_EQ(ExtractJsonText("Here it is: {\"a\":{\"b\":2}} Enjoy."), "{\"a\":{\"b\":2}}");
  EXPECT_EQ(ExtractJsonText("not json"), "not json");
}

TEST(BaseUrl, Parses) {
  auto a = ParseBaseUrl("http://127.0.0.1:8080/v1/", "x");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->scheme, "http");
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(a->path, "/v1");
  EXPECT_EQ(a->SchemeHostPort(), "http://127.0.0.1:8080");
  auto b = ParseBaseUrl("https://dashscope.aliyuncs.com/compatible-mode/v1", "x");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port, 443);
  EXPECT_EQ(b->path, "/compatible-mode/v1");
  auto c = ParseBaseUrl("http://[::1]:11434", "x");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "[::1]");
  EXPECT_EQ(c->port, 11434);
  EXPECT_EQ(c->path, "");
  for (const char* bad : {"127.0.0.1:8080", "ftp://x/v1", "http://:80/v1", "http://h:99999/v1", "http://u:p@h/v1",
                          "http://h/v1?key=1"}) {
    auto r = ParseBaseUrl(bad, "providers.chat.base_url");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kBadInput);
    EXPECT_NE(r.error().message.find("providers.chat.base_url"), std::string::npos);
  }
}

}  // namespace
}  // namespace rw
