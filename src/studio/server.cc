#include "studio/server.h"

#include <httplib.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "app/control.h"
#include "app/series.h"
#include "base/file.h"
#include "base/progress.h"
#include "build/series_lock.h"
#include "schema/arc.h"
#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/shots.h"
#include "schema/yaml_io.h"
#include "story/fountain.h"
#include "studio/assets.h"
#include "studio/path_guard.h"

namespace rw::studio {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr size_t kThreads = 32;
}  // namespace

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

namespace {

std::string RandomToken() {
  std::random_device rd;
  static const char kHex[] = "0123456789abcdef";
  std::string t;
  for (int i = 0; i < 32; ++i) t += kHex[rd() % 16];
  return t;
}

// Constant time in the token's length: the comparison does not leak how much matched.
bool SameToken(const std::string& given, const std::string& token) {
  if (given.size() != token.size() || token.empty()) return false;
  unsigned diff = 0;
  for (size_t i = 0; i < token.size(); ++i) diff |= static_cast<unsigned>(given[i] ^ token[i]);
  return diff == 0;
}

std::string CookieValue(const httplib::Request& req, const std::string& name) {
  std::string cookies = req.get_header_value("Cookie");
  std::string key = name + "=";
  for (size_t pos = 0; pos < cookies.size();) {
    while (pos < cookies.size() && (cookies[pos] == ' ' || cookies[pos] == ';')) ++pos;
    size_t end = cookies.find(';', pos);
    if (end == std::string::npos) end = cookies.size();
    if (cookies.compare(pos, key.size(), key) == 0) return cookies.substr(pos + key.size(), end - pos - key.size());
    pos = end;
  }
  return "";
}

std::string ContentType(const fs::path& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},   {".json", "application/json"},
      {".png", "image/png"},                 {".mp4", "video/mp4"},
      {".vtt", "text/vtt; charset=utf-8"},   {".srt", "text/plain; charset=utf-8"},
      {".ass", "text/plain; charset=utf-8"}, {".yaml", "text/plain; charset=utf-8"},
      {".fountain", "text/plain; charset=utf-8"}, {".wav", "audio/wav"},
      {".svg", "image/svg+xml"},             {".otio", "application/json"}};
  auto it = kTypes.find(path.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

void SendJson(httplib::Response& res, const json& body, int status = 200) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& message, const std::string& where = "") {
  SendJson(res, json{{"error", where.empty() ? message : where + ": " + message}, {"message", message}, {"where", where}},
           status);
}

int StatusFor(const Error& e) {
  switch (e.code) {
    case ErrorCode::kBadInput: return 400;
    case ErrorCode::kNotFound: return 404;
    default: return 500;
  }
}

void SendError(httplib::Response& res, const Error& e) {
  // The series lock refuses a second writer: that is a conflict to retry, not a server fault.
  int status = e.message.find("is working on this series") != std::string::npos ? 409 : StatusFor(e);
  SendError(res, status, e.message, e.where);
}

json ParseBody(const httplib::Request& req) { return json::parse(req.body, nullptr, false); }

// Episode number from a path parameter, or 0.
int EpisodeParam(const std::string& s) {
  if (s.empty() || s.size() > 4) return 0;
  for (char c : s)
    if (c < '0' || c > '9') return 0;
  return std::stoi(s);
}

// A text file the browser sends is checked as its kind before anything is written, so a typo
// comes back as file:line and the file on disk stays good.
Status CheckText(const std::string& rel, const std::string& text) {
  if (rel.ends_with(".fountain")) {
    RW_TRY(ParseFountain(text, rel));
  } else if (rel == kBibleFile) {
    RW_TRY(ParseYaml<Bible>(text, rel));
  } else if (rel == kArcFile) {
    RW_TRY(ParseYaml<Arc>(text, rel));
  } else if (rel.ends_with("beats.yaml")) {
    RW_TRY(ParseYaml<Beats>(text, rel));
  } else if (rel.ends_with("shots.yaml")) {
    RW_TRY(ParseYaml<Shots>(text, rel));
  }
  return {};
}

bool IsPng(const std::string& bytes) { return bytes.size() > 8 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0; }

