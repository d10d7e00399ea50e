// The ledger: what produced every artifact (DESIGN.md §2), in .reelwright/ledger.sqlite.
//
// Tables (schema version in PRAGMA user_version = 1):
//   stages(name PK, kind, key, inputs JSON, pending, ran_at, seconds)
//       the key a stage last ran with, and the inputs that made that key (for --explain);
//       pending = 1 while a run is in progress: a stage found pending was killed mid-run, so
//       its outputs are not trusted and it runs again.
//   artifacts(path PK, stage, hash, author, updated_at)
//       every output file (path relative to the series folder) with the hash the build wrote
//       and its author: "model:<provider>" or "human" once a person's edit was seen. A file
//       whose hash on disk differs from here was edited by a person.
//   files(path PK, size, mtime_ns, hash)
//       a stat cache so an unchanged file is not re-hashed (like git's index).
//   memo(key PK, hash)
//       per-item results: an item key (a line to voice, a panel to paint) → blob in the store.
//   history(id, path, hash, author, stage, at)
//       every version an artifact has had, newest last.
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
  // Records a finished run in one transaction: the stage's key, its outputs (replacing the
  // previous list), and a history row for every output whose hash changed.
  Status CommitStage(const StageRecord& stage, const std::vector<ArtifactRecord>& outputs);
  Status SetAuthor(const std::string& path, const std::string& hash, const std::string& author);
  // Notes that a running stage is about to write `path` (hash empty, author "pending"), so a
  // file a killed run left is known as the build's, not a person's.
  Status RecordPendingOutput(const std::string& path, const std::string& stage);

  std::optional<std::string> GetMemo(const std::string& key);
  Status PutMemo(const std::string& key, const std::string& hash);

  // Stat cache. Returns the cached hash when size and mtime match.
  std::optional<std::string> CachedHash(const std::string& path, int64_t size, int64_t mtime_ns);
  void PutCachedHash(const std::string& path, int64_t size, int64_t mtime_ns, const std::string& hash);

  std::vector<StageRecord> AllStages();

  Status RecordCalls(const std::string& stage, const std::vector<ModelCall>& calls);
  // Totals over calls recorded at or after `since` (Unix seconds); 0 for all time.
  CallTotals Totals(int64_t since);

 private:
  explicit Ledger(sqlite3* db) : db_(db) {}
  Status Exec(const char* sql);
  sqlite3* db_;
};

}  // namespace rw
