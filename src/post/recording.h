// A person's recording of a line (an actor, the creator), made ready to stand in for the
// synthesized voice: decoded in-process with the FFmpeg libraries (WAV, FLAC, MP3, M4A/AAC, Ogg,
// Opus — whatever libavformat reads), mixed down to mono, resampled to the voice track's rate,
// and trimmed to the speech by voice-activity detection, so the line's timing and subtitle follow
// the words and not the room tone before and after them.
//
// Voice activity (FindVoice): 10 ms frames; a frame is speech when its RMS is at least 12 dB over
// the recording's noise floor (the 10th percentile of frame RMS) and above -50 dBFS. The span runs
// from the first to the last speech frame, widened by 150 ms at each end so breaths and soft
// consonants stay, within the recording. A recording with no speech frame is an error (a silent
// or wrong file), not an empty line.
//
// Lip-sync for a recording (EnvelopeVisemes): with no phonemes to go on, the mouth follows the
// loudness — every 60 ms, "rest" below -40 dBFS, then "E", "O", "AI" as the level rises — in the
// same {t, viseme} form the voice stage writes for synthesized lines.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/wav.h"

namespace rw {

struct VoicedSpan {
  int64_t begin = 0, end = 0;  // in samples
};
VoicedSpan FindVoice(const std::vector<int16_t>& mono, int sample_rate);

struct Recording {
  Pcm pcm;                    // mono at the asked rate, trimmed to the voice
  double source_seconds = 0;  // the file as recorded
  double trimmed_head_s = 0, trimmed_tail_s = 0;
};
// BadInput naming `file` when it cannot be read as audio or holds no speech.
Result<Recording> PrepareRecording(const std::filesystem::path& file, int sample_rate);

// {seconds from the start, viseme}, one entry per change.
std::vector<std::pair<double, std::string>> EnvelopeVisemes(const Pcm& mono);

}  // namespace rw
