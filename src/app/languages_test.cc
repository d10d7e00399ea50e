// Delivery languages end to end: a series in English with `languages: [zh]` builds, besides its
// English episode, ep001.zh.ass from the translated lines on the original cue times and a
// Chinese dub, mixed and rendered as ep001.zh.mp4 — from a person's hand-written lines file (no
// server), or from a scripted chat server on 127.0.0.1 (that test stops at the mix: the render
// stage is the same either way, and it is the slow one). A person's edit to the translation is
// kept and flows on.
#include <gtest/gtest.h>

#include <set>

#include "app/control.h"
#include "app/export.h"
#include "app/pipeline.h"
#include "app/series.h"
#include "base/file.h"
#include "base/progress.h"
#include "base/wav.h"
#include "post/ff_testing.h"
#include "post/inspect.h"
#include "providers/chat_testing.h"
#include "schema/bible.h"
#include "schema/translation.h"
#include "schema/voice_track.h"
#include "schema/yaml_io.h"
#include "story/fountain.h"
#include "story/llm_testing.h"
#include "story/translator.h"

namespace rw {
namespace {

using nlohmann::json;

class LanguagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Progress::SetMode(false, true);
    root_ = fs::temp_directory_path() / ("rw_languages_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void NewSeries(const std::string& chat_url, bool music) {
    Settings s;
    s.idea = "A wife betrayed by her husband comes back as his biggest investor.";
    s.episodes = 1;
    s.seed = 4;
    s.preset = "preview";
    s.music.enabled = music;
    s.languages = {"zh"};
    if (!chat_url.empty()) {
      s.providers.chat.base_url = chat_url;
      s.providers.chat.model = "test";
      s.providers.chat.stream = false;
      s.providers.chat.max_retries = 0;
      s.providers.chat.max_validation_retries = 1;
    }
    ASSERT_TRUE(CreateSeries(root_, s).ok());
  }
  Result<BuildSummary> Build(const std::string& until = "") {
    BuildRequest r;
    r.until = until;
    return BuildSeries(root_, r);
  }
  std::vector<LineToTranslate> ScriptLines() {
    auto bible = LoadYaml<Bible>(root_ / "bible.yaml", "bible.yaml");
    auto text = ReadFile(root_ / "episodes/ep001/script.fountain");
    EXPECT_TRUE(bible.ok() && text.ok());
    auto script = ParseFountain(*text, "script.fountain");
    EXPECT_TRUE(script.ok());
    return LinesToTranslate(*script, *bible);
  }
  std::string Read(const std::string& rel) {
    auto text = ReadFile(root_ / rel);
    return text.ok() ? *text : "";
  }
  // The English and the Chinese episode's audio differ: a different dub under the same picture.
  void ExpectDubbedAudio() {
    fs::path en = root_ / "episodes/ep001/ep001.en.preview.mp4", zh = root_ / "episodes/ep001/ep001.zh.preview.mp4";
    ASSERT_TRUE(fs::exists(en));
    ASSERT_TRUE(fs::exists(zh));
    int rate_en = 0, rate_zh = 0;
    auto a = ff::testing::DecodeAudioLeft(en, &rate_en), b = ff::testing::DecodeAudioLeft(zh, &rate_zh);
    ASSERT_EQ(rate_en, rate_zh);
    ASSERT_GT(a.size(), 48000u);
    // Same length to within an AAC frame or two: the picture's timing held.
    EXPECT_NEAR(static_cast<double>(a.size()), static_cast<double>(b.size()), 4096);
    std::vector<float> diff(std::min(a.size(), b.size()));
    for (size_t i = 0; i < diff.size(); ++i) diff[i] = a[i] - b[i];
    EXPECT_GT(ff::testing::Rms(diff, 0, diff.size()), 0.1 * ff::testing::Rms(a, 0, a.size()));
    EXPECT_GT(ff::testing::Rms(b, 0, b.size()), 0.01);  // the dub is not silence
  }
  // The same for the mixes, before the render.
  void ExpectDubbedMix() {
    auto en = ReadWav(root_ / "episodes/ep001/mix.wav"), zh = ReadWav(root_ / "episodes/ep001/lang/zh/mix.wav");
    ASSERT_TRUE(en.ok() && zh.ok());
    ASSERT_EQ(en->samples.size(), zh->samples.size());  // the picture's length, to the sample
    double diff = 0, level = 0;
    for (size_t i = 0; i < en->samples.size(); ++i) {
      double d = static_cast<double>(en->samples[i]) - zh->samples[i];
      diff += d * d;
      level += static_cast<double>(en->samples[i]) * en->samples[i];
    }
    EXPECT_GT(diff, 0.01 * level);
  }
  fs::path root_;
};

TEST_F(LanguagesTest, AHandWrittenTranslationIsDubbedSubtitledAndRenderedWithoutAServer) {
  NewSeries("", true);
  ASSERT_TRUE(Build("script").ok());
  Translation mine;
  mine.lang = "zh";
  for (const auto& l : ScriptLines()) mine.lines.push_back({l.id, l.character, l.source, "你好，这是第" + l.id.substr(1) + "句。"});
  ASSERT_GT(mine.lines.size(), 3u);
  ASSERT_TRUE(WriteFileAtomic(root_ / "episodes/ep001/lang/zh/lines.yaml", ToYaml(mine)).ok());
  std::string written = Read("episodes/ep001/lang/zh/lines.yaml");

  auto built = Build();
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  EXPECT_EQ(Read("episodes/ep001/lang/zh/lines.yaml"), written);  // the person's file, untouched
  EXPECT_FALSE(fs::exists(root_ / "episodes/ep001/lang/zh/variants"));
  std::string ass = Read("episodes/ep001/ep001.zh.ass");
  EXPECT_NE(ass.find("你好，这是第001句。"), std::string::npos) << ass;
  EXPECT_EQ(ass.find(mine.lines[0].source), std::string::npos);
  // On the English cue times: the same number of cues, at the same starts.
  std::string srt_en = Read("episodes/ep001/ep001.en.srt"), srt_zh = Read("episodes/ep001/ep001.zh.srt");
  auto times = [](const std::string& srt) {
    std::vector<std::string> out;
    for (size_t at = srt.find(" --> "); at != std::string::npos; at = srt.find(" --> ", at + 1)) out.push_back(srt.substr(at - 12, 29));
    return out;
  };
  EXPECT_EQ(times(srt_en), times(srt_zh));
  // Every dubbed line is exactly its English slot long.
  auto en = LoadYaml<VoiceTrack>(root_ / "episodes/ep001/voice/lines.yaml", "en");
  auto zh = LoadYaml<VoiceTrack>(root_ / "episodes/ep001/lang/zh/voice/lines.yaml", "zh");
  ASSERT_TRUE(en.ok() && zh.ok());
  ASSERT_EQ(en->lines.size(), zh->lines.size());
  for (size_t i = 0; i < en->lines.size(); ++i) {
    EXPECT_EQ(zh->lines[i].samples, en->lines[i].samples) << zh->lines[i].id;
    EXPECT_EQ(zh->lines[i].text, mine.lines[i].text);
  }
  ExpectDubbedMix();
  ExpectDubbedAudio();
  bool listed = false;
  for (const auto& f : built->episodes.at(0).files) listed |= f == "episodes/ep001/ep001.zh.preview.mp4";
  EXPECT_TRUE(listed);
  // The Chinese episode shows the panels without their English words (caption box and scene
  // strip at the top), and the same picture below them.
  EXPECT_TRUE(fs::exists(root_ / "episodes/ep001/clips/S001.textless.plate.json"));
  const std::set<int> at = {120, 360, 600, 840};  // past the AI label's first 2 s
  auto en_frames = ff::testing::LumaFrames(root_ / "episodes/ep001/ep001.en.preview.mp4", at);
  auto zh_frames = ff::testing::LumaFrames(root_ / "episodes/ep001/ep001.zh.preview.mp4", at);
  ASSERT_EQ(en_frames.size(), at.size());
  ASSERT_EQ(zh_frames.size(), at.size());
  int worded = 0;
  for (int i : at) {
    const int w = 540, h = 960;
    double top = ff::testing::MeanAbsDiff(en_frames[i], zh_frames[i], w, 0, h / 5);
    double middle = ff::testing::MeanAbsDiff(en_frames[i], zh_frames[i], w, h * 2 / 5, h * 3 / 5);
    EXPECT_LT(middle, 3.0) << "frame " << i;
    worded += top > 3 * middle + 4;
  }
  EXPECT_GE(worded, 3) << "the English words stayed in the Chinese episode's picture";
  // The Chinese episode credits the translation to the person who wrote it; the English one has
  // no translation to credit.
  auto zh_tags = InspectMedia(root_ / "episodes/ep001/ep001.zh.preview.mp4");
  ASSERT_TRUE(zh_tags.ok()) << zh_tags.error().ToString();
  EXPECT_NE(zh_tags->tags["authorship"].find("; translation: person 100% of lines"), std::string::npos)
      << zh_tags->tags["authorship"];
  auto en_tags = InspectMedia(root_ / "episodes/ep001/ep001.en.preview.mp4");
  ASSERT_TRUE(en_tags.ok());
  EXPECT_EQ(en_tags->tags["authorship"].find("translation"), std::string::npos) << en_tags->tags["authorship"];
  // The export carries the Chinese episode and its subtitles beside the English.
  fs::path out = root_.string() + "_export";
  fs::remove_all(out);
  auto exported = ExportSeries(root_, out, "");
  ASSERT_TRUE(exported.ok()) << exported.error().ToString();
  EXPECT_TRUE(fs::exists(out / "episodes/ep001.zh.mp4"));
  EXPECT_TRUE(fs::exists(out / "subtitles/ep001.zh.ass"));
  EXPECT_NE(Read("../" + root_.filename().string() + "_export/manifest.json").find("ep001.zh.mp4"), std::string::npos);
  fs::remove_all(out);

  // Nothing changed: nothing runs. An edit to the translation reruns the Chinese side only.
  auto again = Build();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ran, 0);
  mine.lines[0].text = "改过的第一句。";
  ASSERT_TRUE(WriteFileAtomic(root_ / "episodes/ep001/lang/zh/lines.yaml", ToYaml(mine)).ok());
  auto edited = Build("subtitles");
  ASSERT_TRUE(edited.ok()) << edited.error().ToString();
  EXPECT_NE(Read("episodes/ep001/ep001.zh.ass").find("改过的第一句。"), std::string::npos);
  for (const auto& r : edited->reports) {
    if (r.outcome == StageOutcome::kRan) {
      EXPECT_NE(r.name.find("/zh/"), std::string::npos) << r.name;
    }
  }
}