// "variants/S001.v3.png" → "v3"
std::string VariantName(const std::string& variant_path) {
  std::string stem = fs::path(variant_path).stem().string();
  auto dot = stem.rfind('.');
  return dot == std::string::npos ? stem : stem.substr(dot + 1);
}

}  // namespace

struct Studio::Impl {
  StudioOptions options;
  fs::path root;
  httplib::Server server;
  std::unique_ptr<BuildQueue> queue;
  std::thread listener;
  int port = 0;
  std::atomic<bool> stopping{false};

  explicit Impl(StudioOptions o) : options(std::move(o)) {}

  // ---- security ----

  bool HasToken(const httplib::Request& req) const {
    const std::string& t = options.token;
    return SameToken(req.get_param_value("token"), t) || SameToken(req.get_header_value("X-Reelwright-Token"), t) ||
           SameToken(CookieValue(req, "rw_token"), t);
  }

  bool HostIsLoopback(const httplib::Request& req) const {
    std::string host = req.get_header_value("Host");
    if (!host.empty() && host.front() == '[') host = host.substr(1, host.find(']') - 1);
    else host = host.substr(0, host.rfind(':'));
    return IsLoopback(host);
  }

  // Refuses (and answers) a request that may not go on; false lets it through.
  bool Refuse(const httplib::Request& req, httplib::Response& res) const {
    if (req.path == "/health") return false;
    if (!IsLoopback(options.host)) {
      if (!HasToken(req)) {
        SendError(res, 401, "this studio is served beyond this machine: open the address printed by `reelwright serve`, with its token");
        return true;
      }
    } else if (!HostIsLoopback(req)) {
      SendError(res, 403, "the Host header does not name this machine; open the studio at http://127.0.0.1:" + std::to_string(port));
      return true;
    }
    if (req.method != "GET" && req.method != "HEAD" && !HasToken(req)) {
      std::string origin = req.get_header_value("Origin");
      if (origin.empty() || origin != "http://" + req.get_header_value("Host")) {
        SendError(res, 403, "a change needs the studio's token or a request from the studio's own page (Origin)");
        return true;
      }
    }
    return false;
  }

  // ---- handlers ----

