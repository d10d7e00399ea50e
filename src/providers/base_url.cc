#include "providers/base_url.h"

#include "base/text.h"

namespace rw {

Result<BaseUrl> ParseBaseUrl(const std::string& url, const std::string& setting) {
  auto bad = [&](const std::string& why) {
    return BadInput("reelwright.yaml", setting + ": '" + url + "' " + why + "; expected e.g. http://127.0.0.1:8080/v1");
  };
  std::string text = Trim(url);
  BaseUrl out;
  size_t colon = text.find("://");
  if (colon == std::string::npos) return bad("has no scheme (http:// or https://)");
  out.scheme = ToLowerAscii(text.substr(0, colon));
  if (out.scheme != "http" && out.scheme != "https") return bad("uses scheme '" + out.scheme + "'; only http and https are spoken");
  std::string rest = text.substr(colon + 3);
  if (rest.find_first_of("?#") != std::string::npos) return bad("has a query or fragment");
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? std::string() : rest.substr(slash);
  while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  if (authority.find('@') != std::string::npos) return bad("carries credentials; name an environment variable in api_key_env instead");
  std::string port_text;
  if (StartsWith(authority, "[")) {
    size_t close = authority.find(']');
    if (close == std::string::npos) return bad("has an unclosed '[' in the host");
    out.host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad("has text after the IPv6 host");
      port_text = authority.substr(close + 2);
    }
  } else {
    size_t c = authority.rfind(':');
    out.host = authority.substr(0, c);
    if (c != std::string::npos) port_text = authority.substr(c + 1);
  }
  if (out.host.empty() || out.host == "[]") return bad("has no host");
  out.port = out.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    int port = 0;
    for (char ch : port_text) {
      if (ch < '0' || ch > '9' || port > 65535) return bad("has a bad port '" + port_text + "'");
      port = port * 10 + (ch - '0');
    }
    if (port < 1 || port > 65535) return bad("has a bad port '" + port_text + "'");
    out.port = port;
  }
  return out;
}

}  // namespace rw
