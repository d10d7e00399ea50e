#include "build/builder.h"

#include <sys/stat.h>

#include <chrono>

#include "base/file.h"
#include "base/hash.h"
#include "base/progress.h"

namespace rw {

namespace fs = std::filesystem;

const fs::path& StageContext::root() const { return builder_.root(); }

fs::path StageContext::OutputPath(const std::string& rel) {
  // A file the ledger never saw a build make is a person's (a script written from scratch, an
  // image dropped in): it is a source, never written over. Every other output is recorded as
  // pending before it is written, so a run killed half-way is not mistaken for a person later.
  if (!IsProtected(rel) && std::find(outputs_.begin(), outputs_.end(), rel) == outputs_.end()) {
    auto known = builder_.ledger().GetArtifact(rel);
    std::error_code ec;
    if (!known && fs::exists(Abs(rel), ec)) {
      protected_.insert(rel);
      found_sources_.push_back(rel);
    } else if (!known) {
      (void)builder_.ledger().RecordPendingOutput(rel, stage_);
    }
  }
  if (IsProtected(rel)) {
    std::string variant = Builder::VariantPath(rel);
    variants_.push_back(variant);
    if (std::find(outputs_.begin(), outputs_.end(), rel) == outputs_.end()) outputs_.push_back(rel);
    (void)MakeDirs(Abs(variant).parent_path());
    return Abs(variant);
  }
  if (std::find(outputs_.begin(), outputs_.end(), rel) == outputs_.end()) outputs_.push_back(rel);
  (void)MakeDirs(Abs(rel).parent_path());
  return Abs(rel);
}

Status StageContext::Write(const std::string& rel, std::string_view bytes) {
  return WriteFileAtomic(OutputPath(rel), bytes);
}

Status StageContext::Keep(const std::string& rel) {
  std::error_code ec;
  if (!fs::exists(Abs(rel), ec)) return Failed("there is no file to keep here", Abs(rel).string());
  if (!IsProtected(rel) && !builder_.ledger().GetArtifact(rel)) {
    protected_.insert(rel);
    found_sources_.push_back(rel);
  }
  if (std::find(outputs_.begin(), outputs_.end(), rel) == outputs_.end()) outputs_.push_back(rel);
  return {};
}

Result<bool> StageContext::Restore(const std::string& item_key, const std::string& rel, bool counts) {
  auto hash = builder_.ledger().GetMemo(item_key);
  if (!hash || !builder_.store().Has(*hash)) return false;
  fs::path dest = OutputPath(rel);
  // Already in place (the common case on a rebuild after a small edit): nothing to copy.
  if (!IsProtected(rel) && builder_.HashOf(rel) == *hash) {
    items_reused += counts;
    return true;
  }
  RW_TRY(builder_.store().CopyTo(*hash, dest));
  items_reused += counts;
  return true;
}

Status StageContext::Remember(const std::string& item_key, const std::string& rel, bool counts) {
  fs::path written = IsProtected(rel) ? Abs(Builder::VariantPath(rel)) : Abs(rel);
  RW_ASSIGN(std::string hash, builder_.store().PutFile(written));
  items_made += counts;
  return builder_.ledger().PutMemo(item_key, hash);
}

// A kept output keeps its author: a person's, or the model's when it is only locked. A file no
// build recorded is a person's.
std::string Builder::ProtectedAuthor(const std::string& rel) {
  auto known = ledger_.GetArtifact(rel);
  if (!known || known->author.empty() || known->author == "pending") return "human";
  return known->author;
}

std::string Builder::VariantPath(const std::string& rel) {
  fs::path p(rel);
  return (p.parent_path() / "variants" / p.filename()).string();
}

std::string Builder::HashOf(const std::string& path) {
  fs::path abs = fs::path(path).is_absolute() ? fs::path(path) : root_ / path;
  struct stat st;
  if (::stat(abs.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  if (auto cached = ledger_.CachedHash(path, st.st_size, mtime_ns)) return *cached;
  std::string hash = Sha256File(abs.string());
  if (hash.empty()) return "";
  ledger_.PutCachedHash(path, st.st_size, mtime_ns, hash);
  return hash;
}

Json Builder::InputsOf(const StageSpec& spec) {
  Json inputs = Json::object();
  for (const auto& dep : spec.deps)
    for (const auto& out : ledger_.OutputsOf(dep)) inputs[out.path] = HashOf(out.path);
  for (const auto& src : spec.sources) inputs[src] = HashOf(src);
  return inputs;
}

std::string Builder::ExplainChange(const nlohmann::json& before, const nlohmann::json& now) {
  if (before.value("version", -1) != now.value("version", -1)) return "the stage's code changed (version)";
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json& bs = before.contains("settings") ? before["settings"] : empty;
  const nlohmann::json& ns = now["settings"];
  for (const auto& [k, v] : ns.items())
    if (!bs.contains(k) || bs[k] != v) return "setting '" + k + "' changed";
  for (const auto& [k, v] : bs.items())
    if (!ns.contains(k)) return "setting '" + k + "' removed";
  const nlohmann::json& bi = before.contains("inputs") ? before["inputs"] : empty;
  const nlohmann::json& ni = now["inputs"];
  for (const auto& [k, v] : ni.items()) {
    if (!bi.contains(k)) return k + " is a new input";
    if (bi[k] != v) return k + " changed";
  }
  for (const auto& [k, v] : bi.items())
    if (!ni.contains(k)) return k + " is no longer an input";
  return "its inputs changed";
}

StageReport Builder::Run(const StageSpec& spec) {
  StageReport report;
  report.name = spec.name;

  // Sorted keys: the key must not depend on the order settings were written in.
  nlohmann::json key_doc = nlohmann::json::object();
  key_doc["kind"] = spec.kind;
  key_doc["version"] = spec.version;
  key_doc["settings"] = nlohmann::json::parse(spec.settings.dump());
  key_doc["inputs"] = nlohmann::json::parse(InputsOf(spec).dump());
  std::string key = Sha256Hex(key_doc.dump());

  // What is on disk now: missing outputs, outputs a person has edited, locked outputs.
  auto record = ledger_.GetStage(spec.name);
  report.key = key;
  report.last_error = ledger_.FailureOf(spec.name);
  std::set<std::string> protected_outputs;
  std::string missing;
  auto recorded = ledger_.OutputsOf(spec.name);
  size_t locked = 0;
  for (const auto& out : recorded) {
    bool is_locked = ledger_.IsLocked(out.path);
    if (is_locked) {
      report.locked.push_back(out.path);
      ++locked;
    }
    std::string disk = HashOf(out.path);
    if (disk.empty()) {
      if (missing.empty()) missing = out.path;
      continue;
    }
    if (options_.force || (record && record->pending)) continue;
    bool persons = IsPersons(out.author);
    bool edited = !persons && disk != out.hash;
    if (persons || edited) report.persons.push_back(out.path);
    if (persons || edited || is_locked) protected_outputs.insert(out.path);
    if (options_.dry_run) continue;
    if (edited) report.kept_edits.push_back(out.path);
    if ((persons && disk != out.hash) || edited) {
      (void)store_.PutFile(root_ / out.path);  // the edit is a version too: log and restore find it
      (void)ledger_.SetAuthor(out.path, disk, persons ? out.author : "human");
    }
  }

  std::string reason;
  std::string after;  // dry run: a dependency that would run first
  for (const auto& dep : spec.deps)
    if (after.empty() && would_run_.count(dep)) after = dep;
  if (options_.force) {
    reason = "--force";
  } else if (!recorded.empty() && locked == recorded.size() && missing.empty() && record && !record->pending) {
    reason = "";  // every output pinned: it stays as it is
  } else if (record && record->pending) {
    reason = report.last_error.empty() ? "its last run was interrupted" : "its last run failed";
  } else if (!record || record->key.empty()) {
    reason = "never built";
  } else if (record->key != key) {
    auto before = nlohmann::json::parse(record->inputs_json.empty() ? "{}" : record->inputs_json, nullptr, false);
    if (before.is_discarded()) before = nlohmann::json::object();
    reason = ExplainChange(before, key_doc);
  } else if (!missing.empty()) {
    reason = missing + " is missing";
  } else if (!after.empty()) {
    reason = "after " + after + " runs (its inputs may change)";
  }
  if (reason.empty()) {
    if (!recorded.empty() && locked == recorded.size() && !options_.force)
      report.reason = "locked";
    else
      report.reason = report.kept_edits.empty() ? "up to date" : "up to date; kept a person's edit";
    for (const auto& p : report.kept_edits) Say("  keep  " + p + " (edited by a person: it is a source now)");
    return report;
  }
  if (options_.dry_run) {
    would_run_.insert(spec.name);
    report.outcome = StageOutcome::kWouldRun;
    report.reason = reason;
    report.planned_calls = spec.model_calls;
    report.provider = spec.provider;
    return report;
  }

  if (options_.explain) Say("  why   " + spec.name + ": " + reason);
  report.reason = reason;
  auto started = std::chrono::steady_clock::now();
  if (auto s = ledger_.MarkPending(spec.name, spec.kind); !s.ok()) {
    report.outcome = StageOutcome::kFailed;
    report.error = s.error().ToString();
    return report;
  }
  auto previous = ledger_.OutputsOf(spec.name);
  StageContext ctx(*this, protected_outputs, spec.name);
  Status ran = spec.run(ctx);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  report.items_made = ctx.items_made;
  report.items_reused = ctx.items_reused;
  report.model_calls = static_cast<int>(ctx.calls_.size());
  if (!ctx.calls_.empty()) (void)ledger_.RecordCalls(spec.name, ctx.calls_);
  if (!ran.ok()) {
    report.outcome = StageOutcome::kFailed;
    report.error = ran.error().ToString();
    report.error_code = ran.error().code;
    (void)ledger_.MarkFailed(spec.name, report.error);
    return report;  // stays pending: the next build runs it again
  }

  for (const auto& rel : ctx.found_sources_) {
    protected_outputs.insert(rel);
    report.kept_edits.push_back(rel);
    Say("  keep  " + rel + " (a person's file: the build reads it and never writes over it)");
  }
  std::vector<ArtifactRecord> outputs;
  for (const auto& rel : ctx.outputs_) {
    std::string hash = HashOf(rel);
    if (hash.empty()) {
      report.outcome = StageOutcome::kFailed;
      report.error = rel + ": the stage said it wrote this file but it is not there";
      return report;
    }
    outputs.push_back({rel, spec.name, hash, protected_outputs.count(rel) ? ProtectedAuthor(rel) : spec.author});
    if (!protected_outputs.count(rel)) (void)store_.PutFile(root_ / rel);  // keep the version for history
  }
  // Outputs of the last run that this run did not make are stale; a person's files stay.
  for (const auto& old : previous) {
    bool still = std::find(ctx.outputs_.begin(), ctx.outputs_.end(), old.path) != ctx.outputs_.end();
    if (still) continue;
    if (protected_outputs.count(old.path)) {
      outputs.push_back({old.path, spec.name, HashOf(old.path), ProtectedAuthor(old.path)});
      continue;
    }
    std::error_code ec;
    fs::remove(root_ / old.path, ec);
  }
  report.variants = ctx.variants_;
  for (const auto& rel : protected_outputs)
    if (std::find(ctx.variants_.begin(), ctx.variants_.end(), VariantPath(rel)) != ctx.variants_.end() &&
        std::find(report.kept_edits.begin(), report.kept_edits.end(), rel) == report.kept_edits.end())
      report.kept_edits.push_back(rel);
  for (const auto& v : report.variants) Say("  keep  a person's edit; the regenerated version is at " + v);

  StageRecord rec{spec.name, spec.kind, key, key_doc.dump(), false, report.seconds};
  if (auto s = ledger_.CommitStage(rec, outputs); !s.ok()) {
    report.outcome = StageOutcome::kFailed;
    report.error = s.error().ToString();
    return report;
  }
  report.outcome = StageOutcome::kRan;
  return report;
}

}  // namespace rw
