#include "story/fountain.h"

#include <optional>

#include "base/text.h"

namespace rw {

namespace {

// One line of the file after boneyard and note removal, with its line number in the source.
struct SourceLine {
  std::string text;
  int number = 0;
  std::optional<std::string> note;  // set when the line is a standalone note paragraph
};

std::string LTrim(std::string_view s) {
  size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  return std::string(s.substr(b));
}

std::string RTrim(std::string_view s) {
  size_t e = s.size();
  while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(0, e));
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAsciiAlnum(char c) { return IsAsciiUpper(c) || IsAsciiLower(c) || (c >= '0' && c <= '9'); }

// True when `s` has a lower-case letter (ASCII, or Latin-1 / Latin Extended-A lower case).
bool HasLowercase(std::string_view s) {
  for (char32_t c : DecodeUtf8(s)) {
    if (c < 0x80 && IsAsciiLower(static_cast<char>(c))) return true;
    if (c >= 0xDF && c <= 0xFF && c != 0xF7) return true;
    if (c >= 0x100 && c <= 0x17F && c % 2 == 1) return true;
  }
  return false;
}

// Trims ASCII blanks and Unicode spaces (no-break, en/em…, ideographic, BOM) from both ends, so a
// cue typed with a stray U+00A0 names the same character as one without.
std::string TrimUnicodeSpace(std::string_view s) {
  auto space_len_at = [&s](size_t i) -> size_t {
    if (s[i] == ' ' || s[i] == '\t') return 1;
    std::string_view rest = s.substr(i);
    if (StartsWith(rest, "\xC2\xA0")) return 2;  // U+00A0
    for (std::string_view space : {"\xE3\x80\x80", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xEF\xBB\xBF"})
      if (StartsWith(rest, space)) return 3;  // U+3000, U+202F, U+205F, U+FEFF
    if (rest.size() >= 3 && rest[0] == '\xE2' && rest[1] == '\x80' && static_cast<unsigned char>(rest[2]) >= 0x80 &&
        static_cast<unsigned char>(rest[2]) <= 0x8B)
      return 3;  // U+2000..U+200B
    return 0;
  };
  size_t b = 0;
  while (b < s.size() && space_len_at(b) > 0) b += space_len_at(b);
  size_t e = s.size();
  while (e > b) {
    size_t len = 0;
    for (size_t k = 1; k <= 3 && k <= e - b && len == 0; ++k)
      if (space_len_at(e - k) == k) len = k;
    if (len == 0) break;
    e -= len;
  }
  return std::string(s.substr(b, e - b));
}

bool HasAsciiUpper(std::string_view s) {
  for (char c : s)
    if (IsAsciiUpper(c)) return true;
  return false;
}

// "INT", "EXT", "EST", "INT./EXT", "INT/EXT", "I/E" (and "I./E") followed by '.' or ' '.
bool HasHeadingPrefix(std::string_view s) {
  std::string up = ToUpperAscii(s.substr(0, 10));
  for (std::string_view prefix : {"INT./EXT", "INT/EXT", "I./E", "I/E", "INT", "EXT", "EST"}) {
    if (StartsWith(up, prefix) && up.size() > prefix.size()) {
      char next = up[prefix.size()];
      if (next == '.' || next == ' ') return true;
    }
  }
  return false;
}

// An upper-case line ending in "TO:" (with no trailing blanks).
bool IsTransitionText(std::string_view s) { return EndsWith(s, "TO:") && !HasLowercase(s); }

bool IsPageBreak(std::string_view trimmed) {
  if (trimmed.size() < 3) return false;
  for (char c : trimmed)
    if (c != '=') return false;
  return true;
}

bool IsKeyLine(std::string_view s, std::string* key, std::string* value) {
  if (s.empty() || !(IsAsciiUpper(s[0]) || IsAsciiLower(s[0]))) return false;
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = s[i];
    if (!(IsAsciiAlnum(c) || c == ' ' || c == '-' || c == '_')) return false;
  }
  if (key) *key = std::string(s.substr(0, colon));
  if (value) *value = Trim(s.substr(colon + 1));
  return true;
}

bool IsKnownTitleKey(const std::string& key) {
  std::string k = ToLowerAscii(key);
  for (const char* known : {"title", "credit", "author", "authors", "source", "draft date", "contact", "copyright", "notes"})
    if (k == known) return true;
  return false;
}

struct Cue {
  std::string name;
  std::string extension;
  bool dual = false;
  bool forced = false;
};

// Splits a cue line (already left-trimmed) into name, extension and the dual mark. Checks the
// case rule unless forced with '@'. Returns nullopt when the line is not a cue.
std::optional<Cue> ParseCue(std::string_view line) {
  Cue cue;
  std::string s = RTrim(line);
  if (StartsWith(s, "@")) {
    cue.forced = true;
    s = s.substr(1);
  }
  if (EndsWith(s, "^")) {
    cue.dual = true;
    s = RTrim(s.substr(0, s.size() - 1));
  }
  size_t paren = s.find('(');
  std::string name = TrimUnicodeSpace(s.substr(0, paren == std::string::npos ? s.size() : paren));
  if (paren != std::string::npos) {
    std::string ext = Trim(s.substr(paren));
    if (!EndsWith(ext, ")")) return std::nullopt;
    cue.extension = ext.substr(1, ext.size() - 2);
  }
  if (name.empty()) return std::nullopt;
  if (!cue.forced) {
    if (!HasAsciiUpper(name) || HasLowercase(name) || HasHeadingPrefix(name) || EndsWith(name, ":")) return std::nullopt;
  }
  cue.name = name;
  return cue;
}

// Strips a UTF-8 BOM, turns CRLF and CR into LF and tabs into four spaces.
std::string Normalize(std::string_view text) {
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out.push_back('\n');
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\t') {
      out.append("    ");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

int LineAt(const std::string& text, size_t pos) {
  int line = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

// Removes /* … */ but keeps the line breaks inside, so line numbers stay true and a boneyard
// between paragraphs still separates them.
Status RemoveBoneyard(std::string& text, const std::string& path) {
  size_t pos = 0;
  while ((pos = text.find("/*", pos)) != std::string::npos) {
    size_t end = text.find("*/", pos + 2);
    if (end == std::string::npos)
      return BadInput(path + ":" + std::to_string(LineAt(text, pos)), "boneyard '/*' is never closed with '*/'");
    std::string kept;
    for (size_t i = pos; i < end + 2; ++i)
      if (text[i] == '\n') kept.push_back('\n');
    text.replace(pos, end + 2 - pos, kept);
    pos += kept.size();
  }
  return {};
}

bool IsBlankText(const std::string& s) { return Trim(s).empty(); }

// Removes inline [[notes]] and turns a note that is a paragraph of its own into a note line.
// A note may span lines, but not a truly empty line (an empty line inside a note needs two
// spaces); a "[[" followed by an empty line is plain text.
Status ExtractNotes(std::vector<SourceLine>& lines, const std::string& path) {
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t from = 0;
    while (!lines[i].note) {
      size_t open = lines[i].text.find("[[", from);
      if (open == std::string::npos) break;
      // Find the closing "]]" on this line or a later one, stopping at an empty line.
      size_t k = i;
      size_t close = lines[i].text.find("]]", open + 2);
      bool broken = false;
      while (close == std::string::npos) {
        ++k;
        if (k >= lines.size())
          return BadInput(path + ":" + std::to_string(lines[i].number), "note '[[' is never closed with ']]'");
        if (lines[k].text.empty()) {
          broken = true;
          break;
        }
        close = lines[k].text.find("]]");
      }
      if (broken) {
        from = open + 2;
        continue;
      }
      std::string before = lines[i].text.substr(0, open);
      std::string after = lines[k].text.substr(close + 2);
      bool standalone = IsBlankText(before) && IsBlankText(after) && (i == 0 || IsBlankText(lines[i - 1].text)) &&
                        (k + 1 >= lines.size() || IsBlankText(lines[k + 1].text));
      if (standalone) {
        std::string content;
        for (size_t j = i; j <= k; ++j) {
          std::string part = lines[j].text;
          if (j == k) part = part.substr(0, close);
          if (j == i) part = part.substr(open + 2);
          if (j > i) content += '\n';
          content += Trim(part);
        }
        lines[i].note = content;
        lines[i].text.clear();
        lines.erase(lines.begin() + static_cast<long>(i) + 1, lines.begin() + static_cast<long>(k) + 1);
        break;
      }
      bool had_text = !IsBlankText(lines[i].text);
      lines[i].text = before + after;
      lines.erase(lines.begin() + static_cast<long>(i) + 1, lines.begin() + static_cast<long>(k) + 1);
      if (had_text && IsBlankText(lines[i].text)) {
        // The note filled the line inside a paragraph: drop the line rather than split the paragraph.
        lines.erase(lines.begin() + static_cast<long>(i));
        --i;
        break;
      }
      from = open;
    }
  }
  return {};
}

class Parser {
 public:
  Parser(std::vector<SourceLine> lines, Screenplay& out) : lines_(std::move(lines)), out_(out) {}

  void Run() {
    size_t i = ParseTitlePage();
    while (i < lines_.size()) i = ParseParagraph(i);
  }

 private:
  bool Blank(size_t i) const { return i >= lines_.size() || (!lines_[i].note && IsBlankText(lines_[i].text)); }

  void Emit(ScriptElementKind kind, std::string text, int line, bool forced = false) {
    ScriptElement e;
    e.kind = kind;
    e.text = std::move(text);
    e.line = line;
    e.forced = forced;
    out_.elements.push_back(std::move(e));
  }

  static void AppendValueLine(std::string& value, const std::string& line) {
    if (!value.empty()) value += '\n';
    value += Trim(line);
  }

  size_t ParseTitlePage() {
    if (lines_.empty() || lines_[0].note) return 0;
    std::string key, value;
    if (!IsKeyLine(lines_[0].text, &key, &value)) return 0;
    bool continued = lines_.size() > 1 && !Blank(1) && StartsWith(lines_[1].text, "   ");
    bool next_is_key = lines_.size() > 1 && !Blank(1) && IsKeyLine(lines_[1].text, nullptr, nullptr);
    if (value.empty() && !continued && !next_is_key && !IsKnownTitleKey(key)) return 0;
    size_t i = 0;
    for (; i < lines_.size() && !Blank(i); ++i) {
      const std::string& t = lines_[i].text;
      if (!t.empty() && t[0] == ' ' && !out_.title_page.empty()) {
        AppendValueLine(out_.title_page.back().second, t);
      } else if (IsKeyLine(t, &key, &value)) {
        out_.title_page.emplace_back(key, value);
      } else if (!out_.title_page.empty()) {
        AppendValueLine(out_.title_page.back().second, t);
      }
    }
    return i;
  }

  // Parses the paragraph (or single-line element) starting at line i; returns the next line.
  size_t ParseParagraph(size_t i) {
    const SourceLine& src = lines_[i];
    if (src.note) {
      Emit(ScriptElementKind::kNote, *src.note, src.number);
      return i + 1;
    }
    if (Blank(i)) return i + 1;
    std::string s = LTrim(src.text);
    std::string rs = RTrim(s);
    bool blank_after = Blank(i + 1);
    int number = src.number;

    if (s[0] == '!') return ParseAction(i, RTrim(s.substr(1)), true);
    if (s[0] == '@') {
      if (!blank_after) {
        if (auto cue = ParseCue(s)) return ParseDialogue(i, *cue);
      }
      return ParseAction(i, rs, false);
    }
    if (s[0] == '~') return ParseLyrics(i);
    if (IsPageBreak(rs)) {
      Emit(ScriptElementKind::kPageBreak, "", number);
      return i + 1;
    }
    if (s[0] == '=') {
      Emit(ScriptElementKind::kSynopsis, Trim(s.substr(1)), number);
      return i + 1;
    }
    if (s[0] == '#') {
      size_t depth = 0;
      while (depth < s.size() && s[depth] == '#') ++depth;
      Emit(ScriptElementKind::kSection, Trim(s.substr(depth)), number);
      out_.elements.back().section_depth = static_cast<int>(depth);
      return i + 1;
    }
    if (s[0] == '>') {
      if (rs.size() >= 2 && rs.back() == '<') {
        Emit(ScriptElementKind::kCentered, Trim(rs.substr(1, rs.size() - 2)), number);
      } else {
        Emit(ScriptElementKind::kTransition, Trim(s.substr(1)), number, true);
      }
      return i + 1;
    }
    if (s.size() > 1 && s[0] == '.' && s[1] != '.' && s[1] != ' ') {
      EmitHeading(rs.substr(1), number, true);
      return i + 1;
    }
    if (blank_after && HasHeadingPrefix(s)) {
      EmitHeading(rs, number, false);
      return i + 1;
    }
    if (blank_after && IsTransitionText(s)) {
      Emit(ScriptElementKind::kTransition, rs, number);
      return i + 1;
    }
    if (!blank_after) {
      if (auto cue = ParseCue(s)) return ParseDialogue(i, *cue);
    }
    return ParseAction(i, RTrim(src.text), false);
  }

  void EmitHeading(std::string text, int number, bool forced) {
    std::string scene_number;
    if (text.size() >= 3 && text.back() == '#') {
      size_t open = text.rfind('#', text.size() - 2);
      if (open != std::string::npos && open + 1 < text.size() - 1) {
        std::string candidate = text.substr(open + 1, text.size() - open - 2);
        bool valid = !candidate.empty() && (open == 0 || text[open - 1] == ' ');
        for (char c : candidate) valid = valid && (IsAsciiAlnum(c) || c == '-' || c == '.');
        if (valid) {
          scene_number = candidate;
          text = RTrim(text.substr(0, open));
        }
      }
    }
    Emit(ScriptElementKind::kSceneHeading, Trim(text), number, forced);
    out_.elements.back().scene_number = scene_number;
  }

  size_t ParseAction(size_t i, std::string first, bool forced) {
    std::string text = std::move(first);
    int number = lines_[i].number;
    size_t j = i + 1;
    for (; !Blank(j); ++j) {
      text += '\n';
      text += RTrim(lines_[j].text);
    }
    Emit(ScriptElementKind::kAction, std::move(text), number, forced);
    return j;
  }

  size_t ParseLyrics(size_t i) {
    std::string text;
    int number = lines_[i].number;
    size_t j = i;
    for (; !Blank(j); ++j) {
      std::string s = LTrim(lines_[j].text);
      if (s.empty() || s[0] != '~') break;
      if (j > i) text += "\n";
      text += RTrim(s.substr(1));
    }
    Emit(ScriptElementKind::kLyrics, std::move(text), number, true);
    return j;
  }

  size_t ParseDialogue(size_t i, const Cue& cue) {
    Emit(ScriptElementKind::kCharacter, cue.name, lines_[i].number, cue.forced);
    out_.elements.back().extension = cue.extension;
    out_.elements.back().dual = cue.dual;
    std::string dialogue;
    int dialogue_line = 0;
    auto flush = [&] {
      if (dialogue_line == 0) return;
      Emit(ScriptElementKind::kDialogue, dialogue, dialogue_line);
      dialogue.clear();
      dialogue_line = 0;
    };
    size_t j = i + 1;
    while (j < lines_.size() && !lines_[j].note) {
      const std::string& t = lines_[j].text;
      if (IsBlankText(t)) {
        // Two spaces keep a blank line inside the dialogue.
        if (t.size() >= 2 && dialogue_line != 0 && !Blank(j + 1)) {
          dialogue += "\n";
          ++j;
          continue;
        }
        break;
      }
      std::string s = Trim(t);
      if (s.size() >= 2 && s.front() == '(' && s.back() == ')') {
        flush();
        Emit(ScriptElementKind::kParenthetical, s.substr(1, s.size() - 2), lines_[j].number);
        ++j;
      } else if (s[0] == '~') {
        flush();
        std::string lyrics;
        int number = lines_[j].number;
        for (bool first_line = true; !Blank(j) && LTrim(lines_[j].text)[0] == '~'; ++j, first_line = false) {
          if (!first_line) lyrics += "\n";
          lyrics += RTrim(LTrim(lines_[j].text).substr(1));
        }
        Emit(ScriptElementKind::kLyrics, lyrics, number, true);
      } else {
        if (dialogue_line == 0) {
          dialogue_line = lines_[j].number;
        } else {
          dialogue += "\n";
        }
        dialogue += s;
        ++j;
      }
    }
    flush();
    return j;
  }

  std::vector<SourceLine> lines_;
  Screenplay& out_;
};

// ---- writing ----

// Would this action paragraph, written plainly, be read back as something else?
bool ActionNeedsForcing(const std::string& text, bool could_be_title_page) {
  std::vector<std::string> lines = Split(text, '\n');
  std::string s = LTrim(lines[0]);
  if (s.empty()) return true;
  if (std::string_view("!@~=#>.[/").find(s[0]) != std::string_view::npos) return true;
  if (lines.size() == 1 && (HasHeadingPrefix(s) || IsTransitionText(s))) return true;
  if (lines.size() > 1 && ParseCue(s)) return true;
  if (could_be_title_page && IsKeyLine(s, nullptr, nullptr)) return true;
  return false;
}

bool IsPlainCueName(const std::string& name) {
  if (name.empty() || !(IsAsciiUpper(name[0]) || (name[0] >= '0' && name[0] <= '9'))) return false;
  for (char c : name) {
    if (!(IsAsciiUpper(c) || (c >= '0' && c <= '9') || c == ' ' || c == '.' || c == '\'' || c == '-' || c == '_'))
      return false;
  }
  return HasAsciiUpper(name) && !HasHeadingPrefix(name);
}

void AppendLines(std::string& out, const std::string& prefix, const std::string& text, const char* empty_line) {
  for (const auto& line : Split(text, '\n')) {
    out += line.empty() ? std::string(empty_line) : prefix + line;
    out += "\n";
  }
}

// ---- emphasis ----

constexpr unsigned kBold = 1, kItalic = 2, kUnderline = 4;

// One piece of a line for ParseEmphasis: literal text, or a run of '*' or one '_' that may pair.
struct EmphasisToken {
  std::string text;     // literal text (delim == 0)
  char delim = 0;       // '*' or '_'
  size_t count = 0;     // marks of the run not used yet
  bool can_open = false;
  bool can_close = false;
  unsigned styles = 0;  // styles of the marks that enclose this token
};

// Blank for emphasis flanking: the line's edge, a space, a tab or U+3000 IDEOGRAPHIC SPACE.
bool BlankBefore(std::string_view line, size_t pos) {
  if (pos == 0) return true;
  char c = line[pos - 1];
  if (c == ' ' || c == '\t') return true;
  return pos >= 3 && line.substr(pos - 3, 3) == "\xE3\x80\x80";
}

bool BlankAt(std::string_view line, size_t pos) {
  if (pos >= line.size()) return true;
  char c = line[pos];
  if (c == ' ' || c == '\t') return true;
  return line.substr(pos, 3) == "\xE3\x80\x80";
}

void AppendRun(std::vector<TextRun>& runs, std::string text, unsigned styles) {
  if (text.empty()) return;
  bool bold = styles & kBold, italic = styles & kItalic, underline = styles & kUnderline;
  if (!runs.empty() && runs.back().bold == bold && runs.back().italic == italic && runs.back().underline == underline) {
    runs.back().text += text;
    return;
  }
  runs.push_back(TextRun{std::move(text), bold, italic, underline});
}

// Emphasis inside one line (no '\n').
void ParseLineEmphasis(std::string_view line, std::vector<TextRun>& runs) {
  std::vector<EmphasisToken> tokens;
  auto literal = [&tokens](std::string_view piece) {
    if (tokens.empty() || tokens.back().delim != 0) tokens.emplace_back();
    tokens.back().text += piece;
  };
  for (size_t i = 0; i < line.size();) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size() && (line[i + 1] == '*' || line[i + 1] == '_' || line[i + 1] == '\\')) {
      literal(line.substr(i + 1, 1));
      i += 2;
    } else if (c == '*' || c == '_') {
      size_t end = i + 1;
      if (c == '*')
        while (end < line.size() && line[end] == '*') ++end;
      EmphasisToken t;
      t.delim = c;
      t.count = end - i;
      t.can_open = !BlankAt(line, end);
      t.can_close = !BlankBefore(line, i);
      tokens.push_back(std::move(t));
      i = end;
    } else {
      literal(line.substr(i, 1));
      ++i;
    }
  }
  // Pair closers with the nearest open run of the same mark, Markdown style.
  std::vector<size_t> openers;
  for (size_t j = 0; j < tokens.size(); ++j) {
    if (tokens[j].delim == 0) continue;
    if (tokens[j].can_close) {
      while (tokens[j].count > 0) {
        size_t k = openers.size();
        while (k > 0 && tokens[openers[k - 1]].delim != tokens[j].delim) --k;
        if (k == 0) break;
        size_t i = openers[k - 1];
        openers.resize(k);  // runs opened inside the pair and never closed stay literal
        size_t use = (tokens[j].delim == '*' && tokens[i].count >= 2 && tokens[j].count >= 2) ? 2 : 1;
        unsigned style = tokens[j].delim == '_' ? kUnderline : (use == 2 ? kBold : kItalic);
        for (size_t m = i + 1; m < j; ++m) tokens[m].styles |= style;
        tokens[i].count -= use;
        tokens[j].count -= use;
        if (tokens[i].count == 0) openers.pop_back();
      }
    }
    if (tokens[j].can_open && tokens[j].count > 0) openers.push_back(j);
  }
  for (const EmphasisToken& t : tokens)
    AppendRun(runs, t.delim == 0 ? t.text : std::string(t.count, t.delim), t.styles);
}

}  // namespace

std::vector<TextRun> ParseEmphasis(std::string_view text) {
  std::vector<TextRun> runs;
  size_t start = 0;
  while (true) {
    size_t nl = text.find('\n', start);
    ParseLineEmphasis(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start), runs);
    if (nl == std::string_view::npos) break;
    AppendRun(runs, "\n", 0);
    start = nl + 1;
  }
  return runs;
}

