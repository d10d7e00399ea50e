#include "eval/shingles.h"

#include <algorithm>

#include "base/rng.h"
#include <cctype>

#include "base/text.h"

namespace rw {

std::vector<std::string> ShingleTokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) tokens.push_back(std::move(word));
    word.clear();
  };
  for (char32_t c : DecodeUtf8(text)) {
    if (IsCjk(c)) {
      flush();
      tokens.push_back(EncodeUtf8({c}));
    } else if ((c < 0x80 && (std::isalnum(static_cast<int>(c)) || c == '\'')) || (c >= 0xC0 && c < 0x3000)) {
      word += EncodeUtf8({c < 0x80 ? static_cast<char32_t>(std::tolower(static_cast<int>(c))) : c});
    } else {
      flush();
    }
  }
  flush();
  return tokens;
}

std::unordered_set<uint64_t> Shingles(const std::vector<std::string>& tokens, size_t n) {
  std::unordered_set<uint64_t> out;
  if (n == 0 || tokens.size() < n) return out;
  for (size_t i = 0; i + n <= tokens.size(); ++i) {
    std::string joined;
    for (size_t k = 0; k < n; ++k) {
      joined += tokens[i + k];
      joined.push_back('\x1f');
    }
    out.insert(StableHash64(joined));
  }
  return out;
}

double SharedShare(const std::unordered_set<uint64_t>& a, const std::unordered_set<uint64_t>& b) {
  const auto& small = a.size() <= b.size() ? a : b;
  const auto& large = a.size() <= b.size() ? b : a;
  if (small.empty()) return 0;
  size_t shared = 0;
  for (uint64_t h : small) shared += large.count(h);
  return static_cast<double>(shared) / static_cast<double>(small.size());
}

SamenessResult MostShared(const std::vector<std::string>& texts, size_t n) {
  std::vector<std::unordered_set<uint64_t>> sets;
  sets.reserve(texts.size());
  for (const auto& t : texts) sets.push_back(Shingles(ShingleTokens(t), n));
  SamenessResult r;
  double sum = 0;
  size_t pairs = 0;
  for (size_t i = 0; i < sets.size(); ++i) {
    for (size_t j = i + 1; j < sets.size(); ++j) {
      double share = SharedShare(sets[i], sets[j]);
      sum += share;
      ++pairs;
      if (share > r.max_share) {
        r.max_share = share;
        r.a = i;
        r.b = j;
      }
    }
  }
  r.mean_share = pairs ? sum / static_cast<double>(pairs) : 0;
  return r;
}

}  // namespace rw
