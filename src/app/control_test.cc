// The creator stays in control (issue: edits never lost, variants, locks, authorship, plan):
// scenario tests that script a person's edits between builds and assert which stages ran,
// which files changed and that every edit survived, and a property test over random sequences
// of edit / build / variants / pick / lock / restore.
#include "app/control.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "app/series.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/progress.h"
#include "schema/beats.h"
#include "schema/yaml_io.h"
#include "story/fountain.h"
#include "story/llm_testing.h"
#include "schema/bible.h"
#include "visual/png.h"

namespace rw {
namespace {

const char kScript[] = "episodes/ep001/script.fountain";
const char kBeats[] = "episodes/ep001/beats.yaml";

class ControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Progress::SetMode(false, true);
    root_ = fs::temp_directory_path() / ("rw_control_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    settings_.idea = "A wife betrayed by her husband comes back as his biggest investor.";
    settings_.genre = "revenge";
    settings_.lang = "en";
    settings_.episodes = 1;
    settings_.seed = 3;
    settings_.preset = "preview";
    ASSERT_TRUE(CreateSeries(root_, settings_).ok());
  }
  void TearDown() override { fs::remove_all(root_); }

  BuildSummary Build(const std::string& until = "subtitles", std::string approve = "") {
    BuildRequest r;
    r.until = until;
    r.approve = std::move(approve);
    auto s = BuildSeries(root_, r);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? *s : BuildSummary{};
  }
  static std::set<std::string> Ran(const BuildSummary& s) {
    std::set<std::string> out;
    for (const auto& r : s.reports)
      if (r.outcome == StageOutcome::kRan) out.insert(r.name);
    return out;
  }
  static const StageReport* Report(const BuildSummary& s, const std::string& name) {
    for (const auto& r : s.reports)
      if (r.name == name) return &r;
    return nullptr;
  }
  std::string Read(const std::string& rel) {
    auto t = ReadFile(root_ / rel);
    return t.ok() ? *t : "";
  }
  void Write(const std::string& rel, const std::string& text) { ASSERT_TRUE(WriteFileAtomic(root_ / rel, text).ok()); }
  bool Exists(const std::string& rel) { return fs::exists(root_ / rel); }

  // Changes the text of the script's n-th dialogue line.
  void EditDialogue(size_t n, const std::string& append) {
    std::string text = Read(kScript);
    auto script = ParseFountain(text, kScript);
    ASSERT_TRUE(script.ok());
    size_t seen = 0;
    for (const auto& u : ScriptUnits(*script)) {
      if (u.kind != ScriptUnit::Kind::kDialogue || seen++ != n) continue;
      size_t at = text.find(u.text);
      ASSERT_NE(at, std::string::npos);
      text.insert(at + u.text.size(), append);
      Write(kScript, text);
      return;
    }
    FAIL() << "no dialogue line " << n;
  }
  void ChangeIdea(const std::string& idea) {
    auto s = LoadSettings(root_);
    ASSERT_TRUE(s.ok());
    s->idea = idea;
    Write(kSettingsFile, ToYaml(*s));
  }
  void ChangeSeed(int seed) {
    auto s = LoadSettings(root_);
    ASSERT_TRUE(s.ok());
    s->seed = seed;
    Write(kSettingsFile, ToYaml(*s));
  }
  void EditBeatSummary(const std::string& summary) {
    auto beats = LoadYaml<Beats>(root_ / kBeats, kBeats);
    ASSERT_TRUE(beats.ok());
    beats->beats[1].summary = summary;
    Write(kBeats, ToYaml(*beats));
  }

