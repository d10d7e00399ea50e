#include "studio/build_queue.h"

#include <nlohmann/json.hpp>

namespace rw::studio {

namespace {
constexpr size_t kKeepJobs = 100;
}

BuildQueue::BuildQueue(Runner runner, size_t keep_events)
    : runner_(std::move(runner)), keep_events_(keep_events), worker_([this] { Work(); }) {}

BuildQueue::~BuildQueue() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

int64_t BuildQueue::Enqueue(const BuildRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t id = next_job_++;
  jobs_.push_back({{id, "queued", "", ""}, request});
  while (jobs_.size() > kKeepJobs && jobs_.front().info.state != "queued" && jobs_.front().info.state != "running")
    jobs_.pop_front();
  Emit("queued", id, nlohmann::json{{"job", id}}.dump());
  cv_.notify_all();
  return id;
}

std::vector<JobInfo> BuildQueue::Jobs() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<JobInfo> out;
  for (const auto& j : jobs_) out.push_back(j.info);
  return out;
}

bool BuildQueue::Busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& j : jobs_)
    if (j.info.state == "queued" || j.info.state == "running") return true;
  return false;
}

std::vector<BuildEvent> BuildQueue::EventsAfter(int64_t after, std::chrono::milliseconds wait) const {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, wait, [&] { return stop_ || next_event_ - 1 > after; });
  std::vector<BuildEvent> out;
  for (const auto& e : events_)
    if (e.id > after) out.push_back(e);
  return out;
}

int64_t BuildQueue::LastEventId() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_event_ - 1;
}

void BuildQueue::Report(const std::string& type, const std::string& json) {
  std::lock_guard<std::mutex> lock(mu_);
  Emit(type, running_, json);
  cv_.notify_all();
}

void BuildQueue::Emit(const std::string& type, int64_t job, const std::string& json) {
  events_.push_back({next_event_++, type, job, json});
  while (events_.size() > keep_events_) events_.pop_front();
}

// The worker must outlive any build: an exception becomes the job's error.
Result<BuildSummary> BuildQueue::Run(const BuildRequest& request) {
  try {
    return runner_(request);
  } catch (const std::exception& e) {
    return Failed(std::string("the build stopped on an unexpected error: ") + e.what());
  } catch (...) {
    return Failed("the build stopped on an unexpected error");
  }
}

void BuildQueue::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    Job* next = nullptr;
    cv_.wait(lock, [&] {
      if (stop_) return true;
      for (auto& j : jobs_)
        if (j.info.state == "queued") return (next = &j) != nullptr;
      return false;
    });
    if (stop_) return;
    next->info.state = "running";
    running_ = next->info.id;
    BuildRequest request = next->request;
    int64_t id = next->info.id;
    Emit("start", id, nlohmann::json{{"job", id}}.dump());
    cv_.notify_all();
    lock.unlock();
    Result<BuildSummary> result = Run(request);  // never under the lock: progress reports take it
    lock.lock();
    running_ = 0;
    Job* job = nullptr;
    for (auto& j : jobs_)
      if (j.info.id == id) job = &j;
    nlohmann::json data{{"job", id}};
    if (result.ok()) {
      data["ran"] = result->ran;
      data["seconds"] = result->seconds;
      if (job) job->info.state = "done";
      Emit("done", id, data.dump());
    } else {
      data["error"] = result.error().ToString();
      data["message"] = result.error().message;
      data["where"] = result.error().where;
      if (job) {
        job->info.state = "failed";
        job->info.error = result.error().ToString();
        job->info.where = result.error().where;
      }
      Emit("failed", id, data.dump());
    }
    cv_.notify_all();
  }
}

}  // namespace rw::studio
