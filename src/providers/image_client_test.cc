#include "providers/image_client.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "providers/media_testing.h"

namespace rw {
namespace {

namespace fs = std::filesystem;
using testing::BytesReply;
using testing::CheckPng;
using testing::ErrorReply;
using testing::FakeMediaServer;
using testing::FakeReply;
using testing::JsonReply;
using testing::MakePng;
using testing::MediaRequest;

ImageProviderSettings SettingsFor(const std::string& kind, const std::string& base_url) {
  ImageProviderSettings s;
  s.kind = kind;
  s.base_url = base_url;
  s.timeout_s = 5;
  s.max_retries = 3;
  return s;
}

ImageRequest SmallRequest() {
  ImageRequest r;
  r.prompt = "A woman in a red coat on a rainy rooftop, night";
  r.width = 48;
  r.height = 80;
  r.seed = 1234;
  return r;
}

struct Sleeps {
  std::vector<double> seconds;
  void Attach(ImageClient& client) {
    client.SetSleepForTests([this](double s) { seconds.push_back(s); });
  }
};

// {"images": [<base64 of a PNG of the requested size>]}, as Automatic1111 answers.
FakeReply A1111Reply(const MediaRequest& request) {
  std::string png = MakePng(request.json.value("width", 8), request.json.value("height", 8));
  return JsonReply({{"images", {Base64Encode(png)}}, {"parameters", request.json}, {"info", "{}"}});
}

// A folder for one test's series, removed at the end.
class TempSeries {
 public:
  TempSeries() {
    root_ = fs::temp_directory_path() /
            ("rw_image_test_" + std::to_string(::getpid()) + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_);
  }
  ~TempSeries() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  const fs::path& root() const { return root_; }
  void Write(const std::string& name, const std::string& text) const { std::ofstream(root_ / name) << text; }

 private:
  fs::path root_;
};

// A txt2img workflow in ComfyUI's API format, with the markers a creator would set.
const char kWorkflow[] = R"({
  "3": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": 20, "cfg": 7, "sampler_name": "euler",
        "scheduler": "normal", "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0],
        "latent_image": ["5", 0]}},
  "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
  "5": {"class_type": "EmptyLatentImage", "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": 1}},
  "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["4", 1]}},
  "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{negative}}", "clip": ["4", 1]}},
  "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
  "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "rw", "images": ["8", 0]}},
  "10": {"class_type": "LoadImage", "inputs": {"image": "{{reference}}"}}
})";

// ---- the fake media themselves ----

TEST(ImageFakeMedia, PngIsValidDownToItsChecksums) {
  std::string png = MakePng(200, 120);  // 72 KB of pixels: two stored blocks
  testing::PngCheck check = CheckPng(png);
  ASSERT_EQ(check.problem, "");
  EXPECT_EQ(check.width, 200);
  EXPECT_EQ(check.height, 120);
  EXPECT_EQ(static_cast<uint8_t>(check.pixels[1 + 3 * 199]), 255);  // red at the right edge of row 0
  std::string broken = png;
  broken[40] ^= 1;
  EXPECT_NE(CheckPng(broken).problem, "");
  // Known values: CRC-32 and Adler-32 of "123456789" and of "Wikipedia".
  EXPECT_EQ(testing::Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(testing::Adler32("Wikipedia"), 0x11E60398u);
}

TEST(ImageBase64, RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode(""), "");
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n < 7; ++n) {
    auto back = Base64Decode(Base64Encode(all.substr(250 - n)));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, all.substr(250 - n));
  }
  auto wrapped = Base64Decode("data:image/png;base64,Zm9v\nYmE");
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(*wrapped, "fooba");
  auto bad = Base64Decode("Zm9v*mFy");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'*' at offset 4"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(Base64Decode("Zm9vY").ok());
  EXPECT_FALSE(Base64Decode("Zm9=v").ok());
}

// ---- openai ----

