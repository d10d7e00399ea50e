#include "build/builder.h"

#include <gtest/gtest.h>

#include "base/file.h"
#include "base/progress.h"
#include "build/series_lock.h"

namespace rw {
namespace {

namespace fs = std::filesystem;

class BuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Progress::SetMode(false, true);
    root_ = fs::temp_directory_path() / ("rw_builder_test_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / ".reelwright");
    ASSERT_TRUE(WriteFileAtomic(root_ / "idea.txt", "a betrayed heir returns").ok());
    Reopen();
  }
  void TearDown() override { fs::remove_all(root_); }

  void Reopen() {
    builder_.reset();
    ledger_.reset();
    auto l = Ledger::Open(root_ / ".reelwright/ledger.sqlite");
    ASSERT_TRUE(l.ok());
    ledger_ = std::move(l).value();
    store_ = std::make_unique<ContentStore>(root_ / ".reelwright/cache");
    builder_ = std::make_unique<Builder>(root_, *ledger_, *store_, BuildOptions{});
  }

  // outline.txt <- idea.txt; script.txt <- outline.txt. Counts runs.
  StageReport RunOutline() {
    StageSpec s;
    s.name = "outline";
    s.kind = "outline";
    s.sources = {"idea.txt"};
    s.settings = {{"style", style_}};
    s.run = [this](StageContext& ctx) -> Status {
      ++outline_runs_;
      auto idea = ReadFile(ctx.Abs("idea.txt"));
      return ctx.Write("outline.txt", "OUTLINE(" + style_ + "): " + *idea);
    };
    return builder_->Run(s);
  }
  StageReport RunScript() {
    StageSpec s;
    s.name = "script";
    s.kind = "script";
    s.deps = {"outline"};
    s.run = [this](StageContext& ctx) -> Status {
      ++script_runs_;
      auto outline = ReadFile(ctx.Abs("outline.txt"));
      return ctx.Write("script.txt", "SCRIPT from " + *outline);
    };
    return builder_->Run(s);
  }

