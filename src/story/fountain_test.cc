#include "story/fountain.h"
#include "story/story_testing.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "base/file.h"

namespace rw {
namespace {

using K = ScriptElementKind;

const std::filesystem::path kFixtures = std::filesystem::path(RW_SOURCE_DIR) / "tests/fixtures/fountain";

std::string ReadFixture(const std::string& rel) {
  auto text = ReadFile(kFixtures / rel);
  EXPECT_TRUE(text.ok()) << rel;
  return text.ok() ? *text : std::string();
}

Screenplay Parse(const std::string& rel) {
  auto script = ParseFountain(ReadFixture(rel), rel);
  EXPECT_TRUE(script.ok()) << (script.ok() ? "" : script.error().ToString());
  return script.ok() ? *script : Screenplay{};
}

std::string Dump(const Screenplay& s) {
  std::ostringstream out;
  for (const auto& [k, v] : s.title_page) out << "title " << k << "=" << v << "\n";
  for (const auto& e : s.elements) {
    out << e.line << " " << ScriptElementKindName(e.kind) << " [" << e.text << "]";
    if (!e.extension.empty()) out << " ext=" << e.extension;
    if (e.dual) out << " dual";
    if (e.section_depth) out << " depth=" << e.section_depth;
    if (!e.scene_number.empty()) out << " #" << e.scene_number;
    if (e.forced) out << " forced";
    out << "\n";
  }
  return out.str();
}

struct Want {
  K kind;
  std::string text;
};

void ExpectElements(const Screenplay& s, const std::vector<Want>& want) {
  ASSERT_EQ(s.elements.size(), want.size()) << Dump(s);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(s.elements[i].kind, want[i].kind) << "element " << i << "\n" << Dump(s);
    EXPECT_EQ(s.elements[i].text, want[i].text) << "element " << i << "\n" << Dump(s);
  }
}

TEST(Fountain, SceneHeaders) {
  Screenplay s = Parse("fountain-spec-cases/SceneHeaders.fountain");
  ExpectElements(s, {
      {K::kSceneHeading, "INT. HOUSE - DAY"},
      {K::kSceneHeading, "EXT. HOUSE - DAY"},
      {K::kSceneHeading, "INT HOUSE DAY"},
      {K::kSceneHeading, "EXT HOUSE DAY"},
      {K::kSceneHeading, "INT/EXT. HOUSE - DAY"},
      {K::kSceneHeading, "INT./EXT. HOUSE - DAY"},
      {K::kSceneHeading, "I/E. HOUSE - DAY"},
      {K::kSceneHeading, "I./E. HOUSE - DAY"},
      {K::kSceneHeading, "I/E HOUSE DAY"},
      {K::kSceneHeading, "INT - HOUSE - DAY"},
      {K::kSceneHeading, "EXT - HOUSE - DAY"},
      {K::kSceneHeading, "EST. HOUSE - DAY"},
      {K::kSceneHeading, "EST HOUSE DAY"},
      {K::kSceneHeading, "INT. HOUSE - DAY (1979)"},
      {K::kSceneHeading, "KITCHEN"},  // forced with '.'
      {K::kAction, "... not a scene header."},
      // Two headings without a blank line between are not headings (each needs one after it).
      {K::kAction, "INT. HOUSE - DAY\nEXT. HOUSE - DAY"},
      {K::kAction, "ESTABLISHING"},
      {K::kSceneHeading, "int. house - day"},  // case-insensitive; the end of file counts as blank
  });
  EXPECT_TRUE(s.elements[14].forced);
  EXPECT_FALSE(s.elements[0].forced);
  EXPECT_EQ(s.elements[0].line, 1);
  EXPECT_EQ(s.elements[18].line, 38);
}

TEST(Fountain, SceneNumbers) {
  Screenplay s = Parse("fountain-spec-cases/SceneNumbers.fountain");
  ASSERT_EQ(s.elements.size(), 7u) << Dump(s);
  const char* numbers[] = {"1", "1A", "1a", "A1", "I-1-A", "1.", "110A"};
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(s.elements[i].kind, K::kSceneHeading);
    EXPECT_EQ(s.elements[i].scene_number, numbers[i]);
  }
  EXPECT_EQ(s.elements[0].text, "INT. HOUSE - DAY");
  EXPECT_EQ(s.elements[6].text, "INT. HOUSE - DAY - FLASHBACK (1944)");

