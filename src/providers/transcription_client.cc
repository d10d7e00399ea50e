#include "providers/transcription_client.h"

#include <algorithm>
#include <exception>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/hash.h"
#include "base/text.h"
#include "base/wav.h"
#include "providers/http.h"  // ShortenText
#include "providers/image_client.h"  // MediaHttp, MultipartPart

namespace rw {
namespace {

// The units a transcript is compared in: lower-case words, or single characters for Chinese;
// punctuation and spacing dropped.
std::vector<std::u32string> Units(const std::string& text) {
  std::vector<char32_t> cps = DecodeUtf8(text);
  bool chinese = std::any_of(cps.begin(), cps.end(), [](char32_t c) { return IsCjk(c); });
  std::vector<std::u32string> out;
  std::u32string word;
  auto flush = [&] {
    if (!word.empty()) out.push_back(word);
    word.clear();
  };
  for (char32_t c : cps) {
    bool letter = (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || c == U'\'' ||
                  (c >= 0xC0 && c < 0x2000) || (IsCjk(c) && c >= 0x3400);
    if (c >= U'A' && c <= U'Z') c = c - U'A' + U'a';
    if (!letter) {
      flush();
    } else if (chinese && IsCjk(c)) {
      flush();
      out.push_back(std::u32string(1, c));
    } else {
      word.push_back(c);
    }
  }
  flush();
  return out;
}

}  // namespace

double TranscriptError(const std::string& script, const std::string& heard) {
  std::vector<std::u32string> a = Units(script), b = Units(heard);
  if (a.empty()) return b.empty() ? 0 : 1;
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return static_cast<double>(row[b.size()]) / static_cast<double>(a.size());
}

TranscriptionClient::TranscriptionClient(TranscriptionProviderSettings settings)
    : settings_(std::move(settings)), http_(std::make_unique<MediaHttp>(MediaHttp::Options::From(
          settings_, "transcription server", "providers.transcription",
          "check providers.transcription.base_url (it ends in /v1 for OpenAI-style servers)"))) {}
TranscriptionClient::~TranscriptionClient() = default;
TranscriptionClient::TranscriptionClient(TranscriptionClient&&) noexcept = default;
TranscriptionClient& TranscriptionClient::operator=(TranscriptionClient&&) noexcept = default;
void TranscriptionClient::SetSleepForTests(std::function<void(double)> sleep) { http_->SetSleep(std::move(sleep)); }

Result<std::string> TranscriptionClient::Transcribe(const std::string& wav, const std::string& language,
                                                    std::vector<CallRecord>* calls) {
  std::vector<CallRecord> local_calls;
  std::vector<CallRecord>& records = calls ? *calls : local_calls;
  try {
    if (ToLowerAscii(Trim(settings_.kind)) != "openai")
      return BadInput("reelwright.yaml", "providers.transcription.kind '" + settings_.kind + "' has no client; use openai");
    RW_TRY(http_->CheckUrl());
    RW_ASSIGN(Pcm pcm, DecodeWav(wav, "the line's voice"));
    RW_ASSIGN(std::string key, http_->ApiKey());
    MediaHttp::Slot slot(*http_);
    const std::string boundary = "----reelwright" + Sha256Hex(wav).substr(0, 24);
    MediaHttp::Request request;
    request.path = "/audio/transcriptions";
    request.content_type = "multipart/form-data; boundary=" + boundary;
    request.body = MultipartPart(boundary, "name=\"file\"; filename=\"line.wav\"", "audio/wav", wav) +
                   MultipartPart(boundary, "name=\"response_format\"", "", "json");
    if (!settings_.model.empty()) request.body += MultipartPart(boundary, "name=\"model\"", "", settings_.model);
    if (!language.empty()) request.body += MultipartPart(boundary, "name=\"language\"", "", language);
    request.body += "--" + boundary + "--\r\n";
    RW_ASSIGN(MediaHttp::Reply reply, http_->Send(request, key, records));
    nlohmann::json j = nlohmann::json::parse(reply.body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("text") || !j["text"].is_string())
      return http_->Invalid(records, "answered without {\"text\": …}: " + ShortenText(Trim(reply.body), 200));
    records.back().cost = settings_.price_per_minute * pcm.Seconds() / 60;
    return Trim(j["text"].get<std::string>());
  } catch (const std::exception& e) {
    return Failed(std::string("transcription request failed: ") + e.what(), settings_.base_url);
  } catch (...) {
    return Failed("transcription request failed (unknown exception)", settings_.base_url);
  }
}

}  // namespace rw