TEST(ImageClient, OpenAiHappyPath) {
  std::string served;
  FakeMediaServer server([&](const MediaRequest& req, int) {
    if (req.path != "/v1/images/generations") return ErrorReply(404, "no route " + req.path);
    std::string size = req.json.value("size", "");
    served = MakePng(std::stoi(size), std::stoi(size.substr(size.find('x') + 1)));
    return JsonReply({{"created", 1}, {"data", {{{"b64_json", Base64Encode(served)}}}}});
  });
  ImageProviderSettings settings = SettingsFor("openai", server.Url("/v1"));
  settings.model = "gpt-image-test";
  settings.api_key_env = "RW_TEST_IMAGE_KEY";
  settings.price_per_image = 0.04;
  ::setenv("RW_TEST_IMAGE_KEY", "sk-image-123", 1);
  ImageClient client(settings, fs::temp_directory_path());
  std::vector<CallRecord> calls;
  auto png = client.Generate(SmallRequest(), &calls);
  ::unsetenv("RW_TEST_IMAGE_KEY");
  ASSERT_TRUE(png.ok()) << png.error().ToString();
  EXPECT_EQ(*png, served);
  testing::PngCheck check = CheckPng(*png);
  EXPECT_EQ(check.problem, "");
  EXPECT_EQ(check.width, 48);
  EXPECT_EQ(check.height, 80);

  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const nlohmann::json& body = requests[0].json;
  EXPECT_EQ(body["model"], "gpt-image-test");
  EXPECT_EQ(body["prompt"], SmallRequest().prompt + "\nAvoid: " + settings.negative_prompt);
  EXPECT_EQ(body["n"], 1);
  EXPECT_EQ(body["size"], "48x80");
  EXPECT_EQ(body["response_format"], "b64_json");
  EXPECT_FALSE(body.contains("negative_prompt"));
  EXPECT_FALSE(body.contains("seed"));
  EXPECT_EQ(requests[0].authorization, "Bearer sk-image-123");

  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].provider, server.Url("/v1"));
  EXPECT_EQ(calls[0].model, "gpt-image-test");
  EXPECT_EQ(calls[0].attempt, 1);
  EXPECT_EQ(calls[0].http_status, 200);
  EXPECT_EQ(calls[0].outcome, "ok");
  EXPECT_DOUBLE_EQ(calls[0].cost, 0.04);
  EXPECT_EQ(calls[0].usage.prompt_tokens, 0);
  EXPECT_GT(calls[0].latency_s, 0);
}

TEST(ImageClient, MissingApiKeyEnvIsBadInput) {
  FakeMediaServer server([](const MediaRequest&, int) { return JsonReply({}); });
  ImageProviderSettings settings = SettingsFor("openai", server.Url("/v1"));
  settings.api_key_env = "RW_TEST_IMAGE_KEY_THAT_IS_NOT_SET";
  ::unsetenv(settings.api_key_env.c_str());
  ImageClient client(settings, fs::temp_directory_path());
  auto png = client.Generate(SmallRequest(), nullptr);
  ASSERT_FALSE(png.ok());
  EXPECT_EQ(png.error().code, ErrorCode::kBadInput);
  EXPECT_NE(png.error().message.find("RW_TEST_IMAGE_KEY_THAT_IS_NOT_SET"), std::string::npos);
  EXPECT_TRUE(server.Requests().empty());
}

TEST(ImageClient, UnknownKindIsBadInput) {
  ImageClient client(SettingsFor("midjourney", "http://127.0.0.1:1"), fs::temp_directory_path());
  auto png = client.Generate(SmallRequest(), nullptr);
  ASSERT_FALSE(png.ok());
  EXPECT_EQ(png.error().code, ErrorCode::kBadInput);
  EXPECT_NE(png.error().message.find("openai, a1111 or comfyui"), std::string::npos) << png.error().message;
}

// ---- a1111 ----

TEST(ImageClient, A1111Txt2Img) {
  FakeMediaServer server([](const MediaRequest& req, int) {
    return req.path == "/sdapi/v1/txt2img" ? A1111Reply(req) : ErrorReply(404, "Not Found");
  });
  ImageProviderSettings settings = SettingsFor("a1111", server.Url());
  settings.model = "juggernautXL_v9.safetensors";
  settings.steps = 28;
  ImageClient client(settings, fs::temp_directory_path());
  std::vector<CallRecord> calls;
  auto png = client.Generate(SmallRequest(), &calls);
  ASSERT_TRUE(png.ok()) << png.error().ToString();
  EXPECT_EQ(*png, MakePng(48, 80));

  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const nlohmann::json& body = requests[0].json;
  EXPECT_EQ(body["prompt"], SmallRequest().prompt);
  EXPECT_EQ(body["negative_prompt"], settings.negative_prompt);
  EXPECT_EQ(body["seed"], 1234);
  EXPECT_EQ(body["width"], 48);
  EXPECT_EQ(body["height"], 80);
  EXPECT_EQ(body["steps"], 28);
  EXPECT_EQ(body["batch_size"], 1);
  EXPECT_EQ(body["n_iter"], 1);
  EXPECT_EQ(body["override_settings"]["sd_model_checkpoint"], "juggernautXL_v9.safetensors");
  EXPECT_FALSE(body.contains("init_images"));
  EXPECT_FALSE(body.contains("denoising_strength"));
  EXPECT_TRUE(requests[0].authorization.empty());
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].outcome, "ok");
}

