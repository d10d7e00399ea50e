#include "eval/eval.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <unordered_set>

#include "base/text.h"
#include "eval/shingles.h"

namespace rw {

namespace {

using F = BeatFunction;

constexpr size_t kShingle = 5;
constexpr double kScored = 8;  // dimensions in the overall score (authorship is not one)

std::string Num(double v, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Percent(double share) { return Num(100 * share, 0) + "%"; }

double Clamp100(double v) { return std::clamp(v, 0.0, 100.0); }

// A dimension under construction: penalties with their findings.
class Scorer {
 public:
  Scorer(std::string name, std::string formula, bool heuristic, int episode) : episode_(episode) {
    d_.name = std::move(name);
    d_.formula = std::move(formula);
    d_.heuristic = heuristic;
    d_.score = 100;
  }
  // Takes `points` off the score; a finding when `fix` is given, else a reason only.
  void Penalty(double points, const std::string& reason, const std::string& fix = "") {
    if (points <= 0) return;
    d_.score -= points;
    d_.reasons.push_back(reason + " (−" + Num(points, 0) + ")");
    if (!fix.empty()) fixes_.push_back({points / kScored, d_.name, episode_, fix});
  }
  void Note(const std::string& reason) { d_.reasons.push_back(reason); }
  void Metric(const std::string& key, double value) { d_.metrics[key] = std::round(value * 1000) / 1000; }
  void Set(double score) { d_.score = score; }
  Dimension Done(std::vector<Finding>& fixes) {
    d_.score = std::round(Clamp100(d_.score) * 10) / 10;
    fixes.insert(fixes.end(), fixes_.begin(), fixes_.end());
    return d_;
  }

 private:
  Dimension d_;
  std::vector<Finding> fixes_;
  int episode_;
};

// ---- time of beats ----

struct BeatTime {
  const Beat* beat = nullptr;
  double start = 0, end = 0;
  double first_unit_end = 0;  // when its first line or action has played
};

std::vector<BeatTime> BeatTimes(const EpisodeInput& ep) {
  std::vector<BeatTime> out;
  double estimated = 0;
  for (const auto& b : ep.beats.beats) {
    BeatTime t;
    t.beat = &b;
    bool found = false;
    for (const auto& l : ep.lines) {
      if (l.beat != b.id) continue;
      if (!found) {
        t.start = l.start_s;
        t.first_unit_end = l.end_s;
        t.end = l.end_s;
        found = true;
      }
      t.start = std::min(t.start, l.start_s);
      t.end = std::max(t.end, l.end_s);
    }
    if (!found) {  // a beat with no lines: the beat sheet's estimate
      t.start = estimated;
      t.end = t.first_unit_end = estimated + b.estimate_s;
    }
    estimated = t.end;
    out.push_back(t);
  }
  return out;
}

const BeatTime* First(const std::vector<BeatTime>& beats, F f) {
  for (const auto& b : beats)
    if (b.beat->function == f) return &b;
  return nullptr;
}

// ---- the dimensions of one episode ----

struct Context {
  const SeriesInput& series;
  const EpisodeInput& ep;
  std::vector<BeatTime> beats;
  const ArcEpisode* arc = nullptr;
  double hook_s = -1;
  double cliffhanger_strength = 0;
  double satisfaction_per_minute = 0;
};

Dimension Rhythm(Context& c, EpisodeReport& report, std::vector<Finding>& fixes) {
  const RhythmSettings& r = c.series.settings.rhythm;
  Scorer s("rhythm",
           "100, less: a late hook 8 + 8 a second late (up to 40; missing 40); a late first conflict 5 + 1 a second "
           "(up to 20); a late climax 5 + 0.5 a second (up to 20); no cliffhanger at the end 30 (too long 10); fewer "
           "than 4 new beats a minute 5 each; a beat longer than 20 s 1 a second over (up to 15)",
           false, c.ep.number);
  double seconds = c.ep.seconds;
  const BeatTime* hook = First(c.beats, F::kHook);
  c.hook_s = hook ? hook->first_unit_end : -1;
  report.landings.push_back({"hook", c.hook_s, r.hook_by_s, true, hook && c.hook_s <= r.hook_by_s + 0.05});
  s.Metric("hook_s", c.hook_s);
  if (!hook) {
    s.Penalty(40, "no hook beat", "no hook beat: open on a question, a threat or a reveal in the first " + Num(r.hook_by_s, 0) + " s");
  } else if (c.hook_s > r.hook_by_s + 0.05) {
    double late = c.hook_s - r.hook_by_s;
    s.Penalty(std::min(40.0, 8 + 8 * late), "hook lands at " + Num(c.hook_s) + " s",
              "hook lands at " + Num(c.hook_s) + " s; the template asks ≤ " + Num(r.hook_by_s, 0) +
                  " s: cut the first action line or open on dialogue");
  } else {
    s.Note("hook lands at " + Num(c.hook_s) + " s (template ≤ " + Num(r.hook_by_s, 0) + " s)");
  }
  struct Mark {
    const char* name;
    F function;
    double limit;
    double base, per_second, cap;
    const char* advice;
  };
  for (const Mark& m : {Mark{"conflict", F::kConflict, r.conflict_by_s, 5, 1, 20, "cut setup or move the confrontation earlier"},
                        Mark{"climax", F::kClimax, r.climax_by_s, 5, 0.5, 20, "tighten the middle beats (reelwright revise --tighten)"}}) {
    const BeatTime* b = First(c.beats, m.function);
    double at = b ? b->start : -1;
    report.landings.push_back({m.name, at, m.limit, true, b && at <= m.limit + 0.05});
    s.Metric(std::string(m.name) + "_s", at);
    if (!b) {
      s.Penalty(m.cap, std::string("no ") + m.name + " beat", std::string("no ") + m.name + " beat: the template asks for one by " + Num(m.limit, 0) + " s");
    } else if (at > m.limit + 0.05) {
      s.Penalty(std::min(m.cap, m.base + m.per_second * (at - m.limit)), std::string("first ") + m.name + " at " + Num(at) + " s",
                std::string("first ") + m.name + " at " + Num(at) + " s; the template asks ≤ " + Num(m.limit, 0) + " s: " + m.advice);
    }
  }
  const BeatTime* last = c.beats.empty() ? nullptr : &c.beats.back();
  bool ends_on_cliffhanger = last && last->beat->function == F::kCliffhanger;
  double window_start = seconds - r.cliffhanger_window_s;
  report.landings.push_back({"cliffhanger", ends_on_cliffhanger ? last->start : -1, window_start, false,
                             ends_on_cliffhanger && last->start >= window_start - 0.05});
  if (!ends_on_cliffhanger) {
    s.Penalty(30, "no cliffhanger at the end",
              "the episode does not end on a cliffhanger: end on an open question, so the next episode is bought");
  } else if (last->start < window_start - 0.05) {
    s.Penalty(10, "the cliffhanger runs " + Num(seconds - last->start) + " s",
              "the cliffhanger runs " + Num(seconds - last->start) + " s; the template asks ≤ " + Num(r.cliffhanger_window_s, 0) +
                  " s: end on its sharpest line");
  }
  double minutes = std::max(seconds, 1.0) / 60;
  double per_minute = static_cast<double>(c.beats.size()) / minutes;
  s.Metric("beats_per_minute", per_minute);
  if (per_minute < 4)
    s.Penalty((4 - per_minute) * 5, Num(per_minute) + " new beats a minute",
              "only " + Num(per_minute) + " new beats a minute: a micro-drama turns every 10–15 s; split long beats");
  double longest = 0;
  std::string longest_id;
  for (size_t i = 0; i < c.beats.size(); ++i) {
    double next = i + 1 < c.beats.size() ? c.beats[i + 1].start : seconds;
    if (next - c.beats[i].start > longest) {
      longest = next - c.beats[i].start;
      longest_id = c.beats[i].beat->id;
    }
  }
  s.Metric("longest_beat_s", longest);
  if (longest > 20)
    s.Penalty(std::min(15.0, longest - 20), longest_id + " runs " + Num(longest) + " s",
              longest_id + " runs " + Num(longest) + " s with no new beat: split it or cut lines");
  return s.Done(fixes);
}

Dimension Satisfaction(Context& c, std::vector<Finding>& fixes) {
  double every = c.series.settings.rhythm.satisfaction_every_s;
  Scorer s("satisfaction",
           "100, less: none at all 20; under 1 a minute 40 per missing point a minute; the longest stretch without one beyond " +
               Num(every, 0) + " s 1.5 a second (up to 40); one type only (3 or more points) 10",
           false, c.ep.number);
  std::vector<double> at;
  std::set<std::string> types;
  for (const auto& b : c.beats)
    if (!b.beat->satisfaction.empty()) {
      at.push_back(b.start);
      types.insert(b.beat->satisfaction);
    }
  double minutes = std::max(c.ep.seconds, 1.0) / 60;
  c.satisfaction_per_minute = static_cast<double>(at.size()) / minutes;
  s.Metric("points", static_cast<double>(at.size()));
  s.Metric("per_minute", c.satisfaction_per_minute);
  s.Metric("types", static_cast<double>(types.size()));
  if (at.empty()) {
    s.Penalty(20, "no satisfaction point", "no satisfaction point: pay the audience off (a face-slap, a reveal, a rescue) every 20–30 s");
  }
  if (c.satisfaction_per_minute < 1)
    s.Penalty((1 - c.satisfaction_per_minute) * 40, Num(c.satisfaction_per_minute) + " satisfaction points a minute");
  double gap = 0, from = 0, gap_from = 0;
  std::vector<double> marks = at;
  marks.push_back(c.ep.seconds);
  for (double t : marks) {
    if (t - from > gap) {
      gap = t - from;
      gap_from = from;
    }
    from = t;
  }
  s.Metric("longest_gap_s", gap);
  if (gap > every)
    s.Penalty(std::min(40.0, (gap - every) * 1.5), "no satisfaction point for " + Num(gap) + " s",
              "no satisfaction point between " + Num(gap_from) + " s and " + Num(gap_from + gap) + " s (" + Num(gap) +
                  " s); the template asks one every " + Num(every, 0) + " s: pay off a face-slap or a reveal in between");
  if (at.size() >= 3 && types.size() == 1) s.Penalty(10, "every point is a " + *types.begin());
  if (!types.empty()) {
    std::string list;
    for (const auto& t : types) list += (list.empty() ? "" : ", ") + t;
    s.Note("types: " + list);
  }
  return s.Done(fixes);
}

// A tiny sentiment lexicon: words that colour a line (heuristic).
double LexiconValence(const std::string& text) {
  static const std::vector<std::string> kPositive = {
      "love", "thank", "win", "won", "proud", "free", "safe", "smile", "yes", "happy", "hope", "trust", "promise",
      "together", "forgive", "home", "beautiful", "glad", "welcome", "victory", "saved", "kiss", "gift",
      "爱", "谢谢", "赢", "骄傲", "自由", "安全", "笑", "开心", "希望", "信任", "答应", "一起", "原谅", "家", "幸福", "欢迎", "救", "好"};
  static const std::vector<std::string> kNegative = {
      "hate", "kill", "dead", "die", "lie", "liar", "betray", "never", "nothing", "fired", "ruin", "cheat", "steal",
      "stole", "blood", "fear", "alone", "sorry", "cry", "grave", "funeral", "threat", "prison", "lost", "pain",
      "恨", "杀", "死", "骗", "背叛", "滚", "毁", "偷", "血", "怕", "孤独", "哭", "坟", "葬", "牢", "痛", "丢", "贱"};
  std::string lower = ToLowerAscii(text);
  int pos = 0, neg = 0;
  for (const auto& w : kPositive)
    if (lower.find(w) != std::string::npos) ++pos;
  for (const auto& w : kNegative)
    if (lower.find(w) != std::string::npos) ++neg;
  if (pos + neg == 0) return 0;
  return static_cast<double>(pos - neg) / (pos + neg);
}

Dimension EmotionCurve(Context& c, EpisodeReport& report, std::vector<Finding>& fixes) {
  Scorer s("emotion",
           "100, less: a valence range under 1.0 40 a unit; fewer than 2 reversals 12 each; the longest wait for an arousal "
           "spike (≥ 0.75) beyond 40 s 1 a second (up to 30). The curve is the beats' valence/arousal, moved 30% toward a "
           "word lexicon's reading of each dialogue line",
           true, c.ep.number);
  std::vector<EmotionPoint>& curve = report.emotion;
  for (const auto& b : c.beats) {
    curve.push_back({b.start, b.beat->emotion.valence, b.beat->emotion.arousal});
    for (const auto& l : c.ep.lines) {
      if (!l.dialogue || l.beat != b.beat->id) continue;
      double lex = LexiconValence(l.text);
      if (lex == 0) continue;
      double v = std::clamp(0.7 * b.beat->emotion.valence + 0.3 * lex, -1.0, 1.0);
      curve.push_back({(l.start_s + l.end_s) / 2, std::round(v * 100) / 100, b.beat->emotion.arousal});
    }
  }
  std::stable_sort(curve.begin(), curve.end(), [](const EmotionPoint& a, const EmotionPoint& b) { return a.t < b.t; });
  double lo = 1, hi = -1;
  for (const auto& p : curve) {
    lo = std::min(lo, p.valence);
    hi = std::max(hi, p.valence);
  }
  double range = curve.empty() ? 0 : hi - lo;
  int reversals = 0, sign = 0;
  for (const auto& b : c.beats) {
    double v = b.beat->emotion.valence;
    int now = v > 0.1 ? 1 : v < -0.1 ? -1 : 0;
    if (now != 0 && sign != 0 && now != sign) ++reversals;
    if (now != 0) sign = now;
  }
  double last_spike = 0, longest_wait = 0;
  int spikes = 0;
  for (const auto& b : c.beats) {
    if (b.beat->emotion.arousal < 0.75) continue;
    ++spikes;
    longest_wait = std::max(longest_wait, b.start - last_spike);
    last_spike = b.start;
  }
  longest_wait = std::max(longest_wait, c.ep.seconds - last_spike);
  s.Metric("valence_range", range);
  s.Metric("reversals", reversals);
  s.Metric("spikes", spikes);
  s.Metric("longest_wait_for_spike_s", longest_wait);
  if (range < 1.0)
    s.Penalty((1.0 - range) * 40, "valence spans " + Num(range, 2),
              "the emotion stays in a narrow band (valence spans " + Num(range, 2) + "): let one beat hit bottom and one soar");
  if (reversals < 2)
    s.Penalty((2 - reversals) * 12, std::to_string(reversals) + " reversal" + (reversals == 1 ? "" : "s"),
              "only " + std::to_string(reversals) + " emotional reversal" + (reversals == 1 ? "" : "s") +
                  ": turn a defeat into a win (or back) at least twice an episode");
  if (longest_wait > 40)
    s.Penalty(std::min(30.0, longest_wait - 40), Num(longest_wait) + " s without a spike",
              Num(longest_wait) + " s pass without an emotional spike: raise the stakes of a middle beat (arousal ≥ 0.75)");
  return s.Done(fixes);
}

std::vector<std::string> WordSet(const std::string& text) {
  auto tokens = ShingleTokens(text);
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  return tokens;
}

double JaccardDistance(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  size_t all = a.size() + b.size() - both.size();
  return all == 0 ? 0 : 1.0 - static_cast<double>(both.size()) / static_cast<double>(all);
}

Dimension Characters(Context& c, EpisodeReport& report, std::vector<Finding>& fixes) {
  Scorer s("characters",
           "100, less: the protagonist not on screen in the first 10 s 25; look tokens missing from shot prompts 50 times the "
           "share of shots that miss them; two characters who sound alike (their lines' words overlap: mean Jaccard distance "
           "under 0.75) 60 per unit under; a name spelled two ways 10 each; a reference image missing from a shot that shows "
           "its character 3 a shot (up to 30)",
           false, c.ep.number);
  const Bible& bible = c.series.bible;
  std::map<std::string, ScreenTime> time;
  for (const auto& ch : bible.characters) time[ch.id] = {ch.id, ch.name, 0, 0};
  if (!c.ep.shots.empty()) {
    for (const auto& shot : c.ep.shots)
      for (const auto& id : shot.cast)
        if (time.count(id)) time[id].seconds += shot.duration_s;
  } else {
    for (const auto& l : c.ep.lines)
      if (l.dialogue && time.count(l.character)) time[l.character].seconds += l.end_s - l.start_s;
  }
  for (const auto& l : c.ep.lines)
    if (l.dialogue && time.count(l.character)) ++time[l.character].lines;
  for (const auto& ch : bible.characters) {
    ScreenTime t = time[ch.id];
    t.seconds = std::round(t.seconds * 10) / 10;
    if (t.seconds > 0 || t.lines > 0) report.screen_time.push_back(t);
  }
  std::stable_sort(report.screen_time.begin(), report.screen_time.end(),
                   [](const ScreenTime& a, const ScreenTime& b) { return a.seconds > b.seconds; });

  // The protagonist in the first 10 s.
  const Character* hero = nullptr;
  for (const auto& ch : bible.characters)
    if (ch.role == "protagonist" && !hero) hero = &ch;
  if (!hero && !bible.characters.empty()) hero = &bible.characters[0];
  if (hero) {
    double first = -1;
    for (const auto& shot : c.ep.shots)
      if (std::find(shot.cast.begin(), shot.cast.end(), hero->id) != shot.cast.end() && (first < 0 || shot.start_s < first))
        first = shot.start_s;
    for (const auto& l : c.ep.lines)
      if ((l.dialogue ? l.character == hero->id : l.text.find(hero->name) != std::string::npos) && (first < 0 || l.start_s < first))
        first = l.start_s;
    s.Metric("protagonist_first_s", first);
    if (first < 0 || first > 10)
      s.Penalty(25, hero->name + " first seen at " + (first < 0 ? std::string("no point") : Num(first) + " s"),
                hero->name + " (the protagonist) is not on screen in the first 10 s: open on her or him");
  }

  // Consistency: everyone in a shot who has a reference image is given it.
  std::map<std::string, std::vector<std::string>> no_reference;
  for (const auto& shot : c.ep.shots)
    for (const auto& id : shot.cast) {
      const Character* ch = bible.FindCharacter(id);
      if (ch && !ch->reference.empty() &&
          std::find(shot.references.begin(), shot.references.end(), ch->reference) == shot.references.end())
        no_reference[id].push_back(shot.id);
    }
  for (const auto& [id, shots] : no_reference) {
    const Character* ch = bible.FindCharacter(id);
    s.Penalty(std::min(30.0, 3.0 * static_cast<double>(shots.size())),
              ch->name + "'s reference image missing from " + std::to_string(shots.size()) + " shots",
              ch->name + "'s reference image (" + ch->reference + ") is missing from " + std::to_string(shots.size()) +
                  " shots (" + shots.front() + (shots.size() > 1 ? "…" : "") + "): add it to their references or plan the shots again");
  }

  // Consistency: every look token of everyone in a shot is in its prompt.
  int with_cast = 0, complete = 0;
  std::map<std::string, std::pair<int, std::vector<std::string>>> misses;  // id → (shots in, shots missing tokens)
  for (const auto& shot : c.ep.shots) {
    if (shot.cast.empty()) continue;
    ++with_cast;
    bool ok = true;
    std::string prompt = ToLowerAscii(shot.prompt);
    for (const auto& id : shot.cast) {
      const Character* ch = bible.FindCharacter(id);
      if (!ch) continue;
      ++misses[id].first;
      bool all = true;
      for (const auto& token : ch->look)
        if (prompt.find(ToLowerAscii(token)) == std::string::npos) all = false;
      if (!all) {
        misses[id].second.push_back(shot.id);
        ok = false;
      }
    }
    complete += ok;
  }
  double consistency = with_cast == 0 ? 1.0 : static_cast<double>(complete) / with_cast;
  s.Metric("look_consistency", consistency);
  for (const auto& [id, m] : misses) {
    if (m.second.empty()) continue;
    const Character* ch = bible.FindCharacter(id);
    std::string shots;
    for (size_t i = 0; i < m.second.size() && i < 4; ++i) shots += (i ? ", " : "") + m.second[i];
    if (m.second.size() > 4) shots += "…";
    double share = static_cast<double>(m.second.size()) / with_cast;
    s.Penalty(50 * share, ch->name + "'s look tokens missing from " + std::to_string(m.second.size()) + " of " + std::to_string(m.first) + " shots",
              ch->name + "'s look tokens are missing from " + std::to_string(m.second.size()) + " of their " + std::to_string(m.first) +
                  " shots (" + shots + "): put '" + (ch->look.empty() ? std::string() : ch->look[0]) + "' and the rest of the look in those prompts");
  }

  // Distinct voices: characters with 3 or more lines.
  std::vector<std::pair<const Character*, std::vector<std::string>>> voices;
  for (const auto& ch : bible.characters) {
    std::string words;
    int n = 0;
    for (const auto& l : c.ep.lines)
      if (l.dialogue && l.character == ch.id) {
        words += l.text + " ";
        ++n;
      }
    if (n >= 3) voices.push_back({&ch, WordSet(words)});
  }
  double total = 0;
  int pairs = 0;
  std::string closest;
  double closest_d = 2;
  for (size_t i = 0; i < voices.size(); ++i)
    for (size_t j = i + 1; j < voices.size(); ++j) {
      double d = JaccardDistance(voices[i].second, voices[j].second);
      total += d;
      ++pairs;
      if (d < closest_d) {
        closest_d = d;
        closest = voices[i].first->name + " and " + voices[j].first->name;
      }
    }
  double distinct = pairs ? total / pairs : 1;
  s.Metric("voice_distance", distinct);
  if (pairs && distinct < 0.75)
    s.Penalty((0.75 - distinct) * 60, "voices overlap (mean distance " + Num(distinct, 2) + ")",
              closest + " sound alike (their words overlap): give each a way of speaking of their own");

  // A name never spelled two ways.
  std::set<std::string> reported;
  for (const auto& name : c.ep.cue_names) {
    bool exact = false;
    const Character* near = nullptr;
    for (const auto& ch : bible.characters) {
      if (name == ch.name || ToUpperAscii(name) == ToUpperAscii(ch.name)) exact = true;
      else if (EditDistance(ToUpperAscii(name), ToUpperAscii(ch.name)) <= 2) near = &ch;
    }
    if (!exact && near && reported.insert(name).second)
      s.Penalty(10, "'" + name + "' is spelled like " + near->name,
                "'" + name + "' looks like a second spelling of " + near->name + ": use one spelling");
  }
  return s.Done(fixes);
}

// The hook type a cliffhanger's words show (heuristic): crisis (danger), information (a
// reveal), decision (a choice forced), emotion (a heart at stake); empty when none shows.
std::string HookTypeOf(const std::string& text) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kTypes = {
      {"crisis", {"gun", "knife", "blood", "fire", "fall", "dying", "dies", "hospital", "bomb", "poison", "kidnap", "crash",
                  "枪", "刀", "血", "火", "坠", "医院", "毒", "绑架", "车祸", "昏迷"}},
      {"information", {"secret", "truth", "dna", "photo", "letter", "alive", "real ", "identity", "recording", "file", "?",
                       "秘密", "真相", "照片", "亲子", "身份", "录音", "活着", "？"}},
      {"decision", {"choose", "must", "sign", "marry", "leave", "divorce", "offer", "deal", "选", "签", "嫁", "离开", "离婚", "交易"}},
      {"emotion", {"tears", "love", "kiss", "betray", "heart", "cries", "哭", "爱", "吻", "背叛", "心"}}};
  std::string lower = ToLowerAscii(text);
  for (const auto& [type, words] : kTypes)
    for (const auto& w : words)
      if (lower.find(w) != std::string::npos) return type;
  return {};
}

// Cliffhanger strength, 0–100 (heuristic): by the hook type it ends on, raised by intensity.
double CliffhangerStrength(const Context& c, std::vector<std::string>& why) {
  if (c.beats.empty() || c.beats.back().beat->function != F::kCliffhanger) {
    why.push_back("no cliffhanger");
    return 0;
  }
  const Beat& b = *c.beats.back().beat;
  std::string type = HookTypeOf(b.summary + " " + (c.arc ? c.arc->cliffhanger : std::string()));
  static const std::map<std::string, double> kBase = {{"crisis", 80}, {"information", 75}, {"decision", 70}, {"emotion", 60}};
  double strength = type.empty() ? 50 : kBase.at(type);
  why.push_back(type.empty() ? "no hook type shows in its words" : "a " + type + " hook");
  if (b.emotion.arousal >= 0.8) strength += 10, why.push_back("high arousal");
  if (b.emotion.valence < 0) strength += 10, why.push_back("unresolved (dark)");
  return std::min(100.0, strength);
}

Dimension Plot(Context& c, std::vector<Finding>& fixes) {
  Scorer s("plot",
           "100, less: a setup beat with no payoff, reversal or climax after it 15 each; a planned reveal that does not land 15 "
           "each; a weak cliffhanger 0.4 per point of strength under 100 (strength by the hook type its words show: crisis "
           "80, information 75, decision 70, emotion 60, none 50; +10 arousal ≥ 0.8, +10 dark)",
           true, c.ep.number);
  for (size_t i = 0; i < c.beats.size(); ++i) {
    if (c.beats[i].beat->function != F::kSetup) continue;
    bool paid = false;
    for (size_t j = i + 1; j < c.beats.size(); ++j) {
      F f = c.beats[j].beat->function;
      paid |= f == F::kPayoff || f == F::kReversal || f == F::kClimax;
    }
    if (!paid)
      s.Penalty(15, c.beats[i].beat->id + " sets up what nothing pays off",
                c.beats[i].beat->id + " sets something up that nothing after it pays off: add a payoff or cut the setup");
  }
  if (c.arc)
    for (const auto& reveal : c.arc->reveals) {
      bool landed = false;
      for (const auto& b : c.beats) landed |= b.beat->reveal == reveal;
      if (!landed) s.Penalty(15, "planned reveal '" + reveal + "' does not land", "the arc plans the reveal '" + reveal + "' here, but no beat lands it");
    }
  std::vector<std::string> why;
  c.cliffhanger_strength = CliffhangerStrength(c, why);
  s.Metric("cliffhanger_strength", c.cliffhanger_strength);
  std::string because;
  for (const auto& w : why) because += (because.empty() ? "" : ", ") + w;
  if (c.cliffhanger_strength < 100)
    s.Penalty((100 - c.cliffhanger_strength) * 0.4, "cliffhanger strength " + Num(c.cliffhanger_strength, 0) + " (" + because + ")",
              c.cliffhanger_strength < 70 ? "the cliffhanger is weak (" + Num(c.cliffhanger_strength, 0) +
                                                "/100): end on a threat, a reveal or a question, at high intensity"
                                          : "");
  return s.Done(fixes);
}

Dimension Subtitles(Context& c, std::vector<Finding>& fixes) {
  bool zh = c.series.settings.lang == "zh";
  double max_cps = zh ? 9 : 17;
  size_t max_line = zh ? 16 : 42;
  Scorer s("subtitles",
           std::string("100, less: 70 times the share of cues read faster than ") + Num(max_cps, 0) +
               " characters a second, 20 times the share with a line over " + std::to_string(max_line) +
               " characters, 10 times the share with more than 2 lines, 40 times the share of voiced lines a "
               "transcription server hears differently from their subtitle (when one is set)",
           false, c.ep.number);
  std::vector<EvalCue> cues = c.ep.cues;
  if (cues.empty())
    for (const auto& l : c.ep.lines)
      if (l.dialogue) cues.push_back({l.text, {l.text}, l.start_s, l.end_s});
  int fast = 0, long_lines = 0, many_lines = 0;
  double worst = 0, sum = 0;
  const EvalCue* worst_cue = nullptr;
  for (const auto& cue : cues) {
    std::string joined;
    for (const auto& line : cue.lines) joined += line;
    if (joined.empty()) joined = cue.text;
    size_t chars = 0;
    for (char32_t ch : DecodeUtf8(joined))
      if (!(zh && ch == U' ')) ++chars;
    double cps = static_cast<double>(chars) / std::max(0.3, cue.end_s - cue.start_s);
    sum += cps;
    if (cps > max_cps + 1e-9) ++fast;
    if (cps > worst) {
      worst = cps;
      worst_cue = &cue;
    }
    bool too_long = false;
    for (const auto& line : cue.lines) too_long |= DecodeUtf8(line).size() > max_line;
    long_lines += too_long;
    many_lines += cue.lines.size() > 2;
  }
  double n = std::max<size_t>(1, cues.size());
  s.Metric("cues", static_cast<double>(cues.size()));
  s.Metric("max_cps", worst);
  s.Metric("mean_cps", cues.empty() ? 0 : sum / n);
  s.Metric("fast_cues", fast);
  if (fast)
    s.Penalty(70 * fast / n, std::to_string(fast) + " of " + std::to_string(cues.size()) + " cues faster than " + Num(max_cps, 0) + " cps",
              std::to_string(fast) + " of " + std::to_string(cues.size()) + " cues read faster than " + Num(max_cps, 0) +
                  " characters a second (worst " + Num(worst) + " at " + Num(worst_cue->start_s) + " s: \"" + worst_cue->text +
                  "\"): shorten the lines or slow the voices");
  if (long_lines)
    s.Penalty(20 * long_lines / n, std::to_string(long_lines) + " cues with a line over " + std::to_string(max_line) + " characters",
              std::to_string(long_lines) + " cues have a line over " + std::to_string(max_line) + " characters: break them or cut words");
  if (many_lines) s.Penalty(10 * many_lines / n, std::to_string(many_lines) + " cues with more than 2 lines");
  // What the transcription server heard: a voiced line that does not say what its subtitle says.
  if (c.ep.transcribed_lines > 0) {
    s.Metric("transcribed_lines", c.ep.transcribed_lines);
    s.Metric("misheard_lines", static_cast<double>(c.ep.misheard.size()));
    for (const auto& m : c.ep.misheard)
      s.Penalty(40.0 / c.ep.transcribed_lines,
                m.line + " at " + Num(m.start_s) + " s: the script says \"" + m.script + "\", the voice says \"" + m.heard + "\"",
                m.line + " at " + Num(m.start_s) + " s is heard as \"" + m.heard + "\" but its subtitle says \"" + m.script +
                    "\": re-record or re-voice the line, or correct the script");
  }
  return s.Done(fixes);
}

// Shingles of a pack template: slots become a token no script has, so no run spans one.
std::unordered_set<uint64_t> PackShingles(const std::vector<std::string>& texts) {
  std::unordered_set<uint64_t> out;
  for (const auto& t : texts) {
    std::string cleaned;
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '{') {
        size_t end = t.find('}', i);
        if (end != std::string::npos) {
          cleaned += " \x01slot\x01 ";
          i = end;
          continue;
        }
      }
      cleaned += t[i];
    }
    auto s = Shingles(ShingleTokens(cleaned), kShingle);
    out.insert(s.begin(), s.end());
  }
  return out;
}

