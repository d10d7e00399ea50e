#include "story/writer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "base/file.h"
#include "schema/timing.h"
#include "schema/yaml_io.h"
#include "story/fountain.h"
#include "story/genre_pack.h"
#include "story/story_testing.h"

namespace rw {
namespace {

const std::filesystem::path kGenres = std::filesystem::path(RW_SOURCE_DIR) / "data/genres";

const GenrePack& Pack() {
  static const GenrePack pack = [] {
    auto p = LoadGenrePack(kGenres, "revenge", "en");
    if (!p.ok()) {
      ADD_FAILURE() << p.error().ToString();
      return GenrePack{};
    }
    return *p;
  }();
  return pack;
}

Settings MakeSettings(int seed, int episodes = 3) {
  Settings s;
  s.title = "";
  s.idea = "A wife betrayed by her husband fakes her death and returns as his biggest investor.";
  s.episodes = episodes;
  s.seed = seed;
  return s;
}

using Series = testing::WrittenSeries;

Series Write(const Settings& settings) { return testing::WriteSeries(settings, Pack()); }

std::string AllText(const Series& s) {
  std::string out = ToYaml(s.bible) + ToYaml(s.arc);
  for (size_t i = 0; i < s.beats.size(); ++i) out += ToYaml(s.beats[i]) + s.scripts[i];
  return out;
}

TEST(GenrePack, RevengeEnglishLoads) {
  const GenrePack& pack = Pack();
  EXPECT_EQ(pack.genre, "revenge");
  EXPECT_GE(pack.characters.size(), 3u);
  EXPECT_EQ(pack.cliffhangers.size(), 8u);
  for (const auto& [function, name] : EnumNames<BeatFunction>::kNames) {
    const auto& t = pack.beats.For(function);
    EXPECT_GE(t.actions.size(), 5u) << name;
    EXPECT_GE(t.exchanges.size(), 5u) << name;
    for (const auto& exchange : t.exchanges) {
      EXPECT_GE(exchange.size(), 2u) << name;
      EXPECT_LE(exchange.size(), 4u) << name;
    }
  }
}

TEST(GenrePack, MissingPackListsWhatExists) {
  auto p = LoadGenrePack(kGenres, "space-opera", "en");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::kBadInput);
  EXPECT_NE(p.error().where.find("space-opera"), std::string::npos);
  EXPECT_NE(p.error().message.find("revenge (en"), std::string::npos) << p.error().message;
}

TEST(GenrePack, MalformedPackNamesFileAndLine) {
  auto dir = std::filesystem::temp_directory_path() / ("rw_story_pack_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "revenge/en");
  auto text = ReadFile(kGenres / "revenge/en/pack.yaml");
  ASSERT_TRUE(text.ok());
  // An exchange line without "SLOT:".
  std::string bad = *text;
  const std::string good_line = "\"RIVAL: Security! Get this woman out of here!\"";
  size_t pos = bad.find(good_line);
  ASSERT_NE(pos, std::string::npos);
  bad.replace(pos, good_line.size(), "\"Security! Get this woman out of here!\"");
  int line = 1;
  for (size_t i = 0; i < pos; ++i) line += bad[i] == '\n';
  ASSERT_TRUE(WriteFileAtomic(dir / "revenge/en/pack.yaml", bad).ok());
  auto p = LoadGenrePack(dir, "revenge", "en");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().where, (dir / "revenge/en/pack.yaml").string() + ":" + std::to_string(line)) << p.error().ToString();

  // A YAML type error (a mapping where a list belongs).
  ASSERT_TRUE(WriteFileAtomic(dir / "revenge/en/pack.yaml", "schema: GenrePack.1\ngenre: revenge\nlang: en\ntitles:\n  a: b\n").ok());
  p = LoadGenrePack(dir, "revenge", "en");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().where, (dir / "revenge/en/pack.yaml").string() + ":5") << p.error().ToString();

