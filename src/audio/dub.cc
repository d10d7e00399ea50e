#include "audio/dub.h"

#include <algorithm>
#include <cmath>

#include "audio/voice.h"

namespace rw {

Pcm FitToSlot(Pcm pcm, int64_t frames, bool* cut) {
  const int64_t have = pcm.Frames();
  const size_t channels = static_cast<size_t>(std::max(1, pcm.channels));
  if (cut) *cut = have > frames;
  if (have > frames) {
    int64_t fade = std::min<int64_t>(frames, pcm.sample_rate * 30 / 1000);
    for (int64_t i = 0; i < fade; ++i) {
      double gain = static_cast<double>(fade - i) / static_cast<double>(fade + 1);
      for (size_t c = 0; c < channels; ++c) {
        int16_t& s = pcm.samples[static_cast<size_t>(frames - fade + i) * channels + c];
        s = static_cast<int16_t>(std::lround(s * gain));
      }
    }
  }
  pcm.samples.resize(static_cast<size_t>(std::max<int64_t>(0, frames)) * channels, 0);
  return pcm;
}

Result<FittedLine> SpeakFitted(VoiceSpec voice, const std::string& text, double slot_s) {
  if (voice.rate <= 0) voice.rate = 165;
  const int64_t slot = std::max<int64_t>(1, std::llround(slot_s * kVoiceSampleRate));
  FittedLine fitted;
  RW_ASSIGN(Pcm pcm, SpeakLine(voice, text));
  while (pcm.Frames() > slot && fitted.tries < kMaxFitTries && voice.rate < kMaxEspeakRate) {
    double over = static_cast<double>(pcm.Frames()) / static_cast<double>(slot);
    voice.rate = std::min(kMaxEspeakRate, std::max(voice.rate + 1, static_cast<int>(std::ceil(voice.rate * over * 1.04))));
    RW_ASSIGN(pcm, SpeakLine(voice, text));
    ++fitted.tries;
  }
  fitted.rate = voice.rate;
  fitted.spoken_s = pcm.Seconds();
  fitted.pcm = FitToSlot(std::move(pcm), slot, &fitted.cut);
  return fitted;
}

VoiceSpec VoiceForLanguage(VoiceSpec voice, const std::string& lang) {
  voice.engine = "espeak";
  voice.voice = lang == "zh" ? "cmn" : "en-us";
  return voice;
}

}  // namespace rw
