#include "build/ledger.h"

#include <sqlite3.h>

#include <ctime>

namespace rw {

namespace {

// A prepared statement that finalizes itself.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  bool Step() { return sqlite3_step(stmt_) == SQLITE_ROW; }
  int Run() { return sqlite3_step(stmt_); }
  std::string Text(int col) {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
  double Real(int col) { return sqlite3_column_double(stmt_, col); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::filesystem::path& db_path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return IoError(db_path.string(), "cannot open the ledger: " + why);
  }
  std::unique_ptr<Ledger> ledger(new Ledger(db));
  sqlite3_busy_timeout(db, 5000);
  RW_TRY(ledger->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
  RW_TRY(ledger->Exec(
      "CREATE TABLE IF NOT EXISTS stages(name TEXT PRIMARY KEY, kind TEXT, key TEXT, inputs TEXT,"
      " pending INTEGER, ran_at INTEGER, seconds REAL);"
      "CREATE TABLE IF NOT EXISTS artifacts(path TEXT PRIMARY KEY, stage TEXT, hash TEXT, author TEXT,"
      " updated_at INTEGER);"
      "CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, hash TEXT);"
      "CREATE TABLE IF NOT EXISTS memo(key TEXT PRIMARY KEY, hash TEXT);"
      "CREATE TABLE IF NOT EXISTS history(id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT, hash TEXT,"
      " author TEXT, stage TEXT, at INTEGER);"
      "CREATE TABLE IF NOT EXISTS calls(id INTEGER PRIMARY KEY AUTOINCREMENT, stage TEXT, provider TEXT, model TEXT,"
      " attempt INTEGER, http_status INTEGER, prompt_tokens INTEGER, completion_tokens INTEGER, latency_s REAL,"
      " cost REAL, outcome TEXT, at INTEGER);"
      "CREATE TABLE IF NOT EXISTS locks(path TEXT PRIMARY KEY, at INTEGER);"
      "CREATE TABLE IF NOT EXISTS line_authors(path TEXT, n INTEGER, kind TEXT, words INTEGER, author TEXT,"
      " distance INTEGER, PRIMARY KEY(path, n));"));
  int64_t version = 0;
  {
    Stmt v(db, "PRAGMA user_version");
    if (v.Step()) version = v.Int(0);
  }
  if (version < 2) {
    // Version 1 stages and history lack their last columns; a fresh table gets them here too.
    bool has_error = false;
    {
      Stmt c(db, "SELECT COUNT(*) FROM pragma_table_info('stages') WHERE name = 'error'");
      has_error = c.Step() && c.Int(0) > 0;
    }
    if (!has_error)
      RW_TRY(ledger->Exec("ALTER TABLE stages ADD COLUMN error TEXT DEFAULT '';"
                          "ALTER TABLE history ADD COLUMN made_from TEXT DEFAULT '';"));
    RW_TRY(ledger->Exec("PRAGMA user_version = 2;"));
  }
  return ledger;
}

Ledger::~Ledger() { sqlite3_close(db_); }

Status Ledger::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    return IoError(".reelwright/ledger.sqlite", "ledger query failed: " + why);
  }
  return {};
}

std::optional<StageRecord> Ledger::GetStage(const std::string& name) {
  Stmt s(db_, "SELECT kind, key, inputs, pending, seconds FROM stages WHERE name = ?");
  s.Bind(1, name);
  if (!s.Step()) return std::nullopt;
  return StageRecord{name, s.Text(0), s.Text(1), s.Text(2), s.Int(3) != 0, s.Real(4)};
}

std::vector<StageRecord> Ledger::AllStages() {
  std::vector<StageRecord> out;
  Stmt s(db_, "SELECT name, kind, key, inputs, pending, seconds FROM stages ORDER BY name");
  while (s.Step()) out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4) != 0, s.Real(5)});
  return out;
}

std::vector<ArtifactRecord> Ledger::OutputsOf(const std::string& stage) {
  std::vector<ArtifactRecord> out;
  Stmt s(db_, "SELECT path, hash, author FROM artifacts WHERE stage = ? ORDER BY path");
  s.Bind(1, stage);
  while (s.Step()) out.push_back({s.Text(0), stage, s.Text(1), s.Text(2)});
  return out;
}

std::optional<ArtifactRecord> Ledger::GetArtifact(const std::string& path) {
  Stmt s(db_, "SELECT stage, hash, author FROM artifacts WHERE path = ?");
  s.Bind(1, path);
  if (!s.Step()) return std::nullopt;
  return ArtifactRecord{path, s.Text(0), s.Text(1), s.Text(2)};
}