  fs::path root_;
  Settings settings_;
};

TEST_F(ControlTest, EditsAreSourcesAndUpstreamChangesBecomeVariants) {
  Build("frames");
  auto shots = LoadYaml<Shots>(root_ / "episodes/ep001/shots.yaml", "shots.yaml");
  ASSERT_TRUE(shots.ok());
  std::string frame = "episodes/ep001/frames/" + shots->shots[0].id + ".png";

  // A person edits a line, replaces a frame with their own image, and edits a beat.
  EditDialogue(0, " I kept every receipt.");
  Image mine(540, 960);
  for (size_t i = 0; i < mine.pixels.size(); i += 4) mine.pixels[i + 1] = 200, mine.pixels[i + 3] = 255;
  ASSERT_TRUE(WritePng(root_ / frame, mine).ok());
  EditBeatSummary("She arrives at the gala in her own funeral dress.");
  std::string script = Read(kScript), beats = Read(kBeats), image = Read(frame);

  BuildSummary second = Build("frames");
  std::set<std::string> ran = Ran(second);
  EXPECT_FALSE(ran.count("bible") || ran.count("arc") || ran.count("ep001/beats"));
  EXPECT_TRUE(ran.count("ep001/script"));  // its beats changed; the edit is kept, the new version is a variant
  EXPECT_TRUE(ran.count("ep001/voice"));   // the edited line is voiced
  EXPECT_EQ(Read(kScript), script);
  EXPECT_EQ(Read(kBeats), beats);
  EXPECT_EQ(Read(frame), image);
  EXPECT_TRUE(Exists("episodes/ep001/variants/script.fountain"));
  EXPECT_NE(Read("episodes/ep001/variants/script.fountain"), script);

  // Upstream changes: the bible and arc are rewritten; every person's file stays.
  ChangeIdea("A disgraced chef wins back her restaurant from the partner who framed her.");
  BuildSummary third = Build("frames");
  ran = Ran(third);
  EXPECT_TRUE(ran.count("bible") && ran.count("arc") && ran.count("ep001/beats"));
  EXPECT_EQ(Read(kScript), script);
  EXPECT_EQ(Read(kBeats), beats);
  EXPECT_EQ(Read(frame), image);
  EXPECT_TRUE(Exists("episodes/ep001/variants/beats.yaml"));
  const StageReport* r = Report(third, "ep001/beats");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->variants, std::vector<std::string>{"episodes/ep001/variants/beats.yaml"});

  // Status names every person's file.
  auto status = SeriesStatus(root_, BuildRequest{});
  ASSERT_TRUE(status.ok());
  std::set<std::string> persons;
  for (const auto& s : *status) persons.insert(s.persons.begin(), s.persons.end());
  EXPECT_TRUE(persons.count(kScript) && persons.count(kBeats) && persons.count(frame));

  // --force is the one way over an edit.
  BuildRequest force;
  force.until = "script";
  force.options.force = true;
  ASSERT_TRUE(BuildSeries(root_, force).ok());
  EXPECT_NE(Read(kScript), script);
}

TEST_F(ControlTest, StatusSaysWhatIsStaleAndWhy) {
  Build("script");
  auto status = SeriesStatus(root_, BuildRequest{});
  ASSERT_TRUE(status.ok());
  std::map<std::string, StageStatus> by_name;
  for (const auto& s : *status) by_name[s.name] = s;
  EXPECT_EQ(by_name["ep001/script"].state, StageState::kUpToDate);
  EXPECT_EQ(by_name["ep001/voice"].state, StageState::kNew);

  EditBeatSummary("A new beat.");
  status = SeriesStatus(root_, BuildRequest{});
  ASSERT_TRUE(status.ok());
  for (const auto& s : *status) by_name[s.name] = s;
  EXPECT_EQ(by_name["ep001/beats"].state, StageState::kUpToDate);
  EXPECT_EQ(by_name["ep001/beats"].persons, std::vector<std::string>{kBeats});
  EXPECT_EQ(by_name["ep001/script"].state, StageState::kStale);
  EXPECT_EQ(by_name["ep001/script"].reason, std::string(kBeats) + " changed");
  // A dry run writes nothing: the build that follows still sees the edit as new.
  BuildSummary next = Build("script");
  ASSERT_NE(Report(next, "ep001/beats"), nullptr);
  EXPECT_EQ(Report(next, "ep001/beats")->kept_edits, std::vector<std::string>{kBeats});
}

