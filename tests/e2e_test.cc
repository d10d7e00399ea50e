// End-to-end: the `reelwright` binary makes a tiny series, and independent tools (ffprobe,
// ffmpeg's volumedetect) check what it rendered.
#include <gtest/gtest.h>
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <chrono>
#include <map>
#include <random>
#include <thread>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include <fontconfig/fontconfig.h>

#include "base/file.h"
#include "base/hash.h"
#include "base/text.h"
#include "build/series_lock.h"
#include "story/llm_testing.h"

namespace rw {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

Outcome Exec(const std::string& command) {
  static int counter = 0;
  fs::path err_file = fs::temp_directory_path() / ("rw_e2e_err_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  Outcome r;
  FILE* p = ::popen((command + " 2>" + Quote(err_file.string())).c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto err = ReadFile(err_file);
  if (err.ok()) r.err = *err;
  fs::remove(err_file);
  return r;
}

Outcome Reelwright(const std::string& args) { return Exec(std::string(RW_BINARY) + " " + args); }

// Hash of every file of the series outside .reelwright.
std::map<std::string, std::string> Snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    std::string rel = fs::relative(e.path(), root).string();
    if (rel.rfind(".reelwright", 0) == 0 || !e.is_regular_file()) continue;
    out[rel] = Sha256Hex(*ReadFile(e.path()));
  }
  return out;
}

class E2E : public ::testing::Test {
 protected:
  static fs::path Dir(const std::string& name) {
    fs::path d = fs::temp_directory_path() / ("rw_e2e_" + std::to_string(::getpid())) / name;
    fs::remove_all(d);
    fs::create_directories(d.parent_path());
    return d;
  }
  static void TearDownTestSuite() { fs::remove_all(fs::temp_directory_path() / ("rw_e2e_" + std::to_string(::getpid()))); }

  static Outcome New(const fs::path& dir, int episodes, int seed) {
    return Reelwright("new " + Quote(dir.string()) +
                      " --idea 'A disowned heiress returns as the investor who owns her family firm.'"
                      " --genre revenge --lang en --episodes " + std::to_string(episodes) + " --seed " + std::to_string(seed));
  }
};

TEST_F(E2E, OneEpisodeAtPreviewRendersAPlayableMp4) {
  fs::path dir = Dir("one");
  ASSERT_EQ(New(dir, 1, 7).code, 0);
  Outcome build = Reelwright("build -q " + Quote(dir.string()) + " --preset preview");
  ASSERT_EQ(build.code, 0) << build.err;
  EXPECT_NE(build.out.find("ep001"), std::string::npos) << build.out;

  fs::path ep = dir / "episodes/ep001";
  fs::path mp4 = ep / "ep001.en.preview.mp4";
  ASSERT_TRUE(fs::exists(mp4)) << build.out;
  for (const char* f : {"beats.yaml", "script.fountain", "shots.yaml", "voice/lines.yaml", "timeline.json",
                        "ep001.otio", "ep001.en.srt", "ep001.en.ass", "frames/S001.png", "clips/S001.mp4"})
    EXPECT_TRUE(fs::exists(ep / f)) << f;

  Outcome probe = Exec("ffprobe -v error -print_format json -show_streams -show_format " + Quote(mp4.string()));
  ASSERT_EQ(probe.code, 0) << probe.err;
  auto info = nlohmann::json::parse(probe.out);
  nlohmann::json video, audio;
  for (auto& s : info["streams"]) (s["codec_type"] == "video" ? video : audio) = s;
  EXPECT_EQ(video["codec_name"], "h264");
  EXPECT_EQ(video["profile"], "High");
  EXPECT_EQ(video["pix_fmt"], "yuv420p");
  EXPECT_EQ(video["width"], 540);
  EXPECT_EQ(video["height"], 960);
  EXPECT_EQ(video["r_frame_rate"], "30/1");
  EXPECT_EQ(audio["codec_name"], "aac");
  EXPECT_EQ(audio["profile"], "LC");
  EXPECT_EQ(audio["sample_rate"], "48000");
  // The render says who wrote the episode (the ledger's line-by-line authorship) and its title.
  auto tags = info["format"]["tags"];
  EXPECT_EQ(tags.value("authorship", ""), "person 0% of lines (0% of words); model:builtin 100% of lines (100% of words)") << tags;
  auto bible = ReadFile(dir / "bible.yaml");
  std::smatch title;
  ASSERT_TRUE(std::regex_search(*bible, title, std::regex("\ntitle: ([^\n]+)\n")));
  EXPECT_EQ(tags.value("title", ""), title[1].str() + " ep001");
  // The implicit AI-content label (GB 45438-2025 Appendix E): an mdta key AIGC holding JSON.
  ASSERT_TRUE(tags.contains("AIGC")) << tags;
  auto aigc = nlohmann::json::parse(tags["AIGC"].get<std::string>());
  EXPECT_EQ(aigc["AIGC"]["Label"], "1");
  EXPECT_EQ(aigc["AIGC"]["ContentProducer"], "reelwright");
  EXPECT_EQ(aigc["AIGC"]["ProduceID"].get<std::string>().size(), 32u);
  // `inspect` reads the same label and authorship back.
  Outcome inspect = Reelwright("inspect " + Quote(mp4.string()));
  EXPECT_EQ(inspect.code, 0) << inspect.err;
  EXPECT_NE(inspect.out.find("AI-content label (implicit, AIGC tag): AI-generated"), std::string::npos) << inspect.out;
  EXPECT_NE(inspect.out.find("ProduceID: " + aigc["AIGC"]["ProduceID"].get<std::string>()), std::string::npos) << inspect.out;
  EXPECT_NE(inspect.out.find("authorship: person 0% of lines"), std::string::npos) << inspect.out;

  auto timeline = nlohmann::json::parse(*ReadFile(ep / "timeline.json"));
  double timeline_s = timeline["frames"].get<double>() / timeline["fps"].get<double>();
  double duration = std::stod(info["format"]["duration"].get<std::string>());
  EXPECT_NEAR(duration, timeline_s, 0.1);
  EXPECT_GE(timeline_s, 60.0);
  EXPECT_LE(timeline_s, 120.0);

  // Audio is present and not silent.
  Outcome vol = Exec("ffmpeg -hide_banner -nostats -i " + Quote(mp4.string()) + " -af volumedetect -vn -f null - ");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(vol.err, m, std::regex("mean_volume: (-?[0-9.]+) dB"))) << vol.err;
  EXPECT_GT(std::stod(m[1]), -45.0);