  Screenplay sp = Parse("screenplain-tests/scene-numbers.fountain");
  ASSERT_EQ(sp.elements.size(), 10u) << Dump(sp);
  EXPECT_EQ(sp.elements[8].text, "INT. A FIFTH PLACE - DAY");
  EXPECT_EQ(sp.elements[8].scene_number, "2-B");
  EXPECT_EQ(sp.elements[4].scene_number, "");
}

TEST(Fountain, Dialogue) {
  Screenplay s = Parse("fountain-spec-cases/Dialogue.fountain");
  ExpectElements(s, {
      {K::kCharacter, "ADAM"},
      {K::kDialogue, "I like to write."},
      {K::kCharacter, "EVE"},
      {K::kDialogue, "What kind of writing?"},
      {K::kCharacter, "ADAM"},
      {K::kParenthetical, "nervous"},
      {K::kDialogue, "Screenwriting."},
      {K::kCharacter, "EVE"},
      {K::kDialogue, "ME TOO!"},
      {K::kCharacter, "EVE"},
      {K::kDialogue, "I think screenwriting is the best."},
      {K::kCharacter, "ADAM"},
      {K::kDialogue, "That's great.\nI was really worried you wouldn't\nlike screenwriting."},
      {K::kCharacter, "EVE"},
      {K::kDialogue, "Oh, Adam."},
      {K::kParenthetical, "kissing him"},
      {K::kCharacter, "ADAM"},
      {K::kDialogue, "I love you."},
      {K::kCharacter, "EVE"},
      {K::kDialogue, "You're so stupid."},
      {K::kCharacter, "R2D2"},
      {K::kDialogue, "Bleep Boop."},
      {K::kParenthetical, "*This is a valid character cue.*"},
      // "23 (O.S.)" has no letter, so it is not a cue: the paragraph is action.
      {K::kAction, "23 (O.S.)\nCharacter name must include a letter"},
      {K::kCharacter, "ADAM"},
      // A line of two spaces keeps a blank line inside dialogue.
      {K::kDialogue, "That was really weird.\nI can be weird to. Here's\na space in the dialogue\nblock\n\nfor absolutely no good\nreason."},
      {K::kCharacter, "EVE"},  // indented with tabs
      {K::kParenthetical, "feeling cocky"},
      {K::kDialogue, "Well, then I'll just indent!"},
  });
  EXPECT_EQ(s.elements[2].extension, "O.S.");
  EXPECT_EQ(s.elements[9].extension, "cont'd");
  EXPECT_TRUE(s.elements[18].dual);
  EXPECT_FALSE(s.elements[16].dual);

  Screenplay ext = Parse("screenplain-tests/dialogue-character-extension.fountain");
  ASSERT_EQ(ext.elements.size(), 2u);
  EXPECT_EQ(ext.elements[0].text, "HANS");
  EXPECT_EQ(ext.elements[0].extension, "on the radio");

  Screenplay blank = Parse("screenplain-tests/dialogue-with-blank-line.fountain");
  ExpectElements(blank, {{K::kCharacter, "DEALER"}, {K::kDialogue, "Dealer gets a seven.\n\nHit or stand sir?"}});

  Screenplay paren = Parse("screenplain-tests/parenthetical.fountain");
  ExpectElements(paren, {{K::kCharacter, "JOHN DOE"}, {K::kParenthetical, "screaming"}, {K::kDialogue, "Hello!!!"}});
}

TEST(Fountain, DualDialogue) {
  Screenplay s = Parse("fountain-spec-cases/DualDialogue.fountain");
  ExpectElements(s, {{K::kCharacter, "ADAM"}, {K::kDialogue, "Yes."}, {K::kCharacter, "EVE"}, {K::kDialogue, "No."}});
  EXPECT_FALSE(s.elements[0].dual);
  EXPECT_TRUE(s.elements[2].dual);

  Screenplay sp = Parse("screenplain-tests/dual-dialogue.fountain");  // "GUY^" without a space
  ASSERT_EQ(sp.elements.size(), 4u);
  EXPECT_EQ(sp.elements[2].text, "GUY");
  EXPECT_TRUE(sp.elements[2].dual);
}