  // An unknown slot.
  std::string slot = *text;
  pos = slot.find("{OBJECT} in front of everyone");
  ASSERT_NE(pos, std::string::npos);
  slot.replace(pos, 8, "{THING}");
  line = 1;
  for (size_t i = 0; i < pos; ++i) line += slot[i] == '\n';
  ASSERT_TRUE(WriteFileAtomic(dir / "revenge/en/pack.yaml", slot).ok());
  p = LoadGenrePack(dir, "revenge", "en");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().where, (dir / "revenge/en/pack.yaml").string() + ":" + std::to_string(line));
  EXPECT_NE(p.error().message.find("{THING}"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Writer, Deterministic) {
  Series a = Write(MakeSettings(7));
  Series b = Write(MakeSettings(7));
  EXPECT_EQ(AllText(a), AllText(b));
  Series c = Write(MakeSettings(8));
  EXPECT_NE(a.scripts[0], c.scripts[0]);
}

// An episode depends on the season plan (the arc), never on the other episodes' beats or
// scripts: writing the episodes in reverse order gives the same files.
TEST(Writer, EpisodesDoNotDependOnEachOther) {
  Settings s = MakeSettings(5, 3);
  auto pack = LoadGenrePack(std::string(RW_SOURCE_DIR) + "/data/genres", "revenge", "en");
  ASSERT_TRUE(pack.ok());
  Bible bible = *WriteBible(s, *pack);
  Arc arc = WriteArc(s, bible, *pack);
  std::vector<std::string> forward, backward;
  for (int e = 1; e <= 3; ++e) forward.push_back(WriteScript(s, bible, WriteBeats(s, bible, arc, e, *pack), *pack));
  for (int e = 3; e >= 1; --e) backward.insert(backward.begin(), WriteScript(s, bible, WriteBeats(s, bible, arc, e, *pack), *pack));
  EXPECT_EQ(forward, backward);
}

TEST(Writer, BibleHasDistinctVoicesAndValidIds) {
  Series s = Write(MakeSettings(3));
  const Bible& bible = s.bible;
  ASSERT_GE(bible.characters.size(), 3u);
  EXPECT_EQ(bible.characters[0].id, "C01");
  EXPECT_EQ(bible.characters[0].role, "protagonist");
  EXPECT_EQ(bible.characters[1].role, "antagonist");
  EXPECT_EQ(bible.characters[2].role, "ally");
  std::set<std::pair<std::string, int>> voices;
  std::set<std::string> names;
  for (const auto& c : bible.characters) {
    EXPECT_TRUE(voices.insert({c.voice.variant, c.voice.pitch}).second) << c.id;
    EXPECT_TRUE(names.insert(c.name).second);
    EXPECT_EQ(c.voice.engine, "espeak");
    EXPECT_EQ(c.voice.voice, "en-us");
    EXPECT_EQ(c.voice.variant[0], c.gender == "female" ? 'f' : 'm');
    EXPECT_GE(c.voice.rate, 150);
    EXPECT_LE(c.voice.rate, 185);
    EXPECT_GE(c.look.size(), 3u);
    EXPECT_LE(c.look.size(), 5u);
    EXPECT_GE(c.palette.size(), 2u);
    EXPECT_EQ(c.want.find('{'), std::string::npos) << c.want;
  }
  EXPECT_GE(bible.locations.size(), 2u);
  EXPECT_LE(bible.locations.size(), 4u);
  EXPECT_EQ(bible.locations[0].id, "L01");
  EXPECT_NE(bible.logline.find("fakes her death"), std::string::npos) << bible.logline;
  // The bible survives its own YAML round trip (and the schema's checks).
  auto back = ParseYaml<Bible>(ToYaml(bible), "bible.yaml");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(ToYaml(*back), ToYaml(bible));

  Settings titled = MakeSettings(3);
  titled.title = "My Title";
  EXPECT_EQ(WriteBible(titled, Pack())->title, "My Title");
}

TEST(Writer, ArcHasOneEntryPerEpisodeAndAPaywall) {
  Settings settings = MakeSettings(2, 12);
  auto bible = WriteBible(settings, Pack());
  ASSERT_TRUE(bible.ok());
  Arc arc = WriteArc(settings, *bible, Pack());
  ASSERT_EQ(arc.episodes.size(), 12u);
  for (size_t i = 0; i < arc.episodes.size(); ++i) {
    const auto& ep = arc.episodes[i];
    EXPECT_EQ(ep.number, static_cast<int>(i) + 1);
    EXPECT_FALSE(ep.turn.empty());
    EXPECT_FALSE(ep.satisfaction.empty());
    EXPECT_FALSE(ep.hook.empty());
    EXPECT_FALSE(ep.cliffhanger.empty());
    EXPECT_EQ(ep.cliffhanger.find('{'), std::string::npos);
    EXPECT_EQ(ep.paywall, i == 9);
  }
  auto back = ParseYaml<Arc>(ToYaml(arc), "arc.yaml");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
}

TEST(Writer, RhythmTemplateMetForSeeds1To20) {
  std::set<size_t> beat_counts;
  for (int seed = 1; seed <= 20; ++seed) {
    Settings settings = MakeSettings(seed);
    Series s = Write(settings);
    for (size_t e = 0; e < s.beats.size(); ++e) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " episode " + std::to_string(e + 1));
      const Beats& beats = s.beats[e];
      ASSERT_GE(beats.beats.size(), 6u);
      ASSERT_LE(beats.beats.size(), 9u);
      beat_counts.insert(beats.beats.size());
      auto seconds = testing::BeatSecondsFromScript(s.bible, *ParseFountain(s.scripts[e], "script.fountain"));
      // The script holds exactly what the beat sheet estimated.
      double total = 0;
      for (const auto& b : beats.beats) {
        EXPECT_NEAR(seconds[b.id], b.estimate_s, 0.011) << b.id;
        EXPECT_NEAR(b.target_s, total, 0.02) << b.id;
        total += seconds[b.id];
        for (const auto& id : b.cast) {
          EXPECT_NE(s.bible.FindCharacter(id), nullptr) << id;
        }
        EXPECT_NE(s.bible.FindLocation(b.location), nullptr) << b.location;
        if (b.function == BeatFunction::kPayoff) {
          EXPECT_FALSE(b.satisfaction.empty());
        }
      }
      EXPECT_EQ(beats.beats.front().function, BeatFunction::kHook);
      EXPECT_EQ(beats.beats.front().target_s, 0);
      // The hook's first unit lands by hook_by_s.
      auto script = ParseFountain(s.scripts[e], "script.fountain");
      ASSERT_TRUE(script.ok());
      auto units = ScriptUnits(*script);
      ASSERT_FALSE(units.empty());
      EXPECT_EQ(units[0].beat, "B01");
      double first = units[0].kind == ScriptUnit::Kind::kAction
                         ? ActionShotSeconds(units[0].text)
                         : EstimateSpeechSeconds(units[0].text, s.bible.FindCharacterByName(units[0].character)->voice.rate);
      EXPECT_LE(first, settings.rhythm.hook_by_s);
      testing::ExpectMeetsRhythm(beats, total, settings.rhythm);
      EXPECT_NEAR(total, settings.rhythm.target_episode_s, 12);
      // beats.yaml passes the schema's own checks.
      auto back = ParseYaml<Beats>(ToYaml(beats), "beats.yaml");
      EXPECT_TRUE(back.ok()) << back.error().ToString();
    }
  }
  EXPECT_GE(beat_counts.size(), 3u) << "structure should vary between episodes";
}