TEST_F(LanguagesTest, WithoutAServerOrAPersonsFileTheTranslationFailsClearlyAfterTheSeriesLanguage) {
  NewSeries("", false);
  auto built = Build("subtitles");
  ASSERT_FALSE(built.ok());
  std::string message = built.error().ToString();
  EXPECT_NE(message.find("stage ep001/zh/translate failed"), std::string::npos) << message;
  EXPECT_NE(message.find("providers.chat"), std::string::npos) << message;
  EXPECT_NE(message.find("episodes/ep001/lang/zh/lines.yaml"), std::string::npos) << message;
  EXPECT_TRUE(fs::exists(root_ / "episodes/ep001/ep001.en.ass"));  // the series language was built first
  EXPECT_FALSE(fs::exists(root_ / "episodes/ep001/lang/zh/lines.yaml"));
  // Status shows the language's row and the failure.
  auto status = SeriesStatus(root_, BuildRequest{});
  ASSERT_TRUE(status.ok());
  bool failed = false;
  for (const auto& s : *status) failed |= s.name == "ep001/zh/translate" && s.state == StageState::kFailed;
  EXPECT_TRUE(failed);
}

// A chat server that translates names and lines, counting its calls.
testing::FakeReply Translator(const json& request) {
  std::string schema = testing::SchemaName(request);
  std::string user = request["messages"][1]["content"];  // the ask; re-asks follow it
  json body = json::parse(user.substr(user.find("\n\n{") + 2), nullptr, false);
  if (schema == "glossary") {
    json names = json::array();
    for (const auto& n : body["names"]) names.push_back({{"source", n}, {"target", "名" + std::to_string(names.size() + 1)}});
    return testing::ChatReply(json{{"names", names}}.dump());
  }
  json lines = json::array();
  for (const auto& l : body["lines"]) {
    std::string text = "中文" + l["id"].get<std::string>();
    for (const auto& g : body["glossary"])
      if (l["text"].get<std::string>().find(g["source"].get<std::string>()) != std::string::npos)
        text += g["target"].get<std::string>();
    lines.push_back({{"id", l["id"]}, {"text", text + "。"}});
  }
  return testing::ChatReply(json{{"lines", lines}}.dump());
}

