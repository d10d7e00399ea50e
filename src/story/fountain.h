// Fountain screenplays (fountain.io syntax, spec 1.1): read, write, and the units the pipeline
// voices and shoots.
//
// Reading follows what Fountain tools do with Latin-script screenplays, plus DESIGN.md §4 for
// Chinese: a line in a caseless script (Chinese, Japanese, Arabic…) is a character cue only when
// forced with '@', because "all upper case" means nothing there. The parser never fails on plain
// text; the only errors are a boneyard "/*" or a note "[[" left open until the end of the file,
// reported as BadInput with "path:line" of the opening mark.
//
// What the parser keeps of each element:
//   kSceneHeading  text without the forcing '.' and without the "#1A#" scene number
//   kAction        the paragraph's lines joined by '\n' (indentation kept, trailing blanks cut)
//   kCharacter     the name without '@', extension or '^' (and without blanks around it, Unicode
//                  spaces such as U+00A0 included); extension is the text inside the
//                  parentheses ("V.O.", "CONT'D"; "V.O.)(CONT'D" for "(V.O.)(CONT'D)")
//   kParenthetical the text inside the parentheses ("coldly" for "(coldly)")
//   kDialogue      the spoken lines joined by '\n'; an intentional blank ("  ") is an empty line
//   kTransition    text without the forcing '>'
//   kCentered      text between '>' and '<', trimmed
//   kSection       text after the '#'s, trimmed; section_depth = number of '#'
//   kSynopsis      text after '=', trimmed
//   kNote          a note that stands as its own paragraph; inline notes are removed from text
//   kLyrics        consecutive '~' lines joined by '\n', without the '~'
//   kPageBreak     a line of three or more '='
//   kTitle         never produced: the title page is Screenplay::title_page
// Emphasis markup (*, **, _) is kept as written in `text` (so Fountain round trips are
// byte-stable); ParseEmphasis splits it into styled runs for writers that print it. Tabs become
// four spaces; CRLF and a UTF-8 BOM are accepted.
//
// Writing emits Fountain that reads back to the same elements (except `line`), portable to other
// tools: '@' before every cue that is not plain upper-case ASCII, forcing marks only where a
// paragraph would otherwise read as something else, a blank line between paragraphs, ASCII
// "( )" around parentheticals.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace rw {

enum class ScriptElementKind {
  kTitle,
  kSceneHeading,
  kAction,
  kCharacter,
  kParenthetical,
  kDialogue,
  kTransition,
  kCentered,
  kSection,
  kSynopsis,
  kNote,
  kPageBreak,
  kLyrics
};

// "scene_heading", "action", … for messages and test output.
const char* ScriptElementKindName(ScriptElementKind kind);

struct ScriptElement {
  ScriptElementKind kind = ScriptElementKind::kAction;
  std::string text;          // for kCharacter: the name without '@', extension or '^'
  std::string extension;     // kCharacter: "V.O.", "O.S.", "CONT'D" (without parentheses), else empty
  bool dual = false;         // kCharacter: this cue had '^' (second speaker of dual dialogue)
  int section_depth = 0;     // kSection: number of '#'
  std::string scene_number;  // kSceneHeading: "1A" from "#1A#"
  bool forced = false;       // written with its forcing mark ('.', '!', '@', '>')
  int line = 0;              // 1-based line in the source file
};

struct Screenplay {
  std::vector<std::pair<std::string, std::string>> title_page;  // key, value in file order
  std::vector<ScriptElement> elements;
};

// A piece of text with one style, as ParseEmphasis returns it.
struct TextRun {
  std::string text;
  bool bold = false;
  bool italic = false;
  bool underline = false;

  bool operator==(const TextRun&) const = default;
};

// Splits Fountain emphasis markup into styled runs: *italic*, **bold**, ***bold italic***,
// _underline_, nested in any order (_**THE END**_ is bold + underline).
//   - An opening mark must be followed, and a closing mark preceded, by a non-blank character on
//     the same line: emphasis never spans a line break ('\n' ends every open mark, and the '\n'
//     itself is unstyled text).
//   - A backslash before '*', '_' or '\' makes that character literal and is dropped; any other
//     backslash is kept.
//   - Marks that never close stay in the text as written ("*no end" is the run "*no end").
//   - '*' marks pair like Markdown: a closing run takes two stars (bold) when both runs have two
//     or more, else one (italic); leftover stars keep pairing outward.
// The runs are canonical: none is empty and neighbours differ in style. Their texts concatenated
// are the text without the marks that were used.
std::vector<TextRun> ParseEmphasis(std::string_view text);

// Parses Fountain text; `path` names the file in errors.
Result<Screenplay> ParseFountain(std::string_view text, const std::string& path);

// Writes Fountain that ParseFountain reads back to the same elements (see the header comment).
std::string WriteFountain(const Screenplay& script);

// What the pipeline reads from a script: action paragraphs and dialogue lines in order, each
// tagged with the beat it belongs to. A beat is a level-1 section "# B03 conflict" (the beat id is
// the first word of the section text); units before any section get beat "".
struct ScriptUnit {
  enum class Kind { kAction, kDialogue };
  Kind kind = Kind::kAction;
  std::string beat;           // beat id from the enclosing "# Bxx …" section
  std::string scene;          // the last scene heading text, e.g. "INT. PENTHOUSE OFFICE - NIGHT"
  std::string character;      // kDialogue: cue name as written (no '@', no extension)
  std::string parenthetical;  // kDialogue: the last parenthetical before the first spoken line, or empty
  std::string text;           // the action paragraph or the spoken line (lines of one cue joined by a space)
  int line = 0;               // line in script.fountain where this unit starts
};

// One kAction unit per action paragraph, one kDialogue unit per cue that has spoken lines (lyrics
// sung inside a dialogue block count as spoken). Lines inside a paragraph are joined by a space.
std::vector<ScriptUnit> ScriptUnits(const Screenplay& script);

// What an episode puts on screen and in the ear: its action paragraphs and spoken lines, one a
// line, without title page, headings or sections (which are alike in every script). What
// sameness is measured on.
std::string SpokenAndShown(const Screenplay& script);

}  // namespace rw
