#include "post/render.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <vector>

#include "base/file.h"
#include "base/wav.h"
#include "post/ff_ass.h"
#include "post/ff_clip_reader.h"
#include "post/ff_util.h"
#include "post/mix.h"

extern "C" {
#include <libavutil/channel_layout.h>
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

Result<ff::EncodedStream> AddAacStream(AVFormatContext* out, int bitrate, const std::string& where) {
  const AVCodec* codec = avcodec_find_encoder_by_name("aac");
  if (codec == nullptr) return Failed("this FFmpeg has no native aac encoder", where);
  ff::EncodedStream enc;
  enc.codec.reset(avcodec_alloc_context3(codec));
  if (!enc.codec) return Failed("out of memory creating the AAC encoder", where);
  AVCodecContext* c = enc.codec.get();
  c->sample_fmt = AV_SAMPLE_FMT_FLTP;
  c->sample_rate = kSampleRate;
  AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
  int rc = av_channel_layout_copy(&c->ch_layout, &stereo);
  if (rc < 0) return ff::AvError(rc, "cannot set the stereo layout", where);
  c->bit_rate = bitrate;
  c->profile = FF_PROFILE_AAC_LOW;
  c->time_base = AVRational{1, kSampleRate};
  if (out->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  rc = avcodec_open2(c, codec, nullptr);
  if (rc < 0) return ff::AvError(rc, "cannot open the AAC encoder", where);
  enc.stream = avformat_new_stream(out, nullptr);
  if (enc.stream == nullptr) return Failed("out of memory adding the audio stream", where);
  enc.stream->time_base = c->time_base;
  rc = avcodec_parameters_from_context(enc.stream->codecpar, c);
  if (rc < 0) return ff::AvError(rc, "cannot copy the AAC parameters to the MP4 stream", where);
  return enc;
}

void FillBlack(AVFrame* frame) {
  for (int y = 0; y < frame->height; ++y) std::memset(frame->data[0] + y * frame->linesize[0], 16, frame->width);
  for (int p = 1; p < 3; ++p) {
    for (int y = 0; y < frame->height / 2; ++y) {
      std::memset(frame->data[p] + y * frame->linesize[p], 128, frame->width / 2);
    }
  }
}

// Encodes the audio that goes with the video up to output sample `until`, in encoder-sized
// frames; `final` also sends the short last frame.
class AudioTrack {
 public:
  AudioTrack(ff::EncodedStream* enc, const std::vector<float>* mix, int64_t total)
      : enc_(enc), mix_(mix), total_(total) {}

  Status Init(const std::string& where) {
    frame_size_ = enc_->codec->frame_size > 0 ? enc_->codec->frame_size : 1024;
    frame_ = ff::MakeFrame();
    if (!frame_) return Failed("out of memory allocating an audio frame", where);
    frame_->format = enc_->codec->sample_fmt;
    frame_->sample_rate = kSampleRate;
    frame_->nb_samples = frame_size_;
    int rc = av_channel_layout_copy(&frame_->ch_layout, &enc_->codec->ch_layout);
    if (rc < 0) return ff::AvError(rc, "cannot set the audio frame's layout", where);
    rc = av_frame_get_buffer(frame_.get(), 0);
    if (rc < 0) return ff::AvError(rc, "cannot allocate an audio frame", where);
    return {};
  }

  Status EncodeUntil(int64_t until, bool final, AVFormatContext* out, AVPacket* packet, const std::string& where) {
    until = std::min(until, total_);
    while (sent_ < until) {
      int n = static_cast<int>(std::min<int64_t>(frame_size_, total_ - sent_));
      if (n < frame_size_ && !final) break;  // only the very last frame may be short
      if (sent_ + n > until && !final) break;
      int rc = av_frame_make_writable(frame_.get());
      if (rc < 0) return ff::AvError(rc, "cannot get a writable audio frame", where);
      float* left = reinterpret_cast<float*>(frame_->data[0]);
      float* right = reinterpret_cast<float*>(frame_->data[1]);
      const float* src = mix_->data() + 2 * sent_;
      for (int i = 0; i < n; ++i) {
        left[i] = std::clamp(src[2 * i], -1.0f, 1.0f);
        right[i] = std::clamp(src[2 * i + 1], -1.0f, 1.0f);
      }
      frame_->nb_samples = n;
      frame_->pts = sent_;
      RW_TRY(ff::EncodeAndWrite(*enc_, frame_.get(), out, packet, where));
      sent_ += n;
    }
    return {};
  }

 private:
  ff::EncodedStream* enc_;
  const std::vector<float>* mix_;  // interleaved stereo, total_ frames
  int64_t total_;
  int frame_size_ = 1024;
  int64_t sent_ = 0;
  ff::FramePtr frame_;
};

// Paints output frame k from the video track: the covering clip's frame scaled to the output
// size, or black where no clip covers it. Opens each clip when its slot starts and closes it
// when the slot ends, so at most one decoder is alive.
class VideoTrack {
 public:
  VideoTrack(const Timeline& timeline, const std::filesystem::path& episode_dir, const RenderPreset& preset)
      : episode_dir_(episode_dir), timeline_fps_(timeline.fps), out_fps_(preset.fps), width_(preset.width),
        height_(preset.height) {
    for (const TimelineVideo& v : timeline.video) {
      if (v.frames > 0) clips_.push_back(&v);
    }
    std::stable_sort(clips_.begin(), clips_.end(),
                     [](const TimelineVideo* a, const TimelineVideo* b) { return a->start_frame < b->start_frame; });
  }

  // `k` must increase from call to call; `frame` must be writable.
  Status Paint(int64_t k, AVFrame* frame) {
    const int64_t timeline_frame = av_rescale_rnd(k, timeline_fps_, out_fps_, AV_ROUND_DOWN);
    while (next_ < clips_.size() && timeline_frame >= clips_[next_]->start_frame + clips_[next_]->frames) {
      ++next_;
      reader_.reset();
    }
    if (next_ >= clips_.size() || timeline_frame < clips_[next_]->start_frame) {
      FillBlack(frame);
      return {};
    }
    const TimelineVideo& clip = *clips_[next_];
    const std::filesystem::path file = episode_dir_ / clip.clip;
    Status painted = PaintClip(clip, file, k, frame);
    if (!painted.ok()) {
      Error e = painted.error();
      e.message = "shot " + clip.shot + ": " + e.message;
      if (e.where.empty()) e.where = file.string();
      return e;
    }
    return {};
  }

 private:
  Status PaintClip(const TimelineVideo& clip, const std::filesystem::path& file, int64_t k, AVFrame* frame) {
    if (!reader_) {
      RW_ASSIGN(reader_, ff::ClipReader::Open(file, file.string()));
    }
    const double seconds = static_cast<double>(k) / out_fps_ - static_cast<double>(clip.start_frame) / timeline_fps_;
    RW_ASSIGN(const AVFrame* src, reader_->FrameAt(seconds));
    // Returns the same context while the source size and format stay the same, else frees it
    // and makes a new one.
    SwsContext* sws = sws_getCachedContext(sws_.release(), src->width, src->height,
                                           static_cast<AVPixelFormat>(src->format), width_, height_,
                                           AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr);
    sws_.reset(sws);
    if (!sws_) {
      return Failed("cannot scale the clip's " + std::to_string(src->width) + "x" + std::to_string(src->height) +
                        " frames to " + std::to_string(width_) + "x" + std::to_string(height_),
                    file.string());
    }
    sws_scale(sws_.get(), src->data, src->linesize, 0, src->height, frame->data, frame->linesize);
    return {};
  }

  std::filesystem::path episode_dir_;
  int timeline_fps_, out_fps_, width_, height_;
  std::vector<const TimelineVideo*> clips_;  // by start frame
  size_t next_ = 0;                          // the clip being shown, or the next to show
  std::unique_ptr<ff::ClipReader> reader_;   // open while clips_[next_] is on screen
  ff::SwsPtr sws_;
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
  std::unique_ptr<ff::AssBurner> subtitles, label;
  if (!ass_path.empty()) {
    RW_ASSIGN(subtitles, ff::AssBurner::Open(ass_path, preset.width, preset.height));
  }
  if (!options.label.text.empty()) {
    RW_ASSIGN(label, ff::AssBurner::FromScript(AigcLabelScript(options.label, preset.width, preset.height,
                                                               static_cast<double>(frames) / preset.fps),
                                               preset.width, preset.height, "the AIGC label"));
  }

  // Output.
  if (out_mp4.has_parent_path()) RW_TRY(MakeDirs(out_mp4.parent_path()));
  TempFile temp(TempPathFor(out_mp4));
  RW_ASSIGN(ff::OutputFormatPtr out, ff::OpenMp4Output(temp.path().string()));
  ff::H264Settings h264;
  h264.width = preset.width;
  h264.height = preset.height;
  h264.fps = preset.fps;
  h264.gop_frames = std::max(1, static_cast<int>(std::lround(preset.fps * preset.gop_seconds)));
  h264.bitrate = preset.video_bitrate;
  h264.max_bitrate = preset.max_bitrate;
  h264.buffer_bits = 2 * preset.max_bitrate;
  h264.x264_preset = preset.x264_preset;
  RW_ASSIGN(ff::EncodedStream video, ff::AddH264Stream(out.get(), h264, where));
  RW_ASSIGN(ff::EncodedStream audio, AddAacStream(out.get(), preset.audio_bitrate, where));
  for (const auto& [key, value] : metadata) av_dict_set(&out->metadata, key.c_str(), value.c_str(), 0);
  AVDictionary* mux_options = nullptr;
  av_dict_set(&mux_options, "movflags", metadata.empty() ? "+faststart" : "+faststart+use_metadata_tags", 0);
  Status header = ff::WriteHeader(out.get(), temp.path().string(), &mux_options, where);
  av_dict_free(&mux_options);
  RW_TRY(header);

  AudioTrack audio_track(&audio, &mix, total_samples);
  RW_TRY(audio_track.Init(where));
  RW_ASSIGN(ff::FramePtr work, ff::MakeVideoFrame(preset.width, preset.height, where));
  ff::PacketPtr packet = ff::MakePacket();
  if (!packet) return Failed("out of memory allocating a packet", where);

  VideoTrack video_track(timeline, episode_dir, preset);
  for (int64_t k = 0; k < frames; ++k) {
    int rc = av_frame_make_writable(work.get());
    if (rc < 0) return ff::AvError(rc, "cannot get a writable frame", where);
    RW_TRY(video_track.Paint(k, work.get()));
    if (subtitles) subtitles->Burn(work.get(), k * 1000 / preset.fps);
    if (label) label->Burn(work.get(), k * 1000 / preset.fps);

    work->pts = k;
    RW_TRY(ff::EncodeAndWrite(video, work.get(), out.get(), packet.get(), where));
    RW_TRY(audio_track.EncodeUntil(av_rescale(k + 1, kSampleRate, preset.fps), false, out.get(), packet.get(), where));
    if (progress != nullptr) progress->Set(k + 1);
  }

  RW_TRY(audio_track.EncodeUntil(total_samples, true, out.get(), packet.get(), where));
  RW_TRY(ff::EncodeAndWrite(video, nullptr, out.get(), packet.get(), where));
  RW_TRY(ff::EncodeAndWrite(audio, nullptr, out.get(), packet.get(), where));
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
  stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  stats.fps = stats.wall_seconds > 0 ? static_cast<double>(frames) / stats.wall_seconds : 0;
  std::error_code ec;
  stats.bytes = static_cast<int64_t>(std::filesystem::file_size(out_mp4, ec));
  return stats;
}

}  // namespace rw
