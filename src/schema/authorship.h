// Who wrote each line of a script: what the ledger keeps and `credits` reports.
#pragma once

#include <string>

namespace rw {

struct LineAuthor {
  int n = 0;           // position among the script's lines (dialogue and action, in order)
  std::string kind;    // "dialogue" or "action"
  int words = 0;       // CountWords of the line (a Chinese character counts as a word)
  std::string author;  // "human", "model:<name>", or "edited:<name>" (a model's line a person changed)
  int distance = 0;    // for "edited:": edit distance in characters from the model's line
  bool operator==(const LineAuthor&) const = default;
};

}  // namespace rw
