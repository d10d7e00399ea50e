#include "app/revise.h"

#include "app/series.h"
#include "base/file.h"
#include "base/line_diff.h"
#include "build/ledger.h"
#include "build/series_lock.h"
#include "providers/chat_client.h"
#include "schema/beats.h"
#include "story/llm_writer.h"
#include "schema/bible.h"
#include "schema/yaml_io.h"

namespace rw {

namespace {

struct Loaded {
  Settings settings;
  Bible bible;
  std::string script_rel;
  std::string current;
  Screenplay script;
};

Result<Loaded> LoadEpisode(const std::filesystem::path& root, int episode) {
  Loaded l;
  RW_ASSIGN(l.settings, LoadSettings(root));
  if (episode < 1 || episode > l.settings.episodes)
    return BadInput(std::to_string(episode), "no such episode; the series has episodes 1 to " + std::to_string(l.settings.episodes));
  l.script_rel = EpisodeDir(episode) + "/script.fountain";
  std::error_code ec;
  if (!std::filesystem::exists(root / l.script_rel, ec))
    return BadInput((root / l.script_rel).string(), "no script yet; run `reelwright build " + root.string() + " --until script` first");
  RW_ASSIGN(l.bible, LoadYaml<Bible>(root / kBibleFile, (root / kBibleFile).string()));
  RW_ASSIGN(l.current, ReadFile(root / l.script_rel));
  RW_ASSIGN(l.script, ParseFountain(l.current, (root / l.script_rel).string()));
  return l;
}

Result<RevisionOutcome> WriteVariant(const std::filesystem::path& root, int episode, const Loaded& l, const Revision& revision) {
  RevisionOutcome out;
  out.variant = EpisodeDir(episode) + "/variants/script." + revision.name + ".fountain";
  out.diff_file = EpisodeDir(episode) + "/variants/script." + revision.name + ".diff";
  std::string text = WriteFountain(revision.script);
  out.diff = UnifiedDiff(l.current, text, l.script_rel, out.variant);
  out.summary = revision.summary;
  RW_TRY(WriteFileAtomic(root / out.variant, text));
  RW_TRY(WriteFileAtomic(root / out.diff_file, out.diff));
  return out;
}

}  // namespace

Result<RevisionOutcome> ReviseBeatWithModel(const std::filesystem::path& root, int episode, const std::string& beat,
                                            const std::string& ask) {
  RW_ASSIGN(auto lock, SeriesLock::Acquire(root / kStateDir));
  RW_ASSIGN(Loaded l, LoadEpisode(root, episode));
  if (l.settings.providers.chat.base_url.empty())
    return BadInput((root / kSettingsFile).string(),
                    "--ask needs a chat server: set providers.chat.base_url and model in reelwright.yaml "
                    "(or use the offline revisions --tighten, --hook, --reveal-earlier)");
  RW_ASSIGN(std::string beat_id, FindBeatSection(l.script, beat));
  std::string beats_rel = EpisodeDir(episode) + "/beats.yaml";
  RW_ASSIGN(Beats beats, LoadYaml<Beats>(root / beats_rel, (root / beats_rel).string()));
  ChatClient client(l.settings.providers.chat);
  std::vector<CallRecord> calls;
  auto text = LlmReviseBeat(l.settings, l.bible, beats, BeatSectionText(l.script, beat_id), beat_id, ask, client, &calls);
  // What was spent is recorded whether or not the revision succeeded.
  if (auto ledger = Ledger::Open(root / kStateDir / "ledger.sqlite"); ledger.ok()) {
    std::vector<ModelCall> rows;
    for (const auto& c : calls)
      rows.push_back({c.provider, c.model, c.attempt, c.http_status, c.usage.prompt_tokens, c.usage.completion_tokens,
                      c.latency_s, c.cost, c.outcome});
    (void)(*ledger)->RecordCalls(EpisodeName(episode) + "/revise", rows);
  }
  if (!text.ok()) return text.error();
  RW_ASSIGN(Screenplay replacement, ParseFountain(*text, "the model's revision"));
  RW_ASSIGN(Screenplay revised, SpliceBeat(l.script, beat_id, replacement));
  Revision revision{"ask-" + beat_id, revised, "Beat " + beat_id + " rewritten by " + l.settings.providers.chat.model + " as asked: " + ask};
  return WriteVariant(root, episode, l, revision);
}

Result<RevisionOutcome> ReviseEpisode(const std::filesystem::path& root, int episode, const RevisionRequest& request) {
  RW_ASSIGN(auto lock, SeriesLock::Acquire(root / kStateDir));
  RW_ASSIGN(Loaded l, LoadEpisode(root, episode));
  RW_ASSIGN(Revision revision, ReviseScript(l.script, l.bible, request));
  return WriteVariant(root, episode, l, revision);
}

}  // namespace rw
