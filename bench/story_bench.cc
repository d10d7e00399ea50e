// The built-in writer at scale and its sameness:
//   rw_story_bench [--genre revenge] [--lang en] [--seeds 20] [--episodes 10] [--long 100]
// 1. Writes one series of --long episodes (bible, arc, every beat sheet and script) and reports
//    the time, and whether a second run gives identical text.
// 2. Writes --seeds series of --episodes episodes and reports the largest share of 5-token
//    shingles (words; characters for Chinese) any two episode scripts have in common.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "app/series.h"
#include "base/hash.h"
#include "eval/shingles.h"
#include "story/fountain.h"
#include "story/genre_pack.h"
#include "story/writer.h"

namespace {

std::vector<std::string> WriteSeries(const rw::Settings& s, const rw::GenrePack& pack) {
  std::vector<std::string> scripts;
  auto bible = rw::WriteBible(s, pack);
  if (!bible.ok()) {
    std::fprintf(stderr, "%s\n", bible.error().ToString().c_str());
    std::exit(1);
  }
  rw::Arc arc = rw::WriteArc(s, *bible, pack);
  for (int e = 1; e <= s.episodes; ++e) {
    rw::Beats beats = rw::WriteBeats(s, *bible, arc, e, pack);
    scripts.push_back(rw::WriteScript(s, *bible, beats, pack));
  }
  return scripts;
}

}  // namespace

int main(int argc, char** argv) {
  std::string genre = "revenge", lang = "en";
  int seeds = 20, episodes = 10, long_series = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--genre")) genre = argv[i + 1];
    if (!std::strcmp(argv[i], "--lang")) lang = argv[i + 1];
    if (!std::strcmp(argv[i], "--seeds")) seeds = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--episodes")) episodes = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--long")) long_series = std::atoi(argv[i + 1]);
  }
  auto pack = rw::LoadGenrePack(rw::DataDir() / "genres", genre, lang);
  if (!pack.ok()) {
    std::fprintf(stderr, "%s\n", pack.error().ToString().c_str());
    return 1;
  }
  rw::Settings s;
  s.genre = genre;
  s.lang = lang;
  s.idea = "A betrayed heir returns to take back everything";
  s.episodes = long_series;

  auto t0 = std::chrono::steady_clock::now();
  auto first = WriteSeries(s, *pack);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto second = WriteSeries(s, *pack);
  std::printf("%s/%s: %d episodes written in %.2f s (%.1f ms an episode); second run identical: %s\n", genre.c_str(),
              lang.c_str(), long_series, seconds, 1000 * seconds / long_series, first == second ? "yes" : "NO");

  std::vector<std::string> texts;
  std::vector<std::string> names;
  s.episodes = episodes;
  for (int seed = 1; seed <= seeds; ++seed) {
    s.seed = seed;
    auto scripts = WriteSeries(s, *pack);
    for (size_t e = 0; e < scripts.size(); ++e) {
      texts.push_back(rw::SpokenAndShown(*rw::ParseFountain(scripts[e], "script")));
      names.push_back("seed " + std::to_string(seed) + " ep" + std::to_string(e + 1));
    }
  }
  auto same = rw::MostShared(texts, 5);
  std::printf("%s/%s: %d seeds x %d episodes = %zu scripts; 5-token shingles shared by the closest pair: %.1f%% (%s vs %s); mean over all pairs %.1f%%\n",
              genre.c_str(), lang.c_str(), seeds, episodes, texts.size(), 100 * same.max_share, names[same.a].c_str(),
              names[same.b].c_str(), 100 * same.mean_share);
  return 0;
}
