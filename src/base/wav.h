// PCM audio in memory and as WAV files (RIFF, 16-bit little-endian PCM, 1 or 2 channels).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"

namespace rw {

struct Pcm {
  int sample_rate = 48000;
  int channels = 1;
  std::vector<int16_t> samples;  // interleaved
  int64_t Frames() const { return channels > 0 ? static_cast<int64_t>(samples.size()) / channels : 0; }
  double Seconds() const { return sample_rate > 0 ? static_cast<double>(Frames()) / sample_rate : 0; }
};

std::string EncodeWav(const Pcm& pcm);
// Reads 16-bit PCM WAV; other encodings are an error naming the file.
Result<Pcm> DecodeWav(const std::string& bytes, const std::string& where);
Status WriteWav(const std::filesystem::path& path, const Pcm& pcm);
Result<Pcm> ReadWav(const std::filesystem::path& path);

}  // namespace rw
