// The season plan a long series is written on: escalation, the paywall and its payoff,
// satisfaction points every 20–30 s, planned reveals, and beat-sheet templates that do not come
// back within five episodes. Checked for every genre pack, in both languages.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "story/fountain.h"
#include "story/genre_pack.h"
#include "story/story_testing.h"
#include "story/writer.h"

namespace rw {
namespace {

namespace fs = std::filesystem;

struct Season : testing::WrittenSeries {
  Settings settings;
};

Season WriteSeason(const std::string& genre, const std::string& lang, int episodes, int seed) {
  Season s;
  s.settings.genre = genre;
  s.settings.lang = lang;
  s.settings.idea = "A betrayed heir comes back to take everything";
  s.settings.episodes = episodes;
  s.settings.seed = seed;
  auto pack = LoadGenrePack(fs::path(RW_SOURCE_DIR) / "data/genres", genre, lang);
  EXPECT_TRUE(pack.ok()) << genre << "/" << lang;
  if (pack.ok()) static_cast<testing::WrittenSeries&>(s) = testing::WriteSeries(s.settings, *pack);
  return s;
}

std::vector<std::pair<std::string, std::string>> AllPacks() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& g : fs::directory_iterator(fs::path(RW_SOURCE_DIR) / "data/genres"))
    for (const auto& l : fs::directory_iterator(g.path()))
      if (fs::exists(l.path() / "pack.yaml")) out.push_back({g.path().filename(), l.path().filename()});
  std::sort(out.begin(), out.end());
  return out;
}

std::string Functions(const Beats& b) {
  std::string out;
  for (const auto& beat : b.beats) out += std::string(EnumName(beat.function)) + " ";
  return out;
}

TEST(Season, BeatTemplatesDoNotReturnWithinFiveEpisodes) {
  for (const auto& [genre, lang] : AllPacks()) {
    Season s = WriteSeason(genre, lang, 40, 3);
    for (size_t e = 0; e < s.beats.size(); ++e) {
      for (size_t d = 1; d <= 5 && e + d < s.beats.size(); ++d) {
        EXPECT_NE(s.arc.episodes[e].beat_template, s.arc.episodes[e + d].beat_template) << genre << "/" << lang << " ep" << e + 1;
        EXPECT_NE(Functions(s.beats[e]), Functions(s.beats[e + d]))
            << genre << "/" << lang << ": episodes " << e + 1 << " and " << e + d + 1 << " share a beat sheet";
      }
    }
  }
}

TEST(Season, NoTemplateTwiceInOneEpisodeAllSeasonLong) {
  for (const auto& [genre, lang] : AllPacks()) {
    Season s = WriteSeason(genre, lang, 40, 11);
    for (size_t e = 0; e < s.scripts.size(); ++e) {
      auto script = ParseFountain(s.scripts[e], "script");
      ASSERT_TRUE(script.ok());
      std::map<std::string, int> seen;
      for (const auto& u : ScriptUnits(*script))
        EXPECT_EQ(seen[u.text]++, 0) << genre << "/" << lang << " ep" << e + 1 << " repeats: " << u.text;
    }
  }
}

TEST(Season, SatisfactionPointAtLeastEveryThirtySeconds) {
  for (const auto& [genre, lang] : AllPacks()) {
    Season s = WriteSeason(genre, lang, 12, 7);
    for (const auto& b : s.beats) {
      double last = 0;
      int points = 0;
      for (const auto& beat : b.beats) {
        if (beat.satisfaction.empty()) continue;
        EXPECT_LE(beat.target_s - last, s.settings.rhythm.satisfaction_every_s + 1e-6)
            << genre << "/" << lang << " ep" << b.episode << " " << beat.id;
        last = beat.target_s;
        ++points;
      }
      EXPECT_GE(points, 2) << genre << "/" << lang << " ep" << b.episode;
    }
  }
}

