// The evaluator must see what a person sees: pairs of episodes it has to order the right way
// round, with the reason it gives. Most pairs are built by hand (the base episode below and one
// change to it); originality uses real series on disk, written by the pack and by a person.
#include "app/evaluate.h"

#include <gtest/gtest.h>

#include "app/pipeline.h"
#include "app/series.h"
#include "base/file.h"
#include "base/progress.h"
#include "eval/eval.h"

namespace rw {
namespace {

Bible TwoCharacters() {
  Bible b;
  b.title = "The Heiress Returns";
  Character hero;
  hero.id = "C01";
  hero.name = "Vivian";
  hero.role = "protagonist";
  hero.look = {"crimson coat", "silver bob"};
  Character villain;
  villain.id = "C02";
  villain.name = "Adrian";
  villain.role = "antagonist";
  villain.look = {"navy suit", "gold signet ring"};
  b.characters = {hero, villain};
  Location l;
  l.id = "L01";
  l.name = "PENTHOUSE";
  b.locations = {l};
  return b;
}

// An episode built beat by beat: each beat an action and three lines, placed in time.
struct EpisodeBuilder {
  EpisodeInput ep;
  const Bible& bible;
  double t = 0;
  int shot = 0;
  double cps = 12;  // subtitle reading speed of every line

  explicit EpisodeBuilder(const Bible& b) : bible(b) {}