TEST(Fountain, ForcedElements) {
  Screenplay s = Parse("fountain-spec-cases/ForcedElements.fountain");
  ExpectElements(s, {
      {K::kAction, "BANG\nBANG\nBANG"},
      {K::kCharacter, "McDUCK"},
      {K::kDialogue, "I'm vegan."},
      {K::kCharacter, "SINGER"},
      {K::kLyrics, "These are the songs\nThat I sing."},
  });
  EXPECT_TRUE(s.elements[0].forced);
  EXPECT_TRUE(s.elements[1].forced);

  Screenplay action = Parse("screenplain-tests/forced-action.fountain");
  ExpectElements(action, {{K::kAction, "THIS IS FORCED ACTION\nThis is another line of action!"}});

  Screenplay transition = Parse("screenplain-tests/forced-transition.fountain");
  ExpectElements(transition, {{K::kTransition, "Black screen indicating a discontinuity of time."}});
}

TEST(Fountain, Boneyard) {
  Screenplay s = Parse("fountain-spec-cases/Boneyard.fountain");
  ExpectElements(s, {{K::kAction, "A line of action."}, {K::kAction, "This is an  boneyard."}});
  EXPECT_EQ(s.elements[1].line, 11);

  // A boneyard between paragraphs still separates them (screenplain's output agrees).
  Screenplay sp = Parse("screenplain-tests/boneyard.fountain");
  ASSERT_EQ(sp.elements.size(), 4u) << Dump(sp);
  EXPECT_EQ(sp.elements[1].kind, K::kTransition);
  EXPECT_EQ(sp.elements[1].text, "CUT TO:");
  EXPECT_EQ(sp.elements[2].kind, K::kSceneHeading);
  EXPECT_EQ(sp.elements[2].text, "EXT. PALATIAL MANSION - DAY");
  EXPECT_EQ(sp.elements[2].line, 20);

  auto open = ParseFountain("Action.\n\n/* never closed\n\nMore.\n", "ep/script.fountain");
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.error().where, "ep/script.fountain:3");
  EXPECT_EQ(open.error().code, ErrorCode::kBadInput);
}

TEST(Fountain, Notes) {
  Screenplay s = Parse("fountain-spec-cases/Notes.fountain");
  ExpectElements(s, {
      {K::kAction, "A line."},
      {K::kNote, "A note."},
      {K::kNote, "This line spans\nmultiple lines."},
      {K::kAction, "This is an  note."},
  });

  // screenplain's expected HTML for the same file is the oracle here.
  Screenplay sp = Parse("screenplain-tests/notes.fountain");
  ExpectElements(sp, {
      {K::kAction, "Before1 After1"},
      {K::kAction, "Before2 After2"},
      {K::kAction, "Before3 After3"},
      {K::kAction, "Multiple on one"},
      {K::kAction, "This is not [[\na proper note"},
      {K::kAction, "because it contains a blank line\n]]"},
      {K::kAction, "Before full paragraph note"},
      {K::kNote, "Note as its own paragraph does not generate an empty paragraph"},
      {K::kAction, "After full paragraph note"},
      {K::kAction, "Before multi-paragraph note"},
      {K::kNote, "Note as its own paragraph\non several lines\ndoes not generate an empty paragraph"},
      {K::kAction, "After multi-paragraph note"},
  });

  auto open = ParseFountain("Action.\n\nText [[ a note\nthat runs to the end", "x.fountain");
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.error().where, "x.fountain:3");
}

