// Tests for the FDX writer, Fountain emphasis runs and ConvertScreenplay.
//
// The FDX oracle is screenplain (vilcans/screenplain, MIT): its expected .fdx for the screenplain
// test inputs (copied to tests/fixtures/fountain/golden/screenplain/) and its FDX of Big Fish
// (tests/fixtures/fountain/Big-Fish.fdx). Both documents are read with the strict little XML
// reader below and compared paragraph by paragraph; every place where we differ from screenplain
// on purpose is a named normalisation in NormalizeScreenplain, with the rule behind it.
#include "story/fdx.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>

#include "base/file.h"
#include "base/text.h"
#include "story/convert.h"
#include "story/fountain.h"
#include "story/story_testing.h"

namespace rw {
namespace {

using K = ScriptElementKind;

const std::filesystem::path kFixtures = std::filesystem::path(RW_SOURCE_DIR) / "tests/fixtures/fountain";

std::string ReadFixture(const std::filesystem::path& rel) {
  auto text = ReadFile(kFixtures / rel);
  EXPECT_TRUE(text.ok()) << rel;
  return text.ok() ? *text : std::string();
}

Screenplay ParseFixture(const std::filesystem::path& rel) {
  auto script = ParseFountain(ReadFixture(rel), rel.string());
  EXPECT_TRUE(script.ok()) << (script.ok() ? "" : script.error().ToString());
  return script.ok() ? *script : Screenplay{};
}

// ---- a small, strict XML reader (elements, attributes, character data, the five predefined
// entities and numeric references, comments, CDATA; no DTD) ----

struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<XmlElement> children;
  std::string text;  // character data directly inside this element, concatenated

  const std::string* Attribute(std::string_view key) const {
    for (const auto& [k, v] : attributes)
      if (k == key) return &v;
    return nullptr;
  }
};

class XmlReader {
 public:
  explicit XmlReader(std::string_view doc) : s_(doc) {}

  std::optional<XmlElement> Document() {
    if (EncodeUtf8(DecodeUtf8(s_)) != s_) return Fail("not valid UTF-8"), std::nullopt;
    if (Peek("<?xml")) {
      size_t end = s_.find("?>");
      if (end == std::string_view::npos) return Fail("unterminated XML declaration"), std::nullopt;
      std::string_view decl = s_.substr(0, end);
      if (decl.find("version=\"1.0\"") == std::string_view::npos) return Fail("XML declaration without version 1.0"), std::nullopt;
      pos_ = end + 2;
    }
    if (!Misc()) return std::nullopt;
    if (!Peek("<")) return Fail("no root element"), std::nullopt;
    XmlElement root;
    if (!Element(root) || !Misc()) return std::nullopt;
    if (pos_ != s_.size()) return Fail("content after the root element"), std::nullopt;
    return root;
  }

  const std::string& error() const { return error_; }

