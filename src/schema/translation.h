// The files of a delivery language L (settings `languages`), under lang/L/ of the series and of
// each episode. Both are stage outputs, so a person's edit makes them sources like any other.
//
// lang/L/glossary.yaml (schema Glossary.1): the bible's character and location names in L, made
// once for the series so every episode calls a person the same thing. A `target` left empty keeps
// the name as written.
//
//   schema: Glossary.1
//   lang: zh
//   names:
//     - {source: Mara Quinn, target: 玛拉·奎因}
//
// episodes/epNNN/lang/L/lines.yaml (schema Translation.1): one entry per dialogue line of the
// script, by the voice stage's line id (L001… in script order), with the speaker's character id,
// the line as the script has it (`source`, to notice a translation gone stale) and its
// translation (`text`), plus the glossary entries the episode's lines use.
//
//   schema: Translation.1
//   lang: zh
//   glossary: [{source: Mara Quinn, target: 玛拉·奎因}]
//   lines:
//     - {id: L001, character: C02, source: "You're dead.", text: 你已经死了。}
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "schema/fields.h"
#include "schema/yaml_doc.h"

namespace rw {

struct GlossaryEntry {
  std::string source;  // as the bible writes it
  std::string target;  // in the delivery language; empty: kept as written
  template <class V> void Fields(V& v) { v.Required("source", source); v("target", target); }
  // The name shown in the delivery language.
  const std::string& Shown() const { return target.empty() ? source : target; }
};

struct Glossary {
  static constexpr char kSchema[] = "Glossary.1";
  std::string lang;
  std::vector<GlossaryEntry> names;
  template <class V> void Fields(V& v) { v.Required("lang", lang); v("names", names); }
  // The entry for a bible name, or null.
  const GlossaryEntry* Find(const std::string& source) const {
    for (const auto& n : names)
      if (n.source == source) return &n;
    return nullptr;
  }
};

struct TranslatedLine {
  std::string id;         // L001, … as in voice/lines.yaml
  std::string character;  // character id
  std::string source;     // the line in the series language
  std::string text;       // the line in the delivery language
  template <class V> void Fields(V& v) {
    v.Required("id", id); v("character", character); v("source", source); v.Required("text", text);
  }
};

struct Translation {
  static constexpr char kSchema[] = "Translation.1";
  std::string lang;
  std::vector<GlossaryEntry> glossary;
  std::vector<TranslatedLine> lines;
  template <class V> void Fields(V& v) { v.Required("lang", lang); v("glossary", glossary); v.Required("lines", lines); }
  Status Validate(const YamlDoc& doc) const;
  const TranslatedLine* Find(const std::string& id) const {
    for (const auto& l : lines)
      if (l.id == id) return &l;
    return nullptr;
  }
};

}  // namespace rw
