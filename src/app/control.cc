#include "app/control.h"

#include <algorithm>
#include <map>
#include <set>

#include "app/series.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/line_diff.h"
#include "base/rng.h"
#include "base/text.h"
#include "build/series_lock.h"
#include "post/presets.h"
#include "providers/chat_client.h"
#include "providers/image_client.h"
#include "visual/shot_planner.h"
#include "schema/arc.h"
#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/shots.h"
#include "schema/yaml_io.h"
#include "story/fountain.h"
#include "story/genre_pack.h"
#include "story/llm_writer.h"
#include "story/writer.h"
#include "visual/painter.h"
#include "visual/png.h"

namespace rw {

namespace {

// The ledger and the cache of a series that has been built at least once.
struct State {
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<ContentStore> store;
};

Result<State> OpenState(const fs::path& root) {
  RW_TRY(LoadSettings(root));
  std::error_code ec;
  if (!fs::exists(root / kStateDir / "ledger.sqlite", ec))
    return BadInput(root.string(), "this series has not been built yet; run `reelwright build " + root.string() + "` first");
  State s;
  RW_ASSIGN(s.ledger, Ledger::Open(root / kStateDir / "ledger.sqlite"));
  s.store = std::make_unique<ContentStore>(root / kStateDir / "cache");
  return s;
}

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// The path inside the series, or empty when `p` lies outside it.
std::string Inside(const fs::path& root, const fs::path& p) {
  std::error_code ec;
  fs::path base = fs::weakly_canonical(root, ec);
  fs::path full = fs::weakly_canonical(p, ec);
  fs::path rel = full.lexically_relative(base);
  std::string s = rel.generic_string();
  if (s.empty() || s == "." || StartsWith(s, "..")) return {};
  return s;
}

// Before a file is replaced by a person's command, what it holds now becomes a version: an edit
// nobody has recorded yet is stored and logged as the person's.
Status KeepCurrent(const fs::path& root, State& state, const std::string& rel) {
  auto known = state.ledger->GetArtifact(rel);
  std::error_code ec;
  if (!known || !fs::exists(root / rel, ec)) return {};
  RW_ASSIGN(std::string hash, state.store->PutFile(root / rel));
  if (hash != known->hash) RW_TRY(state.ledger->SetAuthor(rel, hash, "human"));
  return {};
}

// Copies `source` over the artifact as a person's choice.
Status ReplaceWith(const fs::path& root, State& state, const std::string& rel, const fs::path& source, const std::string& author) {
  RW_TRY(KeepCurrent(root, state, rel));
  RW_TRY(CopyFileAtomic(source, root / rel));
  RW_ASSIGN(std::string hash, state.store->PutFile(root / rel));
  if (state.ledger->GetArtifact(rel)) RW_TRY(state.ledger->RecordChoice(rel, hash, author));
  return {};
}

// "episodes/ep004/script.fountain" → 4; 0 when the path is not inside an episode.
int EpisodeOf(const std::string& rel) {
  if (!StartsWith(rel, "episodes/ep") || rel.size() < 15) return 0;
  return std::atoi(rel.substr(11, 3).c_str());
}

struct Parts {
  std::string dir, stem, ext;  // "episodes/ep001", "script", ".fountain"
};
Parts Split(const std::string& rel) {
  fs::path p(rel);
  return {p.parent_path().generic_string(), p.stem().string(), p.extension().string()};
}

std::string Join(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

}  // namespace

Result<std::string> ResolveArtifact(const fs::path& root, const std::string& arg) {
  std::error_code ec;
  std::unique_ptr<Ledger> ledger;  // opened when a name is not a file on disk
  auto known = [&](const std::string& rel) {
    if (rel.empty() || StartsWith(rel, kStateDir)) return false;
    if (fs::is_regular_file(root / rel, ec)) return true;
    if (!ledger && fs::exists(root / kStateDir / "ledger.sqlite", ec))
      if (auto opened = Ledger::Open(root / kStateDir / "ledger.sqlite"); opened.ok()) ledger = std::move(*opened);
    return ledger && ledger->GetArtifact(rel).has_value();
  };
  fs::path p(arg);
  std::vector<std::string> tries;
  if (p.is_absolute()) {
    tries.push_back(Inside(root, p));
  } else {
    tries.push_back(fs::path(arg).lexically_normal().generic_string());
    tries.push_back(Inside(root, fs::absolute(p, ec)));
    tries.push_back(("episodes" / fs::path(arg)).lexically_normal().generic_string());
  }
  for (const auto& rel : tries)
    if (!StartsWith(rel, "..") && known(rel)) return rel;
  return BadInput(arg, "not a file of the series in " + root.string() +
                           "; name it from the series folder, e.g. episodes/ep001/script.fountain (`reelwright status` lists what a build made)");
}

// ---- status ----

const char* StateName(StageState state) {
  switch (state) {
    case StageState::kUpToDate: return "ok";
    case StageState::kStale: return "stale";
    case StageState::kNew: return "new";
    case StageState::kFailed: return "failed";
    case StageState::kLocked: return "locked";
  }
  return "?";
}

Result<std::vector<StageStatus>> SeriesStatus(const fs::path& root, const BuildRequest& request) {
  RW_ASSIGN(BuildSummary dry, DryRun(root, request));
  std::vector<StageStatus> out;
  for (const auto& r : dry.reports) {
    StageStatus s;
    s.name = r.name;
    s.persons = r.persons;
    s.locked = r.locked;
    s.reason = r.reason;
    if (r.outcome == StageOutcome::kWouldRun) {
      if (!r.last_error.empty()) {
        s.state = StageState::kFailed;
        s.reason = r.last_error;
      } else {
        s.state = r.reason == "never built" ? StageState::kNew : StageState::kStale;
      }
    } else if (r.reason == "locked") {
      s.state = StageState::kLocked;
    }
    out.push_back(std::move(s));
  }
  return out;
}

// ---- locks ----

Status SetLocked(const fs::path& root, const std::string& artifact, bool locked) {
  RW_ASSIGN(auto lock, SeriesLock::Acquire(root / kStateDir));
  RW_ASSIGN(State state, OpenState(root));
  RW_ASSIGN(std::string rel, ResolveArtifact(root, artifact));
  if (!state.ledger->GetArtifact(rel))
    return BadInput(rel, "no build has made this file, so there is nothing to lock: a file a person put there is a source already");
  return locked ? state.ledger->Lock(rel) : state.ledger->Unlock(rel);
}

// ---- history ----

Result<std::vector<Version>> ArtifactLog(const fs::path& root, const std::string& artifact) {
  RW_ASSIGN(State state, OpenState(root));
  RW_ASSIGN(std::string rel, ResolveArtifact(root, artifact));
  std::string disk = Sha256File((root / rel).string());
  std::vector<Version> out;
  for (const auto& h : state.ledger->History(rel)) {
    Version v;
    v.number = static_cast<int>(out.size()) + 1;
    v.record = h;
    v.available = state.store->Has(h.hash);
    v.current = !disk.empty() && disk == h.hash;
    out.push_back(std::move(v));
  }
  // An edit no build has seen yet is the newest version.
  bool seen = std::any_of(out.begin(), out.end(), [&](const Version& v) { return v.record.hash == disk; });
  if (!disk.empty() && !seen) {
    Version v;
    v.number = static_cast<int>(out.size()) + 1;
    v.record.hash = disk;
    v.record.author = "human (not yet seen by a build)";
    v.available = true;
    v.current = true;
    out.push_back(std::move(v));
  }
  return out;
}

Status RestoreVersion(const fs::path& root, const std::string& artifact, int number) {
  RW_ASSIGN(auto lock, SeriesLock::Acquire(root / kStateDir));
  RW_ASSIGN(State state, OpenState(root));
  RW_ASSIGN(std::string rel, ResolveArtifact(root, artifact));
  auto history = state.ledger->History(rel);
  if (number < 1 || number > static_cast<int>(history.size()))
    return BadInput(std::to_string(number), rel + " has versions 1 to " + std::to_string(history.size()) + " (see `reelwright log`)");
  const HistoryRecord& v = history[static_cast<size_t>(number - 1)];
  if (!state.store->Has(v.hash))
    return BadInput(std::to_string(number), "version " + std::to_string(number) + " of " + rel + " was removed by `reelwright gc`");
  RW_TRY(KeepCurrent(root, state, rel));
  RW_TRY(state.store->CopyTo(v.hash, root / rel));
  // A person's old words stay a person's; a model's version brought back is a person's choice.
  return state.ledger->RecordChoice(rel, v.hash, v.author == "human" ? "human" : "picked");
}

Result<GcReport> CollectGarbage(const fs::path& root) {
  RW_ASSIGN(auto lock, SeriesLock::Acquire(root / kStateDir));
  RW_ASSIGN(State state, OpenState(root));
  std::set<std::string> live;
  for (const auto& h : state.ledger->CurrentHashes()) live.insert(h);
  // A script's newest model version stays: authorship is measured against it.
  for (const auto& a : state.ledger->AllArtifacts()) {
    if (fs::path(a.path).filename() != "script.fountain") continue;
    auto history = state.ledger->History(a.path);
    for (auto it = history.rbegin(); it != history.rend(); ++it)
      if (StartsWith(it->author, "model:") || it->author == "picked") {
        live.insert(it->hash);
        break;
      }
  }
  // The video segments the current renders are made of stay, so the next render after a gc
  // re-encodes only what changed (the render stage lists them under render/uses:<file>).
  for (const auto& [key, list] : state.ledger->MemosWithPrefix("render/uses:")) {
    live.insert(list);
    Result<std::string> text = ReadFile(state.store->PathOf(list));
    if (!text.ok()) continue;
    for (const auto& hash : Split(*text, '\n')) {
      if (!hash.empty()) live.insert(hash);
    }
  }
  GcReport report;
  std::vector<std::string> removed;
  for (const auto& [hash, size] : state.store->List()) {
    if (live.count(hash)) {
      ++report.kept;
      continue;
    }
    state.store->Remove(hash);
    removed.push_back(hash);
    ++report.removed;
    report.freed_bytes += size;
  }
  RW_TRY(state.ledger->ForgetHashes(removed));
  return report;
}

// ---- variants ----

std::string VariantPathFor(const std::string& artifact, const std::string& name) {
  Parts p = Split(artifact);
  return Join(p.dir, "variants/" + (name.empty() ? p.stem + p.ext : p.stem + "." + name + p.ext));
}

std::vector<std::string> VariantsOf(const fs::path& root, const std::string& artifact) {
  Parts p = Split(artifact);
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(root / Join(p.dir, "variants"), ec)) {
    std::string file = f.path().filename().string();
    if (!f.is_regular_file()) continue;
    if (file == p.stem + p.ext) {
      names.push_back("");
    } else if (StartsWith(file, p.stem + ".") && file.size() > p.stem.size() + p.ext.size() + 1 &&
               file.compare(file.size() - p.ext.size(), p.ext.size(), p.ext) == 0) {
      names.push_back(file.substr(p.stem.size() + 1, file.size() - p.stem.size() - 1 - p.ext.size()));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<std::string>> MakeVariants(const fs::path& root, const std::string& artifact, int n, const std::string& writer) {
  if (n < 1 || n > 20) return BadInput("-n", "make 1 to 20 variants at a time");
  RW_ASSIGN(auto lock, SeriesLock::Acquire(root / kStateDir));
  RW_ASSIGN(Settings settings, LoadSettings(root));
  RW_ASSIGN(std::string rel, ResolveArtifact(root, artifact));
  Parts parts = Split(rel);
  int episode = EpisodeOf(rel);
  if (!writer.empty() && writer != "builtin" && writer != "llm") return BadInput("--writer", "is builtin or llm, not '" + writer + "'");
  bool llm = (writer.empty() ? settings.writer : writer) == "llm";
  if (llm && Trim(settings.providers.chat.base_url).empty())
    return BadInput((root / kSettingsFile).string(), "variants through the chat server need providers.chat.base_url");

  // What the artifact is, and what it is made from: read once for all the variants.
  enum class Kind { kBible, kArc, kBeats, kScript, kFrame } kind;
  bool in_episode = episode > 0 && parts.dir == EpisodeDir(episode);
  if (rel == kBibleFile) kind = Kind::kBible;
  else if (rel == kArcFile) kind = Kind::kArc;
  else if (in_episode && parts.stem + parts.ext == "beats.yaml") kind = Kind::kBeats;
  else if (in_episode && parts.stem + parts.ext == "script.fountain") kind = Kind::kScript;
  else if (episode > 0 && parts.dir == EpisodeDir(episode) + "/frames" && parts.ext == ".png") kind = Kind::kFrame;
  else
    return BadInput(rel, "variants are made for bible.yaml, arc.yaml, an episode's beats.yaml or script.fountain, and a frame "
                         "(episodes/epNNN/frames/Sxxx.png)");
  Bible bible;
  Arc arc;
  Beats beats;
  Shot shot;
  Image current;
  if (kind != Kind::kBible) {
    RW_ASSIGN(bible, LoadYaml<Bible>(root / kBibleFile, (root / kBibleFile).string()));
  }
  if (kind == Kind::kBeats) {
    RW_ASSIGN(arc, LoadYaml<Arc>(root / kArcFile, (root / kArcFile).string()));
  }
  if (kind == Kind::kScript || kind == Kind::kFrame) {
    std::string beats_rel = EpisodeDir(episode) + "/beats.yaml";
    RW_ASSIGN(beats, LoadYaml<Beats>(root / beats_rel, (root / beats_rel).string()));
  }
  if (kind == Kind::kFrame) {
    std::string shots_rel = EpisodeDir(episode) + "/shots.yaml";
    RW_ASSIGN(Shots shots, LoadYaml<Shots>(root / shots_rel, (root / shots_rel).string()));
    auto found = std::find_if(shots.shots.begin(), shots.shots.end(), [&](const Shot& x) { return x.id == parts.stem; });
    if (found == shots.shots.end()) return BadInput(rel, "no shot " + parts.stem + " in " + shots_rel);
    shot = *found;
    RW_ASSIGN(current, ReadPng(root / rel));
  }

  GenrePack pack;
  std::unique_ptr<ChatClient> chat;
  if (llm) {
    chat = std::make_unique<ChatClient>(settings.providers.chat);
  } else if (kind != Kind::kFrame) {
    RW_ASSIGN(GenrePack loaded, LoadGenrePack(DataDir() / "genres", settings.genre, settings.lang));
    pack = std::move(loaded);
  }
  std::vector<CallRecord> calls;
  // Numbers after the ones already there, so asking again adds alternatives.
  int next = 1;
  for (const auto& name : VariantsOf(root, rel))
    if (name.size() > 1 && name[0] == 'v') next = std::max(next, std::atoi(name.c_str() + 1) + 1);

  std::vector<std::string> made;
  for (int k = next; k < next + n; ++k) {
    Settings s = settings;
    s.seed = settings.seed + 7919 * k;  // a different seed per variant; the same k gives the same variant
    std::string out = VariantPathFor(rel, "v" + std::to_string(k));
    RW_TRY(MakeDirs((root / out).parent_path()));
    std::string text;
    switch (kind) {
      case Kind::kBible: {
        RW_ASSIGN(Bible b, llm ? LlmWriteBible(s, *chat, &calls) : WriteBible(s, pack));
        text = ToYaml(b);
        break;
      }
      case Kind::kArc: {
        RW_ASSIGN(Arc a, llm ? LlmWriteArc(s, bible, *chat, &calls) : Result<Arc>(WriteArc(s, bible, pack)));
        text = ToYaml(a);
        break;
      }
      case Kind::kBeats: {
        RW_ASSIGN(Beats bt, llm ? LlmWriteBeats(s, bible, arc, episode, *chat, &calls) : Result<Beats>(WriteBeats(s, bible, arc, episode, pack)));
        text = ToYaml(bt);
        break;
      }
      case Kind::kScript: {
        RW_ASSIGN(text, llm ? LlmWriteScript(s, bible, beats, *chat, &calls) : Result<std::string>(WriteScript(s, bible, beats, pack)));
        break;
      }
      case Kind::kFrame: {
        PanelSpec spec = PanelFor(bible, shot, current.width, current.height, &beats);
        spec.seed = shot.seed + 7919u * static_cast<uint32_t>(k);
        spec.mirror = k % 2 == 1;  // every other variant is the reverse angle
        spec.style = settings.format.style;  // the series' look, as the frames stage paints it
        RW_ASSIGN(Image panel, PaintPanel(spec));
        RW_TRY(WritePng(root / out, panel));
        made.push_back(out);
        continue;
      }
    }
    RW_TRY(WriteFileAtomic(root / out, text));
    made.push_back(out);
  }
  if (!calls.empty()) {
    RW_ASSIGN(State state, OpenState(root));
    std::vector<ModelCall> recorded;
    for (const auto& c : calls)
      recorded.push_back({c.provider, c.model, c.attempt, c.http_status, c.usage.prompt_tokens, c.usage.completion_tokens,
                          c.latency_s, c.cost, c.outcome});
    RW_TRY(state.ledger->RecordCalls("variants:" + rel, recorded));
  }
  return made;
}

Result<std::string> DiffVariants(const fs::path& root, const std::string& artifact) {
  RW_ASSIGN(std::string rel, ResolveArtifact(root, artifact));
  auto names = VariantsOf(root, rel);
  if (names.empty()) return BadInput(rel, "has no variants; make some with `reelwright variants " + root.string() + " " + rel + " -n 3`");
  std::string out;
  bool image = Split(rel).ext == ".png";
  std::string current_hash = Sha256File((root / rel).string());
  std::string current;
  if (!image) {
    RW_ASSIGN(current, ReadFile(root / rel));
  }
  for (const auto& name : names) {
    std::string path = VariantPathFor(rel, name);
    std::string label = name.empty() ? "regenerated by the build" : name;
    if (image) {
      RW_ASSIGN(Image img, ReadPng(root / path));
      bool same = Sha256File((root / path).string()) == current_hash;
      out += "== " + label + ": " + path + " (" + std::to_string(img.width) + "x" + std::to_string(img.height) + " image, " +
             (same ? "the same as the current one" : "differs from the current one: open both to compare") + ")\n";
      continue;
    }
    RW_ASSIGN(std::string text, ReadFile(root / path));
    std::string diff = UnifiedDiff(current, text, rel, path);
    out += "== " + label + ": " + path + (diff.empty() ? " (the same as the current one)\n" : "\n" + diff);
  }
  return out;
}

Status PickVariant(const fs::path& root, const std::string& artifact, const std::string& name) {
  RW_ASSIGN(auto lock, SeriesLock::Acquire(root / kStateDir));
  RW_ASSIGN(std::string rel, ResolveArtifact(root, artifact));
  std::string want = name;
  if (!want.empty() && std::all_of(want.begin(), want.end(), [](char c) { return c >= '0' && c <= '9'; })) want = "v" + want;
  if (want == "regenerated" || want == "build") want.clear();
  auto names = VariantsOf(root, rel);
  if (std::find(names.begin(), names.end(), want) == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + (n.empty() ? std::string("regenerated") : n);
    return BadInput(name, rel + " has no variant '" + name + "'" + (list.empty() ? " (it has none)" : "; it has: " + list));
  }
  RW_ASSIGN(State state, OpenState(root));
  return ReplaceWith(root, state, rel, root / VariantPathFor(rel, want), "picked");
}

// ---- references ----

Result<std::string> MakeReference(const fs::path& root, const std::string& id, bool force) {
  RW_ASSIGN(auto lock, SeriesLock::Acquire(root / kStateDir));
  RW_ASSIGN(Settings settings, LoadSettings(root));
  std::string bible_path = (root / kBibleFile).string();
  RW_ASSIGN(Bible bible, LoadYaml<Bible>(root / kBibleFile, bible_path));
  Character* character = nullptr;
  Location* location = nullptr;
  for (auto& c : bible.characters)
    if (c.id == id) character = &c;
  for (auto& l : bible.locations)
    if (l.id == id) location = &l;
  if (!character && !location) return BadInput(id, "no character or location with this id in bible.yaml (C01…, L01…)");
  std::string& reference = character ? character->reference : location->reference;
  std::error_code ec;
  if (!reference.empty() && fs::exists(root / reference, ec) && !force)
    return BadInput(id, "already has the reference " + reference + ", kept as it is; pass --force to make another");

  std::string rel = "refs/" + id + ".png";
  uint32_t seed = character && character->seed != 0 ? character->seed : static_cast<uint32_t>(StableHash64("reference/" + id));
  if (!settings.providers.images.kind.empty()) {
    ImageClient client(settings.providers.images, root);
    ImageRequest request;
    request.prompt = std::string(character ? "character reference, full figure, front view, plain background; "
                                           : "location reference, establishing view, no people; ") +
                     ExpandPrompt("@" + id + "; @style", bible);
    request.width = 768;
    request.height = 1344;
    request.seed = seed;
    std::vector<CallRecord> calls;
    auto png = client.Generate(request, &calls);
    if (auto state = OpenState(root); state.ok() && !calls.empty()) {
      std::vector<ModelCall> recorded;
      for (const auto& c : calls)
        recorded.push_back({c.provider, c.model, c.attempt, c.http_status, 0, 0, c.latency_s, c.cost, c.outcome});
      (void)state->ledger->RecordCalls("reference:" + id, recorded);
    }
    if (!png.ok()) return png.error();
    RW_TRY(WriteFileAtomic(root / rel, *png));
  } else {
    Shot shot;
    shot.id = id;
    shot.type = character ? ShotType::kMS : ShotType::kWS;
    if (character) shot.cast = {id};
    shot.location = location ? id : std::string();
    shot.caption = character ? character->name : location->name;
    shot.seed = seed;
    PanelSpec spec = PanelFor(bible, shot, 540, 960);
    spec.label = id + " · reference";
    spec.style = settings.format.style;
    RW_ASSIGN(Image panel, PaintPanel(spec));
    RW_TRY(MakeDirs((root / rel).parent_path()));
    RW_TRY(WritePng(root / rel, panel));
  }
  reference = rel;
  if (character && character->seed == 0) character->seed = seed;
  RW_TRY(WriteFileAtomic(root / kBibleFile, ToYaml(bible)));
  // The bible with its reference is a person's choice from now on: no build writes over it.
  if (auto state = OpenState(root); state.ok() && state->ledger->GetArtifact(kBibleFile)) {
    RW_ASSIGN(std::string hash, state->store->PutFile(root / kBibleFile));
    RW_TRY(state->ledger->RecordChoice(kBibleFile, hash, "picked"));
  }
  return rel;
}

// ---- authorship ----

// The newest version of `rel` a model made (or a person picked from a model's variants) that
// `parse` reads, and the model's name as the ledger gives it ("model:builtin" when none is).
template <class T, class Parse>
std::pair<std::optional<T>, std::string> ModelVersion(Ledger& ledger, ContentStore& store, const std::string& rel, Parse parse) {
  std::optional<T> model;
  std::string model_name;
  auto history = ledger.History(rel);
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (model_name.empty() && StartsWith(it->author, "model:")) model_name = it->author;
    if (model || !(StartsWith(it->author, "model:") || it->author == "picked") || !store.Has(it->hash)) continue;
    auto bytes = ReadFile(store.PathOf(it->hash));
    if (!bytes.ok()) continue;
    Result<T> parsed = parse(*bytes);
    if (parsed.ok()) model = std::move(*parsed);
  }
  if (model_name.empty()) model_name = "model:builtin";
  return {std::move(model), model_name};
}

Result<std::vector<LineAuthor>> RecordAuthorship(const fs::path& root, Ledger& ledger, ContentStore& store, int episode) {
  std::string rel = EpisodeDir(episode) + "/script.fountain";
  RW_ASSIGN(std::string text, ReadFile(root / rel));
  RW_ASSIGN(Screenplay current, ParseFountain(text, (root / rel).string()));
  auto [model, model_name] =
      ModelVersion<Screenplay>(ledger, store, rel, [&](const std::string& bytes) { return ParseFountain(bytes, rel); });
  auto lines = AttributeLines(current, model ? &*model : nullptr, model_name);
  if (ledger.LineAuthors(rel) != lines) RW_TRY(ledger.SetLineAuthors(rel, lines));  // most builds change nothing here
  return lines;
}

Result<std::vector<LineAuthor>> RecordTranslationAuthorship(const fs::path& root, Ledger& ledger, ContentStore& store,
                                                            int episode, const std::string& lang) {
  std::string rel = EpisodeDir(episode) + "/lang/" + lang + "/lines.yaml";
  RW_ASSIGN(Translation current, LoadYaml<Translation>(root / rel, rel));
  auto [model, model_name] =
      ModelVersion<Translation>(ledger, store, rel, [&](const std::string& bytes) { return ParseYaml<Translation>(bytes, rel); });
  auto lines = AttributeTranslation(current, model ? &*model : nullptr, model_name);
  if (ledger.LineAuthors(rel) != lines) RW_TRY(ledger.SetLineAuthors(rel, lines));
  return lines;
}

Result<Credits> EpisodeCredits(const fs::path& root, int episode) {
  RW_ASSIGN(Settings settings, LoadSettings(root));
  if (episode < 1 || episode > settings.episodes)
    return BadInput(std::to_string(episode), "no such episode; the series has episodes 1 to " + std::to_string(settings.episodes));
  RW_ASSIGN(State state, OpenState(root));
  std::error_code ec;
  if (!fs::exists(root / EpisodeDir(episode) / "script.fountain", ec))
    return BadInput(EpisodeDir(episode), "has no script.fountain yet; build it first");
  RW_ASSIGN(auto lines, RecordAuthorship(root, *state.ledger, *state.store, episode));
  return Summarize(lines);
}

Result<std::vector<AuthoredLine>> EpisodeLines(const fs::path& root, int episode) {
  RW_ASSIGN(Settings settings, LoadSettings(root));
  if (episode < 1 || episode > settings.episodes)
    return BadInput(std::to_string(episode), "no such episode; the series has episodes 1 to " + std::to_string(settings.episodes));
  RW_ASSIGN(State state, OpenState(root));
  std::string rel = EpisodeDir(episode) + "/script.fountain";
  RW_ASSIGN(std::string text, ReadFile(root / rel));
  RW_ASSIGN(Screenplay script, ParseFountain(text, rel));
  RW_ASSIGN(auto authors, RecordAuthorship(root, *state.ledger, *state.store, episode));
  std::vector<ScriptUnit> units = ScriptUnits(script);
  std::vector<AuthoredLine> out;
  // Authors are numbered in ScriptUnits order (AttributeLines), so they pair up one to one.
  for (size_t i = 0; i < units.size() && i < authors.size(); ++i) {
    bool dialogue = units[i].kind == ScriptUnit::Kind::kDialogue;
    out.push_back({authors[i], dialogue ? units[i].character : "", units[i].text, units[i].line});
  }
  return out;
}

}  // namespace rw
