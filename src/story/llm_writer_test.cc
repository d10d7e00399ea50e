#include "story/llm_writer.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "providers/chat_testing.h"
#include "story/llm_testing.h"
#include "schema/yaml_io.h"
#include "story/fountain.h"

namespace rw {
namespace {

using nlohmann::json;
using testing::ChatReply;
using testing::FakeChatServer;
using testing::FakeReply;
using testing::Canned;
using testing::kArc;
using testing::kBeats;
using testing::kBible;
using testing::kScript;
using testing::LastUser;
using testing::SchemaName;

Settings MakeSettings(const std::string& base_url) {
  Settings s;
  s.title = "";
  s.idea = "A wife betrayed by her husband fakes her death and returns as his biggest investor";
  s.genre = "revenge";
  s.lang = "en";
  s.episodes = 3;
  s.writer = "llm";
  s.providers.chat.base_url = base_url;
  s.providers.chat.model = "fake-writer";
  s.providers.chat.timeout_s = 5;
  return s;
}


TEST(LlmWriter, WritesEveryStageFromCannedReplies) {
  FakeChatServer server([](int, const json& request) { return Canned(request); });
  Settings settings = MakeSettings(server.BaseUrl());
  ChatClient client(settings.providers.chat);
  std::vector<CallRecord> calls;

  auto bible = LlmWriteBible(settings, client, &calls);
  ASSERT_TRUE(bible.ok()) << bible.error().ToString();
  ASSERT_EQ(bible->characters.size(), 3u);
  EXPECT_EQ(bible->title, "The Dead Wife Returns");
  EXPECT_EQ(bible->lang, "en");
  // Voices: the model's own kept, the empty ones filled, all distinct.
  EXPECT_EQ(bible->characters[1].voice.variant, "m3");
  EXPECT_EQ(bible->characters[1].voice.pitch, 30);
  std::set<std::pair<std::string, int>> voices;
  for (const auto& c : bible->characters) {
    EXPECT_EQ(c.voice.engine, "espeak");
    EXPECT_EQ(c.voice.voice, "en-us");
    EXPECT_FALSE(c.voice.variant.empty());
    EXPECT_GT(c.voice.rate, 100);
    voices.insert({c.voice.variant, c.voice.pitch});
  }
  EXPECT_EQ(voices.size(), 3u);
  EXPECT_EQ(bible->characters[0].voice.variant.substr(0, 1), "f");
  // The bible is a valid file.
  auto reread = ParseYaml<Bible>(ToYaml(*bible), "bible.yaml");
  ASSERT_TRUE(reread.ok()) << reread.error().ToString();

  auto arc = LlmWriteArc(settings, *bible, client, &calls);
  ASSERT_TRUE(arc.ok()) << arc.error().ToString();
  ASSERT_EQ(arc->episodes.size(), 3u);
  for (const auto& e : arc->episodes) EXPECT_FALSE(e.paywall);  // paywall_episode 10 is past the season

  auto beats = LlmWriteBeats(settings, *bible, *arc, 1, client, &calls);
  ASSERT_TRUE(beats.ok()) << beats.error().ToString();
  ASSERT_EQ(beats->beats.size(), 5u);
  EXPECT_EQ(beats->episode, 1);
  EXPECT_EQ(beats->title, "The Dead Wife Walks In");
  EXPECT_EQ(beats->beats[0].id, "B01");
  EXPECT_EQ(beats->beats[4].id, "B05");
  EXPECT_EQ(beats->beats[0].target_s, 0);
  EXPECT_EQ(beats->beats[1].target_s, 8);
  EXPECT_EQ(beats->beats[4].target_s, 70);
  auto beats_file = ParseYaml<Beats>(ToYaml(*beats), "beats.yaml");
  ASSERT_TRUE(beats_file.ok()) << beats_file.error().ToString();

  auto script = LlmWriteScript(settings, *bible, *beats, client, &calls);
  ASSERT_TRUE(script.ok()) << script.error().ToString();
  auto play = ParseFountain(*script, "script.fountain");
  ASSERT_TRUE(play.ok()) << play.error().ToString();
  std::vector<std::string> sections;
  int headings = 0;
  for (const auto& e : play->elements) {
    if (e.kind == ScriptElementKind::kSection) sections.push_back(e.text);
    if (e.kind == ScriptElementKind::kSceneHeading) ++headings;
  }
  EXPECT_EQ(sections, std::vector<std::string>({"B01 hook", "B02 conflict", "B03 reversal", "B04 climax", "B05 cliffhanger"}));
  EXPECT_EQ(headings, 2);  // one per change of location
  auto units = ScriptUnits(*play);
  int dialogue = 0, actions = 0;
  for (const auto& u : units) {
    EXPECT_FALSE(u.beat.empty());
    if (u.kind != ScriptUnit::Kind::kDialogue) {
      ++actions;
      continue;
    }
    ++dialogue;
    EXPECT_NE(bible->FindCharacterByName(u.character), nullptr) << u.character;
  }
  EXPECT_EQ(dialogue, 7);
  EXPECT_EQ(actions, 5);  // the rooftop paragraph pair is two action paragraphs
  EXPECT_EQ(units[1].character, "VICTOR HALE");
  EXPECT_EQ(units[1].beat, "B01");
  EXPECT_EQ(units[2].parenthetical, "smiling");
  EXPECT_NE(script->find("Reelwright (LLM writer, fake-writer)"), std::string::npos);

  EXPECT_EQ(calls.size(), 4u);
  for (const auto& c : calls) EXPECT_EQ(c.outcome, "ok");

  // The prompts carry the craft numbers and the schemas.
  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 4u);
  std::string system = requests[0].json["messages"][0]["content"];
  EXPECT_NE(system.find("Hook inside the first 3 s"), std::string::npos) << system;
  EXPECT_NE(system.find("conflict is on screen by 30 s"), std::string::npos);
  EXPECT_NE(system.find("face-slap"), std::string::npos);
  EXPECT_EQ(requests[0].json["response_format"]["json_schema"]["schema"], LlmBibleSchema());
  EXPECT_EQ(requests[3].json["response_format"]["json_schema"]["schema"], LlmScriptSchema());
  EXPECT_NE(LastUser(requests[1].json).find("Mara Quinn"), std::string::npos);          // the arc sees the bible
  EXPECT_NE(LastUser(requests[3].json).find("INT. PENTHOUSE OFFICE - NIGHT"), std::string::npos);
}

TEST(LlmWriter, VoicesAreDeterministic) {
  FakeChatServer server([](int, const json& request) { return Canned(request); });
  Settings settings = MakeSettings(server.BaseUrl());
  ChatClient client(settings.providers.chat);
  auto a = LlmWriteBible(settings, client, nullptr);
  auto b = LlmWriteBible(settings, client, nullptr);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(ToYaml(*a), ToYaml(*b));
}

TEST(LlmWriter, InvalidBibleIsReaskedWithTheError) {
  FakeChatServer server([](int index, const json&) {
    if (index > 0) return ChatReply(kBible);
    json two = json::parse(kBible);
    two["characters"].erase(2);
    return ChatReply(two.dump());
  });
  Settings settings = MakeSettings(server.BaseUrl());
  ChatClient client(settings.providers.chat);
  std::vector<CallRecord> calls;
  auto bible = LlmWriteBible(settings, client, &calls);
  ASSERT_TRUE(bible.ok()) << bible.error().ToString();
  EXPECT_EQ(bible->characters.size(), 3u);
  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(LastUser(requests[1].json).find("at least 3 characters"), std::string::npos) << LastUser(requests[1].json);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].outcome.rfind("invalid: characters: the bible needs at least 3 characters", 0), 0u) << calls[0].outcome;
}