double DistinctBigrams(const std::vector<std::string>& tokens) {
  if (tokens.size() < 2) return 1;
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) seen.insert({tokens[i], tokens[i + 1]});
  return static_cast<double>(seen.size()) / static_cast<double>(tokens.size() - 1);
}

struct OriginalityData {
  std::vector<std::unordered_set<uint64_t>> episodes;
  std::unordered_set<uint64_t> pack;
};

Dimension Originality(Context& c, size_t index, const OriginalityData& data, std::vector<Finding>& fixes) {
  Scorer s("originality",
           "100 − 160 × the larger of: the share of this episode's 5-word runs (Chinese: 5 characters) that another episode "
           "of the series has, and the share that the genre pack's templates have (so 62.5% shared scores 0). Formulaic "
           "above 25% from the pack or 30% from another episode",
           false, c.ep.number);
  const auto& mine = data.episodes[index];
  double series_share = 0;
  int other = 0;
  for (size_t j = 0; j < data.episodes.size(); ++j) {
    if (j == index) continue;
    double share = SharedShare(mine, data.episodes[j]);
    if (share > series_share) {
      series_share = share;
      other = c.series.episodes[j].number;
    }
  }
  double pack_share = 0;
  if (!mine.empty() && !data.pack.empty()) {
    size_t in = 0;
    for (uint64_t h : mine) in += data.pack.count(h);
    pack_share = static_cast<double>(in) / static_cast<double>(mine.size());
  }
  double distinct = DistinctBigrams(ShingleTokens(c.ep.text));
  s.Metric("series_share", series_share);
  s.Metric("pack_share", pack_share);
  s.Metric("distinct_2", distinct);
  s.Set(100 - 160 * std::max(series_share, pack_share));
  s.Note(Percent(pack_share) + " of its 5-word runs come from the genre pack's templates" +
         (other ? "; " + Percent(series_share) + " are shared with episode " + std::to_string(other) : std::string()));
  s.Note("distinct-2: " + Num(distinct, 2));
  if (pack_share > 0.25)
    fixes.push_back({160 * pack_share / kScored, "originality", c.ep.number,
                     "formulaic: " + Percent(pack_share) + " of this episode's 5-word runs come from the genre pack's templates: "
                     "rewrite the lines that carry the story in your own words (or `reelwright variants`)"});
  if (series_share > 0.3)
    fixes.push_back({160 * series_share / kScored, "originality", c.ep.number,
                     "formulaic: " + Percent(series_share) + " of this episode's 5-word runs repeat episode " + std::to_string(other) +
                         ": vary the repeated scenes"});
  return s.Done(fixes);
}