TEST_F(ControlTest, ALockedArtifactIsPinned) {
  Build("script");
  std::string beats = Read(kBeats);
  ASSERT_TRUE(SetLocked(root_, "ep001/beats.yaml", true).ok());
  ChangeSeed(11);
  BuildSummary s = Build("script");
  EXPECT_TRUE(Ran(s).count("bible"));
  ASSERT_NE(Report(s, "ep001/beats"), nullptr);
  EXPECT_EQ(Report(s, "ep001/beats")->reason, "locked");
  EXPECT_EQ(Read(kBeats), beats);
  EXPECT_FALSE(Exists("episodes/ep001/variants/beats.yaml"));
  auto status = SeriesStatus(root_, BuildRequest{});
  ASSERT_TRUE(status.ok());
  for (const auto& st : *status) {
    if (st.name == "ep001/beats") {
      EXPECT_EQ(st.state, StageState::kLocked);
    }
  }

  ASSERT_TRUE(SetLocked(root_, kBeats, false).ok());
  s = Build("script");
  EXPECT_TRUE(Ran(s).count("ep001/beats"));
  EXPECT_NE(Read(kBeats), beats);  // a model's file, unlocked, follows its inputs again

  EXPECT_FALSE(SetLocked(root_, "episodes/ep009/nothing.yaml", true).ok());
}

TEST_F(ControlTest, LogListsVersionsAndRestoreBringsOneBack) {
  Build("script");
  std::string model = Read(kScript);
  EditDialogue(0, " Then I'll buy it.");
  std::string edited = Read(kScript);
  Build("script");
  auto log = ArtifactLog(root_, kScript);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].record.author, "model:builtin");
  EXPECT_FALSE((*log)[0].record.made_from.empty());
  EXPECT_EQ((*log)[1].record.author, "human");
  EXPECT_TRUE((*log)[1].current);

  ASSERT_TRUE(RestoreVersion(root_, kScript, 1).ok());
  EXPECT_EQ(Read(kScript), model);
  ASSERT_TRUE(RestoreVersion(root_, kScript, 2).ok());
  EXPECT_EQ(Read(kScript), edited);
  EXPECT_FALSE(RestoreVersion(root_, kScript, 9).ok());

  // gc keeps the current version and the model's last one (authorship is measured on it).
  auto gc = CollectGarbage(root_);
  ASSERT_TRUE(gc.ok());
  log = ArtifactLog(root_, kScript);
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(log->back().available);
  EXPECT_TRUE((*log)[0].available);
  auto credits = EpisodeCredits(root_, 1);
  ASSERT_TRUE(credits.ok());
  EXPECT_EQ(credits->edited_lines, 1);
}

TEST_F(ControlTest, GcRemovesOldVersionsAndLogSaysSo) {
  Build("beats");
  ChangeSeed(12);
  Build("beats");
  auto before = ArtifactLog(root_, kBeats);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 2u);
  EXPECT_TRUE((*before)[0].available);
  auto gc = CollectGarbage(root_);
  ASSERT_TRUE(gc.ok());
  EXPECT_GT(gc->removed, 0);
  auto after = ArtifactLog(root_, kBeats);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 2u);
  EXPECT_FALSE((*after)[0].available);
  EXPECT_TRUE((*after)[1].available);
  EXPECT_FALSE(RestoreVersion(root_, kBeats, 1).ok());
}

