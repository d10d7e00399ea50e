// Test-only helpers for post/*_test.cc: synthetic frames and a small libavformat/libavcodec
// prober, so tests check the files the writers make with the same libraries a player uses.
// Header-only; never included by library code.
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/image.h"
#include "post/ff_util.h"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace rw::ff::testing {

// A diagonal colour gradient that slides by `t` pixels per frame; `hue` picks the palette.
inline Image GradientFrame(int width, int height, int t, int hue) {
  Image image(width, height);
  for (int y = 0; y < height; ++y) {
    uint8_t* row = image.Row(y);
    for (int x = 0; x < width; ++x) {
      uint8_t a = static_cast<uint8_t>((x + y / 2 + 4 * t) & 0xFF);
      uint8_t b = static_cast<uint8_t>((y / 4 + 2 * t) & 0xFF);
      uint8_t r = hue == 0 ? a : b / 2, g = hue == 0 ? b / 2 : b, bl = hue == 0 ? 40 : a;
      row[4 * x + 0] = bl;
      row[4 * x + 1] = g;
      row[4 * x + 2] = r;
      row[4 * x + 3] = 255;
    }
  }
  return image;
}

struct StreamInfo {
  AVMediaType type = AVMEDIA_TYPE_UNKNOWN;
  AVCodecID codec = AV_CODEC_ID_NONE;
  int profile = FF_PROFILE_UNKNOWN;
  int width = 0, height = 0;
  std::string pix_fmt;
  double fps = 0;
  AVColorSpace colorspace = AVCOL_SPC_UNSPECIFIED;
  AVColorPrimaries primaries = AVCOL_PRI_UNSPECIFIED;
  int sample_rate = 0, channels = 0;
  int64_t packets = 0;
};

struct FileInfo {
  bool ok = false;
  double duration = 0;  // seconds, from the container
  std::vector<StreamInfo> streams;
};

inline FileInfo Probe(const std::filesystem::path& path) {
  FileInfo info;
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, path.c_str(), nullptr, nullptr) < 0) return info;
  InputFormatPtr in(raw);
  if (avformat_find_stream_info(raw, nullptr) < 0) return info;
  info.duration = raw->duration != AV_NOPTS_VALUE ? raw->duration / static_cast<double>(AV_TIME_BASE) : 0;
  for (unsigned i = 0; i < raw->nb_streams; ++i) {
    const AVStream* st = raw->streams[i];
    StreamInfo s;
    s.type = st->codecpar->codec_type;
    s.codec = st->codecpar->codec_id;
    s.profile = st->codecpar->profile;
    s.width = st->codecpar->width;
    s.height = st->codecpar->height;
    if (s.type == AVMEDIA_TYPE_VIDEO) {
      const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(st->codecpar->format));
      s.pix_fmt = name ? name : "";
      s.fps = av_q2d(st->avg_frame_rate);
      s.colorspace = st->codecpar->color_space;
      s.primaries = st->codecpar->color_primaries;
    }
    s.sample_rate = st->codecpar->sample_rate;
    s.channels = st->codecpar->ch_layout.nb_channels;
    info.streams.push_back(s);
  }
  PacketPtr packet = MakePacket();
  while (av_read_frame(raw, packet.get()) >= 0) {
    info.streams[static_cast<size_t>(packet->stream_index)].packets++;
    av_packet_unref(packet.get());
  }
  info.ok = true;
  return info;
}

// Decodes the first stream of `type`; calls on_frame for every decoded frame, in order.
template <class F>
bool DecodeAll(const std::filesystem::path& path, AVMediaType type, F on_frame) {
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, path.c_str(), nullptr, nullptr) < 0) return false;
  InputFormatPtr in(raw);
  if (avformat_find_stream_info(raw, nullptr) < 0) return false;
  const AVCodec* codec = nullptr;
  int index = av_find_best_stream(raw, type, -1, -1, &codec, 0);
  if (index < 0) return false;
  CodecContextPtr dec(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(dec.get(), raw->streams[index]->codecpar);
  dec->pkt_timebase = raw->streams[index]->time_base;
  if (avcodec_open2(dec.get(), codec, nullptr) < 0) return false;
  PacketPtr packet = MakePacket();
  FramePtr frame = MakeFrame();
  auto drain = [&]() {
    while (avcodec_receive_frame(dec.get(), frame.get()) == 0) {
      on_frame(*frame, raw->streams[index]->time_base);
      av_frame_unref(frame.get());
    }
  };
  while (av_read_frame(raw, packet.get()) >= 0) {
    if (packet->stream_index == index) avcodec_send_packet(dec.get(), packet.get());
    av_packet_unref(packet.get());
    drain();
  }
  avcodec_send_packet(dec.get(), nullptr);
  drain();
  return true;
}

