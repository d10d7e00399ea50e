#include "post/render.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "base/file.h"
#include "base/hash.h"
#include "base/wav.h"
#include "post/ff_ass.h"
#include "post/ff_clip_reader.h"
#include "post/ff_util.h"
#include "post/mix.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/imgutils.h>
}

extern "C" {
#include <malloc.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
}

namespace rw {

namespace {

constexpr int kSampleRate = 48000;

// Removes the temp file on every way out except a committed one. Declared before the muxer so
// the muxer (and its open file) goes first.
class TempFile {
 public:
  explicit TempFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~TempFile() {
    if (committed_) return;
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  void MarkCommitted() { committed_ = true; }

 private:
  std::filesystem::path path_;
  bool committed_ = false;
};

void FillBlack(AVFrame* frame) {
  for (int y = 0; y < frame->height; ++y) std::memset(frame->data[0] + y * frame->linesize[0], 16, frame->width);
  for (int p = 1; p < 3; ++p) {
    for (int y = 0; y < frame->height / 2; ++y) {
      std::memset(frame->data[p] + y * frame->linesize[p], 128, frame->width / 2);
    }
  }
}

// The episode's AAC-LC stereo, encoded on a thread of its own while the video segments are
// encoded (it used to run after them, on one core, with the other idle). The packets wait in
// memory (128 kbit/s: about 1 MB a minute) until the assembler interleaves them with the video.
class AudioEncoder {
 public:
  ~AudioEncoder() {
    if (thread_.joinable()) thread_.join();
  }

  Status Open(int bitrate, const std::string& where) {
    where_ = where;
    const AVCodec* codec = avcodec_find_encoder_by_name("aac");
    if (codec == nullptr) return Failed("this FFmpeg has no native aac encoder", where);
    codec_.reset(avcodec_alloc_context3(codec));
    if (!codec_) return Failed("out of memory creating the AAC encoder", where);
    AVCodecContext* c = codec_.get();
    c->sample_fmt = AV_SAMPLE_FMT_FLTP;
    c->sample_rate = kSampleRate;
    AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
    int rc = av_channel_layout_copy(&c->ch_layout, &stereo);
    if (rc < 0) return ff::AvError(rc, "cannot set the stereo layout", where);
    c->bit_rate = bitrate;
    c->profile = FF_PROFILE_AAC_LOW;
    c->time_base = AVRational{1, kSampleRate};
    c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // MP4 keeps the decoder config in the sample entry
    rc = avcodec_open2(c, codec, nullptr);
    if (rc < 0) return ff::AvError(rc, "cannot open the AAC encoder", where);
    return {};
  }

  // Encodes `total` frames of `mix` (interleaved stereo) on a new thread.
  void Start(const std::vector<float>* mix, int64_t total) {
    thread_ = std::thread([this, mix, total] { status_ = Encode(*mix, total); });
  }

  Status Join() {
    if (thread_.joinable()) thread_.join();
    return status_;
  }

  // Adds the audio stream to `out`, shaped like the encoder's output.
  Status AddStream(AVFormatContext* out) {
    stream_ = avformat_new_stream(out, nullptr);
    if (stream_ == nullptr) return Failed("out of memory adding the audio stream", where_);
    stream_->time_base = codec_->time_base;
    int rc = avcodec_parameters_from_context(stream_->codecpar, codec_.get());
    if (rc < 0) return ff::AvError(rc, "cannot copy the AAC parameters to the MP4 stream", where_);
    return {};
  }

  // Writes the packets that start before output sample `until` and are not written yet.
  Status WriteUntil(int64_t until, AVFormatContext* out) {
    for (; next_ < packets_.size(); ++next_) {
      AVPacket* packet = packets_[next_].get();
      if (packet->pts >= until) break;
      av_packet_rescale_ts(packet, codec_->time_base, stream_->time_base);
      packet->stream_index = stream_->index;
      int rc = av_interleaved_write_frame(out, packet);
      if (rc < 0) return ff::AvError(rc, "cannot write a packet to the MP4", where_);
    }
    return {};
  }

 private:
  Status Encode(const std::vector<float>& mix, int64_t total) {
    const int frame_size = codec_->frame_size > 0 ? codec_->frame_size : 1024;
    ff::FramePtr frame = ff::MakeFrame();
    if (!frame) return Failed("out of memory allocating an audio frame", where_);
    frame->format = codec_->sample_fmt;
    frame->sample_rate = kSampleRate;
    frame->nb_samples = frame_size;
    int rc = av_channel_layout_copy(&frame->ch_layout, &codec_->ch_layout);
    if (rc < 0) return ff::AvError(rc, "cannot set the audio frame's layout", where_);
    rc = av_frame_get_buffer(frame.get(), 0);
    if (rc < 0) return ff::AvError(rc, "cannot allocate an audio frame", where_);
    for (int64_t sent = 0; sent < total;) {
      const int n = static_cast<int>(std::min<int64_t>(frame_size, total - sent));
      rc = av_frame_make_writable(frame.get());
      if (rc < 0) return ff::AvError(rc, "cannot get a writable audio frame", where_);
      auto* left = reinterpret_cast<float*>(frame->data[0]);
      auto* right = reinterpret_cast<float*>(frame->data[1]);
      const float* src = mix.data() + 2 * sent;
      for (int i = 0; i < n; ++i) {
        left[i] = std::clamp(src[2 * i], -1.0f, 1.0f);
        right[i] = std::clamp(src[2 * i + 1], -1.0f, 1.0f);
      }
      frame->nb_samples = n;
      frame->pts = sent;
      RW_TRY(Drain(frame.get()));
      sent += n;
    }
    return Drain(nullptr);
  }

