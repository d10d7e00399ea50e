#include "story/writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <set>

#include "base/rng.h"
#include "base/text.h"
#include "schema/timing.h"
#include "story/fountain.h"

namespace rw {

namespace {

constexpr int kMaxBlocks = 6;         // blocks in a beat's stream
constexpr double kMargin = 0.05;      // seconds kept clear of every rhythm limit (rounding in beats.yaml)

using F = BeatFunction;

Rng BaseRng(const Settings& s) {
  return Rng(static_cast<uint64_t>(static_cast<int64_t>(s.seed))).Fork("reelwright/" + s.genre + "/" + s.lang);
}

std::vector<size_t> Order(size_t n, Rng rng) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  rng.Shuffle(order);
  return order;
}

double Round2(double v) { return std::round(v * 100.0) / 100.0; }

std::string TwoDigits(int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d", n);
  return buf;
}

bool IsLatin(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80) return false;
  return true;
}

// The "{NAME}"s a template uses.
std::vector<std::string> SlotsIn(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string::npos) {
    size_t end = text.find('}', pos);
    if (end == std::string::npos) break;
    out.push_back(text.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return out;
}

// What one episode's templates are filled with.
struct Context {
  const Settings& settings;
  const Bible& bible;
  const GenrePack& pack;
  int episode;
  Rng rng;                                           // the episode's generator; fork it, never draw from it
  std::map<std::string, const Character*> by_slot;  // HERO → the protagonist, …
  std::string company;
  std::string object;
};

Context MakeContext(const Settings& settings, const Bible& bible, const GenrePack& pack, int episode) {
  Rng base = BaseRng(settings);
  Context ctx{settings, bible, pack, episode, base.Fork("episode/" + std::to_string(episode)), {}, {}, {}};
  for (const auto& archetype : pack.characters) {
    for (const auto& c : bible.characters) {
      if (c.role == archetype.role) {
        ctx.by_slot[archetype.slot] = &c;
        break;
      }
    }
  }
  // A hand-edited bible may have lost its roles: the first character still leads.
  if (!ctx.by_slot.count("HERO") && !bible.characters.empty()) ctx.by_slot["HERO"] = &bible.characters[0];
  if (!pack.companies.empty()) {
    Rng r = base.Fork("company");
    ctx.company = r.Pick(pack.companies);
  }
  if (!pack.objects.empty()) {
    Rng r = ctx.rng.Fork("object");
    ctx.object = r.Pick(pack.objects);
  }
  return ctx;
}

std::string PlacePhrase(const Location& loc) { return IsLatin(loc.name) ? ToLowerAscii(loc.name) : loc.name; }

bool Usable(const Context& ctx, const std::string& text) {
  for (const auto& slot : SlotsIn(text))
    if (slot != "PLACE" && slot != "OBJECT" && slot != "COMPANY" && slot != "IDEA" && !ctx.by_slot.count(slot)) return false;
  return true;
}

std::string Fill(const Context& ctx, std::string text, const Location* place) {
  for (const auto& [slot, c] : ctx.by_slot) text = ReplaceAll(std::move(text), "{" + slot + "}", c->name);
  text = ReplaceAll(std::move(text), "{COMPANY}", ctx.company);
  text = ReplaceAll(std::move(text), "{OBJECT}", ctx.object);
  if (place) text = ReplaceAll(std::move(text), "{PLACE}", PlacePhrase(*place));
  return text;
}

// The character ids a template names.
void AddCast(const Context& ctx, const std::string& text, std::set<std::string>& cast) {
  for (const auto& slot : SlotsIn(text)) {
    auto it = ctx.by_slot.find(slot);
    if (it != ctx.by_slot.end()) cast.insert(it->second->id);
  }
}

// ---- locations of an episode ----

// Rooms that hold a crowd (guests, a board, a family): where most template scenes can play.
bool HoldsCrowd(const std::string& kind) {
  return kind == "office" || kind == "hall" || kind == "home" || kind == "restaurant" || kind == "garden";
}

struct EpisodePlaces {
  const Location* primary = nullptr;
  const Location* secondary = nullptr;
};

EpisodePlaces PlacesOf(const Context& ctx) {
  EpisodePlaces places;
  if (ctx.bible.locations.empty()) return places;
  auto order = Order(ctx.bible.locations.size(), ctx.rng.Fork("places"));
  // An episode mostly plays in a room that holds a crowd (guests, a board, a family); a car or a
  // rooftop works better as the second scene.
  std::stable_partition(order.begin(), order.end(), [&](size_t i) { return HoldsCrowd(ctx.bible.locations[i].kind); });
  places.primary = &ctx.bible.locations[order[0]];
  places.secondary = order.size() > 1 ? &ctx.bible.locations[order[1]] : places.primary;
  return places;
}

// ---- beat content ----

struct DraftLine {
  const Character* who = nullptr;
  std::string parenthetical;
  std::string text;
};

struct Block {
  bool action = true;
  std::string text;              // action
  std::vector<DraftLine> lines;  // exchange
  std::set<std::string> cast;
  double seconds = 0;
  double first_unit_seconds = 0;
};

double LineSeconds(const DraftLine& line) {
  return EstimateSpeechSeconds(line.text, line.who->voice.rate) + kLinePadSeconds;
}

Block ActionBlock(std::string text) {
  Block b;
  b.action = true;
  b.seconds = b.first_unit_seconds = ActionShotSeconds(text);
  b.text = std::move(text);
  return b;
}

// Index of the template to use. The season reads each pool as a sequence of passes, each pass a
// fresh seeded shuffle of the whole pool; an episode starts `stride` entries after the previous
// one, and the beats of one function in an episode interleave. So a template comes back only
// after most of its pool has been used, and never twice in the same company.
std::optional<size_t> TemplateIndex(const Context& ctx, size_t n, const std::string& pool, int occurrence, int occurrences,
                                    int nth, const std::function<bool(size_t)>& usable) {
  if (n == 0) return std::nullopt;
  size_t stride = std::max<size_t>(1, n / 3);
  size_t pos = static_cast<size_t>(ctx.episode - 1) * stride + static_cast<size_t>(occurrence) +
               static_cast<size_t>(nth) * static_cast<size_t>(std::max(1, occurrences));
  Rng base = BaseRng(ctx.settings).Fork("order/" + pool);
  for (size_t tries = 0; tries < n; ++tries) {
    size_t p = pos + tries;
    auto order = Order(n, base.Fork("pass/" + std::to_string(p / n)));
    size_t idx = order[p % n];
    if (usable(idx)) return idx;
  }
  return std::nullopt;
}

// Where a beat sits in its episode: the content stream depends on exactly these.
struct BeatSlot {
  F function = F::kSetup;
  Mood mood = Mood::kFury;  // from the beat's emotion
  int index = 0;        // position in the episode
  int occurrence = 0;   // how many beats of the same function come before it
  int occurrences = 1;  // beats of this function in the episode
};

std::vector<BeatSlot> SlotsFor(const std::vector<F>& functions, const std::vector<Emotion>& emotions) {
  std::vector<BeatSlot> slots;
  std::map<F, int> seen, total;
  for (F f : functions) ++total[f];
  for (size_t i = 0; i < functions.size(); ++i) {
    F f = functions[i];
    slots.push_back(BeatSlot{f, MoodOf(emotions[i]), static_cast<int>(i), seen[f]++, total[f]});
  }
  return slots;
}

// The templates an episode has drawn so far ("conflict/exchanges/7"): a template is used once an
// episode at most. MakePlan and WriteScript draw the beats' streams in the same order, so both
// see the same choices.
using UsedTemplates = std::set<std::string>;

std::vector<Block> BeatStream(const Context& ctx, const BeatSlot& slot, const Location& place, UsedTemplates& used) {
  const BeatTemplates& t = ctx.pack.beats.For(slot.function);
  const std::string fname = EnumName(slot.function);
  const MoodTemplates& mood = t.moods.For(slot.mood);
  const std::string mood_name = fname + "/" + EnumName(slot.mood);
  Rng r = ctx.rng.Fork("beat/" + std::to_string(slot.index) + "/" + fname);

  // Which blocks are actions (A) and which exchanges (X).
  std::vector<bool> is_action;
  if (slot.function == F::kHook) {
    is_action = {true, false, true, false, false, true};
  } else if (slot.function == F::kCliffhanger) {
    is_action = {false, false, true, false, true, false};
  } else {
    bool action = r.Chance(0.5);
    for (int i = 0; i < kMaxBlocks; ++i) {
      is_action.push_back(action);
      if (!(action == false && r.Chance(0.2))) action = !action;  // sometimes two exchanges in a row
    }
  }

  std::vector<Block> blocks;
  int actions = 0, exchanges = 0;
  for (bool action : is_action) {
    if (action) {
      // The beat's mood speaks first: its opening block comes from the mood's pool when one is left.
      auto pick = [&](const std::vector<std::string>& pool, const std::string& name, int nth) -> std::optional<std::string> {
        auto idx = TemplateIndex(ctx, pool.size(), name, slot.occurrence, slot.occurrences, nth,
                                 [&](size_t i) { return !used.count(name + "/" + std::to_string(i)) && Usable(ctx, pool[i]); });
        if (!idx) return std::nullopt;
        used.insert(name + "/" + std::to_string(*idx));
        return pool[*idx];
      };
      std::optional<std::string> text;
      if (blocks.empty()) text = pick(mood.actions, mood_name + "/actions", 0);
      if (!text) text = pick(t.actions, fname + "/actions", actions);
      ++actions;
      if (!text) continue;
      Block b = ActionBlock(Fill(ctx, *text, &place));
      AddCast(ctx, *text, b.cast);
      blocks.push_back(std::move(b));
    } else {
      auto pick = [&](const std::vector<std::vector<std::string>>& pool, const std::string& name, int nth) -> const std::vector<std::string>* {
        auto usable = [&](size_t i) {
          if (used.count(name + "/" + std::to_string(i))) return false;
          for (const auto& raw : pool[i]) {
            ExchangeLine line;
            if (!ParseExchangeLine(raw, &line) || !ctx.by_slot.count(line.slot) || !Usable(ctx, line.text)) return false;
          }
          return true;
        };
        auto idx = TemplateIndex(ctx, pool.size(), name, slot.occurrence, slot.occurrences, nth, usable);
        if (!idx) return nullptr;
        used.insert(name + "/" + std::to_string(*idx));
        return &pool[*idx];
      };
      const std::vector<std::string>* exchange = nullptr;
      if (blocks.empty()) exchange = pick(mood.exchanges, mood_name + "/exchanges", 0);
      if (!exchange) exchange = pick(t.exchanges, fname + "/exchanges", exchanges);
      ++exchanges;
      if (!exchange) continue;
      Block b;
      b.action = false;
      for (const auto& raw : *exchange) {
        ExchangeLine line;
        ParseExchangeLine(raw, &line);
        DraftLine d{ctx.by_slot.at(line.slot), Fill(ctx, line.parenthetical, &place), Fill(ctx, line.text, &place)};
        b.cast.insert(d.who->id);
        AddCast(ctx, line.text, b.cast);
        double s = LineSeconds(d);
        if (b.lines.empty()) b.first_unit_seconds = s;
        b.seconds += s;
        b.lines.push_back(std::move(d));
      }
      blocks.push_back(std::move(b));
    }
  }
  return blocks;
}

// A beat's content: the first k blocks of its stream, and for a cliffhanger its closing action.
std::vector<Block> BeatContent(const std::vector<Block>& stream, int k, const std::optional<Block>& closing) {
  std::vector<Block> out(stream.begin(), stream.begin() + std::min<long>(k, static_cast<long>(stream.size())));
  if (closing) out.push_back(*closing);
  return out;
}

double Seconds(const std::vector<Block>& blocks) {
  double s = 0;
  for (const auto& b : blocks) s += b.seconds;
  return s;
}

int MinBlocks(F f) { return f == F::kCliffhanger ? 0 : 1; }

// ---- structure and sizing ----

const std::vector<std::vector<F>>& Structures() {
  static const std::vector<std::vector<F>> kStructures = {
      {F::kHook, F::kConflict, F::kReversal, F::kPayoff, F::kClimax, F::kCliffhanger},
      {F::kHook, F::kSetup, F::kConflict, F::kReversal, F::kPayoff, F::kClimax, F::kCliffhanger},
      {F::kHook, F::kConflict, F::kReversal, F::kConflict, F::kPayoff, F::kClimax, F::kCliffhanger},
      {F::kHook, F::kSetup, F::kConflict, F::kPayoff, F::kReversal, F::kClimax, F::kCliffhanger},
      {F::kHook, F::kConflict, F::kPayoff, F::kConflict, F::kReversal, F::kClimax, F::kCliffhanger},
      {F::kHook, F::kSetup, F::kConflict, F::kReversal, F::kConflict, F::kPayoff, F::kClimax, F::kCliffhanger},
      {F::kHook, F::kConflict, F::kPayoff, F::kConflict, F::kReversal, F::kPayoff, F::kClimax, F::kCliffhanger},
      {F::kHook, F::kConflict, F::kReversal, F::kPayoff, F::kConflict, F::kReversal, F::kClimax, F::kCliffhanger},
      {F::kHook, F::kSetup, F::kConflict, F::kReversal, F::kPayoff, F::kConflict, F::kReversal, F::kClimax, F::kCliffhanger},
      {F::kHook, F::kConflict, F::kReversal, F::kConflict, F::kPayoff, F::kReversal, F::kPayoff, F::kClimax, F::kCliffhanger},
  };
  return kStructures;
}

struct Plan {
  std::vector<BeatSlot> slots;
  std::vector<Emotion> emotions;
  std::vector<std::vector<Block>> streams;
  std::vector<const Location*> places;
  std::vector<std::optional<Block>> closings;
  std::vector<int> k;

  double BeatSeconds(size_t i) const { return Seconds(BeatContent(streams[i], k[i], closings[i])); }
  double Total() const {
    double t = 0;
    for (size_t i = 0; i < slots.size(); ++i) t += BeatSeconds(i);
    return t;
  }
};

bool IsSatisfactionBeat(F f) { return f == F::kReversal || f == F::kPayoff || f == F::kClimax; }

bool MeetsRhythm(const Plan& plan, const RhythmSettings& rhythm, bool require_min) {
  if (plan.slots.empty() || plan.slots.front().function != F::kHook || plan.slots.back().function != F::kCliffhanger) return false;
  auto hook = BeatContent(plan.streams[0], plan.k[0], plan.closings[0]);
  if (hook.empty() || hook.front().first_unit_seconds > rhythm.hook_by_s - kMargin) return false;
  double start = 0;
  bool conflict = false, climax = false;
  for (size_t i = 0; i < plan.slots.size(); ++i) {
    F f = plan.slots[i].function;
    if (f == F::kConflict && !conflict) {
      if (start > rhythm.conflict_by_s - kMargin) return false;
      conflict = true;
    }
    if (f == F::kClimax && !climax) {
      if (start > rhythm.climax_by_s - kMargin) return false;
      climax = true;
    }
    start += plan.BeatSeconds(i);
  }
  double total = start;
  if (plan.BeatSeconds(plan.slots.size() - 1) > rhythm.cliffhanger_window_s - kMargin) return false;
  // A satisfaction point (reversal, payoff, climax) at least every satisfaction_every_s.
  double last_point = 0, t = 0;
  for (size_t i = 0; i < plan.slots.size(); ++i) {
    if (IsSatisfactionBeat(plan.slots[i].function)) {
      if (t - last_point > rhythm.satisfaction_every_s - kMargin) return false;
      last_point = t;
    }
    t += plan.BeatSeconds(i);
  }
  if (total > rhythm.max_episode_s - kMargin) return false;
  if (require_min && total < rhythm.min_episode_s + kMargin) return false;
  return conflict && climax;
}

// Grows beats one block at a time, in a seeded round-robin order, while that brings the total
// closer to the target and keeps every limit.
void Grow(Plan& plan, const RhythmSettings& rhythm, Rng rng) {
  auto order = Order(plan.slots.size(), rng);
  size_t next = 0;
  while (true) {
    bool grown = false;
    double total = plan.Total();
    for (size_t t = 0; t < order.size() && !grown; ++t) {
      size_t i = order[(next + t) % order.size()];
      if (plan.k[i] >= static_cast<int>(plan.streams[i].size())) continue;
      ++plan.k[i];
      double grown_total = plan.Total();
      if (std::fabs(grown_total - rhythm.target_episode_s) < std::fabs(total - rhythm.target_episode_s) &&
          MeetsRhythm(plan, rhythm, false)) {
        grown = true;
        next = (next + t + 1) % order.size();
      } else {
        --plan.k[i];
      }
    }
    if (!grown) break;
  }
}

std::optional<Block> ClosingFor(F function, const std::string& summary) {
  if (function != F::kCliffhanger || Trim(summary).empty()) return std::nullopt;
  return ActionBlock(summary);
}

// The action line that lands a planned reveal ("C02 secret", "C01 want").
std::string RevealText(const Bible& bible, const std::string& reveal, const std::string& lang) {
  auto parts = Split(reveal, ' ');
  const Character* c = parts.empty() ? nullptr : bible.FindCharacter(parts[0]);
  if (!c || parts.size() < 2) return {};
  bool secret = parts[1] == "secret";
  std::string text = Trim(secret ? c->secret : c->want);
  if (text.empty()) return {};
  if (lang == "zh") return c->name + (secret ? "的秘密曝光：" : "终于说出心愿：") + text;
  // "He forged…" reads on after a colon as "he forged…".
  if (text.size() > 1 && std::isupper(static_cast<unsigned char>(text[0])) && std::islower(static_cast<unsigned char>(text[1])))
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return secret ? c->name + "'s secret comes out: " + text : "Now everyone knows what " + c->name + " wants: " + text;
}

// The beats of an episode that land its planned reveals: payoffs first, then reversals, then
// the climax; one reveal a beat.
std::vector<int> RevealBeats(const std::vector<F>& functions, size_t reveals) {
  std::vector<int> at;
  for (F want : {F::kPayoff, F::kReversal, F::kClimax})
    for (size_t i = 0; i < functions.size() && at.size() < reveals; ++i)
      if (functions[i] == want) at.push_back(static_cast<int>(i));
  return at;
}

// A beat's emotion: one of its function's usual moods, seeded (a conflict is mostly fury but
// sometimes grief), jittered a little, its arousal raised with the episode's intensity.
Emotion EmotionFor(F f, double intensity, Rng r) {
  struct Centre { int weight; double valence, arousal; };
  std::vector<Centre> centres;
  switch (f) {
    case F::kHook: centres = {{3, -0.5, 0.8}, {2, 0.45, 0.8}, {1, -0.55, 0.45}}; break;
    case F::kSetup: centres = {{1, -0.3, 0.4}, {1, 0.3, 0.4}, {1, -0.35, 0.75}}; break;
    case F::kConflict: centres = {{3, -0.65, 0.8}, {1, -0.6, 0.45}}; break;
    case F::kReversal: centres = {{3, 0.4, 0.75}, {1, 0.35, 0.45}}; break;
    case F::kPayoff: centres = {{3, 0.75, 0.85}, {1, 0.6, 0.45}}; break;
    case F::kClimax: centres = {{3, 0.6, 0.95}, {1, -0.45, 0.95}}; break;
    case F::kCliffhanger: centres = {{2, -0.4, 0.85}, {1, -0.55, 0.5}}; break;
  }
  int total = 0;
  for (const auto& c : centres) total += c.weight;
  int roll = r.Range(0, total - 1);
  Centre pick = centres.back();
  for (const auto& c : centres) {
    if (roll < c.weight) {
      pick = c;
      break;
    }
    roll -= c.weight;
  }
  double valence = std::clamp(pick.valence + (r.Unit() - 0.5) * 0.2, -1.0, 1.0);
  double arousal = std::clamp(pick.arousal + (r.Unit() - 0.5) * 0.1, 0.0, 1.0);
  arousal = std::clamp(arousal * (0.8 + 0.3 * intensity), 0.0, 1.0);
  return Emotion{Round2(valence), Round2(arousal)};
}

Plan MakePlan(const Context& ctx, const std::vector<F>& functions, double intensity, const std::string& cliffhanger,
              const std::vector<std::string>& reveals) {
  Plan plan;
  for (size_t i = 0; i < functions.size(); ++i)
    plan.emotions.push_back(EmotionFor(functions[i], intensity, ctx.rng.Fork("beat/" + std::to_string(i) + "/emotion")));
  plan.slots = SlotsFor(functions, plan.emotions);
  EpisodePlaces places = PlacesOf(ctx);
  // One or two scenes: the episode may move to its second location at one beat.
  Rng r = ctx.rng.Fork("places/switch");
  size_t n = functions.size();
  size_t switch_at = r.Chance(0.6) ? static_cast<size_t>(r.Range(2, static_cast<int>(n) - 2)) : n;
  UsedTemplates used;
  for (size_t i = 0; i < n; ++i) {
    const Location* place = i < switch_at ? places.primary : places.secondary;
    plan.places.push_back(place);
    plan.streams.push_back(BeatStream(ctx, plan.slots[i], *place, used));
    plan.closings.push_back(ClosingFor(functions[i], cliffhanger));
    int k = functions[i] == F::kHook ? 2 : 1;
    plan.k.push_back(std::min(k, static_cast<int>(plan.streams[i].size())));
  }
  auto reveal_at = RevealBeats(functions, reveals.size());
  for (size_t r = 0; r < reveal_at.size(); ++r) {
    std::string text = RevealText(ctx.bible, reveals[r], ctx.settings.lang);
    if (!text.empty()) plan.closings[static_cast<size_t>(reveal_at[r])] = ActionBlock(text);
  }
  return plan;
}

std::string ArcTemplate(const Context& ctx, const std::vector<std::string>& pool, const std::string& name) {
  if (pool.empty()) return {};
  auto order = Order(pool.size(), BaseRng(ctx.settings).Fork("arc/" + name));
  for (size_t t = 0; t < pool.size(); ++t) {
    const std::string& text = pool[order[(static_cast<size_t>(ctx.episode - 1) + t) % pool.size()]];
    if (Usable(ctx, text)) return Fill(ctx, text, PlacesOf(ctx).primary);
  }
  return {};
}

// ---- the bible ----

void AssignVoice(Character& c, const std::string& espeak_voice, std::vector<std::string>& variants, Rng& r,
                 std::set<std::pair<std::string, int>>& used) {
  c.voice.engine = "espeak";
  c.voice.voice = espeak_voice;
  c.voice.variant = variants.empty() ? std::string() : variants.front();
  if (!variants.empty()) variants.erase(variants.begin());
  int pitch_lo = 45, pitch_hi = 65, rate_lo = 155, rate_hi = 175;
  if (c.role == "protagonist") { pitch_lo = 50; pitch_hi = 60; rate_lo = 160; rate_hi = 172; }
  if (c.role == "antagonist") { pitch_lo = 28; pitch_hi = 40; rate_lo = 150; rate_hi = 160; }
  if (c.role == "ally") { pitch_lo = 58; pitch_hi = 70; rate_lo = 170; rate_hi = 185; }
  if (c.role == "rival") { pitch_lo = 64; pitch_hi = 78; rate_lo = 165; rate_hi = 180; }
  c.voice.pitch = r.Range(pitch_lo, pitch_hi);
  c.voice.rate = r.Range(rate_lo, rate_hi);
  AgeVoice(c.voice, c.age);
  while (!used.insert({c.voice.variant, c.voice.pitch}).second) c.voice.pitch = (c.voice.pitch + 7) % 101;
}

// ---- the season ----

// Escalation: intensity rises across the season, peaks at the paywall and at the finale.
double Intensity(const Settings& settings, int episode) {
  int n = std::max(1, settings.episodes);
  double base = n == 1 ? 0.7 : 0.35 + 0.5 * (episode - 1) / (n - 1);
  if (episode == settings.paywall_episode) base += 0.2;
  if (episode == settings.paywall_episode + 1) base += 0.1;
  if (episode == n) base = 1.0;
  return Round2(std::clamp(base, 0.0, 1.0));
}

std::string TemplateName(size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "T%02zu", index + 1);
  return name;
}

