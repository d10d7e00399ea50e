#include "base/progress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

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

TEST(ProgressSink, HearsLinesAndEachPercentOnceEvenWhenQuiet) {
  Progress::SetMode(false, true);
  std::vector<ProgressEvent> heard;
  SetProgressSink([&](const ProgressEvent& e) { heard.push_back(e); });
  Say("  run   ep001 voice");
  {
    Progress p("ep001 clips", 4);
    for (int i = 0; i < 4; ++i) p.Add();
    p.Add(0);  // no move: nothing new to hear
  }
  SetProgressSink(nullptr);
  Say("not heard");
  ASSERT_EQ(heard.size(), 5u);
  EXPECT_EQ(heard[0].kind, ProgressEvent::Kind::kLine);
  EXPECT_EQ(heard[0].text, "  run   ep001 voice");
  EXPECT_EQ(heard[1].kind, ProgressEvent::Kind::kPercent);
  EXPECT_EQ(heard[1].text, "ep001 clips");
  EXPECT_EQ(heard[1].percent, 25);
  EXPECT_EQ(heard[4].percent, 100);
  EXPECT_EQ(heard[4].done, 4);
}

}  // namespace
}  // namespace rw