 private:
  bool Fail(const std::string& why) {
    if (error_.empty()) error_ = "offset " + std::to_string(pos_) + ": " + why;
    return false;
  }
  bool Peek(std::string_view what) const { return s_.substr(pos_, what.size()) == what; }
  static bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }
  static bool NameStart(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':';
  }
  static bool NameChar(char c) { return NameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

  bool Name(std::string& out) {
    if (pos_ >= s_.size() || !NameStart(s_[pos_])) return Fail("expected a name");
    size_t b = pos_;
    while (pos_ < s_.size() && NameChar(s_[pos_])) ++pos_;
    out = std::string(s_.substr(b, pos_ - b));
    return true;
  }

  // Whitespace, comments and processing instructions outside the root element.
  bool Misc() {
    while (true) {
      SkipSpace();
      if (Peek("<!--")) {
        if (!Comment()) return false;
      } else if (Peek("<?")) {
        size_t end = s_.find("?>", pos_);
        if (end == std::string_view::npos) return Fail("unterminated processing instruction");
        pos_ = end + 2;
      } else if (Peek("<!")) {
        return Fail("DTDs are not accepted");
      } else {
        return true;
      }
    }
  }

  bool Comment() {
    size_t end = s_.find("-->", pos_ + 4);
    if (end == std::string_view::npos) return Fail("unterminated comment");
    pos_ = end + 3;
    return true;
  }

  // Decodes character data up to `stop` (exclusive), checking entities and forbidden characters.
  bool Decode(std::string_view raw, std::string& out, bool attribute) {
    for (size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (c == '<') return Fail("'<' in character data");
      if (attribute && (c == '\n' || c == '\t')) return Fail("unescaped white space in an attribute");
      if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r')
        return Fail("control character in character data");
      if (!attribute && raw.substr(i, 3) == "]]>") return Fail("']]>' in character data");
      if (c != '&') {
        out.push_back(c);
        continue;
      }
      size_t semi = raw.find(';', i);
      if (semi == std::string_view::npos) return Fail("'&' without ';'");
      std::string_view ent = raw.substr(i + 1, semi - i - 1);
      if (ent == "amp") out += '&';
      else if (ent == "lt") out += '<';
      else if (ent == "gt") out += '>';
      else if (ent == "quot") out += '"';
      else if (ent == "apos") out += '\'';
      else if (ent.size() > 1 && ent[0] == '#') {
        bool hex = ent[1] == 'x';
        std::string digits(ent.substr(hex ? 2 : 1));
        if (digits.empty() || digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos)
          return Fail("bad character reference");
        unsigned long cp = std::strtoul(digits.c_str(), nullptr, hex ? 16 : 10);
        if (cp == 0 || cp > 0x10FFFF) return Fail("bad character reference");
        out += EncodeUtf8({static_cast<char32_t>(cp)});
      } else {
        return Fail("unknown entity &" + std::string(ent) + ";");
      }
      i = semi;
    }
    return true;
  }

  bool Element(XmlElement& e) {
    ++pos_;  // '<'
    if (!Name(e.name)) return false;
    while (true) {
      bool spaced = pos_ < s_.size() && IsSpace(s_[pos_]);
      SkipSpace();
      if (Peek("/>")) {
        pos_ += 2;
        return true;
      }
      if (Peek(">")) {
        ++pos_;
        break;
      }
      if (!spaced) return Fail("attributes must be separated by white space");
      std::string key;
      if (!Name(key)) return false;
      if (e.Attribute(key)) return Fail("duplicate attribute " + key);
      SkipSpace();
      if (!Peek("=")) return Fail("expected '=' after " + key);
      ++pos_;
      SkipSpace();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) return Fail("attribute value must be quoted");
      char quote = s_[pos_++];
      size_t end = s_.find(quote, pos_);
      if (end == std::string_view::npos) return Fail("unterminated attribute value");
      std::string value;
      if (!Decode(s_.substr(pos_, end - pos_), value, true)) return false;
      pos_ = end + 1;
      e.attributes.emplace_back(key, value);
    }
    // Content.
    while (true) {
      if (pos_ >= s_.size()) return Fail("element <" + e.name + "> is never closed");
      if (Peek("</")) {
        pos_ += 2;
        std::string name;
        if (!Name(name)) return false;
        if (name != e.name) return Fail("</" + name + "> closes <" + e.name + ">");
        SkipSpace();
        if (!Peek(">")) return Fail("expected '>'");
        ++pos_;
        return true;
      }
      if (Peek("<!--")) {
        if (!Comment()) return false;
      } else if (Peek("<![CDATA[")) {
        size_t end = s_.find("]]>", pos_);
        if (end == std::string_view::npos) return Fail("unterminated CDATA");
        e.text += s_.substr(pos_ + 9, end - pos_ - 9);
        pos_ = end + 3;
      } else if (Peek("<?")) {
        size_t end = s_.find("?>", pos_);
        if (end == std::string_view::npos) return Fail("unterminated processing instruction");
        pos_ = end + 2;
      } else if (Peek("<")) {
        e.children.emplace_back();
        if (!Element(e.children.back())) return false;
      } else {
        size_t end = s_.find('<', pos_);
        if (end == std::string_view::npos) end = s_.size();
        if (!Decode(s_.substr(pos_, end - pos_), e.text, false)) return false;
        pos_ = end;
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

// ---- FDX paragraphs ----

struct FdxParagraph {
  std::string type;  // the Type attribute, "" when absent
  std::string text;  // the Text runs concatenated
  std::vector<TextRun> runs;
  std::string alignment;
  std::string number;
  bool starts_new_page = false;
  int dual = 0;  // 0, or n for a paragraph inside the n-th DualDialogue
};

void AddRun(std::vector<TextRun>& runs, TextRun run) {
  if (run.text.empty()) return;
  if (!runs.empty() && runs.back().bold == run.bold && runs.back().italic == run.italic &&
      runs.back().underline == run.underline) {
    runs.back().text += run.text;
    return;
  }
  runs.push_back(std::move(run));
}

bool IsBlank(const std::string& s) { return Trim(ReplaceAll(s, "\n", "")).empty(); }

// One paragraph with Text children; `error` is set when it holds anything else.
FdxParagraph ReadParagraph(const XmlElement& p, int dual, std::string& error) {
  FdxParagraph out;
  out.dual = dual;
  if (const auto* v = p.Attribute("Type")) out.type = *v;
  if (const auto* v = p.Attribute("Alignment")) out.alignment = *v;
  if (const auto* v = p.Attribute("Number")) out.number = *v;
  if (const auto* v = p.Attribute("StartsNewPage")) out.starts_new_page = *v == "Yes";
  if (!IsBlank(p.text)) error = "text outside <Text> in a paragraph: " + p.text;
  for (const XmlElement& t : p.children) {
    if (t.name != "Text" || !t.children.empty()) {
      error = "unexpected <" + t.name + "> in a paragraph";
      continue;
    }
    TextRun run{t.text};
    // Final Draft writes Style; screenplain writes style (lower case). Accept both.
    const std::string* style = t.Attribute("Style");
    if (!style) style = t.Attribute("style");
    if (style && !style->empty()) {
      for (const auto& name : Split(*style, '+')) {
        if (name == "Bold") run.bold = true;
        else if (name == "Italic") run.italic = true;
        else if (name == "Underline") run.underline = true;
        else error = "unknown style " + name;
      }
    }
    out.text += t.text;
    AddRun(out.runs, std::move(run));
  }
  return out;
}

// The paragraphs of <FinalDraft><Content>, dual dialogue flattened with `dual` set.
std::vector<FdxParagraph> ContentParagraphs(const XmlElement& root, std::string& error) {
  std::vector<FdxParagraph> out;
  if (root.name != "FinalDraft") error = "root is <" + root.name + ">";
  const XmlElement* content = nullptr;
  for (const XmlElement& c : root.children) {
    if (c.name != "Content") continue;
    if (content) error = "two <Content> elements";
    content = &c;
  }
  if (!content) {
    error = "no <Content>";
    return out;
  }
  int dual_groups = 0;
  for (const XmlElement& p : content->children) {
    if (p.name != "Paragraph") {
      error = "unexpected <" + p.name + "> in <Content>";
      continue;
    }
    if (p.children.size() == 1 && p.children[0].name == "DualDialogue") {
      ++dual_groups;
      bool first = true;
      for (const XmlElement& inner : p.children[0].children) {
        if (inner.name != "Paragraph") error = "unexpected <" + inner.name + "> in <DualDialogue>";
        out.push_back(ReadParagraph(inner, dual_groups, error));
        // A page break before dual dialogue sits on the wrapper paragraph.
        if (first && p.Attribute("StartsNewPage") && *p.Attribute("StartsNewPage") == "Yes") out.back().starts_new_page = true;
        first = false;
      }
      continue;
    }
    out.push_back(ReadParagraph(p, 0, error));
  }
  return out;
}

std::vector<FdxParagraph> ReadFdx(const std::string& doc, const std::string& what) {
  XmlReader reader(doc);
  auto root = reader.Document();
  EXPECT_TRUE(root.has_value()) << what << ": " << reader.error();
  if (!root) return {};
  std::string error;
  auto paragraphs = ContentParagraphs(*root, error);
  EXPECT_EQ(error, "") << what;
  return paragraphs;
}

// Styles per visible character: the runs with line breaks removed, merged again. (screenplain
// puts each line in its own <Text> with the '\n' at the end of the line's last run; we put the
// '\n' in an unstyled run. Where the newline sits is not a style difference.)
std::vector<TextRun> StyleSignature(const std::vector<TextRun>& runs) {
  std::vector<TextRun> out;
  for (TextRun run : runs) {
    run.text = ReplaceAll(run.text, "\n", "");
    AddRun(out, std::move(run));
  }
  return out;
}

std::string Show(const FdxParagraph& p) {
  std::ostringstream out;
  out << "[" << p.type << "]";
  if (!p.alignment.empty()) out << " align=" << p.alignment;
  if (!p.number.empty()) out << " #" << p.number;
  if (p.starts_new_page) out << " new-page";
  if (p.dual) out << " dual" << p.dual;
  out << " \"" << p.text << "\" runs:";
  for (const auto& r : p.runs) out << " (" << (r.bold ? "B" : "") << (r.italic ? "I" : "") << (r.underline ? "U" : "") << ")" << r.text;
  return out.str();
}

// Turns screenplain's FDX into what we write on purpose. Each step is a deliberate difference:
//  1. Dialogue lines. screenplain writes every line of a speech as its own Dialogue paragraph
//     (and an intentional blank line, "  " in Fountain, as an empty one). A Fountain dialogue
//     element is one block whose line breaks are part of it, so we write one Dialogue paragraph
//     with the line breaks inside, as screenplain itself does for multi-line action.
//  2. Character extensions. screenplain copies the cue line as typed ("PING  (CONT'D)"); the
//     Screenplay model keeps name and extension apart, and we write "NAME (EXT)" with one space.
//     (The extension itself is kept verbatim, e.g. "EDWARD (V.O.)(CONT'D)".)
//  3. The style attribute: screenplain writes lower-case `style`, Final Draft (and we) `Style`;
//     ReadParagraph accepts both.
//  4. What screenplain drops and we write: page breaks (StartsNewPage="Yes" on the next
//     paragraph), scene numbers (Number="…"), the title page (<TitlePage>, outside <Content>) and
//     the document Version ("4" as Final Draft 8+ writes, screenplain "1"). These are attributes
//     or elements the comparison does not read from screenplain, and are checked on their own.
std::vector<FdxParagraph> NormalizeScreenplain(std::vector<FdxParagraph> in) {
  std::vector<FdxParagraph> out;
  for (FdxParagraph& p : in) {
    if (p.type == "Character") {  // 2
      size_t paren = p.text.find('(');
      if (paren != std::string::npos) {
        std::string name = Trim(p.text.substr(0, paren));
        p.text = name + " " + p.text.substr(paren);
        if (p.runs.size() == 1) p.runs[0].text = p.text;
      }
    }
    if (p.type == "Dialogue" && !out.empty() && out.back().type == "Dialogue" && out.back().dual == p.dual) {  // 1
      FdxParagraph& prev = out.back();
      prev.text += "\n" + p.text;
      AddRun(prev.runs, TextRun{"\n"});
      for (TextRun& r : p.runs) AddRun(prev.runs, std::move(r));
      continue;
    }
    out.push_back(std::move(p));
  }
  return out;
}

// Compares our paragraphs with screenplain's (normalised); returns the first difference or "".
std::string CompareWithScreenplain(const std::vector<FdxParagraph>& ours, const std::vector<FdxParagraph>& theirs) {
  std::ostringstream diff;
  size_t n = std::min(ours.size(), theirs.size());
  for (size_t i = 0; i < n; ++i) {
    const FdxParagraph& a = ours[i];
    const FdxParagraph& b = theirs[i];
    bool same = a.type == b.type && a.text == b.text && a.alignment == b.alignment && a.dual == b.dual &&
                StyleSignature(a.runs) == StyleSignature(b.runs) && (b.number.empty() || a.number == b.number);
    if (!same) {
      diff << "paragraph " << i << " differs\n  ours:        " << Show(a) << "\n  screenplain: " << Show(b);
      return diff.str();
    }
  }
  if (ours.size() != theirs.size()) {
    diff << "paragraph counts differ: ours " << ours.size() << ", screenplain " << theirs.size();
    if (n < ours.size()) diff << "\n  first extra of ours: " << Show(ours[n]);
    if (n < theirs.size()) diff << "\n  first extra of screenplain: " << Show(theirs[n]);
  }
  return diff.str();
}

// ---- the corpus comparison ----

struct OraclePair {
  std::filesystem::path fountain;  // relative to kFixtures
  std::filesystem::path fdx;
};

// Every corpus .fountain that screenplain made an FDX of: Big Fish (FDX beside it) and the
// screenplain test inputs (their FDX copied under golden/screenplain/).
std::vector<OraclePair> OraclePairs() {
  std::vector<OraclePair> pairs{{"Big-Fish.fountain", "Big-Fish.fdx"}};
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures / "screenplain-tests")) {
    if (entry.path().extension() != ".fountain") continue;
    std::filesystem::path fdx = std::filesystem::path("golden/screenplain") / entry.path().stem();
    fdx += ".fdx";
    if (std::filesystem::exists(kFixtures / fdx))
      pairs.push_back({std::filesystem::path("screenplain-tests") / entry.path().filename(), fdx});
  }
  return pairs;
}

TEST(Fdx, MatchesScreenplainOnEveryCorpusScript) {
  auto pairs = OraclePairs();
  // Big Fish + the nine screenplain inputs that have an expected .fdx.
  ASSERT_EQ(pairs.size(), 10u);
  for (const auto& [fountain, fdx] : pairs) {
    SCOPED_TRACE(fountain.string());
    Screenplay script = ParseFixture(fountain);
    std::string ours_doc = WriteFdx(script);
    auto ours = ReadFdx(ours_doc, "ours for " + fountain.string());
    auto theirs = NormalizeScreenplain(ReadFdx(ReadFixture(fdx), fdx.string()));
    ASSERT_FALSE(theirs.empty());
    EXPECT_EQ(CompareWithScreenplain(ours, theirs), "");
  }
}

TEST(Fdx, BigFishDetailsScreenplainLeavesOut) {
  Screenplay script = ParseFixture("Big-Fish.fountain");
  auto ours = ReadFdx(WriteFdx(script), "Big Fish");
  ASSERT_GT(ours.size(), 100u);
  // "====" after the opening paragraph: the next paragraph starts a new page, and only that one.
  int new_pages = 0;
  for (const auto& p : ours) new_pages += p.starts_new_page;
  EXPECT_EQ(new_pages, 1);
  EXPECT_EQ(ours[0].text, "This is a Southern story, full of lies and fabrications, but truer for their inclusion.");
  EXPECT_FALSE(ours[0].starts_new_page);
  EXPECT_TRUE(ours[1].starts_new_page);
  EXPECT_EQ(ours[1].text, "FADE IN:");
  ASSERT_EQ(ours[1].runs.size(), 1u);
  EXPECT_TRUE(ours[1].runs[0].bold);
  // "> _**THE END**_ <" is centred bold + underlined action.
  const FdxParagraph& end = ours.back();
  EXPECT_EQ(end.type, "Action");
  EXPECT_EQ(end.alignment, "Center");
  EXPECT_EQ(end.runs, (std::vector<TextRun>{{"THE END", true, false, true}}));
}

TEST(Fdx, TitlePage) {
  Screenplay script = ParseFixture("Big-Fish.fountain");
  std::string doc = WriteFdx(script);
  XmlReader reader(doc);
  auto root = reader.Document();
  ASSERT_TRUE(root) << reader.error();
  const XmlElement* title_page = nullptr;
  for (const auto& c : root->children)
    if (c.name == "TitlePage") title_page = &c;
  ASSERT_NE(title_page, nullptr);
  ASSERT_EQ(title_page->children.size(), 1u);
  std::vector<std::string> lines;
  for (const auto& p : title_page->children[0].children) {
    std::string text;
    for (const auto& t : p.children) text += t.text;
    lines.push_back(*p.Attribute("Alignment") + ":" + text);
  }
  std::vector<std::string> want = {
      "Center:Big Fish", "Center:", "Center:written by", "Center:", "Center:John August", "Center:",
      "Center:based on the novel by Daniel Wallace", "Left:",
      "Left:FINAL PRODUCTION DRAFT", "Left:includes post-production dialogue", "Left:and omitted scenes",
      "Left:", "Left:(c) 2003 Columbia Pictures"};
  EXPECT_EQ(lines, want);

  Screenplay bare;
  bare.elements.push_back(ScriptElement{K::kAction, "Hi."});
  EXPECT_EQ(WriteFdx(bare).find("<TitlePage>"), std::string::npos);
}

TEST(Fdx, EveryFixtureWritesWellFormedFdx) {
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kFixtures)) {
    if (entry.path().extension() != ".fountain") continue;
    ++files;
    auto text = ReadFile(entry.path());
    ASSERT_TRUE(text.ok());
    auto script = ParseFountain(*text, entry.path().string());
    ASSERT_TRUE(script.ok()) << entry.path();
    std::string doc = WriteFdx(*script);
    EXPECT_TRUE(StartsWith(doc, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>\n"
                                "<FinalDraft DocumentType=\"Script\" Template=\"No\" Version=\"4\">\n"));
    auto paragraphs = ReadFdx(doc, entry.path().string());
    // Every printed element becomes exactly one paragraph.
    size_t printed = 0;
    for (const auto& e : script->elements)
      printed += e.kind != K::kSection && e.kind != K::kSynopsis && e.kind != K::kNote && e.kind != K::kPageBreak &&
                 e.kind != K::kTitle;
    EXPECT_EQ(paragraphs.size(), printed) << entry.path();
  }
  EXPECT_GE(files, 30);
}