  // Delivery loudness, measured by an independent meter (FFmpeg's ebur128 filter) on the MP4:
  // about -14 LUFS integrated, true peak at most -1 dBTP; the score was composed and rendered.
  Outcome loud = Exec("ffmpeg -hide_banner -nostats -i " + Quote(mp4.string()) + " -af ebur128=peak=true -f null - ");
  std::smatch lufs, peak;
  size_t summary_at = loud.err.rfind("Summary:");
  ASSERT_NE(summary_at, std::string::npos) << loud.err;
  std::string summary = loud.err.substr(summary_at);
  ASSERT_TRUE(std::regex_search(summary, lufs, std::regex("I: +(-?[0-9.]+) LUFS"))) << summary;
  ASSERT_TRUE(std::regex_search(summary, peak, std::regex("Peak: +(-?[0-9.]+) dBFS"))) << summary;
  EXPECT_NEAR(std::stod(lufs[1]), -14.0, 1.0);
  EXPECT_LE(std::stod(peak[1]), -1.0);
  EXPECT_TRUE(fs::exists(ep / "music/score.mid"));
  EXPECT_TRUE(fs::exists(ep / "music/score.wav"));
  for (const char* stem : {"mix.wav", "stems/dialogue.wav", "stems/music.wav"}) EXPECT_TRUE(fs::exists(ep / stem)) << stem;

  // +faststart: the moov box comes before mdat.
  std::string head = ReadFile(mp4)->substr(0, 1 << 16);
  size_t moov = head.find("moov"), mdat = head.find("mdat");
  ASSERT_NE(moov, std::string::npos);
  EXPECT_TRUE(mdat == std::string::npos || moov < mdat);