  // Sends `frame` (null: the end) and keeps every packet the encoder has ready.
  Status Drain(const AVFrame* frame) {
    int rc = avcodec_send_frame(codec_.get(), frame);
    if (rc < 0 && rc != AVERROR_EOF) return ff::AvError(rc, "the aac encoder refused a frame", where_);
    while (true) {
      ff::PacketPtr packet = ff::MakePacket();
      if (!packet) return Failed("out of memory allocating a packet", where_);
      rc = avcodec_receive_packet(codec_.get(), packet.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
      if (rc < 0) return ff::AvError(rc, "the aac encoder failed", where_);
      packets_.push_back(std::move(packet));
    }
  }

  std::string where_;
  ff::CodecContextPtr codec_;
  AVStream* stream_ = nullptr;
  std::vector<ff::PacketPtr> packets_;
  size_t next_ = 0;
  std::thread thread_;
  Status status_;
};

constexpr char kSegmentVersion[] = "render-segment/2";

// One closed-GOP piece of the episode's video: output frames [first, end).
struct Segment {
  int64_t first = 0, end = 0;
  std::vector<const TimelineVideo*> items;  // on screen somewhere in it, by start
  std::string key;
  std::filesystem::path file;  // the finished segment (cache or temp)
  bool reused = false;
};

// What every segment encoder shares; read-only while segments are encoded.
struct VideoJob {
  const Timeline* timeline = nullptr;
  std::filesystem::path episode_dir;
  RenderPreset preset;
  ff::H264Settings h264;
  std::string ass_text;    // empty: no subtitles
  std::string ass_where;
  std::string label_text;  // the label's ASS script; empty: none
  ItemDrawers* drawers = nullptr;
  std::map<const TimelineVideo*, std::string> drawn;  // items drawn, not decoded: their fingerprints
};

int64_t TimelineFrameOf(int64_t k, const Timeline& timeline, int out_fps) {
  return av_rescale_rnd(k, timeline.fps, out_fps, AV_ROUND_DOWN);
}

// The output frame at which timeline frame `f` starts showing.
int64_t OutputFrameOf(int64_t f, const Timeline& timeline, int out_fps) {
  return av_rescale_rnd(f, out_fps, timeline.fps, AV_ROUND_UP);
}

// Cuts the episode at every item's first frame, and each piece again every whole number of GOPs
// that makes at least 2 s from its start (where GOPs start anyway), so a line on screen for two
// seconds of a five-second shot re-encodes one or two pieces, and those on separate cores. Not
// finer: each piece opens an encoder of its own (reference workload: 36 pieces of 2 s took
// about 1% more CPU than 12 of a shot each, mostly the kernel handing the encoders fresh pages).
// Items are on screen in [start, start + frames).
std::vector<Segment> PlanSegments(const Timeline& timeline, int out_fps, int64_t frames, int gop_frames) {
  const int64_t piece = gop_frames * std::max<int64_t>(1, (2 * out_fps + gop_frames - 1) / gop_frames);
  std::vector<const TimelineVideo*> items;
  for (const TimelineVideo& v : timeline.video) {
    if (v.frames > 0) items.push_back(&v);
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const TimelineVideo* a, const TimelineVideo* b) { return a->start_frame < b->start_frame; });
  std::vector<int64_t> cuts = {0, frames};
  for (const TimelineVideo* v : items) {
    int64_t k = OutputFrameOf(v->start_frame, timeline, out_fps);
    if (k > 0 && k < frames) cuts.push_back(k);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  for (size_t i = 0, n = cuts.size(); i + 1 < n; ++i) {
    // A short remnant stays with the piece before it (it would be an encoder of its own for a
    // handful of frames).
    for (int64_t k = cuts[i] + piece; k + piece / 2 <= cuts[i + 1]; k += piece) cuts.push_back(k);
  }
  std::sort(cuts.begin(), cuts.end());
  std::vector<Segment> segments;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    Segment s;
    s.first = cuts[i];
    s.end = cuts[i + 1];
    const int64_t from = TimelineFrameOf(s.first, timeline, out_fps), to = TimelineFrameOf(s.end - 1, timeline, out_fps);
    for (const TimelineVideo* v : items) {
      if (v->start_frame <= to && v->start_frame + v->frames > from) s.items.push_back(v);
    }
    segments.push_back(std::move(s));
  }
  return segments;
}

void BlendTowards(AVFrame* top, const AVFrame* under, int weight) {  // weight of top, 0..256
  for (int p = 0; p < 3; ++p) {
    const int w = p == 0 ? top->width : top->width / 2, h = p == 0 ? top->height : top->height / 2;
    for (int y = 0; y < h; ++y) {
      uint8_t* a = top->data[p] + static_cast<ptrdiff_t>(y) * top->linesize[p];
      const uint8_t* b = under->data[p] + static_cast<ptrdiff_t>(y) * under->linesize[p];
      for (int x = 0; x < w; ++x) a[x] = static_cast<uint8_t>((a[x] * weight + b[x] * (256 - weight) + 128) >> 8);
    }
  }
}

// Paints the frames of one segment: for output frame k, the top item on screen (the latest to
// start), cross-faded over the one under it while it fades in.
class SegmentPainter {
 public:
  SegmentPainter(const VideoJob& job, const Segment& segment) : job_(job), segment_(segment) {}