TEST(LlmWriter, TypeErrorsNameTheField) {
  FakeChatServer server([](int index, const json&) {
    if (index > 0) return ChatReply(kBible);
    json bad = json::parse(kBible);
    bad["characters"][1]["palette"][0] = "navy";
    return ChatReply(bad.dump());
  });
  Settings settings = MakeSettings(server.BaseUrl());
  ChatClient client(settings.providers.chat);
  auto bible = LlmWriteBible(settings, client, nullptr);
  ASSERT_TRUE(bible.ok()) << bible.error().ToString();
  EXPECT_NE(LastUser(server.Requests()[1].json).find("characters[1].palette: 'navy' is not a #RRGGBB colour"), std::string::npos)
      << LastUser(server.Requests()[1].json);
}

TEST(LlmWriter, ArcMustHaveEveryEpisode) {
  FakeChatServer server([](int, const json&) {
    json arc = json::parse(kArc);
    arc["episodes"].erase(2);
    return ChatReply(arc.dump());
  });
  Settings settings = MakeSettings(server.BaseUrl());
  settings.providers.chat.max_validation_retries = 1;
  ChatClient client(settings.providers.chat);
  json b = json::parse(kBible);
  b["schema"] = "Bible.1";
  auto parsed = ParseYaml<Bible>(b.dump(), "bible");
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  auto arc = LlmWriteArc(settings, *parsed, client, nullptr);
  ASSERT_FALSE(arc.ok());
  EXPECT_NE(arc.error().message.find("expected exactly 3 entries"), std::string::npos) << arc.error().ToString();
  EXPECT_EQ(server.Requests().size(), 2u);
}

