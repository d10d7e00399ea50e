#include "story/revise.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "story/genre_pack.h"
#include "story/writer.h"

namespace rw {
namespace {

struct Written {
  Bible bible;
  Screenplay script;
};

Written WriteEpisode(int seed) {
  Settings s;
  s.seed = seed;
  s.idea = "A betrayed wife returns as the investor who owns her husband's firm";
  s.episodes = 1;
  auto pack = LoadGenrePack(std::string(RW_SOURCE_DIR) + "/data/genres", "revenge", "en");
  EXPECT_TRUE(pack.ok());
  Written w;
  w.bible = *WriteBible(s, *pack);
  Arc arc = WriteArc(s, w.bible, *pack);
  Beats beats = WriteBeats(s, w.bible, arc, 1, *pack);
  w.script = *ParseFountain(WriteScript(s, w.bible, beats, *pack), "script.fountain");
  return w;
}

std::vector<std::string> SectionOrder(const Screenplay& s) {
  std::vector<std::string> out;
  for (const auto& e : s.elements)
    if (e.kind == ScriptElementKind::kSection) out.push_back(e.text);
  return out;
}

// The elements of the section whose text starts with `function`'s beat.
std::vector<std::string> SectionTexts(const Screenplay& s, const std::string& function) {
  std::vector<std::string> out;
  bool in = false;
  for (const auto& e : s.elements) {
    if (e.kind == ScriptElementKind::kSection) in = e.text.find(" " + function) != std::string::npos;
    else if (in) out.push_back(e.text);
  }
  return out;
}

TEST(Revise, TightenReachesTheTargetAndKeepsTheKeyBeats) {
  for (int seed = 1; seed <= 5; ++seed) {
    Written w = WriteEpisode(seed);
    double before = EstimateScriptSeconds(w.script, w.bible);
    double target = before - 8;
    auto r = ReviseScript(w.script, w.bible, {RevisionKind::kTighten, target, ""});
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_LE(EstimateScriptSeconds(r->script, w.bible), target + 1e-9) << r->summary;
    EXPECT_EQ(SectionTexts(r->script, "hook"), SectionTexts(w.script, "hook"));
    EXPECT_EQ(SectionTexts(r->script, "climax"), SectionTexts(w.script, "climax"));
    EXPECT_EQ(SectionTexts(r->script, "cliffhanger"), SectionTexts(w.script, "cliffhanger"));
    EXPECT_EQ(SectionOrder(r->script), SectionOrder(w.script));
    EXPECT_EQ(r->name, "tighten-" + std::to_string(static_cast<int>(target)) + "s");
  }
}

TEST(Revise, TightenSaysSoWhenTheTargetIsOutOfReach) {
  Written w = WriteEpisode(2);
  auto r = ReviseScript(w.script, w.bible, {RevisionKind::kTighten, 5, ""});
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->summary.find("not reached"), std::string::npos);
}

TEST(Revise, HookOpensOnAFlashForwardOfTheReveal) {
  Written w = WriteEpisode(3);
  auto r = ReviseScript(w.script, w.bible, {RevisionKind::kHook, 0, "information"});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  auto hook = SectionTexts(r->script, "hook");
  auto it = std::find(hook.begin(), hook.end(), "FLASH FORWARD.");
  ASSERT_NE(it, hook.end());
  EXPECT_GE(r->script.elements.size(), w.script.elements.size() + 2 + 2);  // the frame, and a cue and its line at least
  for (const char* type : {"crisis", "emotion", "decision"}) {
    auto other = ReviseScript(w.script, w.bible, {RevisionKind::kHook, 0, type});
    EXPECT_TRUE(other.ok()) << type << ": " << other.error().ToString();
  }
  auto bad = ReviseScript(w.script, w.bible, {RevisionKind::kHook, 0, "surprise"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().ExitCode(), 2);
}

TEST(Revise, RevealEarlierMovesABeatAndKeepsEveryElement) {
  Written w = WriteEpisode(4);
  auto r = ReviseScript(w.script, w.bible, {RevisionKind::kRevealEarlier, 0, ""});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_NE(SectionOrder(r->script), SectionOrder(w.script));
  EXPECT_EQ(SectionOrder(r->script).front(), SectionOrder(w.script).front());  // the hook stays first
  auto texts = [](const Screenplay& s) {
    std::vector<std::string> t;
    for (const auto& e : s.elements) t.push_back(e.text);
    std::sort(t.begin(), t.end());
    return t;
  };
  EXPECT_EQ(texts(r->script), texts(w.script));
}

}  // namespace
}  // namespace rw