TEST(ImageClient, A1111Img2ImgSendsTheReference) {
  FakeMediaServer server([](const MediaRequest& req, int) {
    return req.path == "/sdapi/v1/img2img" ? A1111Reply(req) : ErrorReply(404, "Not Found");
  });
  ImageProviderSettings settings = SettingsFor("a1111", server.Url());
  settings.denoising = 0.4;
  ImageClient client(settings, fs::temp_directory_path());
  ImageRequest request = SmallRequest();
  request.negative_prompt = "sunglasses";
  request.reference_png = MakePng(16, 24, 7);
  auto png = client.Generate(request, nullptr);
  ASSERT_TRUE(png.ok()) << png.error().ToString();
  EXPECT_EQ(CheckPng(*png).problem, "");

  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const nlohmann::json& body = requests[0].json;
  ASSERT_TRUE(body["init_images"].is_array());
  ASSERT_EQ(body["init_images"].size(), 1u);
  auto sent = Base64Decode(body["init_images"][0].get<std::string>());
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(*sent, request.reference_png);
  EXPECT_DOUBLE_EQ(body["denoising_strength"].get<double>(), 0.4);
  EXPECT_EQ(body["negative_prompt"], "sunglasses");
  EXPECT_EQ(body["seed"], 1234);
  EXPECT_FALSE(body.contains("override_settings"));
}

TEST(ImageClient, ReplyThatIsNotBase64FailsClearly) {
  FakeMediaServer server([](const MediaRequest&, int) { return JsonReply({{"images", {"this is !!! not base64"}}}); });
  ImageClient client(SettingsFor("a1111", server.Url()), fs::temp_directory_path());
  Sleeps sleeps;
  sleeps.Attach(client);
  std::vector<CallRecord> calls;
  auto png = client.Generate(SmallRequest(), &calls);
  ASSERT_FALSE(png.ok());
  EXPECT_EQ(png.error().code, ErrorCode::kFailed);
  EXPECT_NE(png.error().message.find("image server " + server.Url() + " sent images[0] that is not base64"),
            std::string::npos) << png.error().message;
  ASSERT_EQ(calls.size(), 1u);  // not retried
  EXPECT_EQ(calls[0].outcome.rfind("failed: ", 0), 0u);
  EXPECT_EQ(calls[0].cost, 0);
  EXPECT_TRUE(sleeps.seconds.empty());
}

TEST(ImageClient, ReplyThatIsNotAPngFailsClearly) {
  const std::string jpeg("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00", 14);
  FakeMediaServer server([&](const MediaRequest& req, int) {
    if (req.path == "/v1/images/generations") return JsonReply({{"data", {{{"b64_json", Base64Encode(jpeg)}}}}});
    return JsonReply({{"images", nlohmann::json::array()}});
  });
  ImageClient openai(SettingsFor("openai", server.Url("/v1")), fs::temp_directory_path());
  std::vector<CallRecord> calls;
  auto png = openai.Generate(SmallRequest(), &calls);
  ASSERT_FALSE(png.ok());
  EXPECT_NE(png.error().message.find("not a PNG: it is a JPEG"), std::string::npos) << png.error().message;
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].outcome.rfind("failed: ", 0), 0u);

  ImageClient a1111(SettingsFor("a1111", server.Url()), fs::temp_directory_path());
  auto none = a1111.Generate(SmallRequest(), nullptr);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("sent no image"), std::string::npos) << none.error().message;
}

// ---- transport ----