TEST(LlmWriter, PaywallFollowsTheSettings) {
  FakeChatServer server([](int, const json&) {
    json arc = json::parse(R"js({"episodes": []})js");
    for (int i = 1; i <= 6; ++i)
      arc["episodes"].push_back({{"number", i}, {"title", std::string("T") += std::to_string(i)}, {"turn", "t"}, {"satisfaction", "rescue"},
                                 {"hook", "crisis"}, {"cliffhanger", "?"}, {"paywall", i == 1}});
    return ChatReply(arc.dump());
  });
  Settings settings = MakeSettings(server.BaseUrl());
  settings.episodes = 6;
  settings.paywall_episode = 5;
  ChatClient client(settings.providers.chat);
  json b = json::parse(kBible);
  b["schema"] = "Bible.1";
  auto bible = ParseYaml<Bible>(b.dump(), "bible");
  ASSERT_TRUE(bible.ok());
  auto arc = LlmWriteArc(settings, *bible, client, nullptr);
  ASSERT_TRUE(arc.ok()) << arc.error().ToString();
  for (const auto& e : arc->episodes) EXPECT_EQ(e.paywall, e.number == 5);
  std::string system = server.Requests()[0].json["messages"][0]["content"];
  EXPECT_NE(system.find("Episode 5 is the paywall episode"), std::string::npos);
}

TEST(LlmWriter, BeatsWithUnknownCastAreReasked) {
  FakeChatServer server([](int index, const json&) {
    if (index > 0) return ChatReply(kBeats);
    json bad = json::parse(kBeats);
    bad["beats"][2]["cast"].push_back("C09");
    return ChatReply(bad.dump());
  });
  Settings settings = MakeSettings(server.BaseUrl());
  ChatClient client(settings.providers.chat);
  json b = json::parse(kBible);
  b["schema"] = "Bible.1";
  json a = json::parse(kArc);
  a["schema"] = "Arc.1";
  auto bible = ParseYaml<Bible>(b.dump(), "bible");
  auto arc = ParseYaml<Arc>(a.dump(), "arc");
  ASSERT_TRUE(bible.ok() && arc.ok());
  auto beats = LlmWriteBeats(settings, *bible, *arc, 1, client, nullptr);
  ASSERT_TRUE(beats.ok()) << beats.error().ToString();
  EXPECT_NE(LastUser(server.Requests()[1].json).find("beats[2].cast: 'C09' is not a bible character id"), std::string::npos);
  // The beats prompt carries the arc entry and the rhythm.
  std::string prompt = server.Requests()[0].json["messages"][1]["content"];
  EXPECT_NE(prompt.find("Who tipped Victor off?"), std::string::npos);
  EXPECT_NE(prompt.find("a climax beat starts by 60 s"), std::string::npos);
}

