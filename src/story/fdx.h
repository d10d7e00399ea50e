// Final Draft FDX: writing a Screenplay as the XML that Final Draft (and tools that import FDX)
// open. Reading FDX is not supported.
//
// Contract of WriteFdx (reference/formats.md §2):
//   - `<?xml version="1.0" encoding="UTF-8" standalone="no" ?>`, then
//     `<FinalDraft DocumentType="Script" Template="No" Version="4">` holding `<Content>` and, when
//     the script has a title page, `<TitlePage>`.
//   - One `<Paragraph Type="…">` per printed element, in order:
//       kSceneHeading  "Scene Heading", with Number="1A" when the heading has a scene number
//       kAction        "Action" (line breaks kept as newlines inside the paragraph)
//       kCentered      "Action" with Alignment="Center"
//       kCharacter     "Character": the name without '@' or '^', plus " (EXT)" for an extension
//       kParenthetical "Parenthetical", written with its parentheses: "(coldly)"
//       kDialogue      "Dialogue": one paragraph per dialogue element, its lines (and an
//                      intentional blank line) kept as newlines
//       kLyrics        "Lyric" (the type Final Draft's Lyric element setting uses)
//       kTransition    "Transition"
//     A cue marked dual ('^') and the dialogue block printed just before it are wrapped together
//     in `<Paragraph><DualDialogue>…</DualDialogue></Paragraph>`.
//     A page break sets StartsNewPage="Yes" on the next printed paragraph (or dual wrapper).
//     Sections, synopses and notes are not printed and are omitted (boneyard never reaches the
//     model). kTitle elements are ignored: the title page is Screenplay::title_page.
//   - Text is split into `<Text>` runs by ParseEmphasis; a styled run carries
//     Style="Bold+Italic+Underline" (the styles present, in that order, Final Draft's casing).
//   - The title page: Title, Credit, Author/Authors and Source centred (in that order, one
//     paragraph per value line, a blank paragraph between keys); every other key left-aligned in
//     file order, as its value for Draft date, Contact, Copyright and Notes, else "Key: value".
//     Keys match case-insensitively.
//   - Text is XML-escaped (& < > " '), written as UTF-8 (Chinese cues as written, without '@');
//     bytes that are not valid UTF-8 become U+FFFD and control characters XML 1.0 forbids are
//     dropped, so the output is always well-formed.
#pragma once

#include <string>

#include "story/fountain.h"

namespace rw {

std::string WriteFdx(const Screenplay& script);

}  // namespace rw
