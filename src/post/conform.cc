#include "post/conform.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "base/file.h"
#include "base/image.h"
#include "post/ff_util.h"
#include "post/video_writer.h"

extern "C" {
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/pixdesc.h>
}

namespace rw {

namespace {

// A rate this close to the target is the target (29.97 for 30, a WebP's 33 ms frames for 30).
constexpr double kSameRateTolerance = 0.02;
// Larger canvases are not clips but broken headers; refusing them avoids absurd allocations.
constexpr int kMaxSide = 16384;
constexpr char kWhatItShouldBe[] = "it should be an MP4, WebM, GIF or WebP video; is the file complete?";

// ---- sources: a clip's frames in display order ------------------------------------------------

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // The next frame with its pts in time_base() (or AV_NOPTS_VALUE); false after the last.
  virtual Result<bool> Next(AVFrame* frame) = 0;
  virtual AVRational time_base() const = 0;
  virtual double fps() const = 0;  // 0: unknown
};

// Whatever libavformat opens: its best video stream, decoded.
class DemuxedSource : public FrameSource {
 public:
  static Result<std::unique_ptr<FrameSource>> Open(const std::filesystem::path& file, const std::string& where);
  Result<bool> Next(AVFrame* frame) override;
  AVRational time_base() const override { return time_base_; }
  double fps() const override { return fps_; }

 private:
  std::string where_;
  ff::InputFormatPtr input_;
  ff::CodecContextPtr decoder_;
  ff::PacketPtr packet_;
  int stream_index_ = -1;
  AVRational time_base_{1, 1};
  double fps_ = 0;
  bool flushing_ = false;
};

Result<std::unique_ptr<FrameSource>> DemuxedSource::Open(const std::filesystem::path& file, const std::string& where) {
  std::unique_ptr<DemuxedSource> s(new DemuxedSource());
  s->where_ = where;
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, file.c_str(), nullptr, nullptr);
  if (rc < 0) {
    Error e = ff::AvError(rc, "cannot open the clip", where);
    e.message += std::string("; ") + kWhatItShouldBe;
    return e;
  }
  s->input_.reset(raw);
  rc = avformat_find_stream_info(raw, nullptr);
  if (rc < 0) return ff::AvError(rc, "cannot read the clip's streams", where);
  const AVCodec* codec = nullptr;
  rc = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (rc < 0) {
    Error e = ff::AvError(rc, "the clip has no decodable video stream", where);
    e.message += std::string("; ") + kWhatItShouldBe;
    return e;
  }
  s->stream_index_ = rc;
  const AVStream* stream = raw->streams[rc];
  s->time_base_ = stream->time_base;
  AVRational rate = stream->avg_frame_rate.num > 0 && stream->avg_frame_rate.den > 0 ? stream->avg_frame_rate
                                                                                      : stream->r_frame_rate;
  if (rate.num > 0 && rate.den > 0) s->fps_ = av_q2d(rate);
  s->decoder_.reset(avcodec_alloc_context3(codec));
  if (!s->decoder_) return Failed("out of memory creating a decoder", where);
  rc = avcodec_parameters_to_context(s->decoder_.get(), stream->codecpar);
  if (rc < 0) return ff::AvError(rc, "cannot configure the clip's decoder", where);
  s->decoder_->pkt_timebase = stream->time_base;
  s->decoder_->thread_count = 0;  // auto
  rc = avcodec_open2(s->decoder_.get(), codec, nullptr);
  if (rc < 0) return ff::AvError(rc, std::string("cannot open the ") + codec->name + " decoder", where);
  s->packet_ = ff::MakePacket();
  if (!s->packet_) return Failed("out of memory", where);
  return std::unique_ptr<FrameSource>(std::move(s));
}