  // The report stage: the series' and the episode's evaluation, as pages with no outside links.
  for (const fs::path& page : {dir / "report.html", ep / "report.html"}) {
    auto html = ReadFile(page);
    ASSERT_TRUE(html.ok()) << page;
    EXPECT_NE(html->find(page == ep / "report.html" ? "<svg" : "<table class=\"heat\""), std::string::npos) << page;
    EXPECT_EQ(html->find("http"), std::string::npos) << page;
    EXPECT_EQ(html->find("<script"), std::string::npos) << page;
  }
  auto report = nlohmann::json::parse(*ReadFile(dir / "report.json"));
  EXPECT_EQ(report["schema"], "EvalReport.1");
  EXPECT_EQ(report["episodes"][0]["timed"], true);
  Outcome eval = Reelwright("eval " + Quote(dir.string()) + " --json");
  ASSERT_EQ(eval.code, 0) << eval.err;
  EXPECT_EQ(nlohmann::json::parse(eval.out), report);  // the command and the build agree
  Outcome table = Reelwright("eval " + Quote(dir.string()) + " 1");
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("Fix these first"), std::string::npos) << table.out;

  // The delivery folder: every file the manifest lists is there with its checksum; the cover is
  // a 1080×1920 PNG; the script comes as Fountain and Final Draft.
  fs::path delivery = dir.parent_path() / "one_delivery";
  fs::remove_all(delivery);
  Outcome exported = Reelwright("export -q " + Quote(dir.string()) + " --to " + Quote(delivery.string()) + " --preset preview");
  ASSERT_EQ(exported.code, 0) << exported.err;
  auto manifest = nlohmann::json::parse(*ReadFile(delivery / "manifest.json"));
  EXPECT_EQ(manifest["schema"], "Export.1");
  ASSERT_GT(manifest["files"].size(), 10u);
  for (const auto& f : manifest["files"]) {
    auto bytes = ReadFile(delivery / f["path"].get<std::string>());
    ASSERT_TRUE(bytes.ok()) << f["path"];
    EXPECT_EQ(Sha256Hex(*bytes), f["sha256"]) << f["path"];
  }
  Outcome cover = Exec("ffprobe -v error -show_entries stream=width,height -of csv=p=0 " + Quote((delivery / "covers/ep001.png").string()));
  EXPECT_EQ(Trim(cover.out), "1080,1920");
  EXPECT_TRUE(fs::exists(delivery / "scripts/ep001.fdx"));
  EXPECT_TRUE(fs::exists(delivery / "editing/ep001/ep001.otio"));
  EXPECT_TRUE(fs::exists(delivery / "editing/ep001/clips/S001.mp4"));
  // The clips' plates (the renderer's) stay behind: only media goes to the editor.
  for (const auto& f : fs::directory_iterator(delivery / "editing/ep001/clips")) EXPECT_EQ(f.path().extension(), ".mp4") << f.path();
  // The editor hand-off: FCPXML and FCP7 XML parse in an independent reader (xmllint).
  for (const char* file : {"ep001.fcpxml", "ep001.xml"}) {
    ASSERT_TRUE(fs::exists(delivery / "editing/ep001" / file)) << file;
    EXPECT_EQ(Exec("xmllint --noout " + Quote((delivery / "editing/ep001" / file).string())).code, 0) << file;
  }
  EXPECT_NE(ReadFile(delivery / "editing/ep001/ep001.edl")->find("FCM: NON-DROP FRAME"), std::string::npos);
  EXPECT_TRUE(fs::exists(delivery / "episodes/ep001.en.mp4"));
  Outcome into_series = Reelwright("export -q " + Quote(dir.string()) + " --to " + Quote((dir / "out").string()));
  EXPECT_EQ(into_series.code, 2);

  // A second build runs no stage.
  Outcome again = Reelwright("build -q " + Quote(dir.string()) + " --preset preview");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("Nothing to do"), std::string::npos) << again.out;

  // gc keeps the video segments of the current render: moving the label (on screen for its first
  // 2 s) re-encodes only the one or two segments it is on.
  Outcome gc = Reelwright("gc " + Quote(dir.string()));
  ASSERT_EQ(gc.code, 0) << gc.err;
  std::string yaml = *ReadFile(dir / "reelwright.yaml");
  ASSERT_NE(yaml.find("position: top-left"), std::string::npos);
  yaml.replace(yaml.find("position: top-left"), 18, "position: top-right");
  ASSERT_TRUE(WriteFileAtomic(dir / "reelwright.yaml", yaml).ok());
  Outcome moved = Reelwright("build " + Quote(dir.string()) + " --preset preview");
  ASSERT_EQ(moved.code, 0) << moved.err;
  std::smatch counts;
  const std::string said = moved.out + moved.err;  // progress and stage lines go to stderr
  ASSERT_TRUE(std::regex_search(said, counts, std::regex("(\\d+) of (\\d+) segments encoded"))) << said;
  EXPECT_GE(std::stoi(counts[1].str()), 1) << said;
  EXPECT_LE(std::stoi(counts[1].str()), 2) << said;
  EXPECT_GT(std::stoi(counts[2].str()), 10) << said;
}

TEST_F(E2E, EditingOneLineRedoesOnlyThatEpisodeDownstream) {
  fs::path dir = Dir("edit");
  ASSERT_EQ(New(dir, 2, 3).code, 0);
  Outcome first = Reelwright("build " + Quote(dir.string()) + " --until subtitles");
  ASSERT_EQ(first.code, 0) << first.err;

  fs::path script = dir / "episodes/ep002/script.fountain";
  std::string text = *ReadFile(script);
  // The first dialogue line: the line after the first character cue.
  auto units = Reelwright("check " + Quote(dir.string()));
  ASSERT_EQ(units.code, 0) << units.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex("\n\n([A-Z][A-Z .']+)\n([^\n(][^\n]*)\n")));
  std::string edited = text;
  edited.replace(static_cast<size_t>(m.position(2)), m[2].length(), "I wrote this line myself, and it stays.");
  ASSERT_TRUE(WriteFileAtomic(script, edited).ok());
  auto before = Snapshot(dir);

  Outcome second = Reelwright("build " + Quote(dir.string()) + " --until subtitles");
  ASSERT_EQ(second.code, 0) << second.err;
  std::regex ran_re("ran +([^ ]+)");
  std::vector<std::string> ran;
  for (std::sregex_iterator it(second.err.begin(), second.err.end(), ran_re), end; it != end; ++it) ran.push_back((*it)[1]);
  std::vector<std::string> expected = {"ep002/voice", "ep002/shots", "ep002/timeline", "ep002/subtitles"};
  EXPECT_EQ(ran, expected) << second.err;
  EXPECT_EQ(*ReadFile(script), edited);  // the edit is kept
  std::string srt = *ReadFile(dir / "episodes/ep002/ep002.en.srt");
  EXPECT_NE(srt.find("I wrote this line myself"), std::string::npos);
  auto after = Snapshot(dir);
  for (const auto& [path, hash] : before)
    if (path.rfind("episodes/ep001", 0) == 0) {
      EXPECT_EQ(after[path], hash) << path;
    }
  // Only one new voice line was synthesized; the rest came from the cache.
  EXPECT_NE(second.err.find("1 made"), std::string::npos) << second.err;
}

