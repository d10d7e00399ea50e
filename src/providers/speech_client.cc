#include "providers/speech_client.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/text.h"
#include "providers/image_client.h"  // MediaHttp, shared with the image client

namespace rw {

namespace {

constexpr uint16_t kFormatPcm = 1;
constexpr uint16_t kFormatFloat = 3;
constexpr uint16_t kFormatExtensible = 0xFFFE;
// Streaming servers cannot know the length when they write the header.
constexpr uint32_t kUnknownSize = 0xFFFFFFFF;

uint32_t Get32(const std::string& b, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b[at + static_cast<size_t>(i)]);
  return v;
}
uint16_t Get16(const std::string& b, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[at]) | (static_cast<uint8_t>(b[at + 1]) << 8));
}

struct WavFormat {
  uint16_t format = 0;  // kFormatPcm or kFormatFloat (extensible resolved)
  int channels = 0;
  int sample_rate = 0;
  int bits = 0;
};

// What bytes that should have been a WAV are, for the error.
std::string DescribeAudio(const std::string& b) {
  if (b.empty()) return "the reply is empty";
  if (b.compare(0, 3, "ID3") == 0 || (b.size() >= 2 && static_cast<uint8_t>(b[0]) == 0xFF && (static_cast<uint8_t>(b[1]) & 0xE0) == 0xE0))
    return "it is an MP3; the server ignored response_format wav (check that it supports wav)";
  if (b.compare(0, 4, "OggS") == 0) return "it is Ogg (Opus/Vorbis); the server ignored response_format wav";
  if (b.compare(0, 4, "fLaC") == 0) return "it is FLAC; the server ignored response_format wav";
  std::string head = Trim(b.substr(0, 200));
  bool text = std::all_of(head.begin(), head.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\r' || c == '\t';
  });
  if (text) return "it starts with \"" + (head.size() > 120 ? head.substr(0, 120) + "…" : head) + "\"";
  return "it has no RIFF/WAVE header";
}

Result<WavFormat> ReadFormat(const std::string& b, size_t body, size_t size) {
  if (size < 16) return Failed("its fmt chunk is too short");
  WavFormat f;
  f.format = Get16(b, body);
  f.channels = Get16(b, body + 2);
  f.sample_rate = static_cast<int>(Get32(b, body + 4));
  f.bits = Get16(b, body + 14);
  if (f.format == kFormatExtensible) {
    if (size < 40) return Failed("its WAVE_FORMAT_EXTENSIBLE fmt chunk is too short");
    f.format = Get16(b, body + 24);  // the sub-format GUID starts with the plain format code
  }
  if (f.format == kFormatPcm && f.bits != 16)
    return Failed("it is " + std::to_string(f.bits) + "-bit PCM; only 16-bit PCM or float is read");
  if (f.format == kFormatFloat && f.bits != 32 && f.bits != 64)
    return Failed("it is " + std::to_string(f.bits) + "-bit float; only 32- or 64-bit float is read");
  if (f.format != kFormatPcm && f.format != kFormatFloat)
    return Failed("its encoding is format code " + std::to_string(f.format) + "; only PCM or float is read");
  if (f.channels < 1 || f.channels > 2) return Failed("it has " + std::to_string(f.channels) + " channels; mono or stereo only");
  if (f.sample_rate < 1000 || f.sample_rate > 384000) return Failed("its sample rate " + std::to_string(f.sample_rate) + " Hz is implausible");
  return f;
}

int16_t FloatToPcm(double v) {
  if (!std::isfinite(v)) return 0;
  v = std::clamp(v, -1.0, 1.0);
  return static_cast<int16_t>(std::lround(v * 32767.0));
}

void AppendSamples(const std::string& b, size_t at, size_t bytes, const WavFormat& f, Pcm& pcm) {
  const size_t width = static_cast<size_t>(f.bits / 8);
  const size_t n = bytes / width / static_cast<size_t>(f.channels) * static_cast<size_t>(f.channels);  // whole frames
  pcm.samples.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const char* p = b.data() + at + i * width;
    if (f.format == kFormatPcm) {
      pcm.samples.push_back(static_cast<int16_t>(Get16(b, at + i * width)));
    } else if (f.bits == 32) {
      float v;
      std::memcpy(&v, p, sizeof v);  // little-endian host, as base/wav.cc assumes
      pcm.samples.push_back(FloatToPcm(v));
    } else {
      double v;
      std::memcpy(&v, p, sizeof v);
      pcm.samples.push_back(FloatToPcm(v));
    }
  }
}

}  // namespace

