// A dubbed line fitted to the slot of the line it replaces, so the picture keeps its timing: the
// shots, cues and mix of every language are cut to the series language's voice.
//
// How a line is fitted (SpeakFitted): spoken at the character's rate first; while it runs longer
// than the slot, spoken again faster — the rate scaled by (length / slot) plus 4%, at least one
// word a minute more, up to espeak's 450 — at most kMaxFitTries times in all. Then FitToSlot: a
// line still too long is cut at the slot end with a 30 ms fade (the result says so, for the
// build to warn); a short one is padded with silence at its end, so it starts with the original.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/wav.h"
#include "schema/bible.h"

namespace rw {

inline constexpr int kMaxFitTries = 4;
inline constexpr int kMaxEspeakRate = 450;

struct FittedLine {
  Pcm pcm;                // exactly the slot long
  int rate = 0;           // words a minute it was spoken at
  int tries = 1;          // syntheses made
  double spoken_s = 0;    // the speech before padding or cutting
  bool cut = false;       // it did not fit even at the fastest rate
};

// Pads with silence at the end, or cuts with a short fade, to exactly `frames`.
Pcm FitToSlot(Pcm pcm, int64_t frames, bool* cut = nullptr);

// Speaks `text` with `voice` (espeak-ng, 48 kHz mono) fitted to `slot_s` seconds.
Result<FittedLine> SpeakFitted(VoiceSpec voice, const std::string& text, double slot_s);

// The voice a character speaks `lang` with: the same variant (gender), pitch and rate (age,
// role) on the espeak-ng voice of that language ("en-us", "cmn").
VoiceSpec VoiceForLanguage(VoiceSpec voice, const std::string& lang);

}  // namespace rw
