#include "story/fdx.h"

#include <vector>

#include "base/text.h"

namespace rw {

namespace {

using K = ScriptElementKind;

// Appends `text` XML-escaped, as valid UTF-8 made only of characters XML 1.0 allows.
void AppendEscaped(std::string& out, std::string_view text) {
  for (char32_t c : DecodeUtf8(text)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n') break;  // control characters (and '\r') are dropped
        if ((c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF || c > 0x10FFFF) c = 0xFFFD;
        AppendUtf8(out, c);
    }
  }
}

std::string Escaped(std::string_view text) {
  std::string out;
  AppendEscaped(out, text);
  return out;
}

std::string StyleValue(const TextRun& run) {
  std::string style;
  auto add = [&style](bool on, const char* name) {
    if (!on) return;
    if (!style.empty()) style += "+";
    style += name;
  };
  add(run.bold, "Bold");
  add(run.italic, "Italic");
  add(run.underline, "Underline");
  return style;
}

struct ParagraphAttrs {
  const char* type = nullptr;     // nullptr: no Type attribute
  std::string number;             // scene number
  const char* alignment = nullptr;
  bool starts_new_page = false;
};

class FdxWriter {
 public:
  explicit FdxWriter(const Screenplay& script) : script_(script) {}

  std::string Run() {
    out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>\n";
    out_ += "<FinalDraft DocumentType=\"Script\" Template=\"No\" Version=\"4\">\n";
    out_ += "  <Content>\n";
    WriteElements();
    out_ += "  </Content>\n";
    WriteTitlePage();
    out_ += "</FinalDraft>\n";
    return std::move(out_);
  }

 private:
  static bool Printed(K kind) {
    return kind != K::kSection && kind != K::kSynopsis && kind != K::kNote && kind != K::kTitle &&
           kind != K::kPageBreak;
  }
  static bool InBlock(K kind) { return kind == K::kParenthetical || kind == K::kDialogue || kind == K::kLyrics; }

  void Indent(int depth) { out_.append(static_cast<size_t>(depth) * 2, ' '); }

  void OpenParagraph(int depth, const ParagraphAttrs& attrs) {
    Indent(depth);
    out_ += "<Paragraph";
    if (attrs.type) out_ += std::string(" Type=\"") + attrs.type + "\"";
    if (!attrs.number.empty()) out_ += " Number=\"" + Escaped(attrs.number) + "\"";
    if (attrs.alignment) out_ += std::string(" Alignment=\"") + attrs.alignment + "\"";
    if (attrs.starts_new_page) out_ += " StartsNewPage=\"Yes\"";
    out_ += ">\n";
  }

  void CloseParagraph(int depth) {
    Indent(depth);
    out_ += "</Paragraph>\n";
  }

  void WriteRuns(int depth, const std::vector<TextRun>& runs) {
    if (runs.empty()) {
      Indent(depth);
      out_ += "<Text></Text>\n";
    }
    for (const TextRun& run : runs) {
      Indent(depth);
      std::string style = StyleValue(run);
      out_ += style.empty() ? "<Text>" : "<Text Style=\"" + style + "\">";
      AppendEscaped(out_, run.text);
      out_ += "</Text>\n";
    }
  }

  void WriteParagraph(int depth, ParagraphAttrs attrs, const std::string& text) {
    attrs.starts_new_page = TakePageBreak();
    OpenParagraph(depth, attrs);
    WriteRuns(depth + 1, ParseEmphasis(text));
    CloseParagraph(depth);
  }

  bool TakePageBreak() {
    bool pending = page_break_;
    page_break_ = false;
    return pending;
  }