const char* ScriptElementKindName(ScriptElementKind kind) {
  switch (kind) {
    case ScriptElementKind::kTitle: return "title";
    case ScriptElementKind::kSceneHeading: return "scene_heading";
    case ScriptElementKind::kAction: return "action";
    case ScriptElementKind::kCharacter: return "character";
    case ScriptElementKind::kParenthetical: return "parenthetical";
    case ScriptElementKind::kDialogue: return "dialogue";
    case ScriptElementKind::kTransition: return "transition";
    case ScriptElementKind::kCentered: return "centered";
    case ScriptElementKind::kSection: return "section";
    case ScriptElementKind::kSynopsis: return "synopsis";
    case ScriptElementKind::kNote: return "note";
    case ScriptElementKind::kPageBreak: return "page_break";
    case ScriptElementKind::kLyrics: return "lyrics";
  }
  return "?";
}

Result<Screenplay> ParseFountain(std::string_view text, const std::string& path) {
  std::string normal = Normalize(text);
  RW_TRY(RemoveBoneyard(normal, path));
  std::vector<SourceLine> lines;
  std::vector<std::string> raw = Split(normal, '\n');
  if (!raw.empty() && raw.back().empty()) raw.pop_back();
  lines.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) lines.push_back(SourceLine{std::move(raw[i]), static_cast<int>(i) + 1, std::nullopt});
  RW_TRY(ExtractNotes(lines, path));
  Screenplay script;
  Parser(std::move(lines), script).Run();
  return script;
}