  // `k` must increase from call to call; `frame` must be writable.
  Status Paint(int64_t k, AVFrame* frame) {
    const Timeline& t = *job_.timeline;
    const int64_t f = TimelineFrameOf(k, t, job_.preset.fps);
    const TimelineVideo* top = nullptr;
    const TimelineVideo* under = nullptr;
    for (const TimelineVideo* v : segment_.items) {
      if (v->start_frame > f || v->start_frame + v->frames <= f) continue;
      under = top;
      top = v;
    }
    if (top == nullptr) {
      FillBlack(frame);
      return {};
    }
    RW_TRY(PaintItem(*top, k, frame));
    const int64_t into = f - top->start_frame;
    if (into >= top->fade_in_frames) return {};
    if (!under_frame_) {
      RW_ASSIGN(under_frame_, ff::MakeVideoFrame(frame->width, frame->height, job_.episode_dir.string()));
    }
    int rc = av_frame_make_writable(under_frame_.get());
    if (rc < 0) return ff::AvError(rc, "cannot get a writable frame", job_.episode_dir.string());
    if (under != nullptr) {
      RW_TRY(PaintItem(*under, k, under_frame_.get()));
    } else {
      FillBlack(under_frame_.get());
    }
    const int weight = static_cast<int>((into + 1) * 256 / (top->fade_in_frames + 1));
    BlendTowards(frame, under_frame_.get(), weight);
    return {};
  }

 private:
  Status PaintItem(const TimelineVideo& item, int64_t k, AVFrame* frame) {
    const std::filesystem::path file = job_.episode_dir / item.clip;
    Status painted = job_.drawn.count(&item) ? DrawItem(item, k, frame) : PaintClip(item, file, k, frame);
    if (!painted.ok()) {
      Error e = painted.error();
      e.message = "shot " + item.shot + ": " + e.message;
      if (e.where.empty()) e.where = file.string();
      return e;
    }
    return {};
  }

  double SecondsInto(const TimelineVideo& item, int64_t k) const {
    return static_cast<double>(k) / job_.preset.fps - static_cast<double>(item.start_frame) / job_.timeline->fps;
  }

  Status DrawItem(const TimelineVideo& item, int64_t k, AVFrame* frame) {
    std::unique_ptr<ItemDrawer>& drawer = drawers_[&item];
    if (!drawer) {
      RW_ASSIGN(drawer, job_.drawers->Open(item, frame->width, frame->height));
    }
    drawer->Draw(SecondsInto(item, k), frame->data, frame->linesize);
    return {};
  }

  Status PaintClip(const TimelineVideo& item, const std::filesystem::path& file, int64_t k, AVFrame* frame) {
    const double seconds = SecondsInto(item, k);
    std::unique_ptr<ff::ClipReader>& reader = readers_[&item];
    if (!reader) {
      // One decoding thread: segments already keep every core busy, and frame threads would
      // each hold a picture pool (hundreds of MB at 1080x1920 across readers and workers).
      RW_ASSIGN(reader, ff::ClipReader::Open(file, file.string(), 1));
      RW_TRY(reader->SeekTo(seconds));  // an item under a fade is entered at its tail
    }
    RW_ASSIGN(const AVFrame* src, reader->FrameAt(seconds));
    if (src->width == frame->width && src->height == frame->height && src->format == AV_PIX_FMT_YUV420P) {
      av_image_copy(frame->data, frame->linesize, const_cast<const uint8_t**>(src->data), src->linesize,
                    AV_PIX_FMT_YUV420P, frame->width, frame->height);
      return {};
    }
    // Returns the same context while the source size and format stay the same, else frees it
    // and makes a new one.
    SwsContext* sws = sws_getCachedContext(sws_.release(), src->width, src->height,
                                           static_cast<AVPixelFormat>(src->format), frame->width, frame->height,
                                           AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr);
    sws_.reset(sws);
    if (!sws_) {
      return Failed("cannot scale the clip's " + std::to_string(src->width) + "x" + std::to_string(src->height) +
                        " frames to " + std::to_string(frame->width) + "x" + std::to_string(frame->height),
                    file.string());
    }
    sws_scale(sws_.get(), src->data, src->linesize, 0, src->height, frame->data, frame->linesize);
    return {};
  }

