// arc.yaml: the season plan, one entry per episode (schema Arc.1).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "schema/fields.h"
#include "schema/yaml_doc.h"

namespace rw {

struct ArcEpisode {
  int number = 1;
  std::string title;
  std::string turn;          // what changes in this episode
  std::string satisfaction;  // the satisfaction point type it pays (face-slap, identity reveal, …)
  std::string hook;          // hook type: decision, crisis, information, emotion
  std::string cliffhanger;   // the question it ends on
  bool paywall = false;
  double intensity = 0.5;    // escalation across the season: 0 calm … 1 the season's peak
  int pays_off = 0;          // the episode whose cliffhanger this one answers (the paywall's payoff), or 0
  std::vector<std::string> reveals;  // planned reveals: "C02 secret", "C01 want"
  std::string beat_template;  // the beat-sheet template (T01…) this episode is written on
  template <class V> void Fields(V& v) {
    v.Required("number", number); v("title", title); v("turn", turn); v("satisfaction", satisfaction);
    v("hook", hook); v("cliffhanger", cliffhanger); v("paywall", paywall); v("intensity", intensity);
    v("pays_off", pays_off); v("reveals", reveals); v("beat_template", beat_template);
  }
};

struct Arc {
  static constexpr char kSchema[] = "Arc.1";
  std::vector<ArcEpisode> episodes;
  template <class V> void Fields(V& v) { v.Required("episodes", episodes); }
  Status Validate(const YamlDoc& doc) const;
};

}  // namespace rw
