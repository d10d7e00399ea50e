// The LLM-backed writer: idea → bible → arc → beats → script, each stage one ChatClient::AskJson
// against an OpenAI-compatible chat server (settings.providers.chat; settings.writer == "llm").
//
// Same stages and outputs as the built-in writer (story/writer.h), so everything downstream
// (voice, shots, eval, the pipeline's stage keys) is unchanged. Each stage sends a JSON Schema
// written to match the domain type's Fields() list (strict-mode shaped), reads the reply through
// ParseYaml<T> (JSON is YAML: types, enums and unknown keys are checked with field paths like
// "characters[2].palette"), then checks what the domain needs beyond types. A failed check goes
// back to the model as the re-ask message; after settings.providers.chat.max_validation_retries
// re-asks the stage fails with the last problem.
//
// Beyond types, the checks are:
//   bible   ≥ 3 characters with ids C01, C02… in order, distinct names usable as Fountain cues,
//           gender female|male, ≥ 2 look tokens, 1–3 palette colours "#RRGGBB"; ≥ 1 location with
//           ids L01… , time DAY|NIGHT|DUSK|DAWN, a painter kind; ≥ 2 style tokens.
//   arc     exactly settings.episodes entries numbered 1..N, each with title, turn, satisfaction,
//           cliffhanger, and a hook of decision|crisis|information|emotion.
//   beats   ≥ 4 beats; the first a hook, the last a cliffhanger no longer than
//           rhythm.cliffhanger_window_s; a conflict and a climax beat; every estimate_s > 0 and the
//           total inside rhythm.min_episode_s..max_episode_s; cast and location ids exist in the
//           bible; at least one beat pays a satisfaction point; emotions in range.
//   script  scenes in beat order covering every beat; each heading names a bible location; every
//           speaker is a bible character (by id or name); no empty lines.
//
// What the writer decides itself, deterministically, instead of re-asking:
//   bible   title (settings.title when given), genre and lang from the settings; voices: any
//           voice field the model left empty (or 0) gets an espeak-ng default — "en-us" or "cmn",
//           variants f1…f5 / m1…m7 in order per gender, pitch by role — and a (voice, variant,
//           pitch) already taken moves its pitch by 7 until distinct.
//   arc     paywall = (number == settings.paywall_episode).
//   beats   episode number; ids B01, B02… by position; target_s = the sum of the earlier beats'
//           estimate_s (so the first beat starts at 0), as the built-in writer does; an empty
//           title takes the arc's.
//   script  Fountain layout: a title page, then per beat a "# Bxx function" section (with the
//           beat summary as a synopsis, except for the cliffhanger), a scene heading whenever the
//           location changes (Location::Heading()), action, and cues written with CueName().
//
// The prompts carry the craft of DESIGN.md §5 with the numbers from settings.rhythm and
// settings.paywall_episode, and are written in the series language (settings.lang en|zh): a
// Chinese series is written natively in Chinese, not translated.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "providers/chat_client.h"
#include "schema/arc.h"
#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/settings.h"

namespace rw {

Result<Bible> LlmWriteBible(const Settings& settings, ChatClient& client, std::vector<CallRecord>* calls);
Result<Arc> LlmWriteArc(const Settings& settings, const Bible& bible, ChatClient& client, std::vector<CallRecord>* calls);
// The beat sheet of episode `episode` (1-based, ≤ arc.episodes.size()).
Result<Beats> LlmWriteBeats(const Settings& settings, const Bible& bible, const Arc& arc, int episode, ChatClient& client,
                            std::vector<CallRecord>* calls);
// The episode's screenplay as Fountain text.
// Rewrites one beat of an episode as `ask` says: the reply is a Fountain script holding that
// beat's section only (title page, "# Bxx function", its scenes), for the caller to splice in.
Result<std::string> LlmReviseBeat(const Settings& settings, const Bible& bible, const Beats& beats,
                                  const std::string& current_section, const std::string& beat_id, const std::string& ask,
                                  ChatClient& client, std::vector<CallRecord>* calls);

Result<std::string> LlmWriteScript(const Settings& settings, const Bible& bible, const Beats& beats, ChatClient& client,
                                   std::vector<CallRecord>* calls);

// The JSON Schemas each stage sends (exposed for tests and for `--explain`-style dumps).
nlohmann::json LlmBibleSchema();
nlohmann::json LlmArcSchema();
nlohmann::json LlmBeatsSchema();
nlohmann::json LlmScriptSchema();

}  // namespace rw
