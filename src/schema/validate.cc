// Checks that span fields: ids that must be unique, times that must be sane. Each error points
// at the line of the offending value.
#include <set>

#include <algorithm>
#include <cctype>
#include <iterator>

#include "schema/arc.h"
#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/settings.h"
#include "schema/shots.h"
#include "schema/translation.h"
#include "schema/translation.h"
#include "base/text.h"

namespace rw {

Status Settings::Validate(const YamlDoc& doc) const {
  if (episodes < 1 || episodes > 200)
    return BadInput(doc.At(doc.root["episodes"]), "episodes must be between 1 and 200, got " + std::to_string(episodes));
  if (lang != "en" && lang != "zh")
    return BadInput(doc.At(doc.root["lang"]), "lang must be 'en' or 'zh', got '" + lang + "'");
  if (translate != "lines" && translate != "script")
    return BadInput(doc.At(doc.root["translate"]), "translate must be 'lines' or 'script', got '" + translate + "'");
  for (size_t i = 0; i < languages.size(); ++i) {
    const std::string& l = languages[i];
    auto node = doc.root["languages"][i];
    if (l != "en" && l != "zh") return BadInput(doc.At(node), "languages: each must be 'en' or 'zh', got '" + l + "'");
    if (l == lang) return BadInput(doc.At(node), "languages: '" + l + "' is the series language (lang); list only the other languages to deliver");
    if (std::find(languages.begin(), languages.begin() + static_cast<long>(i), l) != languages.begin() + static_cast<long>(i))
      return BadInput(doc.At(node), "languages: '" + l + "' is listed twice");
  }
  if (format.width < 64 || format.height < 64 || format.width % 2 || format.height % 2)
    return BadInput(doc.At(doc.root["format"]), "format width and height must be even and at least 64");
  if (format.fps < 1 || format.fps > 120)
    return BadInput(doc.At(doc.root["format"]["fps"]), "format.fps must be between 1 and 120");
  if (writer != "builtin" && writer != "llm")
    return BadInput(doc.At(doc.root["writer"]), "writer must be 'builtin' or 'llm', got '" + writer + "'");
  if (writer == "llm" && providers.chat.base_url.empty())
    return BadInput(doc.At(doc.root["writer"]), "writer is 'llm' but providers.chat.base_url is empty; set the server's URL, e.g. http://127.0.0.1:8080/v1");
  if (paywall_episode < 5 || paywall_episode > 20)
    return BadInput(doc.At(doc.root["paywall_episode"]), "paywall_episode must be between 5 and 20, got " + std::to_string(paywall_episode));
  if (aigc.position != "top-left" && aigc.position != "top-right" && aigc.position != "bottom-left" && aigc.position != "bottom-right")
    return BadInput(doc.At(doc.root["aigc"]), "aigc.position must be top-left, top-right, bottom-left or bottom-right, got '" + aigc.position + "'");
  for (char c : aigc.producer)
    if (c == ' ' || c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
      return BadInput(doc.At(doc.root["aigc"]), "aigc.producer is a code: printable ASCII with no space, quote or backslash (GB 45438 Appendix E)");
  static const char* kStyles[] = {"storyboard", "noir", "warm", "cool", "pastel"};
  if (std::find(std::begin(kStyles), std::end(kStyles), format.style) == std::end(kStyles))
    return BadInput(doc.At(doc.root["format"]["style"]), "format.style must be storyboard, noir, warm, cool or pastel, got '" + format.style + "'");
  if (budget < 0) return BadInput(doc.At(doc.root["budget"]), "budget must be 0 or more (currency units a build may spend)");
  if (providers.chat.price_input_per_mtok < 0 || providers.chat.price_output_per_mtok < 0)
    return BadInput(doc.At(doc.root["providers"]), "providers.chat prices must be 0 or more");
  auto is_colour = [](const std::string& c) {
    return c.size() == 7 && c[0] == '#' && std::all_of(c.begin() + 1, c.end(), [](char x) { return std::isxdigit(static_cast<unsigned char>(x)); });
  };
  const SubtitleSettings& sub = subtitles;
  if (sub.margin_v < 288 || sub.margin_r < 130)
    return BadInput(doc.At(doc.root["subtitles"]), "subtitles: margin_v must be at least 288 and margin_r at least 130 (of 1920 and 1080): "
                                                   "the bottom 15% and right 12% of a vertical frame are under the apps' buttons");
  if (sub.font_size < 16 || sub.font_size > 200) return BadInput(doc.At(doc.root["subtitles"]["font_size"]), "subtitles.font_size must be 16 to 200 (of a 1920-high frame)");
  if (!is_colour(sub.colour) || !is_colour(sub.outline_colour))
    return BadInput(doc.At(doc.root["subtitles"]), "subtitles colours are written #RRGGBB, e.g. \"#FFFFFF\"");
  if (sub.max_chars_latin < 8 || sub.max_chars_cjk < 4) return BadInput(doc.At(doc.root["subtitles"]), "subtitles: max_chars_latin must be at least 8 and max_chars_cjk at least 4");
  std::set<std::string> step_names;
  for (size_t i = 0; i < providers.post.size(); ++i) {
    const PostStepSettings& step = providers.post[i];
    YAML::Node node = doc.root["providers"]["post"][i];
    bool plain = !step.name.empty() && std::all_of(step.name.begin(), step.name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!plain) return BadInput(doc.At(node["name"]), "a post step's name is a-z, 0-9 and '-' (it names a stage and a folder), got '" + step.name + "'");
    if (!step_names.insert(step.name).second) return BadInput(doc.At(node["name"]), "two post steps are named '" + step.name + "'");
    if (step.kind != "comfyui") return BadInput(doc.At(node["kind"]), "post step " + step.name + ": kind must be comfyui, got '" + step.kind + "'");
    if (step.base_url.empty()) return BadInput(doc.At(node), "post step " + step.name + " needs base_url (ComfyUI's root, e.g. http://127.0.0.1:8188)");
  }
  if (rhythm.min_episode_s <= 0 || rhythm.max_episode_s < rhythm.min_episode_s)
    return BadInput(doc.At(doc.root["rhythm"]), "rhythm: max_episode_s must be at least min_episode_s (> 0)");
  return {};
}

Status Bible::Validate(const YamlDoc& doc) const {
  if (characters.empty()) return BadInput(doc.At(doc.root["characters"]), "characters: the bible needs at least one character");
  if (locations.empty()) return BadInput(doc.At(doc.root["locations"]), "locations: the bible needs at least one location");
  std::set<std::string> ids;
  for (size_t i = 0; i < characters.size(); ++i) {
    const auto& c = characters[i];
    auto node = doc.root["characters"][i]["id"];
    if (!ids.insert(c.id).second) return BadInput(doc.At(node), "characters[" + std::to_string(i) + "].id: '" + c.id + "' is used twice; ids must be unique");
    if (Trim(c.name).empty()) return BadInput(doc.At(doc.root["characters"][i]), "characters[" + std::to_string(i) + "].name: empty name");
    for (const auto& colour : c.palette)
      if (colour.size() != 7 || colour[0] != '#')
        return BadInput(doc.At(doc.root["characters"][i]["palette"]), "characters[" + std::to_string(i) + "].palette: '" + colour + "' is not a #RRGGBB colour");
  }
  for (size_t i = 0; i < locations.size(); ++i) {
    if (!ids.insert(locations[i].id).second)
      return BadInput(doc.At(doc.root["locations"][i]["id"]), "locations[" + std::to_string(i) + "].id: '" + locations[i].id + "' is used twice; ids must be unique");
    for (const auto& colour : locations[i].palette)
      if (colour.size() != 7 || colour[0] != '#')
        return BadInput(doc.At(doc.root["locations"][i]["palette"]), "locations[" + std::to_string(i) + "].palette: '" + colour + "' is not a #RRGGBB colour");
  }
  return {};
}

const Character* Bible::FindCharacter(const std::string& id) const {
  for (const auto& c : characters)
    if (c.id == id) return &c;
  return nullptr;
}

const Character* Bible::FindCharacterByName(const std::string& name) const {
  std::string want = ToUpperAscii(Trim(name));
  for (const auto& c : characters)
    if (ToUpperAscii(c.name) == want) return &c;
  return nullptr;
}

const Location* Bible::FindLocation(const std::string& id) const {
  for (const auto& l : locations)
    if (l.id == id) return &l;
  return nullptr;
}

Status Translation::Validate(const YamlDoc& doc) const {
  std::set<std::string> ids;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto node = doc.root["lines"][i];
    if (!ids.insert(lines[i].id).second)
      return BadInput(doc.At(node["id"]), "lines[" + std::to_string(i) + "].id: '" + lines[i].id + "' is listed twice; keep one");
    if (Trim(lines[i].text).empty())
      return BadInput(doc.At(node), "lines[" + std::to_string(i) + "].text: empty; write the line's translation");
  }
  return {};
}

Status Arc::Validate(const YamlDoc& doc) const {
  for (size_t i = 0; i < episodes.size(); ++i)
    if (episodes[i].number != static_cast<int>(i) + 1)
      return BadInput(doc.At(doc.root["episodes"][i]["number"]),
                      "episodes[" + std::to_string(i) + "].number: expected " + std::to_string(i + 1) + "; episodes are numbered 1, 2, 3… in order");
  return {};
}

Status Beats::Validate(const YamlDoc& doc) const {
  if (beats.empty()) return BadInput(doc.At(doc.root["beats"]), "beats: an episode needs at least one beat");
  std::set<std::string> ids;
  double last = -1;
  for (size_t i = 0; i < beats.size(); ++i) {
    const Beat& b = beats[i];
    auto node = doc.root["beats"][i];
    std::string field = "beats[" + std::to_string(i) + "]";
    if (!ids.insert(b.id).second) return BadInput(doc.At(node["id"]), field + ".id: '" + b.id + "' is used twice; beat ids must be unique");
    if (b.target_s < 0) return BadInput(doc.At(node["target_s"]), field + ".target_s: must not be negative");
    if (b.target_s < last)
      return BadInput(doc.At(node["target_s"]), field + ".target_s: " + std::to_string(b.target_s) + " comes before the previous beat; beats are listed in time order");
    last = b.target_s;
    if (b.emotion.valence < -1 || b.emotion.valence > 1 || b.emotion.arousal < 0 || b.emotion.arousal > 1)
      return BadInput(doc.At(node["emotion"]), field + ".emotion: valence is -1…1 and arousal 0…1");
  }
  return {};
}

Status Shots::Validate(const YamlDoc& doc) const {
  std::set<std::string> ids;
  for (size_t i = 0; i < shots.size(); ++i) {
    auto node = doc.root["shots"][i];
    std::string field = "shots[" + std::to_string(i) + "]";
    if (!ids.insert(shots[i].id).second) return BadInput(doc.At(node["id"]), field + ".id: '" + shots[i].id + "' is used twice");
    if (shots[i].duration_s <= 0 || shots[i].duration_s > 60)
      return BadInput(doc.At(node["duration_s"]), field + ".duration_s: must be more than 0 and at most 60 seconds");
  }
  return {};
}

}  // namespace rw