Status Ledger::MarkPending(const std::string& name, const std::string& kind) {
  Stmt s(db_,
         "INSERT INTO stages(name, kind, key, inputs, pending, ran_at, seconds) VALUES(?, ?, '', '', 1, ?, 0)"
         " ON CONFLICT(name) DO UPDATE SET pending = 1");
  s.Bind(1, name).Bind(2, kind).Bind(3, Now());
  if (s.Run() != SQLITE_DONE) return IoError(".reelwright/ledger.sqlite", sqlite3_errmsg(db_));
  return {};
}

Status Ledger::MarkFailed(const std::string& name, const std::string& error) {
  Stmt s(db_, "UPDATE stages SET pending = 1, error = ? WHERE name = ?");
  s.Bind(1, error).Bind(2, name);
  if (s.Run() != SQLITE_DONE) return IoError(".reelwright/ledger.sqlite", sqlite3_errmsg(db_));
  return {};
}

std::string Ledger::FailureOf(const std::string& name) {
  Stmt s(db_, "SELECT COALESCE(error, '') FROM stages WHERE name = ? AND pending = 1");
  s.Bind(1, name);
  return s.Step() ? s.Text(0) : "";
}

Status Ledger::CommitStage(const StageRecord& stage, const std::vector<ArtifactRecord>& outputs) {
  RW_TRY(Exec("BEGIN IMMEDIATE"));
  auto fail = [&]() -> Status {
    std::string why = sqlite3_errmsg(db_);
    (void)Exec("ROLLBACK");
    return IoError(".reelwright/ledger.sqlite", "cannot record stage " + stage.name + ": " + why);
  };
  {
    Stmt s(db_,
           "INSERT INTO stages(name, kind, key, inputs, pending, ran_at, seconds, error) VALUES(?, ?, ?, ?, 0, ?, ?, '')"
           " ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, key = excluded.key, inputs = excluded.inputs,"
           " pending = 0, ran_at = excluded.ran_at, seconds = excluded.seconds, error = ''");
    s.Bind(1, stage.name).Bind(2, stage.kind).Bind(3, stage.key).Bind(4, stage.inputs_json).Bind(5, Now());
    s.Bind(6, stage.seconds);
    if (s.Run() != SQLITE_DONE) return fail();
  }
  {
    Stmt s(db_, "DELETE FROM artifacts WHERE stage = ?");
    s.Bind(1, stage.name);
    if (s.Run() != SQLITE_DONE) return fail();
  }
  for (const auto& a : outputs) {
    Stmt prev(db_, "SELECT hash FROM history WHERE path = ? ORDER BY id DESC LIMIT 1");
    prev.Bind(1, a.path);
    bool changed = !prev.Step() || prev.Text(0) != a.hash;
    Stmt s(db_, "INSERT OR REPLACE INTO artifacts(path, stage, hash, author, updated_at) VALUES(?, ?, ?, ?, ?)");
    s.Bind(1, a.path).Bind(2, stage.name).Bind(3, a.hash).Bind(4, a.author).Bind(5, Now());
    if (s.Run() != SQLITE_DONE) return fail();
    if (changed) {
      Stmt h(db_, "INSERT INTO history(path, hash, author, stage, at, made_from) VALUES(?, ?, ?, ?, ?, ?)");
      h.Bind(1, a.path).Bind(2, a.hash).Bind(3, a.author).Bind(4, stage.name).Bind(5, Now());
      h.Bind(6, IsPersons(a.author) ? std::string() : stage.inputs_json);
      if (h.Run() != SQLITE_DONE) return fail();
    }
  }
  return Exec("COMMIT");
}

Status Ledger::SetAuthor(const std::string& path, const std::string& hash, const std::string& author) {
  Stmt s(db_, "UPDATE artifacts SET hash = ?, author = ?, updated_at = ? WHERE path = ?");
  s.Bind(1, hash).Bind(2, author).Bind(3, Now()).Bind(4, path);
  if (s.Run() != SQLITE_DONE) return IoError(".reelwright/ledger.sqlite", sqlite3_errmsg(db_));
  Stmt prev(db_, "SELECT hash FROM history WHERE path = ? ORDER BY id DESC LIMIT 1");
  prev.Bind(1, path);
  if (prev.Step() && prev.Text(0) == hash) return {};
  Stmt h(db_, "INSERT INTO history(path, hash, author, stage, at, made_from) SELECT path, hash, author, stage, ?, '' FROM artifacts WHERE path = ?");
  h.Bind(1, Now()).Bind(2, path);
  h.Run();
  return {};
}

