#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "eval/eval.h"

namespace rw {
namespace {

constexpr char kDangerous[] = "Revenge <b>&'\" night";
constexpr char kChinese[] = "林晚的复仇：第一夜";

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
  return n;
}

Dimension MakeDimension(const std::string& name, double score) {
  Dimension d;
  d.name = name;
  d.score = score;
  d.formula = "100 − 10 per mark off the template";
  d.heuristic = name == "emotion" || name == "market";
  d.reasons = {"hook lands at 1.8 s", "cliffhanger <missing> & late"};
  d.metrics = {{"hook_s", 1.8}, {"ratio", 2.0 / 3.0}, {"count", 4}};
  return d;
}

EpisodeReport MakeEpisode(int number, const std::string& title, double base) {
  EpisodeReport e;
  e.number = number;
  e.title = title;
  e.seconds = 92.5;
  e.timed = number == 1;
  e.overall = base;
  double score = base;
  for (const auto& name : DimensionNames()) {
    e.dimensions.push_back(MakeDimension(name, score));
    score = std::fmod(score + 17, 101);  // stays within 0–100, spread over the three colours
  }
  e.fixes = {{6.5, "rhythm", number, "hook lands at 4.2 s; the template asks ≤ 3 s: cut the opening line"},
             {3.4, "subtitles", number, "cue 7 has 3 lines <max 2>"},
             {1, "characters", number, "林晚 has no line after B04"}};
  for (int i = 0; i <= 9; ++i) e.emotion.push_back({i * 10.0, -1 + i * 0.22, i * 0.1});
  e.beats = {{"B01", "hook", 0, 3, ""},
             {"B02", "setup", 3, 20, ""},
             {"B03", "conflict", 20, 45, ""},
             {"B04", "reversal", 45, 60, "face-slap"},
             {"B05", "payoff", 60, 75, "reveal <twist>"},
             {"B06", "climax", 75, 88, ""},
             {"B07", "cliffhanger", 88, 92.5, ""}};
  e.landings = {{"hook", 1.8, 3, true, true}, {"conflict", 24, 20, true, false}, {"climax", 75, 80, true, true},
                {"cliffhanger", -1, 88, false, false}};
  e.screen_time = {{"C01", "林晚", 41.5, 12}, {"C02", "Victor \"V\" <Grey>", 20, 1}, {"C03", "", 5, 2}};
  return e;
}

SeriesReport MakeSeries() {
  SeriesReport s;
  s.title = kChinese;
  s.lang = "zh";
  s.overall = 68.4;
  s.dimensions = {MakeDimension("plot", 45), MakeDimension("originality", 90)};
  s.episodes = {MakeEpisode(1, kChinese, 81), MakeEpisode(2, kDangerous, 47)};
  s.episodes[1].dimensions.erase(s.episodes[1].dimensions.begin() + 2);  // episode 2 lacks "emotion"
  s.fixes = {{8, "plot", 0, "C03 drops out after episode 1"}};
  for (const auto& e : s.episodes) s.fixes.insert(s.fixes.end(), e.fixes.begin(), e.fixes.end());
  return s;
}

// Checks every page must pass: a complete, self-contained, balanced document.
void ExpectWellFormed(const std::string& page) {
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(page.find("<style>"), std::string::npos);
  EXPECT_NE(page.find("</html>"), std::string::npos);
  for (const char* banned : {"<script", "http:", "https:", "//", "src=", "url(", "@import", "<img", "<link"})
    EXPECT_EQ(page.find(banned), std::string::npos) << banned;
  EXPECT_EQ(Count(page, "<svg"), Count(page, "</svg>"));
  EXPECT_EQ(std::count(page.begin(), page.end(), '<'), std::count(page.begin(), page.end(), '>'));
  for (const char* tag : {"html", "body", "head", "table", "details", "figure", "section", "ol", "ul", "text", "title"})
    EXPECT_EQ(Count(page, std::string("<") + tag + ">") + Count(page, std::string("<") + tag + " "),
              Count(page, std::string("</") + tag + ">"))
        << tag;
}

TEST(ReportHtml, EpisodePageHasHeaderFixesChartsAndDimensions) {
  SeriesReport s = MakeSeries();
  std::string page = EpisodeReportHtml(s, s.episodes[0]);
  ExpectWellFormed(page);
  EXPECT_EQ(Count(page, "<svg"), 3u);  // emotion, rhythm, screen time
  EXPECT_NE(page.find("Emotion curve"), std::string::npos);
  EXPECT_NE(page.find("Rhythm"), std::string::npos);
  EXPECT_NE(page.find("Screen time per character"), std::string::npos);
  EXPECT_NE(page.find(std::string("Episode 1 — ") + kChinese), std::string::npos);
  EXPECT_NE(page.find("92.5 s"), std::string::npos);
  EXPECT_NE(page.find("times measured"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"num\">81</span>"), std::string::npos);
  EXPECT_NE(page.find("Fix these first"), std::string::npos);
  EXPECT_NE(page.find("6.5 pts"), std::string::npos);
  EXPECT_NE(page.find("3.4 pts"), std::string::npos);
  EXPECT_NE(page.find("cue 7 has 3 lines &lt;max 2&gt;"), std::string::npos);
  // Fixes keep their order.
  EXPECT_LT(page.find("hook lands at 4.2 s"), page.find("cue 7 has"));
  // Charts: beat labels, satisfaction tooltips, landings, screen time labels.
  EXPECT_NE(page.find("B04 reversal"), std::string::npos);
  EXPECT_NE(page.find("<title>B04 satisfaction: face-slap</title>"), std::string::npos);
  EXPECT_NE(page.find("satisfaction: reveal &lt;twist&gt;"), std::string::npos);
  EXPECT_NE(page.find("missing · limit ≥ 88 s"), std::string::npos);
  EXPECT_NE(page.find("24 s · limit ≤ 20 s · off"), std::string::npos);
  EXPECT_NE(page.find("12 lines"), std::string::npos);
  EXPECT_NE(page.find("1 line<"), std::string::npos);
  EXPECT_NE(page.find("Victor &quot;V&quot; &lt;Grey&gt;"), std::string::npos);
  EXPECT_NE(page.find(">C03<"), std::string::npos);  // no name: falls back to the id
  for (const auto& name : DimensionNames()) EXPECT_NE(page.find("<h3>" + name + "</h3>"), std::string::npos) << name;
  EXPECT_NE(page.find(">heuristic<"), std::string::npos);
  EXPECT_NE(page.find("<details>"), std::string::npos);
  EXPECT_NE(page.find("<td>ratio</td><td class=\"v\">0.67</td>"), std::string::npos);
  EXPECT_NE(page.find("<td>hook_s</td><td class=\"v\">1.8</td>"), std::string::npos);
  // Metrics in std::map order.
  EXPECT_LT(page.find("<td>count</td>"), page.find("<td>hook_s</td>"));
}

TEST(ReportHtml, EscapesTextAndKeepsUtf8) {
  SeriesReport s = MakeSeries();
  std::string episode = EpisodeReportHtml(s, s.episodes[1]);
  std::string series = SeriesReportHtml(s);
  for (const std::string& page : {episode, series}) {
    ExpectWellFormed(page);
    EXPECT_NE(page.find("Revenge &lt;b&gt;&amp;&#39;&quot; night"), std::string::npos);
    EXPECT_EQ(page.find(kDangerous), std::string::npos);
    EXPECT_EQ(page.find("<b>"), std::string::npos);
    EXPECT_NE(page.find(kChinese), std::string::npos);
    EXPECT_NE(page.find("林晚"), std::string::npos);
  }
  EXPECT_NE(episode.find("times estimated"), std::string::npos);
}

TEST(ReportHtml, ScoresAreColourCoded) {
  SeriesReport s = MakeSeries();
  s.episodes[0].dimensions[0].score = 49.4;  // rhythm: red
  s.episodes[0].dimensions[1].score = 74.4;  // satisfaction: amber
  s.episodes[0].dimensions[2].score = 74.6;  // emotion: shown as 75, green
  std::string page = EpisodeReportHtml(s, s.episodes[0]);
  EXPECT_NE(page.find("<span class=\"score s-red\">49</span>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"score s-amber\">74</span>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"score s-green\">75</span>"), std::string::npos);
  EXPECT_NE(page.find("overall s-green"), std::string::npos);  // 81
  EXPECT_NE(EpisodeReportHtml(s, s.episodes[1]).find("overall s-red"), std::string::npos);  // 47
}

TEST(ReportHtml, SeriesPageHeatmapWithLinks) {
  SeriesReport s = MakeSeries();
  std::string page = SeriesReportHtml(s, [](int n) { return "episode-" + std::to_string(n) + ".html"; });
  ExpectWellFormed(page);
  EXPECT_NE(page.find("language zh"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"num\">68</span>"), std::string::npos);
  EXPECT_NE(page.find("Series dimensions"), std::string::npos);
  EXPECT_NE(page.find("<h3>plot</h3>"), std::string::npos);
  EXPECT_NE(page.find("<h3>originality</h3>"), std::string::npos);
  EXPECT_EQ(Count(page, "<tr class=\"ep\">"), 2u);
  EXPECT_NE(page.find("<a href=\"episode-1.html\">1</a>"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"episode-2.html\">2</a>"), std::string::npos);
  for (const auto& name : DimensionNames())
    EXPECT_NE(page.find("<th class=\"dimname\">" + name + "</th>"), std::string::npos) << name;
  // Each row: number, title, overall, then one cell per dimension; episode 2 has one blank.
  EXPECT_EQ(Count(page, "<td class=\"cell "), 2 * (1 + DimensionNames().size()));
  EXPECT_EQ(Count(page, "<td class=\"cell blank\"></td>"), 1u);
  // Fixes: series-level ones carry no episode tag; the others do.
  EXPECT_NE(page.find("Fix these first"), std::string::npos);
  EXPECT_NE(page.find("C03 drops out after episode 1"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"tag\">Ep 2</span>"), std::string::npos);
  EXPECT_EQ(page.find("<span class=\"tag\">Ep 0</span>"), std::string::npos);
}

TEST(ReportHtml, SeriesPageWithoutHrefHasNoLinks) {
  SeriesReport s = MakeSeries();
  std::string page = SeriesReportHtml(s);
  ExpectWellFormed(page);
  EXPECT_EQ(Count(page, "<tr class=\"ep\">"), 2u);
  EXPECT_EQ(page.find("<a href"), std::string::npos);
  EXPECT_EQ(page.find("<a "), std::string::npos);
}

TEST(ReportHtml, FixListsAreCapped) {
  SeriesReport s = MakeSeries();
  s.fixes.clear();
  for (int i = 0; i < 30; ++i) s.fixes.push_back({30.0 - i, "rhythm", i % 3, "fix number " + std::to_string(i) + "."});
  s.episodes[0].fixes = s.fixes;
  std::string series = SeriesReportHtml(s);
  std::string episode = EpisodeReportHtml(s, s.episodes[0]);
  EXPECT_NE(series.find("fix number 19."), std::string::npos);
  EXPECT_EQ(series.find("fix number 20."), std::string::npos);
  EXPECT_NE(episode.find("fix number 9."), std::string::npos);
  EXPECT_EQ(episode.find("fix number 10."), std::string::npos);
  ExpectWellFormed(series);
  ExpectWellFormed(episode);
}

TEST(ReportHtml, EmptyInputsStillMakeWholePages) {
  SeriesReport s;  // no title, no episodes, no dimensions, no fixes
  std::string series = SeriesReportHtml(s, [](int n) { return std::to_string(n); });
  ExpectWellFormed(series);
  EXPECT_NE(series.find("No episodes yet"), std::string::npos);
  EXPECT_EQ(series.find("<table class=\"heat\""), std::string::npos);

  EpisodeReport e;  // zero seconds, no points, no beats, no landings, no screen time
  std::string episode = EpisodeReportHtml(s, e);
  ExpectWellFormed(episode);
  EXPECT_EQ(Count(episode, "<svg"), 3u);
  EXPECT_NE(episode.find("no emotion data"), std::string::npos);
  EXPECT_NE(episode.find("no beats"), std::string::npos);
  EXPECT_NE(episode.find("no dialogue lines"), std::string::npos);
  EXPECT_NE(episode.find("Nothing to fix"), std::string::npos);
  EXPECT_EQ(episode.find("nan"), std::string::npos);
  EXPECT_EQ(episode.find("inf"), std::string::npos);
}

TEST(ReportHtml, OddNumbersDoNotBreakCharts) {
  SeriesReport s = MakeSeries();
  EpisodeReport e = s.episodes[0];
  e.seconds = -5;
  e.overall = std::numeric_limits<double>::quiet_NaN();
  e.emotion = {{std::numeric_limits<double>::infinity(), 3, -2}};  // one point, out of range
  e.beats[0].end_s = -10;
  e.screen_time = {{"C01", "A", 0, 0}};
  std::string page = EpisodeReportHtml(s, e);
  ExpectWellFormed(page);
  EXPECT_EQ(Count(page, "<svg"), 3u);
  EXPECT_EQ(page.find("nan"), std::string::npos);
  EXPECT_EQ(page.find("inf\""), std::string::npos);
  EXPECT_NE(page.find("overall s-none"), std::string::npos);
}

}  // namespace
}  // namespace rw