TEST(Fdx, EscapesAndCleansText) {
  Screenplay s;
  s.elements.push_back(ScriptElement{K::kAction, "Tom & Jerry <3 \"quotes\" 'single' > end"});
  s.elements.push_back(ScriptElement{K::kAction, std::string("bell\x07 cr\r bad\xFF byte")});
  auto c = ScriptElement{K::kCharacter, "林晚"};
  c.forced = true;
  c.extension = "O.S.";
  s.elements.push_back(c);
  s.elements.push_back(ScriptElement{K::kDialogue, "你好。"});
  std::string doc = WriteFdx(s);
  EXPECT_NE(doc.find("<Text>Tom &amp; Jerry &lt;3 &quot;quotes&quot; &apos;single&apos; &gt; end</Text>"), std::string::npos)
      << doc;
  EXPECT_NE(doc.find("<Text>林晚 (O.S.)</Text>"), std::string::npos) << doc;
  EXPECT_EQ(doc.find('@'), std::string::npos);
  auto paragraphs = ReadFdx(doc, "escapes");
  ASSERT_EQ(paragraphs.size(), 4u);
  EXPECT_EQ(paragraphs[0].text, "Tom & Jerry <3 \"quotes\" 'single' > end");
  EXPECT_EQ(paragraphs[1].text, "bell cr bad\xEF\xBF\xBD byte");
}

