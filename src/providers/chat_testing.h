// Test-only helpers: a scripted OpenAI-compatible chat server on 127.0.0.1, a server that
// accepts connections and drops them, and a port nobody listens on. No network beyond loopback.
// Header-only; never included by library code.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace rw::testing {

struct FakeReply {
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
  double delay_s = 0;  // the handler sleeps this long before answering
  std::string content_type = "application/json";
};

struct SeenRequest {
  nlohmann::json json;  // the parsed body (null if it did not parse)
  std::string authorization;
};

// A 200 chat completion whose message content is `content`.
inline FakeReply ChatReply(const std::string& content, int prompt_tokens = 100, int completion_tokens = 50) {
  nlohmann::json body = {
      {"id", "chatcmpl-test"},
      {"object", "chat.completion"},
      {"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}}}},
      {"usage", {{"prompt_tokens", prompt_tokens}, {"completion_tokens", completion_tokens},
                 {"total_tokens", prompt_tokens + completion_tokens}}}};
  return FakeReply{200, body.dump(), {}, 0};
}

// A 200 chat completion streamed as server-sent events: `content` in deltas of `chunk`
// characters, then a usage event and [DONE] (unless `complete` is false: the stream breaks off
// half-way).
inline FakeReply ChatStreamReply(const std::string& content, size_t chunk = 7, bool complete = true,
                                 int prompt_tokens = 100, int completion_tokens = 50) {
  std::string body;
  auto event = [&](const nlohmann::json& j) { body += "data: " + j.dump() + "\n\n"; };
  event({{"object", "chat.completion.chunk"}, {"choices", {{{"index", 0}, {"delta", {{"role", "assistant"}}}}}}});
  size_t end = complete ? content.size() : content.size() / 2;
  for (size_t at = 0; at < end; at += chunk)
    event({{"object", "chat.completion.chunk"},
           {"choices", {{{"index", 0}, {"delta", {{"content", content.substr(at, std::min(chunk, end - at))}}}}}}});
  if (complete) {
    event({{"object", "chat.completion.chunk"}, {"choices", {{{"index", 0}, {"delta", nlohmann::json::object()}, {"finish_reason", "stop"}}}}});
    event({{"object", "chat.completion.chunk"}, {"choices", nlohmann::json::array()},
           {"usage", {{"prompt_tokens", prompt_tokens}, {"completion_tokens", completion_tokens}}}});
    body += "data: [DONE]\n\n";
  }
  FakeReply r{200, body, {}, 0};
  r.content_type = "text/event-stream";
  return r;
}

inline FakeReply ErrorReply(int status, const std::string& message) {
  nlohmann::json body = {{"error", {{"message", message}, {"type", "test"}}}};
  return FakeReply{status, body.dump(), {}, 0};
}

// Serves POST /v1/chat/completions; `handler` gets the 0-based request index and its body.
class FakeChatServer {
 public:
  using Handler = std::function<FakeReply(int index, const nlohmann::json& request)>;

  explicit FakeChatServer(Handler handler) : handler_(std::move(handler)) {
    server_.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
      SeenRequest seen;
      seen.json = nlohmann::json::parse(req.body, nullptr, false);
      seen.authorization = req.get_header_value("Authorization");
      int index;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        index = static_cast<int>(requests_.size());
        requests_.push_back(seen);
      }
      FakeReply reply = handler_(index, seen.json);
      if (reply.delay_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(reply.delay_s));
      res.status = reply.status;
      for (const auto& [k, v] : reply.headers) res.set_header(k, v);
      res.set_content(reply.body, reply.content_type);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~FakeChatServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  FakeChatServer(const FakeChatServer&) = delete;
  FakeChatServer& operator=(const FakeChatServer&) = delete;

  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  std::vector<SeenRequest> Requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  Handler handler_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<SeenRequest> requests_;
};

// Accepts connections on 127.0.0.1, reads the request head, and closes without a response.
class DroppingServer {
 public:
  DroppingServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) continue;
        ++accepted_;
        std::string head;
        char buf[4096];
        while (head.find("\r\n\r\n") == std::string::npos) {
          pollfd c{client, POLLIN, 0};
          if (::poll(&c, 1, 1000) <= 0) break;
          ssize_t n = ::recv(client, buf, sizeof buf, 0);
          if (n <= 0) break;
          head.append(buf, static_cast<size_t>(n));
        }
        ::close(client);
      }
    });
  }
  ~DroppingServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  DroppingServer(const DroppingServer&) = delete;
  DroppingServer& operator=(const DroppingServer&) = delete;

  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  int accepted() const { return accepted_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

// A loopback port that was bound and released, so nothing listens on it.
inline int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace rw::testing
