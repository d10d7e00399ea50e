#include "base/progress.h"

#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace rw {

namespace {
bool g_terminal = ::isatty(STDERR_FILENO) != 0;
bool g_quiet = false;

std::mutex g_sink_mu;
std::function<void(const ProgressEvent&)> g_sink;  // guarded by g_sink_mu

void Notify(const ProgressEvent& event) {
  std::lock_guard<std::mutex> lock(g_sink_mu);
  if (g_sink) g_sink(event);
}
}  // namespace

void SetProgressSink(std::function<void(const ProgressEvent&)> sink) {
  std::lock_guard<std::mutex> lock(g_sink_mu);
  g_sink = std::move(sink);
}

void Progress::SetMode(bool terminal, bool quiet) {
  g_terminal = terminal;
  g_quiet = quiet;
}

Progress::Progress(std::string label, int64_t total)
    : label_(std::move(label)), total_(total > 0 ? total : 1), start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { Finish(); }

void Progress::Set(int64_t done) {
  done_ = done;
  Draw(false);
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  done_ = total_;
  Draw(true);
}

void Progress::Draw(bool final) {
  int percent = static_cast<int>(done_ * 100 / total_);
  if (percent != sink_percent_) {  // the sink hears each percent once, whatever the terminal does
    sink_percent_ = percent;
    Notify({ProgressEvent::Kind::kPercent, label_, percent, done_, total_});
  }
  if (g_quiet) return;
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  if (g_terminal) {
    if (!final && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr int kWidth = 30;
    int filled = percent * kWidth / 100;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r  %-24s [%s] %3d%% %lld/%lld %.1fs%s", label_.c_str(), bar.c_str(), percent,
                 static_cast<long long>(done_), static_cast<long long>(total_), elapsed, final ? "\n" : "");
  } else {
    // Plain lines at every quarter, so logs stay short.
    int quarter = percent / 25;
    if (!final && quarter == last_percent_) return;
    if (final && last_percent_ == 4) return;
    last_percent_ = final ? 4 : quarter;
    std::fprintf(stderr, "  %s: %d%% (%lld/%lld, %.1fs)\n", label_.c_str(), final ? 100 : percent,
                 static_cast<long long>(done_), static_cast<long long>(total_), elapsed);
  }
  std::fflush(stderr);
}

struct Ticker::State {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::string detail;
  std::thread thread;
};

Ticker::Ticker(std::string label) : state_(std::make_unique<State>()) {
  if (g_quiet || !g_terminal) return;
  state_->thread = std::thread([state = state_.get(), label = std::move(label)] {
    auto start = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(state->mu);
    while (!state->cv.wait_for(lock, std::chrono::milliseconds(250), [state] { return state->done; })) {
      double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const std::string& what = state->detail.empty() ? std::string("waiting for the model") : state->detail;
      std::fprintf(stderr, "\r  %-24s %s %.1fs   ", label.c_str(), what.c_str(), elapsed);
      std::fflush(stderr);
    }
    std::fprintf(stderr, "\r%100s\r", "");
    std::fflush(stderr);
  });
}

void Ticker::SetDetail(std::string detail) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->detail = std::move(detail);
}

Ticker::~Ticker() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->done = true;
  }
  state_->cv.notify_all();
  if (state_->thread.joinable()) state_->thread.join();
}

void Say(const std::string& line) {
  Notify({ProgressEvent::Kind::kLine, line});
  if (g_quiet) return;
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace rw