Status Ledger::RecordChoice(const std::string& path, const std::string& hash, const std::string& author) {
  if (!GetArtifact(path)) return BadInput(path, "no build has made this file; nothing to choose for it");
  return SetAuthor(path, hash, author);
}

std::vector<ArtifactRecord> Ledger::AllArtifacts() {
  std::vector<ArtifactRecord> out;
  Stmt s(db_, "SELECT path, stage, hash, author FROM artifacts ORDER BY path");
  while (s.Step()) out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3)});
  return out;
}

std::vector<HistoryRecord> Ledger::History(const std::string& path) {
  std::vector<HistoryRecord> out;
  Stmt s(db_, "SELECT id, hash, author, stage, at, COALESCE(made_from, '') FROM history WHERE path = ? ORDER BY id");
  s.Bind(1, path);
  while (s.Step()) out.push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Text(5)});
  return out;
}

std::vector<std::string> Ledger::CurrentHashes() {
  std::vector<std::string> out;
  Stmt s(db_, "SELECT DISTINCT hash FROM artifacts WHERE hash != ''");
  while (s.Step()) out.push_back(s.Text(0));
  return out;
}

Status Ledger::ForgetHashes(const std::vector<std::string>& hashes) {
  RW_TRY(Exec("BEGIN IMMEDIATE"));
  for (const auto& h : hashes) {
    Stmt m(db_, "DELETE FROM memo WHERE hash = ?");
    m.Bind(1, h).Run();
  }
  return Exec("COMMIT");
}

Status Ledger::Lock(const std::string& path) {
  Stmt s(db_, "INSERT OR IGNORE INTO locks(path, at) VALUES(?, ?)");
  s.Bind(1, path).Bind(2, Now());
  if (s.Run() != SQLITE_DONE) return IoError(".reelwright/ledger.sqlite", sqlite3_errmsg(db_));
  return {};
}

Status Ledger::Unlock(const std::string& path) {
  Stmt s(db_, "DELETE FROM locks WHERE path = ?");
  s.Bind(1, path);
  if (s.Run() != SQLITE_DONE) return IoError(".reelwright/ledger.sqlite", sqlite3_errmsg(db_));
  return {};
}

bool Ledger::IsLocked(const std::string& path) {
  Stmt s(db_, "SELECT 1 FROM locks WHERE path = ?");
  s.Bind(1, path);
  return s.Step();
}

std::vector<std::string> Ledger::Locks() {
  std::vector<std::string> out;
  Stmt s(db_, "SELECT path FROM locks ORDER BY path");
  while (s.Step()) out.push_back(s.Text(0));
  return out;
}

Status Ledger::SetLineAuthors(const std::string& path, const std::vector<LineAuthor>& lines) {
  RW_TRY(Exec("BEGIN IMMEDIATE"));
  {
    Stmt d(db_, "DELETE FROM line_authors WHERE path = ?");
    d.Bind(1, path).Run();
  }
  for (const auto& l : lines) {
    Stmt s(db_, "INSERT INTO line_authors(path, n, kind, words, author, distance) VALUES(?, ?, ?, ?, ?, ?)");
    s.Bind(1, path).Bind(2, static_cast<int64_t>(l.n)).Bind(3, l.kind).Bind(4, static_cast<int64_t>(l.words));
    s.Bind(5, l.author).Bind(6, static_cast<int64_t>(l.distance));
    if (s.Run() != SQLITE_DONE) {
      std::string why = sqlite3_errmsg(db_);
      (void)Exec("ROLLBACK");
      return IoError(".reelwright/ledger.sqlite", why);
    }
  }
  return Exec("COMMIT");
}

std::vector<LineAuthor> Ledger::LineAuthors(const std::string& path) {
  std::vector<LineAuthor> out;
  Stmt s(db_, "SELECT n, kind, words, author, distance FROM line_authors WHERE path = ? ORDER BY n");
  s.Bind(1, path);
  while (s.Step())
    out.push_back({static_cast<int>(s.Int(0)), s.Text(1), static_cast<int>(s.Int(2)), s.Text(3), static_cast<int>(s.Int(4))});
  return out;
}

