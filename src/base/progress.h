// Progress for long work: a redrawn bar on a terminal, plain lines otherwise (logs, CI, pipes).
//
// Progress writes to stderr so that a command's own output (tables, JSON) stays clean on stdout.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace rw {

class Progress {
 public:
  // `label` names the work ("ep001 render"); `total` counts its units (frames, lines).
  Progress(std::string label, int64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Set(int64_t done);
  void Add(int64_t n = 1) { Set(done_ + n); }
  void Finish();

  // Overrides terminal detection (tests, --no-progress).
  static void SetMode(bool terminal, bool quiet);

 private:
  void Draw(bool final);

  std::string label_;
  int64_t total_;
  int64_t done_ = 0;
  int last_percent_ = -1;
  int sink_percent_ = -1;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// A live "waiting" line for work with no known size (a model server composing a reply): on a
// terminal it redraws "label … 12.4s" a few times a second until destroyed; otherwise silent.
class Ticker {
 public:
  explicit Ticker(std::string label);
  ~Ticker();
  // Replaces "waiting for the model" with what is known, e.g. "412 tokens"; thread-safe.
  void SetDetail(std::string detail);
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// One line of status on stderr ("  run   ep001 voice (script changed)").
void Say(const std::string& line);

// What a progress sink hears: every Say line, and a Progress bar's percent each time it moves.
// The studio streams these to the browser; the terminal output stays as it is (even --quiet
// does not silence a sink).
struct ProgressEvent {
  enum class Kind { kLine, kPercent };
  Kind kind = Kind::kLine;
  std::string text;  // kLine: the line; kPercent: the bar's label ("ep001 render")
  int percent = 0;   // kPercent: 0-100
  int64_t done = 0, total = 0;
};
// Installs the observer (an empty function removes it). Thread-safe; the sink is called on the
// thread that reports, under a lock, so it must be quick and must not report progress itself.
void SetProgressSink(std::function<void(const ProgressEvent&)> sink);

}  // namespace rw
