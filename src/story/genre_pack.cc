#include "story/genre_pack.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "base/text.h"
#include "schema/yaml_io.h"

namespace rw {

namespace {

constexpr const char* kKinds[] = {"office", "street", "hall", "home", "hospital", "rooftop", "restaurant", "car", "garden", "bedroom"};

bool IsColour(const std::string& c) {
  if (c.size() != 7 || c[0] != '#') return false;
  for (size_t i = 1; i < 7; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(c[i]))) return false;
  return true;
}

bool IsSlotName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9'))) return false;
  return true;
}

// The first "{NAME}" in `text` that is not in `known`, or empty.
std::string UnknownSlot(const std::string& text, const std::set<std::string>& known) {
  size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string::npos) {
    size_t end = text.find('}', pos);
    if (end == std::string::npos) return text.substr(pos);
    std::string name = text.substr(pos + 1, end - pos - 1);
    if (!known.count(name)) return "{" + name + "}";
    pos = end + 1;
  }
  return {};
}

class Checker {
 public:
  Checker(const YamlDoc& doc, std::set<std::string> slots) : doc_(doc), slots_(std::move(slots)) {}

  // Checks a list of template strings at `node` (a YAML sequence).
  Status Texts(const YAML::Node& node, const std::vector<std::string>& texts, const std::string& field, bool allow_idea = false,
               bool required = true) {
    if (required && texts.empty()) return BadInput(doc_.At(node), field + ": needs at least one entry");
    std::set<std::string> known = slots_;
    if (allow_idea) known.insert("IDEA");
    for (size_t i = 0; i < texts.size(); ++i) {
      std::string bad = UnknownSlot(texts[i], known);
      if (!bad.empty())
        return BadInput(doc_.At(node[i]), field + "[" + std::to_string(i) + "]: unknown slot " + bad + "; the slots are " + SlotList(known));
    }
    return {};
  }

  static std::string SlotList(const std::set<std::string>& known) {
    std::string out;
    for (const auto& k : known) out += (out.empty() ? "{" : ", {") + k + "}";
    return out;
  }

  const std::set<std::string>& slots() const { return slots_; }

 private:
  const YamlDoc& doc_;
  std::set<std::string> slots_;
};

Status CheckPalette(const YamlDoc& doc, const YAML::Node& node, const std::vector<std::string>& palette, const std::string& field) {
  if (palette.size() < 2 || palette.size() > 3) return BadInput(doc.At(node), field + ": a palette has 2 or 3 colours");
  for (size_t i = 0; i < palette.size(); ++i)
    if (!IsColour(palette[i])) return BadInput(doc.At(node[i]), field + ": '" + palette[i] + "' is not a #RRGGBB colour");
  return {};
}

// Every exchange: 1 to 6 lines, each "SLOT: text" naming a character slot.
Status CheckExchanges(const YamlDoc& doc, Checker& check, const YAML::Node& node, const std::vector<std::vector<std::string>>& exchanges,
                      const std::string& field) {
  for (size_t e = 0; e < exchanges.size(); ++e) {
    auto enode = node[e];
    std::string efield = field + "[" + std::to_string(e) + "]";
    if (exchanges[e].empty() || exchanges[e].size() > 6) return BadInput(doc.At(enode), efield + ": an exchange has 1 to 6 lines");
    for (size_t l = 0; l < exchanges[e].size(); ++l) {
      ExchangeLine line;
      std::string lfield = efield + "[" + std::to_string(l) + "]";
      if (!ParseExchangeLine(exchanges[e][l], &line))
        return BadInput(doc.At(enode[l]), lfield + ": expected 'SLOT: text' or 'SLOT (parenthetical): text', got '" + exchanges[e][l] + "'");
      if (!check.slots().count(line.slot) || line.slot == "PLACE" || line.slot == "OBJECT" || line.slot == "COMPANY")
        return BadInput(doc.At(enode[l]), lfield + ": '" + line.slot + "' is not a character slot of this pack");
      std::string bad = UnknownSlot(line.text, check.slots());
      if (!bad.empty()) return BadInput(doc.At(enode[l]), lfield + ": unknown slot " + bad);
    }
  }
  return {};
}

}  // namespace

const BeatTemplates& BeatLibrary::For(BeatFunction function) const {
  switch (function) {
    case BeatFunction::kHook: return hook;
    case BeatFunction::kSetup: return setup;
    case BeatFunction::kConflict: return conflict;
    case BeatFunction::kReversal: return reversal;
    case BeatFunction::kPayoff: return payoff;
    case BeatFunction::kClimax: return climax;
    case BeatFunction::kCliffhanger: return cliffhanger;
  }
  return setup;
}

