#include "base/progress.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace rw {
namespace {

TEST(Ticker, SilentWhenNotATerminal) {
  Progress::SetMode(false, false);
  ::testing::internal::CaptureStderr();
  { Ticker ticker("ep001/beats"); }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST(Ticker, OnATerminalItClearsItsLineWhenDone) {
  Progress::SetMode(true, false);
  ::testing::internal::CaptureStderr();
  { Ticker ticker("ep001/beats"); }
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err.back(), '\r');
  EXPECT_EQ(err.front(), '\r');
  Progress::SetMode(false, true);
}

TEST(Progress, PlainLinesAtQuartersWhenNotATerminal) {
  Progress::SetMode(false, false);
  ::testing::internal::CaptureStderr();
  {
    Progress p("ep001 clips", 100);
    for (int i = 0; i < 100; ++i) p.Add();
  }
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("ep001 clips: 25%"), std::string::npos) << err;
  EXPECT_NE(err.find("ep001 clips: 100%"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 5) << err;  // 1%, 25, 50, 75, 100
  Progress::SetMode(false, true);
}

}  // namespace
}  // namespace rw
