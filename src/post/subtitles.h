// Subtitle files for an episode: SRT, WebVTT and ASS, written from the timeline's cues.
//
// All three are UTF-8 without a BOM, with LF line endings; in SRT and WebVTT every cue block
// (the last one too) ends with a blank line. Cue text goes through BreakSubtitleLines, so the three files show
// the same lines. Cues arrive sorted by start_ms and not overlapping (the caller guarantees it);
// a cue with no text, or with end_ms <= start_ms, is left out (it has nothing to show).
//
// SRT:  "1\n00:00:01,000 --> 00:00:03,200\nline one\nline two\n\n", numbered from 1.
// WebVTT: "WEBVTT\n\n", then per cue a number, "00:00:01.000 --> 00:00:03.200 line:78%,end
//       align:center" (the bottom of the cue box where ASS puts it: (PlayResY - MarginV) /
//       PlayResY), and the lines with '&', '<', '>' escaped as entities.
// ASS:  [Script Info] (Title, ScriptType v4.00+, WrapStyle 2 so only our \N breaks apply,
//       ScaledBorderAndShadow yes, YCbCr Matrix TV.709, PlayResX/Y), [V4+ Styles] with one
//       "Default" style (style.font at style.font_size, bold, white, black outline 4, no shadow,
//       bottom-centre alignment 2, margins from the style), [Events] with one Dialogue per cue,
//       Name = cue.character. Text escaping targets libass (what FFmpeg burns in with): '{' and
//       '}' become "\{" "\}", and a backslash is followed by U+2060 WORD JOINER so it can never
//       start a tag or an escape such as \N.
#pragma once

#include <string>
#include <vector>

#include "schema/timeline.h"

namespace rw {

struct SubtitleStyle {
  int play_res_x = 1080, play_res_y = 1920;
  std::string font = "Noto Sans CJK SC";  // installed by fonts-noto-cjk; covers Latin and CJK
  int font_size = 64;
  int margin_v = 420;  // keeps captions above the bottom 15% where app buttons sit
  int margin_l = 90;
  int margin_r = 140;  // the right-hand 12% (130 px of 1080) is where the apps put their buttons
  int max_chars_latin = 32;  // per line
  int max_chars_cjk = 14;    // per line
  std::string colour = "#FFFFFF";          // text, #RRGGBB
  std::string outline_colour = "#000000";  // #RRGGBB
  int outline = 4;
};

// Breaks a cue's text into at most 2 lines.
//
// Whitespace runs (newlines included) collapse to one space first. Text with any CJK character
// is measured in full-width cells: CJK ideographs, kana, hangul, CJK and full-width punctuation
// count 1, everything else 1/2, against max_chars_cjk; other text counts code points against
// max_chars_latin. Text that fits stays on one line. Otherwise the break is chosen among
// allowed positions — Latin: at spaces; CJK: between any two characters except inside a run of
// Latin letters or digits, never before closing punctuation (，。！？、；：”’）》」』… etc.) and
// never after opening punctuation (“‘（《「『 etc.) — preferring breaks that make both lines
// fit, then (Chinese) breaks between words rather than inside one (医|院), by ICU's
// dictionary-based word segmentation, then the most balanced pair, with a small bonus for breaking right after punctuation,
// then the shorter first line. Text that cannot fit in 2 lines still comes back as 2 (the
// timing side splits long cues); one unbreakable word comes back as 1.
std::vector<std::string> BreakSubtitleLines(const std::string& text, const SubtitleStyle& style);

std::string WriteSrt(const std::vector<TimelineCue>& cues, const SubtitleStyle& style);
std::string WriteVtt(const std::vector<TimelineCue>& cues, const SubtitleStyle& style);
std::string WriteAss(const std::vector<TimelineCue>& cues, const SubtitleStyle& style, const std::string& title);

}  // namespace rw
