#include "studio/path_guard.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "base/file.h"

namespace rw::studio {
namespace {

namespace fs = std::filesystem;

class PathGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("rw_guard_" + std::to_string(::getpid()));
    fs::remove_all(base_);
    root_ = base_ / "series";
    fs::create_directories(root_ / "episodes/ep001/frames");
    fs::create_directories(root_ / ".reelwright");
    ASSERT_TRUE(WriteFileAtomic(root_ / "episodes/ep001/script.fountain", "INT. ROOM - NIGHT\n").ok());
    ASSERT_TRUE(WriteFileAtomic(root_ / ".reelwright/lock", "").ok());
    ASSERT_TRUE(WriteFileAtomic(base_ / "secret.txt", "outside").ok());
    fs::create_symlink(base_ / "secret.txt", root_ / "episodes/ep001/link.txt");
    fs::create_symlink(root_ / "episodes/ep001/script.fountain", root_ / "episodes/ep001/inside.txt");
    fs::create_directories(base_ / "elsewhere");
    fs::create_symlink(base_ / "elsewhere", root_ / "episodes/ep002");
  }
  void TearDown() override { fs::remove_all(base_); }
  fs::path base_, root_;
};

TEST_F(PathGuardTest, ReadsAFileInsideTheSeries) {
  auto g = GuardRead(root_, "episodes/ep001/script.fountain");
  ASSERT_TRUE(g.ok()) << g.message;
  EXPECT_EQ(g.rel, "episodes/ep001/script.fountain");
  EXPECT_TRUE(GuardRead(root_, "episodes/ep001/inside.txt").ok());  // a link that stays inside
}

TEST_F(PathGuardTest, RefusesParentsAbsolutePathsHiddenFilesAndLinksOutside) {
  EXPECT_EQ(GuardRead(root_, "../secret.txt").status, 400);
  EXPECT_EQ(GuardRead(root_, "episodes/../../secret.txt").status, 400);
  EXPECT_EQ(GuardRead(root_, (base_ / "secret.txt").string()).status, 400);
  EXPECT_EQ(GuardRead(root_, "/etc/passwd").status, 400);
  EXPECT_EQ(GuardRead(root_, "episodes\\..\\..\\secret.txt").status, 400);
  EXPECT_EQ(GuardRead(root_, ".reelwright/lock").status, 403);
  EXPECT_EQ(GuardRead(root_, "episodes/ep001/link.txt").status, 403);
  EXPECT_EQ(GuardRead(root_, "episodes/ep001/nothing.txt").status, 404);
  EXPECT_EQ(GuardRead(root_, "").status, 400);
}

TEST_F(PathGuardTest, WritesOnlyTheFilesAPersonEdits) {
  EXPECT_TRUE(GuardWrite(root_, "episodes/ep001/script.fountain").ok());
  EXPECT_TRUE(GuardWrite(root_, "episodes/ep001/frames/S003.png").ok());
  EXPECT_TRUE(GuardWrite(root_, "bible.yaml").ok());
  EXPECT_EQ(GuardWrite(root_, "reelwright.yaml").status, 403);
  EXPECT_EQ(GuardWrite(root_, "episodes/ep001/ep001.en.mp4").status, 403);
  EXPECT_EQ(GuardWrite(root_, "../bible.yaml").status, 400);
  // The folder is a link to somewhere else, and the file itself a link: both refused.
  EXPECT_EQ(GuardWrite(root_, "episodes/ep002/script.fountain").status, 403);
  fs::create_symlink(base_ / "secret.txt", root_ / "episodes/ep001/beats.yaml");
  EXPECT_EQ(GuardWrite(root_, "episodes/ep001/beats.yaml").status, 403);
}

}  // namespace
}  // namespace rw::studio
