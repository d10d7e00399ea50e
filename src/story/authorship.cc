#include "story/authorship.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "base/text.h"

namespace rw {

namespace {

struct Line {
  std::string kind;
  std::string text;
};

std::vector<Line> LinesOf(const Screenplay& script) {
  std::vector<Line> out;
  for (const auto& u : ScriptUnits(script)) {
    bool dialogue = u.kind == ScriptUnit::Kind::kDialogue;
    // A cue and its words are one line: a renamed speaker is a changed line.
    out.push_back({dialogue ? "dialogue" : "action", dialogue ? u.character + ": " + u.text : u.text});
  }
  return out;
}

std::string Percent(int part, int whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", whole > 0 ? 100.0 * part / whole : 0.0);
  return buf;
}

}  // namespace

std::vector<LineAuthor> AttributeLines(const Screenplay& current, const Screenplay* model, const std::string& model_name) {
  std::vector<Line> now = LinesOf(current);
  std::vector<Line> was = model ? LinesOf(*model) : std::vector<Line>{};
  std::vector<LineAuthor> out(now.size());
  for (size_t i = 0; i < now.size(); ++i) {
    out[i].n = static_cast<int>(i) + 1;
    out[i].kind = now[i].kind;
    out[i].words = CountWords(now[i].text);
    out[i].author = "human";
  }
  // Longest common subsequence of whole lines: those the model wrote and nobody touched.
  size_t n = now.size(), m = was.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = now[i].text == was[j].text ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::vector<std::pair<size_t, size_t>> matches;
  for (size_t i = 0, j = 0; i < n && j < m;) {
    if (now[i].text == was[j].text) {
      matches.push_back({i, j});
      ++i, ++j;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      ++i;
    } else {
      ++j;
    }
  }
  for (auto [i, j] : matches) out[i].author = model_name;
  // Between two matches, a changed line is the model's line it is closest to, if it is close
  // (at most half of it changed); the rest is a person's.
  matches.push_back({n, m});
  size_t from_i = 0, from_j = 0;
  for (auto [to_i, to_j] : matches) {
    std::vector<bool> used(to_j > from_j ? to_j - from_j : 0, false);
    for (size_t i = from_i; i < to_i; ++i) {
      int best = -1;
      int best_distance = 0;
      for (size_t j = from_j; j < to_j; ++j) {
        if (used[j - from_j] || was[j].kind != now[i].kind) continue;
        int d = EditDistance(now[i].text, was[j].text);
        if (best < 0 || d < best_distance) {
          best = static_cast<int>(j);
          best_distance = d;
        }
      }
      if (best < 0) continue;
      size_t longest = std::max(DecodeUtf8(now[i].text).size(), DecodeUtf8(was[static_cast<size_t>(best)].text).size());
      if (2 * static_cast<size_t>(best_distance) > longest) continue;
      used[static_cast<size_t>(best) - from_j] = true;
      out[i].author = "edited:" + (model_name.rfind("model:", 0) == 0 ? model_name.substr(6) : model_name);
      out[i].distance = best_distance;
    }
    from_i = to_i + 1;
    from_j = to_j + 1;
  }
  return out;
}

std::vector<LineAuthor> AttributeTranslation(const Translation& current, const Translation* model, const std::string& model_name) {
  std::vector<LineAuthor> out;
  for (const TranslatedLine& line : current.lines) {
    LineAuthor a;
    a.n = static_cast<int>(out.size()) + 1;
    a.kind = "dialogue";
    a.words = CountWords(line.text);
    a.author = "human";
    if (const TranslatedLine* was = model ? model->Find(line.id) : nullptr) {
      const int d = EditDistance(line.text, was->text);
      if (d == 0) {
        a.author = model_name;
      } else if (2 * static_cast<size_t>(d) <= std::max(CountCodePoints(line.text), CountCodePoints(was->text))) {
        a.author = "edited:" + model_name;
        a.distance = d;
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

Credits Summarize(const std::vector<LineAuthor>& lines) {
  Credits c;
  std::map<std::string, Credits::Share> models;
  for (const auto& l : lines) {
    ++c.lines;
    c.words += l.words;
    if (l.author == "human" || l.author.rfind("edited:", 0) == 0) {
      ++c.human_lines;
      c.human_words += l.words;
      if (l.author != "human") ++c.edited_lines;
    } else {
      auto& share = models[l.author];
      ++share.lines;
      share.words += l.words;
    }
  }
  c.models.assign(models.begin(), models.end());
  return c;
}

std::string CreditLine(const Credits& c) {
  std::string out = "person " + Percent(c.human_lines, c.lines) + " of lines (" + Percent(c.human_words, c.words) + " of words)";
  for (const auto& [model, share] : c.models)
    out += "; " + model + " " + Percent(share.lines, c.lines) + " of lines (" + Percent(share.words, c.words) + " of words)";
  return out;
}

}  // namespace rw
