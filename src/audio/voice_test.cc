#include "audio/voice.h"

#include <gtest/gtest.h>

#include <set>

#include <cmath>
#include <thread>

namespace rw {
namespace {

double Rms(const Pcm& pcm) {
  if (pcm.samples.empty()) return 0;
  double sum = 0;
  for (int16_t s : pcm.samples) sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(pcm.samples.size()));
}

VoiceSpec Spec(std::string voice, std::string variant, int pitch, int rate = 165) {
  VoiceSpec spec;
  spec.voice = std::move(voice);
  spec.variant = std::move(variant);
  spec.pitch = pitch;
  spec.rate = rate;
  return spec;
}

constexpr char kEnglishLine[] = "You signed the contract without reading it, again.";  // 8 words

TEST(Voice, EnglishLineIsPlausibleSpeech) {
  auto pcm = SpeakLine(Spec("en-us", "f3", 60), kEnglishLine);
  ASSERT_TRUE(pcm.ok()) << pcm.error().ToString();
  EXPECT_EQ(pcm->sample_rate, 48000);
  EXPECT_EQ(pcm->channels, 1);
  EXPECT_GT(pcm->Seconds(), 1.5);
  EXPECT_LT(pcm->Seconds(), 5.0);
  EXPECT_GT(Rms(*pcm), 500.0);  // silence is ~0; espeak speech is in the thousands
  std::printf("en-us+f3 pitch 60: %.3f s, RMS %.1f\n", pcm->Seconds(), Rms(*pcm));
}

TEST(Voice, EdgeSilenceIsTrimmed) {
  auto pcm = SpeakLine(Spec("en-us", "", 50), "Stop.");
  ASSERT_TRUE(pcm.ok()) << pcm.error().ToString();
  const size_t edge = 48000 * 60 / 1000;
  ASSERT_GT(pcm->samples.size(), 2 * edge);
  auto loud = [](int16_t s) { return std::abs(static_cast<int>(s)) > 200; };
  // Some audible sample within the first and the last 60 ms (+1 sample).
  EXPECT_TRUE(std::any_of(pcm->samples.begin(), pcm->samples.begin() + edge + 1, loud));
  EXPECT_TRUE(std::any_of(pcm->samples.end() - edge - 1, pcm->samples.end(), loud));
}

TEST(Voice, RateChangesDuration) {
  auto slow = SpeakLine(Spec("en-us", "", 50, 120), kEnglishLine);
  auto fast = SpeakLine(Spec("en-us", "", 50, 240), kEnglishLine);
  ASSERT_TRUE(slow.ok() && fast.ok());
  EXPECT_GT(slow->Seconds(), fast->Seconds() * 1.4);
}

TEST(Voice, DifferentSpecsGiveDifferentSamples) {
  auto female = SpeakLine(Spec("en-us", "f3", 60), kEnglishLine);
  auto male = SpeakLine(Spec("en-us", "m3", 40), kEnglishLine);
  auto female_low = SpeakLine(Spec("en-us", "f3", 20), kEnglishLine);
  ASSERT_TRUE(female.ok() && male.ok() && female_low.ok());
  EXPECT_NE(female->samples, male->samples);
  EXPECT_NE(female->samples, female_low->samples);
  std::printf("en-us+m3 pitch 40: %.3f s, RMS %.1f\n", male->Seconds(), Rms(*male));
}

TEST(Voice, SameSpecAndTextAreIdentical) {
  VoiceSpec spec = Spec("en-us", "m3", 40);
  auto a = SpeakLine(spec, kEnglishLine);
  // Another voice in between must not leak state into the next call.
  ASSERT_TRUE(SpeakLine(Spec("en-us", "f3", 90, 300), "Something else entirely.").ok());
  auto b = SpeakLine(spec, kEnglishLine);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->samples, b->samples);
}

TEST(Voice, ParallelCallsGetIdenticalSamples) {
  VoiceSpec spec = Spec("en-us", "f3", 60);
  auto reference = SpeakLine(spec, "Open the door.");
  ASSERT_TRUE(reference.ok());
  std::vector<std::vector<int16_t>> results(3);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i)
    threads.emplace_back([&, i] {
      auto pcm = SpeakLine(spec, "Open the door.");
      if (pcm.ok()) results[i] = pcm->samples;
    });
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, reference->samples);
}

