#include "post/ff_clip_reader.h"

namespace rw::ff {

Result<std::unique_ptr<ClipReader>> ClipReader::Open(const std::filesystem::path& file, const std::string& where,
                                                     int threads) {
  QuietLogs();
  std::unique_ptr<ClipReader> r(new ClipReader());
  r->where_ = where;
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, file.c_str(), nullptr, nullptr);
  if (rc < 0) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return Error{ErrorCode::kNotFound, "clip file not found", where};
    return AvError(rc, "cannot open the clip", where);
  }
  r->input_.reset(raw);
  rc = avformat_find_stream_info(raw, nullptr);
  if (rc < 0) return AvError(rc, "cannot read the clip's streams", where);
  const AVCodec* codec = nullptr;
  rc = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (rc < 0) return AvError(rc, "the clip has no decodable video stream", where);
  r->stream_index_ = rc;
  AVStream* stream = raw->streams[rc];
  r->time_base_ = stream->time_base;
  if (stream->avg_frame_rate.num > 0 && stream->avg_frame_rate.den > 0) {
    r->frame_seconds_ = av_q2d(av_inv_q(stream->avg_frame_rate));
  }
  r->decoder_.reset(avcodec_alloc_context3(codec));
  if (!r->decoder_) return Failed("out of memory creating a decoder", where);
  rc = avcodec_parameters_to_context(r->decoder_.get(), stream->codecpar);
  if (rc < 0) return AvError(rc, "cannot configure the clip's decoder", where);
  r->decoder_->thread_count = threads;
  rc = avcodec_open2(r->decoder_.get(), codec, nullptr);
  if (rc < 0) return AvError(rc, std::string("cannot open the ") + codec->name + " decoder", where);
  r->packet_ = MakePacket();
  r->current_ = MakeFrame();
  r->next_ = MakeFrame();
  if (!r->packet_ || !r->current_ || !r->next_) return Failed("out of memory", where);
  return r;
}

Result<bool> ClipReader::DecodeNext() {
  while (true) {
    int rc = avcodec_receive_frame(decoder_.get(), next_.get());
    if (rc == 0) return true;
    if (rc == AVERROR_EOF) return false;
    if (rc != AVERROR(EAGAIN)) return AvError(rc, "cannot decode the clip", where_);
    // The decoder wants input.
    rc = av_read_frame(input_.get(), packet_.get());
    if (rc == AVERROR_EOF) {
      if (flushing_) return false;
      flushing_ = true;
      rc = avcodec_send_packet(decoder_.get(), nullptr);
      if (rc < 0 && rc != AVERROR_EOF) return AvError(rc, "cannot flush the clip's decoder", where_);
      continue;
    }
    if (rc < 0) return AvError(rc, "cannot read the clip", where_);
    if (packet_->stream_index == stream_index_) rc = avcodec_send_packet(decoder_.get(), packet_.get());
    av_packet_unref(packet_.get());
    if (rc < 0) return AvError(rc, "the clip's decoder refused a packet", where_);
  }
}

double ClipReader::SecondsOf(const AVFrame* frame) {
  int64_t ts = frame->best_effort_timestamp != AV_NOPTS_VALUE ? frame->best_effort_timestamp : frame->pts;
  if (ts == AV_NOPTS_VALUE) return static_cast<double>(decoded_ - 1) * frame_seconds_;
  if (origin_ == AV_NOPTS_VALUE) origin_ = ts;
  return static_cast<double>(ts - origin_) * av_q2d(time_base_);
}

Result<const AVFrame*> ClipReader::FrameAt(double seconds) {
  constexpr double kSlack = 0.001;
  while (!exhausted_) {
    if (!have_next_) {
      RW_ASSIGN(bool got, DecodeNext());
      if (!got) {
        exhausted_ = true;
        break;
      }
      have_next_ = true;
      ++decoded_;
    }
    // The first frame (and the first after a seek) is always shown, whatever its timestamp.
    if (have_current_ && !seeked_ && SecondsOf(next_.get()) > seconds + kSlack) break;
    seeked_ = false;
    av_frame_unref(current_.get());
    av_frame_move_ref(current_.get(), next_.get());
    if (!have_current_) (void)SecondsOf(current_.get());  // fixes the origin at the first frame
    have_current_ = true;
    have_next_ = false;
  }
  if (!have_current_) return Failed("the clip has no video frames", where_);
  return static_cast<const AVFrame*>(current_.get());
}

Status ClipReader::SeekTo(double seconds) {
  // The first frame fixes the origin every later timestamp is measured from.
  if (!have_current_) {
    RW_TRY(FrameAt(0));
  }
  if (seconds <= SecondsOf(current_.get()) + 1.0) return {};  // closer than a keyframe: decode on
  const int64_t target = origin_ + static_cast<int64_t>(seconds / av_q2d(time_base_));
  int rc = av_seek_frame(input_.get(), stream_index_, target, AVSEEK_FLAG_BACKWARD);
  if (rc < 0) return {};  // not seekable: FrameAt decodes forward as before
  avcodec_flush_buffers(decoder_.get());
  av_frame_unref(next_.get());
  have_next_ = flushing_ = exhausted_ = false;
  // current_ stays as the frame to hold should nothing decode past the seek point, but the next
  // decoded frame replaces it whatever its time.
  seeked_ = true;
  return {};
}

}  // namespace rw::ff
