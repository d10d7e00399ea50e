// The frames and voice stages on model servers: an Automatic1111-style image server and an
// OpenAI-style speech server on 127.0.0.1, returning real PNGs and WAVs they make. Calls are
// recorded and cached; a failing server fails the stage with a clear error and leaves nothing
// a later build would trust.
#include <gtest/gtest.h>

#include "app/control.h"
#include "app/pipeline.h"
#include "app/series.h"
#include "base/file.h"
#include "base/progress.h"
#include "build/ledger.h"
#include "providers/image_client.h"
#include "providers/media_testing.h"
#include "schema/bible.h"
#include "schema/shots.h"
#include "schema/yaml_io.h"
#include "visual/png.h"

namespace rw {
namespace {

using testing::FakeMediaServer;
using testing::MediaRequest;

class ProviderPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Progress::SetMode(false, true);
    root_ = fs::temp_directory_path() / ("rw_providers_pipeline_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void NewSeries(const std::string& url, int retries) {
    Settings s;
    s.idea = "A wife betrayed by her husband comes back as his biggest investor.";
    s.episodes = 1;
    s.seed = 4;
    s.preset = "preview";
    s.music.enabled = false;
    s.providers.images.kind = "a1111";
    s.providers.images.base_url = url;
    s.providers.images.max_retries = retries;
    s.providers.images.price_per_image = 0.01;
    s.budget = 10;
    s.providers.speech.kind = "openai";
    s.providers.speech.base_url = url + "/v1";
    s.providers.speech.max_retries = retries;
    s.providers.speech.voices = {{"C01", "nova"}};
    ASSERT_TRUE(CreateSeries(root_, s).ok());
  }
  Result<BuildSummary> Build(const std::string& until) {
    BuildRequest r;
    r.until = until;
    return BuildSeries(root_, r);
  }
  fs::path root_;
};

testing::FakeReply Answer(const MediaRequest& r, int index) {
  if (r.path == "/sdapi/v1/txt2img" || r.path == "/sdapi/v1/img2img")
    return testing::JsonReply({{"images", {Base64Encode(testing::MakePng(54, 96, static_cast<uint8_t>(index * 7)))}}});
  if (r.path == "/v1/audio/speech") return testing::BytesReply(testing::MakeWav(1.2, 24000, 300 + 10 * index), "audio/wav");
  return testing::JsonReply({{"error", "unexpected " + r.path}}, 404);
}

TEST_F(ProviderPipelineTest, FramesAndVoicesComeFromTheServersAndAreCached) {
  FakeMediaServer server(Answer);
  NewSeries(server.Url(), 2);
  auto built = Build("clips");
  ASSERT_TRUE(built.ok()) << built.error().ToString();

  auto shots = LoadYaml<Shots>(root_ / "episodes/ep001/shots.yaml", "shots.yaml");
  auto bible = LoadYaml<Bible>(root_ / "bible.yaml", "bible.yaml");
  ASSERT_TRUE(shots.ok() && bible.ok());
  auto images = server.Requests("/sdapi/v1/txt2img");
  ASSERT_EQ(images.size(), shots->shots.size());
  // Each request carries the expanded prompt: the look tokens of the first character in frame.
  for (size_t i = 0; i < images.size(); ++i) {
    const Shot& shot = shots->shots[i];
    std::string prompt = images[i].json["prompt"];
    EXPECT_EQ(prompt.find('@'), std::string::npos) << prompt;
    if (!shot.cast.empty()) {
      for (const auto& token : bible->FindCharacter(shot.cast.front())->look) EXPECT_NE(prompt.find(token), std::string::npos) << prompt;
    }
    EXPECT_EQ(images[i].json["width"], 540);
    auto frame = ReadFile(root_ / ("episodes/ep001/frames/" + shot.id + ".png"));
    ASSERT_TRUE(frame.ok());
    EXPECT_EQ(testing::CheckPng(*frame).problem, "");  // the server's PNG, byte for byte a valid one
  }
  auto voices = server.Requests("/v1/audio/speech");
  EXPECT_GT(voices.size(), 5u);
  bool nova = false;
  for (const auto& v : voices) nova |= v.json["voice"] == "nova";
  EXPECT_TRUE(nova);  // C01's voice from providers.speech.voices
  EXPECT_TRUE(fs::exists(root_ / "episodes/ep001/clips" / (shots->shots[0].id + ".mp4")));

  auto ledger = Ledger::Open(root_ / ".reelwright/ledger.sqlite");
  ASSERT_TRUE(ledger.ok());
  CallTotals totals = (*ledger)->Totals(0);
  EXPECT_EQ(totals.calls, static_cast<int>(images.size() + voices.size()));
  EXPECT_NEAR(totals.cost, 0.01 * static_cast<double>(images.size()), 1e-9);

  // Nothing changed: no request at all.
  size_t before = server.Requests().size();
  ASSERT_TRUE(Build("clips").ok());
  EXPECT_EQ(server.Requests().size(), before);

  // A reference image in the bible goes to the server with every shot of that character (img2img).
  ASSERT_TRUE(WriteFileAtomic(root_ / "refs/hero.png", testing::MakePng(32, 32, 200)).ok());
  bible->characters[0].reference = "refs/hero.png";
  ASSERT_TRUE(WriteFileAtomic(root_ / "bible.yaml", ToYaml(*bible)).ok());
  auto again = Build("clips");
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  auto img2img = server.Requests("/sdapi/v1/img2img");
  ASSERT_FALSE(img2img.empty());
  EXPECT_EQ(img2img[0].json["init_images"][0], Base64Encode(testing::MakePng(32, 32, 200)));
}

TEST_F(ProviderPipelineTest, AFailingImageServerFailsTheStageClearly) {
  FakeMediaServer server([](const MediaRequest& r, int index) {
    if (r.path == "/sdapi/v1/txt2img") return testing::JsonReply({{"error", "CUDA out of memory"}}, 500);
    return Answer(r, index);
  });
  NewSeries(server.Url(), 0);
  auto built = Build("frames");
  ASSERT_FALSE(built.ok());
  EXPECT_NE(built.error().message.find("stage ep001/frames failed"), std::string::npos) << built.error().ToString();
  EXPECT_NE(built.error().message.find("CUDA out of memory"), std::string::npos) << built.error().ToString();
  EXPECT_FALSE(fs::exists(root_ / "episodes/ep001/frames"));
  auto status = SeriesStatus(root_, BuildRequest{});
  ASSERT_TRUE(status.ok());
  bool failed = false;
  for (const auto& s : *status) failed |= s.name == "ep001/frames" && s.state == StageState::kFailed;
  EXPECT_TRUE(failed);
  // The plan counts what the frames would cost on the server.
  auto plan = PlanBuild(root_, BuildRequest{});
  ASSERT_TRUE(plan.ok());
  bool priced = false;
  for (const auto& p : plan->stages) priced |= p.name == "ep001/frames" && p.calls > 0 && p.cost > 0;
  EXPECT_TRUE(priced);
}

}  // namespace
}  // namespace rw
