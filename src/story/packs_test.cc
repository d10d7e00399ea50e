// Every genre pack on disk (data/genres/<genre>/<lang>/pack.yaml), whatever its language: it loads,
// it is big enough, and the built-in writer turns it into episodes that keep the default rhythm,
// parse, name only bible characters and never say the same line twice. Packs of one language must
// not share dialogue lines (formula breeds sameness). Only language-neutral things are asserted.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/text.h"
#include "schema/timing.h"
#include "story/fountain.h"
#include "story/genre_pack.h"
#include "story/story_testing.h"
#include "story/writer.h"

namespace rw {
namespace {

const std::filesystem::path kGenres = std::filesystem::path(RW_SOURCE_DIR) / "data/genres";

struct PackDir {
  std::string genre;
  std::string lang;
  std::string Name() const { return genre + "/" + lang; }
};

std::vector<PackDir> AllPackDirs() {
  namespace fs = std::filesystem;
  std::vector<PackDir> out;
  std::error_code ec;
  for (const auto& g : fs::directory_iterator(kGenres, ec)) {
    if (!g.is_directory()) continue;
    std::error_code ec2;
    for (const auto& l : fs::directory_iterator(g.path(), ec2)) {
      if (!l.is_directory()) continue;
      out.push_back({g.path().filename().string(), l.path().filename().string()});
    }
  }
  std::sort(out.begin(), out.end(), [](const PackDir& a, const PackDir& b) { return a.Name() < b.Name(); });
  return out;
}

// Loaded packs, by "genre/lang"; a pack that fails to load is reported once and left out.
const std::map<std::string, GenrePack>& Packs() {
  static const std::map<std::string, GenrePack> packs = [] {
    std::map<std::string, GenrePack> out;
    for (const auto& d : AllPackDirs()) {
      auto p = LoadGenrePack(kGenres, d.genre, d.lang);
      if (p.ok()) out.emplace(d.Name(), std::move(*p));
    }
    return out;
  }();
  return packs;
}

Settings SettingsFor(const GenrePack& pack, int seed) {
  Settings s;
  s.title = "";
  s.idea = "A stranger arrives with a secret that changes everything.";
  s.genre = pack.genre;
  s.lang = pack.lang;
  s.episodes = 3;
  s.seed = seed;
  return s;
}

TEST(Packs, EveryFolderLoads) {
  auto dirs = AllPackDirs();
  ASSERT_FALSE(dirs.empty());
  for (const auto& d : dirs) {
    auto p = LoadGenrePack(kGenres, d.genre, d.lang);
    EXPECT_TRUE(p.ok()) << d.Name() << ": " << (p.ok() ? "" : p.error().ToString());
  }
  EXPECT_EQ(Packs().size(), dirs.size());
}

// The sizes revenge/en sets as the bar for every pack.
TEST(Packs, MeetMinimumSizes) {
  for (const auto& [name, pack] : Packs()) {
    SCOPED_TRACE(name);
    EXPECT_GE(pack.characters.size(), 4u);
    EXPECT_GE(pack.titles.size(), 4u);
    EXPECT_GE(pack.loglines.size(), 2u);
    EXPECT_GE(pack.objects.size(), 6u);
    EXPECT_GE(pack.satisfaction_types.size(), 6u);
    EXPECT_EQ(pack.hook_types.size(), 4u);
    EXPECT_GE(pack.episode_titles.size(), 10u);
    EXPECT_GE(pack.turns.size(), 10u);
    EXPECT_GE(pack.cliffhangers.size(), 8u);
    EXPECT_FALSE(pack.paywall_cliffhanger.empty());
    EXPECT_GE(pack.locations.size(), 6u);
    std::set<std::string> kinds;
    for (const auto& l : pack.locations) {
      kinds.insert(l.kind);
      EXPECT_GE(l.look.size(), 2u) << l.name;
    }
    EXPECT_GE(kinds.size(), 3u);
    for (const auto& [function, fname] : EnumNames<BeatFunction>::kNames) {
      const auto& t = pack.beats.For(function);
      EXPECT_GE(t.summaries.size(), 1u) << fname;
      EXPECT_GE(t.actions.size(), 5u) << fname;
      EXPECT_GE(t.exchanges.size(), 5u) << fname;
      for (const auto& exchange : t.exchanges) {
        EXPECT_GE(exchange.size(), 2u) << fname;
        EXPECT_LE(exchange.size(), 4u) << fname;
      }
      // Every mood of every function has its own lines (the writer opens a beat with them).
      for (const auto& [mood, mood_name] : EnumNames<Mood>::kNames) {
        const auto& m = t.moods.For(mood);
        EXPECT_GE(m.actions.size(), 3u) << fname << ".moods." << mood_name;
        EXPECT_GE(m.exchanges.size(), 2u) << fname << ".moods." << mood_name;
        for (const auto& exchange : m.exchanges) {
          EXPECT_GE(exchange.size(), 2u) << fname << ".moods." << mood_name;
          EXPECT_LE(exchange.size(), 4u) << fname << ".moods." << mood_name;
        }
      }
    }
  }
}

TEST(Packs, WriterKeepsTheRhythmAndNeverRepeatsALine) {
  for (const auto& [name, pack] : Packs()) {
    for (int seed = 1; seed <= 5; ++seed) {
      SCOPED_TRACE(name + " seed " + std::to_string(seed));
      Settings settings = SettingsFor(pack, seed);
      auto bible = WriteBible(settings, pack);
      ASSERT_TRUE(bible.ok()) << bible.error().ToString();
      EXPECT_GE(bible->characters.size(), 3u);
      Arc arc = WriteArc(settings, *bible, pack);
      ASSERT_EQ(arc.episodes.size(), 3u);
      for (int e = 1; e <= settings.episodes; ++e) {
        SCOPED_TRACE("episode " + std::to_string(e));
        Beats beats = WriteBeats(settings, *bible, arc, e, pack);
        std::string text = WriteScript(settings, *bible, beats, pack);
        ASSERT_FALSE(beats.beats.empty());
        EXPECT_EQ(text.find('{'), std::string::npos) << "an unfilled slot in the script";

        auto script = ParseFountain(text, "script.fountain");
        ASSERT_TRUE(script.ok()) << script.error().ToString();
        int cues = 0;
        for (const auto& el : script->elements) {
          if (el.kind != ScriptElementKind::kCharacter) continue;
          ++cues;
          EXPECT_NE(bible->FindCharacterByName(el.text), nullptr) << "cue '" << el.text << "'";
        }
        EXPECT_GT(cues, 2);

        // The rhythm template of the default settings, measured on the script.
        auto seconds = testing::BeatSecondsFromScript(*bible, *script);
        double total = 0;
        for (const auto& b : beats.beats) total += seconds[b.id];
        testing::ExpectMeetsRhythm(beats, total, settings.rhythm);

        // No dialogue line twice in one episode.
        std::map<std::string, int> seen;
        for (const auto& u : ScriptUnits(*script))
          if (u.kind == ScriptUnit::Kind::kDialogue) ++seen[u.text];
        for (const auto& [line, n] : seen) EXPECT_EQ(n, 1) << "repeated line: " << line;
      }
    }
  }
}

// A dialogue template's text, compared without letter case or surrounding space.
std::string Comparable(const std::string& text) { return ToLowerAscii(Trim(text)); }

TEST(Packs, NoTwoPacksOfALanguageShareADialogueLine) {
  // lang → line → the first pack that says it.
  std::map<std::string, std::map<std::string, std::string>> owner;
  for (const auto& [name, pack] : Packs()) {
    std::set<std::string> own;
    for (const auto& [function, fname] : EnumNames<BeatFunction>::kNames) {
      const BeatTemplates& t = pack.beats.For(function);
      std::vector<std::vector<std::string>> exchanges = t.exchanges;
      for (const auto& [mood, mood_name] : EnumNames<Mood>::kNames)
        exchanges.insert(exchanges.end(), t.moods.For(mood).exchanges.begin(), t.moods.For(mood).exchanges.end());
      for (const auto& exchange : exchanges) {
        for (const auto& raw : exchange) {
          ExchangeLine line;
          if (!ParseExchangeLine(raw, &line)) continue;
          std::string key = Comparable(line.text);
          if (!own.insert(key).second) continue;  // repeats inside one pack are the episode test's business
          auto [it, fresh] = owner[pack.lang].emplace(key, name);
          EXPECT_TRUE(fresh) << name << " and " << it->second << " share the line: " << line.text;
        }
      }
    }
  }
}

}  // namespace
}  // namespace rw