TEST(LlmWriter, BeatsMustEndOnACliffhangerInTheWindow) {
  FakeChatServer server([](int, const json&) {
    json bad = json::parse(kBeats);
    bad["beats"][4]["estimate_s"] = 15;
    return ChatReply(bad.dump());
  });
  Settings settings = MakeSettings(server.BaseUrl());
  settings.providers.chat.max_validation_retries = 0;
  ChatClient client(settings.providers.chat);
  json b = json::parse(kBible);
  b["schema"] = "Bible.1";
  json a = json::parse(kArc);
  a["schema"] = "Arc.1";
  auto bible = ParseYaml<Bible>(b.dump(), "bible");
  auto arc = ParseYaml<Arc>(a.dump(), "arc");
  ASSERT_TRUE(bible.ok() && arc.ok());
  auto beats = LlmWriteBeats(settings, *bible, *arc, 1, client, nullptr);
  ASSERT_FALSE(beats.ok());
  EXPECT_NE(beats.error().message.find("it must fit in the last 10 s"), std::string::npos) << beats.error().ToString();
}

TEST(LlmWriter, ScriptSpeakersMustBeInTheBible) {
  FakeChatServer server([](int, const json&) {
    json bad = json::parse(kScript);
    bad["scenes"][1]["elements"][0]["character"] = "DETECTIVE";
    return ChatReply(bad.dump());
  });
  Settings settings = MakeSettings(server.BaseUrl());
  settings.providers.chat.max_validation_retries = 1;
  ChatClient client(settings.providers.chat);
  json b = json::parse(kBible);
  b["schema"] = "Bible.1";
  json be = json::parse(kBeats);
  be["schema"] = "Beats.1";
  for (size_t i = 0; i < be["beats"].size(); ++i) be["beats"][i]["id"] = "B0" + std::to_string(i + 1);
  auto bible = ParseYaml<Bible>(b.dump(), "bible");
  auto beats = ParseYaml<Beats>(be.dump(), "beats");
  ASSERT_TRUE(bible.ok() && beats.ok()) << (beats.ok() ? "" : beats.error().ToString());
  auto script = LlmWriteScript(settings, *bible, *beats, client, nullptr);
  ASSERT_FALSE(script.ok());
  EXPECT_NE(script.error().message.find("scenes[1].elements[0].character: 'DETECTIVE' is not a bible character"),
            std::string::npos)
      << script.error().ToString();
  EXPECT_EQ(server.Requests().size(), 2u);
}

