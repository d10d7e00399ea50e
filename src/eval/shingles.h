// Sameness, measured: word shingles (Chinese: character shingles) of the words a script puts on
// screen, and how many two scripts share. The tool's answer to formula breeding sameness
// (DESIGN.md §5): what cannot be measured cannot be varied on purpose.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace rw {

// The tokens of a text: lower-cased Latin words, and each CJK character on its own.
std::vector<std::string> ShingleTokens(std::string_view text);

// Hashes of every run of `n` consecutive tokens.
std::unordered_set<uint64_t> Shingles(const std::vector<std::string>& tokens, size_t n);

// The share of the smaller set's shingles that the other set also has: 0 (nothing shared) to 1
// (one is contained in the other). Stricter than Jaccard, which dilutes a copied passage with
// the rest of the longer text.
double SharedShare(const std::unordered_set<uint64_t>& a, const std::unordered_set<uint64_t>& b);

struct SamenessResult {
  double max_share = 0;  // the largest SharedShare of any two texts
  size_t a = 0, b = 0;   // which two
  double mean_share = 0;
};
// Compares every pair of texts by their n-token shingles.
SamenessResult MostShared(const std::vector<std::string>& texts, size_t n);

}  // namespace rw
