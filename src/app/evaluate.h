// `reelwright eval` and the build's report stage: reads what a series has on disk (beats, script,
// shots, timeline, the ledger's authorship), evaluates it (eval/eval.h) and writes the reports.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "eval/eval.h"

namespace rw {

// Evaluates the episodes that have beats and a script (all of them when `episodes` is empty).
// Times come from shots.yaml (the measured voice) when it matches the script, else estimates.
Result<SeriesReport> EvaluateSeries(const std::filesystem::path& root, const std::vector<int>& episodes = {});

// The files a report stage writes, relative to the series folder, and their contents:
// report.html, report.json, and episodes/epNNN/report.html for every episode evaluated.
std::vector<std::pair<std::string, std::string>> ReportFiles(const SeriesReport& report);

}  // namespace rw
