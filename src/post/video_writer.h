// VideoWriter: encodes frames into an MP4 holding one H.264 stream (High profile, yuv420p,
// BT.709, no audio). Shot clips are written with it.
//
// Frames arrive as rw::Image (Cairo ARGB32, premultiplied; alpha is dropped, i.e. composited
// over black) and are converted to yuv420p with BT.709 coefficients by swscale, or are drawn
// straight into the encoder's yuv420p planes (WriteDrawn). Quality is set by
// CRF; the GOP is one second (fps frames) and closed.
//
// The file is written to a temp path beside `path` (TempPathFor) and renamed into place by
// Finish(), so a killed process never leaves a half-written clip under the real name. Destroying
// a writer without a successful Finish() removes the temp file.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "base/image.h"
#include "base/result.h"

namespace rw {

struct ClipEncodeOptions {
  int crf = 17;
  std::string x264_preset = "veryfast";
};

class VideoWriter {
 public:
  // Creates the encoder and the temp file. `width` and `height` must be even.
  static Result<std::unique_ptr<VideoWriter>> Open(const std::filesystem::path& path, int width, int height, int fps,
                                                   const ClipEncodeOptions& options);
  ~VideoWriter();
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // Encodes one frame; it must be width x height.
  Status Write(const Image& frame);
  // The next frame drawn by `draw` straight into the encoder's yuv420p planes (BT.709 limited
  // range), no conversion: how shots drawn from their plates are written.
  Status WriteDrawn(const std::function<void(uint8_t* const data[3], const int stride[3])>& draw);
  // Flushes the encoder, writes the trailer and renames the temp file into place. Call once.
  Status Finish();

  int64_t frames_written() const { return frames_; }

 private:
  struct Impl;
  explicit VideoWriter(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  int64_t frames_ = 0;
};

}  // namespace rw
