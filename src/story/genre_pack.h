// A genre pack: everything the built-in writer knows about one genre in one language.
//
// On disk a pack is data/genres/<genre>/<lang>/pack.yaml (schema GenrePack.1), written by people.
// Fields, in file order:
//   genre, lang        what the folder says
//   espeak_voice       the espeak-ng voice every character speaks with ("en-us", "cmn")
//   titles             series titles, used when the settings give none
//   loglines           logline templates; {IDEA} is the creator's idea (without a final stop)
//   names.female/male  given names (or full names, for Chinese) to draw characters from
//   companies          fillers for {COMPANY}; objects: fillers for {OBJECT} (with their article)
//   style              series style tokens every shot prompt carries
//   satisfaction_types, hook_types   the arc's vocabulary (hook types strongest first)
//   episode_titles, turns, cliffhangers, paywall_cliffhanger   arc templates
//   characters         archetypes: role, the template slot naming them (HERO, VILLAIN, ALLY, RIVAL),
//                      gender, age range, pools of want/secret/arc/look, palettes
//   locations          name (as in a scene heading), interior, time, kind (a painter backdrop:
//                      office|street|hall|home|hospital|rooftop|restaurant|car|garden|bedroom),
//                      look tokens, palette
//   beats.<function>   for each beat function (hook, setup, conflict, reversal, payoff, climax,
//                      cliffhanger): summaries, actions, and exchanges; an exchange is a list of
//                      lines "SLOT: text" or "SLOT (parenthetical): text"
//   beats.<function>.moods.<mood>   actions and exchanges for one emotion of that function:
//                      fury (dark, heated), grief (dark, quiet), triumph (bright, heated), tender
//                      (bright, quiet). A beat's emotion in beats.yaml (valence, arousal) names its
//                      mood (MoodOf); the beat opens with a block (an action or an exchange)
//                      from that mood's pool when it has one left; the rest comes from the
//                      function's general pool.
// Template text may use {HERO} {VILLAIN} {ALLY} {RIVAL} (the archetype slots), {PLACE},
// {OBJECT}, {COMPANY}; loglines may also use {IDEA}. Nothing assumes spaces between words or
// letter case, so a Chinese pack uses the same fields. Validation names the file and line of the
// first problem: an unknown slot, an exchange line without "SLOT:", a bad colour, a missing role.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "schema/beats.h"
#include "schema/fields.h"
#include "schema/yaml_doc.h"

