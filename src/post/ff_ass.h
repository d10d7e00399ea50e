// AssBurner: renders an ASS script with libass and blends it onto yuv420p frames. Private to
// post/.
//
// libass hands back a list of ASS_Image: 8-bit coverage bitmaps, each with one RGBA colour
// (alpha byte 0 = opaque). Each is blended in list order (shadow, outline, glyph) straight onto
// the Y, U and V planes, the way FFmpeg's vf_subtitles blends them: the colour is converted once
// to limited-range BT.709 YCbCr, luma is blended per pixel, and chroma per 2×2 block with the
// block's mean coverage. Working in YUV avoids converting every frame to RGB and back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "base/result.h"
#include "post/ff_util.h"

namespace rw::ff {

class AssBurner {
 public:
  // Loads `ass_file` and prepares a renderer for width×height frames. An empty file has no
  // events and yields a burner that draws nothing.
  static Result<std::unique_ptr<AssBurner>> Open(const std::filesystem::path& ass_file, int width, int height);
  // The same from an ASS script in memory; `where` names it in errors.
  static Result<std::unique_ptr<AssBurner>> FromScript(const std::string& text, int width, int height, const std::string& where);

  // Blends the subtitles visible at `ms` onto `frame` (yuv420p, width×height, writable).
  void Burn(AVFrame* frame, int64_t ms);

  // Everything that shapes what Burn draws on frames shown at `frame_ms` (one time a frame, in
  // order), wherever those frames sit in the episode: the script's header and styles, and each
  // event on screen in them (layer, style, margins, name, effect, text; all of them, as events on
  // together may push each other aside) with the frames it is on, and for an event that changes
  // while on (\fad, \move, \t, karaoke, an effect) how long it has been on at each. Equal
  // fingerprints, equal pixels: a stretch of frames moved along the timeline with its subtitles
  // keeps its fingerprint. Empty for a burner that draws nothing, and for frames no event is on
  // (the header then draws nothing).
  std::string Fingerprint(const std::vector<int64_t>& frame_ms) const;

 private:
  AssBurner() = default;

  AssLibraryPtr library_;
  AssRendererPtr renderer_;
  AssTrackPtr track_;  // null: nothing to draw
  std::string header_;  // the script without its Dialogue lines
};

}  // namespace rw::ff