  const VideoJob& job_;
  const Segment& segment_;
  std::map<const TimelineVideo*, std::unique_ptr<ff::ClipReader>> readers_;
  std::map<const TimelineVideo*, std::unique_ptr<ItemDrawer>> drawers_;
  ff::SwsPtr sws_;
  ff::FramePtr under_frame_;
};

// The subtitle and label burners of one encoding thread (libass renderers are not shared).
struct Burners {
  std::unique_ptr<ff::AssBurner> subtitles, label;

  static Result<Burners> Make(const VideoJob& job) {
    Burners b;
    if (!job.ass_text.empty()) {
      RW_ASSIGN(b.subtitles, ff::AssBurner::FromScript(job.ass_text, job.preset.width, job.preset.height, job.ass_where));
    }
    if (!job.label_text.empty()) {
      RW_ASSIGN(b.label, ff::AssBurner::FromScript(job.label_text, job.preset.width, job.preset.height, "the AIGC label"));
    }
    return b;
  }
};

// Encodes one segment into `file` (a video-only MP4 whose frames start at pts 0).
Status EncodeSegment(const VideoJob& job, const Segment& segment, Burners& burners, const std::filesystem::path& file,
                     const std::function<void()>& on_frame) {
  const std::string where = file.string();
  RW_ASSIGN(ff::OutputFormatPtr out, ff::OpenMp4Output(file.string()));
  RW_ASSIGN(ff::EncodedStream video, ff::AddH264Stream(out.get(), job.h264, where));
  RW_TRY(ff::WriteHeader(out.get(), file.string(), nullptr, where));
  RW_ASSIGN(ff::FramePtr work, ff::MakeVideoFrame(job.preset.width, job.preset.height, where));
  ff::PacketPtr packet = ff::MakePacket();
  if (!packet) return Failed("out of memory allocating a packet", where);
  SegmentPainter painter(job, segment);
  for (int64_t k = segment.first; k < segment.end; ++k) {
    int rc = av_frame_make_writable(work.get());
    if (rc < 0) return ff::AvError(rc, "cannot get a writable frame", where);
    RW_TRY(painter.Paint(k, work.get()));
    const int64_t ms = k * 1000 / job.preset.fps;
    if (burners.subtitles) burners.subtitles->Burn(work.get(), ms);
    if (burners.label) burners.label->Burn(work.get(), ms);
    work->pts = k - segment.first;
    RW_TRY(ff::EncodeAndWrite(video, work.get(), out.get(), packet.get(), where));
    on_frame();
  }
  RW_TRY(ff::EncodeAndWrite(video, nullptr, out.get(), packet.get(), where));
  int rc = av_write_trailer(out.get());
  if (rc < 0) return ff::AvError(rc, "cannot finish a video segment", where);
  rc = avio_closep(&out->pb);
  if (rc < 0) return ff::AvError(rc, "cannot close a video segment", where);
  return {};
}

// The key of a segment: everything that shapes its encoded bits.
Result<std::string> SegmentKey(const VideoJob& job, const Segment& segment, const Burners& burners, SegmentCache& hasher) {
  const RenderPreset& p = job.preset;
  // Where the segment sits in the episode is not part of it: items and subtitles are placed
  // relative to its first frame, so a segment moved along the timeline (a line before it grew)
  // keeps its key. With another frame rate than the timeline's, frame times are not whole
  // timeline frames from the segment's start, and the position counts after all.
  const Timeline& t = *job.timeline;
  const int64_t origin = TimelineFrameOf(segment.first, t, p.fps);
  Json doc = {{"v", kSegmentVersion}, {"w", p.width}, {"h", p.height}, {"fps", p.fps}, {"timeline_fps", t.fps},
              {"bitrate", p.video_bitrate}, {"max", p.max_bitrate}, {"crf", p.crf}, {"gop", job.h264.gop_frames},
              {"x264", p.x264_preset}, {"threads", job.h264.threads}, {"frames", segment.end - segment.first}};
  if (p.fps != t.fps) doc["first"] = segment.first;
  Json items = Json::array();
  for (const TimelineVideo* v : segment.items) {
    const int64_t start = v->start_frame - origin;
    if (auto drawn = job.drawn.find(v); drawn != job.drawn.end()) {
      items.push_back({{"drawn", drawn->second}, {"start", start}, {"frames", v->frames}, {"fade", v->fade_in_frames}});
      continue;
    }
    const std::filesystem::path file = job.episode_dir / v->clip;
    std::string hash = hasher.HashOf(file);
    if (hash.empty()) return Error{ErrorCode::kNotFound, "shot " + v->shot + ": clip file not found", file.string()};
    items.push_back({{"clip", hash}, {"start", start}, {"frames", v->frames}, {"fade", v->fade_in_frames}});
  }
  doc["items"] = items;
  std::vector<int64_t> frame_ms;  // as EncodeSegment burns them
  for (int64_t k = segment.first; k < segment.end; ++k) frame_ms.push_back(k * 1000 / p.fps);
  doc["subtitles"] = burners.subtitles ? Sha256Hex(burners.subtitles->Fingerprint(frame_ms)) : "";
  doc["label"] = burners.label ? Sha256Hex(burners.label->Fingerprint(frame_ms)) : "";
  return Sha256Hex(doc.dump());
}

// The default hasher for renders without a cache of their own.
class PlainHasher : public SegmentCache {
 public:
  std::filesystem::path Find(const std::string&) override { return {}; }
  Result<std::filesystem::path> Keep(const std::string&, const std::filesystem::path& file) override { return file; }
};

// Encodes the segments not found in the cache, `jobs` at a time. Each finished segment goes to
// the cache (or stays in its temp file, removed with `temps`).
class SegmentEncoder {
 public:
  SegmentEncoder(const VideoJob& job, std::vector<Segment>& segments, SegmentCache* cache, const std::filesystem::path& out_mp4,
                 Progress* progress)
      : job_(job), segments_(segments), cache_(cache), out_mp4_(out_mp4), progress_(progress) {}
  ~SegmentEncoder() {
    std::error_code ec;
    for (const auto& temp : temps_) std::filesystem::remove(temp, ec);
  }