Result<bool> DemuxedSource::Next(AVFrame* frame) {
  while (true) {
    int rc = avcodec_receive_frame(decoder_.get(), frame);
    if (rc == 0) {
      frame->pts = frame->best_effort_timestamp;
      return true;
    }
    if (rc == AVERROR_EOF) return false;
    if (rc != AVERROR(EAGAIN)) return ff::AvError(rc, "cannot decode the clip", where_);
    // The decoder wants input.
    rc = av_read_frame(input_.get(), packet_.get());
    if (rc == AVERROR_EOF) {
      if (flushing_) return false;
      flushing_ = true;
      rc = avcodec_send_packet(decoder_.get(), nullptr);
      if (rc < 0 && rc != AVERROR_EOF) return ff::AvError(rc, "cannot flush the clip's decoder", where_);
      continue;
    }
    if (rc < 0) return ff::AvError(rc, "cannot read the clip", where_);
    if (packet_->stream_index == stream_index_) rc = avcodec_send_packet(decoder_.get(), packet_.get());
    av_packet_unref(packet_.get());
    if (rc < 0) return ff::AvError(rc, "the clip's decoder refused a packet", where_);
  }
}

// ---- animated WebP ---------------------------------------------------------------------------
//
// FFmpeg 5.1 decodes still WebP only (animation arrived in 7.1), and ComfyUI's SaveAnimatedWEBP is
// a common way to save a clip. So the frames (ANMF chunks) are cut out here, each wrapped as a
// still WebP for libavcodec's decoder, and composed on the canvas as the WebP container
// specification says: alpha-blended or not, the rectangle disposed to transparent or not. Each
// canvas is flattened over black. Timestamps are the frames' durations, in milliseconds.

uint32_t LittleEndian(const std::string& b, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b[at + static_cast<size_t>(i)]);
  return v;
}