TEST_F(ControlTest, VariantsSideBySideThenPick) {
  Build("script");
  std::string current = Read(kScript);
  auto made = MakeVariants(root_, kScript, 2);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  ASSERT_EQ(made->size(), 2u);
  EXPECT_EQ((*made)[0], "episodes/ep001/variants/script.v1.fountain");
  std::string v1 = Read((*made)[0]), v2 = Read((*made)[1]);
  EXPECT_NE(v1, current);
  EXPECT_NE(v1, v2);
  EXPECT_TRUE(ParseFountain(v2, "v2").ok());
  // Asking again adds v3, never overwrites v1.
  auto more = MakeVariants(root_, kScript, 1);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ((*more)[0], "episodes/ep001/variants/script.v3.fountain");
  EXPECT_EQ(Read((*made)[0]), v1);

  auto diff = DiffVariants(root_, kScript);
  ASSERT_TRUE(diff.ok());
  EXPECT_NE(diff->find("+++ episodes/ep001/variants/script.v2.fountain"), std::string::npos);

  ASSERT_TRUE(PickVariant(root_, kScript, "2").ok());
  EXPECT_EQ(Read(kScript), v2);
  EXPECT_FALSE(PickVariant(root_, kScript, "v9").ok());
  // The pick is the person's: an upstream change leaves it, and credits count it as the model's.
  ChangeIdea("A bodyguard falls for the heiress he was hired to ruin.");
  Build("script");
  EXPECT_EQ(Read(kScript), v2);
  auto log = ArtifactLog(root_, kScript);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->back().record.author, "picked");
  auto credits = EpisodeCredits(root_, 1);
  ASSERT_TRUE(credits.ok());
  EXPECT_EQ(credits->human_lines, 0);

  // Another writer: the chat server, when the series has one.
  EXPECT_FALSE(MakeVariants(root_, kScript, 1, "llm").ok());  // none configured
  testing::FakeChatServer server([](int, const nlohmann::json& request) { return testing::Canned(request); });
  auto s = LoadSettings(root_);
  ASSERT_TRUE(s.ok());
  s->providers.chat.base_url = server.BaseUrl();
  s->providers.chat.model = "fake-writer";
  Write(kSettingsFile, ToYaml(*s));
  auto by_model = MakeVariants(root_, kBeats, 1, "llm");
  ASSERT_TRUE(by_model.ok()) << by_model.error().ToString();
  EXPECT_EQ(server.Requests().size(), 1u);
  EXPECT_NE(Read((*by_model)[0]).find("Mara walks into Victor's office"), std::string::npos);

  // Frames have variants too.
  Build("frames");
  auto shots = LoadYaml<Shots>(root_ / "episodes/ep001/shots.yaml", "shots.yaml");
  ASSERT_TRUE(shots.ok());
  std::string frame = "episodes/ep001/frames/" + shots->shots[0].id + ".png";
  auto frames = MakeVariants(root_, frame, 1);
  ASSERT_TRUE(frames.ok()) << frames.error().ToString();
  auto png = ReadPng(root_ / (*frames)[0]);
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(png->width, 540);
  EXPECT_NE(Sha256Hex(Read((*frames)[0])), Sha256Hex(Read(frame)));
}

TEST_F(ControlTest, AReferenceIsMadeOnceAndEveryShotOfItsCharacterCarriesIt) {
  Build("shots");
  auto made = MakeReference(root_, "C01", false);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  EXPECT_EQ(*made, "refs/C01.png");
  auto png = ReadPng(root_ / "refs/C01.png");
  ASSERT_TRUE(png.ok());
  auto bible = LoadYaml<Bible>(root_ / "bible.yaml", "bible.yaml");
  ASSERT_TRUE(bible.ok());
  EXPECT_EQ(bible->characters[0].reference, "refs/C01.png");
  EXPECT_NE(bible->characters[0].seed, 0u);
  EXPECT_FALSE(MakeReference(root_, "C01", false).ok());  // kept: a second one needs --force
  EXPECT_FALSE(MakeReference(root_, "C99", false).ok());
  std::string bible_text = Read("bible.yaml");
  ChangeIdea("A courier finds she is the heir of the family she delivers to.");
  Build("shots");
  EXPECT_EQ(Read("bible.yaml"), bible_text);  // a person's choice: the idea change does not replace it
  auto shots = LoadYaml<Shots>(root_ / "episodes/ep001/shots.yaml", "shots.yaml");
  ASSERT_TRUE(shots.ok());
  int with = 0;
  for (const auto& shot : shots->shots)
    if (std::find(shot.cast.begin(), shot.cast.end(), "C01") != shot.cast.end()) {
      ++with;
      EXPECT_NE(std::find(shot.references.begin(), shot.references.end(), "refs/C01.png"), shot.references.end()) << shot.id;
    }
  EXPECT_GT(with, 0);
}

