#include "providers/speech_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "base/wav.h"
#include "providers/media_testing.h"

namespace rw {
namespace {

using testing::BytesReply;
using testing::ErrorReply;
using testing::FakeMediaServer;
using testing::FakeReply;
using testing::JsonReply;
using testing::MakeWav;
using testing::MediaRequest;

SpeechProviderSettings SettingsFor(const std::string& base_url) {
  SpeechProviderSettings s;
  s.kind = "openai";
  s.base_url = base_url;
  s.timeout_s = 5;
  s.max_retries = 2;
  return s;
}

FakeReply WavReply(const std::string& wav) { return BytesReply(wav, "audio/wav"); }

TEST(SpeechFakeMedia, WavIsReadByTheBaseDecoder) {
  auto pcm = DecodeWav(MakeWav(0.5, 24000, 440), "test");
  ASSERT_TRUE(pcm.ok()) << pcm.error().ToString();
  EXPECT_EQ(pcm->sample_rate, 24000);
  EXPECT_EQ(pcm->channels, 1);
  EXPECT_EQ(pcm->samples.size(), 12000u);
  EXPECT_EQ(MakeWav(0.5).size(), 44u + 24000u);
  int16_t peak = *std::max_element(pcm->samples.begin(), pcm->samples.end());
  EXPECT_NEAR(peak, 16383, 2);
}

TEST(SpeechClient, HappyPathWithAVoicePerCharacter) {
  const std::string wav = MakeWav(0.25, 24000, 330);
  FakeMediaServer server([&](const MediaRequest& req, int) {
    return req.path == "/v1/audio/speech" ? WavReply(wav) : ErrorReply(404, "no route");
  });
  SpeechProviderSettings settings = SettingsFor(server.Url("/v1"));
  settings.model = "kokoro";
  settings.voices = {{"lin_xia", "af_bella"}, {"gu_chen", "am_adam"}};
  settings.default_voice = "af_sky";
  settings.api_key_env = "RW_TEST_SPEECH_KEY";
  settings.price_per_mchar = 15;
  ::setenv("RW_TEST_SPEECH_KEY", "sk-speech", 1);
  SpeechClient client(settings);
  EXPECT_EQ(client.VoiceFor("lin_xia"), "af_bella");
  EXPECT_EQ(client.VoiceFor("gu_chen"), "am_adam");
  EXPECT_EQ(client.VoiceFor("narrator"), "af_sky");

  const std::string text = "你以为我会走？Not tonight.";
  std::vector<CallRecord> calls;
  auto audio = client.Speak(text, client.VoiceFor("gu_chen"), &calls);
  ::unsetenv("RW_TEST_SPEECH_KEY");
  ASSERT_TRUE(audio.ok()) << audio.error().ToString();
  EXPECT_EQ(*audio, wav);  // a plain 16-bit WAV comes back byte for byte
  auto pcm = DecodeWav(*audio, "reply");
  ASSERT_TRUE(pcm.ok()) << pcm.error().ToString();
  EXPECT_EQ(pcm->sample_rate, 24000);
  EXPECT_EQ(pcm->channels, 1);
  EXPECT_NEAR(pcm->Seconds(), 0.25, 1e-9);

  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].json, nlohmann::json({{"model", "kokoro"}, {"input", text}, {"voice", "am_adam"}, {"response_format", "wav"}}));
  EXPECT_EQ(requests[0].authorization, "Bearer sk-speech");

  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].provider, server.Url("/v1"));
  EXPECT_EQ(calls[0].model, "kokoro");
  EXPECT_EQ(calls[0].http_status, 200);
  EXPECT_EQ(calls[0].outcome, "ok");
  EXPECT_DOUBLE_EQ(calls[0].cost, 15.0 * 19 / 1e6);  // 19 code points
}

TEST(SpeechClient, EmptyVoiceMeansTheDefault) {
  FakeMediaServer server([](const MediaRequest&, int) { return WavReply(MakeWav(0.05)); });
  SpeechClient client(SettingsFor(server.Url("/v1")));
  ASSERT_TRUE(client.Speak("Hello.", "", nullptr).ok());
  EXPECT_EQ(server.Requests()[0].json["voice"], "alloy");
  EXPECT_EQ(server.Requests()[0].json["model"], "tts-1");
}

TEST(SpeechClient, NonWavReplyFailsClearly) {
  FakeMediaServer server([](const MediaRequest& req, int) {
    if (req.json.value("input", "") == "mp3") return BytesReply(std::string("ID3\x04\x00\x00\x00\x00\x00\x00\xFF\xFB", 13), "audio/mpeg");
    if (req.json.value("input", "") == "json") return JsonReply({{"status", "queued"}});
    return WavReply(MakeWav(0.0));  // a header and no samples
  });
  SpeechClient client(SettingsFor(server.Url("/v1")));
  client.SetSleepForTests([](double) { ADD_FAILURE() << "a bad body must not be retried"; });
  std::vector<CallRecord> calls;
  auto mp3 = client.Speak("mp3", "alloy", &calls);
  ASSERT_FALSE(mp3.ok());
  EXPECT_EQ(mp3.error().code, ErrorCode::kFailed);
  EXPECT_NE(mp3.error().message.find("speech server " + server.Url("/v1") + " sent audio that is not a usable WAV: "
                                     "it is an MP3; the server ignored response_format wav"),
            std::string::npos) << mp3.error().message;
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].outcome.rfind("failed: ", 0), 0u);

  auto json = client.Speak("json", "alloy", nullptr);
  ASSERT_FALSE(json.ok());
  EXPECT_NE(json.error().message.find("it starts with \"{\"status\":\"queued\"}\""), std::string::npos) << json.error().message;

  auto empty = client.Speak("silence", "alloy", nullptr);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("holds no audio"), std::string::npos) << empty.error().message;
}

