#include "post/subtitles.h"

#include <ass/ass.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "base/file.h"
#include "base/text.h"

namespace rw {
namespace {

const fs::path kGoldenDir = fs::path(RW_SOURCE_DIR) / "tests/fixtures/post/golden";

// Compares `actual` with the golden file byte for byte. RW_UPDATE_GOLDEN=1 rewrites the golden
// instead (then read the diff before committing it).
void ExpectGolden(const std::string& actual, const std::string& name) {
  fs::path path = kGoldenDir / name;
  if (const char* update = std::getenv("RW_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
    ASSERT_TRUE(MakeDirs(kGoldenDir).ok());
    ASSERT_TRUE(WriteFileAtomic(path, actual).ok());
  }
  auto expected = ReadFile(path);
  ASSERT_TRUE(expected.ok()) << expected.error().ToString() << " (RW_UPDATE_GOLDEN=1 writes it)";
  EXPECT_EQ(actual, *expected) << "differs from " << path;
}

TimelineCue Cue(std::string line, std::string character, std::string text, int64_t start_ms, int64_t end_ms) {
  TimelineCue cue;
  cue.line = std::move(line);
  cue.character = std::move(character);
  cue.text = std::move(text);
  cue.start_ms = start_ms;
  cue.end_ms = end_ms;
  return cue;
}

std::vector<TimelineCue> SampleCues() {
  return {
      Cue("L001", "ADRIAN", "You signed the contract without reading it. Again.", 500, 2800),
      Cue("L002", "MAYA", "Because you told me to trust you.", 3000, 4800),
      Cue("L003", "林晚", "你怎么会在这里？我们说好了今晚不见面的。", 5200, 8400),
      Cue("L004", "陆沉", "「合同」你已经签了，现在就别想反悔了。", 8600, 10905),
      Cue("L005", "", "   ", 11000, 11500),  // nothing to show: left out
      Cue("L006", "ADRIAN, JR.", "Use {braces}, a back\\slash & <tags>\\N here", 11600, 13400),
      Cue("L007", "MAYA", "Fine.", 3725250, 3726000),
  };
}

TEST(Subtitles, SrtGolden) { ExpectGolden(WriteSrt(SampleCues(), SubtitleStyle{}), "cues.srt"); }
TEST(Subtitles, VttGolden) { ExpectGolden(WriteVtt(SampleCues(), SubtitleStyle{}), "cues.vtt"); }
TEST(Subtitles, AssGolden) {
  ExpectGolden(WriteAss(SampleCues(), SubtitleStyle{}, "ep001 Chinese & English"), "cues.ass");
}

TEST(Subtitles, SrtShapeHoldsWithoutGolden) {
  std::string srt = WriteSrt(SampleCues(), SubtitleStyle{});
  EXPECT_EQ(srt.rfind("1\n00:00:00,500 --> 00:00:02,800\n", 0), 0u);
  EXPECT_EQ(srt.find('\r'), std::string::npos);
  EXPECT_EQ(srt.find("\xEF\xBB\xBF"), std::string::npos);
  EXPECT_NE(srt.find("\n6\n01:02:05,250 --> 01:02:06,000\nFine.\n\n"), std::string::npos);
  EXPECT_EQ(srt.find("\n7\n"), std::string::npos);   // the blank cue is not numbered
  EXPECT_EQ(srt.find("\n\n\n"), std::string::npos);  // no blank line inside a cue
}

// --- line breaking ---

int Width(const std::string& line) { return static_cast<int>(CountCodePoints(line)); }

TEST(BreakLines, ShortTextStaysOnOneLine) {
  SubtitleStyle style;
  EXPECT_EQ(BreakSubtitleLines("Fine.", style), std::vector<std::string>{"Fine."});
  EXPECT_EQ(BreakSubtitleLines("  Fine,\n  then.  ", style), std::vector<std::string>{"Fine, then."});
  EXPECT_EQ(BreakSubtitleLines("你好。", style), std::vector<std::string>{"你好。"});
  EXPECT_TRUE(BreakSubtitleLines(" \n ", style).empty());
  // Exactly at the limit still fits.
  std::string exact(32, 'a');
  EXPECT_EQ(BreakSubtitleLines(exact, style).size(), 1u);
}

TEST(BreakLines, LatinBreaksAtSpacesBalanced) {
  SubtitleStyle style;
  auto lines = BreakSubtitleLines("she never wanted the money from him or his family", style);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "she never wanted the money");
  EXPECT_EQ(lines[1], "from him or his family");
  EXPECT_LE(std::abs(Width(lines[0]) - Width(lines[1])), 5);
  for (const auto& line : lines) {
    EXPECT_LE(Width(line), style.max_chars_latin);
    EXPECT_EQ(line, Trim(line));
  }
}

TEST(BreakLines, LatinPrefersBreakAfterPunctuation) {
  SubtitleStyle style;
  auto lines = BreakSubtitleLines("You signed the contract without reading it. Again.", style);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "You signed the contract");
  EXPECT_EQ(lines[1], "without reading it. Again.");
  auto comma = BreakSubtitleLines("If you walk out that door, don't ever come back here", style);
  ASSERT_EQ(comma.size(), 2u);
  EXPECT_EQ(comma[0], "If you walk out that door,");
}

TEST(BreakLines, LatinTooLongStillTwoLines) {
  SubtitleStyle style;
  std::string text =
      "This is a very long line of dialogue that could never fit into two subtitle lines of thirty two "
      "characters each no matter how it is broken";
  auto lines = BreakSubtitleLines(text, style);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0] + " " + lines[1], text);
  EXPECT_LE(std::abs(Width(lines[0]) - Width(lines[1])), 12);
}

