// Test-only: canned replies of a chat server for every writing stage (a 3-episode revenge
// series), so tests of the LLM writer and of the whole command run without a model.
// Header-only; never included by library code.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "providers/chat_testing.h"

namespace rw::testing {

inline const char kBible[] = R"js({
  "title": "The Dead Wife Returns",
  "logline": "Betrayed and left for dead, Mara Quinn returns as her husband's biggest investor.",
  "genre": "revenge", "lang": "en",
  "style": ["high-contrast night lighting", "shallow depth of field", "teal and amber grade"],
  "characters": [
    {"id": "C01", "name": "Mara Quinn", "role": "protagonist", "gender": "female", "age": 31,
     "want": "take back her company", "secret": "she survived the fire", "arc": "from victim to hunter",
     "voice": {"engine": "espeak", "voice": "", "variant": "", "pitch": 0, "rate": 0},
     "look": ["silver bob haircut", "red trench coat", "scar on left wrist"], "palette": ["#B22222", "#1C1C1C"]},
    {"id": "C02", "name": "Victor Hale", "role": "antagonist", "gender": "male", "age": 38,
     "want": "keep the empire", "secret": "he set the fire", "arc": "from king to ruin",
     "voice": {"engine": "espeak", "voice": "en-us", "variant": "m3", "pitch": 30, "rate": 150},
     "look": ["slicked-back hair", "navy three-piece suit", "gold signet ring"], "palette": ["#1F2A44", "#C9A227"]},
    {"id": "C03", "name": "Lena Park", "role": "ally", "gender": "female", "age": 27,
     "want": "repay a debt", "secret": "she works for Victor", "arc": "from spy to friend",
     "voice": {"engine": "", "voice": "", "variant": "", "pitch": 0, "rate": 0},
     "look": ["round glasses", "mint cardigan", "ink-stained fingers"], "palette": ["#98D8C8", "#F7F7F7"]}
  ],
  "locations": [
    {"id": "L01", "name": "PENTHOUSE OFFICE", "interior": true, "time": "NIGHT", "kind": "office",
     "look": ["floor-to-ceiling windows", "city lights"], "palette": ["#0B1D2A", "#E0B050"]},
    {"id": "L02", "name": "ROOFTOP", "interior": false, "time": "NIGHT", "kind": "rooftop",
     "look": ["wet concrete", "helipad"], "palette": ["#202830", "#A0A8B0"]}
  ]
})js";

inline const char kArc[] = R"js({"episodes": [
  {"number": 1, "title": "The Dead Wife Walks In", "turn": "Mara reveals she is alive", "satisfaction": "identity reveal",
   "hook": "crisis", "cliffhanger": "Who tipped Victor off?", "paywall": false},
  {"number": 2, "title": "Signed in Blood", "turn": "Mara takes the board seat", "satisfaction": "face-slap",
   "hook": "decision", "cliffhanger": "Lena's phone lights up with Victor's name", "paywall": true},
  {"number": 3, "title": "Ashes", "turn": "Victor's alibi burns", "satisfaction": "villain exposed",
   "hook": "information", "cliffhanger": "The fire was not the first", "paywall": false}
]})js";

inline const char kBeats[] = R"js({"episode": 1, "title": "", "beats": [
  {"id": "x", "function": "hook", "target_s": 0, "estimate_s": 8, "emotion": {"valence": -0.6, "arousal": 0.9},
   "cast": ["C01", "C02"], "location": "L01", "summary": "Mara walks into Victor's office, alive.", "satisfaction": ""},
  {"id": "x", "function": "conflict", "target_s": 5, "estimate_s": 20, "emotion": {"valence": -0.4, "arousal": 0.7},
   "cast": ["C01", "C02"], "location": "L01", "summary": "Victor threatens her; she slides a contract across.", "satisfaction": ""},
  {"id": "x", "function": "reversal", "target_s": 9, "estimate_s": 20, "emotion": {"valence": 0.3, "arousal": 0.6},
   "cast": ["C01", "C02", "C03"], "location": "L01", "summary": "Lena confirms Mara owns the majority.", "satisfaction": "identity reveal"},
  {"id": "x", "function": "climax", "target_s": 50, "estimate_s": 22, "emotion": {"valence": 0.7, "arousal": 0.9},
   "cast": ["C01", "C02"], "location": "L02", "summary": "On the roof Victor begs; Mara walks away.", "satisfaction": "face-slap"},
  {"id": "x", "function": "cliffhanger", "target_s": 70, "estimate_s": 8, "emotion": {"valence": -0.3, "arousal": 0.85},
   "cast": ["C03"], "location": "L02", "summary": "Lena dials Victor: 'She knows.'", "satisfaction": ""}
]})js";

inline const char kScript[] = R"js({"scenes": [
  {"heading": "INT. PENTHOUSE OFFICE - NIGHT", "beat": "B01", "elements": [
    {"type": "action", "character": "", "parenthetical": "", "text": "Rain on glass. The door swings open. MARA, soaked, red coat."},
    {"type": "dialogue", "character": "C02", "parenthetical": "", "text": "You're dead. I buried you."},
    {"type": "dialogue", "character": "C01", "parenthetical": "(smiling)", "text": "You buried a coffin."}]},
  {"heading": "INT. PENTHOUSE OFFICE - NIGHT", "beat": "B02", "elements": [
    {"type": "dialogue", "character": "Victor Hale", "parenthetical": "coldly", "text": "Get out before I call security."},
    {"type": "action", "character": "", "parenthetical": "", "text": "She slides a contract across the desk."},
    {"type": "dialogue", "character": "C01", "parenthetical": "", "text": "Call them. They work for me now."}]},
  {"heading": "L01", "beat": "B03", "elements": [
    {"type": "dialogue", "character": "C03", "parenthetical": "", "text": "Fifty-one percent. She owns the board."}]},
  {"heading": "EXT. ROOFTOP - NIGHT", "beat": "B04", "elements": [
    {"type": "action", "character": "", "parenthetical": "", "text": "Wind. Victor on his knees by the helipad.\n\nMara does not look back."},
    {"type": "dialogue", "character": "C02", "parenthetical": "", "text": "Mara, please."}]},
  {"heading": "EXT. ROOFTOP - NIGHT", "beat": "B05", "elements": [
    {"type": "action", "character": "", "parenthetical": "", "text": "Lena alone in the rain, phone to her ear."},
    {"type": "dialogue", "character": "C03", "parenthetical": "whispering", "text": "She knows."}]}
]})js";

inline std::string SchemaName(const nlohmann::json& request) { return request["response_format"]["json_schema"]["name"]; }
inline std::string LastUser(const nlohmann::json& request) { return request["messages"].back()["content"]; }

// Answers each stage with its canned reply.
inline FakeReply Canned(const nlohmann::json& request) {
  std::string name = SchemaName(request);
  if (name == "bible") return ChatReply(kBible);
  if (name == "arc") return ChatReply(kArc);
  if (name == "beats") return ChatReply(kBeats);
  if (name == "script") return ChatReply(kScript);
  return ErrorReply(400, "unknown schema " + name);
}

}  // namespace rw::testing
