#include "base/line_diff.h"

#include <algorithm>
#include <vector>

#include "base/text.h"

namespace rw {

namespace {

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines = Split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();  // a final newline ends, not adds, a line
  return lines;
}

struct Edit {
  char op;  // ' ', '-', '+'
  size_t a, b;  // line indexes in before/after (the one that applies)
};

std::vector<Edit> EditScript(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::vector<Edit> edits;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      edits.push_back({' ', i++, j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      edits.push_back({'-', i++, j});  // deletions before insertions, as diff -u shows them
    } else {
      edits.push_back({'+', i, j++});
    }
  }
  return edits;
}

}  // namespace

std::string UnifiedDiff(std::string_view before, std::string_view after, const std::string& before_label,
                        const std::string& after_label, int context) {
  auto a = Lines(before), b = Lines(after);
  auto edits = EditScript(a, b);
  std::string out;
  size_t k = 0;
  const size_t ctx = static_cast<size_t>(std::max(0, context));
  while (k < edits.size()) {
    // Find the next change and the hunk around it.
    while (k < edits.size() && edits[k].op == ' ') ++k;
    if (k == edits.size()) break;
    size_t start = k >= ctx ? k - ctx : 0;
    size_t end = k;
    // Extend while changes are within 2*ctx of each other.
    while (true) {
      while (end < edits.size() && edits[end].op != ' ') ++end;
      size_t next = end;
      while (next < edits.size() && edits[next].op == ' ') ++next;
      if (next < edits.size() && next - end <= 2 * ctx) {
        end = next;
        continue;
      }
      end = std::min(edits.size(), end + ctx);
      break;
    }
    size_t a_start = edits[start].a, b_start = edits[start].b, a_len = 0, b_len = 0;
    std::string body;
    for (size_t e = start; e < end; ++e) {
      const Edit& ed = edits[e];
      if (ed.op != '+') ++a_len;
      if (ed.op != '-') ++b_len;
      body += ed.op;
      body += ed.op == '+' ? b[ed.b] : a[ed.a];
      body += '\n';
    }
    if (out.empty()) out = "--- " + before_label + "\n+++ " + after_label + "\n";
    out += "@@ -" + std::to_string(a_len ? a_start + 1 : a_start) + "," + std::to_string(a_len) + " +" +
           std::to_string(b_len ? b_start + 1 : b_start) + "," + std::to_string(b_len) + " @@\n" + body;
    k = end;
  }
  return out;
}

}  // namespace rw
