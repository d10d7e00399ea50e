// The embedded voice: espeak-ng, driven through libespeak-ng (never the command).
//
// SpeakLine turns one dialogue line into 48 kHz mono 16-bit PCM:
//   - the voice is VoiceSpec.voice ("en-us", "cmn", … as `espeak-ng --voices` lists them), with
//     VoiceSpec.variant appended as espeak's "+variant" ("f3", "m3"; a file in
//     espeak-ng-data/voices/!v), pitch 0-100 and rate in words per minute (espeak clamps it to
//     80-450);
//   - espeak's native output (22050 Hz) is resampled to 48 kHz with libswresample;
//   - leading and trailing silence is trimmed to at most 60 ms each, so Pcm::Seconds() measures
//     the speech, which is what shot timing and subtitles are built on. A line espeak renders as
//     pure silence (e.g. "……") comes back as at most 120 ms of silence, not an error.
//
// Same spec and text give the same samples, byte for byte, in any process and in any order of
// calls. espeak-ng 1.51 does not do that by itself: it carries synthesis state (glottal phase,
// flutter, sample counters, rand()) from one utterance into the next, and has no public reset.
// So the library is initialized once per process, in synchronous mode, and this process never
// speaks: every line is spoken by a fork() of that pristine state, which sends its samples back
// through a pipe and _exits. Calls are therefore thread-safe and may even run in parallel; the
// cost is one fork per line (milliseconds).
//
// Chinese: espeak-ng 1.51's "cmn" voice reads the pinyin of Chinese characters with its tone
// digits spoken as English numbers ("ni three"). Its sibling "cmn-latn-pinyin" reads them as
// Mandarin, so a line containing CJK text asked of "cmn" (or "zh", "zh-cmn") is spoken with
// "cmn-latn-pinyin"; the cost is that Latin words inside such a line are read as pinyin.
// EspeakVoiceName says which voice a line gets.
//
// Errors: empty (or all-whitespace) text, an unknown voice or an unknown variant → kBadInput
// naming it and how to list what is installed; espeak-ng failing to start or to synthesize →
// kFailed.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "base/wav.h"
#include "schema/bible.h"

namespace rw {

inline constexpr int kVoiceSampleRate = 48000;
inline constexpr int kVoiceMaxEdgeSilenceMs = 60;

Result<Pcm> SpeakLine(const VoiceSpec& voice, const std::string& text);

// Lip-sync data: espeak-ng's phoneme events, on the same time axis as the trimmed samples.
struct Phoneme {
  double start_s = 0;
  std::string name;  // espeak's mnemonic: "m", "aI", "@", "_:" (a pause)
};
struct SpokenLine {
  Pcm pcm;
  std::vector<Phoneme> phonemes;
};
Result<SpokenLine> SpeakLineWithPhonemes(const VoiceSpec& voice, const std::string& text);

// Mouth shapes, in the Preston Blair set lip-sync tools use: rest, MBP (lips closed), FV
// (lip on teeth), WQ and U (rounded), O, AI (open), E (wide), L, etc (the other consonants).
struct Viseme {
  double start_s = 0;
  std::string viseme;
  std::string phoneme;  // the first phoneme it stands for
};
std::string VisemeOf(const std::string& phoneme);
// One viseme per change of mouth shape.
std::vector<Viseme> Visemes(const std::vector<Phoneme>& phonemes);

// The espeak-ng voice name SpeakLine uses for `text`: "voice" or "voice+variant", with the cmn
// substitution above. For logs and the ledger.
std::string EspeakVoiceName(const VoiceSpec& voice, const std::string& text);

}  // namespace rw
