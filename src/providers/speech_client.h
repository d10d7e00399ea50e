// A client for OpenAI-compatible speech servers (providers.speech, kind "openai"): a line of
// dialogue in, a WAV out. Works with OpenAI, Kokoro-FastAPI, openedai-speech, LocalAI and
// others that serve POST {base_url}/audio/speech.
//
// The request is {"model","input","voice","response_format":"wav"}. The reply must be a RIFF/WAVE
// file: PCM 16-bit or IEEE float (32 or 64 bit), plain or WAVE_FORMAT_EXTENSIBLE, mono or
// stereo. Streaming servers write 0 or 0xFFFFFFFF as the data size; the data then runs to the end
// of the reply. Anything else (MP3 because the server ignored response_format, a JSON error with
// status 200, an empty data chunk) fails clearly, without a retry.
//
// Speak returns the audio re-encoded as a plain 44-byte-header 16-bit PCM WAV (base/wav.h
// EncodeWav), so DecodeWav reads it; the sample rate and channel count are the server's
// (OpenAI and Kokoro: 24 kHz mono) — resample downstream.
//
// Transport, retries, hints and CallRecords as in image_client.h (MediaHttp); the successful
// record's cost is price_per_mchar × code points of the text / 1e6. An empty settings.model is
// left out of the request. Never throws; never prints; sets SIGPIPE to SIG_IGN like ChatClient.
// Thread-safe: at most settings.concurrency requests run at once, others wait.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/wav.h"
#include "providers/chat_client.h"  // CallRecord
#include "schema/settings.h"

namespace rw {

class MediaHttp;

class SpeechClient {
 public:
  explicit SpeechClient(SpeechProviderSettings settings);
  ~SpeechClient();
  SpeechClient(SpeechClient&&) noexcept;
  SpeechClient& operator=(SpeechClient&&) noexcept;

  // The server's voice for a character: settings.voices[character_id], else settings.default_voice.
  std::string VoiceFor(const std::string& character_id) const;

  // WAV bytes (16-bit PCM) for `text` in `voice` (empty: settings.default_voice). `calls` may be
  // null. Settings problems and an empty text are BadInput; server problems are Failed.
  Result<std::string> Speak(const std::string& text, const std::string& voice, std::vector<CallRecord>* calls);

  // Replaces std::this_thread::sleep_for between retries. Set before use.
  void SetSleepForTests(std::function<void(double)> sleep);

  const SpeechProviderSettings& settings() const { return settings_; }

 private:
  SpeechProviderSettings settings_;
  std::unique_ptr<MediaHttp> http_;
};

// Reads a WAV as speech servers send it (see above) into 16-bit PCM; the error says what the
// bytes are instead ("an MP3", "24-bit PCM", …).
Result<Pcm> DecodeSpeechWav(const std::string& bytes);

}  // namespace rw