TEST(LlmWriter, ChineseSeriesIsWrittenNatively) {
  const char* bible_zh = R"js({"title": "她从地狱归来", "logline": "被丈夫害死的林晚换了身份回来复仇。", "genre": "revenge", "lang": "zh",
    "style": ["高反差夜景打光", "浅景深特写"],
    "characters": [
      {"id": "C01", "name": "林晚", "role": "protagonist", "gender": "female", "age": 28, "want": "夺回公司", "secret": "她没死",
       "arc": "从受害者到猎人", "voice": {"engine": "espeak", "voice": "", "variant": "", "pitch": 0, "rate": 0},
       "look": ["黑色长发", "红色风衣"], "palette": ["#B22222", "#111111"]},
      {"id": "C02", "name": "顾沉", "role": "antagonist", "gender": "male", "age": 33, "want": "守住帝国", "secret": "火是他放的",
       "arc": "从王座到废墟", "voice": {"engine": "espeak", "voice": "en-us", "variant": "", "pitch": 0, "rate": 0},
       "look": ["背头", "深蓝西装"], "palette": ["#1F2A44", "#C9A227"]},
      {"id": "C03", "name": "苏念", "role": "ally", "gender": "female", "age": 25, "want": "报恩", "secret": "她替顾沉做事",
       "arc": "从卧底到朋友", "voice": {"engine": "espeak", "voice": "", "variant": "", "pitch": 0, "rate": 0},
       "look": ["圆框眼镜", "薄荷色开衫"], "palette": ["#98D8C8", "#F7F7F7"]}],
    "locations": [{"id": "L01", "name": "总裁办公室", "interior": true, "time": "NIGHT", "kind": "office",
       "look": ["落地窗"], "palette": ["#0B1D2A"]}]})js";
  const char* beats_zh = R"js({"episode": 1, "title": "死去的新娘回来了", "beats": [
    {"id": "B01", "function": "hook", "target_s": 0, "estimate_s": 10, "emotion": {"valence": -0.5, "arousal": 0.9},
     "cast": ["C01", "C02"], "location": "L01", "summary": "林晚推门而入。", "satisfaction": "身份揭晓"},
    {"id": "B02", "function": "conflict", "target_s": 10, "estimate_s": 25, "emotion": {"valence": -0.4, "arousal": 0.7},
     "cast": ["C01", "C02"], "location": "L01", "summary": "顾沉威胁她。", "satisfaction": ""},
    {"id": "B03", "function": "climax", "target_s": 35, "estimate_s": 30, "emotion": {"valence": 0.6, "arousal": 0.9},
     "cast": ["C01", "C02", "C03"], "location": "L01", "summary": "苏念拿出合同。", "satisfaction": "打脸"},
    {"id": "B04", "function": "cliffhanger", "target_s": 65, "estimate_s": 8, "emotion": {"valence": -0.3, "arousal": 0.8},
     "cast": ["C03"], "location": "L01", "summary": "苏念拨通了顾沉的电话。", "satisfaction": ""}]})js";
  const char* script_zh = R"js({"scenes": [
    {"heading": "INT. 总裁办公室 - NIGHT", "beat": "B01", "elements": [
      {"type": "action", "character": "", "parenthetical": "", "text": "雨夜。门被推开，林晚一身红衣站在门口。"},
      {"type": "dialogue", "character": "C02", "parenthetical": "", "text": "你不是已经死了吗？"}]},
    {"heading": "INT. 总裁办公室 - NIGHT", "beat": "B02", "elements": [
      {"type": "dialogue", "character": "林晚", "parenthetical": "（冷笑）", "text": "我回来收债了。"}]},
    {"heading": "INT. 总裁办公室 - NIGHT", "beat": "B03", "elements": [
      {"type": "dialogue", "character": "C03", "parenthetical": "", "text": "百分之五十一，她是最大股东。"}]},
    {"heading": "INT. 总裁办公室 - NIGHT", "beat": "B04", "elements": [
      {"type": "action", "character": "", "parenthetical": "", "text": "苏念躲进走廊，拨通电话。"},
      {"type": "dialogue", "character": "C03", "parenthetical": "低声", "text": "她都知道了。"}]}]})js";
  FakeChatServer server([&](int, const json& request) {
    std::string name = SchemaName(request);
    if (name == "bible") return ChatReply(bible_zh);
    if (name == "beats") return ChatReply(beats_zh);
    return ChatReply(script_zh);
  });
  Settings settings = MakeSettings(server.BaseUrl());
  settings.lang = "zh";
  settings.title = "她从地狱归来";
  settings.idea = "婚礼当晚被陷害的新娘五年后归来复仇";
  settings.episodes = 1;
  ChatClient client(settings.providers.chat);
  auto bible = LlmWriteBible(settings, client, nullptr);
  ASSERT_TRUE(bible.ok()) << bible.error().ToString();
  for (const auto& c : bible->characters) EXPECT_EQ(c.voice.voice, "cmn") << c.name;
  std::string system = server.Requests()[0].json["messages"][0]["content"];
  EXPECT_NE(system.find("简体中文"), std::string::npos);
  EXPECT_NE(server.Requests()[0].json["messages"][1]["content"].get<std::string>().find("婚礼当晚"), std::string::npos);

  Arc arc;
  arc.episodes.push_back(ArcEpisode{1, "死去的新娘回来了", "她回来了", "身份揭晓", "crisis", "谁出卖了她？", false});
  auto beats = LlmWriteBeats(settings, *bible, arc, 1, client, nullptr);
  ASSERT_TRUE(beats.ok()) << beats.error().ToString();
  auto script = LlmWriteScript(settings, *bible, *beats, client, nullptr);
  ASSERT_TRUE(script.ok()) << script.error().ToString();
  EXPECT_NE(script->find("@顾沉"), std::string::npos) << *script;
  EXPECT_NE(script->find(bible->locations[0].Heading()), std::string::npos) << *script;
  auto play = ParseFountain(*script, "script.fountain");
  ASSERT_TRUE(play.ok()) << play.error().ToString();
  int dialogue = 0;
  for (const auto& u : ScriptUnits(*play)) {
    if (u.kind != ScriptUnit::Kind::kDialogue) continue;
    ++dialogue;
    EXPECT_NE(bible->FindCharacterByName(u.character), nullptr) << u.character;
    if (u.text == "我回来收债了。") {
      EXPECT_EQ(u.parenthetical, "冷笑");
    }
  }
  EXPECT_EQ(dialogue, 4);
}

