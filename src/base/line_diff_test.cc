#include "base/line_diff.h"

#include <gtest/gtest.h>

namespace rw {
namespace {

TEST(LineDiff, EqualTextsGiveNothing) { EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\n", "x", "y"), ""); }

TEST(LineDiff, OneChangedLineWithContext) {
  std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n";
  std::string after = "1\n2\n3\n4\nFIVE\n6\n7\n8\n";
  EXPECT_EQ(UnifiedDiff(before, after, "script.fountain", "variants/script.fountain", 2),
            "--- script.fountain\n+++ variants/script.fountain\n@@ -3,5 +3,5 @@\n 3\n 4\n-5\n+FIVE\n 6\n 7\n");
}

TEST(LineDiff, InsertionsAndDeletionsInSeparateHunks) {
  std::string before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
  std::string after = "a\nNEW\nb\nc\nd\ne\nf\ng\nh\nj\n";
  std::string d = UnifiedDiff(before, after, "x", "y", 1);
  EXPECT_EQ(d, "--- x\n+++ y\n@@ -1,2 +1,3 @@\n a\n+NEW\n b\n@@ -8,3 +9,2 @@\n h\n-i\n j\n");
}

}  // namespace
}  // namespace rw
