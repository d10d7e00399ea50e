#include "story/llm_writer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "base/text.h"
#include "schema/yaml_io.h"
#include "story/fountain.h"
#include "story/writer.h"

namespace rw {

namespace {

using nlohmann::json;

// ---- JSON Schema pieces (strict-mode shaped: every property required, no extra properties) ----

json Str(const std::string& description = {}) {
  json j = {{"type", "string"}};
  if (!description.empty()) j["description"] = description;
  return j;
}
json Int(const std::string& description = {}) {
  json j = {{"type", "integer"}};
  if (!description.empty()) j["description"] = description;
  return j;
}
json Num(const std::string& description = {}) {
  json j = {{"type", "number"}};
  if (!description.empty()) j["description"] = description;
  return j;
}
json Bool(const std::string& description = {}) {
  json j = {{"type", "boolean"}};
  if (!description.empty()) j["description"] = description;
  return j;
}
json Enum(const std::vector<std::string>& values, const std::string& description = {}) {
  json j = {{"type", "string"}, {"enum", values}};
  if (!description.empty()) j["description"] = description;
  return j;
}
json Arr(json items, const std::string& description = {}) {
  json j = {{"type", "array"}, {"items", std::move(items)}};
  if (!description.empty()) j["description"] = description;
  return j;
}
json Obj(const std::vector<std::pair<std::string, json>>& properties) {
  json props = json::object();
  json required = json::array();
  for (const auto& [name, schema] : properties) {
    props[name] = schema;
    required.push_back(name);
  }
  return {{"type", "object"}, {"properties", props}, {"required", required}, {"additionalProperties", false}};
}

const std::vector<std::string> kGenders = {"female", "male"};
const std::vector<std::string> kTimes = {"DAY", "NIGHT", "DUSK", "DAWN"};
const std::vector<std::string> kKinds = {"office", "street",     "hall", "home",   "hospital",
                                         "rooftop", "restaurant", "car",  "garden", "bedroom"};
const std::vector<std::string> kHooks = {"decision", "crisis", "information", "emotion"};
const std::vector<std::string> kFemaleVariants = {"f1", "f2", "f3", "f4", "f5"};
const std::vector<std::string> kMaleVariants = {"m1", "m2", "m3", "m4", "m5", "m6", "m7"};

std::vector<std::string> BeatFunctionNames() {
  std::vector<std::string> out;
  for (const auto& [value, name] : EnumNames<BeatFunction>::kNames) out.emplace_back(name);
  return out;
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

std::string TwoDigits(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d", n);
  return buf;
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

double Round2(double v) { return std::round(v * 100) / 100; }

bool IsHexColour(const std::string& s) {
  if (s.size() != 7 || s[0] != '#') return false;
  for (size_t i = 1; i < 7; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

// A name that reads back as a Fountain character cue: no parentheses, '^', '@', ':' or '#'.
bool IsCueSafe(const std::string& name) {
  return !Trim(name).empty() && name.find_first_of("()^@:#\n\r\t[]*_~") == std::string::npos;
}

bool IsEmptyText(const json& j) { return !j.is_string() || Trim(j.get<std::string>()).empty(); }

// ---- language ----

struct Lang {
  bool zh = false;
  const char* operator()(const char* en, const char* zh_text) const { return zh ? zh_text : en; }
};

std::string SatisfactionTypes(const Lang& t) {
  return t("face-slap, identity reveal, villain exposed, status flip, comeback, rescue, confession, revenge paid",
           "打脸、身份揭晓、恶人伏法、反转、逆袭、英雄救美、表白、复仇得报");
}

std::string SystemPrompt(const Settings& s) {
  Lang t{s.lang == "zh"};
  const RhythmSettings& r = s.rhythm;
  std::string n = std::to_string(s.episodes), p = std::to_string(s.paywall_episode);
  std::string out;
  if (t.zh) {
    out = "你是一部竖屏短剧（9:16）的主笔编剧：共" + n + "集，每集" + Number(r.min_episode_s) + "–" + Number(r.max_episode_s) +
          "秒（目标约" + Number(r.target_episode_s) + "秒）。类型：" + s.genre +
          "。观众在手机上观看，三秒抓不住就会划走，每一秒都要为下一秒服务。\n\n创作规则：\n"
          "- 开场" + Number(r.hook_by_s) + "秒内必须有钩子。钩子类型由强到弱：decision（角色此刻必须做出抉择）、crisis（危机或羞辱正在发生）、"
          "information（抛出惊人信息）、emotion（情绪在顶点爆发）。不要平淡开场。\n"
          "- " + Number(r.conflict_by_s) + "秒前核心冲突上场，" + Number(r.climax_by_s) + "秒前到达高潮，最后" +
          Number(r.cliffhanger_window_s) + "秒是悬念结尾（卡点），停在一个悬而未决的问题上，绝不解决。\n"
          "- 每分钟至少两个新的剧情点；约每30–40秒一次情绪高峰；每集一条主线、一到两场戏、场景要少。\n"
          "- 爽点约每20–30秒一个：" + SatisfactionTypes(t) + "。\n";
    if (s.paywall_episode <= s.episodes)
      out += "- 第" + p + "集是付费卡点集：以全季最强的悬念结尾，谜底在之后一到两集揭晓。\n";
    out += "- 每个角色有固定编号（C01、C02…）、固定的声音和固定的视觉标识（外观标签与配色），始终不变。\n"
           "- 套路容易雷同：每集的开场、反转和结尾要有意变化。\n"
           "所有文字内容用地道的简体中文原创书写，不要翻译腔；人名用中文姓名。JSON 的键名和枚举值（如 hook、decision、female、NIGHT）"
           "保持 schema 中的英文原样。只回复一个 JSON 对象。";
  } else {
    out = "You are the head writer of a vertical micro-short drama series (9:16, 竖屏短剧): " + n + " episodes of " +
          Number(r.min_episode_s) + "–" + Number(r.max_episode_s) + " seconds each (aim for about " +
          Number(r.target_episode_s) + " s). Genre: " + s.genre +
          ". The audience watches on a phone and swipes away within three seconds, so every second earns the next.\n\n"
          "Craft rules:\n"
          "- Hook inside the first " + Number(r.hook_by_s) + " s. Hook types, strongest first: decision (a character must choose "
          "now), crisis (danger or humiliation already happening), information (a shocking fact revealed), emotion (raw "
          "feeling at its peak). No calm openings.\n"
          "- The central conflict is on screen by " + Number(r.conflict_by_s) + " s, the climax lands by " +
          Number(r.climax_by_s) + " s, and the last " + Number(r.cliffhanger_window_s) +
          " s hold a cliffhanger that stops on an open question, never a resolution.\n"
          "- At least two new plot beats a minute; an emotional spike about every 30–40 s; one plot line, one or two "
          "scenes, few locations per episode.\n"
          "- Satisfaction points (爽点), about one every 20–30 s: " + SatisfactionTypes(t) + ".\n";
    if (s.paywall_episode <= s.episodes)
      out += "- Episode " + p + " is the paywall episode: it ends on the season's strongest cliffhanger, and its reveal "
             "lands one or two episodes later.\n";
    out += "- Every character keeps a stable id (C01, C02…), a voice, and a visual tell (look tokens and a palette) that "
           "never changes.\n"
           "- Formula breeds sameness: vary openings, reversals and cliffhangers from episode to episode.\n"
           "Write every text value in natural, idiomatic English. Keep JSON keys and enum values exactly as the schema "
           "gives them. Reply with one JSON object only.";
  }
  return out;
}

// What later stages need to know of the bible (no voices: the writer does not need them).
std::string BibleBrief(const Bible& bible) {
  Json j = Json::object();
  j["title"] = bible.title;
  j["logline"] = bible.logline;
  j["style"] = bible.style;
  j["characters"] = Json::array();
  for (const auto& c : bible.characters)
    j["characters"].push_back({{"id", c.id}, {"name", c.name}, {"role", c.role}, {"gender", c.gender}, {"age", c.age},
                               {"want", c.want}, {"secret", c.secret}, {"arc", c.arc}, {"look", c.look}});
  j["locations"] = Json::array();
  for (const auto& l : bible.locations)
    j["locations"].push_back({{"id", l.id}, {"heading", l.Heading()}, {"kind", l.kind}, {"look", l.look}});
  return j.dump(1, ' ', false, Json::error_handler_t::replace);
}

// Runs ParseYaml<T> over a model reply (with its `schema:` line added when T has one).
template <class T>
Result<T> ParseReply(json reply, const std::string& what) {
  if constexpr (requires { T::kSchema; }) reply["schema"] = T::kSchema;
  auto parsed = ParseYaml<T>(reply.dump(-1, ' ', false, json::error_handler_t::replace), what);
  if (!parsed.ok()) return BadInput(what, parsed.error().message);
  return parsed;
}

Error Problem(const std::string& what, const std::string& message) { return BadInput(what, message); }

// The validator AskJson runs: the stage's whole reading of the reply, keeping only the message.
template <class F>
ChatClient::Validator ValidatorOf(F read) {
  return [read](const json& reply) -> std::string {
    auto result = read(reply);
    return result.ok() ? std::string() : result.error().message;
  };
}

// ---- bible ----

int RolePitch(const std::string& role) {
  if (role == "protagonist") return 55;
  if (role == "antagonist") return 34;
  if (role == "ally") return 63;
  if (role == "rival") return 70;
  return 50;
}

int RoleRate(const std::string& role) {
  if (role == "protagonist") return 166;
  if (role == "antagonist") return 155;
  if (role == "ally") return 178;
  if (role == "rival") return 172;
  return 165;
}

// Fills the voice fields the model left empty, deterministically (see the header comment).
void FillVoices(json& bible, const std::string& lang) {
  if (!bible.contains("characters") || !bible["characters"].is_array()) return;
  const bool zh = lang == "zh";
  auto text = [](const json& j) { return j.is_string() ? Trim(j.get<std::string>()) : std::string(); };
  std::set<std::string> taken_variants;
  for (auto& c : bible["characters"])
    if (c.is_object() && c.contains("voice") && c["voice"].is_object() && c["voice"].contains("variant"))
      taken_variants.insert(text(c["voice"]["variant"]));
  std::set<std::tuple<std::string, std::string, int>> used;
  for (auto& c : bible["characters"]) {
    if (!c.is_object()) continue;
    if (!c.contains("voice") || !c["voice"].is_object()) c["voice"] = json::object();
    json& v = c["voice"];
    if (text(v.value("engine", json())).empty()) v["engine"] = "espeak";
    if (text(v["engine"]) != "espeak") continue;  // another engine's voices are the voice stage's business
    std::string voice = text(v.value("voice", json()));
    bool voice_fits = zh ? (StartsWith(voice, "cmn") || StartsWith(voice, "yue") || StartsWith(voice, "zh"))
                         : StartsWith(voice, "en");
    if (!voice_fits) v["voice"] = zh ? "cmn" : "en-us";
    std::string gender = text(c.value("gender", json()));
    const auto& variants = gender == "male" ? kMaleVariants : kFemaleVariants;
    std::string variant = text(v.value("variant", json()));
    if (!Contains(kFemaleVariants, variant) && !Contains(kMaleVariants, variant)) {
      variant.clear();
      for (const auto& candidate : variants)
        if (!taken_variants.count(candidate)) {
          variant = candidate;
          break;
        }
      if (variant.empty()) variant = variants.front();
      taken_variants.insert(variant);
      v["variant"] = variant;
    }
    std::string role = text(c.value("role", json()));
    // A number the model gave is kept (rounded: the fields are whole numbers); 0 or none means "choose".
    auto whole = [&v](const char* key, int fallback) {
      const json value = v.value(key, json());
      if (!value.is_number() || value.get<double>() == 0) v[key] = fallback;
      else v[key] = static_cast<int>(std::lround(value.get<double>()));
    };
    whole("pitch", RolePitch(role));
    whole("rate", RoleRate(role));
    int pitch = std::clamp(v["pitch"].get<int>(), 0, 100);
    while (!used.insert({text(v["voice"]), variant, pitch}).second) pitch = (pitch + 7) % 101;
    v["pitch"] = pitch;
  }
}

Result<Bible> ReadBible(const Settings& settings, json reply) {
  const std::string what = "bible";
  if (!Trim(settings.title).empty()) reply["title"] = Trim(settings.title);
  reply["genre"] = settings.genre;
  reply["lang"] = settings.lang;
  FillVoices(reply, settings.lang);
  RW_ASSIGN(Bible bible, ParseReply<Bible>(reply, what));
  if (Trim(bible.title).empty()) return Problem(what, "title: empty; give the series a title");
  if (Trim(bible.logline).empty()) return Problem(what, "logline: empty; write one sentence");
  if (bible.style.size() < 2) return Problem(what, "style: give 3–6 series style tokens");
  if (bible.characters.size() < 3)
    return Problem(what, "characters: the bible needs at least 3 characters (C01 protagonist, C02 antagonist, C03…); got " +
                             std::to_string(bible.characters.size()));
  std::set<std::string> names;
  for (size_t i = 0; i < bible.characters.size(); ++i) {
    const Character& c = bible.characters[i];
    std::string field = "characters[" + std::to_string(i) + "]";
    std::string want_id = "C" + TwoDigits(static_cast<int>(i) + 1);
    if (c.id != want_id) return Problem(what, field + ".id: '" + c.id + "' should be '" + want_id + "'; ids are C01, C02… in order");
    if (!IsCueSafe(c.name))
      return Problem(what, field + ".name: '" + c.name + "' must be a plain name (no brackets or ^ @ : # * _ ~)");
    if (!names.insert(ToUpperAscii(Trim(c.name))).second)
      return Problem(what, field + ".name: '" + c.name + "' is used twice; every character needs a distinct name");
    if (!Contains(kGenders, c.gender)) return Problem(what, field + ".gender: '" + c.gender + "' is not one of: female, male");
    if (Trim(c.role).empty()) return Problem(what, field + ".role: empty");
    if (c.look.size() < 2) return Problem(what, field + ".look: give 3–5 concrete visual tokens");
    for (const auto& token : c.look)
      if (Trim(token).empty()) return Problem(what, field + ".look: an empty token");
    if (c.palette.empty() || c.palette.size() > 3) return Problem(what, field + ".palette: give 2–3 colours \"#RRGGBB\"");
    for (const auto& colour : c.palette)
      if (!IsHexColour(colour)) return Problem(what, field + ".palette: '" + colour + "' is not a #RRGGBB colour");
    if (Trim(c.voice.voice).empty()) return Problem(what, field + ".voice.voice: empty");
    if (c.voice.pitch < 0 || c.voice.pitch > 100) return Problem(what, field + ".voice.pitch: must be 0–100");
    if (c.voice.rate < 80 || c.voice.rate > 450) return Problem(what, field + ".voice.rate: must be 80–450 words per minute");
  }
  if (bible.locations.empty()) return Problem(what, "locations: give 2–4 locations (L01…)");
  for (size_t i = 0; i < bible.locations.size(); ++i) {
    const Location& l = bible.locations[i];
    std::string field = "locations[" + std::to_string(i) + "]";
    std::string want_id = "L" + TwoDigits(static_cast<int>(i) + 1);
    if (l.id != want_id) return Problem(what, field + ".id: '" + l.id + "' should be '" + want_id + "'; ids are L01, L02… in order");
    if (Trim(l.name).empty() || l.name.find_first_of("\n\r") != std::string::npos)
      return Problem(what, field + ".name: give the name as in a scene heading, on one line");
    if (!Contains(kTimes, l.time)) return Problem(what, field + ".time: '" + l.time + "' is not one of: " + Join(kTimes, ", "));
    if (!Contains(kKinds, l.kind)) return Problem(what, field + ".kind: '" + l.kind + "' is not one of: " + Join(kKinds, ", "));
    for (const auto& colour : l.palette)
      if (!IsHexColour(colour)) return Problem(what, field + ".palette: '" + colour + "' is not a #RRGGBB colour");
  }
  return bible;
}

std::string BiblePrompt(const Settings& s) {
  Lang t{s.lang == "zh"};
  std::string title = Trim(s.title);
  std::string out;
  if (t.zh) {
    out = "创作者的构想：" + s.idea + "\n" +
          (title.empty() ? std::string("请起一个短而抓人的剧名。") : "剧名：《" + title + "》（照用）。") +
          "\n\n写出这部剧的人物与世界设定（bible）：\n"
          "- logline：一句话：谁想要什么、与谁为敌、代价是什么。\n"
          "- style：3–6个全剧统一的视觉风格标签（光线、镜头、调色、质感），如“高反差夜景打光”“浅景深特写”。\n"
          "- characters：3–5人。C01是主角，C02是反派，其后是盟友或对手（C03、C04…）。每人写：name（中文姓名，互不相同）、"
          "role（protagonist、antagonist、ally、rival 等英文词）、gender（female 或 male）、age、want（想要什么）、"
          "secret（秘密）、arc（整季的转变）。\n"
          "  look：3–5个画师能画出来、每个镜头都不变的具体外观标签（发型、标志性服装、一件道具或记号），如“银色短发”“红色风衣”。\n"
          "  palette：2–3个颜色 \"#RRGGBB\"，主色在前，与其他角色区分开。\n"
          "  voice：engine 写 \"espeak\"，voice 写 \"cmn\"；variant 女性用 f1–f5、男性用 m1–m7，每人不同；pitch 0–100"
          "（阴狠或年长偏低，年轻偏高）；rate 每分钟140–190词。也可以把 voice 和 variant 写成 \"\"、pitch 和 rate 写 0，由 Reelwright 选择。\n"
          "- locations：2–4个，编号 L01、L02…：name 是场景标题里的地点名（如“总裁办公室”），interior（true/false），"
          "time（DAY、NIGHT、DUSK 或 DAWN），kind（office、street、hall、home、hospital、rooftop、restaurant、car、garden、"
          "bedroom 之一：分镜画师用的背景），look 外观标签和 2–3 个 \"#RRGGBB\" 的 palette。\n"
          "genre 写 \"" + s.genre + "\"，lang 写 \"zh\"。";
  } else {
    out = "The creator's idea: " + s.idea + "\n" +
          (title.empty() ? std::string("Invent a short, punchy series title.") : "Title: \"" + title + "\" (use it exactly).") +
          "\n\nWrite the series bible:\n"
          "- logline: one sentence: who wants what, against whom, and what it costs.\n"
          "- style: 3–6 visual style tokens locked for the whole series (lighting, lens, colour grade, texture), e.g. "
          "\"high-contrast night lighting\", \"shallow depth of field\".\n"
          "- characters: 3–5. C01 is the protagonist, C02 the antagonist, then allies or rivals (C03, C04…). For each: "
          "name (a given name and surname; all names distinct), role (protagonist, antagonist, ally, rival…), gender "
          "(female or male), age, want, secret, arc (how they change over the season).\n"
          "  look: 3–5 concrete visual tokens a painter can draw and that stay the same in every shot (hair, signature "
          "garment, one prop or mark), e.g. \"silver bob haircut\", \"red trench coat\".\n"
          "  palette: 2–3 colours \"#RRGGBB\", main colour first, distinct from the other characters'.\n"
          "  voice: engine \"espeak\", voice \"en-us\"; variant one of f1–f5 (female) or m1–m7 (male), a different one per "
          "character; pitch 0–100 (lower for menace or age, higher for youth); rate 140–190 words per minute. Or leave "
          "voice and variant \"\" and pitch and rate 0, and Reelwright picks them.\n"
          "- locations: 2–4, ids L01, L02…: name as written in a scene heading, in capitals (e.g. \"PENTHOUSE OFFICE\"), "
          "interior (true/false), time (DAY, NIGHT, DUSK or DAWN), kind (one of office, street, hall, home, hospital, "
          "rooftop, restaurant, car, garden, bedroom: the backdrop the storyboard painter uses), look tokens, and a "
          "palette of 2–3 \"#RRGGBB\".\n"
          "genre is \"" + s.genre + "\", lang is \"en\".";
  }
  return out;
}

// ---- arc ----

Result<Arc> ReadArc(const Settings& settings, const json& reply) {
  const std::string what = "arc";
  RW_ASSIGN(Arc arc, ParseReply<Arc>(reply, what));
  if (static_cast<int>(arc.episodes.size()) != settings.episodes)
    return Problem(what, "episodes: expected exactly " + std::to_string(settings.episodes) + " entries numbered 1 to " +
                             std::to_string(settings.episodes) + ", got " + std::to_string(arc.episodes.size()));
  for (size_t i = 0; i < arc.episodes.size(); ++i) {
    ArcEpisode& e = arc.episodes[i];
    std::string field = "episodes[" + std::to_string(i) + "]";
    if (Trim(e.title).empty()) return Problem(what, field + ".title: empty");
    if (Trim(e.turn).empty()) return Problem(what, field + ".turn: empty; say what changes in this episode");
    if (Trim(e.satisfaction).empty()) return Problem(what, field + ".satisfaction: empty; name the satisfaction point it pays");
    if (Trim(e.cliffhanger).empty()) return Problem(what, field + ".cliffhanger: empty; every episode ends on a question");
    if (!Contains(kHooks, e.hook)) return Problem(what, field + ".hook: '" + e.hook + "' is not one of: " + Join(kHooks, ", "));
    e.paywall = e.number == settings.paywall_episode;
  }
  return arc;
}

std::string ArcPrompt(const Settings& s, const Bible& bible) {
  Lang t{s.lang == "zh"};
  std::string n = std::to_string(s.episodes);
  std::string p = std::to_string(s.paywall_episode);
  bool has_paywall = s.paywall_episode <= s.episodes;
  std::string out;
  if (t.zh) {
    out = "剧集设定：\n" + BibleBrief(bible) + "\n\n规划整季：正好" + n + "集，编号1到" + n + "。每集写：\n"
          "- title：几个字的集名。\n"
          "- turn：这一集改变了什么，一句话（每集剧情都必须推进）。\n"
          "- satisfaction：这一集兑现的爽点，从这些里选：" + SatisfactionTypes(t) + "。要有变化，越到后面越强。\n"
          "- hook：开场钩子类型，decision、crisis、information、emotion 之一（越靠前越强，要有变化）。\n"
          "- cliffhanger：结尾停在的悬念问题；下一集开场几秒内就接上它。\n";
    out += has_paywall ? "- paywall：只有第" + p + "集为 true（全季最强的悬念，谜底在第" + std::to_string(s.paywall_episode + 1) +
                             "或" + std::to_string(s.paywall_episode + 2) + "集揭晓），其余都为 false。\n"
                       : std::string("- paywall：全部为 false（本季短于付费集）。\n");
    out += "第1集从点燃一切的不公开场；最后一集兑现主线，可以留一条线给第二季。";
  } else {
    out = "Series bible:\n" + BibleBrief(bible) + "\n\nPlan the season: exactly " + n + " episodes, numbered 1 to " + n +
          ". For each:\n"
          "- title: a few words.\n"
          "- turn: what changes in this episode, in one sentence (the plot moves every episode).\n"
          "- satisfaction: the satisfaction point it pays, one of: " + SatisfactionTypes(t) +
          ". Vary them and escalate toward the finale.\n"
          "- hook: the opening hook type, one of decision, crisis, information, emotion (prefer the stronger; vary them).\n"
          "- cliffhanger: the open question the episode ends on; the next episode picks it up in its first seconds.\n";
    out += has_paywall ? "- paywall: true only for episode " + p + " (the season's strongest cliffhanger; its reveal lands in episode " +
                             std::to_string(s.paywall_episode + 1) + " or " + std::to_string(s.paywall_episode + 2) +
                             "); false for every other episode.\n"
                       : std::string("- paywall: false for every episode (the season is shorter than the paywall episode).\n");
    out += "Episode 1 opens on the injustice that starts everything; the last episode pays off the main line and may leave "
           "one thread open for a second season.";
  }
  return out;
}

// ---- beats ----

Result<Beats> ReadBeats(const Settings& settings, const Bible& bible, const Arc& arc, int episode, json reply) {
  const std::string what = "beats";
  const RhythmSettings& r = settings.rhythm;
  reply["episode"] = episode;
  if (IsEmptyText(reply.value("title", json())) && episode >= 1 && episode <= static_cast<int>(arc.episodes.size()))
    reply["title"] = arc.episodes[static_cast<size_t>(episode - 1)].title;
  // Ids by position; start times from the estimates (the first beat starts at 0).
  if (reply.contains("beats") && reply["beats"].is_array()) {
    double start = 0;
    int index = 0;
    for (auto& beat : reply["beats"]) {
      if (!beat.is_object()) continue;
      beat["id"] = "B" + TwoDigits(++index);
      beat["target_s"] = Round2(start);
      if (beat.contains("estimate_s") && beat["estimate_s"].is_number()) start += beat["estimate_s"].get<double>();
    }
  }
  RW_ASSIGN(Beats beats, ParseReply<Beats>(reply, what));
  const auto& list = beats.beats;
  if (list.size() < 4) return Problem(what, "beats: an episode needs at least 4 beats (hook … cliffhanger); got " + std::to_string(list.size()));
  if (list.front().function != BeatFunction::kHook)
    return Problem(what, "beats[0].function: the first beat must be a hook (it starts at 0 s), not " +
                             std::string(EnumName(list.front().function)));
  if (list.back().function != BeatFunction::kCliffhanger)
    return Problem(what, "beats[" + std::to_string(list.size() - 1) + "].function: the last beat must be a cliffhanger, not " +
                             std::string(EnumName(list.back().function)));
  bool conflict = false, climax = false, satisfaction = false;
  double total = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const Beat& b = list[i];
    std::string field = "beats[" + std::to_string(i) + "]";
    conflict |= b.function == BeatFunction::kConflict;
    climax |= b.function == BeatFunction::kClimax;
    satisfaction |= !Trim(b.satisfaction).empty();
    if (b.estimate_s <= 0) return Problem(what, field + ".estimate_s: must be more than 0 seconds");
    total += b.estimate_s;
    if (!bible.FindLocation(b.location)) {
      std::vector<std::string> ids;
      for (const auto& l : bible.locations) ids.push_back(l.id);
      return Problem(what, field + ".location: '" + b.location + "' is not a bible location; use one of: " + Join(ids, ", "));
    }
    for (const auto& id : b.cast)
      if (!bible.FindCharacter(id)) {
        std::vector<std::string> ids;
        for (const auto& c : bible.characters) ids.push_back(c.id);
        return Problem(what, field + ".cast: '" + id + "' is not a bible character id; use ids from: " + Join(ids, ", "));
      }
    if (Trim(b.summary).empty()) return Problem(what, field + ".summary: empty; say what happens on screen");
  }
  if (!conflict) return Problem(what, "beats: no conflict beat; the central conflict must be on screen by " + Number(r.conflict_by_s) + " s");
  if (!climax) return Problem(what, "beats: no climax beat; the climax must land by " + Number(r.climax_by_s) + " s");
  if (!satisfaction) return Problem(what, "beats: no beat pays a satisfaction point; set satisfaction on the beat that pays it");
  if (total < r.min_episode_s - 1e-9 || total > r.max_episode_s + 1e-9)
    return Problem(what, "beats: the estimate_s values add up to " + Number(Round2(total)) + " s; the episode must run " +
                             Number(r.min_episode_s) + "–" + Number(r.max_episode_s) + " s (aim for " +
                             Number(r.target_episode_s) + ")");
  if (list.back().estimate_s > r.cliffhanger_window_s + 1e-9)
    return Problem(what, "beats[" + std::to_string(list.size() - 1) + "].estimate_s: the cliffhanger runs " +
                             Number(list.back().estimate_s) + " s; it must fit in the last " +
                             Number(r.cliffhanger_window_s) + " s");
  return beats;
}

std::string BeatsPrompt(const Settings& s, const Bible& bible, const Arc& arc, int episode) {
  Lang t{s.lang == "zh"};
  const RhythmSettings& r = s.rhythm;
  const ArcEpisode& e = arc.episodes[static_cast<size_t>(episode - 1)];
  Json entry = ToJson(e);
  std::string previous = episode > 1 ? arc.episodes[static_cast<size_t>(episode - 2)].cliffhanger : std::string();
  std::string ep = std::to_string(episode);
  std::string functions = Join(BeatFunctionNames(), ", ");
  std::string out;
  if (t.zh) {
    out = "剧集设定：\n" + BibleBrief(bible) + "\n\n第" + ep + "集的规划：\n" + entry.dump(1, ' ', false, Json::error_handler_t::replace) + "\n";
    if (!previous.empty()) out += "上一集停在：" + previous + "——本集开场几秒内接上它。\n";
    if (e.paywall) out += "本集是付费卡点集：结尾必须是全季最强的悬念。\n";
    out += "\n写出第" + ep + "集的节拍表（beats），5–9个节拍，按时间顺序：\n"
           "- function：" + functions + " 之一。第一个节拍是 hook（从0秒开始，" + Number(r.hook_by_s) + "秒内抓住观众，钩子类型用“" + e.hook +
           "”）；" + Number(r.conflict_by_s) + "秒前有一个 conflict 节拍开始；" + Number(r.climax_by_s) +
           "秒前有一个 climax 节拍开始；最后一个是 cliffhanger，estimate_s 不超过" + Number(r.cliffhanger_window_s) + "秒，停在：" +
           e.cliffhanger + "\n"
           "- estimate_s：这个节拍在屏幕上的秒数。全部相加在" + Number(r.min_episode_s) + "–" + Number(r.max_episode_s) +
           "秒之间，接近" + Number(r.target_episode_s) + "秒。\n"
           "- target_s：节拍开始的秒数（前面各节拍 estimate_s 之和）。id 写 B01、B02…\n"
           "- emotion：valence（-1 绝望 … +1 胜利）和 arousal（0 平静 … 1 激烈）；约每30–40秒一次高峰。\n"
           "- cast：出场角色的编号（C01…）；location：地点编号（L01…），一集只用一到两个地点。\n"
           "- summary：一句话写屏幕上发生了什么（具体动作和台词走向，不写空话）。cliffhanger 的 summary 就是全集最后一个画面。\n"
           "- satisfaction：这个节拍兑现的爽点（" + SatisfactionTypes(t) + "），没有则写 \"\"。本集的“" + e.satisfaction +
           "”至少兑现一次。\n"
           "episode 写 " + ep + "，title 写本集集名。";
  } else {
    out = "Series bible:\n" + BibleBrief(bible) + "\n\nThe plan for episode " + ep + ":\n" +
          entry.dump(1, ' ', false, Json::error_handler_t::replace) + "\n";
    if (!previous.empty()) out += "The previous episode ended on: " + previous + " — pick it up within the first seconds.\n";
    if (e.paywall) out += "This is the paywall episode: it must end on the season's strongest cliffhanger.\n";
    out += "\nWrite the beat sheet of episode " + ep + ": 5–9 beats in time order.\n"
           "- function: one of " + functions + ". The first beat is the hook (starts at 0 s, grabs the viewer inside " +
           Number(r.hook_by_s) + " s, hook type \"" + e.hook + "\"); a conflict beat starts by " + Number(r.conflict_by_s) +
           " s; a climax beat starts by " + Number(r.climax_by_s) + " s; the last beat is the cliffhanger, estimate_s at most " +
           Number(r.cliffhanger_window_s) + " s, stopping on: " + e.cliffhanger + "\n"
           "- estimate_s: the beat's screen time in seconds. They add up to " + Number(r.min_episode_s) + "–" +
           Number(r.max_episode_s) + " s, close to " + Number(r.target_episode_s) + " s.\n"
           "- target_s: when the beat starts (the sum of the earlier estimates). ids are B01, B02…\n"
           "- emotion: valence (-1 despair … +1 triumph) and arousal (0 calm … 1 frantic); a spike every 30–40 s.\n"
           "- cast: the ids (C01…) of the characters on screen; location: a location id (L01…); one or two locations per episode.\n"
           "- summary: one sentence of what happens on screen (concrete action and where the talk goes). The cliffhanger's "
           "summary is the episode's final image.\n"
           "- satisfaction: the satisfaction point paid in this beat (" + SatisfactionTypes(t) + "), or \"\". Pay this episode's \"" +
           e.satisfaction + "\" at least once.\n"
           "episode is " + ep + "; title is the episode's title.";
  }
  return out;
}

// ---- script ----

struct ScriptLineReply {
  std::string type;
  std::string character;
  std::string parenthetical;
  std::string text;
  template <class V> void Fields(V& v) {
    v.Required("type", type); v("character", character); v("parenthetical", parenthetical); v.Required("text", text);
  }
};

struct ScriptSceneReply {
  std::string heading;
  std::string beat;
  std::vector<ScriptLineReply> elements;
  template <class V> void Fields(V& v) { v.Required("heading", heading); v.Required("beat", beat); v.Required("elements", elements); }
};

struct ScriptReply {
  std::vector<ScriptSceneReply> scenes;
  template <class V> void Fields(V& v) { v.Required("scenes", scenes); }
};

const Location* FindLocationForHeading(const Bible& bible, const std::string& heading) {
  std::string want = ToUpperAscii(Trim(heading));
  for (const auto& l : bible.locations)
    if (want == ToUpperAscii(l.Heading()) || want == ToUpperAscii(l.id) || want == ToUpperAscii(Trim(l.name))) return &l;
  // "INT. NAME - TIME" with another time or prefix: match the name inside it.
  for (const auto& l : bible.locations) {
    std::string name = ToUpperAscii(Trim(l.name));
    if (!name.empty() && (StartsWith(want, "INT. " + name) || StartsWith(want, "EXT. " + name) ||
                          StartsWith(want, "INT/EXT. " + name) || StartsWith(want, "I/E. " + name)))
      return &l;
  }
  return nullptr;
}

const Character* FindSpeaker(const Bible& bible, const std::string& who) {
  std::string name = Trim(who);
  if (const Character* c = bible.FindCharacter(name)) return c;
  if (const Character* c = bible.FindCharacter(ToUpperAscii(name))) return c;
  return bible.FindCharacterByName(name);
}

std::string StripParentheses(std::string text) {
  text = Trim(text);
  if (text.size() >= 2 && text.front() == '(' && text.back() == ')') text = Trim(text.substr(1, text.size() - 2));
  if (StartsWith(text, "（") && text.size() >= 6 && text.compare(text.size() - 3, 3, "）") == 0)
    text = Trim(text.substr(3, text.size() - 6));
  return text;
}

// Paragraphs of a text: split at blank lines, lines trimmed, empty paragraphs dropped.
std::vector<std::string> Paragraphs(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  for (const auto& raw : Split(ReplaceAll(text, "\r", ""), '\n')) {
    std::string line = Trim(raw);
    if (line.empty()) {
      if (!current.empty()) out.push_back(current);
      current.clear();
      continue;
    }
    current += (current.empty() ? "" : "\n") + line;
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

Result<std::string> ReadScript(const Settings& settings, const Bible& bible, const Beats& beats, const std::string& model,
                               const json& reply) {
  const std::string what = "script";
  RW_ASSIGN(ScriptReply script, ParseReply<ScriptReply>(reply, what));
  if (script.scenes.empty()) return Problem(what, "scenes: empty; write the episode");
  std::map<std::string, size_t> beat_index;
  for (size_t i = 0; i < beats.beats.size(); ++i) beat_index[beats.beats[i].id] = i;
  std::vector<std::string> headings;
  for (const auto& l : bible.locations) headings.push_back(l.Heading());

  const bool zh = settings.lang == "zh";
  Screenplay play;
  play.title_page.emplace_back("Title", bible.title + (zh ? " 第" + std::to_string(beats.episode) + "集"
                                                        : " — Episode " + std::to_string(beats.episode)));
  play.title_page.emplace_back("Credit", zh ? "编剧" : "Written by");
  play.title_page.emplace_back("Author", "Reelwright (LLM writer" + (model.empty() ? std::string() : ", " + model) + ")");
  auto add = [&](ScriptElementKind kind, std::string text) {
    ScriptElement e;
    e.kind = kind;
    e.text = std::move(text);
    if (kind == ScriptElementKind::kSection) e.section_depth = 1;
    play.elements.push_back(std::move(e));
  };

  size_t next_beat = 0;  // beats seen so far, in order
  std::string current_beat;
  const Location* current_place = nullptr;
  for (size_t i = 0; i < script.scenes.size(); ++i) {
    const ScriptSceneReply& scene = script.scenes[i];
    std::string field = "scenes[" + std::to_string(i) + "]";
    std::string beat_id = Trim(scene.beat);
    auto it = beat_index.find(beat_id);
    if (it == beat_index.end())
      return Problem(what, field + ".beat: '" + scene.beat + "' is not a beat of this episode (B01…B" +
                               TwoDigits(static_cast<int>(beats.beats.size())) + ")");
    if (beat_id != current_beat) {
      if (it->second != next_beat)
        return Problem(what, field + ".beat: " + beat_id + " comes out of order; scenes follow the beats in order, B" +
                                 TwoDigits(static_cast<int>(next_beat) + 1) + " is next");
      const Beat& beat = beats.beats[it->second];
      add(ScriptElementKind::kSection, beat.id + " " + EnumName(beat.function));
      if (!beat.summary.empty() && beat.function != BeatFunction::kCliffhanger) add(ScriptElementKind::kSynopsis, beat.summary);
      current_beat = beat_id;
      ++next_beat;
    }
    const Location* place = FindLocationForHeading(bible, scene.heading);
    if (!place)
      return Problem(what, field + ".heading: '" + scene.heading + "' is not a bible location; use one of: " + Join(headings, " | "));
    if (place != current_place) {
      add(ScriptElementKind::kSceneHeading, place->Heading());
      current_place = place;
    }
    if (scene.elements.empty()) return Problem(what, field + ".elements: empty; every scene needs action or dialogue");
    for (size_t k = 0; k < scene.elements.size(); ++k) {
      const ScriptLineReply& line = scene.elements[k];
      std::string efield = field + ".elements[" + std::to_string(k) + "]";
      auto paragraphs = Paragraphs(line.text);
      if (paragraphs.empty()) return Problem(what, efield + ".text: empty");
      if (line.type == "action") {
        for (auto& p : paragraphs) add(ScriptElementKind::kAction, p);
      } else if (line.type == "dialogue") {
        const Character* who = FindSpeaker(bible, line.character);
        if (!who) {
          std::vector<std::string> cast;
          for (const auto& c : bible.characters) cast.push_back(c.id + " " + c.name);
          return Problem(what, efield + ".character: '" + line.character +
                                   "' is not a bible character; speakers are: " + Join(cast, ", "));
        }
        std::string parenthetical = StripParentheses(line.parenthetical);
        if (parenthetical.find('\n') != std::string::npos) return Problem(what, efield + ".parenthetical: keep it on one line");
        add(ScriptElementKind::kCharacter, CueName(*who));
        if (!parenthetical.empty()) add(ScriptElementKind::kParenthetical, parenthetical);
        std::string spoken;
        for (const auto& p : paragraphs) spoken += (spoken.empty() ? "" : "\n") + p;
        add(ScriptElementKind::kDialogue, spoken);
      } else {
        return Problem(what, efield + ".type: '" + line.type + "' is not one of: action, dialogue");
      }
    }
  }
  if (next_beat != beats.beats.size())
    return Problem(what, "scenes: beats " + beats.beats[next_beat].id + "…" + beats.beats.back().id +
                             " have no scenes; write every beat, in order");
  return WriteFountain(play);
}

std::string ScriptPrompt(const Settings& s, const Bible& bible, const Beats& beats) {
  Lang t{s.lang == "zh"};
  Json sheet = Json::array();
  for (const auto& b : beats.beats) {
    const Location* place = bible.FindLocation(b.location);
    sheet.push_back({{"beat", b.id},
                     {"function", EnumName(b.function)},
                     {"seconds", b.estimate_s},
                     {"heading", place ? place->Heading() : b.location},
                     {"cast", b.cast},
                     {"summary", b.summary},
                     {"satisfaction", b.satisfaction}});
  }
  std::string sheet_text = sheet.dump(1, ' ', false, Json::error_handler_t::replace);
  std::string speakers;
  for (const auto& c : bible.characters) speakers += (speakers.empty() ? "" : ", ") + c.id + " " + c.name;
  std::string ep = std::to_string(beats.episode);
  std::string out;
  if (t.zh) {
    out = "剧集设定：\n" + BibleBrief(bible) + "\n\n第" + ep + "集的节拍表：\n" + sheet_text +
          "\n\n按节拍表写出第" + ep + "集的剧本，JSON 格式：scenes 按节拍顺序排列，每个节拍至少一场，不能漏掉任何节拍。\n"
          "- beat：节拍编号（B01…）。heading：照抄该节拍的场景标题。\n"
          "- elements：action（现在时，只写镜头看得见、听得见的东西，一两句）和 dialogue（character 写说话人的编号：" + speakers +
          "；parenthetical 写简短的表演提示或 \"\"；text 写台词）。action 的 character 和 parenthetical 写 \"\"。\n"
          "- 台词短、狠、有潜台词，适合手机上看字幕；对白语速约每秒4个字，每个节拍的篇幅对应它的 seconds。\n"
          "- 开场第一句就抓人；爽点要落在具体的台词或动作上；cliffhanger 节拍以它的 summary 作为最后一个画面（action）收尾。\n"
          "全部用地道的简体中文书写。";
  } else {
    out = "Series bible:\n" + BibleBrief(bible) + "\n\nThe beat sheet of episode " + ep + ":\n" + sheet_text +
          "\n\nWrite episode " + ep + "'s screenplay as JSON: scenes in beat order, at least one per beat, no beat left out.\n"
          "- beat: the beat id (B01…). heading: the beat's heading exactly as listed.\n"
          "- elements: action (present tense, only what the camera sees and hears, one or two sentences) and dialogue "
          "(character: the speaker's id, one of " + speakers + "; parenthetical: a short acting note or \"\"; text: the "
          "spoken line). For action, character and parenthetical are \"\".\n"
          "- Lines are short, sharp and full of subtext: the audience reads subtitles on a phone. Speech runs about 2.5 "
          "words a second; size each beat's lines to its seconds.\n"
          "- The first line grabs; each satisfaction point lands on a concrete line or action; the cliffhanger beat ends "
          "on its summary as the final action.";
  }
  return out;
}

std::vector<ChatMessage> Messages(const Settings& settings, std::string user) {
  return {ChatMessage{"system", SystemPrompt(settings)}, ChatMessage{"user", std::move(user)}};
}

}  // namespace

json LlmBibleSchema() {
  json voice = Obj({{"engine", Str("\"espeak\"")},
                    {"voice", Str("espeak-ng voice: en-us or cmn; \"\" lets Reelwright choose")},
                    {"variant", Str("f1-f5 or m1-m7, distinct per character; \"\" lets Reelwright choose")},
                    {"pitch", Int("0-100; 0 lets Reelwright choose")},
                    {"rate", Int("words per minute, 140-190; 0 lets Reelwright choose")}});
  json character = Obj({{"id", Str("C01, C02, … in order")},
                        {"name", Str()},
                        {"role", Str("protagonist, antagonist, ally, rival, …")},
                        {"gender", Enum(kGenders)},
                        {"age", Int()},
                        {"want", Str()},
                        {"secret", Str()},
                        {"arc", Str()},
                        {"voice", voice},
                        {"look", Arr(Str(), "3-5 concrete visual tokens")},
                        {"palette", Arr(Str("#RRGGBB"), "2-3 colours, main first")},
                        {"reference", Str("\"\" (a reference image is the creator's to add)")},
                        {"seed", Int("0")}});
  json location = Obj({{"id", Str("L01, L02, … in order")},
                       {"name", Str("as in a scene heading")},
                       {"interior", Bool()},
                       {"time", Enum(kTimes)},
                       {"kind", Enum(kKinds)},
                       {"look", Arr(Str())},
                       {"palette", Arr(Str("#RRGGBB"))},
                       {"reference", Str("\"\"")}});
  return Obj({{"title", Str()},
              {"logline", Str()},
              {"genre", Str()},
              {"lang", Str()},
              {"style", Arr(Str(), "3-6 series style tokens")},
              {"characters", Arr(character, "3-5 characters")},
              {"locations", Arr(location, "2-4 locations")}});
}

json LlmArcSchema() {
  json episode = Obj({{"number", Int("1, 2, … in order")},
                      {"title", Str()},
                      {"turn", Str("what changes in this episode")},
                      {"satisfaction", Str("the satisfaction point it pays")},
                      {"hook", Enum(kHooks)},
                      {"cliffhanger", Str("the question it ends on")},
                      {"paywall", Bool()},
                      {"intensity", Num("escalation across the season: 0 calm … 1 the season's peak")},
                      {"pays_off", Int("the episode whose cliffhanger this one answers, or 0")},
                      {"reveals", Arr(Str("a want or secret that comes out here: '<character id> want' or '<character id> secret'"))},
                      {"beat_template", Str("leave empty")}});
  return Obj({{"episodes", Arr(episode)}});
}

json LlmBeatsSchema() {
  json emotion = Obj({{"valence", Num("-1 despair … +1 triumph")}, {"arousal", Num("0 calm … 1 frantic")}});
  json beat = Obj({{"id", Str("B01, B02, … in order")},
                   {"function", Enum(BeatFunctionNames())},
                   {"target_s", Num("start time in seconds")},
                   {"estimate_s", Num("screen time in seconds")},
                   {"emotion", emotion},
                   {"cast", Arr(Str("character id"))},
                   {"location", Str("location id")},
                   {"summary", Str()},
                   {"satisfaction", Str("satisfaction point paid here, or empty")},
                   {"reveal", Str("the arc's planned reveal landing in this beat ('C02 secret'), or empty")}});
  return Obj({{"episode", Int()}, {"title", Str()}, {"beats", Arr(beat)}});
}

json LlmScriptSchema() {
  json element = Obj({{"type", Enum({"action", "dialogue"})},
                      {"character", Str("speaker id for dialogue, empty for action")},
                      {"parenthetical", Str("short acting note, or empty")},
                      {"text", Str()}});
  json scene = Obj({{"heading", Str("the beat's scene heading")}, {"beat", Str("beat id")}, {"elements", Arr(element)}});
  return Obj({{"scenes", Arr(scene)}});
}

Result<Bible> LlmWriteBible(const Settings& settings, ChatClient& client, std::vector<CallRecord>* calls) {
  auto read = [&settings](const json& reply) { return ReadBible(settings, reply); };
  RW_ASSIGN(json reply, client.AskJson(Messages(settings, BiblePrompt(settings)), "bible", LlmBibleSchema(),
                                       ValidatorOf(read), calls));
  return read(reply);
}

Result<Arc> LlmWriteArc(const Settings& settings, const Bible& bible, ChatClient& client, std::vector<CallRecord>* calls) {
  auto read = [&settings](const json& reply) { return ReadArc(settings, reply); };
  RW_ASSIGN(json reply, client.AskJson(Messages(settings, ArcPrompt(settings, bible)), "arc", LlmArcSchema(),
                                       ValidatorOf(read), calls));
  return read(reply);
}

Result<Beats> LlmWriteBeats(const Settings& settings, const Bible& bible, const Arc& arc, int episode, ChatClient& client,
                            std::vector<CallRecord>* calls) {
  if (episode < 1 || episode > static_cast<int>(arc.episodes.size()))
    return BadInput("arc.yaml", "episode " + std::to_string(episode) + " is not in the arc (1–" +
                                    std::to_string(arc.episodes.size()) + ")");
  auto read = [&](const json& reply) { return ReadBeats(settings, bible, arc, episode, reply); };
  RW_ASSIGN(json reply, client.AskJson(Messages(settings, BeatsPrompt(settings, bible, arc, episode)), "beats",
                                       LlmBeatsSchema(), ValidatorOf(read), calls));
  return read(reply);
}

Result<std::string> LlmWriteScript(const Settings& settings, const Bible& bible, const Beats& beats, ChatClient& client,
                                   std::vector<CallRecord>* calls) {
  if (beats.beats.empty()) return BadInput("beats.yaml", "the episode has no beats to write");
  const std::string model = client.settings().model;
  auto read = [&](const json& reply) { return ReadScript(settings, bible, beats, model, reply); };
  RW_ASSIGN(json reply, client.AskJson(Messages(settings, ScriptPrompt(settings, bible, beats)), "script",
                                       LlmScriptSchema(), ValidatorOf(read), calls));
  return read(reply);
}

Result<std::string> LlmReviseBeat(const Settings& settings, const Bible& bible, const Beats& beats,
                                  const std::string& current_section, const std::string& beat_id, const std::string& ask,
                                  ChatClient& client, std::vector<CallRecord>* calls) {
  Beats one;
  one.episode = beats.episode;
  one.title = beats.title;
  for (const auto& b : beats.beats)
    if (b.id == beat_id) one.beats.push_back(b);
  if (one.beats.empty()) return BadInput("--beat", "'" + beat_id + "' is not a beat of episode " + std::to_string(beats.episode));
  const std::string model = client.settings().model;
  auto read = [&](const json& reply) { return ReadScript(settings, bible, one, model, reply); };
  std::string prompt = ScriptPrompt(settings, bible, one);
  prompt += settings.lang == "zh" ? "\n\n这个节拍现在的剧本（Fountain）：\n" + current_section + "\n\n只重写这一个节拍，按下面的要求修改，其余不变：" + ask
                                  : "\n\nThe beat as it is now (Fountain):\n" + current_section +
                                        "\n\nRewrite only this beat, changed as asked, everything else as it is: " + ask;
  RW_ASSIGN(json reply, client.AskJson(Messages(settings, prompt), "script", LlmScriptSchema(), ValidatorOf(read), calls));
  return read(reply);
}

}  // namespace rw