// The luma planes (tightly packed) of the decoded video frames whose index is in `wanted`.
inline std::map<int, std::vector<uint8_t>> LumaFrames(const std::filesystem::path& path, const std::set<int>& wanted) {
  std::map<int, std::vector<uint8_t>> out;
  int index = 0;
  DecodeAll(path, AVMEDIA_TYPE_VIDEO, [&](const AVFrame& f, AVRational) {
    if (wanted.count(index)) {
      std::vector<uint8_t> y(static_cast<size_t>(f.width) * f.height);
      for (int row = 0; row < f.height; ++row) {
        std::copy(f.data[0] + row * f.linesize[0], f.data[0] + row * f.linesize[0] + f.width,
                  y.begin() + static_cast<ptrdiff_t>(row) * f.width);
      }
      out[index] = std::move(y);
    }
    ++index;
  });
  return out;
}

// Mean absolute luma difference over rows [row0, row1) and columns [col0, col1) (default: all)
// of two width-wide planes.
inline double MeanAbsDiff(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, int width, int row0, int row1,
                          int col0 = 0, int col1 = -1) {
  if (col1 < 0) col1 = width;
  double sum = 0;
  for (int y = row0; y < row1; ++y) {
    for (int x = col0; x < col1; ++x) {
      size_t i = static_cast<size_t>(y) * width + x;
      sum += std::abs(static_cast<int>(a[i]) - static_cast<int>(b[i]));
    }
  }
  return sum / (static_cast<double>(row1 - row0) * (col1 - col0));
}

// The first-channel audio samples, placed by their timestamps (seconds → sample index).
inline std::vector<float> DecodeAudioLeft(const std::filesystem::path& path, int* sample_rate) {
  std::vector<float> out;
  DecodeAll(path, AVMEDIA_TYPE_AUDIO, [&](const AVFrame& f, AVRational tb) {
    *sample_rate = f.sample_rate;
    int64_t at = f.pts == AV_NOPTS_VALUE ? static_cast<int64_t>(out.size())
                                         : av_rescale_q(f.pts, tb, AVRational{1, f.sample_rate});
    if (at < 0) at = 0;
    if (out.size() < static_cast<size_t>(at + f.nb_samples)) out.resize(static_cast<size_t>(at + f.nb_samples));
    const float* left = reinterpret_cast<const float*>(f.data[0]);
    for (int i = 0; i < f.nb_samples; ++i) out[static_cast<size_t>(at + i)] = left[i];
  });
  return out;
}

inline double Rms(const std::vector<float>& s, size_t from, size_t to) {
  double sum = 0;
  to = std::min(to, s.size());
  if (to <= from) return 0;
  for (size_t i = from; i < to; ++i) sum += static_cast<double>(s[i]) * s[i];
  return std::sqrt(sum / static_cast<double>(to - from));
}

// The types of the top-level MP4 boxes, in file order.
inline std::vector<std::string> TopLevelBoxes(const std::filesystem::path& path) {
  std::vector<std::string> boxes;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return boxes;
  while (true) {
    uint8_t h[16];
    if (std::fread(h, 1, 8, f) != 8) break;
    uint64_t size = (uint64_t{h[0]} << 24) | (uint64_t{h[1]} << 16) | (uint64_t{h[2]} << 8) | h[3];
    boxes.emplace_back(reinterpret_cast<char*>(h + 4), 4);
    uint64_t header = 8;
    if (size == 1) {
      if (std::fread(h + 8, 1, 8, f) != 8) break;
      size = 0;
      for (int i = 8; i < 16; ++i) size = (size << 8) | h[i];
      header = 16;
    }
    if (size == 0 || size < header) break;  // to end of file
    if (std::fseek(f, static_cast<long>(size - header), SEEK_CUR) != 0) break;
  }
  std::fclose(f);
  return boxes;
}

}  // namespace rw::ff::testing