TEST_F(E2E, SameSeedWritesIdenticalScriptsAndSubtitles) {
  fs::path a = Dir("seed_a"), b = Dir("seed_b");
  ASSERT_EQ(New(a, 2, 11).code, 0);
  ASSERT_EQ(New(b, 2, 11).code, 0);
  ASSERT_EQ(Reelwright("build -q " + Quote(a.string()) + " --until subtitles").code, 0);
  ASSERT_EQ(Reelwright("build -q " + Quote(b.string()) + " --until subtitles").code, 0);
  for (const char* f : {"bible.yaml", "arc.yaml", "episodes/ep001/beats.yaml", "episodes/ep001/script.fountain",
                        "episodes/ep002/script.fountain", "episodes/ep001/ep001.en.srt", "episodes/ep002/ep002.en.srt",
                        "episodes/ep001/shots.yaml"}) {
    auto x = ReadFile(a / f), y = ReadFile(b / f);
    ASSERT_TRUE(x.ok() && y.ok()) << f;
    EXPECT_EQ(*x, *y) << f;
  }
  fs::path c = Dir("seed_c");
  ASSERT_EQ(New(c, 1, 12).code, 0);
  ASSERT_EQ(Reelwright("build -q " + Quote(c.string()) + " --until script").code, 0);
  EXPECT_NE(*ReadFile(a / "episodes/ep001/script.fountain"), *ReadFile(c / "episodes/ep001/script.fountain"));
}

TEST_F(E2E, MalformedBeatsGiveFileAndLineAndChangeNothing) {
  fs::path dir = Dir("bad");
  ASSERT_EQ(New(dir, 1, 5).code, 0);
  ASSERT_EQ(Reelwright("build -q " + Quote(dir.string()) + " --until subtitles").code, 0);
  fs::path beats = dir / "episodes/ep001/beats.yaml";
  std::string text = *ReadFile(beats);
  size_t at = text.find("target_s:", text.find("target_s:") + 1);  // the second beat
  ASSERT_NE(at, std::string::npos);
  size_t eol = text.find('\n', at);
  text.replace(at, eol - at, "target_s: soon");
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  ASSERT_TRUE(WriteFileAtomic(beats, text).ok());
  auto before = Snapshot(dir);

  Outcome r = Reelwright("build " + Quote(dir.string()));
  EXPECT_EQ(r.code, 2);
  std::string where = beats.string() + ":" + std::to_string(line) + ":";
  EXPECT_NE(r.err.find(where), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("soon"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(dir), before);
}

TEST_F(E2E, ReviseWritesAVariantBesideTheScriptAndNeverOverIt) {
  fs::path dir = Dir("revise");
  ASSERT_EQ(New(dir, 1, 8).code, 0);
  ASSERT_EQ(Reelwright("build -q " + Quote(dir.string()) + " --until script").code, 0);
  fs::path script = dir / "episodes/ep001/script.fountain";
  std::string before = *ReadFile(script);
  Outcome r = Reelwright("revise " + Quote(dir.string()) + " 1 --tighten 62");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("--- episodes/ep001/script.fountain"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n-"), std::string::npos);  // something was cut
  EXPECT_EQ(*ReadFile(script), before);
  EXPECT_TRUE(fs::exists(dir / "episodes/ep001/variants/script.tighten-62s.fountain"));
  EXPECT_TRUE(fs::exists(dir / "episodes/ep001/variants/script.tighten-62s.diff"));
  EXPECT_EQ(Reelwright("revise " + Quote(dir.string()) + " 1 --hook surprise").code, 2);
  EXPECT_EQ(Reelwright("revise " + Quote(dir.string()) + " 9 --reveal-earlier").code, 2);
}

// Every character of the subtitles has a glyph in the font the ASS style names, and fontconfig
// resolves that name to the font itself, not to a fallback: no empty boxes on screen.
void ExpectFontCoversText(const std::string& family, const std::string& text) {
  ASSERT_TRUE(FcInit());
  FcPattern* pattern = FcNameParse(reinterpret_cast<const FcChar8*>(family.c_str()));
  FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
  FcDefaultSubstitute(pattern);
  FcResult result;
  FcPattern* match = FcFontMatch(nullptr, pattern, &result);
  ASSERT_NE(match, nullptr);
  FcChar8* got = nullptr;
  FcPatternGetString(match, FC_FAMILY, 0, &got);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(got)), family);
  FcCharSet* charset = nullptr;
  ASSERT_EQ(FcPatternGetCharSet(match, FC_CHARSET, 0, &charset), FcResultMatch);
  int missing = 0;
  for (char32_t c : DecodeUtf8(text))
    if (c > ' ' && !FcCharSetHasChar(charset, c)) ++missing;
  EXPECT_EQ(missing, 0);
  FcPatternDestroy(match);
  FcPatternDestroy(pattern);
}