TEST(ImageClient, ServerErrorThenSuccessBacksOff) {
  FakeMediaServer server([](const MediaRequest& req, int index) {
    return index == 0 ? ErrorReply(503, "model loading") : A1111Reply(req);
  });
  ImageProviderSettings settings = SettingsFor("a1111", server.Url());
  settings.price_per_image = 0.01;
  ImageClient client(settings, fs::temp_directory_path());
  Sleeps sleeps;
  sleeps.Attach(client);
  std::vector<CallRecord> calls;
  auto png = client.Generate(SmallRequest(), &calls);
  ASSERT_TRUE(png.ok()) << png.error().ToString();
  ASSERT_EQ(sleeps.seconds.size(), 1u);
  EXPECT_GE(sleeps.seconds[0], 0.5);
  EXPECT_LT(sleeps.seconds[0], 0.5 * 1.25 + 1e-9);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].http_status, 503);
  EXPECT_EQ(calls[0].outcome, "retry: 503");
  EXPECT_EQ(calls[0].cost, 0);
  EXPECT_EQ(calls[1].attempt, 2);
  EXPECT_EQ(calls[1].outcome, "ok");
  EXPECT_DOUBLE_EQ(calls[1].cost, 0.01);
}

TEST(ImageClient, RetryAfterIsHonouredAndRetriesEnd) {
  FakeMediaServer server([](const MediaRequest&, int) {
    FakeReply r = ErrorReply(429, "queue full");
    r.headers["Retry-After"] = "3";
    return r;
  });
  ImageProviderSettings settings = SettingsFor("a1111", server.Url());
  settings.max_retries = 2;
  ImageClient client(settings, fs::temp_directory_path());
  Sleeps sleeps;
  sleeps.Attach(client);
  std::vector<CallRecord> calls;
  auto png = client.Generate(SmallRequest(), &calls);
  ASSERT_FALSE(png.ok());
  EXPECT_EQ(sleeps.seconds, std::vector<double>({3.0, 3.0}));
  EXPECT_NE(png.error().message.find("image server " + server.Url() + " failed 3 times (429, 429, 429)"),
            std::string::npos) << png.error().message;
  EXPECT_NE(png.error().message.find("queue full"), std::string::npos);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[2].outcome, "failed: 429");
}

TEST(ImageClient, TimeoutThenSuccess) {
  FakeMediaServer server([](const MediaRequest& req, int index) {
    FakeReply r = JsonReply({{"data", {{{"b64_json", Base64Encode(MakePng(4, 4))}}}}});
    if (index == 0) r.delay_s = 0.6;
    (void)req;
    return r;
  });
  ImageProviderSettings settings = SettingsFor("openai", server.Url("/v1"));
  settings.timeout_s = 0.3;
  ImageClient client(settings, fs::temp_directory_path());
  Sleeps sleeps;
  sleeps.Attach(client);
  std::vector<CallRecord> calls;
  auto png = client.Generate(SmallRequest(), &calls);
  ASSERT_TRUE(png.ok()) << png.error().ToString();
  EXPECT_EQ(*png, MakePng(4, 4));
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].outcome, "retry: timeout");
  EXPECT_EQ(calls[0].http_status, 0);
  EXPECT_GE(calls[0].latency_s, 0.25);
  EXPECT_EQ(calls[1].outcome, "ok");
  EXPECT_EQ(sleeps.seconds.size(), 1u);
}

TEST(ImageClient, DroppedConnectionsAreRetriedThenFail) {
  testing::DroppingServer server;
  ImageProviderSettings settings = SettingsFor("openai", server.BaseUrl());
  settings.max_retries = 1;
  ImageClient client(settings, fs::temp_directory_path());
  Sleeps sleeps;
  sleeps.Attach(client);
  std::vector<CallRecord> calls;
  auto png = client.Generate(SmallRequest(), &calls);
  ASSERT_FALSE(png.ok());
  EXPECT_NE(png.error().message.find("failed 2 times (dropped, dropped)"), std::string::npos) << png.error().message;
  EXPECT_NE(png.error().message.find("closed"), std::string::npos);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].outcome, "retry: dropped");
  EXPECT_EQ(calls[1].outcome, "failed: dropped");
  EXPECT_EQ(server.accepted(), 2);
}

TEST(ImageClient, UnreachableServerFailsAtOnce) {
  std::string url = "http://127.0.0.1:" + std::to_string(testing::ClosedPort());
  ImageClient client(SettingsFor("a1111", url), fs::temp_directory_path());
  Sleeps sleeps;
  sleeps.Attach(client);
  std::vector<CallRecord> calls;
  auto png = client.Generate(SmallRequest(), &calls);
  ASSERT_FALSE(png.ok());
  EXPECT_EQ(png.error().message.rfind("cannot reach " + url + ": ", 0), 0u) << png.error().message;
  EXPECT_NE(png.error().message.find("is the image server running?"), std::string::npos);
  EXPECT_EQ(calls.size(), 1u);
  EXPECT_TRUE(sleeps.seconds.empty());
}