std::optional<size_t> TemplateIndexOf(const std::string& name) {
  if (name.size() < 2 || name[0] != 'T') return std::nullopt;
  int i = std::atoi(name.c_str() + 1) - 1;
  if (i < 0 || static_cast<size_t>(i) >= Structures().size()) return std::nullopt;
  return static_cast<size_t>(i);
}

// Beat-sheet templates across the season: none used again within kTemplateGap episodes.
constexpr int kTemplateGap = 5;

void PlanBeatTemplates(const Settings& settings, Arc& arc) {
  Rng r = BaseRng(settings).Fork("season/templates");
  for (size_t e = 0; e < arc.episodes.size(); ++e) {
    std::vector<size_t> free;
    for (size_t t = 0; t < Structures().size(); ++t) {
      bool recent = false;
      for (size_t back = 1; back <= kTemplateGap && back <= e; ++back)
        recent |= arc.episodes[e - back].beat_template == TemplateName(t);
      if (!recent) free.push_back(t);
    }
    arc.episodes[e].beat_template = TemplateName(r.Pick(free));
  }
}

// Wants and secrets come out at planned points of the season: the hero's want at once, the
// others spread out, the villain's secret near the end; at most two reveals an episode.
void PlanReveals(const Settings& settings, const Bible& bible, Arc& arc) {
  int n = static_cast<int>(arc.episodes.size());
  if (n == 0) return;
  std::vector<std::pair<double, std::string>> wanted;  // (position in the season 0..1, reveal)
  for (const auto& c : bible.characters) {
    if (c.role == "protagonist") {
      wanted.push_back({0.0, c.id + " want"});
      wanted.push_back({0.6, c.id + " secret"});
    } else if (c.role == "antagonist") {
      wanted.push_back({0.3, c.id + " want"});
      wanted.push_back({0.85, c.id + " secret"});
    } else {
      double at = 0.2 + 0.1 * static_cast<double>(&c - &bible.characters[0]);
      wanted.push_back({at, c.id + " want"});
      wanted.push_back({std::min(0.75, at + 0.3), c.id + " secret"});
    }
  }
  if (n < 6) {  // a short run has room for secrets only (and the hero's want)
    std::vector<std::pair<double, std::string>> kept;
    for (const auto& w : wanted)
      if (w.second.find("secret") != std::string::npos || w.first == 0.0) kept.push_back(w);
    wanted = kept;
  }
  std::stable_sort(wanted.begin(), wanted.end());
  for (const auto& [at, reveal] : wanted) {
    int e = std::clamp(static_cast<int>(std::lround(at * (n - 1))), 0, n - 1);
    int tries = 0;
    while (arc.episodes[static_cast<size_t>(e)].reveals.size() >= 2 && tries++ < n) e = (e + 1) % n;
    if (arc.episodes[static_cast<size_t>(e)].reveals.size() < 2) arc.episodes[static_cast<size_t>(e)].reveals.push_back(reveal);
  }
  (void)settings;
}

}  // namespace