void PutLittleEndian(std::string& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

struct RiffChunk {
  std::string fourcc;
  size_t offset = 0;  // of the payload
  size_t size = 0;    // of the payload, without the pad byte
};

// The chunks of bytes[at, end): a FourCC, a little-endian size, the payload, a pad byte to even.
Result<std::vector<RiffChunk>> RiffChunks(const std::string& bytes, size_t at, size_t end, const std::string& where) {
  std::vector<RiffChunk> chunks;
  while (at + 8 <= end) {
    RiffChunk c{bytes.substr(at, 4), at + 8, LittleEndian(bytes, at + 4, 4)};
    if (c.size > end - c.offset) return Failed("broken WebP: chunk " + c.fourcc + " runs past the end of the file", where);
    chunks.push_back(c);
    at = c.offset + c.size + (c.size & 1);
  }
  return chunks;
}

bool IsAnimatedWebp(const std::string& head) {
  return head.size() >= 21 && head.compare(0, 4, "RIFF") == 0 && head.compare(8, 4, "WEBP") == 0 &&
         head.compare(12, 4, "VP8X") == 0 && (static_cast<uint8_t>(head[20]) & 0x02) != 0;
}

class AnimatedWebpSource : public FrameSource {
 public:
  static Result<std::unique_ptr<FrameSource>> Open(const std::filesystem::path& file, const std::string& where);
  Result<bool> Next(AVFrame* frame) override;
  AVRational time_base() const override { return {1, 1000}; }
  double fps() const override;

 private:
  struct Frame {
    int x = 0, y = 0, width = 0, height = 0, duration_ms = 0;
    bool blend = true, dispose = false;
    std::string still;  // the frame as a standalone WebP file
  };
  static Result<Frame> ParseFrame(const std::string& bytes, const RiffChunk& anmf, int canvas_w, int canvas_h,
                                  size_t index, const std::string& where);
  // Decodes frame `f` into bgra_ (straight alpha, the frame's size).
  Status Decode(const Frame& f);
  void Compose(const Frame& f);
  void ClearRect(const Frame& f);

  std::string where_;
  int canvas_w_ = 0, canvas_h_ = 0;
  std::vector<Frame> frames_;
  size_t next_ = 0;
  int64_t pts_ms_ = 0;
  std::vector<uint8_t> canvas_;  // BGRA, straight alpha; starts transparent
  ff::CodecContextPtr decoder_;
  ff::PacketPtr packet_;
  ff::FramePtr decoded_;
  ff::FramePtr bgra_;  // an AVFrame, not a vector: swscale may write past a row's last pixel
  ff::SwsPtr sws_;
};

Result<std::unique_ptr<FrameSource>> AnimatedWebpSource::Open(const std::filesystem::path& file, const std::string& where) {
  RW_ASSIGN(std::string bytes, ReadFile(file));
  if (bytes.size() < 30) return Failed("broken WebP: the file is too short", where);
  std::unique_ptr<AnimatedWebpSource> s(new AnimatedWebpSource());
  s->where_ = where;
  size_t riff_end = std::min<size_t>(bytes.size(), 8 + static_cast<size_t>(LittleEndian(bytes, 4, 4)));
  RW_ASSIGN(std::vector<RiffChunk> chunks, RiffChunks(bytes, 12, riff_end, where));
  if (chunks.empty() || chunks[0].fourcc != "VP8X" || chunks[0].size < 10) return Failed("broken WebP: no VP8X header", where);
  s->canvas_w_ = static_cast<int>(LittleEndian(bytes, chunks[0].offset + 4, 3)) + 1;
  s->canvas_h_ = static_cast<int>(LittleEndian(bytes, chunks[0].offset + 7, 3)) + 1;
  if (s->canvas_w_ > kMaxSide || s->canvas_h_ > kMaxSide)
    return Failed("the animated WebP's canvas is " + std::to_string(s->canvas_w_) + "x" + std::to_string(s->canvas_h_) +
                      ", larger than a clip can be", where);
  for (const auto& c : chunks) {
    if (c.fourcc != "ANMF") continue;
    RW_ASSIGN(Frame f, ParseFrame(bytes, c, s->canvas_w_, s->canvas_h_, s->frames_.size(), where));
    s->frames_.push_back(std::move(f));
  }
  if (s->frames_.empty()) return Failed("the animated WebP has no frames (no ANMF chunk)", where);
  s->canvas_.assign(static_cast<size_t>(s->canvas_w_) * s->canvas_h_ * 4, 0);

  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_WEBP);
  if (!codec) return Failed("this FFmpeg has no WebP decoder", where);
  s->decoder_.reset(avcodec_alloc_context3(codec));
  if (!s->decoder_) return Failed("out of memory creating a decoder", where);
  s->decoder_->thread_count = 1;  // one packet in, one picture out, no frame-threading delay
  int rc = avcodec_open2(s->decoder_.get(), codec, nullptr);
  if (rc < 0) return ff::AvError(rc, "cannot open the WebP decoder", where);
  s->packet_ = ff::MakePacket();
  s->decoded_ = ff::MakeFrame();
  s->bgra_ = ff::MakeFrame();
  if (!s->packet_ || !s->decoded_ || !s->bgra_) return Failed("out of memory", where);
  return std::unique_ptr<FrameSource>(std::move(s));
}

