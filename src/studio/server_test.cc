#include "studio/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/series.h"
#include "base/file.h"
#include "build/series_lock.h"

namespace rw::studio {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Sends one request exactly as written (no client normalises the path) and returns the status.
int RawStatus(int port, const std::string& target, const std::string& method = "GET", const std::string& extra = "") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nConnection: close\r\n" + extra + "\r\n";
  if (::send(fd, req.data(), req.size(), 0) < 0) {
    ::close(fd);
    return -1;
  }
  std::string reply;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) reply.append(buf, static_cast<size_t>(n));
  ::close(fd);
  if (reply.size() < 12) return -1;
  return std::stoi(reply.substr(9, 3));
}

// A build that waits for the test to let it finish.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  int started = 0;
  Result<BuildSummary> Run() {
    std::unique_lock<std::mutex> lock(mu);
    ++started;
    cv.notify_all();
    cv.wait(lock, [&] { return open; });
    return BuildSummary{};
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  }
  void WaitStarted() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return started > 0; });
  }
};

class StudioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("rw_studio_" + std::to_string(::getpid()));
    fs::remove_all(base_);
    root_ = base_ / "series";
    Settings settings;
    settings.idea = "A bride framed on her wedding night returns as the investor.";
    settings.episodes = 1;
    ASSERT_TRUE(CreateSeries(root_, settings).ok());
    fs::create_directories(root_ / "episodes/ep001/frames");
    ASSERT_TRUE(WriteFileAtomic(root_ / "episodes/ep001/script.fountain", "INT. ROOM - NIGHT\n\nShe waits.\n").ok());
    std::string bytes;
    for (int i = 0; i < 1000; ++i) bytes += static_cast<char>(i % 251);
    ASSERT_TRUE(WriteFileAtomic(root_ / "episodes/ep001/data.bin", bytes).ok());
    ASSERT_TRUE(WriteFileAtomic(base_ / "secret.txt", "outside").ok());
    fs::create_symlink(base_ / "secret.txt", root_ / "episodes/ep001/link.txt");
  }
  void TearDown() override {
    studio_.reset();
    fs::remove_all(base_);
  }

  void Start(StudioOptions options = {}) {
    options.root = root_;
    options.port = 0;
    options.token = "t0ken";
    if (!options.runner) options.runner = [this](const BuildRequest&) { return gate_.Run(); };
    studio_ = std::make_unique<Studio>(options);
    auto s = studio_->Start();
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", studio_->port());
    client_->set_read_timeout(10, 0);
  }
  std::string Origin() const { return "http://127.0.0.1:" + std::to_string(studio_->port()); }

  fs::path base_, root_;
  Gate gate_;
  std::unique_ptr<Studio> studio_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(StudioTest, ServesHealthThePageAndSeriesFiles) {
  Start();
  auto health = client_->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json::parse(health->body)["ok"], true);
  auto page = client_->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<html"), std::string::npos);
  auto script = client_->Get("/files/episodes/ep001/script.fountain");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_EQ(script->body, "INT. ROOM - NIGHT\n\nShe waits.\n");
}