void AgeVoice(VoiceSpec& voice, int age) {
  int years = std::clamp(age, 12, 90) - 35;
  voice.pitch = std::clamp(voice.pitch - years / 2, 5, 95);  // older voices sit lower
  voice.rate = std::clamp(voice.rate - years / 3, 130, 200);  // and take their time
}

std::string CueName(const Character& character) {
  return IsLatin(character.name) ? ToUpperAscii(character.name) : character.name;
}

Result<Bible> WriteBible(const Settings& settings, const GenrePack& pack) {
  if (pack.lang != settings.lang)
    return BadInput("reelwright.yaml", "the genre pack is in '" + pack.lang + "' but the series language is '" + settings.lang + "'");
  if (pack.characters.size() < 3) return BadInput(pack.genre + "/" + pack.lang + "/pack.yaml", "the pack needs at least 3 character archetypes");
  Rng base = BaseRng(settings);
  Rng r = base.Fork("bible");
  Bible bible;
  bible.genre = settings.genre;
  bible.lang = settings.lang;
  if (!Trim(settings.title).empty()) {
    bible.title = Trim(settings.title);
  } else {
    Rng t = r.Fork("title");
    bible.title = t.Pick(pack.titles);
  }
  bible.style = pack.style;

  // Characters: one per archetype, names drawn without repeats per gender.
  std::map<std::string, std::vector<std::string>> names;
  std::map<std::string, std::vector<std::string>> variants;
  for (const char* gender : {"female", "male"}) {
    names[gender] = pack.names.For(gender);
    Rng n = r.Fork(std::string("names/") + gender);
    n.Shuffle(names[gender]);
    variants[gender] = std::string(gender) == "female" ? std::vector<std::string>{"f1", "f2", "f3", "f4", "f5"}
                                                       : std::vector<std::string>{"m1", "m2", "m3", "m4", "m5", "m6", "m7"};
    Rng v = r.Fork(std::string("variants/") + gender);
    v.Shuffle(variants[gender]);
  }
  std::set<std::pair<std::string, int>> used_voices;
  for (size_t i = 0; i < pack.characters.size(); ++i) {
    const CharacterArchetype& a = pack.characters[i];
    Rng cr = r.Fork("character/" + a.role);
    Character c;
    c.id = "C" + TwoDigits(static_cast<int>(i) + 1);
    auto& pool = names[a.gender];
    c.name = pool.empty() ? a.slot : pool.front();
    if (!pool.empty()) pool.erase(pool.begin());
    c.role = a.role;
    c.gender = a.gender;
    c.age = cr.Range(a.age_min, a.age_max);
    c.want = cr.Pick(a.want);
    c.secret = cr.Pick(a.secret);
    c.arc = cr.Pick(a.arc);
    std::vector<std::string> look = a.look;
    cr.Shuffle(look);
    look.resize(std::min<size_t>(look.size(), 4));
    c.look = look;
    c.palette = cr.Pick(a.palettes);
    AssignVoice(c, pack.espeak_voice, variants[a.gender], cr, used_voices);
    bible.characters.push_back(std::move(c));
  }

  // Locations: 3 of the pack's, sometimes 4: two rooms that hold a crowd (where episodes mostly
  // play), then the others (a car, a street, a rooftop) for second scenes.
  auto shuffled = Order(pack.locations.size(), r.Fork("locations"));
  std::vector<size_t> crowd, other, order;
  for (size_t i : shuffled) (HoldsCrowd(pack.locations[i].kind) ? crowd : other).push_back(i);
  for (size_t i = 0; i < crowd.size() && i < 2; ++i) order.push_back(crowd[i]);
  order.insert(order.end(), other.begin(), other.end());
  for (size_t i = 2; i < crowd.size(); ++i) order.push_back(crowd[i]);
  Rng lr = r.Fork("location-count");
  size_t count = std::min(pack.locations.size(), static_cast<size_t>(lr.Chance(0.3) ? 4 : 3));
  for (size_t i = 0; i < count; ++i) {
    const LocationTemplate& t = pack.locations[order[i]];
    Location l;
    l.id = "L" + TwoDigits(static_cast<int>(i) + 1);
    l.name = t.name;
    l.interior = t.interior;
    l.time = t.time;
    l.kind = t.kind;
    l.look = t.look;
    l.palette = t.palette;
    bible.locations.push_back(std::move(l));
  }

  // Wants, secrets and arcs name each other: fill them once every name is known.
  Context ctx = MakeContext(settings, bible, pack, 1);
  for (auto& c : bible.characters) {
    c.want = Fill(ctx, c.want, nullptr);
    c.secret = Fill(ctx, c.secret, nullptr);
    c.arc = Fill(ctx, c.arc, nullptr);
  }
  std::string idea = Trim(settings.idea);
  while (!idea.empty() && (idea.back() == '.' || idea.back() == '!')) idea.pop_back();
  if (idea.empty()) idea = bible.title;
  Rng lg = r.Fork("logline");
  bible.logline = Fill(ctx, ReplaceAll(lg.Pick(pack.loglines), "{IDEA}", idea), nullptr);
  return bible;
}

