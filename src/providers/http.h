// One HTTP request to a model server, as every client here makes it (chat, images, speech,
// video): timeouts on connect, read and write; the body collected as it arrives; and, when no
// response comes, why — the retry logic treats a timeout, a dropped connection and an
// unreachable host differently. Never throws. Internal to the providers layer.
#pragma once

#include <functional>
#include <string>

#include <httplib.h>

#include "providers/base_url.h"

namespace rw {

enum class Transport { kResponse, kTimeout, kDropped, kUnreachable, kOther };

struct HttpAttempt {
  Transport transport = Transport::kOther;
  int status = 0;
  std::string content_type;
  std::string body;
  std::string retry_after;
  std::string detail;  // why there is no response
  double latency_s = 0;
};

// Sends `request` (method, path, headers, body already set) to `url`'s host. `on_bytes` sees the
// body so far each time more arrives (a streamed reply); it may be empty. `url_encode` false when
// the caller has percent-encoded the query itself.
HttpAttempt SendHttp(const BaseUrl& url, httplib::Request request, double timeout_s, bool url_encode = true,
                     const std::function<void(const std::string& so_far)>& on_bytes = {});

// At most `max_chars` bytes of `text`, cut on a UTF-8 boundary, with "…" when cut.
std::string ShortenText(std::string text, size_t max_chars = 300);

// "2.5": seconds as a message shows them.
std::string SecondsText(double s);

// Seconds from a Retry-After header given in seconds, at most `cap`; -1 for an HTTP date or
// anything else (back off instead).
double RetryAfterSeconds(const std::string& header, double cap);

}  // namespace rw