Status Ledger::RecordCalls(const std::string& stage, const std::vector<ModelCall>& calls) {
  for (const auto& c : calls) {
    Stmt s(db_,
           "INSERT INTO calls(stage, provider, model, attempt, http_status, prompt_tokens, completion_tokens, latency_s,"
           " cost, outcome, at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.Bind(1, stage).Bind(2, c.provider).Bind(3, c.model).Bind(4, static_cast<int64_t>(c.attempt));
    s.Bind(5, static_cast<int64_t>(c.http_status)).Bind(6, static_cast<int64_t>(c.prompt_tokens));
    s.Bind(7, static_cast<int64_t>(c.completion_tokens)).Bind(8, c.latency_s).Bind(9, c.cost).Bind(10, c.outcome);
    s.Bind(11, Now());
    if (s.Run() != SQLITE_DONE) return IoError(".reelwright/ledger.sqlite", sqlite3_errmsg(db_));
  }
  return {};
}

Ledger::KindMeans Ledger::StageMeans(const std::string& kind) {
  Stmt s(db_, "SELECT COUNT(*), COALESCE(AVG(seconds), 0) FROM stages WHERE kind = ? AND pending = 0 AND seconds > 0");
  s.Bind(1, kind);
  KindMeans m;
  if (s.Step()) {
    m.n = static_cast<int>(s.Int(0));
    m.seconds = s.Real(1);
  }
  return m;
}

Ledger::KindMeans Ledger::CallMeans(const std::string& kind) {
  Stmt s(db_,
         "SELECT COUNT(*), COALESCE(AVG(latency_s), 0), COALESCE(AVG(prompt_tokens), 0), COALESCE(AVG(completion_tokens), 0)"
         " FROM calls WHERE outcome = 'ok' AND (stage = ? OR stage LIKE ?)");
  s.Bind(1, kind).Bind(2, "%/" + kind);
  KindMeans m;
  if (s.Step()) {
    m.n = static_cast<int>(s.Int(0));
    m.seconds = s.Real(1);
    m.prompt_tokens = s.Real(2);
    m.completion_tokens = s.Real(3);
  }
  return m;
}

CallTotals Ledger::Totals(int64_t since) {
  Stmt s(db_,
         "SELECT COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(cost), 0),"
         " COALESCE(SUM(latency_s), 0) FROM calls WHERE at >= ?");
  s.Bind(1, since);
  CallTotals t;
  if (s.Step()) {
    t.calls = static_cast<int>(s.Int(0));
    t.prompt_tokens = s.Int(1);
    t.completion_tokens = s.Int(2);
    t.cost = s.Real(3);
    t.latency_s = s.Real(4);
  }
  return t;
}

Status Ledger::RecordPendingOutput(const std::string& path, const std::string& stage) {
  Stmt s(db_, "INSERT OR IGNORE INTO artifacts(path, stage, hash, author, updated_at) VALUES(?, ?, '', 'pending', ?)");
  s.Bind(1, path).Bind(2, stage).Bind(3, Now());
  if (s.Run() != SQLITE_DONE) return IoError(".reelwright/ledger.sqlite", sqlite3_errmsg(db_));
  return {};
}

std::optional<std::string> Ledger::GetMemo(const std::string& key) {
  Stmt s(db_, "SELECT hash FROM memo WHERE key = ?");
  s.Bind(1, key);
  if (!s.Step()) return std::nullopt;
  return s.Text(0);
}

std::vector<std::pair<std::string, std::string>> Ledger::MemosWithPrefix(const std::string& prefix) {
  std::vector<std::pair<std::string, std::string>> out;
  Stmt s(db_, "SELECT key, hash FROM memo WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key");
  s.Bind(1, prefix);
  while (s.Step()) out.emplace_back(s.Text(0), s.Text(1));
  return out;
}

Status Ledger::PutMemo(const std::string& key, const std::string& hash) {
  Stmt s(db_, "INSERT OR REPLACE INTO memo(key, hash) VALUES(?, ?)");
  s.Bind(1, key).Bind(2, hash);
  if (s.Run() != SQLITE_DONE) return IoError(".reelwright/ledger.sqlite", sqlite3_errmsg(db_));
  return {};
}

std::optional<std::string> Ledger::CachedHash(const std::string& path, int64_t size, int64_t mtime_ns) {
  Stmt s(db_, "SELECT hash FROM files WHERE path = ? AND size = ? AND mtime_ns = ?");
  s.Bind(1, path).Bind(2, size).Bind(3, mtime_ns);
  if (!s.Step()) return std::nullopt;
  return s.Text(0);
}

void Ledger::PutCachedHash(const std::string& path, int64_t size, int64_t mtime_ns, const std::string& hash) {
  Stmt s(db_, "INSERT OR REPLACE INTO files(path, size, mtime_ns, hash) VALUES(?, ?, ?, ?)");
  s.Bind(1, path).Bind(2, size).Bind(3, mtime_ns).Bind(4, hash);
  s.Run();
}

}  // namespace rw