  // `burners` serve the calling thread, which encodes too.
  Status Run(int jobs, Burners& burners) {
    for (size_t i = 0; i < segments_.size(); ++i) {
      if (segments_[i].reused) {
        done_frames_ += segments_[i].end - segments_[i].first;
      } else {
        todo_.push_back(i);
        // Named like every temp file (TempPathFor), so a sweep after a kill removes it.
        temps_.push_back(TempPathFor(out_mp4_.parent_path() / (out_mp4_.stem().string() + ".segment-" +
                                                                segments_[i].key.substr(0, 16) + ".mp4")));
        segments_[i].file = temps_.back();
      }
    }
    if (progress_ != nullptr) progress_->Set(done_frames_);
    if (todo_.empty()) return {};
    jobs = std::clamp(jobs, 1, static_cast<int>(todo_.size()));
    std::vector<std::thread> threads;
    for (int t = 1; t < jobs; ++t) {
      threads.emplace_back([this] {
        Result<Burners> own = Burners::Make(job_);
        if (!own.ok()) return Fail(own.error());
        Work(*own);
      });
    }
    Work(burners);
    for (auto& t : threads) t.join();
    return failure_.ok() ? Status{} : failure_;
  }

 private:
  void Work(Burners& burners) {
    while (true) {
      size_t n = next_.fetch_add(1);
      if (n >= todo_.size() || failed_.load()) return;
      Segment& segment = segments_[todo_[n]];
      Status encoded = EncodeSegment(job_, segment, burners, segment.file, [this] { Tick(); });
      if (!encoded.ok()) return Fail(encoded.error());
      if (cache_ == nullptr) continue;
      std::lock_guard<std::mutex> lock(mutex_);
      Result<std::filesystem::path> kept = cache_->Keep(segment.key, segment.file);
      if (!kept.ok()) {
        failed_ = true;
        if (failure_.ok()) failure_ = kept.error();
        return;
      }
      segment.file = *kept;
    }
  }

  void Fail(const Error& error) {
    std::lock_guard<std::mutex> lock(mutex_);
    failed_ = true;
    if (failure_.ok()) failure_ = error;
  }

  void Tick() {
    if (progress_ == nullptr) return;
    std::lock_guard<std::mutex> lock(mutex_);
    progress_->Set(++done_frames_);
  }

  const VideoJob& job_;
  std::vector<Segment>& segments_;
  SegmentCache* cache_;
  std::filesystem::path out_mp4_;
  Progress* progress_;
  std::vector<size_t> todo_;
  std::vector<std::filesystem::path> temps_;
  std::atomic<size_t> next_{0};
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
  Status failure_;
  int64_t done_frames_ = 0;
};

// Copies the segments' packets, one after another, into the video stream of `out`, with the
// audio encoded alongside so the file interleaves. Every segment must carry the same H.264
// parameter sets as the first (the same encoder settings make the same ones).
class Assembler {
 public:
  Assembler(AVFormatContext* out, int fps, const std::string& where) : out_(out), fps_(fps), where_(where) {}