TEST(Fountain, SectionsAndSynopses) {
  Screenplay s = Parse("fountain-spec-cases/SectionHeaders.fountain");
  ExpectElements(s, {
      {K::kSection, "Act One"}, {K::kSection, "Act Two"}, {K::kSection, "ACT THREE"}, {K::kSection, "ACT FOUR"},
      {K::kSection, "5"}, {K::kSection, "Level 2"}, {K::kSection, "Level 3"},
  });
  EXPECT_EQ(s.elements[0].section_depth, 1);
  EXPECT_EQ(s.elements[5].section_depth, 2);
  EXPECT_EQ(s.elements[6].section_depth, 3);

  Screenplay c = Parse("fountain-spec-cases/Sections-Complex.fountain");
  ExpectElements(c, {
      {K::kSection, "Act 1"}, {K::kSynopsis, "Synopsis 1"}, {K::kSceneHeading, "INT. LOCATION - DAY"},
      {K::kSection, "Act 2"}, {K::kSection, "Sequence 1"}, {K::kSceneHeading, "INT. LOCATION - DAY"},
  });

  Screenplay syn = Parse("fountain-spec-cases/Synopses.fountain");
  ExpectElements(syn, {
      {K::kSection, "Act One"}, {K::kSynopsis, "This is the first act."}, {K::kSection, "Act Two"},
      {K::kSynopsis, "This is another act."}, {K::kSection, "Act Three"}, {K::kSynopsis, "THE FINAL ACT"},
  });
}

TEST(Fountain, TransitionsCenteredPageBreaks) {
  Screenplay t = Parse("fountain-spec-cases/Transitions.fountain");
  ExpectElements(t, {
      {K::kTransition, "CUT TO:"},
      {K::kTransition, "SMASH CUT TO:"},
      {K::kAction, "FADE TO BLACK."},  // does not end in "TO:"
      {K::kTransition, "NOT A STANDARD TRANSITION:"},
      {K::kAction, "CUT TO:"},  // trailing spaces: not a transition
      {K::kTransition, "GO TO:"},
      {K::kTransition, "TO:"},
  });
  EXPECT_TRUE(t.elements[3].forced);

  Screenplay c = Parse("fountain-spec-cases/CenteredText.fountain");
  ExpectElements(c, {
      {K::kCentered, "Centered"}, {K::kTransition, "Not centered"}, {K::kCentered, "No space"},
      {K::kCentered, "Lots of Space"},
  });

  Screenplay p = Parse("fountain-spec-cases/PageBreaks.fountain");
  ExpectElements(p, {{K::kAction, "Page one."}, {K::kPageBreak, ""}, {K::kAction, "Page two."},
                     {K::kPageBreak, ""}, {K::kAction, "Page three."}});

  Screenplay in = Parse("fountain-spec-cases/Indenting.fountain");
  ASSERT_GE(in.elements.size(), 3u) << Dump(in);
  EXPECT_EQ(in.elements[0].kind, K::kTransition);
  EXPECT_EQ(in.elements[0].text, "CUT TO:");
  EXPECT_EQ(in.elements[3].kind, K::kCharacter);
  EXPECT_EQ(in.elements[3].text, "BRICK");
}

TEST(Fountain, TitlePageAndSimple) {
  Screenplay s = Parse("fountain-spec-cases/Simple.fountain");
  ASSERT_EQ(s.title_page.size(), 3u);
  EXPECT_EQ(s.title_page[0], (std::pair<std::string, std::string>{"Title", "A Simple Script"}));
  EXPECT_EQ(s.title_page[2], (std::pair<std::string, std::string>{"Draft date", "2/1/2012"}));
  // "FADE IN:" does not end in "TO:", so the syntax guide makes it action (some tools special-case it).
  ExpectElements(s, {
      {K::kAction, "FADE IN:"},
      {K::kSceneHeading, "INT. OFFICE - MORNING"},
      {K::kAction, "A MAN sits alone at his desk."},
      {K::kCharacter, "MAN"},
      {K::kParenthetical, "passionately"},
      {K::kDialogue, "I'm writing."},
      {K::kPageBreak, ""},
      {K::kSceneHeading, "ext. house - day"},
      {K::kAction, "Another scene."},
      {K::kTransition, "Burn to White."},
      {K::kCentered, "THE END"},
      {K::kNote, "Comment"},
      {K::kSynopsis, "Synopsis"},
      {K::kSection, "Section 1"},
      {K::kAction, "This is in section one."},
      {K::kSection, "Section 1-1"},
      {K::kAction, "This should be at a higher depth than the previous section."},
      {K::kSceneHeading, "FORCED SCENE HEADING"},
      {K::kAction, "... Not a forced scene heading"},
      {K::kAction, "Scott exasperatedly throws down the card on the table and picks up the phone, hitting speed dial #1..."},
      {K::kNote, "The following should not be considered a transition because it ends with one or more spaces."},
      {K::kAction, "CUT TO:"},
  });
  EXPECT_EQ(s.elements[3].extension, "V.O.");

  Screenplay tp = Parse("screenplain-tests/title-page.fountain");
  ASSERT_EQ(tp.title_page.size(), 3u);
  EXPECT_EQ(tp.title_page[2].first, "Contact");
  EXPECT_EQ(tp.title_page[2].second, "your.email@example.com\n(555) 123-4567");
  ExpectElements(tp, {{K::kAction, "FADE IN:"}, {K::kAction, "SPACE"}});
}

