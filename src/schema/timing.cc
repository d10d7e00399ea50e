#include "schema/timing.h"

#include <algorithm>
#include <cmath>

#include "base/text.h"

namespace rw {

double EstimateSpeechSeconds(std::string_view text, int rate_wpm) {
  if (rate_wpm <= 0) rate_wpm = 165;
  int words = CountWords(text);
  if (HasCjk(text)) {
    // Fitted to espeak-ng 1.51 "cmn" (spoken as cmn-latn-pinyin, edge silence trimmed as
    // SpeakLine does) over 30 lines of 2-17 characters at 150/165/180 wpm: about 0.25 s a
    // character at 165, a little faster than proportionally at higher rates; full-width
    // punctuation adds no measurable pause. Mean error 6%, worst 17% (very short lines).
    double seconds = (-0.16 + 0.252 * words) * std::pow(165.0 / rate_wpm, 1.2);
    return std::max(0.3, seconds);
  }
  // espeak-ng speaks a little slower than its nominal rate once punctuation pauses count.
  return 0.3 + words * 60.0 / (rate_wpm * 0.92);
}

double ActionShotSeconds(std::string_view text) {
  // A Chinese character carries a little over half of what an English word does (a line of 8
  // English words is about 13-14 characters in Chinese), so it counts 0.05 s, not 0.08 s.
  if (HasCjk(text)) return std::clamp(1.6 + 0.05 * CountWords(text), 2.0, 4.0);
  return std::clamp(1.6 + 0.08 * CountWords(text), 2.0, 4.0);
}

}  // namespace rw
