#include "story/revise.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "base/text.h"
#include "schema/timing.h"

namespace rw {

namespace {

using K = ScriptElementKind;

// A script cut into its beats: the elements before the first "# Bxx" section, then one span per
// section.
struct BeatSpan {
  std::string id;        // "B03"
  std::string function;  // "conflict"
  size_t begin = 0, end = 0;
};

std::vector<BeatSpan> BeatSpans(const Screenplay& s) {
  std::vector<BeatSpan> spans;
  for (size_t i = 0; i < s.elements.size(); ++i) {
    const auto& e = s.elements[i];
    if (e.kind == K::kSection && e.section_depth == 1) {
      if (!spans.empty()) spans.back().end = i;
      auto words = Split(Trim(e.text), ' ');
      spans.push_back({words.empty() ? "" : words[0], words.size() > 1 ? ToLowerAscii(words[1]) : "", i, s.elements.size()});
    }
  }
  return spans;
}

int RateOf(const Bible& bible, const std::string& cue) {
  const Character* c = bible.FindCharacterByName(cue);
  return c ? c->voice.rate : 165;
}

// Seconds of one element as the shot planner will time it.
double ElementSeconds(const Screenplay& s, size_t i, const Bible& bible) {
  const auto& e = s.elements[i];
  if (e.kind == K::kAction) return ActionShotSeconds(e.text);
  if (e.kind == K::kDialogue) {
    std::string cue;
    for (size_t k = i; k-- > 0;)
      if (s.elements[k].kind == K::kCharacter) {
        cue = s.elements[k].text;
        break;
      }
    return EstimateSpeechSeconds(e.text, RateOf(bible, cue)) + kLinePadSeconds;
  }
  return 0;
}

// The first sentence of a line, when it has more than one.
std::optional<std::string> FirstSentence(const std::string& text) {
  auto cps = DecodeUtf8(text);
  for (size_t i = 0; i + 1 < cps.size(); ++i) {
    char32_t c = cps[i];
    bool ends = c == U'。' || c == U'！' || c == U'？' || ((c == '.' || c == '!' || c == '?') && cps[i + 1] == ' ');
    if (!ends) continue;
    std::string first = Trim(EncodeUtf8(std::vector<char32_t>(cps.begin(), cps.begin() + static_cast<long>(i) + 1)));
    if (CountWords(first) >= 2 && first.size() < text.size()) return first;
  }
  return std::nullopt;
}

// The span [begin, end) of the dialogue block (cue, parentheticals, lines) holding element i.
std::pair<size_t, size_t> DialogueBlock(const Screenplay& s, size_t i) {
  size_t b = i;
  while (b > 0 && s.elements[b].kind != K::kCharacter) --b;
  size_t e = b + 1;
  while (e < s.elements.size() && (s.elements[e].kind == K::kDialogue || s.elements[e].kind == K::kParenthetical)) ++e;
  return {b, e};
}

bool Protected(const std::string& function) { return function == "hook" || function == "climax" || function == "cliffhanger"; }

size_t UnitsIn(const Screenplay& s, const BeatSpan& span) {
  size_t n = 0;
  for (size_t i = span.begin; i < span.end; ++i) n += s.elements[i].kind == K::kAction || s.elements[i].kind == K::kCharacter;
  return n;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

Result<Revision> Tighten(Screenplay s, const Bible& bible, double target) {
  if (target <= 0) return BadInput("--tighten", "give the target length in seconds, e.g. --tighten 70");
  double before = EstimateScriptSeconds(s, bible);
  Revision r;
  r.name = "tighten-" + std::to_string(static_cast<int>(target)) + "s";
  int shortened = 0, cut = 0;
  // 1. Long lines keep their first sentence, longest first.
  while (EstimateScriptSeconds(s, bible) > target) {
    std::optional<size_t> best;
    double best_seconds = 0;
    auto spans = BeatSpans(s);
    for (const auto& span : spans) {
      if (Protected(span.function)) continue;
      for (size_t i = span.begin; i < span.end; ++i) {
        if (s.elements[i].kind != K::kDialogue || !FirstSentence(s.elements[i].text)) continue;
        double sec = ElementSeconds(s, i, bible);
        if (sec > best_seconds) best_seconds = sec, best = i;
      }
    }
    if (!best) break;
    s.elements[*best].text = *FirstSentence(s.elements[*best].text);
    ++shortened;
  }
  // 2. Whole exchanges and action paragraphs of the middle beats, longest first, keeping at
  //    least one unit in every beat.
  double excess;
  while ((excess = EstimateScriptSeconds(s, bible) - target) > 0) {
    // The smallest block that alone reaches the target, else the longest.
    std::optional<std::pair<size_t, size_t>> best, longest;
    double best_seconds = 1e9, longest_seconds = 0;
    for (const auto& span : BeatSpans(s)) {
      if (Protected(span.function) || UnitsIn(s, span) < 2) continue;
      for (size_t i = span.begin; i < span.end; ++i) {
        std::pair<size_t, size_t> block;
        if (s.elements[i].kind == K::kAction) block = {i, i + 1};
        else if (s.elements[i].kind == K::kCharacter) block = DialogueBlock(s, i + 1 < span.end ? i + 1 : i);
        else continue;
        double sec = 0;
        for (size_t k = block.first; k < block.second; ++k) sec += ElementSeconds(s, k, bible);
        if (sec >= excess && sec < best_seconds) best_seconds = sec, best = block;
        if (sec > longest_seconds) longest_seconds = sec, longest = block;
      }
    }
    if (!best) best = longest;
    if (!best) break;
    s.elements.erase(s.elements.begin() + static_cast<long>(best->first), s.elements.begin() + static_cast<long>(best->second));
    ++cut;
  }
  double after = EstimateScriptSeconds(s, bible);
  r.summary = "Estimated length " + Seconds(before) + " → " + Seconds(after) + " (target " + Seconds(target) + "): " +
              std::to_string(shortened) + " lines cut to their first sentence, " + std::to_string(cut) +
              " exchanges or action paragraphs removed from the middle beats.";
  if (after > target) r.summary += " The hook, climax and cliffhanger are kept whole, so the target was not reached.";
  r.script = std::move(s);
  return r;
}

// The elements of a flash-forward: the chosen unit, framed.
std::vector<ScriptElement> FlashForward(const Screenplay& s, std::pair<size_t, size_t> unit, bool chinese) {
  std::vector<ScriptElement> out;
  ScriptElement open;
  open.kind = K::kAction;
  open.text = chinese ? "（闪前）" : "FLASH FORWARD.";
  out.push_back(open);
  for (size_t k = unit.first; k < unit.second; ++k) out.push_back(s.elements[k]);
  ScriptElement back = open;
  back.text = chinese ? "（回到当下）" : "EARLIER THAT NIGHT.";
  out.push_back(back);
  return out;
}

Result<Revision> Hook(Screenplay s, const Bible& bible, const std::string& type) {
  auto spans = BeatSpans(s);
  auto find = [&](const std::string& function) -> const BeatSpan* {
    for (const auto& sp : spans)
      if (sp.function == function) return &sp;
    return nullptr;
  };
  const BeatSpan* hook = find("hook");
  if (!hook) return BadInput("script.fountain", "the script has no '# Bxx hook' section to revise");
  std::optional<std::pair<size_t, size_t>> unit;
  auto first_dialogue = [&](const BeatSpan* sp, const std::string& speaker_id) -> std::optional<std::pair<size_t, size_t>> {
    if (!sp) return std::nullopt;
    for (size_t i = sp->begin; i < sp->end; ++i) {
      if (s.elements[i].kind != K::kCharacter) continue;
      const Character* c = bible.FindCharacterByName(s.elements[i].text);
      if (speaker_id.empty() || (c && c->id == speaker_id)) return DialogueBlock(s, i + 1);
    }
    return std::nullopt;
  };
  if (type == "information") {
    const BeatSpan* reveal = find("payoff");
    if (!reveal) reveal = find("reversal");
    unit = first_dialogue(reveal, "");
  } else if (type == "crisis") {
    if (const BeatSpan* climax = find("climax"))
      for (size_t i = climax->begin; i < climax->end && !unit; ++i)
        if (s.elements[i].kind == K::kAction) unit = std::make_pair(i, i + 1);
  } else if (type == "emotion") {
    double best = 0;
    for (const auto& sp : spans) {
      if (sp.function == "hook") continue;
      for (size_t i = sp.begin; i < sp.end; ++i) {
        if (s.elements[i].kind != K::kDialogue) continue;
        const std::string& t = s.elements[i].text;
        double score = std::count(t.begin(), t.end(), '!') + std::count(t.begin(), t.end(), '?') * 0.5 +
                       (t.find("！") != std::string::npos) + (i > 0 && s.elements[i - 1].kind == K::kParenthetical);
        if (score > best) best = score, unit = DialogueBlock(s, i);
      }
    }
  } else if (type == "decision") {
    std::string hero = bible.characters.empty() ? "" : bible.characters[0].id;
    unit = first_dialogue(find("climax"), hero);
    if (!unit) unit = first_dialogue(find("payoff"), hero);
  } else {
    return BadInput("--hook", "'" + type + "' is not a hook type; use decision, crisis, information or emotion");
  }
  if (!unit) return BadInput("script.fountain", "found nothing in this episode to open a '" + type + "' hook with");
  // Insert after the hook's section heading and its synopsis.
  size_t at = hook->begin + 1;
  while (at < s.elements.size() && s.elements[at].kind == K::kSynopsis) ++at;
  bool chinese = HasCjk(s.elements[unit->first].text) || (unit->second > unit->first && HasCjk(s.elements[unit->second - 1].text));
  auto insert = FlashForward(s, *unit, chinese);
  s.elements.insert(s.elements.begin() + static_cast<long>(at), insert.begin(), insert.end());
  Revision r;
  r.name = "hook-" + type;
  std::string shown = Trim(s.elements[at + 1].text);
  if (s.elements[at + 1].kind == K::kCharacter) shown += " — " + Trim(s.elements[at + insert.size() - 2].text);
  r.summary = "Opens cold on a flash-forward (" + type + " hook): \"" + shown + "\" The episode then runs as before.";
  r.script = std::move(s);
  return r;
}

Result<Revision> RevealEarlier(Screenplay s) {
  auto spans = BeatSpans(s);
  for (size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].function != "payoff" && spans[i].function != "reversal") continue;
    // The nearest earlier conflict or setup beat, not the hook.
    for (size_t j = i; j-- > 1;) {
      if (spans[j].function != "conflict" && spans[j].function != "setup") continue;
      std::vector<ScriptElement> moved(s.elements.begin() + static_cast<long>(spans[i].begin),
                                       s.elements.begin() + static_cast<long>(spans[i].end));
      s.elements.erase(s.elements.begin() + static_cast<long>(spans[i].begin), s.elements.begin() + static_cast<long>(spans[i].end));
      s.elements.insert(s.elements.begin() + static_cast<long>(spans[j].begin), moved.begin(), moved.end());
      Revision r;
      r.name = "reveal-earlier";
      r.summary = "Moved beat " + spans[i].id + " (" + spans[i].function + ") before " + spans[j].id + " (" +
                  spans[j].function + "): the reveal lands sooner and the conflict after it plays against it.";
      r.script = std::move(s);
      return r;
    }
  }
  return BadInput("script.fountain", "no payoff or reversal beat follows a conflict or setup beat; nothing to move earlier");
}

}  // namespace

