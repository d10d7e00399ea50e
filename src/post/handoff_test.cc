// The editor hand-offs (EDL, FCPXML, FCP7 XML). The XML outputs are checked by an independent
// reader: xmllint from libxml2-utils (`xmllint --noout` must accept the file; `xmllint --xpath`
// reads back the structure the specs define).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "post/edl.h"
#include "post/fcpxml.h"

namespace rw {
namespace {

namespace fs = std::filesystem;

// 10 s of vertical video at 30 fps: S01 [0,90) S02 [90,150), a hole [150,180), S03 [180,270),
// nothing after 270; three lines (L002 ends half a frame into frame 122 and rounds to 123,
// L003 starts in the hole); markers in a clip, in the hole, in a clip and after the last clip.
Timeline SampleTimeline() {
  Timeline t;
  t.name = "ep001";
  t.width = 1080;
  t.height = 1920;
  t.fps = 30;
  t.sample_rate = 48000;
  t.frames = 300;
  t.video = {
      TimelineVideo{"S01", "clips/S01.mp4", 0, 90},
      TimelineVideo{"S02", "clips/S02.mp4", 90, 60},
      TimelineVideo{"S03", "clips/S03.mp4", 180, 90},
  };
  t.dialogue = {
      TimelineAudio{"L001", "voice/L001.wav", 24000, 72000},         // frames 15..60
      TimelineAudio{"L002", "voice/林晚_L002.wav", 96000, 100000},  // 60..122.5 -> 60..123
      TimelineAudio{"L003", "voice/L003.wav", 240000, 48000},        // 150..180
  };
  t.markers = {
      TimelineMarker{"hook", "B01", 10},
      TimelineMarker{"climax", "B04", 160},
      TimelineMarker{"face-slap", "B05", 200},
      TimelineMarker{"cliffhanger", "B06", 285},
  };
  return t;
}

HandoffMedia Stems() { return HandoffMedia{"stems/dialogue.wav", "stems/music.wav"}; }

Timeline EmptyTimeline(int64_t frames) {
  Timeline t;
  t.name = "ep000";
  t.frames = frames;
  return t;
}

class Handoff : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rw_handoff_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Save(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // Runs a shell command; returns its stdout+stderr and sets *status to the exit code.
  static std::string Run(const std::string& command, int* status) {
    std::string out;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
      *status = -1;
      return out;
    }
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    int raw = ::pclose(pipe);
    *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return out;
  }

  // `xmllint --noout`: 0 when the file is well-formed XML.
  static void ExpectWellFormed(const fs::path& file) {
    int status = 0;
    std::string out = Run("xmllint --noout '" + file.string() + "'", &status);
    EXPECT_EQ(status, 0) << "xmllint (libxml2-utils) rejected " << file << ":\n" << out;
  }

  // The string value of an XPath expression (no single quotes in `expr`), trimmed.
  static std::string XPath(const fs::path& file, const std::string& expr) {
    int status = 0;
    std::string out = Run("xmllint --xpath '" + expr + "' '" + file.string() + "'", &status);
    EXPECT_EQ(status, 0) << expr << ": " << out;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
  }