TEST(ImageClient, UnauthorizedFailsAtOnceWithAHint) {
  FakeMediaServer server([](const MediaRequest&, int) { return ErrorReply(401, "Incorrect API key provided"); });
  ImageProviderSettings settings = SettingsFor("openai", server.Url("/v1"));
  settings.api_key_env = "RW_TEST_IMAGE_KEY_401";
  ::setenv("RW_TEST_IMAGE_KEY_401", "sk-wrong", 1);
  ImageClient client(settings, fs::temp_directory_path());
  Sleeps sleeps;
  sleeps.Attach(client);
  std::vector<CallRecord> calls;
  auto png = client.Generate(SmallRequest(), &calls);
  ::unsetenv("RW_TEST_IMAGE_KEY_401");
  ASSERT_FALSE(png.ok());
  EXPECT_EQ(png.error().code, ErrorCode::kFailed);
  EXPECT_NE(png.error().message.find("answered 401 to POST /images/generations: Incorrect API key provided"),
            std::string::npos) << png.error().message;
  EXPECT_NE(png.error().message.find("check the key in $RW_TEST_IMAGE_KEY_401"), std::string::npos);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].http_status, 401);
  EXPECT_TRUE(sleeps.seconds.empty());

  // Without a key configured the hint says where to name one; a 404 points at base_url.
  FakeMediaServer other([](const MediaRequest& req, int) {
    return req.path == "/sdapi/v1/txt2img" ? ErrorReply(403, "forbidden") : JsonReply({{"detail", "Not Found"}}, 404);
  });
  auto forbidden = ImageClient(SettingsFor("a1111", other.Url()), fs::temp_directory_path()).Generate(SmallRequest(), nullptr);
  ASSERT_FALSE(forbidden.ok());
  EXPECT_NE(forbidden.error().message.find("providers.images.api_key_env"), std::string::npos) << forbidden.error().message;
  auto missing = ImageClient(SettingsFor("a1111", other.Url("/wrong")), fs::temp_directory_path()).Generate(SmallRequest(), nullptr);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("answered 404 to POST /sdapi/v1/txt2img: Not Found; check providers.images.base_url"),
            std::string::npos) << missing.error().message;
  EXPECT_NE(missing.error().message.find("--api"), std::string::npos);
}

TEST(ImageClient, ConcurrencyIsLimited) {
  FakeMediaServer server([](const MediaRequest& req, int) {
    FakeReply r = A1111Reply(req);
    r.delay_s = 0.05;
    return r;
  });
  ImageProviderSettings settings = SettingsFor("a1111", server.Url());
  settings.concurrency = 2;
  ImageClient client(settings, fs::temp_directory_path());
  std::vector<std::thread> threads;
  std::vector<int> ok(6, 0);
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&, i] {
      ImageRequest request = SmallRequest();
      request.seed = static_cast<uint32_t>(i);
      std::vector<CallRecord> calls;
      ok[static_cast<size_t>(i)] = client.Generate(request, &calls).ok() && calls.size() == 1;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, std::vector<int>(6, 1));
  EXPECT_EQ(server.Requests().size(), 6u);
  EXPECT_LE(server.max_in_flight(), 2);
  EXPECT_EQ(server.max_in_flight(), 2);  // and the two slots are used
}

// ---- comfyui ----

nlohmann::json HistoryEntry(const nlohmann::json& outputs, const std::string& status = "success",
                            const nlohmann::json& messages = nlohmann::json::array()) {
  return {{"prompt", {1, "abc-123", nlohmann::json::object(), nlohmann::json::object(), {"9"}}},
          {"outputs", outputs},
          {"status", {{"status_str", status}, {"completed", status == "success"}, {"messages", messages}}}};
}