  void Routes() {
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      return Refuse(req, res) ? httplib::Server::HandlerResponse::Handled : httplib::Server::HandlerResponse::Unhandled;
    });
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "unexpected error";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      SendError(res, 500, what);
    });
    server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty()) return;
      std::string message = res.status == 413 ? "the request is too large" : "not found";
      SendError(res, res.status, message);
    });

    server.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
      SendJson(res, {{"ok", true}, {"busy", queue->Busy()}});
    });
    server.Get("/", [this](const httplib::Request& req, httplib::Response& res) { Asset(req, res, "index.html"); });
    server.Get(R"(/studio/([a-z_]+\.(js|css|html)))", [this](const httplib::Request& req, httplib::Response& res) {
      Asset(req, res, req.matches[1]);
    });
    server.Get(R"(/files/(.+))", [this](const httplib::Request& req, httplib::Response& res) { File(req.matches[1], res); });
    server.Get("/api/file", [this](const httplib::Request& req, httplib::Response& res) {
      File(req.get_param_value("path"), res);
    });
    server.Put("/api/file", [this](const httplib::Request& req, httplib::Response& res) { SaveText(req, res); });
    server.Post("/api/upload", [this](const httplib::Request& req, httplib::Response& res) { Upload(req, res); });
    server.Get("/api/series", [this](const httplib::Request&, httplib::Response& res) { Series(res); });
    server.Get(R"(/api/episode/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      Episode(EpisodeParam(req.matches[1]), res);
    });
    server.Get("/api/plan", [this](const httplib::Request& req, httplib::Response& res) { Plan(req, res); });
    server.Post("/api/build", [this](const httplib::Request& req, httplib::Response& res) { Build(req, res); });
    server.Get("/api/jobs", [this](const httplib::Request&, httplib::Response& res) { Jobs(res); });
    server.Get("/api/events", [this](const httplib::Request& req, httplib::Response& res) { Events(req, res); });
    server.Post("/api/lock", [this](const httplib::Request& req, httplib::Response& res) { Lock(req, res); });
    server.Post("/api/variants", [this](const httplib::Request& req, httplib::Response& res) { Variants(req, res); });
    server.Post("/api/pick", [this](const httplib::Request& req, httplib::Response& res) { Pick(req, res); });
    server.Post("/api/regenerate", [this](const httplib::Request& req, httplib::Response& res) { Regenerate(req, res); });
  }

  void Asset(const httplib::Request& req, httplib::Response& res, const std::string& name) {
    const studio::Asset* a = FindAsset(name);
    if (!a) return SendError(res, 404, name + ": no such page");
    // Opened with ?token=: the page's own requests (media too) carry it from now on.
    if (name == "index.html" && !req.get_param_value("token").empty() && HasToken(req))
      res.set_header("Set-Cookie", "rw_token=" + options.token + "; Path=/; HttpOnly; SameSite=Strict");
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::string(a->bytes), ContentType(name).c_str());
  }

  // Any file of the series, with Range support (a <video> seeks with it).
  void File(const std::string& rel, httplib::Response& res) {
    GuardedPath g = GuardRead(root, rel);
    if (!g.ok()) return SendError(res, g.status, g.message);
    std::error_code ec;
    auto size = fs::file_size(g.path, ec);
    if (ec) return SendError(res, 404, g.rel + ": cannot be read");
    res.set_header("Cache-Control", "no-cache");
    fs::path path = g.path;
    res.set_content_provider(size, ContentType(path), [path](size_t offset, size_t length, httplib::DataSink& sink) {
      std::ifstream in(path, std::ios::binary);
      if (!in.seekg(static_cast<std::streamoff>(offset))) return false;
      std::vector<char> buf(std::min<size_t>(length, 1u << 16));
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      std::streamsize got = in.gcount();
      if (got <= 0) return false;
      return sink.write(buf.data(), static_cast<size_t>(got));
    });
  }

  // Writes a file a person changed, under the series lock, so it never lands in the middle of a
  // build's reads (the build would refuse the lock the other way round too).
  Status WriteLocked(const fs::path& path, const std::string& bytes) {
    RW_ASSIGN(auto lock, SeriesLock::Acquire(root / kStateDir));
    return WriteFileAtomic(path, bytes);
  }

  void SaveText(const httplib::Request& req, httplib::Response& res) {
    GuardedPath g = GuardWrite(root, req.get_param_value("path"));
    if (!g.ok()) return SendError(res, g.status, g.message);
    if (g.rel.ends_with(".png")) return SendError(res, 400, "a frame is replaced with POST /api/upload");
    if (Status s = CheckText(g.rel, req.body); !s.ok()) return SendError(res, 400, s.error().message, s.error().where);
    if (Status s = WriteLocked(g.path, req.body); !s.ok()) return SendError(res, s.error());
    SendJson(res, {{"saved", g.rel}, {"bytes", req.body.size()}});
  }

  void Upload(const httplib::Request& req, httplib::Response& res) {
    GuardedPath g = GuardWrite(root, req.get_param_value("path"));
    if (!g.ok()) return SendError(res, g.status, g.message);
    if (!g.rel.ends_with(".png")) return SendError(res, 400, "only a frame (frames/SNNN.png) is uploaded; text files are saved with PUT");
    if (!IsPng(req.body)) return SendError(res, 400, "the upload is not a PNG image");
    if (Status s = WriteLocked(g.path, req.body); !s.ok()) return SendError(res, s.error());
    SendJson(res, {{"saved", g.rel}, {"bytes", req.body.size()}});
  }

  // What the series grid shows of an episode: length, shots and lines from its shot list.
  json EpisodeCard(int n) {
    std::string dir = EpisodeDir(n);
    json ep{{"number", n}, {"name", EpisodeName(n)}, {"seconds", nullptr}, {"shots", 0}, {"lines", 0}};
    auto shots = LoadYaml<Shots>(root / dir / "shots.yaml", dir + "/shots.yaml");
    if (shots.ok()) {
      double end = 0;
      std::set<std::string> lines;
      for (const auto& s : shots->shots) {
        end = std::max(end, s.start_s + s.duration_s);
        lines.insert(s.lines.begin(), s.lines.end());
      }
      ep["seconds"] = end;
      ep["shots"] = shots->shots.size();
      ep["lines"] = lines.size();
    }
    std::error_code ec;
    if (!shots.ok() || shots->shots.empty()) return ep;
    std::string poster = dir + "/frames/" + shots->shots.front().id + ".png";
    if (fs::exists(root / poster, ec)) ep["poster"] = poster;
    return ep;
  }

  void Series(httplib::Response& res) {
    auto settings = LoadSettings(root);
    if (!settings.ok()) return SendError(res, settings.error());
    json out{{"settings", ToJson(*settings)}, {"root", root.filename().string()}};
    json episodes = json::array();
    for (int n = 1; n <= settings->episodes; ++n) episodes.push_back(EpisodeCard(n));
    out["episodes"] = episodes;
    auto status = SeriesStatus(root, {});
    json stages = json::array();
    if (status.ok()) {
      for (const auto& s : *status)
        stages.push_back({{"name", s.name}, {"state", StateName(s.state)}, {"reason", s.reason}, {"persons", s.persons},
                          {"locked", s.locked}});
    } else {
      out["status_error"] = status.error().ToString();
    }
    out["stages"] = stages;
    auto bible = LoadYaml<Bible>(root / kBibleFile, kBibleFile);
    if (bible.ok()) out["bible"] = ToJson(*bible);
    else if (fs::exists(root / kBibleFile)) out["bible_error"] = bible.error().ToString();
    auto report = ReadFile(root / "report.json");
    if (report.ok()) out["report"] = json::parse(*report, nullptr, false);
    SendJson(res, out);
  }

  void Episode(int n, httplib::Response& res) {
    auto settings = LoadSettings(root);
    if (!settings.ok()) return SendError(res, settings.error());
    if (n < 1 || n > settings->episodes) return SendError(res, 404, "no such episode", std::to_string(n));
    std::string dir = EpisodeDir(n);
    json out{{"number", n}, {"name", EpisodeName(n)}, {"dir", dir}, {"rhythm", ToJson(settings->rhythm)}};
    auto beats = LoadYaml<Beats>(root / dir / "beats.yaml", dir + "/beats.yaml");
    if (beats.ok()) out["beats"] = ToJson(*beats);
    auto shots = LoadYaml<Shots>(root / dir / "shots.yaml", dir + "/shots.yaml");
    if (shots.ok()) {
      json list = ToJson(*shots);
      for (auto& s : list["shots"]) {
        std::string frame = dir + "/frames/" + s["id"].get<std::string>() + ".png";
        s["frame"] = frame;
        json variants = json::array();
        for (const auto& name : VariantsOf(root, frame))
          if (!name.empty()) variants.push_back({{"name", name}, {"path", VariantPathFor(frame, name)}});
        s["variants"] = variants;
      }
      out["shots"] = list;
    }
    std::error_code ec;
    if (fs::exists(root / dir / "script.fountain", ec)) out["script"] = dir + "/script.fountain";
    std::string base = dir + "/" + EpisodeName(n) + "." + settings->lang;
    if (fs::exists(root / (base + ".vtt"), ec)) out["vtt"] = base + ".vtt";
    // The preview render when there is one (small and quick to seek), else the series' preset.
    for (const std::string& preset : {std::string("preview"), settings->preset, std::string()}) {
      std::string video = base + (preset.empty() || preset == "master" ? "" : "." + preset) + ".mp4";
      if (!out.contains("video") && fs::exists(root / video, ec)) out["video"] = video;
    }
    // Which of the episode's files are a person's, and which are locked (status's +edit, locked).
    json persons = json::array(), locked = json::array();
    if (auto status = SeriesStatus(root, {}); status.ok()) {
      for (const auto& st : *status) {
        for (const auto& p : st.persons)
          if (p.rfind(dir + "/", 0) == 0) persons.push_back(p);
        for (const auto& p : st.locked)
          if (p.rfind(dir + "/", 0) == 0) locked.push_back(p);
      }
    }
    out["persons"] = persons;
    out["locked"] = locked;
    auto lines = EpisodeLines(root, n);
    if (lines.ok()) {
      json list = json::array();
      for (const auto& l : *lines)
        list.push_back({{"n", l.author.n}, {"kind", l.author.kind}, {"author", l.author.author}, {"distance", l.author.distance},
                        {"character", l.character}, {"text", l.text}, {"line", l.file_line}});
      out["lines"] = list;
    } else {
      out["lines_error"] = lines.error().ToString();
    }
    SendJson(res, out);
  }

  BuildRequest RequestFrom(const json& body) {
    BuildRequest r;
    if (!body.is_object()) return r;
    r.preset = body.value("preset", "");
    r.until = body.value("until", "");
    r.approve = body.value("approve", "");
    if (body.contains("episode") && body["episode"].is_number_integer()) r.episodes.push_back(body["episode"].get<int>());
    return r;
  }

  void Plan(const httplib::Request& req, httplib::Response& res) {
    json q{{"preset", req.get_param_value("preset")}, {"until", req.get_param_value("until")}};
    if (int n = EpisodeParam(req.get_param_value("episode"))) q["episode"] = n;
    auto plan = PlanBuild(root, RequestFrom(q));
    if (!plan.ok()) return SendError(res, plan.error());
    json stages = json::array();
    for (const auto& p : plan->stages)
      stages.push_back({{"name", p.name}, {"reason", p.reason}, {"provider", p.provider}, {"calls", p.calls}, {"cost", p.cost},
                        {"seconds", p.seconds}, {"from_history", p.from_history}});
    SendJson(res, {{"id", plan->id}, {"stages", stages}, {"cost", plan->cost}, {"seconds", plan->seconds},
                   {"budget", plan->budget}, {"needs_approval", plan->needs_approval}});
  }

  void Build(const httplib::Request& req, httplib::Response& res) {
    json body = req.body.empty() ? json::object() : ParseBody(req);
    if (!body.is_object()) return SendError(res, 400, "the body is not a JSON object");
    BuildRequest r = RequestFrom(body);
    if (!r.until.empty()) {
      bool known = false;
      for (const auto& k : StageKinds()) known |= k == r.until;
      if (!known) return SendError(res, 400, "no stage named " + r.until);
    }
    int64_t id = queue->Enqueue(r);
    SendJson(res, {{"job", id}, {"events", queue->LastEventId()}}, 202);
  }

  void Jobs(httplib::Response& res) {
    json list = json::array();
    for (const auto& j : queue->Jobs())
      list.push_back({{"id", j.id}, {"state", j.state}, {"error", j.error}, {"where", j.where}});
    SendJson(res, {{"jobs", list}, {"last_event", queue->LastEventId()}});
  }

  // Server-sent events: every build event after ?after= (or Last-Event-ID), then live ones.
  void Events(const httplib::Request& req, httplib::Response& res) {
    std::string from = req.get_header_value("Last-Event-ID");
    if (from.empty()) from = req.get_param_value("after");
    int64_t after = 0;
    try {
      after = from.empty() ? 0 : std::stoll(from);
    } catch (...) {
      return SendError(res, 400, "after: not an event number");
    }
    res.set_header("Cache-Control", "no-store");
    auto last = std::make_shared<int64_t>(after);
    res.set_chunked_content_provider("text/event-stream", [this, last](size_t, httplib::DataSink& sink) {
      if (stopping) return false;
      auto events = queue->EventsAfter(*last, std::chrono::milliseconds(500));
      std::string out;
      for (const auto& e : events) {
        out += "id: " + std::to_string(e.id) + "\nevent: " + e.type + "\ndata: " + e.json + "\n\n";
        *last = e.id;
      }
      if (out.empty()) out = ": idle\n\n";  // finds a closed connection
      return sink.write(out.data(), out.size());
    });
  }

  // The JSON body's "path", through the path guard for reading (it must exist in the series).
  bool BodyPath(const httplib::Request& req, httplib::Response& res, json& body, GuardedPath& g) {
    body = ParseBody(req);
    if (!body.is_object() || !body.contains("path") || !body["path"].is_string()) {
      SendError(res, 400, "the body must be a JSON object with a \"path\"");
      return false;
    }
    g = GuardRead(root, body["path"].get<std::string>());
    if (!g.ok()) SendError(res, g.status, g.message);
    return g.ok();
  }

  void Lock(const httplib::Request& req, httplib::Response& res) {
    json body;
    GuardedPath g;
    if (!BodyPath(req, res, body, g)) return;
    bool locked = body.value("locked", true);
    if (Status s = SetLocked(root, g.rel, locked); !s.ok()) return SendError(res, s.error());
    SendJson(res, {{"path", g.rel}, {"locked", locked}});
  }

  void Variants(const httplib::Request& req, httplib::Response& res) {
    json body;
    GuardedPath g;
    if (!BodyPath(req, res, body, g)) return;
    int n = body.value("n", 3);
    if (n < 1 || n > 8) return SendError(res, 400, "n: between 1 and 8 variants at a time");
    auto made = MakeVariants(root, g.rel, n);
    if (!made.ok()) return SendError(res, made.error());
    SendJson(res, {{"path", g.rel}, {"made", *made}, {"variants", VariantsOf(root, g.rel)}});
  }

  void Pick(const httplib::Request& req, httplib::Response& res) {
    json body;
    GuardedPath g;
    if (!BodyPath(req, res, body, g)) return;
    std::string name = body.value("variant", "");
    if (name.empty()) return SendError(res, 400, "variant: which one (v1, v2…)");
    if (Status s = PickVariant(root, g.rel, name); !s.ok()) return SendError(res, s.error());
    SendJson(res, {{"path", g.rel}, {"picked", name}});
  }

  // One new take of a frame (another seed), made current: the creator's choice from then on.
  void Regenerate(const httplib::Request& req, httplib::Response& res) {
    json body;
    GuardedPath g;
    if (!BodyPath(req, res, body, g)) return;
    auto made = MakeVariants(root, g.rel, 1);
    if (!made.ok()) return SendError(res, made.error());
    if (made->empty()) return SendError(res, 500, "no variant was made");
    std::string name = VariantName(made->front());
    if (Status s = PickVariant(root, g.rel, name); !s.ok()) return SendError(res, s.error());
    SendJson(res, {{"path", g.rel}, {"picked", name}});
  }
};

