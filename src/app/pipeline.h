// The standard pipeline (DESIGN.md §1): which stages exist, what each reads and writes, and
// how they wire. Series stages (bible, arc) run first, then each episode's stages in order:
//
//   beats → script → voice → shots → timeline → subtitles → frames → clips → render
//
// and last, for the series, report: the evaluation of every episode (report.html, report.json,
// episodes/epNNN/report.html).
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
#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/shots.h"
#include "visual/painter.h"

namespace rw {

// Stage kinds in build order; `--until` takes one of these.
const std::vector<std::string>& StageKinds();

struct BuildRequest {
  std::string preset;         // empty: the series' preset setting
  std::string until;          // last stage kind to run; empty: all
  std::vector<int> episodes;  // empty: all
  BuildOptions options;
  std::string approve;        // the plan id a person approved (see PlanBuild)
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

// Builds. When the plan would spend more than the series' budget on paid providers, nothing
// runs unless request.approve is that plan's id; a plan made before any change no longer
// matches (its id covers every stage's key), so an approval never carries over to new work.
Result<BuildSummary> BuildSeries(const std::filesystem::path& root, const BuildRequest& request);

// What a build would do, decided without running or writing anything.
struct PlannedStage {
  std::string name;
  std::string reason;
  std::string provider;  // empty: a built-in engine
  int calls = 0;
  double tokens = 0;     // estimated, prompt + completion
  double cost = 0;       // estimated, in the config's currency units
  double seconds = 0;    // estimated
  bool from_history = false;  // estimates from this series' past runs, not defaults
};
struct BuildPlan {
  std::string id;  // 12 hex digits over every planned stage's name, key and reason
  std::vector<PlannedStage> stages;
  double cost = 0;
  double seconds = 0;
  double budget = 0;
  bool needs_approval = false;  // paid spend above the budget
};
Result<BuildPlan> PlanBuild(const std::filesystem::path& root, const BuildRequest& request);

// Every stage decided without running (plan and status read this).
Result<BuildSummary> DryRun(const std::filesystem::path& root, const BuildRequest& request);

// The storyboard panel the frames stage paints for a shot; the faces show its beat's emotion when
// `beats` is given.
PanelSpec PanelFor(const Bible& bible, const Shot& shot, int width, int height, const Beats* beats = nullptr);

// Reads and checks every editable file of the series that exists; the first problem found.
Status CheckSeries(const std::filesystem::path& root);

}  // namespace rw
