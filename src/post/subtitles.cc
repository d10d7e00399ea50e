#include "post/subtitles.h"

#include <unicode/brkiter.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <cstdio>
#include <cstdlib>
#include <tuple>

#include "base/rational_time.h"
#include "base/text.h"

namespace rw {

namespace {

// May not start a line (closing brackets and quotes, sentence and clause marks, ellipsis and
// dash, iteration and prolonged-sound marks, small kana).
bool IsClosingPunct(char32_t c) {
  static constexpr char32_t kClosing[] = {
      U'!',  U')',  U',',  U'.',  U':',  U';',  U'?',  U']',  U'}',  U'%',  U'、', U'。', U'，', U'．', U'：', U'；',
      U'？', U'！', U'）', U'］', U'｝', U'〕', U'〉', U'》', U'」', U'』', U'】', U'〗', U'〙', U'’',  U'”',  U'…',
      U'‥',  U'—',  U'～', U'〜', U'ー', U'々', U'％', U'・', U'ぁ', U'ぃ', U'ぅ', U'ぇ', U'ぉ', U'っ', U'ゃ', U'ゅ',
      U'ょ', U'ゎ', U'ァ', U'ィ', U'ゥ', U'ェ', U'ォ', U'ッ', U'ャ', U'ュ', U'ョ', U'ヮ', U'ヵ', U'ヶ'};
  return std::find(std::begin(kClosing), std::end(kClosing), c) != std::end(kClosing);
}

// May not end a line (opening brackets and quotes).
bool IsOpeningPunct(char32_t c) {
  static constexpr char32_t kOpening[] = {U'(',  U'[',  U'{',  U'（', U'［', U'｛', U'〔', U'〈', U'《',
                                          U'「', U'『', U'【', U'〖', U'〘', U'‘',  U'“',  U'«'};
  return std::find(std::begin(kOpening), std::end(kOpening), c) != std::end(kOpening);
}

// A clause or sentence mark after which a line break reads naturally.
bool IsPausePunct(char32_t c) {
  static constexpr char32_t kPause[] = {U',',  U'.',  U';',  U':',  U'!',  U'?',  U'，',
                                        U'。', U'；', U'：', U'！', U'？', U'、', U'…'};
  return std::find(std::begin(kPause), std::end(kPause), c) != std::end(kPause);
}

// Occupies a full-width cell in a CJK font.
bool IsWide(char32_t c) {
  return IsCjk(c) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) ||
         c == 0x2014 || c == 0x2026 || (c >= 0x2018 && c <= 0x201D);
}

bool IsSpace(char32_t c) { return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\f' || c == U'\v'; }

// Code points with whitespace runs collapsed to one ' ' and trimmed.
std::vector<char32_t> Normalize(const std::string& text) {
  std::vector<char32_t> out;
  bool pending_space = false;
  for (char32_t c : DecodeUtf8(text)) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(U' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string Encode(const std::vector<char32_t>& cps, size_t begin, size_t end) {
  return EncodeUtf8(std::vector<char32_t>(cps.begin() + static_cast<std::ptrdiff_t>(begin),
                                          cps.begin() + static_cast<std::ptrdiff_t>(end)));
}

// Line 1 is cps[0, end1), line 2 is cps[start2, n); a break at a space drops the space.
struct LineBreak {
  size_t end1 = 0;
  size_t start2 = 0;
  bool inside_word = false;  // between two characters of one Chinese word (ICU's dictionary)
};

// Where ICU's dictionary-based word segmentation (the "zh" word break rules) puts word
// boundaries, as code point positions.
std::vector<bool> WordBoundaries(const std::vector<char32_t>& cps) {
  std::vector<bool> at(cps.size() + 1, true);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> words(icu::BreakIterator::createWordInstance(icu::Locale::getChinese(), status));
  if (U_FAILURE(status) || !words) return at;  // no dictionary: every position counts as a boundary
  icu::UnicodeString text = icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(cps.data()), static_cast<int32_t>(cps.size()));
  words->setText(text);
  std::fill(at.begin(), at.end(), false);
  for (int32_t b = words->first(); b != icu::BreakIterator::DONE; b = words->next())
    at[static_cast<size_t>(text.countChar32(0, b))] = true;
  return at;
}

std::vector<LineBreak> Candidates(const std::vector<char32_t>& cps, bool cjk) {
  std::vector<LineBreak> out;
  std::vector<bool> boundary = cjk ? WordBoundaries(cps) : std::vector<bool>(cps.size() + 1, true);
  for (size_t i = 1; i < cps.size(); ++i) {
    if (cps[i] == U' ') {
      out.push_back({i, i + 1});
      continue;
    }
    if (!cjk || cps[i - 1] == U' ') continue;              // Latin breaks only at spaces
    if (!IsWide(cps[i - 1]) && !IsWide(cps[i])) continue;  // inside a Latin word or number
    if (IsClosingPunct(cps[i]) || IsOpeningPunct(cps[i - 1])) continue;
    out.push_back({i, i, !boundary[i]});
  }
  return out;
}

// "#RRGGBB" as ASS writes colours: &H, alpha, blue, green, red (opaque). Anything else is white.
std::string AssColour(const std::string& rgb) {
  if (rgb.size() != 7 || rgb[0] != '#') return "&H00FFFFFF";
  std::string out = "&H00" + rgb.substr(5, 2) + rgb.substr(3, 2) + rgb.substr(1, 2);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string AssEscape(const std::string& line) {
  std::string out;
  for (char c : line) {
    if (c == '\\') {
      out += "\\\u2060";  // WORD JOINER: the backslash can no longer begin \N, \h or a tag
    } else if (c == '{') {
      out += "\\{";
    } else if (c == '}') {
      out += "\\}";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string VttEscape(const std::string& line) {
  std::string out;
  for (char c : line) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// One line of a header field or the ASS Name field: no line breaks; for Name, no commas (the
// field separator).
std::string OneLine(const std::string& text, bool no_commas) {
  std::string out;
  for (char c : text) {
    if (no_commas && c == ',') continue;
    out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  }
  return Trim(out);
}

bool Shown(const TimelineCue& cue) { return cue.end_ms > cue.start_ms && !Trim(cue.text).empty(); }

std::string JoinLines(const std::vector<std::string>& lines, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += sep;
    out += lines[i];
  }
  return out;
}

}  // namespace

std::vector<std::string> BreakSubtitleLines(const std::string& text, const SubtitleStyle& style) {
  std::vector<char32_t> cps = Normalize(text);
  if (cps.empty()) return {};
  bool cjk = std::any_of(cps.begin(), cps.end(), [](char32_t c) { return IsCjk(c); });
  // Widths in half cells for CJK text (wide 2, narrow 1); in code points otherwise.
  int limit = cjk ? 2 * style.max_chars_cjk : style.max_chars_latin;
  std::vector<int> prefix(cps.size() + 1, 0);
  for (size_t i = 0; i < cps.size(); ++i) prefix[i + 1] = prefix[i] + (cjk && IsWide(cps[i]) ? 2 : 1);
  auto width = [&](size_t begin, size_t end) { return prefix[end] - prefix[begin]; };
  if (width(0, cps.size()) <= limit) return {EncodeUtf8(cps)};

  std::vector<LineBreak> candidates = Candidates(cps, cjk);
  if (candidates.empty()) return {EncodeUtf8(cps)};
  // Smaller is better: (does not fit, imbalance minus a pause bonus, first line longer, position).
  // A break right after a clause mark may be this much less balanced: a third of a line.
  const int pause_bonus = limit / 3;
  auto rank = [&](const LineBreak& b) {
    int w1 = width(0, b.end1);
    int w2 = width(b.start2, cps.size());
    bool fits = w1 <= limit && w2 <= limit;
    int cost = std::abs(w1 - w2) - (IsPausePunct(cps[b.end1 - 1]) ? pause_bonus : 0);
    return std::make_tuple(!fits, b.inside_word, cost, w1 > w2, b.end1);
  };
  const LineBreak& best = *std::min_element(candidates.begin(), candidates.end(),
                                            [&](const LineBreak& a, const LineBreak& b) { return rank(a) < rank(b); });
  return {Encode(cps, 0, best.end1), Encode(cps, best.start2, cps.size())};
}

std::string WriteSrt(const std::vector<TimelineCue>& cues, const SubtitleStyle& style) {
  std::string out;
  int number = 0;
  for (const TimelineCue& cue : cues) {
    if (!Shown(cue)) continue;
    out += std::to_string(++number) + "\n";
    out += FormatClock(cue.start_ms, ',') + " --> " + FormatClock(cue.end_ms, ',') + "\n";
    out += JoinLines(BreakSubtitleLines(cue.text, style), "\n") + "\n\n";
  }
  return out;
}

std::string WriteVtt(const std::vector<TimelineCue>& cues, const SubtitleStyle& style) {
  // Bottom of the cue box where the ASS style puts the bottom of the text.
  int line_percent =
      style.play_res_y > 0
          ? static_cast<int>((static_cast<int64_t>(style.play_res_y - style.margin_v) * 100 + style.play_res_y / 2) /
                             style.play_res_y)
          : 100;
  line_percent = std::clamp(line_percent, 0, 100);
  std::string settings = " line:" + std::to_string(line_percent) + "%,end align:center";
  std::string out = "WEBVTT\n\n";
  int number = 0;
  for (const TimelineCue& cue : cues) {
    if (!Shown(cue)) continue;
    std::vector<std::string> lines = BreakSubtitleLines(cue.text, style);
    for (std::string& line : lines) line = VttEscape(line);
    out += std::to_string(++number) + "\n";
    out += FormatClock(cue.start_ms, '.') + " --> " + FormatClock(cue.end_ms, '.') + settings + "\n";
    out += JoinLines(lines, "\n") + "\n\n";
  }
  return out;
}

std::string WriteAss(const std::vector<TimelineCue>& cues, const SubtitleStyle& style, const std::string& title) {
  std::string out;
  out += "[Script Info]\n";
  out += "; Written by Reelwright\n";
  out += "Title: " + OneLine(title, false) + "\n";
  out += "ScriptType: v4.00+\n";
  out += "PlayResX: " + std::to_string(style.play_res_x) + "\n";
  out += "PlayResY: " + std::to_string(style.play_res_y) + "\n";
  out += "WrapStyle: 2\n";
  out += "ScaledBorderAndShadow: yes\n";
  out += "YCbCr Matrix: TV.709\n";
  out += "\n";
  out += "[V4+ Styles]\n";
  out +=
      "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, "
      "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, "
      "MarginR, MarginV, Encoding\n";
  // The style's text colour, red secondary (karaoke only), the outline colour, half-transparent
  // black back colour (the shadow's, unused at shadow 0); bold; the outline, shadow 0; alignment 2.
  out += "Style: Default," + OneLine(style.font, true) + "," + std::to_string(style.font_size) + "," +
         AssColour(style.colour) + ",&H000000FF," + AssColour(style.outline_colour) + ",&H80000000,-1,0,0,0,100,100,0,0,1," +
         std::to_string(style.outline) + ",0,2," +
         std::to_string(style.margin_l) + "," + std::to_string(style.margin_r) + "," +
         std::to_string(style.margin_v) + ",1\n";
  out += "\n";
  out += "[Events]\n";
  out += "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n";
  for (const TimelineCue& cue : cues) {
    if (!Shown(cue)) continue;
    std::vector<std::string> lines = BreakSubtitleLines(cue.text, style);
    for (std::string& line : lines) line = AssEscape(line);
    out += "Dialogue: 0," + FormatAssClock(cue.start_ms) + "," + FormatAssClock(cue.end_ms) + ",Default," +
           OneLine(cue.character, true) + ",0,0,0,," + JoinLines(lines, "\\N") + "\n";
  }
  return out;
}

}  // namespace rw