namespace rw {

struct NamePools {
  std::vector<std::string> female;
  std::vector<std::string> male;
  template <class V> void Fields(V& v) { v("female", female); v("male", male); }
  const std::vector<std::string>& For(const std::string& gender) const { return gender == "male" ? male : female; }
};

struct CharacterArchetype {
  std::string role;    // protagonist, antagonist, ally, rival, …
  std::string slot;    // the template slot that names this character: HERO, VILLAIN, ALLY, RIVAL
  std::string gender;  // female, male
  int age_min = 25;
  int age_max = 40;
  std::vector<std::string> want;
  std::vector<std::string> secret;
  std::vector<std::string> arc;
  std::vector<std::string> look;                   // concrete visual tokens; the writer picks 4
  std::vector<std::vector<std::string>> palettes;  // each 2–3 "#RRGGBB"
  template <class V> void Fields(V& v) {
    v.Required("role", role); v.Required("slot", slot); v.Required("gender", gender); v("age_min", age_min);
    v("age_max", age_max); v.Required("want", want); v.Required("secret", secret); v.Required("arc", arc);
    v.Required("look", look); v.Required("palettes", palettes);
  }
};

struct LocationTemplate {
  std::string name;  // as in a scene heading: "PENTHOUSE OFFICE"
  bool interior = true;
  std::string time = "NIGHT";
  std::string kind;
  std::vector<std::string> look;
  std::vector<std::string> palette;
  template <class V> void Fields(V& v) {
    v.Required("name", name); v("interior", interior); v("time", time); v.Required("kind", kind); v("look", look);
    v("palette", palette);
  }
};

// The four moods of the valence/arousal plane, as a pack names them.
enum class Mood { kFury, kGrief, kTriumph, kTender };
template <> struct EnumNames<Mood> {
  static constexpr std::array<std::pair<Mood, const char*>, 4> kNames{
      {{Mood::kFury, "fury"}, {Mood::kGrief, "grief"}, {Mood::kTriumph, "triumph"}, {Mood::kTender, "tender"}}};
};
// valence < 0 is dark, arousal >= 0.6 is heated.
Mood MoodOf(const Emotion& emotion);

struct MoodTemplates {
  std::vector<std::string> actions;
  std::vector<std::vector<std::string>> exchanges;
  template <class V> void Fields(V& v) { v("actions", actions); v("exchanges", exchanges); }
};

struct BeatMoods {
  MoodTemplates fury, grief, triumph, tender;
  template <class V> void Fields(V& v) { v("fury", fury); v("grief", grief); v("triumph", triumph); v("tender", tender); }
  const MoodTemplates& For(Mood mood) const;
};

struct BeatTemplates {
  std::vector<std::string> summaries;
  std::vector<std::string> actions;
  std::vector<std::vector<std::string>> exchanges;  // lines "SLOT: text" / "SLOT (paren): text"
  BeatMoods moods;
  template <class V> void Fields(V& v) {
    v.Required("summaries", summaries); v.Required("actions", actions); v.Required("exchanges", exchanges);
    v("moods", moods);
  }
};

struct BeatLibrary {
  BeatTemplates hook, setup, conflict, reversal, payoff, climax, cliffhanger;
  template <class V> void Fields(V& v) {
    v.Required("hook", hook); v.Required("setup", setup); v.Required("conflict", conflict);
    v.Required("reversal", reversal); v.Required("payoff", payoff); v.Required("climax", climax);
    v.Required("cliffhanger", cliffhanger);
  }
  const BeatTemplates& For(BeatFunction function) const;
};

struct GenrePack {
  static constexpr char kSchema[] = "GenrePack.1";
  std::string genre;
  std::string lang;
  std::string espeak_voice = "en-us";
  std::vector<std::string> titles;
  std::vector<std::string> loglines;
  NamePools names;
  std::vector<std::string> companies;
  std::vector<std::string> objects;
  std::vector<std::string> style;
  std::vector<std::string> satisfaction_types;
  std::vector<std::string> hook_types;
  std::vector<std::string> episode_titles;
  std::vector<std::string> turns;
  std::vector<std::string> cliffhangers;
  std::string paywall_cliffhanger;
  std::vector<CharacterArchetype> characters;
  std::vector<LocationTemplate> locations;
  BeatLibrary beats;

  template <class V> void Fields(V& v) {
    v.Required("genre", genre); v.Required("lang", lang); v("espeak_voice", espeak_voice);
    v.Required("titles", titles); v.Required("loglines", loglines); v.Required("names", names);
    v.Required("companies", companies); v.Required("objects", objects); v.Required("style", style);
    v.Required("satisfaction_types", satisfaction_types); v.Required("hook_types", hook_types);
    v.Required("episode_titles", episode_titles); v.Required("turns", turns); v.Required("cliffhangers", cliffhangers);
    v("paywall_cliffhanger", paywall_cliffhanger); v.Required("characters", characters);
    v.Required("locations", locations); v.Required("beats", beats);
  }
  Status Validate(const YamlDoc& doc) const;

  // The archetype for a role, or nullptr.
  const CharacterArchetype* FindArchetype(const std::string& role) const;
};

// One line of an exchange template, split: "VILLAIN (sneering): You're nobody." →
// {slot "VILLAIN", parenthetical "sneering", text "You're nobody."}.
struct ExchangeLine {
  std::string slot;
  std::string parenthetical;
  std::string text;
};
// Returns false when the line has no "SLOT:" prefix (upper-case ASCII slot, optional "(…)").
bool ParseExchangeLine(const std::string& line, ExchangeLine* out);

// Loads <genres_dir>/<genre>/<lang>/pack.yaml. A missing pack is BadInput naming the folder and
// listing the genre packs that exist; a malformed one is BadInput at "…/pack.yaml:<line>".
Result<GenrePack> LoadGenrePack(const std::filesystem::path& genres_dir, const std::string& genre, const std::string& lang);

}  // namespace rw