Dimension Market(Context& c, std::vector<Finding>& fixes) {
  const RhythmSettings& r = c.series.settings.rhythm;
  Scorer s("market",
           "0.3 × hook (100 when it lands by " + Num(r.hook_by_s, 0) + " s, 15 less a second after; 0 if none) + 0.25 × "
           "cliffhanger strength + 0.15 × satisfaction density (40 + 30 a point a minute, up to 100) + 0.15 × length fit (100 "
           "within 60–120 s, 3 less a second outside) + 0.15 × paywall fit (100, except the paywall episode: 60 outside "
           "episodes 8–12, and 30% less when its cliffhanger is under 80). A heuristic after what the vertical platforms "
           "report of completion and paid unlocks",
           true, c.ep.number);
  double hook = c.hook_s < 0 ? 0 : Clamp100(100 - std::max(0.0, c.hook_s - r.hook_by_s) * 15);
  double density = Clamp100(40 + 30 * c.satisfaction_per_minute);
  double seconds = c.ep.seconds;
  double length = Clamp100(100 - 3 * std::max({0.0, 60 - seconds, seconds - 120}));
  s.Metric("hook", hook);
  s.Metric("cliffhanger", c.cliffhanger_strength);
  s.Metric("satisfaction_density", density);
  s.Metric("length_fit", length);
  double paywall = 100;
  if (c.arc && c.arc->paywall) {
    int at = c.ep.number;
    paywall = (at >= 8 && at <= 12 ? 100.0 : 60.0) * (c.cliffhanger_strength >= 80 ? 1.0 : 0.7);
    if (paywall < 100)
      fixes.push_back({(100 - paywall) * 0.15 / kScored, "market", c.ep.number,
                       "the paywall episode " + std::string(at >= 8 && at <= 12 ? "" : "sits outside episodes 8–12 and ") +
                           (c.cliffhanger_strength >= 80 ? "" : "ends on a cliffhanger weaker than 80/100; ") +
                           "viewers pay when the strongest question lands where they are hooked"});
  }
  s.Metric("paywall_fit", paywall);
  s.Set(0.3 * hook + 0.25 * c.cliffhanger_strength + 0.15 * density + 0.15 * length + 0.15 * paywall);
  if (length < 100)
    fixes.push_back({(100 - length) * 0.2 / kScored, "market", c.ep.number,
                     "the episode runs " + Num(seconds) + " s; the platforms sell 60–120 s episodes"});
  return s.Done(fixes);
}

