#include "story/authorship.h"

#include <gtest/gtest.h>

namespace rw {
namespace {

Screenplay Parse(const std::string& text) {
  auto s = ParseFountain(text, "script.fountain");
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return s.ok() ? *s : Screenplay{};
}

const char kModel[] =
    "INT. OFFICE - NIGHT\n\n"
    "Vivian walks in.\n\n"
    "ADRIAN\nYou're supposed to be dead.\n\n"
    "VIVIAN\nFunerals are cheap.\n\n"
    "The lights die.\n";

TEST(Authorship, TheModelsOwnScriptIsAllTheModels) {
  Screenplay model = Parse(kModel);
  auto lines = AttributeLines(model, &model, "model:builtin");
  ASSERT_EQ(lines.size(), 4u);
  for (const auto& l : lines) EXPECT_EQ(l.author, "model:builtin");
  EXPECT_EQ(lines[1].kind, "dialogue");
  EXPECT_EQ(lines[0].kind, "action");
  auto c = Summarize(lines);
  EXPECT_EQ(c.human_lines, 0);
  ASSERT_EQ(c.models.size(), 1u);
  EXPECT_EQ(c.models[0].second.lines, 4);
}

TEST(Authorship, AChangedWordIsAnEditAndANewLineIsAPersons) {
  Screenplay model = Parse(kModel);
  Screenplay now = Parse(
      "INT. OFFICE - NIGHT\n\n"
      "Vivian walks in.\n\n"
      "ADRIAN\nYou're supposed to be buried.\n\n"
      "VIVIAN\nFunerals are cheap.\n\n"
      "VIVIAN\nI kept the receipt.\n\n"
      "The lights die.\n");
  auto lines = AttributeLines(now, &model, "model:builtin");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].author, "model:builtin");
  EXPECT_EQ(lines[1].author, "edited:builtin");
  EXPECT_EQ(lines[1].distance, EditDistance("dead", "buried"));
  EXPECT_EQ(lines[2].author, "model:builtin");
  EXPECT_EQ(lines[3].author, "human");
  EXPECT_EQ(lines[4].author, "model:builtin");
  auto c = Summarize(lines);
  EXPECT_EQ(c.lines, 5);
  EXPECT_EQ(c.human_lines, 2);
  EXPECT_EQ(c.edited_lines, 1);
  EXPECT_EQ(c.human_words, lines[1].words + lines[3].words);
  EXPECT_NE(CreditLine(c).find("person 40% of lines"), std::string::npos) << CreditLine(c);
}

TEST(Authorship, ARewrittenLineIsAPersonsAndADeletedOneCountsForNobody) {
  Screenplay model = Parse(kModel);
  Screenplay now = Parse(
      "INT. OFFICE - NIGHT\n\n"
      "Vivian walks in.\n\n"
      "ADRIAN\nWho the hell let a ghost into my party?\n\n"
      "The lights die.\n");
  auto lines = AttributeLines(now, &model, "model:builtin");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1].author, "human");
  EXPECT_EQ(lines[2].author, "model:builtin");
}

TEST(Authorship, ARenamedSpeakerIsAChangedLine) {
  Screenplay model = Parse(kModel);
  std::string text = kModel;
  text.replace(text.find("VIVIAN\n"), 6, "MARGOT");
  auto lines = AttributeLines(Parse(text), &model, "model:builtin");
  EXPECT_EQ(lines[2].author, "edited:builtin");
}

TEST(Authorship, WithoutAModelVersionEveryLineIsAPersons) {
  auto lines = AttributeLines(Parse(kModel), nullptr, "model:builtin");
  for (const auto& l : lines) EXPECT_EQ(l.author, "human");
}

TEST(Authorship, ChineseDistanceCountsCharacters) {
  EXPECT_EQ(EditDistance("你好世界", "你好天下"), 2);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  Screenplay model = Parse("INT. 办公室 - 夜\n\n!她推门而入。\n\n@林晚\n你早该死了。\n");
  Screenplay now = Parse("INT. 办公室 - 夜\n\n!她推门而入。\n\n@林晚\n你早就该死了。\n");
  auto lines = AttributeLines(now, &model, "model:builtin");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].author, "edited:builtin");
  EXPECT_EQ(lines[1].distance, 1);
}

TEST(Authorship, TranslatedLinesAreAttributedByIdAgainstTheServersVersion) {
  Translation model;
  model.lines = {{"L001", "C01", "Hello.", "你好。"}, {"L002", "C02", "Goodbye, my friend.", "再见了，我的朋友。"},
                 {"L003", "C01", "Wait.", "等等。"}};
  Translation now = model;
  now.lines[1].text = "再见了，我的朋友们。";         // one character added: edited
  now.lines[2].text = "别走，你听我说完这一切。";   // rewritten: the person's
  now.lines.push_back({"L004", "C02", "No.", "不。"});  // not in the server's version
  auto lines = AttributeTranslation(now, &model, "model:qwen");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].author, "model:qwen");
  EXPECT_EQ(lines[1].author, "edited:model:qwen");
  EXPECT_EQ(lines[1].distance, 1);
  EXPECT_EQ(lines[2].author, "human");
  EXPECT_EQ(lines[3].author, "human");
  EXPECT_EQ(lines[3].n, 4);
  // No server version: a person wrote the file.
  for (const auto& l : AttributeTranslation(now, nullptr, "model:qwen")) EXPECT_EQ(l.author, "human");
}

}  // namespace
}  // namespace rw
