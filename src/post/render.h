// RenderEpisode: one episode's timeline → a delivery MP4 (formats.md §6), in-process with the
// FFmpeg libraries and libass.
//
// Video: the timeline's video track, each clip (an MP4 path relative to the episode folder)
// drawn by the caller's ItemDrawers when they have a drawer for it, else decoded and scaled to
// the preset size (bilinear; frame sizes need not match the preset). A clip
// shorter than its slot holds its last frame, a longer one is cut, a frame no clip covers is
// black. Clip frames are picked by timestamp (the latest frame at or before the output frame's
// time), so a clip at another frame rate is retimed rather than slowed. Where items overlap the
// later-starting one is on top; its first fade_in_frames frames cross-fade linearly from what is
// under it (the earlier item, or black). The ASS subtitles in `ass_path` (empty path or an empty
// file: none) are rendered by libass at the output size, with fonts from fontconfig and "Noto
// Sans CJK SC" as the default family, and blended onto each frame. Encoded with libx264: High
// profile, yuv420p, BT.709 tags, the preset's fps, VBR at preset bitrate capped at max_bitrate
// (buffer 2 × max) or the preset's CRF, closed GOP of fps × gop_seconds frames, 2 B-frames.
//
// Segments: the video is encoded in segments, one per video item (from the frame it starts,
// its incoming cross-fade included, to the frame the next item starts; frames before the first
// item make one more), and one more every 2 s (rounded up to whole GOPs) into a longer item,
// each a closed-GOP H.264 MP4 of its own, encoded `jobs` at a time. The
// episode is then assembled by stream copy (no re-encode) of the segments after one another,
// with the audio (decode times evened out to the largest B-frame delay, so they rise across every
// cut). A segment's key hashes everything that shapes its pixels and bits, relative to its first
// frame: the renderer's version, the preset's video settings, its length, the items on screen in
// it (clip content hash or drawer fingerprint, placement from the segment's start, fade), and the
// subtitle and label events on screen in it frame by frame (with their scripts' styles). So a
// segment that only moved along the timeline (a line before it grew) keeps its key; its position
// counts only when the preset's frame rate is not the timeline's. With a SegmentCache, a segment whose key was rendered before is reused
// as is: changing one line re-encodes only the segments the line is on screen in.
//
// Audio: the dialogue WAVs of `timeline.dialogue`, each placed at its start_sample (in
// timeline.sample_rate units) and cut to its `samples` length when that is set, resampled to
// 48 kHz when needed, mono duplicated to both channels, summed and clipped to the int16 range;
// encoded AAC-LC stereo 48 kHz at preset.audio_bitrate with FFmpeg's native "aac" encoder.
// Silence fills the rest, so audio lasts exactly as long as the video.
//
// Output: exactly timeline.frames frames (when timeline.fps equals preset.fps; otherwise the same
// duration at the preset's fps), in an MP4 with movflags +faststart (moov before mdat). Written to
// a temp file beside `out_mp4` and renamed into place only when complete; segments are written
// to temp files beside it too, and a cache only ever receives finished ones. Errors name the
// clip, WAV or subtitle file that failed. `progress`, when given, advances once per frame.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/progress.h"
#include "base/result.h"
#include "post/mix.h"
#include "post/presets.h"
#include "schema/timeline.h"

namespace rw {

struct RenderStats {
  int64_t frames = 0;
  double wall_seconds = 0;
  double fps = 0;     // frames / wall_seconds
  int64_t bytes = 0;  // size of the finished MP4
  MixStats mix;       // the audio's loudness before AAC
  int segments = 0;          // video segments in the episode
  int segments_encoded = 0;  // of which encoded by this render
  int segments_reused = 0;   // of which taken from the cache
  std::vector<std::string> segment_keys;  // the segments the episode is made of, in order
  int items = 0;             // video items on the timeline
  int items_drawn = 0;       // of which drawn by the ItemDrawers, not decoded
};

// Where finished video segments are kept between renders, by key. Find and Keep are called from
// one thread at a time.
class SegmentCache {
 public:
  virtual ~SegmentCache() = default;
  // The finished segment kept under `key` before, or an empty path.
  virtual std::filesystem::path Find(const std::string& key) = 0;
  // Takes the finished segment at `file` (a temp file the renderer removes afterward) under
  // `key`; returns where to read it from now.
  virtual Result<std::filesystem::path> Keep(const std::string& key, const std::filesystem::path& file) = 0;
  // The content hash of a clip file (empty when it is missing); a cache may know it already.
  virtual std::string HashOf(const std::filesystem::path& file);
};

// A SegmentCache in a folder: <dir>/<key>.mp4, moved in by a rename once complete, so a render
// killed mid-segment leaves at most a temp file, which is never found.
class FolderSegmentCache : public SegmentCache {
 public:
  explicit FolderSegmentCache(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path Find(const std::string& key) override;
  Result<std::filesystem::path> Keep(const std::string& key, const std::filesystem::path& file) override;

 private:
  std::filesystem::path dir_;
};

// Draws a video item's frames straight into the renderer's frames, in place of decoding its
// clip: the built-in camera moves, drawn from their stills (app/plate_drawers). Segments are
// encoded on several threads; each asks for drawers of its own.
class ItemDrawer {
 public:
  virtual ~ItemDrawer() = default;
  // The item as it shows `seconds` after its first frame (past its end: its last frame), into
  // yuv420p planes of the size the drawer was opened at.
  virtual void Draw(double seconds, uint8_t* const data[3], const int stride[3]) = 0;
};

class ItemDrawers {
 public:
  virtual ~ItemDrawers() = default;
  // What a drawer would draw for `item`, for the segment keys; empty when its clip must be
  // decoded. Called from one thread, before any Open.
  virtual std::string Fingerprint(const TimelineVideo& item) = 0;
  // A drawer for an item Fingerprint gave a value for, at width x height. Called from the
  // encoding threads at once.
  virtual Result<std::unique_ptr<ItemDrawer>> Open(const TimelineVideo& item, int width, int height) = 0;
};

// The visible AI-content label (GB 45438-2025 §5.4; EU AI Act Art. 50): text at least 5% of the
// frame's short side high, on the opening frames for `seconds` (0: the whole episode).
struct AigcLabel {
  std::string text;  // empty: none
  std::string position = "top-left";  // top-left, top-right, bottom-left, bottom-right
  double seconds = 2;
};

struct RenderOptions {
  std::vector<std::pair<std::string, std::string>> metadata;  // MP4 tags (comment, and any key as mdta items)
  std::filesystem::path mix_wav;    // the episode's finished mix (48 kHz stereo); empty: mix here from
  std::filesystem::path music_wav;  // the score under the dialogue (empty: none) and these settings
  MixSettings mix;
  AigcLabel label;
  SegmentCache* segments = nullptr;  // null: every segment is encoded (and thrown away after)
  int jobs = 0;                      // segments encoded at once; 0: one per core
  int x264_threads = 1;              // threads of each segment's encoder (0: x264's auto)
  ItemDrawers* drawers = nullptr;    // null: every item's clip is decoded
};

// The ASS script that draws `label` on a width×height frame, for an episode `seconds` long.
std::string AigcLabelScript(const AigcLabel& label, int width, int height, double seconds);

Result<RenderStats> RenderEpisode(const Timeline& timeline, const std::filesystem::path& episode_dir,
                                  const std::filesystem::path& ass_path, const RenderPreset& preset,
                                  const std::filesystem::path& out_mp4, Progress* progress, const RenderOptions& options = {});

}  // namespace rw
