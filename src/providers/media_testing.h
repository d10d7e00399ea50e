// Test-only helpers for the image, speech and video clients: real media made here (a PNG encoder
// that writes stored deflate blocks, a 16-bit PCM WAV sine, an MP4 without tracks), a checker
// that verifies such a PNG down to its CRCs and Adler-32, ComfyUI history entries, and a
// scriptable fake media server on 127.0.0.1 that records every request (JSON bodies, multipart
// files, query parameters) and how many ran at once.
// Header-only; never included by library code. No network beyond loopback.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "providers/chat_testing.h"  // FakeReply, ErrorReply, DroppingServer, ClosedPort

namespace rw::testing {

// ---- PNG -------------------------------------------------------------------------------------

inline uint32_t Crc32(const std::string& bytes, uint32_t crc = 0) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (unsigned char b : bytes) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

inline uint32_t Adler32(const std::string& bytes) {
  uint32_t a = 1, b = 0;
  for (unsigned char c : bytes) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}

inline void PutBe32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}
inline uint32_t GetBe32(const std::string& b, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}

// A zlib stream of stored (uncompressed) deflate blocks.
inline std::string ZlibStored(const std::string& data) {
  std::string out = "\x78\x01";  // deflate, 32K window, no preset dictionary; (0x7801 % 31 == 0)
  size_t at = 0;
  do {
    size_t n = std::min<size_t>(65535, data.size() - at);
    bool last = at + n == data.size();
    out.push_back(last ? 1 : 0);  // BFINAL, BTYPE 00
    out.push_back(static_cast<char>(n & 0xFF));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(~n & 0xFF));
    out.push_back(static_cast<char>((~n >> 8) & 0xFF));
    out.append(data, at, n);
    at += n;
  } while (at < data.size());
  PutBe32(out, Adler32(data));
  return out;
}

inline std::string PngChunk(const std::string& type, const std::string& data) {
  std::string out;
  PutBe32(out, static_cast<uint32_t>(data.size()));
  out += type + data;
  PutBe32(out, Crc32(type + data));
  return out;
}

// A width×height 8-bit RGB PNG: red across, green down, blue from `tint`.
inline std::string MakePng(int width, int height, uint8_t tint = 128) {
  std::string ihdr;
  PutBe32(ihdr, static_cast<uint32_t>(width));
  PutBe32(ihdr, static_cast<uint32_t>(height));
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // depth 8, RGB, deflate, adaptive filters, no interlace
  std::string raw;
  raw.reserve(static_cast<size_t>(height) * (1 + 3 * static_cast<size_t>(width)));
  for (int y = 0; y < height; ++y) {
    raw.push_back(0);  // filter: none
    for (int x = 0; x < width; ++x) {
      raw.push_back(static_cast<char>(width > 1 ? x * 255 / (width - 1) : 0));
      raw.push_back(static_cast<char>(height > 1 ? y * 255 / (height - 1) : 0));
      raw.push_back(static_cast<char>(tint));
    }
  }
  return std::string("\x89PNG\r\n\x1a\n", 8) + PngChunk("IHDR", ihdr) + PngChunk("IDAT", ZlibStored(raw)) +
         PngChunk("IEND", "");
}

struct PngCheck {
  std::string problem;  // empty: valid
  int width = 0, height = 0;
  std::string pixels;   // the filtered scanlines (filter byte + RGB per row)
};