// OpenAI strict mode: every object lists all its properties as required and allows no others.
void ExpectStrict(const json& schema, const std::string& path) {
  if (schema.value("type", "") == "object") {
    ASSERT_TRUE(schema.contains("properties")) << path;
    EXPECT_EQ(schema["additionalProperties"], false) << path;
    std::set<std::string> keys, required;
    for (const auto& [k, v] : schema["properties"].items()) {
      keys.insert(k);
      ExpectStrict(v, path + "." + k);
    }
    for (const auto& r : schema["required"]) required.insert(r.get<std::string>());
    EXPECT_EQ(keys, required) << path;
  }
  if (schema.value("type", "") == "array") ExpectStrict(schema["items"], path + "[]");
}

std::set<std::string> Keys(const json& object_schema) {
  std::set<std::string> out;
  for (const auto& [k, v] : object_schema["properties"].items()) out.insert(k);
  return out;
}

std::set<std::string> FieldNames(const Json& value) {
  std::set<std::string> out;
  for (const auto& [k, v] : value.items())
    if (k != "schema") out.insert(k);
  return out;
}

TEST(LlmWriter, SchemasAreStrictAndMatchTheDomainFields) {
  ExpectStrict(LlmBibleSchema(), "bible");
  ExpectStrict(LlmArcSchema(), "arc");
  ExpectStrict(LlmBeatsSchema(), "beats");
  ExpectStrict(LlmScriptSchema(), "script");
  json bible = LlmBibleSchema();
  EXPECT_EQ(Keys(bible), FieldNames(ToJson(Bible{})));
  EXPECT_EQ(Keys(bible["properties"]["characters"]["items"]), FieldNames(ToJson(Character{})));
  EXPECT_EQ(Keys(bible["properties"]["characters"]["items"]["properties"]["voice"]), FieldNames(ToJson(VoiceSpec{})));
  EXPECT_EQ(Keys(bible["properties"]["locations"]["items"]), FieldNames(ToJson(Location{})));
  json arc = LlmArcSchema();
  EXPECT_EQ(Keys(arc), FieldNames(ToJson(Arc{})));
  EXPECT_EQ(Keys(arc["properties"]["episodes"]["items"]), FieldNames(ToJson(ArcEpisode{})));
  json beats = LlmBeatsSchema();
  EXPECT_EQ(Keys(beats), FieldNames(ToJson(Beats{})));
  EXPECT_EQ(Keys(beats["properties"]["beats"]["items"]), FieldNames(ToJson(Beat{})));
}

TEST(LlmWriter, JsonObjectModeWorksToo) {
  FakeChatServer server([](int, const json&) { return ChatReply("```json\n" + std::string(kBible) + "\n```"); });
  Settings settings = MakeSettings(server.BaseUrl());
  settings.providers.chat.json_schema = false;
  ChatClient client(settings.providers.chat);
  auto bible = LlmWriteBible(settings, client, nullptr);
  ASSERT_TRUE(bible.ok()) << bible.error().ToString();
  auto request = server.Requests()[0].json;
  EXPECT_EQ(request["response_format"]["type"], "json_object");
  EXPECT_NE(request["messages"][0]["content"].get<std::string>().find(LlmBibleSchema().dump()), std::string::npos);
}

}  // namespace
}  // namespace rw