TEST_F(E2E, ChineseSeriesRendersWithChineseVoicesAndSubtitles) {
  fs::path dir = Dir("zh");
  Outcome made = Reelwright("new " + Quote(dir.string()) +
                            " --idea '婚礼当晚被丈夫和妹妹陷害的新娘，五年后以神秘投资人身份归来' --genre revenge --lang zh --episodes 1 --seed 2");
  ASSERT_EQ(made.code, 0) << made.err;
  Outcome build = Reelwright("build -q " + Quote(dir.string()) + " --preset preview");
  ASSERT_EQ(build.code, 0) << build.err;
  fs::path ep = dir / "episodes/ep001";
  std::string bible = *ReadFile(dir / "bible.yaml");
  EXPECT_NE(bible.find("voice: cmn"), std::string::npos);
  std::string srt = *ReadFile(ep / "ep001.zh.srt");
  EXPECT_TRUE(HasCjk(srt));
  std::string ass = *ReadFile(ep / "ep001.zh.ass");
  EXPECT_NE(ass.find("Noto Sans CJK SC"), std::string::npos);
  ExpectFontCoversText("Noto Sans CJK SC", srt);
  auto timeline = nlohmann::json::parse(*ReadFile(ep / "timeline.json"));
  double seconds = timeline["frames"].get<double>() / timeline["fps"].get<double>();
  EXPECT_GE(seconds, 60.0);
  EXPECT_LE(seconds, 120.0);
  Outcome vol = Exec("ffmpeg -hide_banner -nostats -i " + Quote((ep / "ep001.zh.preview.mp4").string()) + " -af volumedetect -vn -f null - ");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(vol.err, m, std::regex("mean_volume: (-?[0-9.]+) dB"))) << vol.err;
  EXPECT_GT(std::stod(m[1]), -45.0);
}

TEST_F(E2E, LlmWriterThroughTheCommandAgainstALocalServer) {
  int requests = 0;
  testing::FakeChatServer server([&](int index, const nlohmann::json& request) {
    ++requests;
    if (index == 0) return testing::ErrorReply(503, "warming up");  // retried with backoff
    return testing::Canned(request);
  });
  fs::path dir = Dir("llm");
  Outcome made = Reelwright("new " + Quote(dir.string()) + " --idea 'A wife betrayed by her husband returns as his investor'" +
                            " --episodes 3 --writer llm --llm-url " + server.BaseUrl() + " --llm-model fake-writer");
  ASSERT_EQ(made.code, 0) << made.err;
  Outcome build = Reelwright("build " + Quote(dir.string()) + " --until script");
  ASSERT_EQ(build.code, 0) << build.err;
  EXPECT_EQ(requests, 1 + 1 + 1 + 3 + 3);  // one 503, bible, arc, 3 beats, 3 scripts
  EXPECT_NE(build.out.find("Model calls this build: 9"), std::string::npos) << build.out;
  std::string script = *ReadFile(dir / "episodes/ep002/script.fountain");
  EXPECT_NE(script.find("You buried a coffin."), std::string::npos);
  EXPECT_NE(script.find("LLM writer, fake-writer"), std::string::npos);
  // Nothing changed: no call is made again.
  Outcome again = Reelwright("build -q " + Quote(dir.string()) + " --until script");
  EXPECT_EQ(again.code, 0);
  EXPECT_NE(again.out.find("Nothing to do"), std::string::npos);
  EXPECT_EQ(requests, 9);
}

TEST_F(E2E, UnreachableLlmServerIsAClearErrorAndWritesNothing) {
  fs::path dir = Dir("llm_down");
  ASSERT_EQ(Reelwright("new " + Quote(dir.string()) + " --idea 'x' --writer llm --llm-url http://127.0.0.1:9/v1 --llm-model m").code, 0);
  Outcome build = Reelwright("build " + Quote(dir.string()) + " --until script");
  EXPECT_EQ(build.code, 1);
  EXPECT_NE(build.err.find("cannot reach"), std::string::npos) << build.err;
  EXPECT_FALSE(fs::exists(dir / "bible.yaml"));
}

TEST_F(E2E, ReviseOneBeatThroughAChatServer) {
  fs::path dir = Dir("ask");
  ASSERT_EQ(New(dir, 1, 9).code, 0);
  ASSERT_EQ(Reelwright("build -q " + Quote(dir.string()) + " --until script").code, 0);
  std::string beats = *ReadFile(dir / "episodes/ep001/beats.yaml");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(beats, m, std::regex("location: (L[0-9]+)")));
  std::string location = m[1];
  nlohmann::json seen;
  testing::FakeChatServer server([&](int, const nlohmann::json& request) {
    seen = request;
    nlohmann::json scene = {{"heading", location}, {"beat", "B01"}, {"elements", {
        {{"type", "action"}, {"character", ""}, {"parenthetical", ""}, {"text", "The lights die. One candle burns."}},
        {{"type", "dialogue"}, {"character", "C01"}, {"parenthetical", "quietly"}, {"text", "You kept my seat warm."}}}}};
    return testing::ChatReply(nlohmann::json({{"scenes", {scene}}}).dump());
  });
  std::string settings = *ReadFile(dir / "reelwright.yaml");
  settings = std::regex_replace(settings, std::regex("base_url: \"\""), "base_url: " + server.BaseUrl());
  settings = std::regex_replace(settings, std::regex("model: \"\""), "model: fake-editor");
  ASSERT_TRUE(WriteFileAtomic(dir / "reelwright.yaml", settings).ok());
  std::string before = *ReadFile(dir / "episodes/ep001/script.fountain");

  Outcome r = Reelwright("revise " + Quote(dir.string()) + " 1 --beat hook --ask 'open in darkness, quieter'");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(seen["messages"].back()["content"].get<std::string>().find("open in darkness, quieter"), std::string::npos);
  EXPECT_EQ(*ReadFile(dir / "episodes/ep001/script.fountain"), before);
  std::string variant = *ReadFile(dir / "episodes/ep001/variants/script.ask-B01.fountain");
  EXPECT_NE(variant.find("You kept my seat warm."), std::string::npos);
  EXPECT_NE(variant.find("# B02"), std::string::npos);  // the other beats are still there
  EXPECT_NE(r.out.find("+You kept my seat warm."), std::string::npos) << r.out;
}