  // Adds the video stream, shaped like the first segment's.
  Status AddVideoStream(const std::filesystem::path& first_segment) {
    RW_ASSIGN(ff::InputFormatPtr in, OpenSegment(first_segment));
    const AVStream* src = in->streams[0];
    stream_ = avformat_new_stream(out_, nullptr);
    if (stream_ == nullptr) return Failed("out of memory adding the video stream", where_);
    int rc = avcodec_parameters_copy(stream_->codecpar, src->codecpar);
    if (rc < 0) return ff::AvError(rc, "cannot copy the H.264 parameters", where_);
    stream_->codecpar->codec_tag = 0;
    stream_->time_base = AVRational{1, fps_};
    stream_->avg_frame_rate = AVRational{fps_, 1};
    stream_->r_frame_rate = AVRational{fps_, 1};
    stream_->sample_aspect_ratio = src->sample_aspect_ratio;
    extradata_.assign(src->codecpar->extradata, src->codecpar->extradata + src->codecpar->extradata_size);
    return {};
  }

  // Notes how far the segment's decoding runs ahead of its showing (its B-frame delay); call for
  // every segment before the first Append.
  Status MeasureDelay(const Segment& segment, AVPacket* packet) {
    RW_ASSIGN(ff::InputFormatPtr in, OpenSegment(segment.file));
    while (true) {
      int rc = av_read_frame(in.get(), packet);
      if (rc < 0) return ff::AvError(rc, "cannot read a video segment", segment.file.string());
      const bool video = packet->stream_index == 0;
      if (video) {
        av_packet_rescale_ts(packet, in->streams[0]->time_base, stream_->time_base);
        delay_ = std::max(delay_, packet->pts - packet->dts);
      }
      av_packet_unref(packet);
      if (video) return {};
    }
  }

  // Appends the segment's frames at output frame `first`; `before_packet(frame)` runs before each
  // video packet is written, with the output frame the packet decodes at.
  Status Append(const Segment& segment, AVPacket* packet, const std::function<Status(int64_t)>& before_packet) {
    RW_ASSIGN(ff::InputFormatPtr in, OpenSegment(segment.file));
    const AVStream* src = in->streams[0];
    const auto* extra = src->codecpar->extradata;
    if (std::vector<uint8_t>(extra, extra + src->codecpar->extradata_size) != extradata_) {
      return Failed("a cached video segment was encoded with other H.264 settings (" + segment.file.string() +
                        "); clear the cache (gc) and render again",
                    where_);
    }
    const AVRational frame_base{1, fps_};
    int64_t shift = AV_NOPTS_VALUE, dts_shift = 0;
    int64_t count = 0;
    while (true) {
      int rc = av_read_frame(in.get(), packet);
      if (rc == AVERROR_EOF) break;
      if (rc < 0) return ff::AvError(rc, "cannot read a video segment", segment.file.string());
      if (packet->stream_index != 0) {
        av_packet_unref(packet);
        continue;
      }
      // The first packet in decode order is the segment's opening IDR frame, shown first.
      av_packet_rescale_ts(packet, src->time_base, stream_->time_base);
      if (shift == AV_NOPTS_VALUE) {
        shift = av_rescale_q(segment.first, frame_base, stream_->time_base) - packet->pts;
        // Every segment's decoding runs the episode's largest B-frame delay ahead of its showing,
        // so decode times keep rising across a cut even where a short segment has none.
        dts_shift = (packet->pts - packet->dts) - delay_;
      }
      packet->pts += shift;
      packet->dts += shift + dts_shift;
      packet->stream_index = stream_->index;
      packet->pos = -1;
      Status ready = before_packet(av_rescale_q(packet->dts, stream_->time_base, frame_base));
      if (!ready.ok()) {
        av_packet_unref(packet);
        return ready;
      }
      rc = av_interleaved_write_frame(out_, packet);
      if (rc < 0) return ff::AvError(rc, "cannot write a packet to the MP4", where_);
      ++count;
    }
    if (count != segment.end - segment.first) {
      return Failed("a video segment holds " + std::to_string(count) + " frames, not " +
                        std::to_string(segment.end - segment.first) + " (" + segment.file.string() + ")",
                    where_);
    }
    return {};
  }

 private:
  Result<ff::InputFormatPtr> OpenSegment(const std::filesystem::path& file) {
    AVFormatContext* raw = nullptr;
    int rc = avformat_open_input(&raw, file.c_str(), nullptr, nullptr);
    if (rc < 0) return ff::AvError(rc, "cannot open a video segment", file.string());
    ff::InputFormatPtr in(raw);
    if (in->nb_streams < 1 || in->streams[0]->codecpar->codec_id != AV_CODEC_ID_H264) {
      return Failed("a video segment holds no H.264 stream", file.string());
    }
    return in;
  }

