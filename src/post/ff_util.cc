#include "post/ff_util.h"

namespace rw::ff {

Error AvError(int rc, const std::string& what, const std::string& where) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(rc, text, sizeof(text));
  return Failed(what + ": " + text, where);
}

void QuietLogs() {
  if (av_log_get_level() == AV_LOG_INFO) av_log_set_level(AV_LOG_ERROR);
}

FramePtr MakeFrame() { return FramePtr(av_frame_alloc()); }
PacketPtr MakePacket() { return PacketPtr(av_packet_alloc()); }

Result<OutputFormatPtr> OpenMp4Output(const std::string& file) {
  QuietLogs();
  AVFormatContext* raw = nullptr;
  int rc = avformat_alloc_output_context2(&raw, nullptr, "mp4", file.c_str());
  if (rc < 0 || raw == nullptr) return AvError(rc < 0 ? rc : AVERROR(ENOMEM), "cannot create an MP4 muxer", file);
  return OutputFormatPtr(raw);
}

Status WriteHeader(AVFormatContext* out, const std::string& file, AVDictionary** options, const std::string& where) {
  int rc = avio_open(&out->pb, file.c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) return AvError(rc, "cannot open for writing", where);
  rc = avformat_write_header(out, options);
  if (rc < 0) return AvError(rc, "cannot write the MP4 header", where);
  return {};
}

Status EncodeAndWrite(EncodedStream& enc, const AVFrame* frame, AVFormatContext* out, AVPacket* packet,
                      const std::string& where) {
  AVCodecContext* codec = enc.codec.get();
  int rc = avcodec_send_frame(codec, frame);
  if (rc < 0 && rc != AVERROR_EOF) {
    return AvError(rc, std::string("the ") + codec->codec->name + " encoder refused a frame", where);
  }
  while (true) {
    rc = avcodec_receive_packet(codec, packet);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
    if (rc < 0) return AvError(rc, std::string("the ") + codec->codec->name + " encoder failed", where);
    av_packet_rescale_ts(packet, codec->time_base, enc.stream->time_base);
    packet->stream_index = enc.stream->index;
    rc = av_interleaved_write_frame(out, packet);  // takes ownership of the packet's data
    if (rc < 0) return AvError(rc, "cannot write a packet to the MP4", where);
  }
}

}  // namespace rw::ff

namespace rw::ff {

Result<EncodedStream> AddH264Stream(AVFormatContext* out, const H264Settings& settings, const std::string& where) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (codec == nullptr) return Failed("this FFmpeg has no libx264 encoder; install a build with libx264", where);
  EncodedStream enc;
  enc.codec.reset(avcodec_alloc_context3(codec));
  if (!enc.codec) return Failed("out of memory creating the H.264 encoder", where);
  AVCodecContext* c = enc.codec.get();
  c->width = settings.width;
  c->height = settings.height;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->time_base = AVRational{1, settings.fps};
  c->framerate = AVRational{settings.fps, 1};
  c->sample_aspect_ratio = AVRational{1, 1};
  c->gop_size = settings.gop_frames;
  c->max_b_frames = 2;  // YouTube's recommendation: 2 consecutive B-frames
  c->profile = FF_PROFILE_H264_HIGH;
  c->flags |= AV_CODEC_FLAG_CLOSED_GOP;
  c->color_primaries = AVCOL_PRI_BT709;
  c->color_trc = AVCOL_TRC_BT709;
  c->colorspace = AVCOL_SPC_BT709;
  c->color_range = AVCOL_RANGE_MPEG;
  c->thread_count = settings.threads;  // 0: x264 frame threads sized to the cores
  if (settings.crf < 0) {
    c->bit_rate = settings.bitrate;
    c->rc_max_rate = settings.max_bitrate;
    c->rc_buffer_size = static_cast<int>(settings.buffer_bits);
  }
  if (out->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

  AVDictionary* options = nullptr;
  av_dict_set(&options, "preset", settings.x264_preset.c_str(), 0);
  av_dict_set(&options, "profile", "high", 0);
  if (settings.crf >= 0) av_dict_set(&options, "crf", std::to_string(settings.crf).c_str(), 0);
  av_dict_set(&options, "x264-params", "open-gop=0", 0);
  int rc = avcodec_open2(c, codec, &options);
  av_dict_free(&options);
  if (rc < 0) return AvError(rc, "cannot open the libx264 encoder (preset " + settings.x264_preset + ")", where);

  enc.stream = avformat_new_stream(out, nullptr);
  if (enc.stream == nullptr) return Failed("out of memory adding the video stream", where);
  enc.stream->time_base = c->time_base;
  enc.stream->avg_frame_rate = c->framerate;
  rc = avcodec_parameters_from_context(enc.stream->codecpar, c);
  if (rc < 0) return AvError(rc, "cannot copy the H.264 parameters to the MP4 stream", where);
  return enc;
}

Result<FramePtr> MakeVideoFrame(int width, int height, const std::string& where) {
  FramePtr frame = MakeFrame();
  if (!frame) return Failed("out of memory allocating a frame", where);
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = width;
  frame->height = height;
  frame->color_primaries = AVCOL_PRI_BT709;
  frame->color_trc = AVCOL_TRC_BT709;
  frame->colorspace = AVCOL_SPC_BT709;
  frame->color_range = AVCOL_RANGE_MPEG;
  int rc = av_frame_get_buffer(frame.get(), 0);
  if (rc < 0) return AvError(rc, "cannot allocate a " + std::to_string(width) + "x" + std::to_string(height) + " frame", where);
  return frame;
}

}  // namespace rw::ff
