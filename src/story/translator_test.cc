// The translator against a scripted chat server on 127.0.0.1: batching, the glossary, and what a
// wrong reply does.
#include "story/translator.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "providers/chat_testing.h"
#include "story/llm_testing.h"

namespace rw {
namespace {

using nlohmann::json;
using testing::ChatReply;
using testing::FakeChatServer;
using testing::FakeReply;

// The JSON the translator put after its instructions in the last user message.
json RequestBody(const json& request) {
  std::string user = request["messages"][1]["content"];  // the ask; re-asks follow it
  return json::parse(user.substr(user.find("\n\n{") + 2), nullptr, false);
}

Bible TestBible() {
  Bible b;
  b.title = "The Dead Wife Returns";
  b.characters = {{"C01", "Mara Quinn"}, {"C02", "Victor Hale"}};
  Location office;
  office.id = "L01";
  office.name = "PENTHOUSE OFFICE";
  b.locations = {office};
  return b;
}

Glossary TestGlossary() {
  Glossary g;
  g.lang = "zh";
  g.names = {{"Mara Quinn", "玛拉·奎因"}, {"Victor Hale", "维克多·黑尔"}, {"PENTHOUSE OFFICE", ""}};
  return g;
}

std::vector<LineToTranslate> Lines(int n) {
  std::vector<LineToTranslate> lines;
  for (int i = 1; i <= n; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "L%03d", i);
    std::string text = i % 7 == 0 ? "Victor Hale, you lied to me." : "Line number " + std::to_string(i) + ".";
    lines.push_back({id, i % 2 ? "C01" : "C02", i % 2 ? "Mara Quinn" : "Victor Hale", "INT. PENTHOUSE OFFICE - NIGHT", "", "", text});
  }
  return lines;
}

// A translator that answers every line, naming people as the glossary in the request says.
FakeReply Translate(const json& request, const std::string& drop_id = "") {
  json body = RequestBody(request);
  json out = json::array();
  for (const auto& l : body["lines"]) {
    if (l["id"] == drop_id) continue;
    std::string text = "译：" + l["id"].get<std::string>();
    for (const auto& g : body["glossary"])
      if (l["text"].get<std::string>().find(g["source"].get<std::string>()) != std::string::npos)
      {
        text += ' ';
        text += g["target"].get<std::string>();
      }
    out.push_back({{"id", l["id"]}, {"text", text}});
  }
  return ChatReply(json{{"lines", out}}.dump());
}

ChatProviderSettings Chat(const std::string& url) {
  ChatProviderSettings s;
  s.base_url = url;
  s.model = "test";
  s.stream = false;
  s.max_retries = 0;
  s.max_validation_retries = 1;
  return s;
}

TEST(TranslatorTest, BatchesOfTwentyWithContextAndTheGlossaryKept) {
  FakeChatServer server([](int, const json& request) { return Translate(request); });
  ChatClient client(Chat(server.BaseUrl()));
  std::vector<CallRecord> calls;
  auto lines = Lines(45);
  auto t = LlmTranslateLines(TestBible(), "en", "zh", TestGlossary(), lines, client, &calls);
  ASSERT_TRUE(t.ok()) << t.error().ToString();

  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 3u);  // ceil(45 / 20)
  EXPECT_EQ(calls.size(), 3u);
  std::vector<size_t> sizes;
  for (const auto& r : requests) sizes.push_back(RequestBody(r.json)["lines"].size());
  EXPECT_EQ(sizes, (std::vector<size_t>{20, 20, 5}));
  EXPECT_EQ(testing::SchemaName(requests[0].json), "translation");
  // The second batch carries the end of the first, translated, for continuity.
  json second = RequestBody(requests[1].json);
  ASSERT_TRUE(second.contains("previous_lines"));
  EXPECT_EQ(second["previous_lines"].back()["id"], "L020");
  EXPECT_EQ(second["previous_lines"].back()["translation"], "译：L020");
  EXPECT_EQ(RequestBody(requests[0].json)["lines"][0]["speaker"], "Mara Quinn");

  ASSERT_EQ(t->lines.size(), 45u);
  EXPECT_EQ(t->lang, "zh");
  EXPECT_EQ(t->lines[0].id, "L001");
  EXPECT_EQ(t->lines[0].source, "Line number 1.");
  EXPECT_EQ(t->lines[0].text, "译：L001");
  EXPECT_EQ(t->lines[6].text, "译：L007 维克多·黑尔");  // the glossary's name
  ASSERT_EQ(t->glossary.size(), 2u);  // both speak; the office is never named in a line
  EXPECT_EQ(t->glossary[0].target, "玛拉·奎因");
}

