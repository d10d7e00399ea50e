// Builds started from the studio run here, one at a time, on a worker thread of their own: an
// HTTP handler only enqueues a job and returns, so the server never waits on a build. What a
// build says (base/progress.h: stage lines and percentages) is kept as a numbered event log that
// the server streams as server-sent events; a listener that reconnects resumes after the last
// event it saw.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/pipeline.h"

namespace rw::studio {

struct BuildEvent {
  int64_t id = 0;     // increasing from 1
  std::string type;   // "queued", "start", "line", "percent", "done", "failed"
  int64_t job = 0;
  std::string json;   // the event's data, a JSON object
};

struct JobInfo {
  int64_t id = 0;
  std::string state;  // "queued", "running", "done", "failed"
  std::string error;  // failed: the error ("path:line: what")
  std::string where;  // failed: the file (and line) it names, for the page to point at
};

class BuildQueue {
 public:
  using Runner = std::function<Result<BuildSummary>(const BuildRequest&)>;
  // `runner` does the build (BuildSeries on the studio's series; tests pass a fake).
  explicit BuildQueue(Runner runner, size_t keep_events = 4000);
  ~BuildQueue();  // finishes the running build, drops queued ones
  BuildQueue(const BuildQueue&) = delete;
  BuildQueue& operator=(const BuildQueue&) = delete;

  // Returns the job's id at once.
  int64_t Enqueue(const BuildRequest& request);
  std::vector<JobInfo> Jobs() const;
  bool Busy() const;

  // Events with id > after; waits up to `wait` for one when there is none. Empty on timeout
  // or when the queue stops.
  std::vector<BuildEvent> EventsAfter(int64_t after, std::chrono::milliseconds wait) const;
  int64_t LastEventId() const;

  // Adds an event from a progress report of the running build.
  void Report(const std::string& type, const std::string& json);

 private:
  struct Job {
    JobInfo info;
    BuildRequest request;
  };
  void Work();
  Result<BuildSummary> Run(const BuildRequest& request);
  void Emit(const std::string& type, int64_t job, const std::string& json);  // mu_ held

  Runner runner_;
  size_t keep_events_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;  // new job, new event, stop
  std::deque<Job> jobs_;                // every job, oldest first (bounded)
  std::deque<BuildEvent> events_;
  int64_t next_job_ = 1, next_event_ = 1, running_ = 0;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace rw::studio