TEST(Writer, ScriptsRoundTripAndCuesResolve) {
  Series s = Write(MakeSettings(11));
  for (const auto& text : s.scripts) {
    auto script = ParseFountain(text, "script.fountain");
    ASSERT_TRUE(script.ok());
    EXPECT_EQ(WriteFountain(*script), text);
    int cues = 0, parens = 0;
    for (const auto& e : script->elements) {
      if (e.kind == ScriptElementKind::kCharacter) {
        ++cues;
        EXPECT_NE(s.bible.FindCharacterByName(e.text), nullptr) << e.text;
      }
      parens += e.kind == ScriptElementKind::kParenthetical;
    }
    EXPECT_GT(cues, 4);
    EXPECT_EQ(script->title_page.at(2).second, "Reelwright (built-in writer)");
    EXPECT_NE(script->title_page.at(0).second.find("Episode"), std::string::npos);
    (void)parens;
  }
}

TEST(Writer, ThreeEpisodesDoNotRepeatLines) {
  for (int seed = 1; seed <= 5; ++seed) {
    Series s = Write(MakeSettings(seed));
    std::map<std::string, int> seen;
    for (const auto& text : s.scripts) {
      auto script = ParseFountain(text, "script.fountain");
      ASSERT_TRUE(script.ok());
      for (const auto& u : ScriptUnits(*script))
        if (u.kind == ScriptUnit::Kind::kDialogue) ++seen[u.text];
    }
    for (const auto& [line, n] : seen) {
      EXPECT_EQ(n, 1) << "seed " << seed << ": repeated line: " << line;
    }
  }
}