TEST(SpeechClient, FloatAndStreamingWavsBecome16BitPcm) {
  const std::string wav = MakeWav(0.1, 22050, 440, 2, /*float_samples=*/true, /*streaming_sizes=*/true);
  FakeMediaServer server([&](const MediaRequest&, int) { return WavReply(wav); });
  SpeechClient client(SettingsFor(server.Url("/v1")));
  auto audio = client.Speak("Float, please.", "echo", nullptr);
  ASSERT_TRUE(audio.ok()) << audio.error().ToString();
  auto pcm = DecodeWav(*audio, "reply");
  ASSERT_TRUE(pcm.ok()) << pcm.error().ToString();
  EXPECT_EQ(pcm->sample_rate, 22050);
  EXPECT_EQ(pcm->channels, 2);
  EXPECT_EQ(pcm->Frames(), 2205);
  int16_t peak = *std::max_element(pcm->samples.begin(), pcm->samples.end());
  EXPECT_NEAR(peak, 16383, 2);
}

TEST(SpeechClient, ServerErrorThenSuccess) {
  FakeMediaServer server([](const MediaRequest&, int index) {
    return index == 0 ? ErrorReply(500, "voice model not loaded") : WavReply(MakeWav(0.05));
  });
  SpeechClient client(SettingsFor(server.Url("/v1")));
  std::vector<double> sleeps;
  client.SetSleepForTests([&](double s) { sleeps.push_back(s); });
  std::vector<CallRecord> calls;
  auto audio = client.Speak("Again.", "alloy", &calls);
  ASSERT_TRUE(audio.ok()) << audio.error().ToString();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].outcome, "retry: 500");
  EXPECT_EQ(calls[1].outcome, "ok");
  ASSERT_EQ(sleeps.size(), 1u);
  EXPECT_GE(sleeps[0], 0.5);
}

TEST(SpeechClient, ProblemsTheCreatorFixesAreBadInput) {
  SpeechProviderSettings settings = SettingsFor("http://127.0.0.1:1/v1");
  settings.kind = "";
  auto builtin = SpeechClient(settings).Speak("Hi.", "alloy", nullptr);
  ASSERT_FALSE(builtin.ok());
  EXPECT_EQ(builtin.error().code, ErrorCode::kBadInput);
  EXPECT_NE(builtin.error().message.find("providers.speech.kind"), std::string::npos);

  settings = SettingsFor("");
  auto no_url = SpeechClient(settings).Speak("Hi.", "alloy", nullptr);
  ASSERT_FALSE(no_url.ok());
  EXPECT_NE(no_url.error().message.find("providers.speech.base_url is empty"), std::string::npos);

  auto no_text = SpeechClient(SettingsFor("http://127.0.0.1:1/v1")).Speak("  ", "alloy", nullptr);
  ASSERT_FALSE(no_text.ok());
  EXPECT_EQ(no_text.error().code, ErrorCode::kBadInput);
}

TEST(SpeechClient, ConcurrencyIsLimited) {
  FakeMediaServer server([](const MediaRequest&, int) {
    FakeReply r = WavReply(MakeWav(0.05));
    r.delay_s = 0.05;
    return r;
  });
  SpeechProviderSettings settings = SettingsFor(server.Url("/v1"));
  settings.concurrency = 2;
  SpeechClient client(settings);
  std::vector<std::thread> threads;
  std::vector<int> ok(5, 0);
  for (int i = 0; i < 5; ++i)
    threads.emplace_back([&, i] { ok[static_cast<size_t>(i)] = client.Speak("Line " + std::to_string(i), "alloy", nullptr).ok(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, std::vector<int>(5, 1));
  EXPECT_LE(server.max_in_flight(), 2);
}

TEST(SpeechDecodeWav, RejectsEncodingsItCannotRead) {
  std::string wav = MakeWav(0.01);
  wav[34] = 24;  // bits per sample
  auto pcm = DecodeSpeechWav(wav);
  ASSERT_FALSE(pcm.ok());
  EXPECT_NE(pcm.error().message.find("24-bit PCM"), std::string::npos) << pcm.error().message;
  std::string stereo = MakeWav(0.01);
  stereo[22] = 6;  // channels
  EXPECT_FALSE(DecodeSpeechWav(stereo).ok());
  EXPECT_FALSE(DecodeSpeechWav("RIFF").ok());
}

}  // namespace
}  // namespace rw