TEST_F(LanguagesTest, TheChatServerTranslatesAndAPersonsEditSurvivesARebuild) {
  testing::FakeChatServer server([](int, const json& request) { return Translator(request); });
  NewSeries(server.BaseUrl(), false);
  auto built = Build("score");  // the render is the same stage as without a server (above)
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  size_t lines = ScriptLines().size();
  ASSERT_GT(lines, 0u);
  EXPECT_EQ(server.Requests().size(), 1 + (lines + 19) / 20);  // the glossary, then batches of 20
  auto glossary = LoadYaml<Glossary>(root_ / "lang/zh/glossary.yaml", "glossary");
  ASSERT_TRUE(glossary.ok()) << glossary.error().ToString();
  EXPECT_EQ(glossary->names.at(0).target, "名1");
  auto made = LoadYaml<Translation>(root_ / "episodes/ep001/lang/zh/lines.yaml", "lines.yaml");
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  ASSERT_EQ(made->lines.size(), lines);
  std::string ass = Read("episodes/ep001/ep001.zh.ass");
  EXPECT_NE(ass.find("中文L001"), std::string::npos) << ass;
  EXPECT_NE(ass.find(",名"), std::string::npos) << ass;  // speakers named as the glossary says
  ExpectDubbedMix();

  // A person rewrites a line: kept, no server call, and it reaches the subtitles.
  made->lines[0].text = "我亲手改的台词。";
  ASSERT_TRUE(WriteFileAtomic(root_ / "episodes/ep001/lang/zh/lines.yaml", ToYaml(*made)).ok());
  std::string edited = Read("episodes/ep001/lang/zh/lines.yaml");
  size_t calls = server.Requests().size();
  auto rebuilt = Build("score");
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().ToString();
  EXPECT_EQ(server.Requests().size(), calls);
  EXPECT_EQ(Read("episodes/ep001/lang/zh/lines.yaml"), edited);
  EXPECT_NE(Read("episodes/ep001/ep001.zh.ass").find("我亲手改的台词。"), std::string::npos);
  EXPECT_NE(Read("episodes/ep001/ep001.zh.srt").find("我亲手改的台词。"), std::string::npos);
  // The ledger keeps who wrote each translated line: the rewritten one is the person's, the rest
  // the server's.
  {
    ContentStore store(root_ / ".reelwright/cache");
    auto ledger = Ledger::Open(root_ / ".reelwright/ledger.sqlite");
    ASSERT_TRUE(ledger.ok());
    auto authors = RecordTranslationAuthorship(root_, **ledger, store, 1, "zh");
    ASSERT_TRUE(authors.ok()) << authors.error().ToString();
    ASSERT_EQ(authors->size(), lines);
    EXPECT_EQ((*authors)[0].author, "human");
    EXPECT_EQ((*authors)[1].author, "model:test");
  }

  // The script moves on: the server's new translation goes beside the person's, never over it.
  std::string script = Read("episodes/ep001/script.fountain");
  size_t at = script.find(made->lines[1].source);
  ASSERT_NE(at, std::string::npos);
  script.replace(at, made->lines[1].source.size(), "An entirely new line.");
  ASSERT_TRUE(WriteFileAtomic(root_ / "episodes/ep001/script.fountain", script).ok());
  auto moved = Build("translate");
  ASSERT_TRUE(moved.ok()) << moved.error().ToString();
  EXPECT_EQ(server.Requests().size(), calls + 1);  // the changed line's batch (here the only one)
  EXPECT_EQ(Read("episodes/ep001/lang/zh/lines.yaml"), edited);
  EXPECT_NE(Read("episodes/ep001/lang/zh/variants/lines.yaml").find("An entirely new line."), std::string::npos);
}

