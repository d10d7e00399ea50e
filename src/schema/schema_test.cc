#include <gtest/gtest.h>

#include "base/text.h"
#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/settings.h"
#include "schema/yaml_io.h"

namespace rw {
namespace {

Beats SampleBeats() {
  Beats b;
  b.episode = 2;
  b.title = "The Contract";
  Beat hook;
  hook.id = "B01";
  hook.function = BeatFunction::kHook;
  hook.target_s = 0;
  hook.emotion = {-0.5, 0.8};
  hook.cast = {"C01", "C02"};
  hook.location = "L01";
  hook.summary = "She tears up the contract: \"Not this time.\"";
  b.beats.push_back(hook);
  Beat climax = hook;
  climax.id = "B02";
  climax.function = BeatFunction::kClimax;
  climax.target_s = 55.5;
  b.beats.push_back(climax);
  return b;
}

TEST(Schema, BeatsRoundTripThroughYaml) {
  Beats b = SampleBeats();
  std::string yaml = ToYaml(b);
  EXPECT_NE(yaml.find("schema: Beats.1"), std::string::npos) << yaml;
  auto back = ParseYaml<Beats>(yaml, "beats.yaml");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(ToYaml(*back), yaml);
  EXPECT_EQ(back->beats[1].function, BeatFunction::kClimax);
  EXPECT_DOUBLE_EQ(back->beats[1].target_s, 55.5);
  EXPECT_EQ(back->beats[0].summary, b.beats[0].summary);
}

TEST(Schema, BadNumberNamesFileAndLine) {
  std::string yaml = ToYaml(SampleBeats());
  size_t at = yaml.find("target_s: 55.5");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, 14, "target_s: soon");
  int line = 1 + static_cast<int>(std::count(yaml.begin(), yaml.begin() + static_cast<long>(at), '\n'));
  auto r = ParseYaml<Beats>(yaml, "ep001/beats.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().ExitCode(), 2);
  EXPECT_EQ(r.error().where, "ep001/beats.yaml:" + std::to_string(line));
  EXPECT_NE(r.error().message.find("beats[1].target_s"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("soon"), std::string::npos);
}

TEST(Schema, UnknownEnumListsChoices) {
  std::string yaml = ToYaml(SampleBeats());
  yaml.replace(yaml.find("function: climax"), 16, "function: climx");
  auto r = ParseYaml<Beats>(yaml, "b.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("hook, setup, conflict"), std::string::npos) << r.error().message;
}

TEST(Schema, UnknownFieldIsAnError) {
  std::string yaml = ToYaml(SampleBeats());
  yaml.replace(yaml.find("  summary:"), 10, "  sumary:");
  auto r = ParseYaml<Beats>(yaml, "b.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("sumary"), std::string::npos) << r.error().message;
}

TEST(Schema, WrongSchemaIsNamed) {
  auto r = ParseYaml<Beats>("schema: Shots.1\nepisode: 1\nbeats: []\n", "b.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, "b.yaml:1");
  EXPECT_NE(r.error().message.find("Beats.1"), std::string::npos);
}

TEST(Schema, BrokenYamlSyntaxNamesLine) {
  auto r = ParseYaml<Beats>("schema: Beats.1\nepisode: 1\nbeats:\n  - id: [B01\n", "b.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().ExitCode(), 2);
  EXPECT_TRUE(StartsWith(r.error().where, "b.yaml:")) << r.error().where;
}

TEST(Schema, OutOfOrderBeatsPointAtTheLine) {
  Beats b = SampleBeats();
  b.beats[1].target_s = -0.0;
  b.beats[0].target_s = 10;
  std::string yaml = ToYaml(b);
  auto r = ParseYaml<Beats>(yaml, "b.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("beats[1].target_s"), std::string::npos) << r.error().ToString();
  EXPECT_NE(r.error().where.find("b.yaml:"), std::string::npos);
}

}  // namespace
}  // namespace rw

namespace rw {
namespace {

TEST(Schema, PostStepsAreCheckedWhereTheyAreWritten) {
  Settings s;
  s.title = "T";
  s.idea = "An idea.";
  s.genre = "revenge";
  PostStepSettings step;
  step.name = "rife";
  step.base_url = "http://127.0.0.1:8188";
  step.workflow = "rife.json";
  s.providers.post = {step, step};
  std::string yaml = ToYaml(s);
  auto twice = ParseYaml<Settings>(yaml, "reelwright.yaml");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("two post steps are named 'rife'"), std::string::npos) << twice.error().message;
  EXPECT_EQ(twice.error().where.rfind("reelwright.yaml:", 0), 0u) << twice.error().where;

  s.providers.post = {step};
  s.providers.post[0].name = "Lip Sync";
  auto spaced = ParseYaml<Settings>(ToYaml(s), "reelwright.yaml");
  ASSERT_FALSE(spaced.ok());
  EXPECT_NE(spaced.error().message.find("a-z, 0-9 and '-'"), std::string::npos) << spaced.error().message;

  s.providers.post[0].name = "lip-sync";
  auto fine = ParseYaml<Settings>(ToYaml(s), "reelwright.yaml");
  ASSERT_TRUE(fine.ok()) << fine.error().ToString();
  EXPECT_EQ(fine->providers.post[0].workflow, "rife.json");
}

}  // namespace
}  // namespace rw

namespace rw {
namespace {

TEST(Schema, AKeyWrittenTwiceNamesTheSecondLine) {
  std::string yaml = ToYaml(SampleBeats());
  yaml += "title: Another Title\n";
  int line = 1 + static_cast<int>(std::count(yaml.begin(), yaml.end(), '\n')) - 1;
  auto r = ParseYaml<Beats>(yaml, "ep001/beats.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().ExitCode(), 2);
  EXPECT_EQ(r.error().where, "ep001/beats.yaml:" + std::to_string(line));
  EXPECT_NE(r.error().message.find("'title' is written twice"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace rw