  // Writes one printed element as a paragraph (nothing for the kinds that are not printed).
  void WriteElement(int depth, const ScriptElement& e) {
    ParagraphAttrs attrs;
    std::string text = e.text;
    switch (e.kind) {
      case K::kSceneHeading:
        attrs.type = "Scene Heading";
        attrs.number = e.scene_number;
        break;
      case K::kAction:
        attrs.type = "Action";
        break;
      case K::kCentered:
        attrs.type = "Action";
        attrs.alignment = "Center";
        break;
      case K::kCharacter:
        attrs.type = "Character";
        if (!e.extension.empty()) text += " (" + e.extension + ")";
        break;
      case K::kParenthetical:
        attrs.type = "Parenthetical";
        text = "(" + text + ")";
        break;
      case K::kDialogue:
        attrs.type = "Dialogue";
        break;
      case K::kLyrics:
        attrs.type = "Lyric";
        break;
      case K::kTransition:
        attrs.type = "Transition";
        break;
      default:
        return;
    }
    WriteParagraph(depth, attrs, text);
  }

  // End of the dialogue block whose cue is at `i`.
  size_t BlockEnd(size_t i) const {
    const auto& elements = script_.elements;
    size_t j = i + 1;
    while (j < elements.size() && InBlock(elements[j].kind)) ++j;
    return j;
  }

  void WriteElements() {
    const auto& elements = script_.elements;
    size_t i = 0;
    while (i < elements.size()) {
      const ScriptElement& e = elements[i];
      if (e.kind == K::kPageBreak) {
        page_break_ = true;
        ++i;
        continue;
      }
      if (!Printed(e.kind)) {
        ++i;
        continue;
      }
      if (e.kind != K::kCharacter) {
        WriteElement(2, e);
        ++i;
        continue;
      }
      size_t end = BlockEnd(i);
      // The second speaker of dual dialogue may follow after elements that are not printed.
      size_t next = end;
      while (next < elements.size() && !Printed(elements[next].kind) && elements[next].kind != K::kPageBreak) ++next;
      if (next < elements.size() && elements[next].kind == K::kCharacter && elements[next].dual) {
        size_t second_end = BlockEnd(next);
        ParagraphAttrs wrapper;
        wrapper.starts_new_page = TakePageBreak();
        OpenParagraph(2, wrapper);
        Indent(3);
        out_ += "<DualDialogue>\n";
        for (size_t k = i; k < end; ++k) WriteElement(4, elements[k]);
        for (size_t k = next; k < second_end; ++k) WriteElement(4, elements[k]);
        Indent(3);
        out_ += "</DualDialogue>\n";
        CloseParagraph(2);
        i = second_end;
      } else {
        for (size_t k = i; k < end; ++k) WriteElement(2, elements[k]);
        i = end;
      }
    }
  }

  void WriteTitleParagraph(const char* alignment, const std::string& text) {
    ParagraphAttrs attrs;
    attrs.alignment = alignment;
    OpenParagraph(3, attrs);
    WriteRuns(4, ParseEmphasis(text));
    CloseParagraph(3);
  }

  void WriteTitleValue(const char* alignment, const std::string& value) {
    for (const std::string& line : Split(value, '\n')) WriteTitleParagraph(alignment, line);
  }

  void WriteTitlePage() {
    const auto& page = script_.title_page;
    if (page.empty()) return;
    out_ += "  <TitlePage>\n";
    out_ += "    <Content>\n";
    bool first = true;
    for (const char* centred : {"title", "credit", "author", "authors", "source"}) {
      for (const auto& [key, value] : page) {
        if (ToLowerAscii(key) != centred) continue;
        if (!first) WriteTitleParagraph("Center", "");
        first = false;
        WriteTitleValue("Center", value);
      }
    }
    for (const auto& [key, value] : page) {
      std::string k = ToLowerAscii(key);
      if (k == "title" || k == "credit" || k == "author" || k == "authors" || k == "source") continue;
      if (!first) WriteTitleParagraph("Left", "");
      first = false;
      bool bare = k == "draft date" || k == "contact" || k == "copyright" || k == "notes";
      WriteTitleValue("Left", bare ? value : key + ": " + value);
    }
    out_ += "    </Content>\n";
    out_ += "  </TitlePage>\n";
  }

  const Screenplay& script_;
  std::string out_;
  bool page_break_ = false;  // a page break waits for the next printed paragraph
};

}  // namespace

std::string WriteFdx(const Screenplay& script) { return FdxWriter(script).Run(); }

}  // namespace rw
