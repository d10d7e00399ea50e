// Private helpers shared by the FFmpeg-backed writers in post/: RAII owners for FFmpeg and
// libass handles, AVERROR → rw::Error, and the encode loop every writer uses.
//
// The encode loop follows FFmpeg's doc/examples/transcode.c: push a frame (or nullptr to flush),
// then pull packets until the encoder says EAGAIN (wants more input) or EOF (fully drained).
// Not part of the public API of post/; include only from post/*.cc.
#pragma once

#include <memory>
#include <string>

extern "C" {
#include <ass/ass.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include "base/result.h"

namespace rw::ff {

// "<what>: <av_strerror text>", with `where` naming the file involved.
Error AvError(int rc, const std::string& what, const std::string& where);

struct InputFormatDeleter {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
// An output context owns its AVIOContext (closed here if still open) and its streams.
struct OutputFormatDeleter {
  void operator()(AVFormatContext* c) const {
    if (c->pb && !(c->oformat->flags & AVFMT_NOFILE)) avio_closep(&c->pb);
    avformat_free_context(c);
  }
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct SwrDeleter {
  void operator()(SwrContext* s) const { swr_free(&s); }
};
struct AssLibraryDeleter {
  void operator()(ASS_Library* l) const { ass_library_done(l); }
};
struct AssRendererDeleter {
  void operator()(ASS_Renderer* r) const { ass_renderer_done(r); }
};
struct AssTrackDeleter {
  void operator()(ASS_Track* t) const { ass_free_track(t); }
};

using InputFormatPtr = std::unique_ptr<AVFormatContext, InputFormatDeleter>;
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;
using AssLibraryPtr = std::unique_ptr<ASS_Library, AssLibraryDeleter>;
using AssRendererPtr = std::unique_ptr<ASS_Renderer, AssRendererDeleter>;
using AssTrackPtr = std::unique_ptr<ASS_Track, AssTrackDeleter>;

// Lowers FFmpeg's log level from its default (info: x264 prints its settings and statistics on
// every encoder) to errors only, so progress lines on stderr stay readable. A level the program
// chose itself (anything but the default) is left alone. Called by every writer and reader.
void QuietLogs();

FramePtr MakeFrame();
PacketPtr MakePacket();

// Opens an MP4 muxer writing to `file` (any name: the format is forced to "mp4", so temp names
// like "ep.mp4.tmp-12-0" work). The AVIOContext is opened by WriteHeader.
Result<OutputFormatPtr> OpenMp4Output(const std::string& file);

// Opens the file and writes the header with `options` (e.g. "movflags=+faststart").
// `where` names the real target for errors.
Status WriteHeader(AVFormatContext* out, const std::string& file, AVDictionary** options, const std::string& where);

// An encoder feeding one stream of a muxer.
struct EncodedStream {
  CodecContextPtr codec;
  AVStream* stream = nullptr;  // owned by the muxer
};

// x264 settings for an H.264 High, yuv420p, BT.709-tagged stream with a closed GOP.
struct H264Settings {
  int width = 0, height = 0, fps = 30;
  int gop_frames = 30;
  int crf = -1;                 // >= 0: constant quality; otherwise the bitrates below
  int64_t bitrate = 0, max_bitrate = 0, buffer_bits = 0;
  std::string x264_preset = "veryfast";
  int threads = 0;  // x264 threads; 0: auto (frame threads sized to the cores)
};

// Adds a libx264 stream to `out` and opens its encoder (time base 1/fps).
Result<EncodedStream> AddH264Stream(AVFormatContext* out, const H264Settings& settings, const std::string& where);

// A yuv420p frame of the given size with its own (pooled, refcounted) buffers.
Result<FramePtr> MakeVideoFrame(int width, int height, const std::string& where);

// Sends `frame` (nullptr flushes) to the encoder and writes every packet it has ready to the
// muxer, rescaled from the encoder's time base to the stream's. `packet` is scratch space.
Status EncodeAndWrite(EncodedStream& enc, const AVFrame* frame, AVFormatContext* out, AVPacket* packet,
                      const std::string& where);

}  // namespace rw::ff
