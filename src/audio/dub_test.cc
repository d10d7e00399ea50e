#include "audio/dub.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "audio/voice.h"

namespace rw {
namespace {

Pcm Tone(int64_t frames) {
  Pcm pcm;
  pcm.sample_rate = 48000;
  for (int64_t i = 0; i < frames; ++i) pcm.samples.push_back(static_cast<int16_t>(std::lround(8000 * std::sin(i * 0.05))));
  return pcm;
}

TEST(DubTest, AShortLineIsPaddedWithSilenceAtItsEnd) {
  bool cut = true;
  Pcm fitted = FitToSlot(Tone(1000), 1500, &cut);
  EXPECT_FALSE(cut);
  ASSERT_EQ(fitted.Frames(), 1500);
  EXPECT_EQ(fitted.samples[10], Tone(1000).samples[10]);  // it starts where the original did
  for (size_t i = 1000; i < 1500; ++i) EXPECT_EQ(fitted.samples[i], 0);
}

TEST(DubTest, ALongLineIsCutAtTheSlotEndWithAFade) {
  bool cut = false;
  Pcm fitted = FitToSlot(Tone(48000), 24000, &cut);
  EXPECT_TRUE(cut);
  ASSERT_EQ(fitted.Frames(), 24000);
  EXPECT_LT(std::abs(fitted.samples.back()), 400);  // faded, no click
  EXPECT_EQ(fitted.samples[1000], Tone(48000).samples[1000]);
}

TEST(DubTest, ALineTooLongForItsSlotIsSpokenFasterUntilItFits) {
  VoiceSpec voice = VoiceForLanguage(VoiceSpec{}, "zh");
  EXPECT_EQ(voice.voice, "cmn");
  const std::string text = "我们今天晚上一定要把这件事情说清楚。";
  auto natural = SpeakLine(voice, text);
  ASSERT_TRUE(natural.ok()) << natural.error().ToString();
  double slot = natural->Seconds() * 0.75;
  auto fitted = SpeakFitted(voice, text, slot);
  ASSERT_TRUE(fitted.ok()) << fitted.error().ToString();
  EXPECT_GT(fitted->tries, 1);
  EXPECT_GT(fitted->rate, voice.rate);
  EXPECT_FALSE(fitted->cut);
  EXPECT_LE(fitted->spoken_s, slot);
  EXPECT_EQ(fitted->pcm.Frames(), std::llround(slot * kVoiceSampleRate));

  auto roomy = SpeakFitted(voice, text, natural->Seconds() + 1);
  ASSERT_TRUE(roomy.ok());
  EXPECT_EQ(roomy->tries, 1);
  EXPECT_EQ(roomy->rate, voice.rate);
  EXPECT_EQ(roomy->pcm.Frames(), std::llround((natural->Seconds() + 1) * kVoiceSampleRate));
}

TEST(DubTest, ALineThatCannotFitIsCutAndSaysSo) {
  auto fitted = SpeakFitted(VoiceForLanguage(VoiceSpec{}, "en"), "This is a very long line that no voice could say in a blink.", 0.3);
  ASSERT_TRUE(fitted.ok()) << fitted.error().ToString();
  EXPECT_TRUE(fitted->cut);
  EXPECT_LE(fitted->tries, kMaxFitTries);
  EXPECT_EQ(fitted->pcm.Frames(), std::llround(0.3 * kVoiceSampleRate));
}

}  // namespace
}  // namespace rw