TEST(Fountain, MultilineActionAndIndentation) {
  Screenplay s = Parse("fountain-spec-cases/MultilineAction.fountain");
  ExpectElements(s, {
      {K::kAction, "A normal line of action."},
      {K::kAction, "This is a multi-line block of Action.\nMade famous by the great\nWALTER HILL\nbut used by many other writers."},
      {K::kAction, "A normal line of action."},
  });
  Screenplay in = Parse("screenplain-tests/indentation.fountain");
  ExpectElements(in, {{K::kSceneHeading, "EXT. INDENTATION TEST"}, {K::kAction, "    Four spaces"},
                      {K::kAction, "   Three spaces"}, {K::kAction, "  Two spaces"}, {K::kAction, " One space"},
                      {K::kAction, "No spaces"}});
}

TEST(Fountain, Utf8BomAndCrlf) {
  Screenplay bom = Parse("screenplain-tests/utf-8-bom.fountain");
  Screenplay plain = Parse("screenplain-tests/simple.fountain");
  ASSERT_EQ(bom.elements.size(), 9u) << Dump(bom);
  EXPECT_EQ(bom.elements[0].kind, K::kSceneHeading);
  EXPECT_EQ(bom.elements[0].text, "EXT. SOMEWHERE - DAY");
  EXPECT_TRUE(testing::SameElements(bom, plain)) << Dump(bom) << "---\n" << Dump(plain);
  EXPECT_EQ(bom.elements[3].text, "GUY");
  EXPECT_EQ(bom.elements[6].text, "Nothing much.\nJust thinking.\nAnd you?");
}

TEST(Fountain, NonLatinCuesNeedAt) {
  // Caseless scripts without '@' are action, as screenplain reads them.
  Screenplay plain = Parse("screenplain-tests/extended-characters.fountain");
  ASSERT_EQ(plain.elements.size(), 1u) << Dump(plain);
  EXPECT_EQ(plain.elements[0].kind, K::kAction);
  EXPECT_EQ(plain.elements[0].text, "Hello\nこんにちは\nпривет\n你好\n안녕하세요\nأهلا");

  Screenplay s = Parse("reelwright/forced-cues-multiscript.fountain");
  ASSERT_EQ(s.title_page.size(), 3u);
  EXPECT_EQ(s.title_page[0].second, "重生之逆袭 第1集");
  ExpectElements(s, {
      {K::kSceneHeading, "INT. 总裁办公室 - 夜"},
      {K::kAction, "林晚推门而入，手里攥着离婚协议。"},
      {K::kCharacter, "林晚"},
      {K::kParenthetical, "冷笑"},
      {K::kDialogue, "这一次，我不会再让你了。"},
      {K::kCharacter, "顾沉"},
      {K::kDialogue, "你说什么？"},
      {K::kCharacter, "こんにちは"},
      {K::kDialogue, "はじめまして。"},
      {K::kCharacter, "привет"},
      {K::kDialogue, "Здравствуйте."},
      {K::kCharacter, "안녕하세요"},
      {K::kDialogue, "반갑습니다."},
      {K::kCharacter, "أهلا"},
      {K::kDialogue, "مرحبا"},
      {K::kAction, "林晚\n这一行没有@，所以是动作。"},
      {K::kCharacter, "McDUCK"},
      {K::kDialogue, "I'm vegan."},
      {K::kTransition, "切至："},
      {K::kSceneHeading, "EXT. 雨夜街头 - 夜"},
      {K::kAction, "林晚独自走在雨中。"},
  });
  EXPECT_EQ(s.elements[0].scene_number, "1");
  EXPECT_TRUE(s.elements[5].dual);
  EXPECT_EQ(s.elements[7].extension, "V.O.");
  EXPECT_TRUE(s.elements[2].forced);
}

