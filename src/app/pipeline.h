// The standard pipeline (DESIGN.md §1): which stages exist, what each reads and writes, and
// how they wire. Series stages (bible, arc) run first, then each episode's stages in order:
//
//   beats → script → voice → shots → timeline → subtitles → frames → clips → render
//
// Every stage goes through the Builder, so a second build with nothing changed runs nothing,
// and an edit to one episode's script reruns only that episode's stages downstream of it.
// Before any stage runs, every file a person may have edited is read and checked, so a
// malformed file stops the build with `path:line: …` before anything is written.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "build/builder.h"

namespace rw {

// Stage kinds in build order; `--until` takes one of these.
const std::vector<std::string>& StageKinds();

struct BuildRequest {
  std::string preset;         // empty: the series' preset setting
  std::string until;          // last stage kind to run; empty: all
  std::vector<int> episodes;  // empty: all
  BuildOptions options;
};

struct EpisodeSummary {
  int number = 0;
  double seconds = 0;
  int shots = 0;
  int lines = 0;
  std::vector<std::string> files;  // the deliverables, relative to the series folder
};

struct BuildSummary {
  std::vector<StageReport> reports;
  std::vector<EpisodeSummary> episodes;
  int ran = 0;
  double seconds = 0;
  CallTotals calls;  // model-server calls this build made
};

Result<BuildSummary> BuildSeries(const std::filesystem::path& root, const BuildRequest& request);

// Reads and checks every editable file of the series that exists; the first problem found.
Status CheckSeries(const std::filesystem::path& root);

}  // namespace rw