TEST(ImageClient, ComfyUiFullFlow) {
  TempSeries series;
  series.Write("flow.json", kWorkflow);
  const std::string result = MakePng(48, 80, 200);
  FakeMediaServer server([&](const MediaRequest& req, int index) {
    if (req.path == "/upload/image") {
      auto it = req.files.find("image");
      if (it == req.files.end()) return ErrorReply(400, "no image field");
      return JsonReply({{"name", it->second.filename}, {"subfolder", ""}, {"type", "input"}});
    }
    if (req.path == "/prompt") return JsonReply({{"prompt_id", "abc-123"}, {"number", 7}, {"node_errors", nlohmann::json::object()}});
    if (req.path == "/history/abc-123") {
      if (index < 2) return JsonReply(nlohmann::json::object());  // still running
      nlohmann::json outputs = {{"9", {{"images", {{{"filename", "rw_00001_.png"}, {"subfolder", ""}, {"type", "output"}}}}}}};
      return JsonReply({{"abc-123", HistoryEntry(outputs)}});
    }
    if (req.path == "/view" && req.params.count("filename") && req.params.at("filename") == "rw_00001_.png")
      return BytesReply(result, "image/png");
    return ErrorReply(404, "no route " + req.path);
  });
  ImageProviderSettings settings = SettingsFor("comfyui", server.Url());
  settings.workflow = "flow.json";
  settings.price_per_image = 0.002;
  ImageClient client(settings, series.root());
  Sleeps sleeps;
  sleeps.Attach(client);
  ImageRequest request = SmallRequest();
  request.reference_png = MakePng(16, 16, 3);
  std::vector<CallRecord> calls;
  auto png = client.Generate(request, &calls);
  ASSERT_TRUE(png.ok()) << png.error().ToString();
  EXPECT_EQ(*png, result);

  // The reference went up as multipart form data, named by its content.
  auto uploads = server.Requests("/upload/image");
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_EQ(uploads[0].content_type.rfind("multipart/form-data; boundary=", 0), 0u) << uploads[0].content_type;
  ASSERT_TRUE(uploads[0].files.count("image"));
  const auto& image = uploads[0].files.at("image");
  EXPECT_EQ(image.content, request.reference_png);
  EXPECT_EQ(image.content_type, "image/png");
  EXPECT_EQ(image.filename.rfind("rw_ref_", 0), 0u) << image.filename;
  EXPECT_EQ(image.filename.substr(image.filename.size() - 4), ".png");
  ASSERT_TRUE(uploads[0].files.count("overwrite"));
  EXPECT_EQ(uploads[0].files.at("overwrite").content, "true");

  // The workflow went out with every marker replaced by a typed value, links untouched.
  auto queued = server.Requests("/prompt");
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].json["client_id"], "reelwright");
  const nlohmann::json& flow = queued[0].json["prompt"];
  EXPECT_EQ(flow["3"]["inputs"]["seed"], 1234);
  EXPECT_TRUE(flow["3"]["inputs"]["seed"].is_number_integer());
  EXPECT_EQ(flow["5"]["inputs"]["width"], 48);
  EXPECT_TRUE(flow["5"]["inputs"]["width"].is_number_integer());
  EXPECT_EQ(flow["5"]["inputs"]["height"], 80);
  EXPECT_EQ(flow["6"]["inputs"]["text"], request.prompt);
  EXPECT_EQ(flow["7"]["inputs"]["text"], settings.negative_prompt);
  EXPECT_EQ(flow["10"]["inputs"]["image"], image.filename);
  EXPECT_EQ(flow["3"]["inputs"]["model"], nlohmann::json::array({"4", 0}));
  EXPECT_EQ(flow["4"]["inputs"]["ckpt_name"], "sd_xl_base_1.0.safetensors");
  EXPECT_EQ(flow.dump().find("{{"), std::string::npos);

  // Followed until ready (two empty polls, 0.5 s apart), then downloaded.
  EXPECT_EQ(server.Requests("/history/abc-123").size(), 3u);
  EXPECT_EQ(sleeps.seconds, std::vector<double>({0.5, 0.5}));
  auto views = server.Requests("/view");
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].method, "GET");
  EXPECT_EQ(views[0].params.at("subfolder"), "");
  EXPECT_EQ(views[0].params.at("type"), "output");

  // One record per HTTP step; the empty polls are folded into the one that found the result.
  ASSERT_EQ(calls.size(), 4u);
  for (const auto& call : calls) EXPECT_EQ(call.outcome, "ok");
  EXPECT_EQ(calls[0].model, "flow.json");
  EXPECT_GE(calls[2].latency_s, 1.0);  // the two 0.5 s waits count as the wait
  EXPECT_DOUBLE_EQ(calls[3].cost, 0.002);
  EXPECT_EQ(calls[0].cost + calls[1].cost + calls[2].cost, 0);
}

