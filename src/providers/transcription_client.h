// A client for OpenAI-compatible transcription servers (providers.transcription, kind "openai"):
// a line's WAV in, the words heard out. Works with OpenAI (whisper-1, gpt-4o-transcribe),
// whisper.cpp's server, faster-whisper-server/speaches, LocalAI and others that serve
// POST {base_url}/audio/transcriptions.
//
// The request is multipart/form-data: "file" (the WAV, audio/wav), "model" (when set),
// "response_format" json and "language" (ISO 639-1, e.g. "en", "zh"; a hint the server may use).
// The reply is {"text": "..."}; anything else fails clearly without a retry.
//
// Transport, retries, hints and CallRecords as in image_client.h (MediaHttp); the successful
// record's cost is price_per_minute × the WAV's length in minutes. Never throws; never prints.
// Thread-safe: at most settings.concurrency requests run at once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "providers/chat_client.h"  // CallRecord
#include "schema/settings.h"

namespace rw {

class MediaHttp;

class TranscriptionClient {
 public:
  explicit TranscriptionClient(TranscriptionProviderSettings settings);
  ~TranscriptionClient();
  TranscriptionClient(TranscriptionClient&&) noexcept;
  TranscriptionClient& operator=(TranscriptionClient&&) noexcept;

  // The text heard in `wav` (RIFF bytes). `calls` may be null. Settings problems and a request
  // that is not a WAV are BadInput; server problems are Failed.
  Result<std::string> Transcribe(const std::string& wav, const std::string& language, std::vector<CallRecord>* calls);
  void SetSleepForTests(std::function<void(double)> sleep);
  const TranscriptionProviderSettings& settings() const { return settings_; }

 private:
  TranscriptionProviderSettings settings_;
  std::unique_ptr<MediaHttp> http_;
};

// How far `heard` is from `script`: the edit distance over words (over characters when either
// holds Chinese), case, punctuation and spacing ignored, divided by the script's length; 0 is
// a match, 1 or more nothing alike.
double TranscriptError(const std::string& script, const std::string& heard);

}  // namespace rw
