// voice/lines.yaml: the episode's spoken lines with their measured durations (VoiceTrack.1).
//
// Every later stage takes timing from here: durations are measured from the WAV the voice
// engine produced, never estimated.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "schema/fields.h"

namespace rw {

struct VoiceLine {
  std::string id;         // L001, … in script order
  std::string character;  // character id
  std::string text;
  std::string wav;  // path relative to the episode folder: voice/L001.wav
  int64_t samples = 0;  // at sample_rate
  double duration_s = 0;
  template <class V> void Fields(V& v) {
    v.Required("id", id); v.Required("character", character); v.Required("text", text); v.Required("wav", wav);
    v.Required("samples", samples); v("duration_s", duration_s);
  }
};

struct VoiceTrack {
  static constexpr char kSchema[] = "VoiceTrack.1";
  int sample_rate = 48000;
  std::vector<VoiceLine> lines;
  template <class V> void Fields(V& v) { v.Required("sample_rate", sample_rate); v("lines", lines); }
};

}  // namespace rw
