#include "eval/shingles.h"

#include <gtest/gtest.h>

namespace rw {
namespace {

TEST(Shingles, TokensLowerLatinAndSplitCjk) {
  EXPECT_EQ(ShingleTokens("You DID it, Vera!"), (std::vector<std::string>{"you", "did", "it", "vera"}));
  EXPECT_EQ(ShingleTokens("林晚：你好CEO"), (std::vector<std::string>{"林", "晚", "你", "好", "ceo"}));
}

TEST(Shingles, SharedShareOfIdenticalDisjointAndContained) {
  auto a = Shingles(ShingleTokens("the board voted and the chairman lost his office tonight"), 5);
  auto b = Shingles(ShingleTokens("a storm broke over the harbour while nobody was watching"), 5);
  EXPECT_DOUBLE_EQ(SharedShare(a, a), 1.0);
  EXPECT_DOUBLE_EQ(SharedShare(a, b), 0.0);
  auto c = Shingles(ShingleTokens("first the board voted and the chairman lost his office tonight then she left"), 5);
  EXPECT_DOUBLE_EQ(SharedShare(a, c), 1.0);  // a is inside c
  auto d = Shingles(ShingleTokens("the board voted and the chairman smiled"), 5);
  EXPECT_GT(SharedShare(a, d), 0.0);
  EXPECT_LT(SharedShare(a, d), 1.0);
}

TEST(Shingles, ShortTextHasNoShingles) {
  EXPECT_TRUE(Shingles(ShingleTokens("too short"), 5).empty());
  EXPECT_DOUBLE_EQ(SharedShare({}, {}), 0.0);
}

}  // namespace
}  // namespace rw
