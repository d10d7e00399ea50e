#include "studio/build_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace rw::studio {
namespace {

// A build that waits until the test lets it finish, and counts how many run at once.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  int open = 0;  // builds allowed to finish
  int running = 0, most = 0, started = 0;
  Result<BuildSummary> Run(const BuildRequest& r) {
    std::unique_lock<std::mutex> lock(mu);
    ++started;
    most = std::max(most, ++running);
    cv.notify_all();
    cv.wait(lock, [&] { return open > 0; });
    --open;
    --running;
    if (r.until == "fail") return BadInput("episodes/ep001/script.fountain:3", "a broken cue");
    return BuildSummary{};
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu);
    ++open;
    cv.notify_all();
  }
  void WaitStarted(int n) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return started >= n; });
  }
};

std::vector<BuildEvent> WaitFor(BuildQueue& q, const std::string& type, int count) {
  std::vector<BuildEvent> all;
  int64_t after = 0;
  for (int tries = 0; tries < 200; ++tries) {
    for (auto& e : q.EventsAfter(after, std::chrono::milliseconds(100))) {
      after = e.id;
      all.push_back(e);
    }
    int seen = 0;
    for (const auto& e : all) seen += e.type == type;
    if (seen >= count) break;
  }
  return all;
}

TEST(BuildQueue, RunsOneBuildAtATimeInOrder) {
  Gate gate;
  BuildQueue q([&](const BuildRequest& r) { return gate.Run(r); });
  int64_t a = q.Enqueue({});
  int64_t b = q.Enqueue({});
  gate.WaitStarted(1);
  auto jobs = q.Jobs();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].state, "running");
  EXPECT_EQ(jobs[1].state, "queued");
  EXPECT_TRUE(q.Busy());
  gate.Release();
  gate.WaitStarted(2);
  gate.Release();
  auto events = WaitFor(q, "done", 2);
  EXPECT_EQ(gate.most, 1);
  std::vector<std::pair<std::string, int64_t>> order;
  for (const auto& e : events) order.push_back({e.type, e.job});
  std::vector<std::pair<std::string, int64_t>> want = {{"queued", a}, {"queued", b}, {"start", a},
                                                         {"done", a},   {"start", b},  {"done", b}};
  EXPECT_EQ(order, want);
  EXPECT_FALSE(q.Busy());
}

TEST(BuildQueue, AFailedBuildNamesWhereItFailed) {
  Gate gate;
  BuildQueue q([&](const BuildRequest& r) { return gate.Run(r); });
  BuildRequest r;
  r.until = "fail";
  q.Enqueue(r);
  gate.Release();
  auto events = WaitFor(q, "failed", 1);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, "failed");
  EXPECT_NE(events.back().json.find("episodes/ep001/script.fountain:3"), std::string::npos) << events.back().json;
  EXPECT_EQ(q.Jobs()[0].where, "episodes/ep001/script.fountain:3");
}

TEST(BuildQueue, ReportsFromTheBuildAreEventsOfTheRunningJob) {
  Gate gate;
  BuildQueue* queue = nullptr;
  BuildQueue q([&](const BuildRequest& r) {
    queue->Report("line", R"({"text":"run ep001 voice"})");
    return gate.Run(r);
  });
  queue = &q;
  int64_t id = q.Enqueue({});
  gate.Release();
  auto events = WaitFor(q, "done", 1);
  bool heard = false;
  for (const auto& e : events) heard |= e.type == "line" && e.job == id;
  EXPECT_TRUE(heard);
}

TEST(BuildQueue, KeepsOnlyTheNewestEvents) {
  BuildQueue q([](const BuildRequest&) -> Result<BuildSummary> { return BuildSummary{}; }, 5);
  for (int i = 0; i < 20; ++i) q.Report("line", "{}");
  auto events = q.EventsAfter(0, std::chrono::milliseconds(0));
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events.front().id, 16);
  EXPECT_EQ(q.LastEventId(), 20);
}

}  // namespace
}  // namespace rw::studio