TEST(Season, PaywallEndsOnTheStrongestCliffhangerAndIsPaidOffNext) {
  for (const auto& [genre, lang] : AllPacks()) {
    Season s = WriteSeason(genre, lang, 30, 2);
    auto pack = *LoadGenrePack(fs::path(RW_SOURCE_DIR) / "data/genres", genre, lang);
    const ArcEpisode& paywall = s.arc.episodes[9];
    EXPECT_TRUE(paywall.paywall);
    EXPECT_FALSE(pack.paywall_cliffhanger.empty());
    for (const auto& ep : s.arc.episodes) EXPECT_EQ(ep.paywall, ep.number == 10);
    EXPECT_EQ(s.arc.episodes[10].pays_off, 10) << genre << "/" << lang;
    bool answered = false;
    for (const auto& beat : s.beats[10].beats)
      answered |= beat.summary.find("10") != std::string::npos && beat.function == BeatFunction::kPayoff;
    EXPECT_TRUE(answered) << genre << "/" << lang << ": episode 11 has no payoff beat naming episode 10";
    EXPECT_GE(paywall.intensity, s.arc.episodes[8].intensity);
    EXPECT_GE(paywall.intensity, s.arc.episodes[11].intensity);
  }
}

TEST(Season, PaywallIsASetting) {
  Season s = WriteSeason("revenge", "en", 20, 4);
  Settings moved = s.settings;
  moved.paywall_episode = 6;
  auto pack = *LoadGenrePack(fs::path(RW_SOURCE_DIR) / "data/genres", "revenge", "en");
  Arc arc = WriteArc(moved, s.bible, pack);
  for (const auto& ep : arc.episodes) EXPECT_EQ(ep.paywall, ep.number == 6);
  EXPECT_EQ(arc.episodes[6].pays_off, 6);
}

TEST(Season, EscalatesToTheFinale) {
  Season s = WriteSeason("revenge", "en", 60, 1);
  double first = 0, last = 0;
  for (int i = 0; i < 20; ++i) {
    first += s.arc.episodes[static_cast<size_t>(i)].intensity;
    last += s.arc.episodes[static_cast<size_t>(40 + i)].intensity;
  }
  EXPECT_GT(last, first + 5);
  EXPECT_DOUBLE_EQ(s.arc.episodes.back().intensity, 1.0);
  // And the beats feel it: the finale's climax runs hotter than the first episode's.
  auto climax_arousal = [](const Beats& b) {
    for (const auto& beat : b.beats)
      if (beat.function == BeatFunction::kClimax) return beat.emotion.arousal;
    return 0.0;
  };
  EXPECT_GT(climax_arousal(s.beats.back()), climax_arousal(s.beats.front()));
}

TEST(Season, WantsAndSecretsComeOutWhereTheArcPlansThem) {
  for (const auto& [genre, lang] : AllPacks()) {
    Season s = WriteSeason(genre, lang, 30, 5);
    std::map<std::string, int> planned;
    for (const auto& ep : s.arc.episodes)
      for (const auto& r : ep.reveals) EXPECT_TRUE(planned.emplace(r, ep.number).second) << r << " planned twice";
    for (const auto& c : s.bible.characters) EXPECT_TRUE(planned.count(c.id + " secret")) << genre << "/" << lang << " " << c.id;
    for (const auto& [reveal, episode] : planned) {
      const Beats& b = s.beats[static_cast<size_t>(episode - 1)];
      bool landed = false;
      for (const auto& beat : b.beats) landed |= beat.reveal == reveal;
      EXPECT_TRUE(landed) << genre << "/" << lang << ": " << reveal << " planned for episode " << episode;
      const Character* c = s.bible.FindCharacter(reveal.substr(0, 3));
      std::string text = reveal.find("secret") != std::string::npos ? c->secret : c->want;
      std::string body = text.substr(text.size() > 12 ? 4 : 0, 8);  // a piece of it, past any re-cased first letter
      EXPECT_NE(s.scripts[static_cast<size_t>(episode - 1)].find(body), std::string::npos) << reveal << ": " << body;
    }
  }
}

}  // namespace
}  // namespace rw
