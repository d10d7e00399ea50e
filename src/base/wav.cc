#include "base/wav.h"

#include <cstring>

#include "base/file.h"

namespace rw {

namespace {

void Put32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void Put16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}
uint32_t Get32(const std::string& b, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b[at + static_cast<size_t>(i)]);
  return v;
}
uint16_t Get16(const std::string& b, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[at]) | (static_cast<uint8_t>(b[at + 1]) << 8));
}

}  // namespace

std::string EncodeWav(const Pcm& pcm) {
  uint32_t data_bytes = static_cast<uint32_t>(pcm.samples.size() * 2);
  std::string out;
  out.reserve(44 + data_bytes);
  out += "RIFF";
  Put32(out, 36 + data_bytes);
  out += "WAVEfmt ";
  Put32(out, 16);
  Put16(out, 1);  // PCM
  Put16(out, static_cast<uint16_t>(pcm.channels));
  Put32(out, static_cast<uint32_t>(pcm.sample_rate));
  Put32(out, static_cast<uint32_t>(pcm.sample_rate * pcm.channels * 2));
  Put16(out, static_cast<uint16_t>(pcm.channels * 2));
  Put16(out, 16);
  out += "data";
  Put32(out, data_bytes);
  for (int16_t s : pcm.samples) Put16(out, static_cast<uint16_t>(s));
  return out;
}

Result<Pcm> DecodeWav(const std::string& b, const std::string& where) {
  if (b.size() < 12 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0)
    return BadInput(where, "not a WAV file (no RIFF/WAVE header)");
  Pcm pcm;
  bool have_fmt = false;
  size_t at = 12;
  while (at + 8 <= b.size()) {
    std::string id = b.substr(at, 4);
    size_t size = Get32(b, at + 4);
    size_t body = at + 8;
    if (body + size > b.size()) size = b.size() - body;  // tolerate a truncated last chunk length
    if (id == "fmt " && size >= 16) {
      uint16_t format = Get16(b, body);
      pcm.channels = Get16(b, body + 2);
      pcm.sample_rate = static_cast<int>(Get32(b, body + 4));
      uint16_t bits = Get16(b, body + 14);
      if (format != 1 || bits != 16) return BadInput(where, "WAV must be 16-bit PCM; convert it (e.g. to pcm_s16le)");
      if (pcm.channels < 1 || pcm.channels > 2) return BadInput(where, "WAV must be mono or stereo");
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) return BadInput(where, "WAV data before its format chunk");
      pcm.samples.resize(size / 2);
      std::memcpy(pcm.samples.data(), b.data() + body, pcm.samples.size() * 2);  // little-endian host
      return pcm;
    }
    at = body + size + (size & 1);
  }
  return BadInput(where, "WAV has no data chunk");
}

Status WriteWav(const std::filesystem::path& path, const Pcm& pcm) { return WriteFileAtomic(path, EncodeWav(pcm)); }

Result<Pcm> ReadWav(const std::filesystem::path& path) {
  RW_ASSIGN(std::string bytes, ReadFile(path));
  return DecodeWav(bytes, path.string());
}

}  // namespace rw
