// The base URL of a model server ("http://127.0.0.1:8080/v1"), split for an HTTP client.
//
// Settings name a server by one URL whose path is the API prefix ("/v1", "/compatible-mode/v1",
// "/api/v3"); endpoints ("/chat/completions") are appended to it. The scheme is http or https,
// the port defaults to 80 or 443, a trailing '/' is ignored. A bracketed IPv6 host is kept with
// its brackets. Query strings and user:password@ are refused: keys go in headers, from env vars.
#pragma once

#include <string>

#include "base/result.h"

namespace rw {

struct BaseUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // "127.0.0.1", "api.openai.com", "[::1]"
  int port = 0;
  std::string path;    // "" or "/v1" (no trailing '/')

  // "http://127.0.0.1:8080", what httplib::Client takes.
  std::string SchemeHostPort() const { return scheme + "://" + host + ":" + std::to_string(port); }
};

// Parses `url`; BadInput naming `setting` (e.g. "providers.chat.base_url") when it is malformed.
Result<BaseUrl> ParseBaseUrl(const std::string& url, const std::string& setting);

}  // namespace rw