Dimension Authorship(const EpisodeInput& ep) {
  Dimension d;
  d.name = "authorship";
  d.scored = false;
  d.formula = "the share of the script's words a person wrote (edited lines included), from the ledger; reported, not scored";
  if (ep.human_share < 0) {
    d.score = 0;
    d.reasons.push_back("no ledger yet: build the series to record who wrote each line");
  } else {
    d.score = std::round(ep.human_share * 1000) / 10;
    d.reasons.push_back(Percent(ep.human_share) + " of the words are a person's");
  }
  d.metrics["human_share"] = ep.human_share;
  return d;
}

// ---- the series ----

Dimension SeriesPlot(const SeriesInput& in, const std::vector<EpisodeReport>& episodes, std::vector<Finding>& fixes) {
  Scorer s("plot",
           "100, less: a character introduced and then dropped (in 2 episodes or fewer, last seen before the final quarter; "
           "series of 6 or more) 10 each; a paywall outside episodes 8–12 15; the paywall's cliffhanger not the season's "
           "strongest 10; no payoff of it one or two episodes later 15",
           true, 0);
  int n = static_cast<int>(in.episodes.size());
  if (n >= 6) {
    for (const auto& ch : in.bible.characters) {
      if (ch.role == "protagonist") continue;
      std::vector<int> seen;
      for (const auto& ep : in.episodes) {
        bool in_ep = false;
        for (const auto& b : ep.beats.beats) in_ep |= std::find(b.cast.begin(), b.cast.end(), ch.id) != b.cast.end();
        for (const auto& l : ep.lines) in_ep |= l.dialogue && l.character == ch.id;
        if (in_ep) seen.push_back(ep.number);
      }
      int last = in.episodes.back().number;
      if (!seen.empty() && seen.size() <= 2 && seen.back() < last - n / 4)
        s.Penalty(10, ch.name + " appears in " + std::to_string(seen.size()) + " episode(s) and is dropped",
                  ch.name + " is introduced (episode " + std::to_string(seen.front()) + ") and then dropped: bring them back or cut them");
    }
  }
  int paywall = in.settings.paywall_episode;
  if (n >= paywall) {
    if (paywall < 8 || paywall > 12)
      s.Penalty(15, "paywall at episode " + std::to_string(paywall),
                "the paywall is at episode " + std::to_string(paywall) + "; viewers commit around episodes 8–12");
    double paywall_strength = -1, strongest = 0;
    for (const auto& e : episodes) {
      const Dimension* plot = e.Find("plot");
      double strength = plot && plot->metrics.count("cliffhanger_strength") ? plot->metrics.at("cliffhanger_strength") : 0;
      strongest = std::max(strongest, strength);
      if (e.number == paywall) paywall_strength = strength;
    }
    if (paywall_strength >= 0 && paywall_strength < strongest)
      s.Penalty(10, "the paywall's cliffhanger is not the strongest",
                "episode " + std::to_string(paywall) + " (the paywall) does not end on the season's strongest cliffhanger (" +
                    Num(paywall_strength, 0) + " vs " + Num(strongest, 0) + ")");
    bool answered = false;
    for (const auto& a : in.arc.episodes)
      answered |= a.pays_off == paywall && a.number > paywall && a.number <= paywall + 2;
    if (n > paywall && !answered)
      s.Penalty(15, "the paywall's cliffhanger is not paid off", "nothing in the arc pays off the paywall's cliffhanger in the next two episodes");
  }
  return s.Done(fixes);
}