Result<Pcm> DecodeSpeechWav(const std::string& b) {
  if (b.size() < 12 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0) return Failed(DescribeAudio(b));
  WavFormat format;
  bool have_format = false;
  size_t at = 12;
  while (at + 8 <= b.size()) {
    const std::string id = b.substr(at, 4);
    const size_t body = at + 8;
    const size_t remaining = b.size() - body;
    uint32_t declared = Get32(b, at + 4);
    size_t size = declared;
    if (id == "data" && (declared == kUnknownSize || declared == 0 || declared > remaining)) size = remaining;
    size = std::min(size, remaining);
    if (id == "fmt ") {
      RW_ASSIGN(format, ReadFormat(b, body, size));
      have_format = true;
    } else if (id == "data") {
      if (!have_format) return Failed("its data chunk comes before the fmt chunk");
      Pcm pcm;
      pcm.sample_rate = format.sample_rate;
      pcm.channels = format.channels;
      AppendSamples(b, body, size, format, pcm);
      if (pcm.samples.empty()) return Failed("it holds no audio (an empty data chunk)");
      return pcm;
    }
    at = body + size + (size & 1);
  }
  return Failed(have_format ? "it has no data chunk" : "it has no fmt chunk");
}

SpeechClient::SpeechClient(SpeechProviderSettings settings)
    : settings_(std::move(settings)), http_(std::make_unique<MediaHttp>(MediaHttp::Options::From(
          settings_, "speech server", "providers.speech",
          "check providers.speech.base_url (it should end with the API prefix, e.g. http://127.0.0.1:8880/v1) and model"))) {}

SpeechClient::~SpeechClient() = default;
SpeechClient::SpeechClient(SpeechClient&&) noexcept = default;
SpeechClient& SpeechClient::operator=(SpeechClient&&) noexcept = default;

void SpeechClient::SetSleepForTests(std::function<void(double)> sleep) { http_->SetSleep(std::move(sleep)); }

std::string SpeechClient::VoiceFor(const std::string& character_id) const {
  auto it = settings_.voices.find(character_id);
  return it != settings_.voices.end() && !it->second.empty() ? it->second : settings_.default_voice;
}

Result<std::string> SpeechClient::Speak(const std::string& text, const std::string& voice,
                                        std::vector<CallRecord>* calls) {
  std::vector<CallRecord> local_calls;
  std::vector<CallRecord>& records = calls ? *calls : local_calls;
  try {
    // What the creator or the caller must fix is checked before waiting for a slot.
    if (ToLowerAscii(Trim(settings_.kind)) != "openai")
      return BadInput("reelwright.yaml", "providers.speech.kind '" + settings_.kind +
                                             "' has no server client; use openai (empty: the built-in espeak-ng voices)");
    RW_TRY(http_->CheckUrl());
    if (Trim(text).empty()) return BadInput("", "a speech request needs text; this one is empty");
    const std::string chosen = voice.empty() ? settings_.default_voice : voice;
    if (chosen.empty())
      return BadInput("reelwright.yaml", "no voice: set providers.speech.default_voice or a voice per character in providers.speech.voices");
    RW_ASSIGN(std::string key, http_->ApiKey());

    MediaHttp::Slot slot(*http_);
    nlohmann::json body = {{"input", text}, {"voice", chosen}, {"response_format", "wav"}};
    if (!settings_.model.empty()) body["model"] = settings_.model;  // else the server's default
    MediaHttp::Request request;
    request.path = "/audio/speech";
    request.accept = "audio/wav";
    request.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    RW_ASSIGN(MediaHttp::Reply reply, http_->Send(request, key, records));
    auto pcm = DecodeSpeechWav(reply.body);
    if (!pcm.ok()) return http_->Invalid(records, "sent audio that is not a usable WAV: " + pcm.error().message);
    records.back().cost = settings_.price_per_mchar * static_cast<double>(CountCodePoints(text)) / 1e6;
    return EncodeWav(*pcm);
  } catch (const std::exception& e) {
    return Failed(std::string("speech request failed: ") + e.what(), settings_.base_url);
  } catch (...) {
    return Failed("speech request failed (unknown exception)", settings_.base_url);
  }
}

}  // namespace rw