Arc WriteArc(const Settings& settings, const Bible& bible, const GenrePack& pack) {
  Arc arc;
  for (int e = 1; e <= settings.episodes; ++e) {
    Context ctx = MakeContext(settings, bible, pack, e);
    ArcEpisode ep;
    ep.number = e;
    ep.title = ArcTemplate(ctx, pack.episode_titles, "titles");
    ep.turn = ArcTemplate(ctx, pack.turns, "turns");
    ep.satisfaction = ArcTemplate(ctx, pack.satisfaction_types, "satisfaction");
    // Hook types are listed strongest first; stronger ones come more often.
    Rng hr = ctx.rng.Fork("hook-type");
    if (!pack.hook_types.empty()) {
      int roll = hr.Range(0, 99);
      size_t idx = roll < 40 ? 0 : roll < 70 ? 1 : roll < 88 ? 2 : 3;
      ep.hook = pack.hook_types[std::min(idx, pack.hook_types.size() - 1)];
    }
    ep.cliffhanger = ArcTemplate(ctx, pack.cliffhangers, "cliffhangers");
    if (e == settings.paywall_episode) {
      ep.paywall = true;
      if (!pack.paywall_cliffhanger.empty() && Usable(ctx, pack.paywall_cliffhanger))
        ep.cliffhanger = Fill(ctx, pack.paywall_cliffhanger, PlacesOf(ctx).primary);
    }
    ep.intensity = Intensity(settings, e);
    arc.episodes.push_back(std::move(ep));
  }
  // The paywall's cliffhanger is answered one episode later (two when that one is the finale's
  // own cliffhanger-free slot does not exist).
  int paywall = settings.paywall_episode;
  if (paywall < settings.episodes) {
    ArcEpisode& answer = arc.episodes[static_cast<size_t>(paywall)];  // episode paywall + 1
    answer.pays_off = paywall;
    if (!pack.satisfaction_types.empty()) answer.satisfaction = pack.satisfaction_types.front();
  }
  PlanBeatTemplates(settings, arc);
  PlanReveals(settings, bible, arc);
  return arc;
}