TEST_F(E2E, AnEpisodeWrittenFromScratchInFountainIsBuiltFrom) {
  fs::path dir = Dir("scratch");
  ASSERT_EQ(New(dir, 1, 4).code, 0);
  ASSERT_EQ(Reelwright("build -q " + Quote(dir.string()) + " --until arc").code, 0);
  std::string bible = *ReadFile(dir / "bible.yaml");
  std::vector<std::string> names;
  std::regex name_re("\n    name: ([^\n]+)");
  for (std::sregex_iterator it(bible.begin(), bible.end(), name_re), end; it != end; ++it) names.push_back((*it)[1]);
  ASSERT_GE(names.size(), 2u);
  auto upper = [](std::string n) {
    for (char& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return n;
  };
  std::string script = "Title: Written by hand\n\nINT. KITCHEN - NIGHT\n\n" + names[0] +
                       " drops a ring into a glass of water.\n\n" + upper(names[0]) + "\n(quietly)\nI know what you did.\n\n" +
                       upper(names[1]) + "\nThen you know why I did it.\n\n> CUT TO:\n\nEXT. ROOF - DAWN\n\n" + upper(names[0]) +
                       "\nThis ends tonight.\n";
  fs::create_directories(dir / "episodes/ep001");
  ASSERT_TRUE(WriteFileAtomic(dir / "episodes/ep001/script.fountain", script).ok());
  Outcome build = Reelwright("build " + Quote(dir.string()) + " --until subtitles");
  ASSERT_EQ(build.code, 0) << build.err;
  EXPECT_EQ(*ReadFile(dir / "episodes/ep001/script.fountain"), script);
  EXPECT_NE(build.err.find("a person's file"), std::string::npos) << build.err;
  std::string srt = *ReadFile(dir / "episodes/ep001/ep001.en.srt");
  EXPECT_NE(srt.find("I know what you did."), std::string::npos) << srt;
  EXPECT_NE(srt.find("This ends tonight."), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "episodes/ep001/voice/L003.wav"));
  EXPECT_FALSE(fs::exists(dir / "episodes/ep001/voice/L004.wav"));
}

TEST_F(E2E, ProgressiveWritingContinuesFromEditedBeats) {
  fs::path dir = Dir("progressive");
  ASSERT_EQ(New(dir, 1, 6).code, 0);
  Outcome first = Reelwright("build -q " + Quote(dir.string()) + " --until beats");
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_FALSE(fs::exists(dir / "episodes/ep001/script.fountain"));
  fs::path beats = dir / "episodes/ep001/beats.yaml";
  std::string text = *ReadFile(beats);
  // The cliffhanger's summary is its closing image: rewrite it by hand.
  size_t cliff = text.find("function: cliffhanger");
  ASSERT_NE(cliff, std::string::npos);
  size_t summary = text.find("summary: ", cliff);
  size_t eol = text.find('\n', summary);
  text.replace(summary, eol - summary, "summary: A stranger in the doorway holds the missing ring.");
  ASSERT_TRUE(WriteFileAtomic(beats, text).ok());
  Outcome second = Reelwright("build -q " + Quote(dir.string()) + " --until script");
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_EQ(*ReadFile(beats), text);
  std::string script = *ReadFile(dir / "episodes/ep001/script.fountain");
  EXPECT_NE(script.find("A stranger in the doorway holds the missing ring."), std::string::npos) << script;
}

TEST_F(E2E, BadUsageExitsTwoWithHelp) {
  EXPECT_EQ(Reelwright("build").code, 2);
  EXPECT_EQ(Reelwright("frobnicate").code, 2);
  Outcome help = Reelwright("--help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("build"), std::string::npos);
  Outcome build_help = Reelwright("build --help");
  EXPECT_NE(build_help.out.find("--until"), std::string::npos);
  fs::path dir = Dir("nope");
  Outcome unknown_genre = Reelwright("new " + Quote(dir.string()) + " --idea x --genre western");
  EXPECT_EQ(unknown_genre.code, 2);
  EXPECT_NE(unknown_genre.err.find("revenge (en, zh)"), std::string::npos) << unknown_genre.err;
  EXPECT_FALSE(fs::exists(dir));
  Outcome missing = Reelwright("build " + Quote(dir.string()));
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("reelwright.yaml"), std::string::npos);
}

