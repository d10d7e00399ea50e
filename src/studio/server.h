// `reelwright serve`: the studio, a web UI over the same library calls as the CLI (issue 8).
//
// One series per server. The HTTP threads never throw and never build: a build goes to the
// BuildQueue and its progress comes back as server-sent events (GET /api/events). Every file
// name from the browser passes the path guard (path_guard.h).
//
// Security: the server binds 127.0.0.1 unless told otherwise; any other address needs the
// token on every request (query ?token=, header X-Reelwright-Token, or the cookie the page gets
// when opened with ?token=). On loopback the Host header must name loopback (no DNS rebinding),
// and a request that changes anything (POST, PUT) needs the token or an Origin header equal to
// the server's own. Request bodies over `max_body` get 413.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "base/result.h"
#include "studio/build_queue.h"

namespace rw::studio {

struct StudioOptions {
  std::filesystem::path root;  // the series folder
  std::string host = "127.0.0.1";
  int port = 8470;  // 0: any free port
  std::string token;  // empty: a random one is made
  size_t max_body = 64u << 20;  // bytes; an uploaded frame is a few MB
  BuildQueue::Runner runner;    // empty: BuildSeries on root
};

bool IsLoopback(const std::string& host);

class Studio {
 public:
  explicit Studio(StudioOptions options);
  ~Studio();
  Studio(const Studio&) = delete;
  Studio& operator=(const Studio&) = delete;

  // Binds and starts serving on background threads.
  Status Start();
  int port() const;
  const std::string& token() const;
  // The address to open; it carries the token when the bind address is not loopback.
  std::string Url() const;
  // A build is running or queued.
  bool Busy() const;
  // Stops serving (the running build finishes first); safe to call twice.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rw::studio
