#include "visual/shot_planner.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>

#include "schema/timing.h"

namespace rw {
namespace {

Bible TestBible() {
  Bible b;
  b.title = "T";
  b.style = {"high-contrast neon noir"};
  Character hero;
  hero.id = "C01";
  hero.name = "Vera Lin";
  hero.look = {"silver bob haircut", "white suit"};
  hero.palette = {"#F2F2F2", "#C0A060"};
  Character villain;
  villain.id = "C02";
  villain.name = "Marcus";
  villain.look = {"slicked black hair", "burgundy tie"};
  villain.palette = {"#202020", "#800020"};
  b.characters = {hero, villain};
  Location office;
  office.id = "L01";
  office.name = "BOARDROOM";
  office.look = {"glass wall", "city lights"};
  b.locations = {office};
  return b;
}

Beats TestBeats() {
  Beats bt;
  Beat hook;
  hook.id = "B01";
  hook.function = BeatFunction::kHook;
  hook.emotion = {-0.6, 0.9};
  hook.cast = {"C01", "C02"};
  hook.location = "L01";
  Beat payoff = hook;
  payoff.id = "B02";
  payoff.function = BeatFunction::kPayoff;
  payoff.emotion = {0.8, 0.5};
  bt.beats = {hook, payoff};
  return bt;
}

std::vector<ShotUnit> TestUnits() {
  std::vector<ShotUnit> u;
  u.push_back({false, "B01", "L01", "", "", "Vera walks into the boardroom. Marcus freezes.", "", 3.0});
  for (int i = 0; i < 6; ++i) {
    ShotUnit d{true, i < 3 ? "B01" : "B02", "L01", i % 2 ? "C02" : "C01", "L00" + std::to_string(i + 1),
               "A line of dialogue number " + std::to_string(i), "", 1.5 + 0.1 * i};
    u.push_back(d);
  }
  return u;
}

TEST(ShotPlanner, OneShotPerUnitWithFrameExactTiming) {
  Shots s = PlanShots(1, TestBible(), TestBeats(), TestUnits(), 30, 42);
  ASSERT_EQ(s.shots.size(), 7u);
  double t = 0;
  for (const auto& shot : s.shots) {
    EXPECT_NEAR(shot.start_s, t, 1e-9);
    double frames = shot.duration_s * 30;
    EXPECT_NEAR(frames, std::round(frames), 1e-6);
    t += shot.duration_s;
  }
  // A dialogue shot holds its line plus lead and pad.
  EXPECT_GE(s.shots[1].duration_s, kLineLeadSeconds + 1.5 + kLinePadSeconds - 1e-9);
  EXPECT_EQ(s.shots[1].lines, std::vector<std::string>{"L001"});
  EXPECT_EQ(s.shots[1].speaker, "C01");
}

TEST(ShotPlanner, FirstShotAtALocationEstablishesIt) {
  Shots s = PlanShots(1, TestBible(), TestBeats(), TestUnits(), 30, 42);
  EXPECT_TRUE(s.shots[0].type == ShotType::kWS || s.shots[0].type == ShotType::kLS);
  EXPECT_TRUE(s.shots[0].move == CameraMove::kPanLeft || s.shots[0].move == CameraMove::kPanRight);
  EXPECT_EQ(s.shots[0].cast, (std::vector<std::string>{"C01", "C02"}));
}

TEST(ShotPlanner, ASceneThatOpensOnALineIsEstablishedFirst) {
  std::vector<ShotUnit> units = TestUnits();
  // Drop the opening action: the scene now opens on dialogue.
  while (!units.empty() && !units.front().dialogue) units.erase(units.begin());
  ASSERT_FALSE(units.empty());
  Shots s = PlanShots(1, TestBible(), TestBeats(), units, 30, 42);
  ASSERT_GE(s.shots.size(), 2u);
  EXPECT_EQ(s.shots[0].id, "E001");
  EXPECT_TRUE(s.shots[0].type == ShotType::kWS || s.shots[0].type == ShotType::kLS);
  EXPECT_TRUE(s.shots[0].lines.empty());
  EXPECT_NEAR(s.shots[0].duration_s, kEstablishingSeconds, 1e-9);
  EXPECT_EQ(s.shots[1].id, "S001");
  EXPECT_EQ(s.shots[1].lines, std::vector<std::string>{units[0].line});
  EXPECT_NEAR(s.shots[1].start_s, kEstablishingSeconds, 1e-9);
  // Every location change gets its wide shot, and only those.
  std::string last;
  for (const auto& shot : s.shots) {
    if (shot.location != last) {
      EXPECT_TRUE(shot.type == ShotType::kWS || shot.type == ShotType::kLS) << shot.id;
    }
    last = shot.location;
  }
}

// The asset library: every shot that shows a character refers to them (@C01), so the expanded
// prompt carries their look tokens, and carries their reference image when they have one.
TEST(ShotPlanner, EveryPromptCarriesTheLookAndReferenceOfEveryoneInFrame) {
  Bible bible = TestBible();
  bible.characters[0].reference = "refs/c01.png";
  bible.locations[0].reference = "refs/l01.png";
  for (uint64_t seed = 1; seed < 30; ++seed) {
    Shots s = PlanShots(1, bible, TestBeats(), TestUnits(), 30, seed);
    for (const auto& shot : s.shots) {
      std::string expanded = ExpandPrompt(shot.prompt, bible);
      EXPECT_EQ(expanded.find('@'), std::string::npos) << expanded;
      for (const auto& id : shot.cast) {
        const Character* c = bible.FindCharacter(id);
        EXPECT_NE(shot.prompt.find("@" + id), std::string::npos) << shot.prompt;
        for (const auto& token : c->look) EXPECT_NE(expanded.find(token), std::string::npos) << expanded;
        if (!c->reference.empty()) {
          EXPECT_NE(std::find(shot.references.begin(), shot.references.end(), c->reference), shot.references.end()) << shot.id;
        }
      }
      EXPECT_NE(std::find(shot.references.begin(), shot.references.end(), "refs/l01.png"), shot.references.end());
      EXPECT_NE(expanded.find("glass wall"), std::string::npos);
      EXPECT_NE(expanded.find("neon noir"), std::string::npos);
    }
  }
}

TEST(ShotPlanner, ExpandPromptLeavesUnknownReferencesAsWritten) {
  Bible bible = TestBible();
  std::string out = ExpandPrompt("@C09 and @C01 at @L01, @style; mail me@example", bible);
  EXPECT_EQ(out.rfind("@C09 and ", 0), 0u) << out;
  EXPECT_NE(out.find(bible.characters[0].name + " ("), std::string::npos) << out;
  EXPECT_NE(out.find("@example"), std::string::npos) << out;
}

TEST(ShotPlanner, NoScaleThreeTimesRunningAndDeterministic) {
  for (uint64_t seed = 1; seed < 50; ++seed) {
    Shots s = PlanShots(1, TestBible(), TestBeats(), TestUnits(), 30, seed);
    for (size_t i = 2; i < s.shots.size(); ++i)
      EXPECT_FALSE(s.shots[i].type == s.shots[i - 1].type && s.shots[i].type == s.shots[i - 2].type);
    Shots again = PlanShots(1, TestBible(), TestBeats(), TestUnits(), 30, seed);
    for (size_t i = 0; i < s.shots.size(); ++i) {
      EXPECT_EQ(s.shots[i].type, again.shots[i].type);
      EXPECT_EQ(s.shots[i].seed, again.shots[i].seed);
    }
  }
}

TEST(ShotPlanner, CloseUpsShowOnlyTheSpeaker) {
  for (uint64_t seed = 1; seed < 30; ++seed) {
    Shots s = PlanShots(1, TestBible(), TestBeats(), TestUnits(), 30, seed);
    for (const auto& shot : s.shots)
      if (!shot.speaker.empty() && shot.type <= ShotType::kCU) {
        EXPECT_EQ(shot.cast.size(), 1u);
      }
  }
}

}  // namespace
}  // namespace rw