Dimension SeriesOriginality(const OriginalityData& data, const SeriesInput& in) {
  Dimension d;
  d.name = "originality";
  d.formula = "100 − 160 × the largest share of 5-word runs two episodes of the series have in common";
  SamenessResult r;
  for (size_t i = 0; i < data.episodes.size(); ++i)
    for (size_t j = i + 1; j < data.episodes.size(); ++j) {
      double share = SharedShare(data.episodes[i], data.episodes[j]);
      if (share > r.max_share) r = {share, i, j, 0};
    }
  d.score = std::round(Clamp100(100 - 160 * r.max_share) * 10) / 10;
  d.metrics["max_share"] = r.max_share;
  if (data.episodes.size() > 1)
    d.reasons.push_back("episodes " + std::to_string(in.episodes[r.a].number) + " and " + std::to_string(in.episodes[r.b].number) +
                        " share " + Percent(r.max_share) + " of their 5-word runs");
  return d;
}

}  // namespace

const std::vector<std::string>& DimensionNames() {
  static const std::vector<std::string> kNames = {"rhythm",    "satisfaction", "emotion", "characters", "plot",
                                                  "subtitles", "originality",  "market",  "authorship"};
  return kNames;
}

const Dimension* EpisodeReport::Find(const std::string& name) const {
  for (const auto& d : dimensions)
    if (d.name == name) return &d;
  return nullptr;
}