TEST(Fdx, DualDialoguePageBreaksAndHiddenElements) {
  auto script = ParseFountain(
      "# Act\n\n= synopsis\n\n===\n\nADAM\n(softly)\nYes.\n\n[[between]]\n\nEVE ^\nNo.\n\n~la la\n\n===\n\n[[x]]\n\n"
      "INT. HALL - DAY #3#\n\n===\n",
      "dual.fountain");
  ASSERT_TRUE(script.ok());
  std::string doc = WriteFdx(*script);
  auto paragraphs = ReadFdx(doc, "dual");
  ASSERT_EQ(paragraphs.size(), 7u) << doc;
  EXPECT_EQ(paragraphs[0].dual, 1);
  EXPECT_TRUE(paragraphs[0].starts_new_page);  // on the wrapper
  EXPECT_NE(doc.find("<Paragraph StartsNewPage=\"Yes\">\n      <DualDialogue>"), std::string::npos) << doc;
  EXPECT_EQ(paragraphs[1].text, "(softly)");
  EXPECT_EQ(paragraphs[1].type, "Parenthetical");
  EXPECT_EQ(paragraphs[3].text, "EVE");
  EXPECT_EQ(paragraphs[4].dual, 1);
  // Lyrics right after a speech belong to it: the model keeps no blank lines, and WriteFountain
  // writes them inside the block too.
  EXPECT_EQ(paragraphs[5].type, "Lyric");
  EXPECT_EQ(paragraphs[5].dual, 1);
  EXPECT_EQ(paragraphs[6].type, "Scene Heading");
  EXPECT_EQ(paragraphs[6].number, "3");
  EXPECT_TRUE(paragraphs[6].starts_new_page);
  EXPECT_EQ(doc.find("between"), std::string::npos);
  EXPECT_EQ(doc.find("synopsis"), std::string::npos);
  EXPECT_EQ(doc.find("Act"), std::string::npos);
}

