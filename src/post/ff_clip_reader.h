// ClipReader: decodes the video stream of one clip file, frame by frame in timestamp order, for
// the renderer. Private to post/.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "base/result.h"
#include "post/ff_util.h"

namespace rw::ff {

class ClipReader {
 public:
  // Opens `file` and its first video stream's decoder (`threads` decoding threads; 0: auto).
  // `where` names the clip in errors.
  static Result<std::unique_ptr<ClipReader>> Open(const std::filesystem::path& file, const std::string& where,
                                                  int threads = 0);

  // The frame to show `seconds` after the clip's first frame: the latest decoded frame whose
  // time is at or before `seconds` (+1 ms), never going back. Past the end, the last frame (a
  // clip shorter than its slot holds it). Calls must not decrease `seconds`. The frame stays
  // valid until the next call. An error if the clip has no frame at all.
  Result<const AVFrame*> FrameAt(double seconds);

  // Jumps to the keyframe at or before `seconds` (from the first frame), so that FrameAt(t) for
  // t >= seconds decodes only from there; a renderer starting mid-clip (the tail of a shot under
  // a cross-fade) skips the frames before. Call before FrameAt, or with seconds past the
  // last FrameAt.
  Status SeekTo(double seconds);

 private:
  ClipReader() = default;
  // Decodes the next frame into next_; false when the stream is exhausted.
  Result<bool> DecodeNext();
  double SecondsOf(const AVFrame* frame);

  std::string where_;
  InputFormatPtr input_;
  CodecContextPtr decoder_;
  int stream_index_ = -1;
  AVRational time_base_{1, 1};
  double frame_seconds_ = 1.0 / 30;  // for frames without timestamps
  PacketPtr packet_;
  FramePtr current_, next_;
  bool have_current_ = false, have_next_ = false, flushing_ = false, exhausted_ = false, seeked_ = false;
  int64_t origin_ = AV_NOPTS_VALUE;  // timestamp of the first frame
  int64_t decoded_ = 0;
};

}  // namespace rw::ff
