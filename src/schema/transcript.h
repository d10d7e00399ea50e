// transcript.yaml: what a transcription server heard in each voiced line of an episode, against
// its script line (schema Transcript.1). Written by the transcribe stage when
// providers.transcription is set; eval reports mismatches as subtitle errors.
#pragma once

#include <string>
#include <vector>

#include "schema/fields.h"

namespace rw {

struct TranscriptLine {
  std::string line;       // L001
  std::string character;  // character id
  double start_s = 0;     // when the line's subtitle appears
  std::string script;     // what the script says
  std::string heard;      // what the server heard
  double error = 0;       // word (Chinese: character) error rate of heard against script
  bool mismatch = false;  // error above the series' max_error
  template <class V> void Fields(V& v) {
    v.Required("line", line); v("character", character); v("start_s", start_s); v("script", script); v("heard", heard);
    v("error", error); v("mismatch", mismatch);
  }
};

struct Transcript {
  static constexpr char kSchema[] = "Transcript.1";
  int episode = 1;
  std::string model;       // the server's model
  double max_error = 0.25;
  std::vector<TranscriptLine> lines;
  template <class V> void Fields(V& v) {
    v.Required("episode", episode); v("model", model); v("max_error", max_error); v("lines", lines);
  }
};

}  // namespace rw
