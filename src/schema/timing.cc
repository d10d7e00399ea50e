#include "schema/timing.h"

#include <algorithm>

#include "base/text.h"

namespace rw {

double EstimateSpeechSeconds(std::string_view text, int rate_wpm) {
  if (rate_wpm <= 0) rate_wpm = 165;
  int words = CountWords(text);
  if (HasCjk(text)) return 0.3 + words / (4.2 * rate_wpm / 165.0);
  // espeak-ng speaks a little slower than its nominal rate once punctuation pauses count.
  return 0.3 + words * 60.0 / (rate_wpm * 0.92);
}

double ActionShotSeconds(std::string_view text) {
  return std::clamp(1.6 + 0.08 * CountWords(text), 2.0, 4.0);
}

}  // namespace rw