TEST_F(ControlTest, CreditsCountWhatAPersonWrote) {
  Build("script");
  auto credits = EpisodeCredits(root_, 1);
  ASSERT_TRUE(credits.ok());
  EXPECT_EQ(credits->human_lines, 0);
  ASSERT_EQ(credits->models.size(), 1u);
  EXPECT_EQ(credits->models[0].first, "model:builtin");
  int lines = credits->lines;

  EditDialogue(1, " Every word.");
  Write(kScript, Read(kScript) + "\nShe lights a cigarette she never smokes.\n");
  credits = EpisodeCredits(root_, 1);
  ASSERT_TRUE(credits.ok());
  EXPECT_EQ(credits->lines, lines + 1);
  EXPECT_EQ(credits->human_lines, 2);
  EXPECT_EQ(credits->edited_lines, 1);
  // The build records it per line in the ledger.
  Build("script");
  auto ledger = Ledger::Open(root_ / kStateDir / "ledger.sqlite");
  ASSERT_TRUE(ledger.ok());
  auto recorded = (*ledger)->LineAuthors(kScript);
  ASSERT_EQ(static_cast<int>(recorded.size()), lines + 1);
  EXPECT_EQ(recorded.back().author, "human");
  int edited = 0;
  for (const auto& l : recorded) edited += l.author == "edited:builtin" && l.distance == 12;
  EXPECT_EQ(edited, 1);
}

TEST_F(ControlTest, PaidBuildsOverBudgetWaitForApprovalOfThatPlan) {
  testing::FakeChatServer server([](int, const nlohmann::json& request) { return testing::Canned(request); });
  auto s = LoadSettings(root_);
  ASSERT_TRUE(s.ok());
  s->writer = "llm";
  s->providers.chat.base_url = server.BaseUrl();
  s->providers.chat.model = "fake-writer";
  s->providers.chat.price_input_per_mtok = 2.0;
  s->providers.chat.price_output_per_mtok = 8.0;
  s->budget = 0.001;
  s->episodes = 3;  // as the canned arc has
  Write(kSettingsFile, ToYaml(*s));

  BuildRequest until;
  until.until = "script";
  auto plan = PlanBuild(root_, until);
  ASSERT_TRUE(plan.ok()) << plan.error().ToString();
  int calls = 0;
  for (const auto& p : plan->stages) calls += p.calls;
  EXPECT_EQ(calls, 8);  // bible, arc, and beats and script for each of 3 episodes
  EXPECT_GT(plan->cost, 0.001);
  EXPECT_TRUE(plan->needs_approval);
  EXPECT_EQ(plan->id.size(), 12u);
  EXPECT_EQ(server.Requests().size(), 0u);  // planning asks nobody

  auto refused = BuildSeries(root_, until);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("--approve " + plan->id), std::string::npos) << refused.error().message;
  EXPECT_FALSE(Exists("bible.yaml"));

  // A change after the plan: its approval no longer holds.
  ChangeIdea("Something else entirely.");
  BuildRequest stale = until;
  stale.approve = plan->id;
  auto changed = BuildSeries(root_, stale);
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.error().message.find("changed since plan"), std::string::npos);

  auto replanned = PlanBuild(root_, until);
  ASSERT_TRUE(replanned.ok());
  EXPECT_NE(replanned->id, plan->id);
  BuildRequest approved = until;
  approved.approve = replanned->id;
  auto built = BuildSeries(root_, approved);
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  EXPECT_TRUE(Exists(kScript));
  EXPECT_EQ(server.Requests().size(), 8u);
  // Nothing left to spend: no approval needed.
  auto again = PlanBuild(root_, until);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->stages.empty());
  EXPECT_FALSE(again->needs_approval);
}