Result<AnimatedWebpSource::Frame> AnimatedWebpSource::ParseFrame(const std::string& bytes, const RiffChunk& anmf,
                                                                 int canvas_w, int canvas_h, size_t index,
                                                                 const std::string& where) {
  const std::string which = "broken animated WebP: frame " + std::to_string(index + 1);
  if (anmf.size < 16) return Failed(which + " has a short header", where);
  const size_t at = anmf.offset;
  Frame f;
  f.x = 2 * static_cast<int>(LittleEndian(bytes, at, 3));
  f.y = 2 * static_cast<int>(LittleEndian(bytes, at + 3, 3));
  f.width = static_cast<int>(LittleEndian(bytes, at + 6, 3)) + 1;
  f.height = static_cast<int>(LittleEndian(bytes, at + 9, 3)) + 1;
  // A 0 ms frame would stall the timestamps; it is shown for 1 ms.
  f.duration_ms = std::max(1, static_cast<int>(LittleEndian(bytes, at + 12, 3)));
  const uint8_t flags = static_cast<uint8_t>(bytes[at + 15]);
  f.blend = (flags & 0x02) == 0;
  f.dispose = (flags & 0x01) != 0;
  if (f.x + f.width > canvas_w || f.y + f.height > canvas_h) return Failed(which + " lies outside the canvas", where);

  RW_ASSIGN(std::vector<RiffChunk> inner, RiffChunks(bytes, at + 16, anmf.offset + anmf.size, where));
  std::string alpha, image;
  for (const auto& c : inner) {
    std::string chunk = bytes.substr(c.offset - 8, 8 + c.size + (c.size & 1));
    if (c.fourcc == "ALPH") alpha = chunk;
    if (c.fourcc == "VP8 " || c.fourcc == "VP8L") image = chunk;
  }
  if (image.empty()) return Failed(which + " has no image data (VP8 or VP8L chunk)", where);
  // Lossy frames with transparency keep it in an ALPH chunk, which only the extended format carries.
  std::string body = "WEBP";
  if (!alpha.empty()) {
    body += "VP8X";
    PutLittleEndian(body, 10, 4);
    body += std::string("\x10\0\0\0", 4);  // alpha
    PutLittleEndian(body, static_cast<uint32_t>(f.width - 1), 3);
    PutLittleEndian(body, static_cast<uint32_t>(f.height - 1), 3);
    body += alpha;
  }
  body += image;
  f.still = "RIFF";
  PutLittleEndian(f.still, static_cast<uint32_t>(body.size()), 4);
  f.still += body;
  return f;
}