  AVFormatContext* out_;
  int fps_;
  std::string where_;
  AVStream* stream_ = nullptr;
  std::vector<uint8_t> extradata_;
  int64_t delay_ = 0;  // the largest B-frame delay of any segment, in the stream's time base
};

}  // namespace

std::string AigcLabelScript(const AigcLabel& label, int width, int height, double seconds) {
  // 6% of the short side: above the 5% the standard asks, with room for descenders.
  int size = static_cast<int>(std::lround(std::min(width, height) * 0.06));
  int margin = static_cast<int>(std::lround(std::min(width, height) * 0.04));
  int alignment = 7;  // numpad layout: 7 top-left, 9 top-right, 1 bottom-left, 3 bottom-right
  if (label.position == "top-right") alignment = 9;
  if (label.position == "bottom-left") alignment = 1;
  if (label.position == "bottom-right") alignment = 3;
  double until = label.seconds > 0 ? std::min(label.seconds, seconds) : seconds;
  auto clock = [](double s) {
    char buf[32];
    int cs = static_cast<int>(std::lround(s * 100));
    std::snprintf(buf, sizeof buf, "%d:%02d:%02d.%02d", cs / 360000, cs / 6000 % 60, cs / 100 % 60, cs % 100);
    return std::string(buf);
  };
  std::string out = "[Script Info]\nScriptType: v4.00+\nPlayResX: " + std::to_string(width) + "\nPlayResY: " +
                    std::to_string(height) + "\nScaledBorderAndShadow: yes\n\n[V4+ Styles]\n"
                    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
                    "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
                    "MarginL, MarginR, MarginV, Encoding\n";
  out += "Style: Label,Noto Sans CJK SC," + std::to_string(size) + ",&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,1,0,0,0,100,100,0,0,3," +
         std::to_string(std::max(2, size / 10)) + ",0," + std::to_string(alignment) + "," + std::to_string(margin) + "," +
         std::to_string(margin) + "," + std::to_string(margin) + ",1\n\n[Events]\n"
         "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n";
  std::string text;
  for (char c : label.text) text += (c == '\n') ? std::string("\\N") : std::string(1, c);
  out += "Dialogue: 0," + clock(0) + "," + clock(until) + ",Label,,0,0,0,," + text + "\n";
  return out;
}

// glibc raises its mmap threshold each time a large mapped block is freed, after which blocks of
// that size come from per-thread heaps and stay there. Each segment opens and closes an x264
// encoder (~150 MB of frame buffers at 1080x1920), so with two encoding threads the peak grew by
// hundreds of MB (reference workload: 755 MB). A fixed threshold hands those buffers back to the
// system when freed (523 MB).
void KeepLargeBuffersMapped() {
  static std::once_flag once;
  std::call_once(once, [] { mallopt(M_MMAP_THRESHOLD, 256 * 1024); });
}

std::string SegmentCache::HashOf(const std::filesystem::path& file) { return Sha256File(file.string()); }

std::filesystem::path FolderSegmentCache::Find(const std::string& key) {
  std::filesystem::path path = dir_ / (key + ".mp4");
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) ? path : std::filesystem::path();
}

Result<std::filesystem::path> FolderSegmentCache::Keep(const std::string& key, const std::filesystem::path& file) {
  RW_TRY(MakeDirs(dir_));
  std::filesystem::path path = dir_ / (key + ".mp4");
  RW_TRY(CopyFileAtomic(file, path));
  return path;
}

Result<RenderStats> RenderEpisode(const Timeline& timeline, const std::filesystem::path& episode_dir,
                                  const std::filesystem::path& ass_path, const RenderPreset& preset,
                                  const std::filesystem::path& out_mp4, Progress* progress, const RenderOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const auto& metadata = options.metadata;
  MixStats stats_mix;
  const std::string where = out_mp4.string();
  if (preset.width <= 0 || preset.height <= 0 || preset.width % 2 || preset.height % 2 || preset.fps <= 0) {
    return BadInput(where, "render preset \"" + preset.name + "\" needs an even frame size and a positive fps");
  }
  if (timeline.frames <= 0 || timeline.fps <= 0) return BadInput(where, "the timeline is empty");
  const int64_t frames = av_rescale(timeline.frames, preset.fps, timeline.fps);
  const int64_t total_samples = av_rescale(frames, kSampleRate, preset.fps);

  // Inputs first, so a bad WAV or subtitle file fails before any encoding.
  std::vector<float> mix;
  if (!options.mix_wav.empty()) {
    RW_ASSIGN(mix, ReadMixWav(options.mix_wav, total_samples));
  } else {
    RW_ASSIGN(mix, MixEpisode(timeline, episode_dir, options.music_wav, options.mix, total_samples, &stats_mix));
  }
  VideoJob job;
  job.timeline = &timeline;
  job.episode_dir = episode_dir;
  job.preset = preset;
  job.h264.width = preset.width;
  job.h264.height = preset.height;
  job.h264.fps = preset.fps;
  job.h264.gop_frames = std::max(1, static_cast<int>(std::lround(preset.fps * preset.gop_seconds)));
  job.h264.crf = preset.crf;
  job.h264.bitrate = preset.video_bitrate;
  job.h264.max_bitrate = preset.max_bitrate;
  job.h264.buffer_bits = 2 * preset.max_bitrate;
  job.h264.x264_preset = preset.x264_preset;
  job.h264.threads = std::max(0, options.x264_threads);
  if (!ass_path.empty()) {
    RW_ASSIGN(job.ass_text, ReadFile(ass_path));
    job.ass_where = ass_path.string();
  }
  if (!options.label.text.empty()) {
    job.label_text = AigcLabelScript(options.label, preset.width, preset.height, static_cast<double>(frames) / preset.fps);
  }
  job.drawers = options.drawers;
  if (job.drawers != nullptr) {
    for (const TimelineVideo& v : timeline.video) {
      std::string fingerprint = job.drawers->Fingerprint(v);
      if (!fingerprint.empty()) job.drawn[&v] = std::move(fingerprint);
    }
  }
  // Read once here for the keys (and to fail on a bad script before any encoding).
  RW_ASSIGN(Burners burners, Burners::Make(job));

  // Segments: keyed, then looked up.
  if (out_mp4.has_parent_path()) RW_TRY(MakeDirs(out_mp4.parent_path()));
  std::vector<Segment> segments = PlanSegments(timeline, preset.fps, frames, job.h264.gop_frames);
  PlainHasher plain_hasher;
  SegmentCache& hasher = options.segments != nullptr ? *options.segments : plain_hasher;
  for (Segment& segment : segments) {
    RW_ASSIGN(segment.key, SegmentKey(job, segment, burners, hasher));
    if (options.segments == nullptr) continue;
    segment.file = options.segments->Find(segment.key);
    segment.reused = !segment.file.empty();
  }
  KeepLargeBuffersMapped();
  AudioEncoder audio;
  RW_TRY(audio.Open(preset.audio_bitrate, where));
  audio.Start(&mix, total_samples);
  const int jobs = options.jobs > 0 ? options.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  SegmentEncoder encoder(job, segments, options.segments, out_mp4, progress);
  RW_TRY(encoder.Run(jobs, burners));

  // Output: the segments by stream copy, and the audio.
  RW_TRY(audio.Join());
  TempFile temp(TempPathFor(out_mp4));
  RW_ASSIGN(ff::OutputFormatPtr out, ff::OpenMp4Output(temp.path().string()));
  Assembler assembler(out.get(), preset.fps, where);
  RW_TRY(assembler.AddVideoStream(segments.front().file));
  RW_TRY(audio.AddStream(out.get()));
  for (const auto& [key, value] : metadata) av_dict_set(&out->metadata, key.c_str(), value.c_str(), 0);
  AVDictionary* mux_options = nullptr;
  av_dict_set(&mux_options, "movflags", metadata.empty() ? "+faststart" : "+faststart+use_metadata_tags", 0);
  Status header = ff::WriteHeader(out.get(), temp.path().string(), &mux_options, where);
  av_dict_free(&mux_options);
  RW_TRY(header);

  ff::PacketPtr packet = ff::MakePacket();
  if (!packet) return Failed("out of memory allocating a packet", where);
  auto audio_up_to = [&](int64_t frame) { return audio.WriteUntil(av_rescale(frame + 1, kSampleRate, preset.fps), out.get()); };
  for (const Segment& segment : segments) RW_TRY(assembler.MeasureDelay(segment, packet.get()));
  for (const Segment& segment : segments) RW_TRY(assembler.Append(segment, packet.get(), audio_up_to));
  RW_TRY(audio.WriteUntil(INT64_MAX, out.get()));
  int rc = av_write_trailer(out.get());
  if (rc < 0) return ff::AvError(rc, "cannot finish the MP4 (moving the index to the front)", where);
  rc = avio_closep(&out->pb);
  if (rc < 0) return ff::AvError(rc, "cannot close the MP4", where);
  out.reset();
  std::error_code size_ec;
  auto size = static_cast<int64_t>(std::filesystem::file_size(temp.path(), size_ec));
  if (preset.max_bytes > 0 && size > preset.max_bytes) {
    char mb[96];
    std::snprintf(mb, sizeof mb, "%.1f MB, over the %.0f MB limit", size / 1048576.0, preset.max_bytes / 1048576.0);
    return Failed(std::string("the render is ") + mb + " of " + preset.platform +
                      "; lower the preset's bitrate or shorten the episode (nothing was written)",
                  where);
  }
  RW_TRY(CommitTempFile(temp.path(), out_mp4));
  temp.MarkCommitted();

  RenderStats stats;
  stats.mix = stats_mix;
  stats.frames = frames;
  stats.segments = static_cast<int>(segments.size());
  for (const Segment& segment : segments) stats.segment_keys.push_back(segment.key);
  stats.items = static_cast<int>(timeline.video.size());
  stats.items_drawn = static_cast<int>(job.drawn.size());
  for (const Segment& segment : segments) (segment.reused ? stats.segments_reused : stats.segments_encoded)++;
  stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  stats.fps = stats.wall_seconds > 0 ? static_cast<double>(frames) / stats.wall_seconds : 0;
  std::error_code ec;
  stats.bytes = static_cast<int64_t>(std::filesystem::file_size(out_mp4, ec));
  return stats;
}

}  // namespace rw