// Delivery languages from the command line: `new --languages`, the translation stage's clear
// failure with no server, and a row per episode and language in `status`.
TEST_F(E2E, DeliveryLanguagesFromTheCommandLine) {
  fs::path same = Dir("lang_same");
  Outcome refused = Reelwright("new " + Quote(same.string()) + " --idea x --lang en --languages en");
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find("series language"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(same));

  fs::path dir = Dir("lang_zh");
  std::string d = Quote(dir.string());
  ASSERT_EQ(Reelwright("new " + d + " --idea \"A wife betrayed comes back.\" --episodes 1 --languages zh").code, 0);
  Outcome built = Reelwright("build " + d + " --until translate");
  EXPECT_EQ(built.code, 2) << built.err;  // bad input: nothing to translate with, nothing written by hand
  EXPECT_NE(built.err.find("episodes/ep001/lang/zh/lines.yaml"), std::string::npos) << built.err;
  EXPECT_NE(built.err.find("providers.chat"), std::string::npos) << built.err;
  Outcome status = Reelwright("status " + d);
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_NE(status.out.find("translate"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("\nep001/zh "), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("ep001/zh/translate: failed last time"), std::string::npos) << status.out;
}

// Frames in an MP4's video stream, decoded to the end by ffprobe; -1 if it does not decode.
int DecodedFrames(const fs::path& mp4) {
  Outcome r = Exec("ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 " +
                   Quote(mp4.string()));
  if (r.code != 0 || !r.err.empty()) return -1;
  return std::atoi(r.out.c_str());
}

// Replaces the first dialogue line of an episode's script; returns the new text.
std::string EditFirstLine(const fs::path& script, const std::string& line) {
  std::string text = *ReadFile(script);
  std::smatch m;
  if (!std::regex_search(text, m, std::regex("\n\n([A-Z][A-Z .']+)\n([^\n(][^\n]*)\n"))) return "";
  text.replace(static_cast<size_t>(m.position(2)), m[2].length(), line);
  (void)WriteFileAtomic(script, text);
  return text;
}

// A build killed (SIGKILL) at 30 random moments, each run picking up where the last was killed,
// ends in the series an uninterrupted build makes, with the person's edit in place.
TEST_F(E2E, KilledBuildsLeaveAConsistentSeriesAndLoseNoEdit) {
  fs::path reference = Dir("kill_reference"), killed = Dir("kill");
  auto make = [&](const fs::path& dir) {
    ASSERT_EQ(Reelwright("new " + Quote(dir.string()) + " --idea 'A disowned heiress returns.' --episodes 1 --seed 5"
                         " --preset preview --episode-seconds 60").code, 0);
    ASSERT_EQ(Reelwright("build " + Quote(dir.string()) + " --until script -q").code, 0);
  };
  make(reference);
  make(killed);
  const std::string line = "I wrote this one myself, and no crash takes it.";
  std::string edited = EditFirstLine(reference / "episodes/ep001/script.fountain", line);
  ASSERT_FALSE(edited.empty());
  ASSERT_EQ(EditFirstLine(killed / "episodes/ep001/script.fountain", line), edited);
  auto started = std::chrono::steady_clock::now();
  Outcome full = Reelwright("build " + Quote(reference.string()) + " -q");
  ASSERT_EQ(full.code, 0) << full.err;
  double full_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::mt19937 rng(20261126);
  // Kill moments are drawn up to a twentieth of a full build, so 30 runs together do about as
  // much as one build; when a run finishes before its kill (later runs have less left to do, and
  // a loaded machine stretches the first build), the range shrinks so the next kills still land
  // part-way.
  double latest = std::max(0.5, full_s / 20);
  int killed_runs = 0;
  for (int i = 0; i < 30; ++i) {
    std::string binary = RW_BINARY, dir = killed.string();
    std::vector<char*> argv = {binary.data(), const_cast<char*>("build"), dir.data(), const_cast<char*>("-q"), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    std::this_thread::sleep_for(std::chrono::duration<double>(std::uniform_real_distribution<double>(0.02, latest)(rng)));
    killed_runs += ::kill(pid, SIGKILL) == 0;
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status)) {  // it had finished before the signal
      --killed_runs;
      latest = std::max(0.1, latest * 0.6);
    }
    ASSERT_EQ(*ReadFile(killed / "episodes/ep001/script.fountain"), edited) << "after kill " << i;
  }
  std::printf("killed %d of 30 builds part-way (a full build takes %.1fs)\n", killed_runs, full_s);
  EXPECT_GE(killed_runs, 20);

  Outcome last = Reelwright("build " + Quote(killed.string()) + " -q");
  ASSERT_EQ(last.code, 0) << last.err;
  // Every text, image and sound file is byte for byte what the uninterrupted build made. MP4s
  // are compared by what they hold: x264's frame threads do not give the same bytes twice, so
  // each must decode to the end with the reference's frame count (a half-written one would not).
  auto got = Snapshot(killed), want = Snapshot(reference);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [path, hash] : want) {
    ASSERT_TRUE(got.count(path)) << path;
    if (path.size() > 4 && path.substr(path.size() - 4) == ".mp4") {
      EXPECT_EQ(DecodedFrames(killed / path), DecodedFrames(reference / path)) << path;
      EXPECT_GT(DecodedFrames(killed / path), 0) << path;
    } else if (path.size() > 11 && path.substr(path.size() - 11) == ".plate.json") {
      // A plate names its clip by hash, and clips differ in bytes: it must name its own series'
      // clip, and say the rest as the reference's does.
      auto plate = nlohmann::json::parse(*ReadFile(killed / path)), expected = nlohmann::json::parse(*ReadFile(reference / path));
      const std::string clip = path.substr(0, path.size() - 11) + ".mp4";
      EXPECT_EQ(plate["clip"], Sha256Hex(*ReadFile(killed / clip))) << path;
      plate.erase("clip");
      expected.erase("clip");
      EXPECT_EQ(plate, expected) << path;
    } else {
      EXPECT_EQ(got[path], hash) << path;
    }
  }
  EXPECT_EQ(*ReadFile(killed / "episodes/ep001/script.fountain"), edited);
  Outcome again = Reelwright("build " + Quote(killed.string()));
  EXPECT_NE(again.out.find("Nothing to do"), std::string::npos) << again.out << again.err;
  // No file the killed builds left is mistaken for a person's: the edited script alone is.
  Outcome status = Reelwright("status " + Quote(killed.string()));
  ASSERT_EQ(status.code, 0) << status.err;
  std::regex persons_re(": a person's");
  auto persons = std::distance(std::sregex_iterator(status.out.begin(), status.out.end(), persons_re), std::sregex_iterator());
  EXPECT_EQ(persons, 1) << status.out;
  EXPECT_NE(status.out.find("episodes/ep001/script.fountain: a person's"), std::string::npos) << status.out;
}