  void Line(const std::string& beat, const std::string& who, const std::string& text, double seconds) {
    EvalLine l;
    l.dialogue = !who.empty();
    l.beat = beat;
    l.character = who;
    l.text = text;
    l.start_s = t;
    l.end_s = t + seconds;
    ep.lines.push_back(l);
    EvalShot s;
    s.id = "S" + std::to_string(++shot);
    s.beat = beat;
    s.start_s = t;
    s.duration_s = seconds;
    s.cast = {who.empty() ? "C01" : who};
    for (const auto& id : s.cast)
      for (const auto& tok : bible.FindCharacter(id)->look) s.prompt += tok + ", ";
    ep.shots.push_back(s);
    if (l.dialogue) {
      // A cue as long as the reading speed asks for.
      std::string cue_text(static_cast<size_t>(cps * seconds), 'a');
      for (size_t i = 9; i < cue_text.size(); i += 10) cue_text[i] = ' ';
      ep.cues.push_back({cue_text, {cue_text.substr(0, cue_text.size() / 2), cue_text.substr(cue_text.size() / 2)}, t, t + seconds});
      ep.cue_names.push_back(bible.FindCharacter(who)->name);
    }
    t += seconds;
  }
  void Beat(const std::string& id, BeatFunction f, double valence, double arousal, const std::string& satisfaction,
            double first_action_s = 2) {
    bool short_beat = f == BeatFunction::kCliffhanger;
    rw::Beat b;
    b.id = id;
    b.function = f;
    b.emotion = {valence, arousal};
    b.cast = {"C01", "C02"};
    b.location = "L01";
    b.satisfaction = satisfaction;
    b.summary = f == BeatFunction::kCliffhanger ? "Who sent the photo?" : "";
    ep.beats.beats.push_back(b);
    Line(id, "", "Vivian stands in the doorway.", first_action_s);
    Line(id, "C02", "You should not be here, Vivian. Not tonight.", 3);
    if (short_beat) return;  // a cliffhanger is its last seconds
    Line(id, "C01", "I own the building, Adrian. I own tonight.", 3);
    Line(id, "C02", "Then say what you came to say, and go.", 3);
  }
  EpisodeInput Done() {
    ep.seconds = t;
    ep.timed = true;
    ep.text = "";
    for (const auto& l : ep.lines) ep.text += l.text + "\n";
    return ep;
  }
};

// A well-made episode: a hook at 1 s, conflict, a payoff every 20 s or so, climax, cliffhanger.
EpisodeInput Base(const Bible& bible, double cps = 12) {
  EpisodeBuilder e(bible);
  e.cps = cps;
  e.Beat("B01", BeatFunction::kHook, -0.6, 0.85, "", 1);
  e.Beat("B02", BeatFunction::kConflict, -0.7, 0.8, "");
  e.Beat("B03", BeatFunction::kReversal, 0.5, 0.7, "face-slap");
  e.Beat("B04", BeatFunction::kConflict, -0.5, 0.6, "");
  e.Beat("B05", BeatFunction::kPayoff, 0.8, 0.85, "identity reveal");
  e.Beat("B06", BeatFunction::kClimax, 0.7, 0.95, "revenge paid");
  e.Beat("B07", BeatFunction::kCliffhanger, -0.5, 0.9, "");
  return e.Done();
}

SeriesInput SeriesOf(std::vector<EpisodeInput> episodes) {
  SeriesInput in;
  in.settings.lang = "en";
  in.bible = TwoCharacters();
  in.episodes = std::move(episodes);
  return in;
}

const Dimension& Dim(const EpisodeReport& r, const std::string& name) {
  const Dimension* d = r.Find(name);
  EXPECT_NE(d, nullptr) << name;
  static const Dimension kNone;
  return d ? *d : kNone;
}

bool Says(const EpisodeReport& r, const std::string& words) {
  for (const auto& f : r.fixes)
    if (f.message.find(words) != std::string::npos) return true;
  return false;
}

EpisodeReport EvaluateOne(const EpisodeInput& ep) { return Evaluate(SeriesOf({ep})).episodes.at(0); }

TEST(EvalPairs, TheBaseEpisodeIsWellMade) {
  Bible bible = TwoCharacters();
  EpisodeReport r = EvaluateOne(Base(bible));
  EXPECT_GE(Dim(r, "rhythm").score, 95) << ::testing::PrintToString(Dim(r, "rhythm").reasons);
  EXPECT_GE(Dim(r, "satisfaction").score, 90);
  EXPECT_GE(Dim(r, "subtitles").score, 99);
  EXPECT_GE(Dim(r, "characters").score, 90) << ::testing::PrintToString(Dim(r, "characters").reasons);
  EXPECT_NEAR(Dim(r, "rhythm").metrics.at("hook_s"), 1.0, 1e-9);
  ASSERT_EQ(r.landings.size(), 4u);
  for (const auto& l : r.landings) EXPECT_TRUE(l.ok) << l.name;
}

TEST(EvalPairs, AHookMovedFrom1To20SecondsScoresLower) {
  Bible bible = TwoCharacters();
  EpisodeBuilder late(bible);
  late.Beat("B00", BeatFunction::kSetup, -0.2, 0.3, "", 10);  // 19 s before the hook
  late.Beat("B01", BeatFunction::kHook, -0.6, 0.85, "", 1);
  late.Beat("B02", BeatFunction::kConflict, -0.7, 0.8, "");
  late.Beat("B03", BeatFunction::kReversal, 0.5, 0.7, "face-slap");
  late.Beat("B05", BeatFunction::kPayoff, 0.8, 0.85, "identity reveal");
  late.Beat("B06", BeatFunction::kClimax, 0.7, 0.95, "revenge paid");
  late.Beat("B07", BeatFunction::kCliffhanger, -0.5, 0.9, "");
  EpisodeReport good = EvaluateOne(Base(bible)), bad = EvaluateOne(late.Done());
  EXPECT_NEAR(Dim(bad, "rhythm").metrics.at("hook_s"), 20.0, 1e-9);
  EXPECT_LT(Dim(bad, "rhythm").score, Dim(good, "rhythm").score - 30);
  EXPECT_LT(Dim(bad, "market").score, Dim(good, "market").score);
  EXPECT_LT(bad.overall, good.overall);
  EXPECT_TRUE(Says(bad, "hook lands at 20.0 s; the template asks ≤ 3 s")) << ::testing::PrintToString(bad.fixes.front().message);
  EXPECT_EQ(bad.fixes.front().dimension, "rhythm");  // the costliest fix comes first
}

TEST(EvalPairs, WithoutItsCliffhangerScoresLower) {
  Bible bible = TwoCharacters();
  EpisodeInput with = Base(bible), without = with;
  without.beats.beats.pop_back();
  while (!without.lines.empty() && without.lines.back().beat == "B07") {
    without.lines.pop_back();
    without.shots.pop_back();
  }
  without.seconds = without.lines.back().end_s;
  EpisodeReport good = EvaluateOne(with), bad = EvaluateOne(without);
  EXPECT_LT(Dim(bad, "rhythm").score, Dim(good, "rhythm").score - 25);
  EXPECT_LT(Dim(bad, "plot").score, Dim(good, "plot").score);
  EXPECT_TRUE(Says(bad, "does not end on a cliffhanger"));
}

TEST(EvalPairs, ACrisisCliffhangerPullsHarderThanAQuietEnding) {
  Bible bible = TwoCharacters();
  EpisodeInput crisis = Base(bible), quiet = crisis;
  crisis.beats.beats.back().summary = "A gun is pressed to Vivian's temple.";
  quiet.beats.beats.back().summary = "Vivian goes home.";
  quiet.beats.beats.back().emotion = {0.2, 0.4};
  EpisodeReport strong = EvaluateOne(crisis), weak = EvaluateOne(quiet);
  EXPECT_EQ(Dim(strong, "plot").metrics.at("cliffhanger_strength"), 100);
  EXPECT_EQ(Dim(weak, "plot").metrics.at("cliffhanger_strength"), 50);
  EXPECT_LT(Dim(weak, "market").score, Dim(strong, "market").score);
  EXPECT_TRUE(Says(weak, "the cliffhanger is weak"));
}

TEST(EvalPairs, AWeakPaywallEpisodeFitsTheMarketWorse) {
  Bible bible = TwoCharacters();
  EpisodeInput ep = Base(bible);
  ep.number = 3;
  ep.beats.beats.back().summary = "Vivian goes home.";
  ep.beats.beats.back().emotion = {0.2, 0.4};
  SeriesInput plain = SeriesOf({ep}), paywall = plain;
  paywall.arc.episodes.push_back(ArcEpisode{});
  paywall.arc.episodes.back().number = 3;
  paywall.arc.episodes.back().paywall = true;
  EpisodeReport a = Evaluate(plain).episodes.at(0), b = Evaluate(paywall).episodes.at(0);
  EXPECT_EQ(Dim(a, "market").metrics.at("paywall_fit"), 100);
  EXPECT_LT(Dim(b, "market").metrics.at("paywall_fit"), 50);  // outside 8–12 and a weak cliffhanger
  EXPECT_LT(Dim(b, "market").score, Dim(a, "market").score);
  EXPECT_TRUE(Says(b, "the paywall episode sits outside episodes 8–12"));
}

TEST(EvalPairs, DialogueAt25CharactersASecondReadsWorseThanAt12) {
  Bible bible = TwoCharacters();
  EpisodeReport slow = EvaluateOne(Base(bible, 12)), fast = EvaluateOne(Base(bible, 25));
  EXPECT_EQ(Dim(slow, "subtitles").score, 100);
  EXPECT_LT(Dim(fast, "subtitles").score, 50);
  EXPECT_NEAR(Dim(fast, "subtitles").metrics.at("max_cps"), 25, 0.5);
  EXPECT_TRUE(Says(fast, "read faster than 17 characters a second"));
}

TEST(EvalPairs, ChineseSubtitlesAreHeldTo9CharactersASecond) {
  Bible bible = TwoCharacters();
  SeriesInput in = SeriesOf({Base(bible, 12)});
  in.settings.lang = "zh";
  EpisodeReport r = Evaluate(in).episodes.at(0);
  EXPECT_LT(Dim(r, "subtitles").score, 50);
  EXPECT_TRUE(Says(r, "faster than 9 characters a second"));
}

TEST(EvalPairs, LookTokensMissingFromHalfAHerosShots) {
  Bible bible = TwoCharacters();
  EpisodeInput whole = Base(bible), half = whole;
  int seen = 0;
  for (auto& s : half.shots)
    if (s.cast.front() == "C01" && seen++ % 2 == 0) s.prompt = "navy suit, gold signet ring, silver bob";
  EpisodeReport good = EvaluateOne(whole), bad = EvaluateOne(half);
  EXPECT_EQ(Dim(good, "characters").metrics.at("look_consistency"), 1.0);
  EXPECT_LT(Dim(bad, "characters").metrics.at("look_consistency"), 0.8);
  EXPECT_LT(Dim(bad, "characters").score, Dim(good, "characters").score - 10);
  EXPECT_TRUE(Says(bad, "Vivian's look tokens are missing from")) << ::testing::PrintToString(bad.fixes);
}

TEST(EvalPairs, AReferenceImageMissingFromAShotIsReported) {
  Bible bible = TwoCharacters();
  bible.characters[0].reference = "refs/vivian.png";
  EpisodeInput with = Base(bible), without = with;
  for (auto& s : with.shots)
    if (s.cast.front() == "C01") s.references = {"refs/vivian.png"};
  SeriesInput a = SeriesOf({with}), b = SeriesOf({without});
  a.bible = b.bible = bible;
  EpisodeReport good = Evaluate(a).episodes.at(0), bad = Evaluate(b).episodes.at(0);
  EXPECT_FALSE(Says(good, "reference image"));
  EXPECT_TRUE(Says(bad, "Vivian's reference image (refs/vivian.png) is missing from"));
  EXPECT_LT(Dim(bad, "characters").score, Dim(good, "characters").score);
}

TEST(EvalPairs, NoSatisfactionPointsScoresLower) {
  Bible bible = TwoCharacters();
  EpisodeInput paid = Base(bible), unpaid = paid;
  for (auto& b : unpaid.beats.beats) b.satisfaction.clear();
  EpisodeReport good = EvaluateOne(paid), bad = EvaluateOne(unpaid);
  EXPECT_LT(Dim(bad, "satisfaction").score, Dim(good, "satisfaction").score - 40);
  EXPECT_TRUE(Says(bad, "no satisfaction point"));
}

TEST(EvalPairs, AFlatEmotionScoresLowerThanAVariedOne) {
  Bible bible = TwoCharacters();
  EpisodeInput varied = Base(bible), flat = varied;
  for (auto& b : flat.beats.beats) b.emotion = {-0.3, 0.4};
  EpisodeReport good = EvaluateOne(varied), bad = EvaluateOne(flat);
  EXPECT_GE(Dim(good, "emotion").metrics.at("reversals"), 2);
  EXPECT_EQ(Dim(bad, "emotion").metrics.at("reversals"), 0);
  EXPECT_LT(Dim(bad, "emotion").score, Dim(good, "emotion").score - 30);
  EXPECT_TRUE(Dim(bad, "emotion").heuristic);
}

TEST(EvalPairs, AProtagonistWhoArrivesLateAndANameSpelledTwoWays) {
  Bible bible = TwoCharacters();
  EpisodeInput base = Base(bible), late = base;
  for (auto& s : late.shots)
    if (s.start_s < 12) s.cast = {"C02"};
  for (auto& l : late.lines)
    if (l.start_s < 12) {
      if (l.dialogue) l.character = "C02";
      else l.text = "Rain on the window.";
    }
  late.cue_names[1] = "Viviann";
  EpisodeReport good = EvaluateOne(base), bad = EvaluateOne(late);
  EXPECT_TRUE(Says(bad, "is not on screen in the first 10 s"));
  EXPECT_TRUE(Says(bad, "'Viviann' looks like a second spelling of Vivian"));
  EXPECT_LT(Dim(bad, "characters").score, Dim(good, "characters").score - 30);
}

TEST(EvalPairs, TheSeriesSeesADroppedCharacterAndAMisplacedPaywall) {
  Bible bible = TwoCharacters();
  Character ally;
  ally.id = "C03";
  ally.name = "Lena";
  ally.role = "ally";
  bible.characters.push_back(ally);
  std::vector<EpisodeInput> eps;
  for (int n = 1; n <= 8; ++n) {
    EpisodeInput e = Base(bible);
    e.number = n;
    if (n == 1) e.beats.beats[0].cast.push_back("C03");
    eps.push_back(e);
  }
  SeriesInput in = SeriesOf(eps);
  in.bible = bible;
  in.settings.paywall_episode = 5;
  SeriesReport r = Evaluate(in);
  ASSERT_EQ(r.dimensions.size(), 2u);
  EXPECT_EQ(r.dimensions[0].name, "plot");
  bool dropped = false, paywall = false;
  for (const auto& f : r.fixes) {
    dropped |= f.episode == 0 && f.message.find("Lena is introduced (episode 1) and then dropped") != std::string::npos;
    paywall |= f.episode == 0 && f.message.find("the paywall is at episode 5") != std::string::npos;
  }
  EXPECT_TRUE(dropped);
  EXPECT_TRUE(paywall);
  // Identical episodes: the series sees the sameness.
  EXPECT_LT(r.dimensions[1].score, 5);
}

// ---- on disk: a pack-written episode against a person's ----

class EvalOnDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    Progress::SetMode(false, true);
    root_ = fs::temp_directory_path() / ("rw_eval_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    Settings s;
    s.idea = "A wife betrayed by her husband comes back as his biggest investor.";
    s.episodes = 2;
    s.seed = 8;
    ASSERT_TRUE(CreateSeries(root_, s).ok());
    BuildRequest r;
    r.until = "script";
    ASSERT_TRUE(BuildSeries(root_, r).ok());
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

// The same story told in a person's own words: the beat sections of the built-in script, every
// line rewritten.
const char kHandWritten[] = R"(Title: Episode 1

# B01 hook
INT. GALA - NIGHT

The string quartet falters. A woman in a wet crimson coat has walked in through the kitchen.

ADRIAN
Who invited the caterer's ghost?

VIVIAN
Nobody. I bought the invitation list this morning, along with the hotel.

# B02 conflict

Adrian grabs her elbow and steers her behind a marble pillar.

ADRIAN
Walk out now and I'll pretend I never saw you.

VIVIAN
You pretended for three years. You're out of practice.

# B03 reversal

A lawyer in a grey bow tie hands Adrian an envelope thick as a brick.

VIVIAN
Open it. Page four has your signature on my father's shipyard.

# B04 payoff

Adrian reads. His champagne flute tilts until it empties onto his shoes.

ADRIAN
This is forged.

VIVIAN
It's notarised in Macau. Ask your own accountant, he drafted it.

# B05 climax

The board members drift toward Vivian one by one, like iron filings to a magnet.

VIVIAN
Gentlemen, the meeting starts at nine. Bring coffee, not excuses.

# B06 cliffhanger

Vivian's phone buzzes: a photo of her mother's grave, freshly dug open.
)";

TEST_F(EvalOnDisk, APersonsWordsAreMoreOriginalThanThePacksTemplates) {
  auto templated = EvaluateSeries(root_, {1});
  ASSERT_TRUE(templated.ok()) << templated.error().ToString();
  const EpisodeReport& t = templated->episodes.at(0);
  EXPECT_FALSE(t.timed);  // no shots yet: estimated times
  double template_score = Dim(t, "originality").score;
  EXPECT_GT(Dim(t, "originality").metrics.at("pack_share"), 0.25);
  EXPECT_TRUE(Says(t, "formulaic")) << ::testing::PrintToString(t.fixes);

  ASSERT_TRUE(WriteFileAtomic(root_ / "episodes/ep001/script.fountain", kHandWritten).ok());
  auto written = EvaluateSeries(root_, {1});
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  const EpisodeReport& h = written->episodes.at(0);
  EXPECT_GT(Dim(h, "originality").score, template_score + 40);
  EXPECT_LT(Dim(h, "originality").metrics.at("pack_share"), 0.1);
  EXPECT_FALSE(Says(h, "formulaic"));
}

TEST_F(EvalOnDisk, JsonKeepsItsDocumentedShape) {
  auto report = EvaluateSeries(root_);
  ASSERT_TRUE(report.ok());
  Json j = ToJson(*report);
  EXPECT_EQ(j["schema"], "EvalReport.1");
  for (const char* key : {"title", "lang", "overall", "dimensions", "fixes", "episodes"}) EXPECT_TRUE(j.contains(key)) << key;
  ASSERT_EQ(j["episodes"].size(), 2u);
  const Json& e = j["episodes"][0];
  for (const char* key : {"number", "title", "seconds", "timed", "overall", "dimensions", "fixes", "emotion", "beats", "landings",
                          "screen_time"})
    EXPECT_TRUE(e.contains(key)) << key;
  ASSERT_EQ(e["dimensions"].size(), DimensionNames().size());
  for (size_t i = 0; i < DimensionNames().size(); ++i) {
    const Json& d = e["dimensions"][i];
    EXPECT_EQ(d["name"], DimensionNames()[i]);
    for (const char* key : {"score", "scored", "formula", "heuristic", "reasons", "metrics"}) EXPECT_TRUE(d.contains(key)) << key;
    EXPECT_GE(d["score"].get<double>(), 0);
    EXPECT_LE(d["score"].get<double>(), 100);
  }
  auto files = ReportFiles(*report);
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0].first, "report.html");
  EXPECT_EQ(files[2].first, "episodes/ep001/report.html");
}

}  // namespace
}  // namespace rw