std::string WriteFountain(const Screenplay& script) {
  std::string out;
  for (const auto& [key, value] : script.title_page) {
    if (value.find('\n') == std::string::npos) {
      out += key + ": " + value + "\n";
    } else {
      out += key + ":\n";
      AppendLines(out, "    ", value, "    ");
    }
  }
  bool in_block = false;  // inside a dialogue block: no blank line before the next element
  bool first = true;
  for (const ScriptElement& e : script.elements) {
    bool continues_block = in_block && (e.kind == ScriptElementKind::kParenthetical ||
                                        e.kind == ScriptElementKind::kDialogue || e.kind == ScriptElementKind::kLyrics);
    if (!continues_block && !out.empty()) out += "\n";
    in_block = continues_block;
    switch (e.kind) {
      case ScriptElementKind::kTitle:
        break;
      case ScriptElementKind::kSceneHeading:
        out += (e.forced || !HasHeadingPrefix(e.text) ? "." : "") + e.text;
        if (!e.scene_number.empty()) out += " #" + e.scene_number + "#";
        out += "\n";
        break;
      case ScriptElementKind::kAction:
        out += (e.forced || ActionNeedsForcing(e.text, first && script.title_page.empty())) ? "!" : "";
        AppendLines(out, "", e.text, "");
        break;
      case ScriptElementKind::kCharacter:
        out += (e.forced || !IsPlainCueName(e.text) ? "@" : "") + e.text;
        if (!e.extension.empty()) out += " (" + e.extension + ")";
        if (e.dual) out += " ^";
        out += "\n";
        in_block = true;
        break;
      case ScriptElementKind::kParenthetical:
        out += "(" + e.text + ")\n";
        break;
      case ScriptElementKind::kDialogue:
        AppendLines(out, "", e.text, "  ");
        break;
      case ScriptElementKind::kTransition:
        out += (e.forced || !IsTransitionText(e.text) ? "> " : "") + e.text + "\n";
        break;
      case ScriptElementKind::kCentered:
        out += "> " + e.text + " <\n";
        break;
      case ScriptElementKind::kSection:
        out += std::string(static_cast<size_t>(std::max(1, e.section_depth)), '#') + " " + e.text + "\n";
        break;
      case ScriptElementKind::kSynopsis:
        out += "= " + e.text + "\n";
        break;
      case ScriptElementKind::kNote:
        out += "[[";
        for (size_t i = 0; const auto& line : Split(e.text, '\n')) {
          if (i++ > 0) out += "\n";
          out += line.empty() ? "  " : line;
        }
        out += "]]\n";
        break;
      case ScriptElementKind::kPageBreak:
        out += "===\n";
        break;
      case ScriptElementKind::kLyrics:
        AppendLines(out, "~", e.text, "~");
        break;
    }
    first = false;
  }
  return out;
}