Mood MoodOf(const Emotion& emotion) {
  bool heated = emotion.arousal >= 0.6;
  if (emotion.valence < 0) return heated ? Mood::kFury : Mood::kGrief;
  return heated ? Mood::kTriumph : Mood::kTender;
}

const MoodTemplates& BeatMoods::For(Mood mood) const {
  switch (mood) {
    case Mood::kFury: return fury;
    case Mood::kGrief: return grief;
    case Mood::kTriumph: return triumph;
    case Mood::kTender: return tender;
  }
  return fury;
}

const CharacterArchetype* GenrePack::FindArchetype(const std::string& role) const {
  for (const auto& a : characters)
    if (a.role == role) return &a;
  return nullptr;
}

bool ParseExchangeLine(const std::string& line, ExchangeLine* out) {
  size_t colon = line.find(':');
  if (colon == std::string::npos) return false;
  std::string head = Trim(line.substr(0, colon));
  ExchangeLine parsed;
  size_t paren = head.find('(');
  if (paren != std::string::npos) {
    if (head.back() != ')') return false;
    parsed.parenthetical = Trim(head.substr(paren + 1, head.size() - paren - 2));
    head = Trim(head.substr(0, paren));
  }
  if (!IsSlotName(head)) return false;
  parsed.slot = head;
  parsed.text = Trim(line.substr(colon + 1));
  if (parsed.text.empty()) return false;
  if (out) *out = std::move(parsed);
  return true;
}

Status GenrePack::Validate(const YamlDoc& doc) const {
  const YAML::Node& root = doc.root;
  // Characters first: they define the slots every template may use.
  std::set<std::string> slots = {"PLACE", "OBJECT", "COMPANY"};
  std::set<std::string> roles;
  for (size_t i = 0; i < characters.size(); ++i) {
    const auto& a = characters[i];
    auto node = root["characters"][i];
    std::string field = "characters[" + std::to_string(i) + "]";
    if (!IsSlotName(a.slot)) return BadInput(doc.At(node["slot"]), field + ".slot: '" + a.slot + "' must be upper-case ASCII, e.g. HERO");
    if (!slots.insert(a.slot).second) return BadInput(doc.At(node["slot"]), field + ".slot: '" + a.slot + "' is used twice");
    if (!roles.insert(a.role).second) return BadInput(doc.At(node["role"]), field + ".role: '" + a.role + "' is used twice");
    if (a.gender != "female" && a.gender != "male")
      return BadInput(doc.At(node["gender"]), field + ".gender: '" + a.gender + "' is not one of: female, male");
    if (a.age_min < 1 || a.age_max < a.age_min) return BadInput(doc.At(node), field + ": age_min..age_max is not a valid range");
    if (a.look.size() < 4) return BadInput(doc.At(node["look"]), field + ".look: needs at least 4 visual tokens");
    if (a.palettes.empty()) return BadInput(doc.At(node["palettes"]), field + ".palettes: needs at least one palette");
    for (size_t p = 0; p < a.palettes.size(); ++p)
      RW_TRY(CheckPalette(doc, node["palettes"][p], a.palettes[p], field + ".palettes[" + std::to_string(p) + "]"));
  }
  for (const char* role : {"protagonist", "antagonist", "ally"})
    if (!roles.count(role)) return BadInput(doc.At(root["characters"]), std::string("characters: the pack needs a '") + role + "' archetype");
  for (const char* gender : {"female", "male"}) {
    size_t want = 0;
    for (const auto& a : characters) want += a.gender == gender;
    if (names.For(gender).size() < want + 2)
      return BadInput(doc.At(root["names"]), std::string("names.") + gender + ": needs at least " + std::to_string(want + 2) + " names");
  }

  Checker check(doc, slots);
  RW_TRY(check.Texts(root["titles"], titles, "titles"));
  RW_TRY(check.Texts(root["loglines"], loglines, "loglines", true));
  RW_TRY(check.Texts(root["companies"], companies, "companies"));
  RW_TRY(check.Texts(root["objects"], objects, "objects"));
  RW_TRY(check.Texts(root["style"], style, "style"));
  RW_TRY(check.Texts(root["satisfaction_types"], satisfaction_types, "satisfaction_types"));
  RW_TRY(check.Texts(root["hook_types"], hook_types, "hook_types"));
  RW_TRY(check.Texts(root["episode_titles"], episode_titles, "episode_titles"));
  RW_TRY(check.Texts(root["turns"], turns, "turns"));
  RW_TRY(check.Texts(root["cliffhangers"], cliffhangers, "cliffhangers"));
  for (size_t i = 0; i < characters.size(); ++i) {
    auto node = root["characters"][i];
    std::string field = "characters[" + std::to_string(i) + "]";
    RW_TRY(check.Texts(node["want"], characters[i].want, field + ".want"));
    RW_TRY(check.Texts(node["secret"], characters[i].secret, field + ".secret"));
    RW_TRY(check.Texts(node["arc"], characters[i].arc, field + ".arc"));
  }

  if (locations.size() < 2) return BadInput(doc.At(root["locations"]), "locations: the pack needs at least 2 locations");
  for (size_t i = 0; i < locations.size(); ++i) {
    const auto& l = locations[i];
    auto node = root["locations"][i];
    std::string field = "locations[" + std::to_string(i) + "]";
    if (std::find(std::begin(kKinds), std::end(kKinds), l.kind) == std::end(kKinds))
      return BadInput(doc.At(node["kind"]), field + ".kind: '" + l.kind +
                                                "' is not one of: office, street, hall, home, hospital, rooftop, restaurant, car, garden, bedroom");
    if (Trim(l.name).empty()) return BadInput(doc.At(node["name"]), field + ".name: empty");
    RW_TRY(CheckPalette(doc, node["palette"], l.palette, field + ".palette"));
  }

  for (const auto& [function, name] : EnumNames<BeatFunction>::kNames) {
    const BeatTemplates& t = beats.For(function);
    auto node = root["beats"][name];
    std::string field = std::string("beats.") + name;
    RW_TRY(check.Texts(node["summaries"], t.summaries, field + ".summaries"));
    RW_TRY(check.Texts(node["actions"], t.actions, field + ".actions"));
    if (t.exchanges.empty()) return BadInput(doc.At(node["exchanges"]), field + ".exchanges: needs at least one exchange");
    RW_TRY(CheckExchanges(doc, check, node["exchanges"], t.exchanges, field + ".exchanges"));
    for (const auto& [mood, mood_name] : EnumNames<Mood>::kNames) {
      const MoodTemplates& m = t.moods.For(mood);
      if (m.actions.empty() && m.exchanges.empty()) continue;
      auto mnode = node["moods"][mood_name];
      std::string mfield = field + ".moods." + mood_name;
      RW_TRY(check.Texts(mnode["actions"], m.actions, mfield + ".actions", false, false));
      RW_TRY(CheckExchanges(doc, check, mnode["exchanges"], m.exchanges, mfield + ".exchanges"));
    }
  }
  return {};
}

