// `reelwright revise`: a revision of one episode's script, written beside it as a variant with
// a readable diff. The current script.fountain is never touched, edited by a person or not;
// the creator reads the diff and picks.
#pragma once

#include <filesystem>
#include <string>

#include "base/result.h"
#include "story/revise.h"

namespace rw {

struct RevisionOutcome {
  std::string variant;  // relative to the series: episodes/ep001/variants/script.tighten-70s.fountain
  std::string diff_file;
  std::string diff;     // unified diff, current → variant
  std::string summary;
};

Result<RevisionOutcome> ReviseEpisode(const std::filesystem::path& root, int episode, const RevisionRequest& request);

// Rewrites one beat through the series' chat server (providers.chat) as `ask` says; the calls
// it makes are recorded in the ledger like a build's.
Result<RevisionOutcome> ReviseBeatWithModel(const std::filesystem::path& root, int episode, const std::string& beat,
                                            const std::string& ask);

}  // namespace rw