Result<std::string> FindBeatSection(const Screenplay& script, const std::string& which) {
  for (const auto& span : BeatSpans(script))
    if (span.id == which || span.function == ToLowerAscii(which)) return span.id;
  std::string known;
  for (const auto& span : BeatSpans(script)) known += (known.empty() ? "" : ", ") + span.id + " " + span.function;
  return BadInput("--beat", "no beat '" + which + "' in this script; its beats are: " + known);
}

std::string BeatSectionText(const Screenplay& script, const std::string& beat_id) {
  Screenplay section;
  for (const auto& span : BeatSpans(script))
    if (span.id == beat_id)
      section.elements.assign(script.elements.begin() + static_cast<long>(span.begin), script.elements.begin() + static_cast<long>(span.end));
  return WriteFountain(section);
}

Result<Screenplay> SpliceBeat(const Screenplay& script, const std::string& beat_id, const Screenplay& replacement) {
  const BeatSpan* old_span = nullptr;
  auto spans = BeatSpans(script);
  for (const auto& span : spans)
    if (span.id == beat_id) old_span = &span;
  auto new_spans = BeatSpans(replacement);
  const BeatSpan* new_span = nullptr;
  for (const auto& span : new_spans)
    if (span.id == beat_id) new_span = &span;
  if (!old_span || !new_span) return Failed("the revision has no section for beat " + beat_id);
  Screenplay out = script;
  out.elements.erase(out.elements.begin() + static_cast<long>(old_span->begin), out.elements.begin() + static_cast<long>(old_span->end));
  out.elements.insert(out.elements.begin() + static_cast<long>(old_span->begin),
                      replacement.elements.begin() + static_cast<long>(new_span->begin),
                      replacement.elements.begin() + static_cast<long>(new_span->end));
  return out;
}

double EstimateScriptSeconds(const Screenplay& script, const Bible& bible) {
  double total = 0;
  for (size_t i = 0; i < script.elements.size(); ++i) total += ElementSeconds(script, i, bible);
  return total;
}

Result<Revision> ReviseScript(const Screenplay& script, const Bible& bible, const RevisionRequest& request) {
  switch (request.kind) {
    case RevisionKind::kTighten: return Tighten(script, bible, request.target_seconds);
    case RevisionKind::kHook: return Hook(script, bible, request.hook_type);
    case RevisionKind::kRevealEarlier: return RevealEarlier(script);
  }
  return BadInput("revise", "unknown revision");
}

}  // namespace rw