int CountFdxParagraphs(const std::string& fdx, const std::string& type) {
  std::string needle = "<Paragraph Type=\"" + type + "\"";
  int n = 0;
  for (size_t pos = 0; (pos = fdx.find(needle, pos)) != std::string::npos; pos += needle.size()) ++n;
  return n;
}

TEST(Fountain, BigFishMatchesScreenplainFdx) {
  Screenplay s = Parse("Big-Fish.fountain");
  std::string fdx = ReadFixture("Big-Fish.fdx");
  int cues = 0, headings = 0, parens = 0, transitions = 0;
  for (const auto& e : s.elements) {
    cues += e.kind == K::kCharacter;
    headings += e.kind == K::kSceneHeading;
    parens += e.kind == K::kParenthetical;
    transitions += e.kind == K::kTransition;
  }
  EXPECT_EQ(cues, CountFdxParagraphs(fdx, "Character"));
  EXPECT_EQ(headings, CountFdxParagraphs(fdx, "Scene Heading"));
  EXPECT_EQ(parens, CountFdxParagraphs(fdx, "Parenthetical"));
  EXPECT_EQ(transitions, CountFdxParagraphs(fdx, "Transition"));
  ASSERT_GE(s.title_page.size(), 6u);
  EXPECT_EQ(s.title_page[0].second, "Big Fish");
  EXPECT_EQ(s.title_page[4].first, "Notes");
  EXPECT_EQ(s.title_page[4].second, "FINAL PRODUCTION DRAFT\nincludes post-production dialogue\nand omitted scenes");
  // "EDWARD (V.O.)(CONT'D)" keeps both extensions.
  bool found = false;
  for (const auto& e : s.elements) found |= e.kind == K::kCharacter && e.text == "EDWARD" && e.extension == "V.O.)(CONT'D";
  EXPECT_TRUE(found);
  // Round trip of a real screenplay through the writer.
  auto again = ParseFountain(WriteFountain(s), "rewritten");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(testing::SameElements(s, *again));
}

// ---- writer ----

ScriptElement El(K kind, std::string text) {
  ScriptElement e;
  e.kind = kind;
  e.text = std::move(text);
  return e;
}

Screenplay GoldenScreenplay() {
  Screenplay s;
  s.title_page = {{"Title", "The Ledger — Episode 1"}, {"Credit", "Written by"}, {"Author", "Reelwright (built-in writer)"},
                  {"Notes", "first line\nsecond line"}};
  s.elements.push_back(El(K::kSection, "B01 hook"));
  s.elements.push_back(El(K::kSynopsis, "She walks in."));
  auto h = El(K::kSceneHeading, "INT. PENTHOUSE OFFICE - NIGHT");
  h.scene_number = "1";
  s.elements.push_back(h);
  s.elements.push_back(El(K::kAction, "Rain on the glass. VIVIAN steps out of the elevator."));
  auto cue = El(K::kCharacter, "VIVIAN");
  s.elements.push_back(cue);
  s.elements.push_back(El(K::kParenthetical, "coldly"));
  s.elements.push_back(El(K::kDialogue, "You kept my chair warm."));
  auto cue2 = El(K::kCharacter, "Adrian");  // not plain upper case: needs '@'
  cue2.extension = "O.S.";
  s.elements.push_back(cue2);
  s.elements.push_back(El(K::kDialogue, "Security!\n\nSomebody call security."));
  auto dual = El(K::kCharacter, "MAYA");
  dual.dual = true;
  s.elements.push_back(dual);
  s.elements.push_back(El(K::kDialogue, "Nobody is coming."));
  s.elements.push_back(El(K::kSection, "B02 conflict"));
  s.elements.push_back(El(K::kSceneHeading, "INT. 总裁办公室 - 夜"));
  s.elements.push_back(El(K::kAction, "林晚推门而入。"));
  s.elements.push_back(El(K::kCharacter, "林晚"));
  s.elements.push_back(El(K::kParenthetical, "冷笑"));
  s.elements.push_back(El(K::kDialogue, "这一次，我不会再让你了。"));
  s.elements.push_back(El(K::kAction, "INT. THIS IS ACTION - NOT A HEADING"));  // needs '!'
  s.elements.push_back(El(K::kAction, "BANG\nBANG"));                          // would read as a cue
  s.elements.push_back(El(K::kTransition, "CUT TO:"));
  s.elements.push_back(El(K::kTransition, "切至："));  // needs '>'
  s.elements.push_back(El(K::kSceneHeading, "KITCHEN"));  // needs '.'
  s.elements.push_back(El(K::kCentered, "THE END"));
  s.elements.push_back(El(K::kNote, "a note"));
  s.elements.push_back(El(K::kPageBreak, ""));
  auto sub = El(K::kSection, "Sequence");
  sub.section_depth = 2;
  s.elements.push_back(sub);
  s.elements.push_back(El(K::kLyrics, "Happy birthday\nto you"));
  for (auto& e : s.elements) {
    if (e.kind == K::kSection && e.section_depth == 0) e.section_depth = 1;
  }
  return s;
}