// Verifies a PNG as MakePng writes it: signature, chunk CRCs, IHDR, IDAT stored blocks, the
// Adler-32 of the inflated data and its size, IEND. Other PNGs (compressed blocks) are reported.
inline PngCheck CheckPng(const std::string& b) {
  PngCheck out;
  if (b.size() < 8 || b.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) != 0) return {"no PNG signature"};
  std::string idat;
  bool end = false;
  for (size_t at = 8; !end;) {
    if (at + 12 > b.size()) return {"truncated chunk at " + std::to_string(at)};
    uint32_t len = GetBe32(b, at);
    if (at + 12 + len > b.size()) return {"chunk longer than the file at " + std::to_string(at)};
    std::string type = b.substr(at + 4, 4), data = b.substr(at + 8, len);
    if (Crc32(type + data) != GetBe32(b, at + 8 + len)) return {"bad CRC in " + type};
    if (type == "IHDR") {
      out.width = static_cast<int>(GetBe32(data, 0));
      out.height = static_cast<int>(GetBe32(data, 4));
      if (data.size() != 13 || data[8] != 8 || data[9] != 2) return {"IHDR is not 8-bit RGB"};
    } else if (type == "IDAT") {
      idat += data;
    } else if (type == "IEND") {
      end = true;
    }
    at += 12 + len;
  }
  if (idat.size() < 6 || ((static_cast<uint8_t>(idat[0]) << 8) | static_cast<uint8_t>(idat[1])) % 31 != 0)
    return {"bad zlib header"};
  size_t at = 2;
  for (bool last = false; !last;) {
    if (at + 5 > idat.size()) return {"truncated deflate block"};
    uint8_t head = static_cast<uint8_t>(idat[at]);
    if ((head >> 1) != 0) return {"a compressed deflate block (only stored blocks are checked)"};
    last = head & 1;
    uint16_t n = static_cast<uint16_t>(static_cast<uint8_t>(idat[at + 1]) | (static_cast<uint8_t>(idat[at + 2]) << 8));
    uint16_t nn = static_cast<uint16_t>(static_cast<uint8_t>(idat[at + 3]) | (static_cast<uint8_t>(idat[at + 4]) << 8));
    if (static_cast<uint16_t>(~n) != nn) return {"stored block LEN/NLEN mismatch"};
    if (at + 5 + n > idat.size()) return {"stored block runs past the data"};
    out.pixels.append(idat, at + 5, n);
    at += 5 + n;
  }
  if (at + 4 != idat.size() || GetBe32(idat, at) != Adler32(out.pixels)) return {"bad Adler-32"};
  if (out.pixels.size() != static_cast<size_t>(out.height) * (1 + 3 * static_cast<size_t>(out.width)))
    return {"pixel data size does not match IHDR"};
  return out;
}

// ---- WAV -------------------------------------------------------------------------------------