Studio::Studio(StudioOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  if (impl_->options.token.empty()) impl_->options.token = RandomToken();
}

Studio::~Studio() { Stop(); }

Status Studio::Start() {
  Impl& s = *impl_;
  std::error_code ec;
  s.root = fs::canonical(s.options.root, ec);
  if (ec) return BadInput(s.options.root.string(), "no such series folder");
  RW_TRY(LoadSettings(s.root));
  BuildQueue::Runner runner = s.options.runner;
  if (!runner) runner = [root = s.root](const BuildRequest& r) { return BuildSeries(root, r); };
  s.queue = std::make_unique<BuildQueue>(std::move(runner));
  SetProgressSink([queue = s.queue.get()](const ProgressEvent& e) {
    if (e.kind == ProgressEvent::Kind::kLine)
      queue->Report("line", json{{"text", e.text}}.dump());
    else
      queue->Report("percent", json{{"label", e.text}, {"percent", e.percent}}.dump());
  });
  // A thread per open connection: each page holds one for its event stream, and a <video>
  // may hold more while it buffers, so the pool is wider than httplib's default of 8.
  s.server.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  s.server.set_payload_max_length(s.options.max_body);
  s.server.set_keep_alive_timeout(2);
  s.Routes();
  if (s.options.port == 0) {
    s.port = s.server.bind_to_any_port(s.options.host);
  } else {
    s.port = s.server.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (s.port <= 0)
    return Failed("cannot listen on " + s.options.host + ":" + std::to_string(s.options.port) +
                  " (in use? try another --port)");
  s.listener = std::thread([&s] { s.server.listen_after_bind(); });
  return {};
}

int Studio::port() const { return impl_->port; }
const std::string& Studio::token() const { return impl_->options.token; }

std::string Studio::Url() const {
  std::string host = impl_->options.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  std::string url = "http://" + host + ":" + std::to_string(impl_->port) + "/";
  if (!IsLoopback(impl_->options.host)) url += "?token=" + impl_->options.token;
  return url;
}

bool Studio::Busy() const { return impl_->queue && impl_->queue->Busy(); }

void Studio::Stop() {
  Impl& s = *impl_;
  if (s.stopping.exchange(true)) return;
  s.server.stop();
  if (s.listener.joinable()) s.listener.join();
  SetProgressSink(nullptr);
  s.queue.reset();
}

}  // namespace rw::studio
