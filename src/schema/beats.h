// beats.yaml: an episode's beat sheet on the rhythm template (schema Beats.1).
#pragma once

#include <array>
#include <string>
#include <vector>

#include "base/result.h"
#include "schema/fields.h"
#include "schema/yaml_doc.h"

namespace rw {

enum class BeatFunction { kHook, kSetup, kConflict, kReversal, kPayoff, kClimax, kCliffhanger };

template <>
struct EnumNames<BeatFunction> {
  static constexpr std::array<std::pair<BeatFunction, const char*>, 7> kNames{{
      {BeatFunction::kHook, "hook"},
      {BeatFunction::kSetup, "setup"},
      {BeatFunction::kConflict, "conflict"},
      {BeatFunction::kReversal, "reversal"},
      {BeatFunction::kPayoff, "payoff"},
      {BeatFunction::kClimax, "climax"},
      {BeatFunction::kCliffhanger, "cliffhanger"},
  }};
};

struct Emotion {
  double valence = 0;  // -1 (despair) … +1 (triumph)
  double arousal = 0;  // 0 (calm) … 1 (frantic)
  template <class V> void Fields(V& v) { v("valence", valence); v("arousal", arousal); }
};

struct Beat {
  std::string id;  // B01, …
  BeatFunction function = BeatFunction::kSetup;
  double target_s = 0;  // when the beat should start, on the rhythm template
  double estimate_s = 0;  // the writer's estimate of its screen time
  Emotion emotion;
  std::vector<std::string> cast;  // character ids
  std::string location;           // location id
  std::string summary;
  std::string satisfaction;  // satisfaction point type paid here, or empty
  std::string reveal;        // a planned reveal that lands here: "C02 secret", "C01 want"
  template <class V> void Fields(V& v) {
    v.Required("id", id); v.Required("function", function); v("target_s", target_s); v("estimate_s", estimate_s);
    v("emotion", emotion); v("cast", cast); v.Required("location", location); v("summary", summary);
    v("satisfaction", satisfaction); v("reveal", reveal);
  }
};

struct Beats {
  static constexpr char kSchema[] = "Beats.1";
  int episode = 1;
  std::string title;
  std::vector<Beat> beats;
  template <class V> void Fields(V& v) { v.Required("episode", episode); v("title", title); v.Required("beats", beats); }
  Status Validate(const YamlDoc& doc) const;
};

}  // namespace rw