TEST(Voice, ChineseLineWithCmnIsSpeech) {
  const std::string line = "你怎么会在这里？我们说好了的。";  // 14 syllables
  // espeak-ng 1.51's "cmn" reads tone digits in English; Chinese text goes to its pinyin sibling.
  EXPECT_EQ(EspeakVoiceName(Spec("cmn", "", 50), line), "cmn-latn-pinyin");
  EXPECT_EQ(EspeakVoiceName(Spec("cmn", "f2", 50), line), "cmn-latn-pinyin+f2");
  EXPECT_EQ(EspeakVoiceName(Spec("cmn", "", 50), "OK then."), "cmn");
  EXPECT_EQ(EspeakVoiceName(Spec("en-us", "m3", 50), line), "en-us+m3");
  auto pcm = SpeakLine(Spec("cmn", "", 50), line);
  ASSERT_TRUE(pcm.ok()) << pcm.error().ToString();
  // Spoken as Mandarin syllables (~4-5 a second), not as "ni three zen three…" (~5.5 s).
  EXPECT_GT(pcm->Seconds(), 1.5);
  EXPECT_LT(pcm->Seconds(), 4.5);
  EXPECT_GT(Rms(*pcm), 500.0);
  std::printf("cmn: %.3f s, RMS %.1f\n", pcm->Seconds(), Rms(*pcm));
}

TEST(Voice, SilentLineIsShortSilenceNotError) {
  auto pcm = SpeakLine(Spec("en-us", "", 50), "……");
  ASSERT_TRUE(pcm.ok()) << pcm.error().ToString();
  if (Rms(*pcm) < 50) {
    EXPECT_LE(pcm->samples.size(), 2u * 48000 * 60 / 1000);
  }
}

TEST(Voice, UnknownVoiceIsBadInput) {
  auto pcm = SpeakLine(Spec("xx-nonexistent", "", 50), "Hello.");
  ASSERT_FALSE(pcm.ok());
  EXPECT_EQ(pcm.error().code, ErrorCode::kBadInput);
  EXPECT_NE(pcm.error().message.find("xx-nonexistent"), std::string::npos);
  EXPECT_NE(pcm.error().message.find("espeak-ng --voices"), std::string::npos);
}

TEST(Voice, UnknownVariantIsBadInput) {
  auto pcm = SpeakLine(Spec("en-us", "zz9", 50), "Hello.");
  ASSERT_FALSE(pcm.ok());
  EXPECT_EQ(pcm.error().code, ErrorCode::kBadInput);
  EXPECT_NE(pcm.error().message.find("zz9"), std::string::npos);
}

TEST(Voice, EmptyTextIsBadInput) {
  auto empty = SpeakLine(Spec("en-us", "", 50), "");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kBadInput);
  auto blank = SpeakLine(Spec("en-us", "", 50), "  \n ");
  ASSERT_FALSE(blank.ok());
  EXPECT_EQ(blank.error().code, ErrorCode::kBadInput);
}

}  // namespace
}  // namespace rw

namespace rw {
namespace {

TEST(Visemes, EspeakPhonemeEventsGiveMouthShapesOnTheTrimmedTimeAxis) {
  VoiceSpec v;
  v.voice = "en-us";
  v.pitch = 50;
  v.rate = 165;
  auto line = SpeakLineWithPhonemes(v, "Mama, we owe him money.");
  ASSERT_TRUE(line.ok()) << line.error().ToString();
  ASSERT_GT(line->phonemes.size(), 8u);
  double length = line->pcm.Seconds(), last = -1;
  for (const auto& p : line->phonemes) {
    EXPECT_GE(p.start_s, last);
    EXPECT_LE(p.start_s, length);
    last = p.start_s;
  }
  auto visemes = Visemes(line->phonemes);
  std::set<std::string> shapes;
  for (const auto& v : visemes) shapes.insert(v.viseme);
  EXPECT_TRUE(shapes.count("MBP")) << ::testing::PrintToString(shapes);  // the m of "Mama" and "money"
  EXPECT_TRUE(shapes.count("AI") || shapes.count("O")) << ::testing::PrintToString(shapes);
  for (size_t i = 1; i < visemes.size(); ++i) EXPECT_NE(visemes[i].viseme, visemes[i - 1].viseme);
  // The same samples as SpeakLine: lip-sync costs the voice nothing.
  auto plain = SpeakLine(v, "Mama, we owe him money.");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->samples, line->pcm.samples);
}

TEST(Visemes, MapPhonemesToShapes) {
  EXPECT_EQ(VisemeOf("m"), "MBP");
  EXPECT_EQ(VisemeOf("f"), "FV");
  EXPECT_EQ(VisemeOf("aI"), "AI");
  EXPECT_EQ(VisemeOf("u:"), "U");
  EXPECT_EQ(VisemeOf("_:"), "rest");
  EXPECT_EQ(VisemeOf("s"), "etc");
}

}  // namespace
}  // namespace rw