std::vector<ScriptUnit> ScriptUnits(const Screenplay& script) {
  std::vector<ScriptUnit> units;
  std::string beat, scene;
  std::optional<ScriptUnit> pending;  // a dialogue unit being collected
  bool has_line = false;
  auto flush = [&] {
    if (pending && has_line) units.push_back(std::move(*pending));
    pending.reset();
    has_line = false;
  };
  auto join = [](const std::string& text) {
    std::string out;
    for (const auto& line : Split(text, '\n')) {
      std::string t = Trim(line);
      if (t.empty()) continue;
      if (!out.empty()) out += " ";
      out += t;
    }
    return out;
  };
  for (const ScriptElement& e : script.elements) {
    switch (e.kind) {
      case ScriptElementKind::kParenthetical:
        if (pending && !has_line) pending->parenthetical = e.text;
        continue;
      case ScriptElementKind::kDialogue:
      case ScriptElementKind::kLyrics:
        if (pending) {
          std::string text = join(e.text);
          if (!text.empty()) {
            pending->text += (pending->text.empty() ? "" : " ") + text;
            has_line = true;
          }
        }
        continue;
      default:
        break;
    }
    flush();
    switch (e.kind) {
      case ScriptElementKind::kSection:
        if (e.section_depth == 1) {
          std::string t = Trim(e.text);
          beat = t.substr(0, t.find(' '));
        }
        break;
      case ScriptElementKind::kSceneHeading:
        scene = e.text;
        break;
      case ScriptElementKind::kAction: {
        ScriptUnit u;
        u.kind = ScriptUnit::Kind::kAction;
        u.beat = beat;
        u.scene = scene;
        u.text = join(e.text);
        u.line = e.line;
        if (!u.text.empty()) units.push_back(std::move(u));
        break;
      }
      case ScriptElementKind::kCharacter:
        pending = ScriptUnit{};
        pending->kind = ScriptUnit::Kind::kDialogue;
        pending->beat = beat;
        pending->scene = scene;
        pending->character = e.text;
        pending->line = e.line;
        break;
      default:
        break;
    }
  }
  flush();
  return units;
}

std::string SpokenAndShown(const Screenplay& script) {
  std::string out;
  for (const auto& u : ScriptUnits(script)) out += u.text + "\n";
  return out;
}

}  // namespace rw