  fs::path dir_;
};

// --- EDL -------------------------------------------------------------------------------------

TEST_F(Handoff, EdlSmallCaseExactText) {
  Timeline t;
  t.name = "ep001";
  t.fps = 30;
  t.sample_rate = 48000;
  t.frames = 90;
  t.video = {TimelineVideo{"S01", "clips/S01.mp4", 0, 60}};
  t.dialogue = {TimelineAudio{"L001", "voice/L001.wav", 24000, 48000}};  // frames 15..45
  t.markers = {TimelineMarker{"hook", "B01", 15}, TimelineMarker{"cliffhanger", "B06", 75}};
  const std::string expected =
      "TITLE: ep001\n"
      "FCM: NON-DROP FRAME\n"
      "\n"
      "001  AX       V     C        00:00:00:00 00:00:02:00 00:00:00:00 00:00:02:00\n"
      "* FROM CLIP NAME:  S01.mp4\n"
      "* OTIO REFERENCE FROM: clips/S01.mp4\n"
      "* LOC: 00:00:00:15 RED     HOOK B01\n"
      "* LOC: 00:00:02:15 MAGENTA CLIFFHANGER B06\n"
      "\n"
      "002  AX       A2    C        00:00:00:00 00:00:03:00 00:00:00:00 00:00:03:00\n"
      "* FROM CLIP NAME:  dialogue.wav\n"
      "* OTIO REFERENCE FROM: stems/dialogue.wav\n"
      "\n"
      "003  AX       NONE  C        00:00:00:00 00:00:03:00 00:00:00:00 00:00:03:00\n"
      "AUD 3\n"
      "* FROM CLIP NAME:  music.wav\n"
      "* OTIO REFERENCE FROM: stems/music.wav\n"
      "\n"
      "004  AX       A     C        00:00:00:00 00:00:01:00 00:00:00:15 00:00:01:15\n"
      "* FROM CLIP NAME:  L001.wav\n"
      "* OTIO REFERENCE FROM: voice/L001.wav\n";
  EXPECT_EQ(WriteEdl(t, Stems()), expected);
}

TEST_F(Handoff, EdlEventsTimecodesAndLocators) {
  std::string edl = WriteEdl(SampleTimeline(), Stems());
  std::istringstream in(edl);
  std::string line;
  int events = 0, locators = 0, number = 0;
  std::vector<std::string> event_lines;
  while (std::getline(in, line)) {
    if (!line.empty() && std::isdigit(static_cast<unsigned char>(line[0]))) {
      ++events;
      EXPECT_EQ(std::stoi(line.substr(0, 3)), ++number) << line;  // numbered 001, 002, … in order
      EXPECT_EQ(line.size(), 3u + 2 + 8 + 1 + 5 + 10 + 4 * 11 + 3) << line;  // fixed columns
      event_lines.push_back(line);
    }
    if (line.rfind("* LOC: ", 0) == 0) ++locators;
  }
  EXPECT_EQ(events, 3 + 3 + 2);  // shots, lines, stems
  EXPECT_EQ(locators, 4);
  EXPECT_EQ(edl.rfind("TITLE: ep001\nFCM: NON-DROP FRAME\n", 0), 0u);

  // Shots on V at their record positions; the hole has no event.
  EXPECT_NE(edl.find("AX       V     C        00:00:00:00 00:00:03:00 00:00:00:00 00:00:03:00"), std::string::npos);
  EXPECT_NE(edl.find("AX       V     C        00:00:00:00 00:00:02:00 00:00:03:00 00:00:05:00"), std::string::npos);
  EXPECT_NE(edl.find("AX       V     C        00:00:00:00 00:00:03:00 00:00:06:00 00:00:09:00"), std::string::npos);
  // Lines on A, sample positions rounded to frames (L002: 60..123).
  EXPECT_NE(edl.find("AX       A     C        00:00:00:00 00:00:02:03 00:00:02:00 00:00:04:03\n"
                     "* FROM CLIP NAME:  林晚_L002.wav\n"
                     "* OTIO REFERENCE FROM: voice/林晚_L002.wav\n"),
            std::string::npos);
  EXPECT_NE(edl.find("AX       A     C        00:00:00:00 00:00:01:00 00:00:05:00 00:00:06:00"), std::string::npos);
  // Stems over the whole episode.
  EXPECT_NE(edl.find("AX       A2    C        00:00:00:00 00:00:10:00 00:00:00:00 00:00:10:00"), std::string::npos);
  EXPECT_NE(edl.find("AX       NONE  C        00:00:00:00 00:00:10:00 00:00:00:00 00:00:10:00\nAUD 3\n"),
            std::string::npos);
  // Locators at record timecode under the V event holding (or last before) their frame.
  EXPECT_NE(edl.find("* OTIO REFERENCE FROM: clips/S01.mp4\n* LOC: 00:00:00:10 RED     HOOK B01\n"), std::string::npos);
  EXPECT_NE(edl.find("* OTIO REFERENCE FROM: clips/S02.mp4\n* LOC: 00:00:05:10 PURPLE  CLIMAX B04\n"),
            std::string::npos);
  EXPECT_NE(edl.find("* OTIO REFERENCE FROM: clips/S03.mp4\n"
                     "* LOC: 00:00:06:20 GREEN   FACE-SLAP B05\n"
                     "* LOC: 00:00:09:15 MAGENTA CLIFFHANGER B06\n"),
            std::string::npos);
  // Record order: the first events start at 00:00:00:00 (V, then A2 and NONE stems), the last at 6 s.
  ASSERT_EQ(event_lines.size(), 8u);
  EXPECT_NE(event_lines[0].find(" V "), std::string::npos);
  EXPECT_NE(event_lines[7].find("00:00:06:00 00:00:09:00"), std::string::npos);
}

TEST_F(Handoff, EdlEmptyTimeline) {
  EXPECT_EQ(WriteEdl(EmptyTimeline(0), HandoffMedia{}), "TITLE: ep000\nFCM: NON-DROP FRAME\n");
  // No clips but a length: the stems still make events, and the markers hang on them.
  Timeline t = EmptyTimeline(60);
  t.markers = {TimelineMarker{"hook", "B01", 5}};
  std::string edl = WriteEdl(t, HandoffMedia{"stems/dialogue.wav", ""});
  EXPECT_EQ(edl,
            "TITLE: ep000\nFCM: NON-DROP FRAME\n\n"
            "001  AX       A2    C        00:00:00:00 00:00:02:00 00:00:00:00 00:00:02:00\n"
            "* FROM CLIP NAME:  dialogue.wav\n"
            "* OTIO REFERENCE FROM: stems/dialogue.wav\n"
            "* LOC: 00:00:00:05 RED     HOOK B01\n");
}

// --- FCPXML ----------------------------------------------------------------------------------

const char kSequence[] = "/fcpxml/library/event/project/sequence";
const char kSpine[] = "/fcpxml/library/event/project/sequence/spine";

TEST_F(Handoff, FcpxmlStructure) {
  fs::path file = Save("ep001.fcpxml", WriteFcpxml(SampleTimeline(), Stems()));
  ExpectWellFormed(file);
  auto x = [&](const std::string& expr) { return XPath(file, expr); };
  const std::string spine = kSpine;

  EXPECT_EQ(x("string(/fcpxml/@version)"), "1.9");
  EXPECT_EQ(x("count(/fcpxml/resources/format)"), "1");
  EXPECT_EQ(x("string(/fcpxml/resources/format/@width)"), "1080");
  EXPECT_EQ(x("string(/fcpxml/resources/format/@height)"), "1920");
  EXPECT_EQ(x("string(/fcpxml/resources/format/@frameDuration)"), "1/30s");

  // One asset per distinct file (3 shots, 3 lines, 2 stems), each with a media-rep src.
  EXPECT_EQ(x("count(/fcpxml/resources/asset)"), "8");
  EXPECT_EQ(x("count(/fcpxml/resources/asset/media-rep[@kind=\"original-media\" and @src])"), "8");
  EXPECT_EQ(x("string(/fcpxml/resources/asset[@name=\"S01.mp4\"]/media-rep/@src)"), "clips/S01.mp4");
  EXPECT_EQ(x("string(/fcpxml/resources/asset[@name=\"林晚_L002.wav\"]/media-rep/@src)"),
            "voice/%E6%9E%97%E6%99%9A_L002.wav");
  EXPECT_EQ(x("string(/fcpxml/resources/asset[@name=\"music.wav\"]/@audioChannels)"), "2");

  EXPECT_EQ(x(std::string("string(") + kSequence + "/@duration)"), "300/30s");
  EXPECT_EQ(x(std::string("string(") + kSequence + "/@tcStart)"), "0/30s");
  EXPECT_EQ(x(std::string("string(") + kSequence + "/@format)"), "r1");

  // V1 is the primary storyline: three asset-clips with gaps for the hole and the tail.
  EXPECT_EQ(x("count(" + spine + "/asset-clip)"), "3");
  EXPECT_EQ(x("count(" + spine + "/*)"), "5");
  const char* offsets[] = {"0/30s", "90/30s", "180/30s"};
  const char* durations[] = {"90/30s", "60/30s", "90/30s"};
  for (int i = 0; i < 3; ++i) {
    std::string clip = spine + "/asset-clip[" + std::to_string(i + 1) + "]";
    EXPECT_EQ(x("string(" + clip + "/@offset)"), offsets[i]) << i;
    EXPECT_EQ(x("string(" + clip + "/@duration)"), durations[i]) << i;
    EXPECT_EQ(x("string(" + clip + "/@start)"), "0/30s") << i;
    EXPECT_EQ(x("string(/fcpxml/resources/asset[@id=string(" + clip + "/@ref)]/@name)"),
              "S0" + std::to_string(i + 1) + ".mp4");
  }
  EXPECT_EQ(x("string(" + spine + "/gap[1]/@offset)"), "150/30s");
  EXPECT_EQ(x("string(" + spine + "/gap[1]/@duration)"), "30/30s");
  EXPECT_EQ(x("string(" + spine + "/gap[2]/@offset)"), "270/30s");

  // Lines are connected clips below the storyline (lane -1), offsets in the parent's time.
  EXPECT_EQ(x("count(" + spine + "/*/asset-clip[@lane=\"-1\"])"), "3");
  EXPECT_EQ(x("string(" + spine + "/asset-clip[1]/asset-clip[@name=\"L001\"]/@offset)"), "15/30s");
  EXPECT_EQ(x("string(" + spine + "/asset-clip[1]/asset-clip[@name=\"L001\"]/@duration)"), "45/30s");
  EXPECT_EQ(x("string(" + spine + "/asset-clip[1]/asset-clip[@name=\"L002\"]/@offset)"), "60/30s");
  EXPECT_EQ(x("string(" + spine + "/asset-clip[1]/asset-clip[@name=\"L002\"]/@duration)"), "63/30s");
  EXPECT_EQ(x("string(" + spine + "/gap[1]/asset-clip[@name=\"L003\"]/@offset)"), "0/30s");
  EXPECT_EQ(x("string(" + spine + "/gap[1]/asset-clip[@name=\"L003\"]/@audioRole)"), "dialogue");
  // Stems on their own lanes from frame 0 for the whole episode.
  EXPECT_EQ(x("string(" + spine + "/asset-clip[1]/asset-clip[@lane=\"-2\"]/@duration)"), "300/30s");
  EXPECT_EQ(x("string(" + spine + "/asset-clip[1]/asset-clip[@lane=\"-2\"]/@offset)"), "0/30s");
  EXPECT_EQ(x("string(" + spine + "/asset-clip[1]/asset-clip[@lane=\"-3\"]/@audioRole)"), "music");

  // Four one-frame markers on the storyline elements holding their frames.
  EXPECT_EQ(x("count(" + spine + "/*/marker)"), "4");
  struct Expected {
    const char* name;
    const char* parent_offset;
    const char* start;
    const char* note;
  } markers[] = {{"hook", "0/30s", "10/30s", "B01"},
                 {"climax", "150/30s", "10/30s", "B04"},
                 {"face-slap", "180/30s", "20/30s", "B05"},
                 {"cliffhanger", "270/30s", "15/30s", "B06"}};
  for (const Expected& m : markers) {
    std::string marker = spine + "/*/marker[@value=\"" + m.name + "\"]";
    EXPECT_EQ(x("string(" + marker + "/@start)"), m.start) << m.name;
    EXPECT_EQ(x("string(" + marker + "/../@offset)"), m.parent_offset) << m.name;
    EXPECT_EQ(x("string(" + marker + "/@duration)"), "1/30s") << m.name;
    EXPECT_EQ(x("string(" + marker + "/@note)"), m.note) << m.name;
  }
}

TEST_F(Handoff, FcpxmlEmptyTimeline) {
  for (int64_t frames : {0, 300}) {
    Timeline t = EmptyTimeline(frames);
    t.markers = {TimelineMarker{"hook", "B01", 0}};
    fs::path file = Save("empty.fcpxml", WriteFcpxml(t, HandoffMedia{}));
    ExpectWellFormed(file);
    EXPECT_EQ(XPath(file, "string(/fcpxml/@version)"), "1.9");
    EXPECT_EQ(XPath(file, std::string("count(") + kSpine + ")"), "1");
    EXPECT_EQ(XPath(file, std::string("count(") + kSpine + "/asset-clip)"), "0");
    EXPECT_EQ(XPath(file, std::string("count(") + kSpine + "/gap)"), frames > 0 ? "1" : "0");
  }
}

// --- FCP7 XML --------------------------------------------------------------------------------

TEST_F(Handoff, Fcp7Structure) {
  fs::path file = Save("ep001.xml", WriteFcp7Xml(SampleTimeline(), Stems()));
  ExpectWellFormed(file);
  auto x = [&](const std::string& expr) { return XPath(file, expr); };
  const std::string seq = "/xmeml/sequence";

  EXPECT_EQ(x("string(/xmeml/@version)"), "5");
  EXPECT_EQ(x("string(" + seq + "/name)"), "ep001");
  EXPECT_EQ(x("string(" + seq + "/duration)"), "300");
  EXPECT_EQ(x("string(" + seq + "/rate/timebase)"), "30");
  EXPECT_EQ(x("string(" + seq + "/rate/ntsc)"), "FALSE");
  EXPECT_EQ(x("string(" + seq + "/timecode/string)"), "00:00:00:00");
  EXPECT_EQ(x("string(" + seq + "/media/video/format/samplecharacteristics/width)"), "1080");
  EXPECT_EQ(x("string(" + seq + "/media/video/format/samplecharacteristics/height)"), "1920");

  // V1: three clipitems at their frames; the file is described with a relative pathurl.
  EXPECT_EQ(x("count(" + seq + "/media/video/track)"), "1");
  EXPECT_EQ(x("count(" + seq + "/media/video/track/clipitem)"), "3");
  const char* starts[] = {"0", "90", "180"};
  const char* ends[] = {"90", "150", "270"};
  for (int i = 0; i < 3; ++i) {
    std::string clip = seq + "/media/video/track/clipitem[" + std::to_string(i + 1) + "]";
    EXPECT_EQ(x("string(" + clip + "/start)"), starts[i]) << i;
    EXPECT_EQ(x("string(" + clip + "/end)"), ends[i]) << i;
    EXPECT_EQ(x("string(" + clip + "/in)"), "0") << i;
    EXPECT_EQ(x("string(" + clip + "/file/pathurl)"), "clips/S0" + std::to_string(i + 1) + ".mp4") << i;
  }

  // Audio: A1 lines (mono), then each stereo stem as an exploded left/right pair.
  const std::string audio = seq + "/media/audio";
  EXPECT_EQ(x("count(" + audio + "/track)"), "5");
  EXPECT_EQ(x("count(" + audio + "/track[1]/clipitem)"), "3");
  EXPECT_EQ(x("string(" + audio + "/track[1]/clipitem[2]/name)"), "L002");
  EXPECT_EQ(x("string(" + audio + "/track[1]/clipitem[2]/start)"), "60");
  EXPECT_EQ(x("string(" + audio + "/track[1]/clipitem[2]/end)"), "123");
  EXPECT_EQ(x("string(" + audio + "/track[1]/clipitem[2]/file/pathurl)"), "voice/%E6%9E%97%E6%99%9A_L002.wav");
  EXPECT_EQ(x("string(" + audio + "/track[1]/clipitem[3]/start)"), "150");
  EXPECT_EQ(x("string(" + audio + "/track[1]/clipitem[3]/end)"), "180");
  EXPECT_EQ(x("string(" + audio + "/track[1]/clipitem[1]/sourcetrack/trackindex)"), "1");
  const char* stems[] = {"stems/dialogue.wav", "stems/music.wav"};
  for (int s = 0; s < 2; ++s) {
    for (int side = 0; side < 2; ++side) {
      std::string track = audio + "/track[" + std::to_string(2 + 2 * s + side) + "]";
      EXPECT_EQ(x("string(" + track + "/@premiereTrackType)"), "Stereo");
      EXPECT_EQ(x("string(" + track + "/@currentExplodedTrackIndex)"), std::to_string(side));
      EXPECT_EQ(x("count(" + track + "/clipitem)"), "1");
      EXPECT_EQ(x("string(" + track + "/clipitem/start)"), "0");
      EXPECT_EQ(x("string(" + track + "/clipitem/end)"), "300");
      EXPECT_EQ(x("string(" + track + "/clipitem/sourcetrack/trackindex)"), std::to_string(side + 1));
      EXPECT_EQ(x("count(" + track + "/clipitem/link)"), "2");
      // The file is described once (left) and referenced by id (right).
      std::string id = x("string(" + track + "/clipitem/file/@id)");
      EXPECT_EQ(x("string(//file[@id=\"" + id + "\"]/pathurl)"), stems[s]);
    }
  }

  // Sequence markers: frame in, out -1, name and beat comment.
  EXPECT_EQ(x("count(" + seq + "/marker)"), "4");
  EXPECT_EQ(x("string(" + seq + "/marker[name=\"climax\"]/in)"), "160");
  EXPECT_EQ(x("string(" + seq + "/marker[name=\"climax\"]/out)"), "-1");
  EXPECT_EQ(x("string(" + seq + "/marker[name=\"climax\"]/comment)"), "B04");
  EXPECT_EQ(x("string(" + seq + "/marker[name=\"cliffhanger\"]/in)"), "285");

  // Ids are unique.
  EXPECT_EQ(x("count(//clipitem)"), x("count(//clipitem[not(@id=preceding::clipitem/@id)])"));
}

TEST_F(Handoff, Fcp7EmptyTimeline) {
  for (int64_t frames : {0, 300}) {
    Timeline t = EmptyTimeline(frames);
    t.markers = {TimelineMarker{"hook", "B01", 0}};
    fs::path file = Save("empty.xml", WriteFcp7Xml(t, HandoffMedia{}));
    ExpectWellFormed(file);
    EXPECT_EQ(XPath(file, "string(/xmeml/@version)"), "5");
    EXPECT_EQ(XPath(file, "count(/xmeml/sequence/media/video/track/clipitem)"), "0");
    EXPECT_EQ(XPath(file, "string(/xmeml/sequence/rate/timebase)"), "30");
    EXPECT_EQ(XPath(file, "count(/xmeml/sequence/marker)"), "1");
  }
}

// --- All three -------------------------------------------------------------------------------

// The same file used twice is one asset / one described file; an overlapping shot goes to V2.
TEST_F(Handoff, SharedMediaAndOverlappingShots) {
  Timeline t = EmptyTimeline(90);
  t.video = {TimelineVideo{"A", "clips/a.mp4", 0, 60}, TimelineVideo{"B", "clips/a.mp4", 30, 60}};
  fs::path fcpxml = Save("shared.fcpxml", WriteFcpxml(t, HandoffMedia{}));
  ExpectWellFormed(fcpxml);
  EXPECT_EQ(XPath(fcpxml, "count(/fcpxml/resources/asset)"), "1");
  EXPECT_EQ(XPath(fcpxml, std::string("count(") + kSpine + "/asset-clip)"), "1");
  EXPECT_EQ(XPath(fcpxml, std::string("string(") + kSpine + "/asset-clip/asset-clip[@lane=\"1\"]/@offset)"), "30/30s");
  EXPECT_EQ(XPath(fcpxml, std::string("string(") + kSpine + "/asset-clip/asset-clip/@ref)"), "r2");

  fs::path fcp7 = Save("shared.xml", WriteFcp7Xml(t, HandoffMedia{}));
  ExpectWellFormed(fcp7);
  EXPECT_EQ(XPath(fcp7, "count(/xmeml/sequence/media/video/track)"), "2");
  EXPECT_EQ(XPath(fcp7, "string(/xmeml/sequence/media/video/track[2]/clipitem/start)"), "30");
  EXPECT_EQ(XPath(fcp7, "count(//file/pathurl)"), "1");
  EXPECT_EQ(XPath(fcp7, "string(/xmeml/sequence/media/video/track[2]/clipitem/file/@id)"), "file-1");

  std::string edl = WriteEdl(t, HandoffMedia{});
  EXPECT_NE(edl.find("001  AX       V     C        00:00:00:00 00:00:02:00 00:00:00:00 00:00:02:00"), std::string::npos);
  EXPECT_NE(edl.find("002  AX       V     C        00:00:00:00 00:00:02:00 00:00:01:00 00:00:03:00"), std::string::npos);
}

TEST_F(Handoff, DeterministicAndEscaped) {
  Timeline t = SampleTimeline();
  t.name = "ep <1> & \"2\"\x01";
  t.video[0].shot = "S&01";
  t.video[0].clip = "clips/S 01#?.mp4";
  t.markers[0].beat = "B<1>";
  for (auto write : {&WriteEdl, &WriteFcpxml, &WriteFcp7Xml}) EXPECT_EQ(write(t, Stems()), write(t, Stems()));

  std::string fcpxml = WriteFcpxml(t, Stems());
  std::string fcp7 = WriteFcp7Xml(t, Stems());
  fs::path a = Save("escaped.fcpxml", fcpxml);
  fs::path b = Save("escaped.xml", fcp7);
  ExpectWellFormed(a);
  ExpectWellFormed(b);
  EXPECT_EQ(XPath(a, "string(/fcpxml/library/event/@name)"), "ep <1> & \"2\"");
  EXPECT_EQ(XPath(a, std::string("string(") + kSpine + "/asset-clip[1]/@name)"), "S&01");
  EXPECT_EQ(XPath(a, std::string("string(") + kSpine + "/asset-clip[1]/marker/@note)"), "B<1>");
  EXPECT_EQ(XPath(a, "string(/fcpxml/resources/asset[1]/media-rep/@src)"), "clips/S%2001%23%3F.mp4");
  EXPECT_EQ(XPath(b, "string(/xmeml/sequence/name)"), "ep <1> & \"2\"");
  EXPECT_EQ(XPath(b, "string(/xmeml/sequence/media/video/track/clipitem[1]/file/pathurl)"), "clips/S%2001%23%3F.mp4");
  EXPECT_EQ(fcpxml.find('\x01'), std::string::npos);

  std::string edl = WriteEdl(t, Stems());
  EXPECT_EQ(edl.rfind("TITLE: ep <1> & \"2\" \n", 0), 0u);  // the control character became a space
  EXPECT_NE(edl.find("* FROM CLIP NAME:  S 01#?.mp4\n* OTIO REFERENCE FROM: clips/S 01#?.mp4\n"), std::string::npos);
}

}  // namespace
}  // namespace rw