TEST_F(LanguagesTest, TheWholeScriptIsTranslatedForReadingWhenAskedTo) {
  testing::FakeChatServer server([](int, const json& request) { return Translator(request); });
  NewSeries(server.BaseUrl(), false);
  std::string yaml = Read("reelwright.yaml");
  ASSERT_NE(yaml.find("translate: lines"), std::string::npos);
  yaml.replace(yaml.find("translate: lines"), 16, "translate: script");
  ASSERT_TRUE(WriteFileAtomic(root_ / "reelwright.yaml", yaml).ok());
  auto built = Build("translate");
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  auto text = ReadFile(root_ / "episodes/ep001/script.fountain");
  ASSERT_TRUE(text.ok());
  auto script = ParseFountain(*text, "script.fountain");
  ASSERT_TRUE(script.ok());
  size_t lines = LinesToTranslate(*script, *LoadYaml<Bible>(root_ / "bible.yaml", "bible.yaml")).size();
  size_t actions = ActionsToTranslate(*script).size();
  ASSERT_GT(actions, 0u);
  EXPECT_EQ(server.Requests().size(), 1 + (lines + 19) / 20 + (actions + 19) / 20);
  std::string copy = Read("episodes/ep001/lang/zh/script.fountain");
  EXPECT_NE(copy.find("中文A001"), std::string::npos) << copy;
  EXPECT_NE(copy.find("中文L001"), std::string::npos) << copy;
  EXPECT_NE(copy.find("\n@名"), std::string::npos) << copy;  // cues named as the glossary says
  auto parsed = ParseFountain(copy, "zh/script.fountain");
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(LinesToTranslate(*parsed, Bible{}).size(), lines);

  // One spoken line changes: its batch is asked again; the action batches, unchanged, are not
  // (their replies are kept in the build's store).
  std::string fountain = *text;
  const std::string source = LinesToTranslate(*script, Bible{}).at(0).source;
  ASSERT_NE(fountain.find(source), std::string::npos);
  fountain.replace(fountain.find(source), source.size(), "An entirely new line.");
  ASSERT_TRUE(WriteFileAtomic(root_ / "episodes/ep001/script.fountain", fountain).ok());
  size_t before = server.Requests().size();
  auto again = Build("translate");
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(server.Requests().size(), before + 1);
  EXPECT_NE(Read("episodes/ep001/lang/zh/script.fountain").find("中文A001"), std::string::npos);
}

