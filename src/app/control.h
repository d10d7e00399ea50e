// The creator's controls over a series (DESIGN.md §2): status, locks, history, variants,
// authorship. Every command that changes the series takes the series lock; reading ones do not.
//
// An artifact is named by its path: relative to the series folder
// ("episodes/ep001/script.fountain"), relative to the working directory, absolute, or
// relative to episodes/ ("ep001/script.fountain").
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/pipeline.h"
#include "build/ledger.h"
#include "build/store.h"
#include "story/authorship.h"

namespace rw {

Result<std::string> ResolveArtifact(const std::filesystem::path& root, const std::string& arg);

// ---- status ----
enum class StageState { kUpToDate, kStale, kNew, kFailed, kLocked };
struct StageStatus {
  std::string name;  // "bible", "ep001/script", "ep001/render-master"
  StageState state = StageState::kUpToDate;
  std::string reason;                // why it is stale, or the failure
  std::vector<std::string> persons;  // outputs a person edited or chose
  std::vector<std::string> locked;
};
Result<std::vector<StageStatus>> SeriesStatus(const std::filesystem::path& root, const BuildRequest& request);
const char* StateName(StageState state);

// ---- locks ----
Status SetLocked(const std::filesystem::path& root, const std::string& artifact, bool locked);

// ---- history ----
struct Version {
  int number = 0;  // 1 = oldest
  HistoryRecord record;
  bool available = false;  // its bytes are still in the cache
  bool current = false;    // the file on disk has these bytes
};
Result<std::vector<Version>> ArtifactLog(const std::filesystem::path& root, const std::string& artifact);
// Brings version `number` back as the file; it becomes a person's choice (a source). The file it
// replaces is kept as a version first.
Status RestoreVersion(const std::filesystem::path& root, const std::string& artifact, int number);

struct GcReport {
  int removed = 0;
  int64_t freed_bytes = 0;
  int kept = 0;
};
// Drops every cached blob that no current artifact is: old versions and per-item results.
Result<GcReport> CollectGarbage(const std::filesystem::path& root);

// ---- variants ----
// Writes n alternatives of a bible, arc, beats, script or frame beside it, as
// <folder>/variants/<stem>.v<k><ext>, made with other seeds (built-in writer and painter) or
// fresh samples (the chat server). `writer` ("builtin" or "llm"; empty: the series' writer)
// picks who writes text variants. Returns their paths, relative to the series.
Result<std::vector<std::string>> MakeVariants(const std::filesystem::path& root, const std::string& artifact, int n,
                                              const std::string& writer = "");
// The variants on disk for an artifact: "v1", "tighten", "" (the build's regenerated one).
std::vector<std::string> VariantsOf(const std::filesystem::path& root, const std::string& artifact);
std::string VariantPathFor(const std::string& artifact, const std::string& name);
// A unified diff of each variant against the current file (text), or their sizes (images).
Result<std::string> DiffVariants(const std::filesystem::path& root, const std::string& artifact);
// Copies a variant over the artifact; it becomes a person's choice (a source). The file it
// replaces is kept as a version first.
Status PickVariant(const std::filesystem::path& root, const std::string& artifact, const std::string& name);

// ---- references ----
// Makes a reference image for a character or location (by id) once — through the image server
// when the series has one, else painted by the built-in painter — writes refs/<id>.png, names
// it in bible.yaml and records the bible as a person's choice, so no build replaces it. Every
// shot that shows the character then carries it. Refuses when one is set, unless `force`.
Result<std::string> MakeReference(const std::filesystem::path& root, const std::string& id, bool force);

// ---- authorship ----
// Attributes every line of an episode's script against the last version a model wrote, and
// records it in the ledger.
Result<std::vector<LineAuthor>> RecordAuthorship(const std::filesystem::path& root, Ledger& ledger, ContentStore& store,
                                                 int episode);
// The same for a delivery language's translated lines (episodes/epNNN/lang/<lang>/lines.yaml)
// against the last version the chat server translated; a file a person wrote from scratch is
// all theirs.
Result<std::vector<LineAuthor>> RecordTranslationAuthorship(const std::filesystem::path& root, Ledger& ledger,
                                                            ContentStore& store, int episode, const std::string& lang);
Result<Credits> EpisodeCredits(const std::filesystem::path& root, int episode);
// Every line of an episode's script with its author, as EpisodeCredits counts them: what the
// studio marks beside the script.
struct AuthoredLine {
  LineAuthor author;
  std::string character;  // dialogue: the cue as written; empty for action
  std::string text;
  int file_line = 0;  // line in script.fountain where it starts
};
Result<std::vector<AuthoredLine>> EpisodeLines(const std::filesystem::path& root, int episode);

}  // namespace rw