TEST(FountainWriter, Golden) {
  Screenplay s = GoldenScreenplay();
  std::string text = WriteFountain(s);
  auto golden_path = kFixtures / "golden/writer.fountain";
  if (std::getenv("RW_UPDATE_GOLDEN")) {
    ASSERT_TRUE(WriteFileAtomic(golden_path, text).ok());
  }
  EXPECT_EQ(text, ReadFixture("golden/writer.fountain")) << text;
  auto back = ParseFountain(text, "writer.fountain");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(testing::SameElements(s, *back)) << Dump(s) << "---\n" << Dump(*back);
  // The writer puts '@' before cues that are not plain upper-case ASCII.
  EXPECT_NE(text.find("\n@林晚\n"), std::string::npos);
  EXPECT_NE(text.find("\n@Adrian (O.S.)\n"), std::string::npos);
  EXPECT_NE(text.find("\nVIVIAN\n"), std::string::npos);
}

TEST(FountainWriter, RoundTripsEveryFixture) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kFixtures)) {
    if (entry.path().extension() != ".fountain" || entry.path().parent_path().filename() == "golden") continue;
    auto text = ReadFile(entry.path());
    ASSERT_TRUE(text.ok());
    auto first = ParseFountain(*text, entry.path().string());
    ASSERT_TRUE(first.ok()) << entry.path();
    auto second = ParseFountain(WriteFountain(*first), "rewritten");
    ASSERT_TRUE(second.ok()) << entry.path();
    EXPECT_TRUE(testing::SameElements(*first, *second)) << entry.path() << "\n" << Dump(*first) << "---\n" << Dump(*second);
  }
}

TEST(FountainUnits, BeatsScenesAndDialogue) {
  const char* text =
      "Title: T\n\nBefore any beat.\n\n# B01 hook\n\nINT. OFFICE - NIGHT\n\nShe walks in.\n\nVIVIAN\n(coldly)\nHello.\nAgain.\n\n"
      "# B02 conflict\n\n## detail\n\nADRIAN (O.S.)\nNo.\n\nEXT. STREET - NIGHT\n\nRain.\n\n@林晚\n你好。\n";
  auto s = ParseFountain(text, "t.fountain");
  ASSERT_TRUE(s.ok());
  auto units = ScriptUnits(*s);
  ASSERT_EQ(units.size(), 6u);
  EXPECT_EQ(units[0].beat, "");
  EXPECT_EQ(units[0].text, "Before any beat.");
  EXPECT_EQ(units[1].beat, "B01");
  EXPECT_EQ(units[1].scene, "INT. OFFICE - NIGHT");
  EXPECT_EQ(units[2].kind, ScriptUnit::Kind::kDialogue);
  EXPECT_EQ(units[2].character, "VIVIAN");
  EXPECT_EQ(units[2].parenthetical, "coldly");
  EXPECT_EQ(units[2].text, "Hello. Again.");
  EXPECT_EQ(units[2].line, 11);
  EXPECT_EQ(units[3].beat, "B02");
  EXPECT_EQ(units[3].character, "ADRIAN");
  EXPECT_EQ(units[3].scene, "INT. OFFICE - NIGHT");
  EXPECT_EQ(units[4].scene, "EXT. STREET - NIGHT");
  EXPECT_EQ(units[5].character, "林晚");
  EXPECT_EQ(units[5].text, "你好。");
}

}  // namespace
}  // namespace rw