TEST(BreakLines, OneUnbreakableWordStaysWhole) {
  SubtitleStyle style;
  std::string word(40, 'x');
  EXPECT_EQ(BreakSubtitleLines(word, style), std::vector<std::string>{word});
}

TEST(BreakLines, CjkNeverStartsWithClosingNorEndsWithOpening) {
  SubtitleStyle style;
  const std::string closing = "，。！？、；：”’）》」』…";
  const std::string opening = "“‘（《「『";
  std::vector<std::string> texts = {
      "你怎么会在这里？我们不是说好了今晚不见面的吗？",       "「合同」你已经签了，现在就别想反悔了。",
      "我等了你整整三年，三年！你知道这三年我是怎么过的吗？", "他说：“你根本不配站在这里。”然后转身走了。",
      "一二三四五六七八九十一二三四，五六七八九十",           "一二三四五六七八九十一二三《四五六七八九十一二",
      "一二三四五六七八九十一二三四……五六七八九十",
  };
  for (const auto& text : texts) {
    auto lines = BreakSubtitleLines(text, style);
    ASSERT_EQ(lines.size(), 2u) << text;
    EXPECT_EQ(lines[0] + lines[1], text);
    for (const auto& line : lines) {
      auto cps = DecodeUtf8(line);
      ASSERT_FALSE(cps.empty());
      auto close = DecodeUtf8(closing);
      auto open = DecodeUtf8(opening);
      EXPECT_EQ(close.end(), std::find(close.begin(), close.end(), cps.front()))
          << "line starts with closing punctuation: " << line;
      EXPECT_EQ(open.end(), std::find(open.begin(), open.end(), cps.back()))
          << "line ends with opening punctuation: " << line;
      EXPECT_LE(cps.size(), static_cast<size_t>(style.max_chars_cjk)) << line;
    }
  }
}

TEST(BreakLines, CjkBalancedAndPrefersClauseBreak) {
  SubtitleStyle style;
  auto lines = BreakSubtitleLines("你怎么会在这里？我们说好了今晚不见面的。", style);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "你怎么会在这里？");
  EXPECT_EQ(lines[1], "我们说好了今晚不见面的。");
  // A clause break that would overflow a line loses to a balanced one that fits.
  auto fit = BreakSubtitleLines("你怎么会在这里？我们不是说好了今晚不见面的吗？", style);
  ASSERT_EQ(fit.size(), 2u);
  // (11 | 11 would split 不是, a word: the break moves one character so the word stays whole.)
  EXPECT_EQ(fit[0], "你怎么会在这里？我们不是");
  EXPECT_EQ(fit[1], "说好了今晚不见面的吗？");
  // No punctuation: the most even split between words ("十一", eleven, is one word to ICU).
  auto even = BreakSubtitleLines("一二三四五六七八九十一二三四五六七八九十", style);
  ASSERT_EQ(even.size(), 2u);
  EXPECT_EQ(even[0], "一二三四五六七八九");
  EXPECT_EQ(even[1], "十一二三四五六七八九十");
}

TEST(BreakLines, CjkBreaksBetweenWordsNotInsideOne) {
  // 16 characters: the even split (8 | 8) would cut 医院 (hospital) in two; the break goes
  // between words instead, one character off balance.
  auto lines = BreakSubtitleLines("我们明天一起去医院看望生病的奶奶", SubtitleStyle{});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0] == "我们明天一起去" || lines[0] == "我们明天一起去医院") << lines[0] << " | " << lines[1];
  // 奶奶 (grandma), 明天 (tomorrow) and 生病 (ill) are never split either.
  for (const char* text : {"今天晚上我们全家一起去看望奶奶好吗", "他说明天生病的人都不用来公司上班了"}) {
    auto two = BreakSubtitleLines(text, SubtitleStyle{});
    ASSERT_EQ(two.size(), 2u) << text;
    std::string joint = two[0].substr(two[0].size() - 3) + two[1].substr(0, 3);
    for (const char* word : {"奶奶", "明天", "生病", "公司", "晚上"}) EXPECT_NE(joint, std::string(word)) << two[0] << " | " << two[1];
  }
}