TEST_F(StudioTest, ServesByteRangesForSeeking) {
  Start();
  auto r = client_->Get("/files/episodes/ep001/data.bin", {{"Range", "bytes=10-19"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  ASSERT_EQ(r->body.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(static_cast<unsigned char>(r->body[static_cast<size_t>(i)]), (10 + i) % 251);
}

TEST_F(StudioTest, RefusesEveryPathOutsideTheSeriesAndWritesNothing) {
  Start();
  int port = studio_->port();
  for (const std::string& target : std::vector<std::string>
       {"/files/../secret.txt", "/files/episodes/../../secret.txt", "/files/%2e%2e/secret.txt",
        "/files/episodes/%2E%2E/%2e%2e/secret.txt", "/files/..%2fsecret.txt", "/api/file?path=../secret.txt",
        "/api/file?path=%2e%2e%2fsecret.txt", "/api/file?path=" + (base_ / "secret.txt").string(),
        "/api/file?path=/etc/passwd", "/files/episodes/ep001/link.txt", "/api/file?path=episodes/ep001/link.txt",
        "/files/.reelwright/ledger.sqlite"}) {
    int status = RawStatus(port, target);
    EXPECT_TRUE(status == 400 || status == 403 || status == 404) << target << " → " << status;
  }
  EXPECT_EQ(RawStatus(port, "/files/episodes/ep001/link.txt"), 403);
  EXPECT_EQ(RawStatus(port, "/api/file?path=/etc/passwd"), 400);
  // Writes: outside, absolute, through a link, or a file a person does not edit.
  fs::create_symlink(base_, root_ / "episodes/ep002");
  for (const std::string& path : std::vector<std::string>{"../secret.txt", "%2e%2e/secret.txt", (base_ / "secret.txt").string(), "episodes/ep002/script.fountain",
                                 "reelwright.yaml"}) {
    auto r = client_->Put("/api/file?path=" + path, {{"Origin", Origin()}}, "overwritten", "text/plain");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->status == 400 || r->status == 403) << path << " → " << r->status;
  }
  EXPECT_EQ(*ReadFile(base_ / "secret.txt"), "outside");
  EXPECT_FALSE(fs::exists(base_ / "script.fountain"));
}

TEST_F(StudioTest, AChangeNeedsTheTokenOrTheStudiosOwnOrigin) {
  Start();
  std::string body = "INT. ROOM - DAY\n\nShe leaves.\n";
  auto none = client_->Put("/api/file?path=episodes/ep001/script.fountain", body, "text/plain");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 403);
  auto foreign = client_->Put("/api/file?path=episodes/ep001/script.fountain", {{"Origin", "http://evil.example"}}, body, "text/plain");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
  EXPECT_EQ(*ReadFile(root_ / "episodes/ep001/script.fountain"), "INT. ROOM - NIGHT\n\nShe waits.\n");
  auto own = client_->Put("/api/file?path=episodes/ep001/script.fountain", {{"Origin", Origin()}}, body, "text/plain");
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200) << own->body;
  EXPECT_EQ(*ReadFile(root_ / "episodes/ep001/script.fountain"), body);
  auto token = client_->Post("/api/build", {{"X-Reelwright-Token", "t0ken"}}, "{}", "application/json");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->status, 202);
  gate_.Open();
  // A page on another name for this machine (DNS rebinding) is refused even for reads.
  auto rebound = client_->Get("/api/series", {{"Host", "attacker.example:80"}});
  ASSERT_TRUE(rebound);
  EXPECT_EQ(rebound->status, 403);
}

TEST_F(StudioTest, BeyondLoopbackEveryRequestNeedsTheToken) {
  StudioOptions options;
  options.host = "0.0.0.0";
  Start(options);
  EXPECT_NE(studio_->Url().find("?token=t0ken"), std::string::npos);
  auto without = client_->Get("/api/series");
  ASSERT_TRUE(without);
  EXPECT_EQ(without->status, 401);
  auto file = client_->Get("/files/episodes/ep001/script.fountain");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->status, 401);
  auto wrong = client_->Get("/api/series?token=guess");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto with = client_->Get("/api/series?token=t0ken");
  ASSERT_TRUE(with);
  EXPECT_EQ(with->status, 200);
  auto page = client_->Get("/?token=t0ken");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->get_header_value("Set-Cookie").rfind("rw_token=t0ken;", 0), 0u);
  auto cookie = client_->Get("/files/episodes/ep001/script.fountain", {{"Cookie", "rw_token=t0ken"}});
  ASSERT_TRUE(cookie);
  EXPECT_EQ(cookie->status, 200);
  auto health = client_->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(StudioTest, RefusesABodyOverTheLimit) {
  StudioOptions options;
  options.max_body = 1024;
  Start(options);
  std::string big(4096, 'x');
  auto r = client_->Put("/api/file?path=episodes/ep001/script.fountain", {{"Origin", Origin()}}, big, "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(*ReadFile(root_ / "episodes/ep001/script.fountain"), "INT. ROOM - NIGHT\n\nShe waits.\n");
}

TEST_F(StudioTest, ErrorsComeBackAsJsonNamingFileAndLine) {
  Start();
  httplib::Headers own = {{"Origin", Origin()}};
  auto bad_yaml = client_->Put("/api/file?path=bible.yaml", own, "schema: Bible.1\ntitle: [unclosed\n", "text/plain");
  ASSERT_TRUE(bad_yaml);
  EXPECT_EQ(bad_yaml->status, 400);
  auto err = json::parse(bad_yaml->body, nullptr, false);
  ASSERT_TRUE(err.is_object()) << bad_yaml->body;
  EXPECT_EQ(err["where"].get<std::string>().rfind("bible.yaml", 0), 0u) << bad_yaml->body;
  EXPECT_FALSE(fs::exists(root_ / "bible.yaml"));
  for (auto [method, path, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", "/api/episode/7", ""},
           {"POST", "/api/lock", "{not json"},
           {"POST", "/api/lock", R"({"path": "episodes/ep001/script.fountain"})"},
           {"POST", "/api/variants", R"({"path": "episodes/ep001/data.bin", "n": 2})"},
           {"POST", "/api/pick", R"({"path": "episodes/ep001/script.fountain"})"},
           {"POST", "/api/build", R"({"until": "nonsense"})"},
           {"POST", "/api/upload?path=episodes/ep001/frames/S001.png", "not a png"},
           {"GET", "/api/nothing", ""}}) {
    auto r = method == "GET" ? client_->Get(path.c_str()) : client_->Post(path.c_str(), own, body, "application/json");
    ASSERT_TRUE(r) << path;
    EXPECT_GE(r->status, 400) << path;
    auto j = json::parse(r->body, nullptr, false);
    EXPECT_TRUE(j.is_object() && j.contains("error")) << path << ": " << r->body;
  }
  auto health = client_->Get("/health");  // still serving
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(StudioTest, AnUploadedFrameReplacesTheFile) {
  Start();
  std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, '\0');
  auto r = client_->Post("/api/upload?path=episodes/ep001/frames/S001.png", {{"Origin", Origin()}}, png, "image/png");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(*ReadFile(root_ / "episodes/ep001/frames/S001.png"), png);
  auto back = client_->Get("/files/episodes/ep001/frames/S001.png");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->body, png);
  EXPECT_EQ(back->get_header_value("Content-Type"), "image/png");
}