TEST(Writer, EditedEstimateChangesScriptLength) {
  Settings settings = MakeSettings(4, 1);
  Series s = Write(settings);
  Beats edited = s.beats[0];
  // Ask for a longer climax: the script follows the beat sheet.
  for (auto& b : edited.beats)
    if (b.function == BeatFunction::kClimax) b.estimate_s += 30;
  std::string longer = WriteScript(settings, s.bible, edited, Pack());
  EXPECT_GT(longer.size(), s.scripts[0].size());
}

// Writes a sample series to $RW_STORY_SAMPLE_DIR (for eyeballing the writer's output).
TEST(Writer, Sample) {
  const char* dir = std::getenv("RW_STORY_SAMPLE_DIR");
  if (!dir) GTEST_SKIP() << "set RW_STORY_SAMPLE_DIR to write a sample";
  const char* seed = std::getenv("RW_STORY_SAMPLE_SEED");
  Settings settings = MakeSettings(seed ? std::atoi(seed) : 1);
  Series s = Write(settings);
  std::filesystem::path out(dir);
  ASSERT_TRUE(MakeDirs(out).ok());
  ASSERT_TRUE(WriteFileAtomic(out / "bible.yaml", ToYaml(s.bible)).ok());
  ASSERT_TRUE(WriteFileAtomic(out / "arc.yaml", ToYaml(s.arc)).ok());
  for (size_t e = 0; e < s.beats.size(); ++e) {
    std::string n = std::to_string(e + 1);
    ASSERT_TRUE(WriteFileAtomic(out / ("ep" + n + ".beats.yaml"), ToYaml(s.beats[e])).ok());
    ASSERT_TRUE(WriteFileAtomic(out / ("ep" + n + ".script.fountain"), s.scripts[e]).ok());
  }
}

}  // namespace
namespace {

TEST(Voices, AgeMovesPitchAndRate) {
  VoiceSpec young, old;
  young.pitch = old.pitch = 50;
  young.rate = old.rate = 165;
  AgeVoice(young, 22);
  AgeVoice(old, 68);
  EXPECT_GT(young.pitch, 50);
  EXPECT_LT(old.pitch, 50);
  EXPECT_GT(young.rate, old.rate);
  VoiceSpec same;
  same.pitch = 50;
  same.rate = 165;
  AgeVoice(same, 35);
  EXPECT_EQ(same.pitch, 50);
  EXPECT_EQ(same.rate, 165);
}

}  // namespace
}  // namespace rw