TEST(BreakLines, CjkKeepsLatinWordsAndNumbersWhole) {
  SubtitleStyle style;
  auto lines = BreakSubtitleLines("这份合同价值2000万，CEO今天必须在上面签字", style);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0] + lines[1], "这份合同价值2000万，CEO今天必须在上面签字");
  for (const auto& line : lines) {
    EXPECT_EQ(line.find("200"), line.find("2000"));  // "2000" not split
    EXPECT_TRUE(line.find("CE") == std::string::npos || line.find("CEO") != std::string::npos);
  }
  // Latin counts as half a cell: 24 Latin letters beside 2 CJK fit one 14-cell line.
  EXPECT_EQ(BreakSubtitleLines("你好abcdefghijklmnopqrstuvwx", style).size(), 1u);
}

TEST(BreakLines, CjkTooLongStillTwoLines) {
  SubtitleStyle style;
  std::string text = "这是一句非常非常长的台词长到无论怎么断行都不可能放进两行字幕里面去的程度";
  auto lines = BreakSubtitleLines(text, style);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0] + lines[1], text);
}

// --- an independent reader: libass ---

struct AssLibraryFree {
  void operator()(ASS_Library* library) const { ass_library_done(library); }
};
struct AssTrackFree {
  void operator()(ASS_Track* track) const { ass_free_track(track); }
};

TEST(Subtitles, LibassReadsOurAss) {
  std::vector<TimelineCue> cues = SampleCues();
  SubtitleStyle style;
  std::string ass = WriteAss(cues, style, "ep001");
  std::unique_ptr<ASS_Library, AssLibraryFree> library(ass_library_init());
  ASSERT_TRUE(library);
  ass_set_message_cb(
      library.get(), [](int, const char*, va_list, void*) {}, nullptr);
  std::unique_ptr<ASS_Track, AssTrackFree> track(ass_read_memory(library.get(), ass.data(), ass.size(), nullptr));
  ASSERT_TRUE(track);
  EXPECT_EQ(track->n_events, 6);  // 7 cues, one blank
  EXPECT_EQ(track->PlayResX, 1080);
  EXPECT_EQ(track->PlayResY, 1920);
  EXPECT_EQ(track->WrapStyle, 2);
  EXPECT_TRUE(track->ScaledBorderAndShadow);
  EXPECT_EQ(track->YCbCrMatrix, YCBCR_BT709_TV);

  const ASS_Style* ours = nullptr;
  for (int i = 0; i < track->n_styles; ++i)
    if (std::strcmp(track->styles[i].Name, "Default") == 0) ours = &track->styles[i];  // the last wins
  ASSERT_NE(ours, nullptr);
  EXPECT_STREQ(ours->FontName, "Noto Sans CJK SC");
  EXPECT_DOUBLE_EQ(ours->FontSize, 64);
  EXPECT_EQ(ours->PrimaryColour, 0xFFFFFF00u);  // libass stores RGBA: white, opaque
  EXPECT_EQ(ours->OutlineColour, 0x00000000u);  // black, opaque
  EXPECT_DOUBLE_EQ(ours->Outline, 4);
  EXPECT_DOUBLE_EQ(ours->Shadow, 0);
  EXPECT_EQ(ours->Alignment, 2);
  EXPECT_EQ(ours->MarginV, 420);
  EXPECT_EQ(ours->MarginL, 90);

  const ASS_Event& first = track->events[0];
  EXPECT_EQ(first.Start, 500);
  EXPECT_EQ(first.Duration, 2300);
  EXPECT_STREQ(first.Name, "ADRIAN");
  EXPECT_STREQ(first.Text, "You signed the contract\\Nwithout reading it. Again.");
  EXPECT_STREQ(track->styles[first.Style].Name, "Default");
  EXPECT_STREQ(track->events[2].Name, "林晚");
  EXPECT_STREQ(track->events[4].Name, "ADRIAN JR.");  // the comma would split the field
  EXPECT_STREQ(track->events[4].Text, "Use \\{braces\\},\\Na back\\\u2060slash & <tags>\\\u2060N here");
  EXPECT_EQ(track->events[5].Start, 3725250);
}

}  // namespace
}  // namespace rw

namespace rw {
namespace {

TEST(Subtitles, TheSeriesStyleReachesTheAssFile) {
  SubtitleStyle style;
  style.font = "Noto Serif CJK SC";
  style.font_size = 72;
  style.colour = "#FFD700";  // gold
  style.outline_colour = "#102030";
  style.outline = 6;
  style.margin_v = 500;
  std::string ass = WriteAss({{"L001", "VERA", "Not this time.", 0, 1000}}, style, "t");
  EXPECT_NE(ass.find("Style: Default,Noto Serif CJK SC,72,&H0000D7FF,&H000000FF,&H00302010,&H80000000,-1,0,0,0,100,100,0,0,1,6,0,2,90,140,500,1\n"),
            std::string::npos) << ass;
}

}  // namespace
}  // namespace rw