// ---- golden ----

// FDX of golden/writer.fountain (the Fountain writer's golden screenplay) and of
// golden/fdx-extras.fountain (emphasis, escapes, lyrics, dual dialogue across a note, a page
// break, Chinese). Regenerate with RW_UPDATE_GOLDEN=1 rw_story_test --gtest_filter=FdxWriter.Golden
// and review the diff.
TEST(FdxWriter, Golden) {
  for (const char* name : {"writer", "fdx-extras"}) {
    std::filesystem::path fountain = std::filesystem::path("golden") / (std::string(name) + ".fountain");
    std::filesystem::path fdx = std::filesystem::path("golden") / (std::string(name) + ".fdx");
    std::string doc = WriteFdx(ParseFixture(fountain));
    if (std::getenv("RW_UPDATE_GOLDEN")) {
      ASSERT_TRUE(WriteFileAtomic(kFixtures / fdx, doc).ok());
    }
    EXPECT_EQ(doc, ReadFixture(fdx)) << doc;
    ReadFdx(doc, fdx.string());  // well-formed
  }
}

// ---- emphasis ----

std::vector<TextRun> Runs(std::initializer_list<TextRun> runs) { return runs; }
TextRun Plain(std::string t) { return {std::move(t)}; }
TextRun B(std::string t) { return {std::move(t), true, false, false}; }
TextRun I(std::string t) { return {std::move(t), false, true, false}; }
TextRun U(std::string t) { return {std::move(t), false, false, true}; }
TextRun BI(std::string t) { return {std::move(t), true, true, false}; }