Beats WriteBeats(const Settings& settings, const Bible& bible, const Arc& arc, int episode, const GenrePack& pack) {
  Context ctx = MakeContext(settings, bible, pack, episode);
  const ArcEpisode* arc_ep = nullptr;
  for (const auto& ep : arc.episodes)
    if (ep.number == episode) arc_ep = &ep;
  std::string cliffhanger = arc_ep && !arc_ep->cliffhanger.empty() ? arc_ep->cliffhanger : ArcTemplate(ctx, pack.cliffhangers, "cliffhangers");

  // The arc's beat template first; then, in a seeded order, templates not planned within
  // kTemplateGap episodes of this one; then the rest. The first that meets the rhythm wins.
  auto order = Order(Structures().size(), ctx.rng.Fork("structure"));
  auto planned_near = [&](size_t t) {
    for (const auto& ep : arc.episodes)
      if (ep.number != episode && std::abs(ep.number - episode) <= kTemplateGap && ep.beat_template == TemplateName(t)) return true;
    return false;
  };
  std::stable_partition(order.begin(), order.end(), [&](size_t t) { return !planned_near(t); });
  if (arc_ep)
    if (auto planned = TemplateIndexOf(arc_ep->beat_template)) {
      order.erase(std::find(order.begin(), order.end(), *planned));
      order.insert(order.begin(), *planned);
    }
  std::vector<std::string> reveals = arc_ep ? arc_ep->reveals : std::vector<std::string>{};
  double intensity = arc_ep ? arc_ep->intensity : 0.67;  // without an arc: the factor 1.0
  std::optional<Plan> chosen;
  for (size_t s = 0; s < order.size() && !chosen; ++s) {
    Plan plan = MakePlan(ctx, Structures()[order[s]], intensity, cliffhanger, reveals);
    if (!MeetsRhythm(plan, settings.rhythm, false)) {
      // Shrink the optional parts before giving up on this structure.
      plan.k[0] = std::min(1, plan.k[0]);
      plan.k.back() = MinBlocks(F::kCliffhanger);
      if (!MeetsRhythm(plan, settings.rhythm, false)) continue;
    }
    Grow(plan, settings.rhythm, ctx.rng.Fork("grow/" + std::to_string(order[s])));
    if (MeetsRhythm(plan, settings.rhythm, true)) chosen = std::move(plan);
  }
  if (!chosen) {  // nothing fits these rhythm settings: best effort with the first structure
    chosen = MakePlan(ctx, Structures()[order[0]], intensity, cliffhanger, reveals);
    Grow(*chosen, settings.rhythm, ctx.rng.Fork("grow/fallback"));
  }
  Plan& plan = *chosen;

  Beats beats;
  beats.episode = episode;
  beats.title = arc_ep ? arc_ep->title : std::string();
  double start = 0;
  bool arc_satisfaction_paid = false;
  bool paid_off = false;
  auto functions_of = [](const Plan& p) {
    std::vector<F> f;
    for (const auto& slot : p.slots) f.push_back(slot.function);
    return f;
  };
  for (size_t i = 0; i < plan.slots.size(); ++i) {
    const BeatSlot& slot = plan.slots[i];
    Rng br = ctx.rng.Fork("beat/" + std::to_string(i) + "/meta");
    auto content = BeatContent(plan.streams[i], plan.k[i], plan.closings[i]);
    Beat b;
    b.id = "B" + TwoDigits(static_cast<int>(i) + 1);
    b.function = slot.function;
    b.target_s = Round2(start);
    double seconds = Seconds(content);
    b.estimate_s = Round2(seconds);
    start += seconds;
    b.emotion = plan.emotions[i];
    std::set<std::string> cast;
    for (const auto& block : content) cast.insert(block.cast.begin(), block.cast.end());
    if (plan.closings[i]) {  // the closing action is filled text: find the names in it
      for (const auto& c : bible.characters)
        if (plan.closings[i]->text.find(c.name) != std::string::npos) cast.insert(c.id);
    }
    if (cast.empty() && ctx.by_slot.count("HERO")) cast.insert(ctx.by_slot.at("HERO")->id);
    b.cast.assign(cast.begin(), cast.end());
    b.location = plan.places[i]->id;
    if (slot.function == F::kCliffhanger) {
      b.summary = cliffhanger;
    } else {
      const auto& pool = pack.beats.For(slot.function).summaries;
      auto idx = TemplateIndex(ctx, pool.size(), std::string(EnumName(slot.function)) + "/summaries", slot.occurrence, slot.occurrences, 0, [&](size_t k) { return Usable(ctx, pool[k]); });
      if (idx) b.summary = Fill(ctx, pool[*idx], plan.places[i]);
    }
    auto reveal_at = RevealBeats(functions_of(plan), reveals.size());
    for (size_t r = 0; r < reveal_at.size(); ++r)
      if (reveal_at[r] == static_cast<int>(i) && !RevealText(bible, reveals[r], settings.lang).empty()) b.reveal = reveals[r];
    if (arc_ep && arc_ep->pays_off > 0 && slot.function == F::kPayoff && !paid_off) {
      paid_off = true;
      b.summary = (settings.lang == "zh" ? "第" + std::to_string(arc_ep->pays_off) + "集悬念揭晓。"
                                         : "Pays off episode " + std::to_string(arc_ep->pays_off) + "'s cliffhanger. ") + b.summary;
    }
    if (slot.function == F::kClimax && !pack.satisfaction_types.empty()) b.satisfaction = br.Pick(pack.satisfaction_types);
    if (slot.function == F::kPayoff || slot.function == F::kReversal) {
      bool last_chance = true;  // pay the arc's satisfaction on the first payoff, else the first reversal
      for (size_t j = i + 1; j < plan.slots.size(); ++j) last_chance &= plan.slots[j].function != F::kPayoff;
      if (arc_ep && !arc_satisfaction_paid && (slot.function == F::kPayoff || last_chance)) {
        b.satisfaction = arc_ep->satisfaction;
        arc_satisfaction_paid = true;
      } else if (!pack.satisfaction_types.empty()) {
        b.satisfaction = br.Pick(pack.satisfaction_types);
        if (arc_ep && b.satisfaction == arc_ep->satisfaction && pack.satisfaction_types.size() > 1)
          b.satisfaction = br.Pick(pack.satisfaction_types);  // a second draw makes repeats rarer
      }
    }
    beats.beats.push_back(std::move(b));
  }
  return beats;
}

