// The built-in writer's answer to sameness, held to a number: across 20 seeds × 10 episodes of
// a genre, no two episode scripts share 30% or more of their 5-token shingles (words; Chinese
// characters). Every genre pack in data/genres is held to it.
#include <gtest/gtest.h>

#include <filesystem>

#include "eval/shingles.h"
#include "story/fountain.h"
#include "story/genre_pack.h"
#include "story/writer.h"

namespace rw {
namespace {

namespace fs = std::filesystem;

TEST(Sameness, NoTwoEpisodeScriptsShareThirtyPercentOfTheirShingles) {
  fs::path genres = fs::path(RW_SOURCE_DIR) / "data/genres";
  for (const auto& g : fs::directory_iterator(genres)) {
    for (const auto& l : fs::directory_iterator(g.path())) {
      std::string genre = g.path().filename(), lang = l.path().filename();
      auto pack = LoadGenrePack(genres, genre, lang);
      ASSERT_TRUE(pack.ok()) << pack.error().ToString();
      std::vector<std::string> texts;
      for (int seed = 1; seed <= 20; ++seed) {
        Settings s;
        s.genre = genre;
        s.lang = lang;
        s.idea = "A betrayed heir comes back to take everything";
        s.episodes = 10;
        s.seed = seed;
        Bible bible = *WriteBible(s, *pack);
        Arc arc = WriteArc(s, bible, *pack);
        for (int e = 1; e <= s.episodes; ++e)
          texts.push_back(SpokenAndShown(*ParseFountain(WriteScript(s, bible, WriteBeats(s, bible, arc, e, *pack), *pack), "script")));
      }
      SamenessResult r = MostShared(texts, 5);
      EXPECT_LT(r.max_share, 0.30) << genre << "/" << lang << ": scripts " << r.a << " and " << r.b << " share "
                                   << 100 * r.max_share << "% of their 5-token shingles";
      std::printf("%s/%s: closest pair shares %.1f%%, mean %.1f%%\n", genre.c_str(), lang.c_str(), 100 * r.max_share,
                  100 * r.mean_share);
    }
  }
}

}  // namespace
}  // namespace rw