Status AnimatedWebpSource::Decode(const Frame& f) {
  const std::string which = "frame " + std::to_string(next_ + 1) + " of the animated WebP";
  int rc = av_new_packet(packet_.get(), static_cast<int>(f.still.size()));
  if (rc < 0) return ff::AvError(rc, "out of memory", where_);
  std::memcpy(packet_->data, f.still.data(), f.still.size());
  rc = avcodec_send_packet(decoder_.get(), packet_.get());
  av_packet_unref(packet_.get());
  if (rc < 0) return ff::AvError(rc, "cannot decode " + which, where_);
  rc = avcodec_receive_frame(decoder_.get(), decoded_.get());
  if (rc < 0) return ff::AvError(rc, "cannot decode " + which, where_);
  const AVFrame& d = *decoded_;
  if (d.width != f.width || d.height != f.height)
    return Failed(which + " decodes to " + std::to_string(d.width) + "x" + std::to_string(d.height) +
                      ", its header says " + std::to_string(f.width) + "x" + std::to_string(f.height), where_);
  sws_.reset(sws_getCachedContext(sws_.release(), d.width, d.height, static_cast<AVPixelFormat>(d.format), d.width,
                                  d.height, AV_PIX_FMT_BGRA, SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!sws_) return Failed("cannot convert " + which + " to RGB", where_);
  av_frame_unref(bgra_.get());
  bgra_->format = AV_PIX_FMT_BGRA;
  bgra_->width = f.width;
  bgra_->height = f.height;
  rc = av_frame_get_buffer(bgra_.get(), 0);
  if (rc < 0) return ff::AvError(rc, "out of memory for a frame", where_);
  sws_scale(sws_.get(), d.data, d.linesize, 0, d.height, bgra_->data, bgra_->linesize);
  av_frame_unref(decoded_.get());
  return {};
}

void AnimatedWebpSource::Compose(const Frame& f) {
  for (int y = 0; y < f.height; ++y) {
    const uint8_t* src = bgra_->data[0] + static_cast<ptrdiff_t>(y) * bgra_->linesize[0];
    uint8_t* dst = canvas_.data() + (static_cast<size_t>(f.y + y) * canvas_w_ + f.x) * 4;
    if (!f.blend) {
      std::memcpy(dst, src, static_cast<size_t>(f.width) * 4);
      continue;
    }
    for (int x = 0; x < f.width; ++x, src += 4, dst += 4) {
      // "Source over" with straight alpha, as the WebP container specification writes it.
      const int sa = src[3], da = dst[3];
      const int oa = sa * 255 + da * (255 - sa);  // alpha × 255
      if (oa == 0) {
        std::memset(dst, 0, 4);
        continue;
      }
      for (int c = 0; c < 3; ++c) dst[c] = static_cast<uint8_t>((src[c] * sa * 255 + dst[c] * da * (255 - sa) + oa / 2) / oa);
      dst[3] = static_cast<uint8_t>((oa + 127) / 255);
    }
  }
}

void AnimatedWebpSource::ClearRect(const Frame& f) {
  for (int y = 0; y < f.height; ++y)
    std::memset(canvas_.data() + (static_cast<size_t>(f.y + y) * canvas_w_ + f.x) * 4, 0, static_cast<size_t>(f.width) * 4);
}

Result<bool> AnimatedWebpSource::Next(AVFrame* frame) {
  if (next_ >= frames_.size()) return false;
  if (next_ > 0 && frames_[next_ - 1].dispose) ClearRect(frames_[next_ - 1]);
  const Frame& f = frames_[next_];
  RW_TRY(Decode(f));
  Compose(f);
  frame->format = AV_PIX_FMT_BGRA;
  frame->width = canvas_w_;
  frame->height = canvas_h_;
  int rc = av_frame_get_buffer(frame, 0);
  if (rc < 0) return ff::AvError(rc, "out of memory for a frame", where_);
  // Flattened over black: the timeline has no transparency.
  for (int y = 0; y < canvas_h_; ++y) {
    const uint8_t* src = canvas_.data() + static_cast<size_t>(y) * canvas_w_ * 4;
    uint8_t* dst = frame->data[0] + static_cast<ptrdiff_t>(y) * frame->linesize[0];
    for (int x = 0; x < canvas_w_; ++x, src += 4, dst += 4) {
      for (int c = 0; c < 3; ++c) dst[c] = static_cast<uint8_t>((src[c] * src[3] + 127) / 255);
      dst[3] = 255;
    }
  }
  frame->pts = pts_ms_;
  frame->pkt_duration = f.duration_ms;
  pts_ms_ += f.duration_ms;
  ++next_;
  return true;
}

double AnimatedWebpSource::fps() const {
  int64_t total = 0;
  bool even = true;
  for (const auto& f : frames_) {
    total += f.duration_ms;
    even = even && f.duration_ms == frames_[0].duration_ms;
  }
  if (even) return 1000.0 / frames_[0].duration_ms;
  return total > 0 ? 1000.0 * static_cast<double>(frames_.size()) / static_cast<double>(total) : 0;
}

Result<std::unique_ptr<FrameSource>> OpenSource(const std::filesystem::path& file, const std::string& where) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return Error{ErrorCode::kNotFound, "clip file not found", where};
  std::string head(32, '\0');
  if (FILE* f = std::fopen(file.c_str(), "rb")) {
    head.resize(std::fread(head.data(), 1, head.size(), f));
    std::fclose(f);
  }
  if (IsAnimatedWebp(head)) return AnimatedWebpSource::Open(file, where);
  return DemuxedSource::Open(file, where);
}

// ---- the filter graph ------------------------------------------------------------------------

struct GraphDeleter {
  void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};
using GraphPtr = std::unique_ptr<AVFilterGraph, GraphDeleter>;

struct Target {
  int width = 0, height = 0, fps = 0;
};

// The size that covers the target with the source's display aspect (pixels × their aspect ratio).
std::pair<int, int> CoverSize(const AVFrame& frame, const Target& t) {
  const double sar = frame.sample_aspect_ratio.num > 0 && frame.sample_aspect_ratio.den > 0
                         ? av_q2d(frame.sample_aspect_ratio) : 1.0;
  const double display_w = frame.width * sar, display_h = frame.height;
  const double scale = std::max(t.width / display_w, t.height / display_h);
  return {std::max(t.width, static_cast<int>(std::lround(display_w * scale))),
          std::max(t.height, static_cast<int>(std::lround(display_h * scale)))};
}

