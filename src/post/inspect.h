// InspectMedia: what a delivered episode says about itself — its AI-content label and
// authorship record — read back from the MP4 with libavformat, as a platform's checker or a
// viewer's tool would read it (`reelwright inspect`).
//
// The implicit label is the container tag "AIGC" (an mdta key; GB 45438-2025 Appendix E) holding
// JSON {"AIGC": {"Label", "ContentProducer", "ProduceID", "ReservedCode1", "ContentPropagator",
// "PropagateID", "ReservedCode2"}}; authorship is the "authorship" tag the render writes from the
// ledger. Files from elsewhere are inspected too: what is missing is reported as missing.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace rw {

struct MediaInspection {
  std::string file;
  double seconds = 0;
  int width = 0, height = 0;
  double fps = 0;
  std::string video_codec, audio_codec;
  std::map<std::string, std::string> tags;  // every container tag, as stored
  bool labelled = false;                    // an AIGC tag whose JSON says Label "1"
  nlohmann::json aigc;                      // the AIGC tag's JSON object (null when absent or not JSON)
  std::string aigc_problem;                 // why the tag does not count as a label, when it does not
};

// BadInput when `file` does not exist; Failed (naming it) when it is not a media file.
Result<MediaInspection> InspectMedia(const std::filesystem::path& file);

// The inspection as a person reads it: size and length, the AI-content label field by field,
// authorship, title and comment.
std::string FormatInspection(const MediaInspection& inspection);

// The same as JSON: {"file", "seconds", "width", "height", "fps", "video_codec", "audio_codec",
// "labelled", "aigc", "aigc_problem", "tags"}.
nlohmann::json InspectionJson(const MediaInspection& inspection);

}  // namespace rw
