#include "providers/http.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>

namespace rw {

namespace {

void SetTimeouts(httplib::Client& client, double timeout_s) {
  double t = std::max(0.001, timeout_s);
  auto sec = static_cast<time_t>(t);
  auto usec = static_cast<time_t>(std::lround((t - static_cast<double>(sec)) * 1e6));
  client.set_connection_timeout(sec, usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);
}

// Why httplib gave no response, as the retry logic needs it.
void ClassifyError(httplib::Error error, double timeout_s, HttpAttempt& out) {
  switch (error) {
    case httplib::Error::Connection:
      out.transport = Transport::kUnreachable;
      out.detail = "connection refused or host not found";
      break;
    case httplib::Error::ConnectionTimeout:
      out.transport = Transport::kTimeout;
      out.detail = "no connection within " + SecondsText(timeout_s) + " s (timeout)";
      break;
    case httplib::Error::Read:
      // httplib reports a read timeout and a closed connection alike; the clock tells them apart.
      if (out.latency_s >= 0.9 * timeout_s) {
        out.transport = Transport::kTimeout;
        out.detail = "no reply within " + SecondsText(timeout_s) + " s (timeout)";
      } else {
        out.transport = Transport::kDropped;
        out.detail = "the connection closed without a response";
      }
      break;
    case httplib::Error::Write:
      out.transport = Transport::kDropped;
      out.detail = "the connection closed while sending the request";
      break;
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLLoadingCerts:
    case httplib::Error::SSLServerVerification:
      out.transport = Transport::kOther;
      out.detail = "TLS failed (certificate or handshake)";
      break;
    default:
      out.transport = Transport::kOther;
      out.detail = "request failed";
      break;
  }
  out.detail += " [httplib: " + httplib::to_string(error) + "]";
}

}  // namespace

HttpAttempt SendHttp(const BaseUrl& url, httplib::Request request, double timeout_s, bool url_encode,
                     const std::function<void(const std::string& so_far)>& on_bytes) {
  HttpAttempt out;
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  try {
    httplib::Client client(url.SchemeHostPort());
    SetTimeouts(client, timeout_s);
    client.set_url_encode(url_encode);
    request.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
      out.body.append(data, n);
      if (on_bytes) on_bytes(out.body);
      return true;
    };
    auto res = client.send(request);
    out.latency_s = elapsed();
    if (res) {
      out.transport = Transport::kResponse;
      out.status = res->status;
      out.content_type = res->get_header_value("Content-Type");
      out.retry_after = res->get_header_value("Retry-After");
      return out;
    }
    ClassifyError(res.error(), timeout_s, out);
  } catch (const std::exception& e) {
    out.latency_s = elapsed();
    out.transport = Transport::kOther;
    out.detail = std::string("request failed: ") + e.what();
  } catch (...) {
    out.latency_s = elapsed();
    out.transport = Transport::kOther;
    out.detail = "request failed (unknown exception)";
  }
  return out;
}

std::string ShortenText(std::string text, size_t max_chars) {
  if (text.size() <= max_chars) return text;
  size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  text.resize(cut);
  return text + "…";
}

std::string SecondsText(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

double RetryAfterSeconds(const std::string& header, double cap) {
  char* end = nullptr;
  double after = std::strtod(header.c_str(), &end);
  bool numeric = !header.empty() && end && *end == '\0' && std::isfinite(after) && after >= 0;
  return numeric ? std::min(after, cap) : -1;
}

}  // namespace rw
