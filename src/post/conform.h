// ConformClip: makes a clip from elsewhere (a video server, a person's file) fit the timeline.
//
// The source is decoded in-process (libavformat/libavcodec: MP4/MOV, WebM/Matroska, GIF, a still
// image; animated WebP, which FFmpeg 5.1 cannot decode, is taken apart here and its frames
// decoded one by one), then run through a libavfilter graph:
//   - scaled to cover width×height (display aspect, so non-square pixels are honoured) and
//     centre-cropped;
//   - converted to `fps`: with motion-compensated interpolation (minterpolate, mi_mode=mci)
//     when the source's rate differs by more than 2% (29.97 counts as 30; an unknown rate
//     counts as different), else the plain fps filter (which only fixes jittery timestamps).
//     Interpolation runs at the smaller of the source and target sizes, as it costs per pixel;
//   - cut, or held on its last frame, to exactly `frames` frames;
//   - encoded as the clips stage's own clips are (VideoWriter: H.264 High, yuv420p, BT.709,
//     CRF 17, one-second closed GOP), starting at time 0. Any audio is dropped.
//
// Cost: minterpolate is single-threaded and slow. On 2 cores, a 5 s clip to 1080×1920 at 30 fps
// took ~27 s from 480×832 at 16 fps, ~43 s from 720×1280 at 24 fps, ~6 s at the same rate (the
// H.264 encode alone). Cache the result; a video server takes longer to make the clip anyway.
//
// Atomic: the clip is written beside `out` and renamed into place on success, so a failed or
// killed conform leaves `out` as it was (absent if it was absent). Never prints; FFmpeg's own
// logging is lowered to errors (ff::QuietLogs).
#pragma once

#include <cstdint>
#include <filesystem>

#include "base/result.h"

namespace rw {

struct ConformStats {
  int source_width = 0, source_height = 0;  // decoded picture size (an animated WebP's canvas)
  double source_fps = 0;                    // the stream's average rate; 0 when it has none
  int64_t source_frames = 0;                // frames decoded, the whole source (also past a cut)
  bool interpolated = false;                // minterpolate made the new rate (else the fps filter)
};

// Errors: width/height not positive and even, fps or frames not positive → BadInput naming
// `out`; `in` missing → NotFound; `in` unreadable, not a video, or without frames → Failed
// naming `in` and saying what the file should be.
Result<ConformStats> ConformClip(const std::filesystem::path& in, const std::filesystem::path& out, int width,
                                 int height, int fps, int64_t frames);

}  // namespace rw