TEST_F(E2E, ASecondProcessOnTheSameSeriesIsRefused) {
  fs::path dir = Dir("locked");
  ASSERT_EQ(New(dir, 1, 2).code, 0);
  fs::create_directories(dir / ".reelwright");
  auto held = SeriesLock::Acquire(dir / ".reelwright");
  ASSERT_TRUE(held.ok());
  auto before = Snapshot(dir);
  Outcome r = Reelwright("build " + Quote(dir.string()) + " --until bible");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("is working on this series; wait for it to finish"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(dir), before);
  // Reading commands do not need the lock.
  EXPECT_EQ(Reelwright("plan " + Quote(dir.string())).code, 0);
}

// The creator's commands, as a person types them.
TEST_F(E2E, CreatorCommandsFromTheCommandLine) {
  fs::path dir = Dir("control");
  ASSERT_EQ(New(dir, 1, 4).code, 0);
  std::string d = Quote(dir.string());
  Outcome plan = Reelwright("plan " + d + " --until script");
  ASSERT_EQ(plan.code, 0) << plan.err;
  EXPECT_NE(plan.out.find("4 stages would run"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("built-in engines only"), std::string::npos) << plan.out;
  ASSERT_EQ(Reelwright("build " + d + " --until script -q").code, 0);
  EditFirstLine(dir / "episodes/ep001/script.fountain", "My own words.");

  Outcome status = Reelwright("status " + d);
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_NE(status.out.find("ok+edit"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("episodes/ep001/script.fountain: a person's"), std::string::npos) << status.out;

  Outcome credits = Reelwright("credits " + d + " 1");
  ASSERT_EQ(credits.code, 0) << credits.err;
  EXPECT_NE(credits.out.find("written by a person: 1 lines (0 edited from a model's)"), std::string::npos) << credits.out;

  Outcome variants = Reelwright("variants " + d + " ep001/script.fountain -n 2");
  ASSERT_EQ(variants.code, 0) << variants.err;
  EXPECT_NE(variants.out.find("episodes/ep001/variants/script.v2.fountain"), std::string::npos) << variants.out;
  Outcome diff = Reelwright("diff " + d + " ep001/script.fountain");
  ASSERT_EQ(diff.code, 0) << diff.err;
  EXPECT_NE(diff.out.find("== v1"), std::string::npos);
  ASSERT_EQ(Reelwright("pick " + d + " ep001/script.fountain v1").code, 0);
  EXPECT_EQ(*ReadFile(dir / "episodes/ep001/script.fountain"), *ReadFile(dir / "episodes/ep001/variants/script.v1.fountain"));

  Outcome log = Reelwright("log " + d + " episodes/ep001/script.fountain");
  ASSERT_EQ(log.code, 0) << log.err;
  EXPECT_NE(log.out.find("model:builtin"), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("picked"), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("made from: bible.yaml, episodes/ep001/beats.yaml"), std::string::npos) << log.out;
  ASSERT_EQ(Reelwright("restore " + d + " episodes/ep001/script.fountain 1").code, 0);
  ASSERT_EQ(Reelwright("lock " + d + " episodes/ep001/beats.yaml").code, 0);
  EXPECT_NE(Reelwright("status " + d).out.find("locked"), std::string::npos);
  Outcome gc = Reelwright("gc " + d);
  ASSERT_EQ(gc.code, 0) << gc.err;
  EXPECT_NE(gc.out.find("Removed"), std::string::npos);

  Outcome unknown = Reelwright("lock " + d + " episodes/ep001/nope.yaml");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("not a file of the series"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace rw
