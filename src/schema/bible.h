// bible.yaml: who and where the series is about (schema Bible.1).
//
// Characters carry stable ids (C01…) that every later file refers to, a voice, and the visual
// "tell" (look tokens and palette) that every shot prompt must carry.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "base/text.h"
#include "schema/fields.h"
#include "schema/yaml_doc.h"

namespace rw {

struct VoiceSpec {
  std::string engine = "espeak";
  std::string voice = "en-us";  // espeak-ng voice name
  std::string variant;          // espeak-ng variant ("m3", "f2"), empty for the default
  int pitch = 50;               // 0-100
  int rate = 165;               // words per minute
  template <class V> void Fields(V& v) {
    v("engine", engine); v("voice", voice); v("variant", variant); v("pitch", pitch); v("rate", rate);
  }
};

struct Character {
  std::string id;    // C01, C02, …
  std::string name;  // as written in the script's character cues (upper-cased there)
  std::string role;  // protagonist, antagonist, ally, …
  std::string gender;  // female, male
  int age = 30;
  std::string want;
  std::string secret;
  std::string arc;
  VoiceSpec voice;
  std::vector<std::string> look;     // visual tokens every prompt carries: "silver hair", "red coat"
  std::vector<std::string> palette;  // "#RRGGBB", main colour first
  std::string reference;  // a reference image (PNG) relative to the series folder: a person's, or one generated and locked
  uint32_t seed = 0;      // the image seed for this character's shots (0: from the shot)
  template <class V> void Fields(V& v) {
    v.Required("id", id); v.Required("name", name); v("role", role); v("gender", gender); v("age", age);
    v("want", want); v("secret", secret); v("arc", arc); v("voice", voice); v("look", look);
    v("palette", palette); v("reference", reference); v("seed", seed);
  }
};

struct Location {
  std::string id;    // L01, …
  std::string name;  // "PENTHOUSE OFFICE"
  bool interior = true;
  std::string time = "NIGHT";  // DAY, NIGHT, DUSK, DAWN
  std::string kind;            // office, street, hall, home, hospital, rooftop… (painter backdrop)
  std::vector<std::string> look;
  std::vector<std::string> palette;
  std::string reference;  // a reference image (PNG) relative to the series folder, optional
  template <class V> void Fields(V& v) {
    v.Required("id", id); v.Required("name", name); v("interior", interior); v("time", time); v("kind", kind);
    v("look", look); v("palette", palette); v("reference", reference);
  }
  // "INT. PENTHOUSE OFFICE - NIGHT". A location named in Chinese (any CJK character in the name)
  // keeps the portable ASCII INT./EXT. prefix but shows the time in Chinese, as Chinese scripts
  // do: "INT. 总裁办公室 - 夜" (DAY 日, NIGHT 夜, DUSK 黄昏, DAWN 清晨; anything else as written).
  // `time` itself stays canonical: the painter reads it.
  std::string Heading() const {
    std::string shown = time;
    if (HasCjk(name)) {
      if (time == "DAY") shown = "日";
      else if (time == "NIGHT") shown = "夜";
      else if (time == "DUSK") shown = "黄昏";
      else if (time == "DAWN") shown = "清晨";
    }
    return std::string(interior ? "INT. " : "EXT. ") + name + " - " + shown;
  }
};

struct Bible {
  static constexpr char kSchema[] = "Bible.1";
  std::string title;
  std::string logline;
  std::string genre;
  std::string lang;
  std::vector<std::string> style;  // series style tokens, locked for the whole series
  std::vector<Character> characters;
  std::vector<Location> locations;

  template <class V> void Fields(V& v) {
    v.Required("title", title); v("logline", logline); v("genre", genre); v("lang", lang); v("style", style);
    v.Required("characters", characters); v.Required("locations", locations);
  }
  Status Validate(const YamlDoc& doc) const;

  const Character* FindCharacter(const std::string& id) const;
  // By the name in a character cue, case-insensitive for Latin names.
  const Character* FindCharacterByName(const std::string& name) const;
  const Location* FindLocation(const std::string& id) const;
};

}  // namespace rw
