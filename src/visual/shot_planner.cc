#include "visual/shot_planner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/rng.h"
#include "base/text.h"
#include "schema/timing.h"

namespace rw {

namespace {

const Beat* FindBeat(const Beats& beats, const std::string& id) {
  for (const auto& b : beats.beats)
    if (b.id == id) return &b;
  return nullptr;
}

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) {
    if (s.empty()) continue;
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// Characters whose name appears in an action paragraph, in bible order.
std::vector<std::string> NamedIn(const std::string& text, const Bible& bible) {
  std::vector<std::string> ids;
  std::string upper = ToUpperAscii(text);
  for (const auto& c : bible.characters) {
    std::string first = ToUpperAscii(Split(c.name, ' ')[0]);
    if (!first.empty() && (upper.find(ToUpperAscii(c.name)) != std::string::npos || upper.find(first) != std::string::npos))
      ids.push_back(c.id);
  }
  return ids;
}

ShotType DialogueType(const Beat& beat, Rng& rng) {
  double a = beat.emotion.arousal;
  bool peak = beat.function == BeatFunction::kClimax || beat.function == BeatFunction::kCliffhanger;
  if (peak && a >= 0.8 && rng.Chance(0.45)) return ShotType::kECU;
  if (a >= 0.7 || beat.function == BeatFunction::kHook) return rng.Chance(0.7) ? ShotType::kCU : ShotType::kMCU;
  if (a >= 0.4) return rng.Chance(0.5) ? ShotType::kMCU : ShotType::kCU;
  return rng.Chance(0.5) ? ShotType::kMS : ShotType::kMCU;
}

ShotType ActionType(const Beat& beat, size_t people, Rng& rng) {
  if (people >= 3) return rng.Chance(0.5) ? ShotType::kLS : ShotType::kMLS;
  if (beat.emotion.arousal >= 0.75) return rng.Chance(0.5) ? ShotType::kCU : ShotType::kMS;
  return rng.Chance(0.5) ? ShotType::kMS : ShotType::kMLS;
}

CameraMove MoveFor(const Beat& beat, ShotType type, bool establishing, Rng& rng) {
  if (establishing) return rng.Chance(0.5) ? CameraMove::kPanLeft : CameraMove::kPanRight;
  if (beat.function == BeatFunction::kPayoff || beat.function == BeatFunction::kReversal)
    return rng.Chance(0.6) ? CameraMove::kPullOut : CameraMove::kPushIn;
  if (beat.emotion.arousal >= 0.6 || type <= ShotType::kCU) return CameraMove::kPushIn;
  switch (rng.Below(4)) {
    case 0: return CameraMove::kStatic;
    case 1: return CameraMove::kPushIn;
    case 2: return CameraMove::kTiltUp;
    default: return CameraMove::kPanRight;
  }
}

// A scale one step wider or closer, to break a run of three.
ShotType Neighbour(ShotType t) {
  int i = static_cast<int>(t);
  return static_cast<ShotType>(i >= 3 ? i - 1 : i + 1);
}

}  // namespace

std::string ShotPrompt(const Shot& shot, const Bible& bible) {
  std::vector<std::string> parts;
  parts.push_back(std::string(EnumName(shot.type)) + " shot, camera " + EnumName(shot.move) + ", vertical 9:16");
  for (const auto& id : shot.cast) {
    if (!bible.FindCharacter(id)) continue;
    parts.push_back("@" + id + (id == shot.speaker ? " speaking" : ""));
  }
  if (bible.FindLocation(shot.location)) parts.push_back("@" + shot.location);
  if (!bible.style.empty()) parts.push_back("@style");
  return Join(parts, "; ");
}

namespace {

// The reference images of everyone and everywhere in a shot that has one.
std::vector<std::string> ShotReferences(const Shot& shot, const Bible& bible) {
  std::vector<std::string> out;
  for (const auto& id : shot.cast)
    if (const Character* c = bible.FindCharacter(id); c && !c->reference.empty()) out.push_back(c->reference);
  if (const Location* l = bible.FindLocation(shot.location); l && !l->reference.empty()) out.push_back(l->reference);
  return out;
}

}  // namespace

std::string ExpandPrompt(const std::string& prompt, const Bible& bible) {
  std::string out;
  for (size_t i = 0; i < prompt.size();) {
    if (prompt[i] != '@') {
      out += prompt[i++];
      continue;
    }
    size_t end = i + 1;
    while (end < prompt.size() && (std::isalnum(static_cast<unsigned char>(prompt[end])) || prompt[end] == '_')) ++end;
    std::string ref = prompt.substr(i + 1, end - i - 1);
    if (const Character* c = bible.FindCharacter(ref)) {
      out += c->name + " (" + Join(c->look, ", ");
      if (!c->palette.empty()) out += ", colours " + Join(c->palette, " ");
      out += ")";
    } else if (const Location* l = bible.FindLocation(ref)) {
      out += l->Heading();
      if (!l->look.empty()) out += " (" + Join(l->look, ", ") + ")";
    } else if (ref == "style") {
      out += Join(bible.style, ", ");
    } else {
      out += prompt.substr(i, end - i);
    }
    i = end;
  }
  return out;
}

Shots PlanShots(int episode, const Bible& bible, const Beats& beats, const std::vector<ShotUnit>& units, int fps,
                uint64_t seed) {
  Shots out;
  out.episode = episode;
  Rng rng = Rng(seed).Fork("shots/ep" + std::to_string(episode));
  std::string last_location, last_speaker;
  int64_t start_frame = 0;
  // Puts a shot on the frame grid after the last one, with its seed, prompt and references.
  auto place = [&](Shot shot, double seconds) {
    int64_t frames = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(seconds * fps - 1e-9)));
    shot.start_s = static_cast<double>(start_frame) / fps;
    shot.duration_s = static_cast<double>(frames) / fps;
    start_frame += frames;
    shot.seed = static_cast<uint32_t>(StableHash64(shot.id) ^ rng.Next());
    shot.prompt = ShotPrompt(shot, bible);
    shot.references = ShotReferences(shot, bible);
    out.shots.push_back(std::move(shot));
  };
  for (size_t i = 0; i < units.size(); ++i) {
    const ShotUnit& u = units[i];
    static const Beat kNoBeat{};
    const Beat* beat_ptr = FindBeat(beats, u.beat);
    const Beat& beat = beat_ptr ? *beat_ptr : kNoBeat;
    Shot shot;
    char id[32];
    std::snprintf(id, sizeof id, "S%03zu", i + 1);
    shot.id = id;
    shot.beat = u.beat;
    shot.location = u.location;
    bool new_location = u.location != last_location;
    bool establishing = new_location && !u.dialogue;
    last_location = u.location;
    // A scene that opens on a line first shows where it is: a short wide shot of the set
    // ("E007" before S007, so the shots of the script keep their numbers).
    if (new_location && u.dialogue) {
      Shot wide;
      wide.id = "E" + shot.id.substr(1);
      wide.beat = u.beat;
      wide.location = u.location;
      wide.cast = beat.cast;
      wide.type = rng.Chance(0.5) ? ShotType::kWS : ShotType::kLS;
      wide.move = MoveFor(beat, wide.type, true, rng);
      const Location* l = bible.FindLocation(u.location);
      wide.caption = l ? l->name : u.location;
      place(std::move(wide), kEstablishingSeconds);
    }

    if (u.dialogue) {
      shot.speaker = u.speaker;
      shot.lines = {u.line};
      shot.type = DialogueType(beat, rng);
      shot.cast = {u.speaker};
      // A wider dialogue shot also shows who is being spoken to.
      if (shot.type >= ShotType::kMCU) {
        std::string listener = last_speaker != u.speaker ? last_speaker : "";
        if (listener.empty())
          for (const auto& c : beat.cast)
            if (c != u.speaker) { listener = c; break; }
        if (!listener.empty()) shot.cast.push_back(listener);
      }
      const Character* c = bible.FindCharacter(u.speaker);
      std::string name = c ? c->name : u.speaker;
      shot.caption = name + (u.parenthetical.empty() ? "" : " (" + u.parenthetical + ")") + ": " + u.text;
      last_speaker = u.speaker;
    } else {
      shot.cast = NamedIn(u.text, bible);
      if (shot.cast.empty()) shot.cast = beat.cast;
      shot.type = establishing ? (rng.Chance(0.5) ? ShotType::kWS : ShotType::kLS) : ActionType(beat, shot.cast.size(), rng);
      shot.caption = u.text;
    }
    // No scale three times running.
    size_t n = out.shots.size();
    if (n >= 2 && out.shots[n - 1].type == shot.type && out.shots[n - 2].type == shot.type) shot.type = Neighbour(shot.type);
    shot.move = MoveFor(beat, shot.type, establishing, rng);

    place(std::move(shot), u.dialogue ? kLineLeadSeconds + u.seconds + kLinePadSeconds : std::max(u.seconds, 1.0));
  }
  return out;
}

}  // namespace rw