std::string WriteScript(const Settings& settings, const Bible& bible, const Beats& beats, const GenrePack& pack) {
  Context ctx = MakeContext(settings, bible, pack, beats.episode);
  Screenplay script;
  bool zh = settings.lang == "zh";
  script.title_page.emplace_back("Title", bible.title + (zh ? " 第" + std::to_string(beats.episode) + "集"
                                                            : " — Episode " + std::to_string(beats.episode)));
  script.title_page.emplace_back("Credit", zh ? "编剧" : "Written by");
  script.title_page.emplace_back("Author", zh ? "Reelwright 内置编剧" : "Reelwright (built-in writer)");

  std::vector<F> functions;
  std::vector<Emotion> emotions;
  for (const auto& b : beats.beats) {
    functions.push_back(b.function);
    emotions.push_back(b.emotion);
  }
  auto slots = SlotsFor(functions, emotions);
  const Location* current = nullptr;
  auto add = [&](ScriptElementKind kind, std::string text) {
    ScriptElement e;
    e.kind = kind;
    e.text = std::move(text);
    if (kind == ScriptElementKind::kSection) e.section_depth = 1;
    script.elements.push_back(std::move(e));
  };
  UsedTemplates used;
  for (size_t i = 0; i < beats.beats.size(); ++i) {
    const Beat& beat = beats.beats[i];
    const Location* place = bible.FindLocation(beat.location);
    if (!place && !bible.locations.empty()) place = &bible.locations[0];
    if (!place) break;
    auto stream = BeatStream(ctx, slots[i], *place, used);
    auto closing = ClosingFor(beat.function, beat.summary);
    if (!beat.reveal.empty()) {
      std::string text = RevealText(bible, beat.reveal, settings.lang);
      if (!text.empty()) closing = ActionBlock(text);
    }
    // The k whose estimate matches the beat sheet's.
    int best_k = MinBlocks(beat.function);
    double best_diff = 1e9;
    for (int k = MinBlocks(beat.function); k <= static_cast<int>(stream.size()); ++k) {
      double diff = std::fabs(Seconds(BeatContent(stream, k, closing)) - beat.estimate_s);
      if (diff < best_diff - 1e-9) {
        best_diff = diff;
        best_k = k;
      }
    }
    add(ScriptElementKind::kSection, beat.id + " " + EnumName(beat.function));
    if (!beat.summary.empty() && beat.function != F::kCliffhanger) add(ScriptElementKind::kSynopsis, beat.summary);
    if (place != current) {
      add(ScriptElementKind::kSceneHeading, place->Heading());
      current = place;
    }
    for (const Block& block : BeatContent(stream, best_k, closing)) {
      if (block.action) {
        add(ScriptElementKind::kAction, block.text);
        continue;
      }
      for (const DraftLine& line : block.lines) {
        add(ScriptElementKind::kCharacter, CueName(*line.who));
        if (!line.parenthetical.empty()) add(ScriptElementKind::kParenthetical, line.parenthetical);
        add(ScriptElementKind::kDialogue, line.text);
      }
    }
  }
  return WriteFountain(script);
}

}  // namespace rw