TEST_F(StudioTest, BuildsQueueOneAtATimeAndHealthAnswersDuringABuild) {
  Start();
  httplib::Headers own = {{"Origin", Origin()}};
  auto first = client_->Post("/api/build", own, R"({"episode": 1})", "application/json");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 202);
  gate_.WaitStarted();
  auto second = client_->Post("/api/build", own, "{}", "application/json");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 202);
  auto health = client_->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json::parse(health->body)["busy"], true);
  auto jobs = json::parse(client_->Get("/api/jobs")->body)["jobs"];
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0]["state"], "running");
  EXPECT_EQ(jobs[1]["state"], "queued");
  gate_.Open();
  // The event stream carries both builds to their end.
  std::string stream;
  int done = 0;
  httplib::Client events("127.0.0.1", studio_->port());
  events.set_read_timeout(10, 0);
  events.Get("/api/events?after=0", [&](const char* data, size_t n) {
    stream.append(data, n);
    done = 0;
    for (size_t p = stream.find("event: done"); p != std::string::npos; p = stream.find("event: done", p + 1)) ++done;
    return done < 2;
  });
  EXPECT_EQ(done, 2) << stream;
  EXPECT_LT(stream.find("event: start"), stream.find("event: done"));
}

TEST_F(StudioTest, ASaveDuringABuildIsRefusedNotInterleaved) {
  // The runner holds the series lock as BuildSeries does (and as a `reelwright build` in another
  // process would): the studio's writes wait their turn instead of landing mid-build.
  StudioOptions options;
  options.runner = [this](const BuildRequest&) -> Result<BuildSummary> {
    RW_ASSIGN(auto lock, SeriesLock::Acquire(root_ / kStateDir));
    return gate_.Run();
  };
  Start(options);
  httplib::Headers own = {{"Origin", Origin()}};
  ASSERT_EQ(client_->Post("/api/build", own, "{}", "application/json")->status, 202);
  gate_.WaitStarted();
  auto r = client_->Put("/api/file?path=episodes/ep001/script.fountain", own, "INT. ROOM - DAY\n", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_NE(r->body.find("is working on this series"), std::string::npos) << r->body;
  EXPECT_EQ(*ReadFile(root_ / "episodes/ep001/script.fountain"), "INT. ROOM - NIGHT\n\nShe waits.\n");
  gate_.Open();
}

}  // namespace
}  // namespace rw::studio
