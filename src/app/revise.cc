#include "app/revise.h"

#include "app/series.h"
#include "base/file.h"
#include "base/line_diff.h"
#include "build/series_lock.h"
#include "schema/bible.h"
#include "schema/yaml_io.h"

namespace rw {

Result<RevisionOutcome> ReviseEpisode(const std::filesystem::path& root, int episode, const RevisionRequest& request) {
  RW_ASSIGN(Settings settings, LoadSettings(root));
  if (episode < 1 || episode > settings.episodes)
    return BadInput(std::to_string(episode), "no such episode; the series has episodes 1 to " + std::to_string(settings.episodes));
  RW_ASSIGN(auto lock, SeriesLock::Acquire(root / kStateDir));
  std::string script_rel = EpisodeDir(episode) + "/script.fountain";
  std::error_code ec;
  if (!std::filesystem::exists(root / script_rel, ec))
    return BadInput((root / script_rel).string(), "no script yet; run `reelwright build " + root.string() + " --until script` first");
  RW_ASSIGN(Bible bible, LoadYaml<Bible>(root / kBibleFile, (root / kBibleFile).string()));
  RW_ASSIGN(std::string current, ReadFile(root / script_rel));
  RW_ASSIGN(Screenplay script, ParseFountain(current, (root / script_rel).string()));
  RW_ASSIGN(Revision revision, ReviseScript(script, bible, request));

  RevisionOutcome out;
  out.variant = EpisodeDir(episode) + "/variants/script." + revision.name + ".fountain";
  out.diff_file = EpisodeDir(episode) + "/variants/script." + revision.name + ".diff";
  std::string text = WriteFountain(revision.script);
  out.diff = UnifiedDiff(current, text, script_rel, out.variant);
  out.summary = revision.summary;
  RW_TRY(WriteFileAtomic(root / out.variant, text));
  RW_TRY(WriteFileAtomic(root / out.diff_file, out.diff));
  return out;
}

}  // namespace rw
