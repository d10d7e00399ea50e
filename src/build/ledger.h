// The ledger: what produced every artifact (DESIGN.md §2), in .reelwright/ledger.sqlite.
//
// Tables (schema version in PRAGMA user_version = 2; version 1 ledgers are upgraded in place):
//   stages(name PK, kind, key, inputs JSON, pending, ran_at, seconds, error)
//       the key a stage last ran with, and the inputs that made that key (for --explain);
//       pending = 1 while a run is in progress: a stage found pending was killed mid-run, so
//       its outputs are not trusted and it runs again. error: why its last run failed.
//   artifacts(path PK, stage, hash, author, updated_at)
//       every output file (path relative to the series folder) with the hash the build wrote
//       and its author: "model:<provider>", "human" once a person's edit was seen, or
//       "picked" when a person chose a variant or restored an old version. A file whose hash on
//       disk differs from here was edited by a person. Human and picked files are sources.
//   locks(path PK, at)
//       artifacts a person pinned: a stage whose outputs are all locked does not run.
//   line_authors(path, n, kind, words, author, distance)
//       per script line (dialogue and action, in order): "human", "model:<name>", or
//       "edited:<model>" with the edit distance from the model's line.
//   files(path PK, size, mtime_ns, hash)
//       a stat cache so an unchanged file is not re-hashed (like git's index).
//   memo(key PK, hash)
//       per-item results: an item key (a line to voice, a panel to paint) → blob in the store.
//   history(id, path, hash, author, stage, at, made_from)
//       every version an artifact has had, newest last; made_from is the stage's inputs
//       ({"settings":…, "inputs":{path: hash}}) for versions a build made.
//   calls(id, stage, provider, model, attempt, http_status, prompt_tokens, completion_tokens,
//         latency_s, cost, outcome, at)
//       every request made to a model server, failed ones included: what a build spent.
// Times are Unix seconds; they never enter a key.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "schema/authorship.h"

struct sqlite3;

namespace rw {

struct StageRecord {
  std::string name;
  std::string kind;
  std::string key;
  std::string inputs_json;  // {"settings": …, "inputs": {"path": "hash", …}}
  bool pending = false;
  double seconds = 0;
};

// One request to a model server.
struct ModelCall {
  std::string provider;  // base URL
  std::string model;
  int attempt = 1;
  int http_status = 0;  // 0: no response (timeout, refused, dropped)
  int prompt_tokens = 0;
  int completion_tokens = 0;
  double latency_s = 0;
  double cost = 0;
  std::string outcome;  // "ok", "retry: 429", …
};

struct CallTotals {
  int calls = 0;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double cost = 0;
  double latency_s = 0;
};

struct ArtifactRecord {
  std::string path;
  std::string stage;
  std::string hash;
  std::string author;
};

// A person's files are sources: edited by hand, or a variant or version a person chose.
inline bool IsPersons(const std::string& author) { return author == "human" || author == "picked"; }

struct HistoryRecord {
  int64_t id = 0;
  std::string hash;
  std::string author;
  std::string stage;
  int64_t at = 0;  // Unix seconds
  std::string made_from;
};


class Ledger {
 public:
  static Result<std::unique_ptr<Ledger>> Open(const std::filesystem::path& db_path);
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  std::optional<StageRecord> GetStage(const std::string& name);
  std::vector<ArtifactRecord> OutputsOf(const std::string& stage);
  std::optional<ArtifactRecord> GetArtifact(const std::string& path);

  Status MarkPending(const std::string& name, const std::string& kind);
  // Keeps the stage pending (its outputs are not trusted) and records why it failed.
  Status MarkFailed(const std::string& name, const std::string& error);
  std::string FailureOf(const std::string& name);
  // Records a finished run in one transaction: the stage's key, its outputs (replacing the
  // previous list), and a history row for every output whose hash changed.
  Status CommitStage(const StageRecord& stage, const std::vector<ArtifactRecord>& outputs);
  Status SetAuthor(const std::string& path, const std::string& hash, const std::string& author);
  // Notes that a running stage is about to write `path` (hash empty, author "pending"), so a
  // file a killed run left is known as the build's, not a person's.
  Status RecordPendingOutput(const std::string& path, const std::string& stage);

  std::optional<std::string> GetMemo(const std::string& key);
  Status PutMemo(const std::string& key, const std::string& hash);
  // Every memo whose key starts with `prefix`, as (key, hash), by key.
  std::vector<std::pair<std::string, std::string>> MemosWithPrefix(const std::string& prefix);

  // Stat cache. Returns the cached hash when size and mtime match.
  std::optional<std::string> CachedHash(const std::string& path, int64_t size, int64_t mtime_ns);
  void PutCachedHash(const std::string& path, int64_t size, int64_t mtime_ns, const std::string& hash);

  std::vector<StageRecord> AllStages();
  std::vector<ArtifactRecord> AllArtifacts();

  // Versions of one artifact, oldest first.
  std::vector<HistoryRecord> History(const std::string& path);
  // The hash of every current artifact.
  std::vector<std::string> CurrentHashes();
  // Forgets memo entries whose blob is gone from the store (history keeps its rows: log shows
  // such versions as removed).
  Status ForgetHashes(const std::vector<std::string>& hashes);
  // Sets an artifact's recorded hash and author as a person's choice, with a history row.
  Status RecordChoice(const std::string& path, const std::string& hash, const std::string& author);

  Status Lock(const std::string& path);
  Status Unlock(const std::string& path);
  bool IsLocked(const std::string& path);
  std::vector<std::string> Locks();

  Status SetLineAuthors(const std::string& path, const std::vector<LineAuthor>& lines);
  std::vector<LineAuthor> LineAuthors(const std::string& path);

  // Means over past runs of stages of one kind ("script" matches "ep004/script"); n = 0 when
  // there are none. What plan estimates from.
  struct KindMeans {
    int n = 0;
    double seconds = 0;
    double prompt_tokens = 0, completion_tokens = 0;  // per call
  };
  KindMeans StageMeans(const std::string& kind);
  KindMeans CallMeans(const std::string& kind);

  Status RecordCalls(const std::string& stage, const std::vector<ModelCall>& calls);
  // Totals over calls recorded at or after `since` (Unix seconds); 0 for all time.
  CallTotals Totals(int64_t since);

 private:
  explicit Ledger(sqlite3* db) : db_(db) {}
  Status Exec(const char* sql);
  sqlite3* db_;
};

}  // namespace rw
