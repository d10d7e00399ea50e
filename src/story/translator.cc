#include "story/translator.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/hash.h"
#include "base/text.h"

namespace rw {

namespace {

using nlohmann::json;

json StrictObject(const json& properties) {
  json required = json::array();
  for (const auto& [name, _] : properties.items()) required.push_back(name);
  return {{"type", "object"}, {"properties", properties}, {"required", required}, {"additionalProperties", false}};
}

json NamesSchema() {
  json entry = StrictObject({{"source", {{"type", "string"}, {"description", "the name exactly as given"}}},
                             {"target", {{"type", "string"}, {"description", "the name in the target language"}}}});
  return StrictObject({{"names", {{"type", "array"}, {"items", entry}}}});
}

json LinesSchema() {
  json entry = StrictObject({{"id", {{"type", "string"}, {"description", "the line's id, as given"}}},
                             {"text", {{"type", "string"}, {"description", "the translated line"}}}});
  return StrictObject({{"lines", {{"type", "array"}, {"items", entry}}}});
}

std::string SystemPrompt(const std::string& from, const std::string& to) {
  return "You translate a vertical micro-drama (short episodes for phones) from " + LanguageName(from) + " into " +
         LanguageName(to) +
         " for dubbing and subtitles. Write natural spoken " + LanguageName(to) +
         " as people in such a drama speak: short, punchy, with the same intent, emotion and subtext. A translated "
         "line must be speakable in about the time of the original, so never make it longer than it needs to be. "
         "Write every name exactly as the glossary gives it. Answer with one JSON object only.";
}

std::vector<std::string> BibleNames(const Bible& bible) {
  std::vector<std::string> names;
  auto add = [&](const std::string& n) {
    if (!Trim(n).empty() && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  for (const auto& c : bible.characters) add(c.name);
  for (const auto& l : bible.locations) add(l.name);
  return names;
}

std::string ReadNames(const std::vector<std::string>& wanted, const json& reply, Glossary* out) {
  if (!reply.contains("names") || !reply["names"].is_array()) return "the reply needs a \"names\" array";
  std::map<std::string, std::string> got;
  for (const auto& e : reply["names"]) {
    if (!e.is_object() || !e.contains("source") || !e["source"].is_string() || !e.contains("target") || !e["target"].is_string())
      return "every entry of \"names\" needs \"source\" and \"target\" strings";
    std::string source = e["source"], target = Trim(e["target"].get<std::string>());
    if (std::find(wanted.begin(), wanted.end(), source) == wanted.end())
      return "\"" + source + "\" is not one of the names to translate; give exactly these: " + [&] {
        std::string all;
        for (const auto& w : wanted) all += (all.empty() ? "" : ", ") + w;
        return all;
      }();
    if (got.count(source)) return "\"" + source + "\" is given twice; give each name once";
    if (target.empty()) return "\"" + source + "\" has an empty target; write the name in the target language";
    got[source] = target;
  }
  for (const auto& w : wanted)
    if (!got.count(w)) return "\"" + w + "\" is missing; give every name";
  if (out)
    for (const auto& w : wanted) out->names.push_back({w, got[w]});
  return {};
}

// The entries whose source a text names.
std::vector<const GlossaryEntry*> NamesIn(const Glossary& glossary, const std::string& text) {
  std::vector<const GlossaryEntry*> found;
  for (const auto& e : glossary.names)
    if (!e.target.empty() && e.target != e.source && text.find(e.source) != std::string::npos) found.push_back(&e);
  return found;
}

// Checks one batch's reply; fills `out` (by id) when it is right.
std::string ReadLines(const Glossary& glossary, const std::vector<const LineToTranslate*>& batch, const json& reply,
                      std::map<std::string, std::string>* out) {
  if (!reply.contains("lines") || !reply["lines"].is_array()) return "the reply needs a \"lines\" array";
  std::map<std::string, const LineToTranslate*> wanted;
  std::string ids;
  for (const auto* l : batch) {
    wanted[l->id] = l;
    ids += (ids.empty() ? "" : ", ") + l->id;
  }
  std::map<std::string, std::string> got;
  for (const auto& e : reply["lines"]) {
    if (!e.is_object() || !e.contains("id") || !e["id"].is_string() || !e.contains("text") || !e["text"].is_string())
      return "every entry of \"lines\" needs \"id\" and \"text\" strings";
    std::string id = e["id"], text = Trim(e["text"].get<std::string>());
    auto it = wanted.find(id);
    if (it == wanted.end()) return "\"" + id + "\" is not a line of this batch; translate exactly the lines " + ids;
    if (got.count(id)) return "line " + id + " is given twice; give each line once";
    if (text.empty()) return "line " + id + " has an empty text; translate it";
    for (const auto* name : NamesIn(glossary, it->second->source))
      if (text.find(name->target) == std::string::npos)
        return "line " + id + " names " + name->source + ": write the name as the glossary does, \"" + name->target + "\"";
    got[id] = text;
  }
  std::string missing;
  for (const auto* l : batch)
    if (!got.count(l->id)) missing += (missing.empty() ? "" : ", ") + l->id;
  if (!missing.empty()) return "lines missing from the reply: " + missing + "; translate every line of the batch once (" + ids + ")";
  if (out)
    for (auto& [id, text] : got) (*out)[id] = std::move(text);
  return {};
}

json GlossaryJson(const Glossary& glossary) {
  json j = json::array();
  for (const auto& e : glossary.names) j.push_back({{"source", e.source}, {"target", e.Shown()}});
  return j;
}

std::string BatchPrompt(const Bible& bible, const std::string& to, const Glossary& glossary,
                        const std::vector<const LineToTranslate*>& batch, const json& before) {
  json lines = json::array();
  for (const auto* l : batch) {
    json line = {{"id", l->id}, {"speaker", l->speaker}, {"scene", l->scene}, {"text", l->source}};
    if (!l->context.empty()) line["action_before"] = l->context;
    if (!l->parenthetical.empty()) line["parenthetical"] = l->parenthetical;
    lines.push_back(line);
  }
  json request = {{"series", bible.title}, {"logline", bible.logline}, {"glossary", GlossaryJson(glossary)}, {"lines", lines}};
  if (!before.empty()) request["previous_lines"] = before;
  bool actions = std::any_of(batch.begin(), batch.end(), [](const LineToTranslate* l) { return l->speaker.empty(); });
  return "Translate every line below into " + LanguageName(to) +
         ". Answer {\"lines\": [{\"id\": …, \"text\": …}]} with each id exactly once, in order. \"previous_lines\" are "
         "already translated, for continuity only; do not return them." +
         std::string(actions ? " Lines with an empty speaker are the screenplay's action: translate them as prose." : "") +
         "\n\n" + request.dump(1);
}

}  // namespace

std::string LanguageName(const std::string& lang) {
  if (lang == "zh") return "Simplified Chinese (Mandarin)";
  if (lang == "en") return "English";
  return lang;
}

std::vector<LineToTranslate> LinesToTranslate(const Screenplay& script, const Bible& bible) {
  std::vector<LineToTranslate> out;
  std::string action;
  int index = 0;
  for (const auto& u : ScriptUnits(script)) {
    if (u.kind == ScriptUnit::Kind::kAction) {
      action = u.text;
      continue;
    }
    char id[32];
    std::snprintf(id, sizeof id, "L%03d", ++index);
    const Character* c = bible.FindCharacterByName(u.character);
    out.push_back({id, c ? c->id : "", c ? c->name : u.character, u.scene, action, u.parenthetical, u.text});
    action.clear();
  }
  return out;
}

std::vector<LineToTranslate> ActionsToTranslate(const Screenplay& script) {
  std::vector<LineToTranslate> out;
  int index = 0;
  for (const auto& u : ScriptUnits(script)) {
    if (u.kind != ScriptUnit::Kind::kAction) continue;
    char id[32];
    std::snprintf(id, sizeof id, "A%03d", ++index);
    out.push_back({id, "", "", u.scene, "", "", u.text});
  }
  return out;
}

std::string TranslatedFountain(const Screenplay& script, const Bible& bible, const Glossary& glossary,
                               const Translation& translation, const Translation& actions) {
  std::string out = "Title: " + bible.title + "\nLanguage: " + translation.lang + "\n\n";
  std::string beat, scene;
  int line = 0, action = 0;
  for (const auto& u : ScriptUnits(script)) {
    if (u.beat != beat) {
      beat = u.beat;
      out += "# " + beat + "\n\n";
    }
    if (u.scene != scene) {
      scene = u.scene;
      std::string heading = scene;
      for (const auto& e : glossary.names)
        if (size_t at = heading.find(e.source); at != std::string::npos && !e.target.empty()) heading.replace(at, e.source.size(), e.target);
      out += "." + heading + "\n\n";  // forced: a translated heading may not start with INT./EXT.
    }
    char id[32];
    if (u.kind == ScriptUnit::Kind::kAction) {
      std::snprintf(id, sizeof id, "A%03d", ++action);
      const TranslatedLine* t = actions.Find(id);
      out += (t ? t->text : u.text) + "\n\n";
      continue;
    }
    std::snprintf(id, sizeof id, "L%03d", ++line);
    const Character* c = bible.FindCharacterByName(u.character);
    const GlossaryEntry* name = c ? glossary.Find(c->name) : nullptr;
    std::string cue = name ? name->Shown() : u.character;
    out += "@" + cue + "\n";  // forced: a name in Chinese has no upper case
    if (!u.parenthetical.empty()) out += "(" + u.parenthetical + ")\n";
    const TranslatedLine* t = translation.Find(id);
    out += (t ? t->text : u.text) + "\n\n";
  }
  return out;
}

std::vector<GlossaryEntry> GlossaryUsed(const Glossary& glossary, const Bible& bible, const std::vector<LineToTranslate>& lines) {
  std::set<std::string> used;
  for (const auto& l : lines) {
    if (const Character* c = bible.FindCharacter(l.character)) used.insert(c->name);
    for (const auto& e : glossary.names)
      if (l.source.find(e.source) != std::string::npos) used.insert(e.source);
  }
  std::vector<GlossaryEntry> out;
  for (const auto& e : glossary.names)
    if (used.count(e.source)) out.push_back(e);
  return out;
}

Result<Glossary> LlmTranslateNames(const Bible& bible, const std::string& from, const std::string& to, ChatClient& client,
                                   std::vector<CallRecord>* calls) {
  std::vector<std::string> wanted = BibleNames(bible);
  Glossary glossary;
  glossary.lang = to;
  if (wanted.empty()) return glossary;
  json names = wanted;
  std::string prompt = "Give the " + LanguageName(to) +
                       " form of each name of this series' characters and places, as a dubbed and subtitled release "
                       "would write it (people: a transliteration or a fitting native name; places: a translation). "
                       "Answer {\"names\": [{\"source\": …, \"target\": …}]} with every name exactly once.\n\n" +
                       json{{"series", bible.title}, {"logline", bible.logline}, {"names", names}}.dump(1);
  std::vector<ChatMessage> messages = {{"system", SystemPrompt(from, to)}, {"user", prompt}};
  auto validate = [&wanted](const json& reply) { return ReadNames(wanted, reply, nullptr); };
  auto reply = client.AskJson(messages, "glossary", NamesSchema(), validate, calls);
  if (!reply.ok()) {
    Error e = reply.error();
    e.message = "cannot translate the bible's names into " + to + ": " + e.message;
    return e;
  }
  std::string problem = ReadNames(wanted, *reply, &glossary);
  if (!problem.empty()) return Failed(problem, "the chat server's glossary");
  return glossary;
}

Result<Translation> LlmTranslateLines(const Bible& bible, const std::string& from, const std::string& to,
                                      const Glossary& glossary, const std::vector<LineToTranslate>& lines, ChatClient& client,
                                      std::vector<CallRecord>* calls, size_t batch, ReplyCache* cache) {
  Translation translation;
  translation.lang = to;
  std::map<std::string, std::string> done;
  json before = json::array();
  batch = std::max<size_t>(1, batch);
  for (size_t start = 0; start < lines.size(); start += batch) {
    std::vector<const LineToTranslate*> part;
    for (size_t i = start; i < std::min(lines.size(), start + batch); ++i) part.push_back(&lines[i]);
    std::vector<ChatMessage> messages = {{"system", SystemPrompt(from, to)},
                                         {"user", BatchPrompt(bible, to, glossary, part, before)}};
    auto validate = [&](const json& reply) { return ReadLines(glossary, part, reply, nullptr); };
    json asked = json::array();
    for (const auto& m : messages) asked.push_back({m.role, m.content});
    const std::string request_hash = Sha256Hex(asked.dump());
    std::optional<Result<json>> kept;
    if (cache != nullptr) {
      if (std::optional<std::string> text = cache->Find(request_hash)) {
        json parsed = json::parse(*text, nullptr, false);
        if (!parsed.is_discarded() && validate(parsed).empty()) kept.emplace(std::move(parsed));
      }
    }
    Result<json> reply = kept ? std::move(*kept) : client.AskJson(messages, "translation", LinesSchema(), validate, calls);
    if (cache != nullptr && reply.ok() && !kept) cache->Keep(request_hash, reply->dump());
    std::string which = part.front()->id + "–" + part.back()->id;
    if (!reply.ok()) {
      Error e = reply.error();
      e.message = "cannot translate lines " + which + " into " + to + ": " + e.message;
      return e;
    }
    std::string problem = ReadLines(glossary, part, *reply, &done);
    if (!problem.empty()) return Failed("lines " + which + ": " + problem, "the chat server's translation");
    // The last few lines carry the voice into the next batch.
    before = json::array();
    for (size_t i = part.size() > 3 ? part.size() - 3 : 0; i < part.size(); ++i)
      before.push_back({{"id", part[i]->id}, {"text", part[i]->source}, {"translation", done[part[i]->id]}});
  }
  for (const auto& l : lines) translation.lines.push_back({l.id, l.character, l.source, done[l.id]});
  translation.glossary = GlossaryUsed(glossary, bible, lines);
  return translation;
}

}  // namespace rw