// Replies in memory, as the build keeps them in its store.
class MemoryCache : public ReplyCache {
 public:
  std::optional<std::string> Find(const std::string& key) override {
    auto it = replies.find(key);
    return it == replies.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  void Keep(const std::string& key, const std::string& reply) override { replies[key] = reply; }
  std::map<std::string, std::string> replies;
};

TEST(TranslatorTest, OnlyTheBatchesWhoseLinesChangedAreAskedAgain) {
  FakeChatServer server([](int, const json& request) { return Translate(request); });
  ChatClient client(Chat(server.BaseUrl()));
  MemoryCache cache;
  auto lines = Lines(45);
  auto first = LlmTranslateLines(TestBible(), "en", "zh", TestGlossary(), lines, client, nullptr, kTranslateBatch, &cache);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(server.Requests().size(), 3u);
  EXPECT_EQ(cache.replies.size(), 3u);

  // The same lines: nothing is sent, and the translation is the same.
  std::vector<CallRecord> calls;
  auto again = LlmTranslateLines(TestBible(), "en", "zh", TestGlossary(), lines, client, &calls, kTranslateBatch, &cache);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(server.Requests().size(), 3u);
  EXPECT_TRUE(calls.empty());
  EXPECT_EQ(again->lines[44].text, first->lines[44].text);

  // A line of the last batch changed: that batch alone is asked.
  lines[42].source = "Line forty-three, rewritten.";
  auto edited = LlmTranslateLines(TestBible(), "en", "zh", TestGlossary(), lines, client, nullptr, kTranslateBatch, &cache);
  ASSERT_TRUE(edited.ok()) << edited.error().ToString();
  ASSERT_EQ(server.Requests().size(), 4u);
  EXPECT_EQ(RequestBody(server.Requests()[3].json)["lines"][0]["id"], "L041");

  // A kept reply that no longer passes the checks is not trusted: the batch is asked again.
  for (auto& [key, reply] : cache.replies) reply = R"({"lines":[]})";
  auto damaged = LlmTranslateLines(TestBible(), "en", "zh", TestGlossary(), lines, client, nullptr, kTranslateBatch, &cache);
  ASSERT_TRUE(damaged.ok()) << damaged.error().ToString();
  EXPECT_EQ(server.Requests().size(), 7u);
}

TEST(TranslatorTest, AReplyMissingALineIsAskedAgainThenFailsNamingIt) {
  FakeChatServer server([](int, const json& request) { return Translate(request, "L003"); });
  ChatClient client(Chat(server.BaseUrl()));
  auto t = LlmTranslateLines(TestBible(), "en", "zh", TestGlossary(), Lines(5), client, nullptr);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(server.Requests().size(), 2u);  // the ask and one re-ask (max_validation_retries 1)
  EXPECT_NE(t.error().message.find("L001–L005"), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("lines missing from the reply: L003"), std::string::npos) << t.error().message;
  // The re-ask told the model what was wrong.
  EXPECT_NE(testing::LastUser(server.Requests()[1].json).find("L003"), std::string::npos);
}

TEST(TranslatorTest, ANameNotWrittenAsTheGlossarySaysIsAskedAgain) {
  FakeChatServer server([](int index, const json& request) {
    if (index == 0) return ChatReply(R"({"lines":[{"id":"L001","text":"维克托，你骗了我。"}]})");
    return Translate(request);
  });
  ChatClient client(Chat(server.BaseUrl()));
  std::vector<LineToTranslate> lines = {{"L001", "C01", "Mara Quinn", "", "", "", "Victor Hale, you lied to me."}};
  auto t = LlmTranslateLines(TestBible(), "en", "zh", TestGlossary(), lines, client, nullptr);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  ASSERT_EQ(server.Requests().size(), 2u);
  EXPECT_NE(testing::LastUser(server.Requests()[1].json).find("维克多·黑尔"), std::string::npos);
  EXPECT_EQ(t->lines[0].text, "译：L001 维克多·黑尔");
}

TEST(TranslatorTest, NamesComeBackOnceEach) {
  FakeChatServer server([](int index, const json&) {
    if (index == 0) return ChatReply(R"({"names":[{"source":"Mara Quinn","target":"玛拉·奎因"}]})");
    return ChatReply(R"({"names":[{"source":"Mara Quinn","target":"玛拉·奎因"},{"source":"Victor Hale","target":"维克多·黑尔"},
                                  {"source":"PENTHOUSE OFFICE","target":"顶层办公室"}]})");
  });
  ChatClient client(Chat(server.BaseUrl()));
  auto g = LlmTranslateNames(TestBible(), "en", "zh", client, nullptr);
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  ASSERT_EQ(server.Requests().size(), 2u);
  EXPECT_NE(testing::LastUser(server.Requests()[1].json).find("\"Victor Hale\" is missing"), std::string::npos);
  ASSERT_EQ(g->names.size(), 3u);
  EXPECT_EQ(g->names[2].target, "顶层办公室");
  EXPECT_EQ(testing::SchemaName(server.Requests()[0].json), "glossary");
}

TEST(TranslatorTest, LinesAreNumberedAsTheVoiceStageNumbersThem) {
  Bible b = TestBible();
  auto script = ParseFountain(
      "INT. PENTHOUSE OFFICE - NIGHT\n\nRain on glass.\n\nVICTOR HALE\nYou're dead.\n\nMARA QUINN\n(smiling)\nYou buried a coffin.\n",
      "script.fountain");
  ASSERT_TRUE(script.ok());
  auto lines = LinesToTranslate(*script, b);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].id, "L001");
  EXPECT_EQ(lines[0].character, "C02");
  EXPECT_EQ(lines[0].context, "Rain on glass.");
  EXPECT_EQ(lines[1].id, "L002");
  EXPECT_EQ(lines[1].parenthetical, "smiling");
  EXPECT_EQ(lines[1].context, "");
}

}  // namespace
}  // namespace rw