inline void PutLe(std::string& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// A 44-byte-header WAV of a sine: 16-bit PCM, or 32-bit float with `float_samples`. With
// `streaming_sizes`, the RIFF and data sizes are 0xFFFFFFFF, as streaming servers write them.
inline std::string MakeWav(double seconds, int sample_rate = 24000, double hz = 440, int channels = 1,
                           bool float_samples = false, bool streaming_sizes = false) {
  const uint32_t frames = static_cast<uint32_t>(std::lround(seconds * sample_rate));
  const uint32_t width = float_samples ? 4 : 2;
  const uint32_t data_bytes = frames * static_cast<uint32_t>(channels) * width;
  std::string out = "RIFF";
  PutLe(out, streaming_sizes ? 0xFFFFFFFFu : 36 + data_bytes, 4);
  out += "WAVEfmt ";
  PutLe(out, 16, 4);
  PutLe(out, float_samples ? 3 : 1, 2);
  PutLe(out, static_cast<uint32_t>(channels), 2);
  PutLe(out, static_cast<uint32_t>(sample_rate), 4);
  PutLe(out, static_cast<uint32_t>(sample_rate) * static_cast<uint32_t>(channels) * width, 4);
  PutLe(out, static_cast<uint32_t>(channels) * width, 2);
  PutLe(out, width * 8, 2);
  out += "data";
  PutLe(out, streaming_sizes ? 0xFFFFFFFFu : data_bytes, 4);
  for (uint32_t i = 0; i < frames; ++i) {
    constexpr double kPi = 3.14159265358979323846;
    double v = 0.5 * std::sin(2 * kPi * hz * i / sample_rate);
    for (int c = 0; c < channels; ++c) {
      if (float_samples) {
        float f = static_cast<float>(v);
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        PutLe(out, bits, 4);
      } else {
        PutLe(out, static_cast<uint32_t>(static_cast<uint16_t>(static_cast<int16_t>(std::lround(v * 32767)))), 2);
      }
    }
  }
  return out;
}

// ---- MP4 --------------------------------------------------------------------------------------

inline std::string Mp4Box(const std::string& type, const std::string& payload) {
  std::string out;
  PutBe32(out, static_cast<uint32_t>(8 + payload.size()));
  return out + type + payload;
}

// A structurally valid MP4 without FFmpeg: an ftyp box (isom, compatible iso2/mp41) and a movie
// header (moov/mvhd: timescale 1000, `duration_ms`, next track 1) with no tracks, so a player
// opens it and finds no streams. The video client checks signatures only ("ftyp" at offset 4),
// so this is all its tests need; decoding is post/conform's business and tested there.
inline std::string MakeMp4(uint32_t duration_ms = 5000) {
  std::string ftyp = "isom";
  PutBe32(ftyp, 0x200);
  ftyp += "isomiso2mp41";
  std::string mvhd(4, '\0');  // version 0, no flags
  PutBe32(mvhd, 0);            // creation time
  PutBe32(mvhd, 0);            // modification time
  PutBe32(mvhd, 1000);         // timescale
  PutBe32(mvhd, duration_ms);
  PutBe32(mvhd, 0x00010000);   // rate 1.0
  mvhd += std::string("\x01\x00", 2) + std::string(10, '\0');  // volume 1.0, reserved
  for (uint32_t m : {0x00010000u, 0u, 0u, 0u, 0x00010000u, 0u, 0u, 0u, 0x40000000u}) PutBe32(mvhd, m);  // identity
  mvhd += std::string(24, '\0');  // pre_defined
  PutBe32(mvhd, 1);                // next track ID
  return Mp4Box("ftyp", ftyp) + Mp4Box("moov", Mp4Box("mvhd", mvhd));
}

// ---- ComfyUI ---------------------------------------------------------------------------------

// A /history/<id> entry as ComfyUI writes it once the prompt has run.
inline nlohmann::json ComfyHistoryEntry(const nlohmann::json& outputs, const std::string& status = "success",
                                        const nlohmann::json& messages = nlohmann::json::array()) {
  return {{"prompt", {1, "abc-123", nlohmann::json::object(), nlohmann::json::object(), {"9"}}},
          {"outputs", outputs},
          {"status", {{"status_str", status}, {"completed", status == "success"}, {"messages", messages}}}};
}

// ---- a fake media server ---------------------------------------------------------------------

struct MediaRequest {
  std::string method;  // "GET", "POST"
  std::string path;    // without the query
  std::map<std::string, std::string> params;  // the query
  std::string authorization;
  std::string content_type;
  std::string body;
  nlohmann::json json;  // the parsed body (null if not JSON)
  struct File {
    std::string filename, content_type, content;
  };
  std::map<std::string, File> files;  // multipart/form-data fields by name (plain fields too)
};

inline FakeReply JsonReply(const nlohmann::json& body, int status = 200) { return FakeReply{status, body.dump(), {}, 0}; }
inline FakeReply BytesReply(std::string bytes, std::string content_type) {
  FakeReply r{200, std::move(bytes), {}, 0};
  r.content_type = std::move(content_type);
  return r;
}

// Answers every GET and POST with `handler(request, index)`, where index counts the earlier
// requests with the same method and path (0 for the first), so a test can script "503, then ok".
class FakeMediaServer {
 public:
  using Handler = std::function<FakeReply(const MediaRequest& request, int index)>;

  explicit FakeMediaServer(Handler handler) : handler_(std::move(handler)) {
    auto serve = [this](const httplib::Request& req, httplib::Response& res) { Serve(req, res); };
    server_.Get(R"(/.*)", serve);
    server_.Post(R"(/.*)", serve);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~FakeMediaServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  FakeMediaServer(const FakeMediaServer&) = delete;
  FakeMediaServer& operator=(const FakeMediaServer&) = delete;

  // "http://127.0.0.1:<port>" + prefix (e.g. "/v1").
  std::string Url(const std::string& prefix = "") const { return "http://127.0.0.1:" + std::to_string(port_) + prefix; }
  std::vector<MediaRequest> Requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  // The requests to one path, in order.
  std::vector<MediaRequest> Requests(const std::string& path) const {
    std::vector<MediaRequest> out;
    for (auto& r : Requests())
      if (r.path == path) out.push_back(r);
    return out;
  }
  int max_in_flight() const { return max_in_flight_; }

 private:
  void Serve(const httplib::Request& req, httplib::Response& res) {
    int now = ++in_flight_;
    for (int seen = max_in_flight_; now > seen && !max_in_flight_.compare_exchange_weak(seen, now);) {
    }
    MediaRequest seen;
    seen.method = req.method;
    seen.path = req.path;
    for (const auto& [k, v] : req.params) seen.params[k] = v;
    seen.authorization = req.get_header_value("Authorization");
    seen.content_type = req.get_header_value("Content-Type");
    seen.body = req.body;
    seen.json = nlohmann::json::parse(req.body, nullptr, false);
    if (seen.json.is_discarded()) seen.json = nullptr;
    for (const auto& [name, file] : req.files) seen.files[name] = {file.filename, file.content_type, file.content};
    int index = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& r : requests_) index += r.method == seen.method && r.path == seen.path;
      requests_.push_back(seen);
    }
    FakeReply reply = handler_(seen, index);
    if (reply.delay_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(reply.delay_s));
    res.status = reply.status;
    for (const auto& [k, v] : reply.headers) res.set_header(k, v);
    res.set_content(reply.body, reply.content_type);
    --in_flight_;
  }

  Handler handler_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<MediaRequest> requests_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
};

}  // namespace rw::testing