TEST(Emphasis, Basic) {
  EXPECT_EQ(ParseEmphasis(""), Runs({}));
  EXPECT_EQ(ParseEmphasis("plain text"), Runs({Plain("plain text")}));
  EXPECT_EQ(ParseEmphasis("*italic*"), Runs({I("italic")}));
  EXPECT_EQ(ParseEmphasis("**bold**"), Runs({B("bold")}));
  EXPECT_EQ(ParseEmphasis("***bold italic***"), Runs({BI("bold italic")}));
  EXPECT_EQ(ParseEmphasis("_underline_"), Runs({U("underline")}));
  EXPECT_EQ(ParseEmphasis("a *b* c **d** e _f_ g"),
            Runs({Plain("a "), I("b"), Plain(" c "), B("d"), Plain(" e "), U("f"), Plain(" g")}));
  EXPECT_EQ(ParseEmphasis("他说*不*。"), Runs({Plain("他说"), I("不"), Plain("。")}));
}

TEST(Emphasis, Nested) {
  EXPECT_EQ(ParseEmphasis("_**THE END**_"), Runs({TextRun{"THE END", true, false, true}}));
  EXPECT_EQ(ParseEmphasis("**bold *and italic* bold**"), Runs({B("bold "), BI("and italic"), B(" bold")}));
  EXPECT_EQ(ParseEmphasis("*italic **and bold** italic*"), Runs({I("italic "), BI("and bold"), I(" italic")}));
  EXPECT_EQ(ParseEmphasis("***bold** italic*"), Runs({BI("bold"), I(" italic")}));
  EXPECT_EQ(ParseEmphasis("_a *b* c_"), Runs({U("a "), TextRun{"b", false, true, true}, U(" c")}));
  // Marks do not cross: the '_' opened inside *…* never closes there and stays literal.
  EXPECT_EQ(ParseEmphasis("*a_b*c_"), Runs({I("a_b"), Plain("c_")}));
}

