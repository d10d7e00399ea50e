// The build: runs stages through the content-addressed cache and the ledger (DESIGN.md §2).
//
// A stage is a function from inputs to outputs; the Builder alone decides whether it runs.
// Its key is sha256 of {kind, version, settings, and the current hash of every input file},
// where the input files are the recorded outputs of the stages it depends on plus any source
// files it names. A stage runs when it never ran, its last run was interrupted, its key
// changed, or one of its outputs is missing. Because inputs are hashed by content, a stage
// whose rerun produced identical bytes does not wake the stages after it (early cutoff).
//
// An output whose bytes differ from what the ledger recorded was edited by a person. From
// then on it is a source: nothing writes over it. If its stage must run again, the new result
// is written beside it as a variant (<folder>/variants/<name>) and the build says so.
// A locked output is pinned: when every output of a stage is locked, the stage does not run.
//
// A dry run (plan, status) decides every stage without running any: a stage whose dependency
// would run is reported as "after <dep>", since its inputs are not known yet.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "build/ledger.h"
#include "build/store.h"
#include "schema/fields.h"

namespace rw {

class StageContext;

struct StageSpec {
  std::string name;  // unique in the series: "bible", "ep001/voice"
  std::string kind;  // "voice"
  int version = 1;   // bump when the stage's code changes what it writes
  std::vector<std::string> deps;     // stages whose outputs this one reads
  std::vector<std::string> sources;  // files no stage makes (relative to the series or absolute)
  Json settings = Json::object();    // every setting and provider choice that shapes the output
  std::string author = "model:builtin";
  // What a run would spend, for plan: requests to a model server (0: none) and whose.
  int model_calls = 0;
  std::string provider;  // "chat http://… model", empty for built-in engines
  std::function<Status(StageContext&)> run;
};

enum class StageOutcome { kUpToDate, kRan, kFailed, kWouldRun };

struct StageReport {
  std::string name;
  StageOutcome outcome = StageOutcome::kUpToDate;
  std::string reason;  // why it ran (or "up to date")
  std::vector<std::string> kept_edits;  // outputs kept because a person edited them
  std::vector<std::string> variants;    // regenerated alternatives written beside kept edits
  std::vector<std::string> persons;     // outputs that are a person's (edited, picked)
  std::vector<std::string> locked;      // outputs pinned by lock
  std::string last_error;               // why its last run failed, if it did
  std::string key;                      // the key it has (or would run with)
  int planned_calls = 0;                // from the spec, when it would run
  std::string provider;
  int items_made = 0;
  int items_reused = 0;
  int model_calls = 0;
  double seconds = 0;
  std::string error;  // "where: what", when the stage failed
  ErrorCode error_code = ErrorCode::kFailed;
};

class Builder;

class StageContext {
 public:
  const std::filesystem::path& root() const;
  const std::string& stage_name() const { return stage_; }
  std::filesystem::path Abs(const std::string& rel) const { return root() / rel; }
  // Where to write output `rel`: rel itself, or its variant path when a person's edit protects
  // it. Records `rel` as an output of this run.
  std::filesystem::path OutputPath(const std::string& rel);
  bool IsProtected(const std::string& rel) const { return protected_.count(rel) > 0; }
  Status Write(const std::string& rel, std::string_view bytes);
  // Records `rel`, a person's file that this run leaves as it is, as an output of the stage, so
  // the stages after it read it and run again when it changes. Nothing is written.
  Status Keep(const std::string& rel);
  // Per-item cache. Restore copies the result made for `item_key` before into OutputPath(rel)
  // and returns true; Remember stores what was just written to rel under `item_key`.
  // `counts` false: a by-product of an item (its lip-sync data), not an item of its own.
  Result<bool> Restore(const std::string& item_key, const std::string& rel, bool counts = true);
  Status Remember(const std::string& item_key, const std::string& rel, bool counts = true);
  // Records a request made to a model server; kept in the ledger even if the stage fails.
  void RecordCall(ModelCall call) { calls_.push_back(std::move(call)); }

  int items_made = 0;
  int items_reused = 0;

 private:
  friend class Builder;
  StageContext(Builder& builder, std::set<std::string> protected_outputs, std::string stage)
      : builder_(builder), protected_(std::move(protected_outputs)), stage_(std::move(stage)) {}
  Builder& builder_;
  std::set<std::string> protected_;
  std::vector<std::string> outputs_;  // in order written
  std::vector<std::string> variants_;
  std::vector<std::string> found_sources_;  // outputs a person had put there before any build
  std::vector<ModelCall> calls_;
  std::string stage_;
};

struct BuildOptions {
  bool explain = false;  // print why each stage runs
  bool force = false;    // run every stage and overwrite edits
  bool dry_run = false;  // decide, never run, never write (plan, status)
};

class Builder {
 public:
  Builder(std::filesystem::path root, Ledger& ledger, ContentStore& store, BuildOptions options)
      : root_(std::move(root)), ledger_(ledger), store_(store), options_(options) {}

  // Decides and, when needed, runs one stage. Its deps must have been given to Run before.
  StageReport Run(const StageSpec& spec);

  // Hash of a file under the series (or absolute), through the stat cache. Empty if missing.
  std::string HashOf(const std::string& path);
  const std::filesystem::path& root() const { return root_; }
  Ledger& ledger() { return ledger_; }
  ContentStore& store() { return store_; }
  static std::string VariantPath(const std::string& rel);

 private:
  Json InputsOf(const StageSpec& spec);
  std::string ProtectedAuthor(const std::string& rel);
  static std::string ExplainChange(const nlohmann::json& before, const nlohmann::json& now);

  std::filesystem::path root_;
  Ledger& ledger_;
  ContentStore& store_;
  BuildOptions options_;
  std::set<std::string> would_run_;  // dry run: stages that would run
};

}  // namespace rw
