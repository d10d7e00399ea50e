// Line-by-line authorship of a script (DESIGN.md §2): the current script against the last
// version a model wrote. A line the model wrote unchanged is the model's; a model line a person
// changed is "edited:<model>" with its edit distance; anything else a person wrote.
#pragma once

#include <string>
#include <vector>

#include "base/text.h"  // EditDistance
#include "schema/authorship.h"
#include "schema/translation.h"
#include "story/fountain.h"

namespace rw {

// `model` is null when no model ever wrote this script (a person wrote it from scratch).
// `model_name` is the author the ledger gives the model's version, e.g. "model:builtin".
std::vector<LineAuthor> AttributeLines(const Screenplay& current, const Screenplay* model, const std::string& model_name);


// A translation's lines (by id) against the last version a model translated (null: none, a person
// wrote the file): the model's text unchanged is the model's, a model line a person changed by at
// most half is "edited:<model>", anything else a person's. Numbered in the file's order, all
// "dialogue".
std::vector<LineAuthor> AttributeTranslation(const Translation& current, const Translation* model, const std::string& model_name);

struct Credits {
  int lines = 0, words = 0;
  int human_lines = 0, human_words = 0;  // written by a person, edited lines included
  int edited_lines = 0;                  // model lines a person changed
  // Per model ("model:builtin"): lines and words it wrote that nobody changed.
  struct Share { int lines = 0, words = 0; };
  std::vector<std::pair<std::string, Share>> models;
};
Credits Summarize(const std::vector<LineAuthor>& lines);

// "person 12% of lines (9% of words); model:builtin 88% of lines (91% of words)".
std::string CreditLine(const Credits& credits);

}  // namespace rw