TEST(Emphasis, Escaped) {
  EXPECT_EQ(ParseEmphasis("\\*not italic\\*"), Runs({Plain("*not italic*")}));
  // The syntax guide's example: "**\*9765\***" is bold "*9765*".
  EXPECT_EQ(ParseEmphasis("the keypad: **\\*9765\\***"), Runs({Plain("the keypad: "), B("*9765*")}));
  EXPECT_EQ(ParseEmphasis("\\_id\\_"), Runs({Plain("_id_")}));
  EXPECT_EQ(ParseEmphasis("a \\\\ b"), Runs({Plain("a \\ b")}));
  EXPECT_EQ(ParseEmphasis("C:\\path\\n"), Runs({Plain("C:\\path\\n")}));  // other backslashes stay
  EXPECT_EQ(ParseEmphasis("\\\\*x*"), Runs({Plain("\\"), I("x")}));
}

TEST(Emphasis, UnclosedAndFlanking) {
  EXPECT_EQ(ParseEmphasis("*no end"), Runs({Plain("*no end")}));
  EXPECT_EQ(ParseEmphasis("no start*"), Runs({Plain("no start*")}));
  EXPECT_EQ(ParseEmphasis("**bold*"), Runs({Plain("*"), I("bold")}));
  EXPECT_EQ(ParseEmphasis("2 * 3 * 4"), Runs({Plain("2 * 3 * 4")}));  // marks next to blanks
  EXPECT_EQ(ParseEmphasis("* spaced *"), Runs({Plain("* spaced *")}));
  EXPECT_EQ(ParseEmphasis("_ _"), Runs({Plain("_ _")}));
  EXPECT_EQ(ParseEmphasis("**"), Runs({Plain("**")}));
}

TEST(Emphasis, NeverSpansALineBreak) {
  EXPECT_EQ(ParseEmphasis("*one\ntwo*"), Runs({Plain("*one\ntwo*")}));
  EXPECT_EQ(ParseEmphasis("*one*\n*two*"), Runs({I("one"), Plain("\n"), I("two")}));
  EXPECT_EQ(ParseEmphasis("**a\n**b**"), Runs({Plain("**a\n"), B("b")}));
  EXPECT_EQ(ParseEmphasis("x\n\ny"), Runs({Plain("x\n\ny")}));
}