// buffer → cover (scale, crop) and rate (minterpolate or fps), in the cheaper order → RGB32 → sink.
class FilterGraph {
 public:
  static Result<std::unique_ptr<FilterGraph>> Build(const AVFrame& first, AVRational time_base, const Target& target,
                                                    bool interpolate, const std::string& where);
  // Sends a frame into the graph.
  Status Push(AVFrame* frame);
  // Ends the input at `end_pts`, the end of the last frame: without it, the last frame would
  // end where it starts, and the fps filter would drop it.
  Status Close(int64_t end_pts);
  // The next filtered frame; false when the graph needs more input or has ended.
  Result<bool> Pull(AVFrame* out);

 private:
  std::string where_;
  GraphPtr graph_;
  AVFilterContext* source_ = nullptr;  // owned by graph_
  AVFilterContext* sink_ = nullptr;
};

Result<std::unique_ptr<FilterGraph>> FilterGraph::Build(const AVFrame& first, AVRational time_base, const Target& target,
                                                        bool interpolate, const std::string& where) {
  auto g = std::make_unique<FilterGraph>();
  g->where_ = where;
  g->graph_.reset(avfilter_graph_alloc());
  if (!g->graph_) return Failed("out of memory creating a filter graph", where);

  const AVRational sar = first.sample_aspect_ratio.num > 0 ? first.sample_aspect_ratio : AVRational{1, 1};
  std::string args = "video_size=" + std::to_string(first.width) + "x" + std::to_string(first.height) +
                     ":pix_fmt=" + std::to_string(first.format) + ":time_base=" + std::to_string(time_base.num) + "/" +
                     std::to_string(time_base.den) + ":pixel_aspect=" + std::to_string(sar.num) + "/" +
                     std::to_string(sar.den);
  int rc = avfilter_graph_create_filter(&g->source_, avfilter_get_by_name("buffer"), "in", args.c_str(), nullptr,
                                        g->graph_.get());
  if (rc < 0) return ff::AvError(rc, "cannot feed the clip's frames to a filter graph (" + args + ")", where);
  rc = avfilter_graph_create_filter(&g->sink_, avfilter_get_by_name("buffersink"), "out", nullptr, nullptr,
                                    g->graph_.get());
  if (rc < 0) return ff::AvError(rc, "cannot create a buffersink", where);

  const auto [cover_w, cover_h] = CoverSize(first, target);
  const std::string size = std::to_string(target.width) + ":" + std::to_string(target.height);
  const std::string cover = "scale=" + std::to_string(cover_w) + ":" + std::to_string(cover_h) +
                            ":flags=bicubic,setsar=1,crop=" + size;
  const std::string rate = interpolate ? "minterpolate=fps=" + std::to_string(target.fps) + ":mi_mode=mci"
                                       : "fps=" + std::to_string(target.fps);
  // Interpolation costs per pixel: it runs on the smaller picture.
  const bool source_smaller = static_cast<int64_t>(first.width) * first.height < static_cast<int64_t>(target.width) * target.height;
  std::string chain = source_smaller ? rate + "," + cover : cover + "," + rate;
  chain += std::string(",format=") + av_get_pix_fmt_name(AV_PIX_FMT_RGB32);  // rw::Image's layout

  AVFilterInOut* outputs = avfilter_inout_alloc();  // the buffer's pad, feeding the chain
  AVFilterInOut* inputs = avfilter_inout_alloc();   // the sink's pad, fed by the chain
  if (!outputs || !inputs) {
    avfilter_inout_free(&outputs);
    avfilter_inout_free(&inputs);
    return Failed("out of memory creating a filter graph", where);
  }
  outputs->name = av_strdup("in");
  outputs->filter_ctx = g->source_;
  inputs->name = av_strdup("out");
  inputs->filter_ctx = g->sink_;
  rc = avfilter_graph_parse_ptr(g->graph_.get(), chain.c_str(), &inputs, &outputs, nullptr);
  avfilter_inout_free(&outputs);
  avfilter_inout_free(&inputs);
  if (rc < 0) return ff::AvError(rc, "cannot build the filter graph \"" + chain + "\"", where);
  rc = avfilter_graph_config(g->graph_.get(), nullptr);
  if (rc < 0) return ff::AvError(rc, "cannot configure the filter graph \"" + chain + "\"", where);
  return g;
}

