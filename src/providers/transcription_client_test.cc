#include "providers/transcription_client.h"

#include <gtest/gtest.h>

#include "providers/media_testing.h"

namespace rw {
namespace {

using testing::FakeMediaServer;
using testing::JsonReply;
using testing::MakeWav;
using testing::MediaRequest;

TranscriptionProviderSettings SettingsFor(const std::string& base_url) {
  TranscriptionProviderSettings s;
  s.kind = "openai";
  s.base_url = base_url;
  s.model = "whisper-1";
  s.max_retries = 2;
  s.timeout_s = 5;
  s.price_per_minute = 0.006;
  return s;
}

TEST(TranscriptionClient, SendsTheWavAndReadsTheText) {
  FakeMediaServer server([&](const MediaRequest& r, int) {
    if (r.path != "/v1/audio/transcriptions") return JsonReply({{"error", "unexpected " + r.path}}, 404);
    return JsonReply({{"text", " Not this time. "}});
  });
  TranscriptionClient client(SettingsFor(server.Url("/v1")));
  std::string wav = MakeWav(1.5, 24000, 300);
  std::vector<CallRecord> calls;
  auto heard = client.Transcribe(wav, "en", &calls);
  ASSERT_TRUE(heard.ok()) << heard.error().ToString();
  EXPECT_EQ(*heard, "Not this time.");
  auto sent = server.Requests("/v1/audio/transcriptions");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].files.at("file").content, wav);
  EXPECT_EQ(sent[0].files.at("file").content_type, "audio/wav");
  EXPECT_EQ(sent[0].files.at("model").content, "whisper-1");
  EXPECT_EQ(sent[0].files.at("language").content, "en");
  EXPECT_EQ(sent[0].files.at("response_format").content, "json");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_NEAR(calls[0].cost, 0.006 * 1.5 / 60, 1e-9);
}

TEST(TranscriptionClient, RetriesAServerErrorAndRefusesAReplyWithoutText) {
  int n = 0;
  FakeMediaServer server([&](const MediaRequest&, int) {
    ++n;
    if (n == 1) return JsonReply({{"error", "busy"}}, 503);
    if (n == 2) return JsonReply({{"text", "fine"}});
    return JsonReply({{"segments", nlohmann::json::array()}});
  });
  TranscriptionClient client(SettingsFor(server.Url("/v1")));
  client.SetSleepForTests([](double) {});
  auto first = client.Transcribe(MakeWav(0.5), "en", nullptr);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(*first, "fine");
  auto second = client.Transcribe(MakeWav(0.5), "en", nullptr);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("without {\"text\""), std::string::npos) << second.error().message;
  auto not_wav = client.Transcribe("ID3 an mp3", "en", nullptr);
  ASSERT_FALSE(not_wav.ok());
  EXPECT_EQ(not_wav.error().ExitCode(), 2);
}

TEST(TranscriptError, WordsForEnglishCharactersForChinese) {
  EXPECT_EQ(TranscriptError("Not this time.", "not this time"), 0);
  EXPECT_NEAR(TranscriptError("You signed it yourself, Marcus!", "You signed it yourself, Marcos."), 0.2, 1e-9);
  EXPECT_NEAR(TranscriptError("Touch me and you're fired.", "Lunch is at noon."), 1.0, 1e-9);
  EXPECT_EQ(TranscriptError("你以为我还会回来吗？", "你以为我还会回来吗"), 0);
  EXPECT_NEAR(TranscriptError("五年前的今天", "五年后的今天"), 1.0 / 6, 1e-9);
  EXPECT_EQ(TranscriptError("", ""), 0);
}

}  // namespace
}  // namespace rw