TEST(ImageClient, ComfyUiWithoutAReferenceSkipsTheUpload) {
  TempSeries series;
  nlohmann::json flow = nlohmann::json::parse(kWorkflow);
  flow.erase("10");
  flow["6"]["inputs"]["text"] = "cinematic still, {{prompt}}";
  series.Write("flow.json", flow.dump());
  FakeMediaServer server([&](const MediaRequest& req, int) {
    if (req.path == "/prompt") return JsonReply({{"prompt_id", "p1"}});
    if (req.path == "/history/p1")
      return JsonReply({{"p1", HistoryEntry({{"12", {{"images", {{{"filename", "a.png"}, {"subfolder", "x"}, {"type", "temp"}}}}}}})}});
    return BytesReply(MakePng(4, 4), "image/png");
  });
  ImageProviderSettings settings = SettingsFor("comfyui", server.Url());
  settings.workflow = (series.root() / "flow.json").string();  // absolute paths work too
  ImageClient client(settings, "/nonexistent");
  auto png = client.Generate(SmallRequest(), nullptr);
  ASSERT_TRUE(png.ok()) << png.error().ToString();
  EXPECT_TRUE(server.Requests("/upload/image").empty());
  EXPECT_EQ(server.Requests("/prompt")[0].json["prompt"]["6"]["inputs"]["text"], "cinematic still, " + SmallRequest().prompt);
  EXPECT_EQ(server.Requests("/view")[0].params.at("subfolder"), "x");
}

TEST(ImageClient, ComfyUiExecutionErrorIsQuoted) {
  TempSeries series;
  series.Write("flow.json", kWorkflow);
  FakeMediaServer server([](const MediaRequest& req, int) {
    if (req.path == "/upload/image") return JsonReply({{"name", "ref.png"}, {"subfolder", ""}, {"type", "input"}});
    if (req.path == "/prompt") return JsonReply({{"prompt_id", "abc-123"}});
    // [[type, data], …]; json::array keeps a two-element list from turning into an object.
    nlohmann::json messages = nlohmann::json::array(
        {nlohmann::json::array({"execution_start", {{"prompt_id", "abc-123"}}}),
         nlohmann::json::array({"execution_error", {{"prompt_id", "abc-123"}, {"node_id", "3"}, {"node_type", "KSampler"},
                                                    {"exception_type", "torch.OutOfMemoryError"},
                                                    {"exception_message", "CUDA out of memory. Tried to allocate 2.00 GiB"}}})});
    return JsonReply({{"abc-123", HistoryEntry(nlohmann::json::object(), "error", messages)}});
  });
  ImageProviderSettings settings = SettingsFor("comfyui", server.Url());
  settings.workflow = "flow.json";
  ImageClient client(settings, series.root());
  Sleeps sleeps;
  sleeps.Attach(client);
  ImageRequest request = SmallRequest();
  request.reference_png = MakePng(4, 4);
  std::vector<CallRecord> calls;
  auto png = client.Generate(request, &calls);
  ASSERT_FALSE(png.ok());
  EXPECT_EQ(png.error().code, ErrorCode::kFailed);
  EXPECT_NE(png.error().message.find("could not run the workflow flow.json (prompt abc-123): node 3 (KSampler): "
                                     "torch.OutOfMemoryError: CUDA out of memory"),
            std::string::npos) << png.error().message;
  EXPECT_TRUE(server.Requests("/view").empty());
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[2].outcome.rfind("failed: ", 0), 0u);
  EXPECT_TRUE(sleeps.seconds.empty());
}

TEST(ImageClient, ComfyUiValidationErrorQuotesTheNodes) {
  TempSeries series;
  series.Write("flow.json", kWorkflow);
  FakeMediaServer server([](const MediaRequest& req, int) {
    if (req.path == "/upload/image") return JsonReply({{"name", "ref.png"}});
    nlohmann::json body = {
        {"error", {{"type", "prompt_outputs_failed_validation"}, {"message", "Prompt outputs failed validation"},
                   {"details", ""}, {"extra_info", nlohmann::json::object()}}},
        {"node_errors", {{"4", {{"errors", {{{"type", "value_not_in_list"}, {"message", "Value not in list"},
                                             {"details", "ckpt_name: 'sd_xl_base_1.0.safetensors' not in []"}}}},
                                {"dependent_outputs", {"9"}}, {"class_type", "CheckpointLoaderSimple"}}}}}};
    return JsonReply(body, 400);
  });
  ImageProviderSettings settings = SettingsFor("comfyui", server.Url());
  settings.workflow = "flow.json";
  ImageClient client(settings, series.root());
  ImageRequest request = SmallRequest();
  request.reference_png = MakePng(4, 4);
  auto png = client.Generate(request, nullptr);
  ASSERT_FALSE(png.ok());
  EXPECT_NE(png.error().message.find("answered 400 to POST /prompt: Prompt outputs failed validation; node 4 "
                                     "(CheckpointLoaderSimple): Value not in list (ckpt_name:"),
            std::string::npos) << png.error().message;
  EXPECT_EQ(server.Requests("/prompt").size(), 1u);
}