TEST(Emphasis, ReaderKeepsMarkupInText) {
  auto s = ParseFountain("INT. HALL - DAY\n\nShe is *very* _late_.\n", "e.fountain");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->elements.size(), 2u);
  EXPECT_EQ(s->elements[1].text, "She is *very* _late_.");
  EXPECT_EQ(WriteFountain(*s), "INT. HALL - DAY\n\nShe is *very* _late_.\n");
}

// ---- ConvertScreenplay ----

class Convert : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("rw_convert_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(Convert, FountainRoundTripAndFdx) {
  for (const char* rel : {"Big-Fish.fountain", "reelwright/forced-cues-multiscript.fountain", "golden/fdx-extras.fountain"}) {
    SCOPED_TRACE(rel);
    Screenplay original = ParseFixture(rel);
    auto normal = dir_ / "out.fountain";
    ASSERT_TRUE(ConvertScreenplay(kFixtures / rel, normal).ok());
    auto text = ReadFile(normal);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, WriteFountain(original));
    auto again = ParseFountain(*text, normal.string());
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(testing::SameElements(original, *again));
    // Normalising is idempotent, also in place.
    ASSERT_TRUE(ConvertScreenplay(normal, normal).ok());
    EXPECT_EQ(*ReadFile(normal), *text);

    auto fdx = dir_ / "sub" / "OUT.FDX";  // the folder is created; extensions are case-insensitive
    ASSERT_TRUE(ConvertScreenplay(kFixtures / rel, fdx).ok());
    EXPECT_EQ(*ReadFile(fdx), WriteFdx(original));
  }
  // No temp files are left behind.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_)) EXPECT_FALSE(IsTempFile(entry.path()));
}

TEST_F(Convert, Errors) {
  auto src = dir_ / "ep.fountain";
  ASSERT_TRUE(WriteFileAtomic(src, "INT. HALL - DAY\n\nHi.\n").ok());

  auto fdx_in = ConvertScreenplay(dir_ / "ep.fdx", dir_ / "ep.fountain");
  ASSERT_FALSE(fdx_in.ok());
  EXPECT_EQ(fdx_in.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(fdx_in.error().where, (dir_ / "ep.fdx").string());
  EXPECT_NE(fdx_in.error().message.find("reading FDX is not supported yet"), std::string::npos);

  auto unknown_in = ConvertScreenplay(dir_ / "ep.txt", dir_ / "ep.fdx");
  ASSERT_FALSE(unknown_in.ok());
  EXPECT_EQ(unknown_in.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(unknown_in.error().where, (dir_ / "ep.txt").string());
  EXPECT_NE(unknown_in.error().message.find("'.txt'"), std::string::npos);
  EXPECT_NE(unknown_in.error().message.find(".fountain -> .fdx"), std::string::npos);

  auto no_ext = ConvertScreenplay(dir_ / "script", dir_ / "ep.fdx");
  ASSERT_FALSE(no_ext.ok());
  EXPECT_NE(no_ext.error().message.find("(no extension)"), std::string::npos);

  auto unknown_out = ConvertScreenplay(src, dir_ / "ep.pdf");
  ASSERT_FALSE(unknown_out.ok());
  EXPECT_EQ(unknown_out.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(unknown_out.error().where, (dir_ / "ep.pdf").string());
  EXPECT_NE(unknown_out.error().message.find("supported: .fountain -> .fdx, .fountain -> .fountain"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "ep.pdf"));

  auto missing = ConvertScreenplay(dir_ / "missing.fountain", dir_ / "out.fdx");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().where, (dir_ / "missing.fountain").string());

  auto broken_src = dir_ / "broken.fountain";
  ASSERT_TRUE(WriteFileAtomic(broken_src, "Action.\n\n/* never closed\n").ok());
  auto broken = ConvertScreenplay(broken_src, dir_ / "broken.fdx");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(broken.error().where, broken_src.string() + ":3");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "broken.fdx"));

  // An output that cannot be written names the output.
  ASSERT_TRUE(WriteFileAtomic(dir_ / "file", "x").ok());
  auto unwritable = ConvertScreenplay(src, dir_ / "file" / "out.fdx");
  ASSERT_FALSE(unwritable.ok());
  EXPECT_NE(unwritable.error().ToString().find((dir_ / "file").string()), std::string::npos);
}

}  // namespace
}  // namespace rw