Status FilterGraph::Push(AVFrame* frame) {
  int rc = av_buffersrc_add_frame_flags(source_, frame, AV_BUFFERSRC_FLAG_KEEP_REF);
  if (rc < 0) return ff::AvError(rc, "the filter graph refused a frame", where_);
  return {};
}

Status FilterGraph::Close(int64_t end_pts) {
  int rc = av_buffersrc_close(source_, end_pts, AV_BUFFERSRC_FLAG_PUSH);
  if (rc < 0) return ff::AvError(rc, "cannot end the filter graph's input", where_);
  return {};
}

Result<bool> FilterGraph::Pull(AVFrame* out) {
  int rc = av_buffersink_get_frame(sink_, out);
  if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return false;
  if (rc < 0) return ff::AvError(rc, "the filter graph failed", where_);
  return true;
}

// ---- the conform ------------------------------------------------------------------------------

// Decodes, filters and writes; holds the state between frames.
class Conformer {
 public:
  Conformer(std::string where, Target target, int64_t frames)
      : where_(std::move(where)), target_(target), frames_(frames), image_(target.width, target.height) {}

  Result<ConformStats> Run(FrameSource& source, VideoWriter& writer);

 private:
  // Gives the frame a pts from 0 that always increases (sources may lack or repeat them), and
  // notes where it ends.
  void FixTimestamp(AVFrame* frame, AVRational time_base, double fps);
  // Writes every frame the graph has ready, up to frames_.
  Status Drain(FilterGraph& graph, VideoWriter& writer);
  Status Write(const AVFrame& frame, VideoWriter& writer);

  std::string where_;
  Target target_;
  int64_t frames_ = 0;
  int64_t written_ = 0;
  Image image_;  // the last frame written, held when the source runs out
  int64_t origin_ = AV_NOPTS_VALUE, last_pts_ = AV_NOPTS_VALUE;
  int64_t end_pts_ = 0;  // where the last frame pushed ends
  ff::FramePtr filtered_ = ff::MakeFrame();
};

void Conformer::FixTimestamp(AVFrame* frame, AVRational time_base, double fps) {
  int64_t step = fps > 0 ? std::max<int64_t>(1, av_rescale_q(1, av_d2q(1 / fps, 1 << 20), time_base)) : 1;
  if (last_pts_ != AV_NOPTS_VALUE) step = end_pts_ - last_pts_;  // the previous frame's length
  int64_t pts = frame->pts;
  if (pts == AV_NOPTS_VALUE) {
    pts = last_pts_ == AV_NOPTS_VALUE ? 0 : last_pts_ + step;
  } else {
    if (origin_ == AV_NOPTS_VALUE) origin_ = pts;
    pts -= origin_;
  }
  if (last_pts_ != AV_NOPTS_VALUE && pts <= last_pts_) pts = last_pts_ + 1;
  frame->pts = last_pts_ = pts;
  // A frame lasts its packet's duration (a GIF's delay), else as long as the one before.
  end_pts_ = pts + (frame->pkt_duration > 0 ? frame->pkt_duration : step);
}

Status Conformer::Write(const AVFrame& frame, VideoWriter& writer) {
  if (frame.width != image_.width || frame.height != image_.height || frame.format != AV_PIX_FMT_RGB32)
    return Failed("the filter graph made a " + std::to_string(frame.width) + "x" + std::to_string(frame.height) +
                      " frame, not " + std::to_string(image_.width) + "x" + std::to_string(image_.height) + " RGB",
                  where_);
  for (int y = 0; y < image_.height; ++y)
    std::memcpy(image_.Row(y), frame.data[0] + static_cast<ptrdiff_t>(y) * frame.linesize[0],
                static_cast<size_t>(image_.width) * 4);
  RW_TRY(writer.Write(image_));
  ++written_;
  return {};
}