TEST(ImageClient, ComfyUiWorkflowProblemsAreBadInput) {
  TempSeries series;
  nlohmann::json flow = nlohmann::json::parse(kWorkflow);
  flow["6"]["inputs"]["text"] = "a fixed prompt";
  series.Write("no_prompt.json", flow.dump());
  series.Write("ui.json", R"({"last_node_id": 9, "nodes": [], "links": []})");
  series.Write("broken.json", "{\"3\": ");
  FakeMediaServer server([](const MediaRequest&, int) { return JsonReply({}); });
  ImageProviderSettings settings = SettingsFor("comfyui", server.Url());
  ImageRequest request = SmallRequest();
  request.reference_png = MakePng(4, 4);

  auto run = [&](const std::string& workflow, const ImageRequest& r) {
    ImageProviderSettings s = settings;
    s.workflow = workflow;
    return ImageClient(s, series.root()).Generate(r, nullptr);
  };
  auto no_prompt = run("no_prompt.json", request);
  ASSERT_FALSE(no_prompt.ok());
  EXPECT_EQ(no_prompt.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(no_prompt.error().where, (series.root() / "no_prompt.json").string());
  EXPECT_NE(no_prompt.error().message.find("{{prompt}}"), std::string::npos) << no_prompt.error().message;

  auto ui = run("ui.json", request);
  ASSERT_FALSE(ui.ok());
  EXPECT_EQ(ui.error().code, ErrorCode::kBadInput);
  EXPECT_NE(ui.error().message.find("API"), std::string::npos) << ui.error().message;

  auto broken = run("broken.json", request);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("not valid JSON"), std::string::npos) << broken.error().message;

  auto missing = run("missing.json", request);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kBadInput);

  auto empty = run("", request);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("providers.images.workflow is empty"), std::string::npos);

  // {{reference}} marked but the frame has none.
  series.Write("flow.json", kWorkflow);
  auto no_reference = run("flow.json", SmallRequest());
  ASSERT_FALSE(no_reference.ok());
  EXPECT_EQ(no_reference.error().code, ErrorCode::kBadInput);
  EXPECT_NE(no_reference.error().message.find("{{reference}}"), std::string::npos);

  EXPECT_TRUE(server.Requests().empty());
}

TEST(ImageClient, ComfyUiGivesUpAfterTimeout) {
  TempSeries series;
  nlohmann::json flow = nlohmann::json::parse(kWorkflow);
  flow.erase("10");
  series.Write("flow.json", flow.dump());
  FakeMediaServer server([](const MediaRequest& req, int) {
    if (req.path == "/prompt") return JsonReply({{"prompt_id", "slow"}});
    return JsonReply(nlohmann::json::object());
  });
  ImageProviderSettings settings = SettingsFor("comfyui", server.Url());
  settings.workflow = "flow.json";
  settings.timeout_s = 2;
  ImageClient client(settings, series.root());
  Sleeps sleeps;
  sleeps.Attach(client);
  std::vector<CallRecord> calls;
  auto png = client.Generate(SmallRequest(), &calls);
  ASSERT_FALSE(png.ok());
  EXPECT_NE(png.error().message.find("had not finished prompt slow after 2 s"), std::string::npos) << png.error().message;
  EXPECT_NE(png.error().message.find("providers.images.timeout_s"), std::string::npos);
  EXPECT_EQ(sleeps.seconds, std::vector<double>({0.5, 0.5, 0.5}));
  EXPECT_EQ(server.Requests("/history/slow").size(), 4u);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].outcome, "failed: timeout (not done after 4 polls)");
}

}  // namespace
}  // namespace rw
