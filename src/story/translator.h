// Translation of an episode's dialogue into a delivery language, through the chat server
// (providers.chat). There is no built-in translator: without a server a person writes the files
// (schema/translation.h) and the build reads them.
//
// Names first, once for the series: LlmTranslateNames asks for every bible character and
// location name in the target language (one call) and checks that each name came back once with
// a non-empty form. Every episode's lines then use that glossary.
//
// Lines in batches of kTranslateBatch, in script order, one AskJson each: the request carries the
// series' title and logline, the glossary, the last lines of the previous batch with their
// translations (so the voice carries over), and for each line its id, speaker, scene, the action
// just before it and any parenthetical. The reply {"lines":[{"id","text"}]} is checked: every id
// of the batch exactly once and no other, no empty text, and a line whose source names a glossary
// entry must write that name as the glossary does. A failed check goes back to the model as the
// re-ask (ChatClient: max_validation_retries); then the translation fails naming the batch and
// the last problem, and returns nothing (the caller writes nothing).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "providers/chat_client.h"
#include "schema/bible.h"
#include "schema/translation.h"
#include "story/fountain.h"

namespace rw {

inline constexpr size_t kTranslateBatch = 20;

struct LineToTranslate {
  std::string id;         // L001, … numbered as the voice stage numbers them
  std::string character;  // character id ("" when the cue names no bible character)
  std::string speaker;    // the cue as written
  std::string scene;      // its scene heading
  std::string context;    // the action paragraph just before it, if any
  std::string parenthetical;
  std::string source;     // the spoken line
};

// The script's dialogue lines, numbered L001… in order, with their context.
std::vector<LineToTranslate> LinesToTranslate(const Screenplay& script, const Bible& bible);
// Its action paragraphs, numbered A001… in order (no speaker), for a whole-script translation.
std::vector<LineToTranslate> ActionsToTranslate(const Screenplay& script);

// The script in `translation`'s language, for reading: per beat a "# Bxx" section, scene headings
// with location names from the glossary, action from `actions` (by A-id; a missing one stays as
// written), cues named from the glossary, and the translated lines.
std::string TranslatedFountain(const Screenplay& script, const Bible& bible, const Glossary& glossary,
                               const Translation& translation, const Translation& actions);

// "English", "Simplified Chinese" for en, zh.
std::string LanguageName(const std::string& lang);

// The bible's names in `to` (from: the series language).
Result<Glossary> LlmTranslateNames(const Bible& bible, const std::string& from, const std::string& to, ChatClient& client,
                                   std::vector<CallRecord>* calls);

// Checked replies kept between builds, by a hash of the request that got them (every message the
// server was sent): a batch whose lines, context and glossary are as before is not asked again.
// The caller's cache keys by the model too.
class ReplyCache {
 public:
  virtual ~ReplyCache() = default;
  virtual std::optional<std::string> Find(const std::string& request_hash) = 0;
  virtual void Keep(const std::string& request_hash, const std::string& reply) = 0;
};

// The lines in `to`, at most ceil(lines / batch) calls: a batch `cache` holds a reply for is not
// sent (its reply is checked again all the same). The result's glossary holds the entries the
// lines use (by name in a source line or as a speaker).
Result<Translation> LlmTranslateLines(const Bible& bible, const std::string& from, const std::string& to,
                                      const Glossary& glossary, const std::vector<LineToTranslate>& lines, ChatClient& client,
                                      std::vector<CallRecord>* calls, size_t batch = kTranslateBatch,
                                      ReplyCache* cache = nullptr);

// The glossary entries `lines` use: names that appear in a line and the speakers' names.
std::vector<GlossaryEntry> GlossaryUsed(const Glossary& glossary, const Bible& bible, const std::vector<LineToTranslate>& lines);

}  // namespace rw
