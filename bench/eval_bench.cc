// Evaluation at scale: `rw_eval_bench [--episodes 100] [--keep DIR]`
// Makes a series of --episodes episodes with the built-in writer (through the text stages and,
// for the first 3 episodes, voice, shots and timeline, so both measured and estimated episodes
// are read), then times `EvaluateSeries` — reading every file and scoring every episode and the
// series — and writing the HTML and JSON reports. Reports seconds and the ratio to the 2 s the
// evaluation issue allows.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "app/evaluate.h"
#include "app/pipeline.h"
#include "app/series.h"
#include "base/progress.h"

int main(int argc, char** argv) {
  int episodes = 100;
  std::string keep;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--episodes")) episodes = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--keep")) keep = argv[i + 1];
  }
  namespace fs = std::filesystem;
  fs::path root = keep.empty() ? fs::temp_directory_path() / ("rw_eval_bench_" + std::to_string(::getpid())) : fs::path(keep);
  fs::remove_all(root);
  rw::Progress::SetMode(false, true);
  rw::Settings s;
  s.idea = "A betrayed heir comes back to take everything";
  s.episodes = episodes;
  if (auto st = rw::CreateSeries(root, s); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.error().ToString().c_str());
    return 1;
  }
  rw::BuildRequest text;
  text.until = "script";
  rw::BuildRequest timed;
  timed.until = "timeline";
  timed.episodes = {1, 2, std::min(3, episodes)};
  if (!rw::BuildSeries(root, text).ok() || !rw::BuildSeries(root, timed).ok()) {
    std::fprintf(stderr, "could not build the series\n");
    return 1;
  }
  auto started = std::chrono::steady_clock::now();
  auto report = rw::EvaluateSeries(root);
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.error().ToString().c_str());
    return 1;
  }
  double evaluate_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto files = rw::ReportFiles(*report);
  double all_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  size_t bytes = 0;
  for (const auto& [path, content] : files) bytes += content.size();
  std::printf("%d episodes: evaluated in %.3f s (%.1f ms an episode), with %zu report files (%.1f MB of HTML/JSON) in %.3f s; "
              "%.2f of the 2 s allowed\n",
              episodes, evaluate_s, 1000 * evaluate_s / episodes, files.size(), bytes / 1e6, all_s, all_s / 2.0);
  if (keep.empty()) fs::remove_all(root);
  return 0;
}
