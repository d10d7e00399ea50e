// Revisions a creator asks for, done offline on the script itself. Each returns a new script
// for the caller to write beside the current one as a variant (with a diff); none ever touches
// the current file.
//
//   tighten        cut the episode to a target length by the shared timing model: first the
//                  extra sentences of long lines, then whole exchanges and action paragraphs,
//                  both only in the middle beats: the hook, climax and cliffhanger stay whole
//   hook TYPE      open cold on a flash-forward that makes the hook of TYPE: "information" the
//                  episode's first reveal line, "crisis" the climax's first action, "emotion"
//                  the line with the strongest feeling, "decision" the hero's line in the climax
//   reveal-earlier move the first payoff or reversal beat before the conflict beat in front of
//                  it, so the pressure that follows is higher
#pragma once

#include <string>

#include "base/result.h"
#include "schema/bible.h"
#include "story/fountain.h"

namespace rw {

enum class RevisionKind { kTighten, kHook, kRevealEarlier };

struct RevisionRequest {
  RevisionKind kind = RevisionKind::kTighten;
  double target_seconds = 0;  // tighten: the episode's estimated length to reach
  std::string hook_type;      // hook: decision, crisis, information, emotion
};

struct Revision {
  std::string name;     // "tighten-70s", "hook-information", "reveal-earlier": the variant's name
  Screenplay script;
  std::string summary;  // what changed, in a sentence or two
};

// Estimated screen time of a script with the timing model the writer and shot planner share.
double EstimateScriptSeconds(const Screenplay& script, const Bible& bible);

Result<Revision> ReviseScript(const Screenplay& script, const Bible& bible, const RevisionRequest& request);

// The id of the beat `which` names: a beat id ("B03") or a function ("hook": its first beat).
Result<std::string> FindBeatSection(const Screenplay& script, const std::string& which);
// The beat's section as Fountain text (its "# Bxx" heading and everything up to the next).
std::string BeatSectionText(const Screenplay& script, const std::string& beat_id);
// `script` with beat `beat_id`'s section replaced by the same section of `replacement`.
Result<Screenplay> SpliceBeat(const Screenplay& script, const std::string& beat_id, const Screenplay& replacement);

}  // namespace rw