TEST_F(LanguagesTest, AFailingTranslationWritesNothing) {
  testing::FakeChatServer server([](int, const json& request) {
    if (testing::SchemaName(request) == "glossary") return Translator(request);
    return testing::ChatReply(R"({"lines":[]})");
  });
  NewSeries(server.BaseUrl(), false);
  auto built = Build("translate");
  ASSERT_FALSE(built.ok());
  std::string message = built.error().ToString();
  EXPECT_NE(message.find("lines missing from the reply: L001"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(root_ / "episodes/ep001/lang/zh/lines.yaml"));
  EXPECT_EQ(server.Requests().size(), 1u + 2u);  // the glossary, the batch and its re-ask
}

TEST_F(LanguagesTest, AMalformedLinesFileIsReportedWithItsLine) {
  NewSeries("", false);
  ASSERT_TRUE(WriteFileAtomic(root_ / "episodes/ep001/lang/zh/lines.yaml",
                              "schema: Translation.1\nlang: zh\nlines:\n  - {id: L001, text: 你好}\n  - {id: L001, text: 再见}\n")
                  .ok());
  Status checked = CheckSeries(root_);
  ASSERT_FALSE(checked.ok());
  EXPECT_NE(checked.error().ToString().find("lines.yaml:5"), std::string::npos) << checked.error().ToString();
  EXPECT_NE(checked.error().ToString().find("listed twice"), std::string::npos) << checked.error().ToString();
}

TEST_F(LanguagesTest, LanguagesAreChecked) {
  Settings s;
  s.idea = "x";
  s.languages = {"en"};
  ASSERT_TRUE(CreateSeries(root_, s).ok());
  auto built = Build("bible");
  ASSERT_FALSE(built.ok());
  EXPECT_NE(built.error().ToString().find("is the series language"), std::string::npos) << built.error().ToString();
}

}  // namespace
}  // namespace rw