Status Conformer::Drain(FilterGraph& graph, VideoWriter& writer) {
  while (written_ < frames_) {
    RW_ASSIGN(bool got, graph.Pull(filtered_.get()));
    if (!got) return {};
    Status status = Write(*filtered_, writer);
    av_frame_unref(filtered_.get());
    RW_TRY(status);
  }
  return {};
}

Result<ConformStats> Conformer::Run(FrameSource& source, VideoWriter& writer) {
  ConformStats stats;
  stats.source_fps = source.fps();
  ff::FramePtr decoded = ff::MakeFrame(), last = ff::MakeFrame();
  if (!decoded || !last || !filtered_) return Failed("out of memory", where_);
  std::unique_ptr<FilterGraph> graph;
  while (true) {
    RW_ASSIGN(bool got, source.Next(decoded.get()));
    if (!got) break;
    // Past the cut the rest is only decoded, so source_frames counts the whole clip.
    if (++stats.source_frames == 1) {
      stats.source_width = decoded->width;
      stats.source_height = decoded->height;
      stats.interpolated = stats.source_fps <= 0 ||
                           std::abs(stats.source_fps - target_.fps) > kSameRateTolerance * target_.fps;
      RW_ASSIGN(graph, FilterGraph::Build(*decoded, source.time_base(), target_, stats.interpolated, where_));
    }
    if (written_ < frames_) {
      FixTimestamp(decoded.get(), source.time_base(), stats.source_fps);
      RW_TRY(graph->Push(decoded.get()));
      RW_TRY(Drain(*graph, writer));
      av_frame_unref(last.get());
      av_frame_move_ref(last.get(), decoded.get());
    }
    av_frame_unref(decoded.get());
  }
  if (!graph) return Failed(std::string("the clip has no video frames; ") + kWhatItShouldBe, where_);
  if (written_ < frames_) {
    RW_TRY(graph->Close(end_pts_));
    RW_TRY(Drain(*graph, writer));
  }
  if (written_ == 0) {
    // Interpolation needs two frames: a one-frame clip goes through the plain rate instead.
    stats.interpolated = false;
    RW_ASSIGN(graph, FilterGraph::Build(*last, source.time_base(), target_, false, where_));
    RW_TRY(graph->Push(last.get()));
    RW_TRY(graph->Close(end_pts_));
    RW_TRY(Drain(*graph, writer));
    if (written_ == 0) return Failed("the filter graph made no frame from the clip", where_);
  }
  while (written_ < frames_) {  // held on its last frame
    RW_TRY(writer.Write(image_));
    ++written_;
  }
  return stats;
}

}  // namespace

Result<ConformStats> ConformClip(const std::filesystem::path& in, const std::filesystem::path& out, int width,
                                 int height, int fps, int64_t frames) {
  const std::string where = in.string();
  if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0)
    return BadInput(out.string(), "a conformed clip's size must be positive and even, got " + std::to_string(width) +
                                      "x" + std::to_string(height));
  if (fps <= 0 || frames <= 0)
    return BadInput(out.string(), "a conformed clip needs a positive fps and frame count, got " + std::to_string(fps) +
                                      " fps, " + std::to_string(frames) + " frames");
  ff::QuietLogs();
  RW_ASSIGN(std::unique_ptr<FrameSource> source, OpenSource(in, where));
  // The writer makes its file beside `out` and renames it only in Finish: a failure leaves nothing.
  RW_ASSIGN(std::unique_ptr<VideoWriter> writer, VideoWriter::Open(out, width, height, fps, ClipEncodeOptions{}));
  Conformer conformer(where, Target{width, height, fps}, frames);
  RW_ASSIGN(ConformStats stats, conformer.Run(*source, *writer));
  RW_TRY(writer->Finish());
  return stats;
}

}  // namespace rw