SeriesReport Evaluate(const SeriesInput& input) {
  SeriesReport report;
  report.title = input.bible.title;
  report.lang = input.settings.lang;
  OriginalityData originality;
  originality.pack = PackShingles(input.pack_texts);
  for (const auto& ep : input.episodes) originality.episodes.push_back(Shingles(ShingleTokens(ep.text), kShingle));

  for (size_t i = 0; i < input.episodes.size(); ++i) {
    const EpisodeInput& ep = input.episodes[i];
    Context c{input, ep, BeatTimes(ep), nullptr};
    for (const auto& a : input.arc.episodes)
      if (a.number == ep.number) c.arc = &a;
    EpisodeReport r;
    r.number = ep.number;
    r.title = ep.beats.title.empty() && c.arc ? c.arc->title : ep.beats.title;
    r.seconds = std::round(ep.seconds * 100) / 100;
    r.timed = ep.timed;
    for (const auto& b : c.beats)
      r.beats.push_back({b.beat->id, EnumName(b.beat->function), b.start, b.end, b.beat->satisfaction});
    std::vector<Finding> fixes;
    r.dimensions.push_back(Rhythm(c, r, fixes));
    r.dimensions.push_back(Satisfaction(c, fixes));
    r.dimensions.push_back(EmotionCurve(c, r, fixes));
    r.dimensions.push_back(Characters(c, r, fixes));
    r.dimensions.push_back(Plot(c, fixes));
    r.dimensions.push_back(Subtitles(c, fixes));
    r.dimensions.push_back(Originality(c, i, originality, fixes));
    r.dimensions.push_back(Market(c, fixes));
    r.dimensions.push_back(Authorship(ep));
    double sum = 0;
    for (const auto& d : r.dimensions)
      if (d.scored) sum += d.score;
    r.overall = std::round(sum / kScored * 10) / 10;
    std::stable_sort(fixes.begin(), fixes.end(), [](const Finding& a, const Finding& b) { return a.cost > b.cost; });
    for (auto& f : fixes) f.cost = std::round(f.cost * 10) / 10;
    r.fixes = fixes;
    report.episodes.push_back(std::move(r));
  }

  std::vector<Finding> fixes;
  report.dimensions.push_back(SeriesPlot(input, report.episodes, fixes));
  report.dimensions.push_back(SeriesOriginality(originality, input));
  double episodes_mean = 0;
  for (const auto& e : report.episodes) {
    episodes_mean += e.overall;
    fixes.insert(fixes.end(), e.fixes.begin(), e.fixes.end());
  }
  if (!report.episodes.empty()) episodes_mean /= static_cast<double>(report.episodes.size());
  double series_mean = 0;
  for (const auto& d : report.dimensions) series_mean += d.score;
  series_mean /= static_cast<double>(report.dimensions.size());
  report.overall = std::round((report.episodes.empty() ? series_mean : 0.8 * episodes_mean + 0.2 * series_mean) * 10) / 10;
  std::stable_sort(fixes.begin(), fixes.end(), [](const Finding& a, const Finding& b) { return a.cost > b.cost; });
  for (auto& f : fixes) f.cost = std::round(f.cost * 10) / 10;
  report.fixes = std::move(fixes);
  return report;
}

}  // namespace rw