  fs::path root_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<ContentStore> store_;
  std::unique_ptr<Builder> builder_;
  std::string style_ = "noir";
  int outline_runs_ = 0;
  int script_runs_ = 0;
};

TEST_F(BuilderTest, SecondBuildRunsNothing) {
  EXPECT_EQ(RunOutline().outcome, StageOutcome::kRan);
  EXPECT_EQ(RunScript().outcome, StageOutcome::kRan);
  Reopen();
  EXPECT_EQ(RunOutline().outcome, StageOutcome::kUpToDate);
  EXPECT_EQ(RunScript().outcome, StageOutcome::kUpToDate);
  EXPECT_EQ(outline_runs_, 1);
  EXPECT_EQ(script_runs_, 1);
}

TEST_F(BuilderTest, SourceChangeRerunsDownstreamWithReason) {
  RunOutline();
  RunScript();
  ASSERT_TRUE(WriteFileAtomic(root_ / "idea.txt", "a reborn bride").ok());
  auto r = RunOutline();
  EXPECT_EQ(r.outcome, StageOutcome::kRan);
  EXPECT_EQ(r.reason, "idea.txt changed");
  auto s = RunScript();
  EXPECT_EQ(s.outcome, StageOutcome::kRan);
  EXPECT_EQ(s.reason, "outline.txt changed");
}

TEST_F(BuilderTest, SettingChangeIsExplained) {
  RunOutline();
  style_ = "bright";
  auto r = RunOutline();
  EXPECT_EQ(r.outcome, StageOutcome::kRan);
  EXPECT_EQ(r.reason, "setting 'style' changed");
}

TEST_F(BuilderTest, EarlyCutoffWhenOutputUnchanged) {
  RunOutline();
  RunScript();
  // Same text again (new mtime): outline reruns? No: its input hash did not change.
  ASSERT_TRUE(WriteFileAtomic(root_ / "idea.txt", "a betrayed heir returns").ok());
  EXPECT_EQ(RunOutline().outcome, StageOutcome::kUpToDate);
  EXPECT_EQ(RunScript().outcome, StageOutcome::kUpToDate);
}

TEST_F(BuilderTest, MissingOutputIsRemade) {
  RunOutline();
  fs::remove(root_ / "outline.txt");
  auto r = RunOutline();
  EXPECT_EQ(r.outcome, StageOutcome::kRan);
  EXPECT_EQ(r.reason, "outline.txt is missing");
}

TEST_F(BuilderTest, HumanEditIsKeptAndFlowsDownstream) {
  RunOutline();
  RunScript();
  ASSERT_TRUE(WriteFileAtomic(root_ / "outline.txt", "MY OWN OUTLINE").ok());
  auto r = RunOutline();
  EXPECT_EQ(r.outcome, StageOutcome::kUpToDate);
  ASSERT_EQ(r.kept_edits.size(), 1u);
  EXPECT_EQ(ledger_->GetArtifact("outline.txt")->author, "human");
  EXPECT_EQ(RunScript().outcome, StageOutcome::kRan);
  EXPECT_EQ(*ReadFile(root_ / "script.txt"), "SCRIPT from MY OWN OUTLINE");

  // Upstream changes: the edit stays, the regenerated outline goes beside it.
  ASSERT_TRUE(WriteFileAtomic(root_ / "idea.txt", "a reborn bride").ok());
  auto again = RunOutline();
  EXPECT_EQ(again.outcome, StageOutcome::kRan);
  EXPECT_EQ(*ReadFile(root_ / "outline.txt"), "MY OWN OUTLINE");
  EXPECT_EQ(*ReadFile(root_ / "variants/outline.txt"), "OUTLINE(noir): a reborn bride");
  EXPECT_EQ(RunScript().outcome, StageOutcome::kUpToDate);
}

TEST_F(BuilderTest, AFileAPersonPutThereBeforeAnyBuildIsASource) {
  ASSERT_TRUE(WriteFileAtomic(root_ / "outline.txt", "I wrote this outline myself").ok());
  auto r = RunOutline();
  EXPECT_EQ(r.outcome, StageOutcome::kRan);
  EXPECT_EQ(*ReadFile(root_ / "outline.txt"), "I wrote this outline myself");
  EXPECT_EQ(*ReadFile(root_ / "variants/outline.txt"), "OUTLINE(noir): a betrayed heir returns");
  EXPECT_EQ(ledger_->GetArtifact("outline.txt")->author, "human");
  RunScript();
  EXPECT_EQ(*ReadFile(root_ / "script.txt"), "SCRIPT from I wrote this outline myself");
}

TEST_F(BuilderTest, FilesOfAKilledFirstRunAreNotTakenForAPersonsFiles) {
  StageSpec s;
  s.name = "frames";
  s.kind = "frames";
  bool die = true;
  s.run = [&](StageContext& ctx) -> Status {
    RW_TRY(ctx.Write("frames/S001.png", "first"));
    if (die) return Failed("killed");  // as if the process died here
    return ctx.Write("frames/S002.png", "second");
  };
  EXPECT_EQ(builder_->Run(s).outcome, StageOutcome::kFailed);
  Reopen();
  die = false;
  auto r = builder_->Run(s);
  EXPECT_EQ(r.outcome, StageOutcome::kRan);
  EXPECT_TRUE(r.kept_edits.empty());
  EXPECT_FALSE(fs::exists(root_ / "frames/variants/S001.png"));
  EXPECT_EQ(ledger_->GetArtifact("frames/S001.png")->author, "model:builtin");
}

TEST_F(BuilderTest, InterruptedRunIsRedone) {
  RunOutline();
  ASSERT_TRUE(ledger_->MarkPending("outline", "outline").ok());
  ASSERT_TRUE(WriteFileAtomic(root_ / "outline.txt", "half of a new version").ok());
  Reopen();
  auto r = RunOutline();
  EXPECT_EQ(r.outcome, StageOutcome::kRan);
  EXPECT_EQ(r.reason, "its last run was interrupted");
  EXPECT_EQ(*ReadFile(root_ / "outline.txt"), "OUTLINE(noir): a betrayed heir returns");
}

TEST_F(BuilderTest, FailedStageStaysPendingAndReportsError) {
  StageSpec s;
  s.name = "broken";
  s.kind = "broken";
  s.run = [](StageContext&) -> Status { return Failed("engine exploded"); };
  auto r = builder_->Run(s);
  EXPECT_EQ(r.outcome, StageOutcome::kFailed);
  EXPECT_EQ(r.error, "engine exploded");
  EXPECT_TRUE(ledger_->GetStage("broken")->pending);
}

TEST_F(BuilderTest, MemoRestoresItems) {
  int made = 0;
  StageSpec s;
  s.name = "items";
  s.kind = "items";
  s.settings = {{"n", 1}};
  s.run = [&](StageContext& ctx) -> Status {
    for (std::string item : {"a", "b"}) {
      auto restored = ctx.Restore("item:" + item, "items/" + item + ".txt");
      if (!restored.ok()) return restored.error();
      if (*restored) continue;
      ++made;
      RW_TRY(ctx.Write("items/" + item + ".txt", "made " + item));
      RW_TRY(ctx.Remember("item:" + item, "items/" + item + ".txt"));
    }
    return {};
  };
  EXPECT_EQ(builder_->Run(s).items_made, 2);
  fs::remove(root_ / "items/a.txt");
  s.settings = {{"n", 2}};
  auto r = builder_->Run(s);
  EXPECT_EQ(r.outcome, StageOutcome::kRan);
  EXPECT_EQ(r.items_reused, 2);
  EXPECT_EQ(made, 2);
  EXPECT_EQ(*ReadFile(root_ / "items/a.txt"), "made a");
}

TEST_F(BuilderTest, StaleOutputsAreRemoved) {
  bool two = true;
  StageSpec s;
  s.name = "lines";
  s.kind = "lines";
  s.run = [&](StageContext& ctx) -> Status {
    RW_TRY(ctx.Write("l1.txt", "one"));
    if (two) RW_TRY(ctx.Write("l2.txt", "two"));
    return {};
  };
  builder_->Run(s);
  EXPECT_TRUE(fs::exists(root_ / "l2.txt"));
  two = false;
  s.settings = {{"two", false}};
  builder_->Run(s);
  EXPECT_FALSE(fs::exists(root_ / "l2.txt"));
  EXPECT_EQ(ledger_->OutputsOf("lines").size(), 1u);
}

TEST_F(BuilderTest, ModelCallsAreRecordedEvenWhenTheStageFails) {
  StageSpec s;
  s.name = "llm";
  s.kind = "llm";
  s.run = [](StageContext& ctx) -> Status {
    ctx.RecordCall({"http://127.0.0.1:9/v1", "m", 1, 429, 0, 0, 0.1, 0, "retry: 429"});
    ctx.RecordCall({"http://127.0.0.1:9/v1", "m", 2, 200, 1000, 500, 2.0, 0.25, "invalid json"});
    return Failed("the model never returned valid JSON");
  };
  auto r = builder_->Run(s);
  EXPECT_EQ(r.outcome, StageOutcome::kFailed);
  EXPECT_EQ(r.model_calls, 2);
  CallTotals t = ledger_->Totals(0);
  EXPECT_EQ(t.calls, 2);
  EXPECT_EQ(t.prompt_tokens, 1000);
  EXPECT_EQ(t.completion_tokens, 500);
  EXPECT_DOUBLE_EQ(t.cost, 0.25);
}

TEST_F(BuilderTest, SecondLockIsRefused) {
  auto first = SeriesLock::Acquire(root_ / ".reelwright");
  ASSERT_TRUE(first.ok());
  auto second = SeriesLock::Acquire(root_ / ".reelwright");
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("another reelwright"), std::string::npos);
}

}  // namespace
}  // namespace rw