Result<GenrePack> LoadGenrePack(const std::filesystem::path& genres_dir, const std::string& genre, const std::string& lang) {
  namespace fs = std::filesystem;
  fs::path folder = genres_dir / genre / lang;
  fs::path file = folder / "pack.yaml";
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    std::vector<std::string> found;
    for (const auto& g : fs::directory_iterator(genres_dir, ec)) {
      if (!g.is_directory()) continue;
      std::vector<std::string> langs;
      std::error_code ec2;
      for (const auto& l : fs::directory_iterator(g.path(), ec2))
        if (fs::is_regular_file(l.path() / "pack.yaml", ec2)) langs.push_back(l.path().filename().string());
      std::sort(langs.begin(), langs.end());
      if (langs.empty()) continue;
      std::string entry = g.path().filename().string() + " (";
      for (size_t i = 0; i < langs.size(); ++i) entry += (i ? ", " : "") + langs[i];
      found.push_back(entry + ")");
    }
    std::sort(found.begin(), found.end());
    std::string list;
    for (const auto& f : found) list += (list.empty() ? "" : ", ") + f;
    return BadInput(folder.string(), "no genre pack '" + genre + "' in language '" + lang + "' (no pack.yaml here); the packs that exist are: " +
                                         (list.empty() ? std::string("none (is ") + genres_dir.string() + " the genres folder?)" : list));
  }
  RW_ASSIGN(GenrePack pack, LoadYaml<GenrePack>(file, file.string()));
  if (pack.genre != genre || pack.lang != lang)
    return BadInput(file.string(), "the pack says genre '" + pack.genre + "', lang '" + pack.lang + "' but sits in the folder for '" + genre +
                                       "', '" + lang + "'");
  return pack;
}

}  // namespace rw