TEST_F(ControlTest, AFailedStageShowsInStatus) {
  auto s = LoadSettings(root_);
  ASSERT_TRUE(s.ok());
  s->writer = "llm";
  s->providers.chat.base_url = "http://127.0.0.1:9/v1";
  s->providers.chat.model = "m";
  s->providers.chat.max_retries = 0;
  Write(kSettingsFile, ToYaml(*s));
  BuildRequest r;
  r.until = "bible";
  ASSERT_FALSE(BuildSeries(root_, r).ok());
  auto status = SeriesStatus(root_, r);
  ASSERT_TRUE(status.ok());
  ASSERT_FALSE(status->empty());
  EXPECT_EQ((*status)[0].name, "bible");
  EXPECT_EQ((*status)[0].state, StageState::kFailed);
  EXPECT_NE((*status)[0].reason.find("127.0.0.1:9"), std::string::npos) << (*status)[0].reason;
}

// Random sequences of what a person does between builds never lose a person's file: every
// file a person wrote or chose holds exactly what they left in it, whatever builds, variants,
// picks, locks and restores come after, until they change it again themselves.
TEST_F(ControlTest, RandomOperationsNeverLoseAnEdit) {
  for (int seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    fs::remove_all(root_);
    ASSERT_TRUE(CreateSeries(root_, settings_).ok());
    Build("subtitles");
    std::mt19937 rng(static_cast<unsigned>(seed));
    std::map<std::string, std::string> persons;  // path → what the person left there
    auto check = [&](const std::string& after) {
      for (const auto& [path, bytes] : persons) EXPECT_EQ(Read(path), bytes) << path << " after " << after;
    };
    std::vector<std::string> done;
    for (int step = 0; step < 14; ++step) {
      int op = static_cast<int>(rng() % 8);
      std::string what;
      switch (op) {
        case 0:
          what = "edit a line";
          EditDialogue(rng() % 3, " (" + std::to_string(step) + ")");
          persons[kScript] = Read(kScript);
          break;
        case 1:
          what = "edit a beat";
          EditBeatSummary("Beat rewritten at step " + std::to_string(step) + ".");
          persons[kBeats] = Read(kBeats);
          break;
        case 2:
          what = "change the idea";
          ChangeIdea("Idea number " + std::to_string(step) + ": a debt comes due at a wedding.");
          break;
        case 3: {
          what = "variants and pick";
          const char* target = rng() % 2 ? kScript : kBeats;
          auto made = MakeVariants(root_, target, 1);
          ASSERT_TRUE(made.ok()) << made.error().ToString();
          std::string name = fs::path((*made)[0]).stem().extension().string().substr(1);  // "v3"
          ASSERT_TRUE(PickVariant(root_, target, name).ok());
          persons[target] = Read(target);
          break;
        }
        case 4: {
          what = "lock or unlock";
          const char* target = rng() % 2 ? kScript : kBeats;
          ASSERT_TRUE(SetLocked(root_, target, rng() % 2 == 0).ok());
          break;
        }
        case 5: {
          what = "restore";
          auto log = ArtifactLog(root_, kBeats);
          ASSERT_TRUE(log.ok());
          int v = 1 + static_cast<int>(rng() % log->size());
          if ((*log)[static_cast<size_t>(v - 1)].available && !(*log)[static_cast<size_t>(v - 1)].record.author.empty() &&
              (*log)[static_cast<size_t>(v - 1)].record.stage.size() > 0) {
            ASSERT_TRUE(RestoreVersion(root_, kBeats, v).ok());
            persons[kBeats] = Read(kBeats);
          }
          break;
        }
        case 6:
          what = "gc";
          ASSERT_TRUE(CollectGarbage(root_).ok());
          break;
        default:
          what = "build";
          break;
      }
      done.push_back(what);
      check(what);
      Build(rng() % 2 ? "subtitles" : "script");
      check(what + ", then a build");
    }
    // The series still builds to the end of the text stages with every edit in place.
    Build("subtitles");
    check("the last build");
  }
}

}  // namespace
}  // namespace rw
