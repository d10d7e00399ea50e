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
  template <class V> void Fields(V& v) {
    v.Required("number", number); v("title", title); v("turn", turn); v("satisfaction", satisfaction);
    v("hook", hook); v("cliffhanger", cliffhanger); v("paywall", paywall);
  }
};

struct Arc {
  static constexpr char kSchema[] = "Arc.1";
  std::vector<ArcEpisode> episodes;
  template <class V> void Fields(V& v) { v.Required("episodes", episodes); }
  Status Validate(const YamlDoc& doc) const;
};

}  // namespace rw
