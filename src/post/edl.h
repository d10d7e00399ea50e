// Editor hand-off files for an episode: a CMX 3600 EDL (here) and FCPXML / FCP7 XML
// (post/fcpxml.h), written beside timeline.otio (post/otio.h) in the episode folder and
// following the same conventions: names are shot and line ids, media paths are relative to the
// episode folder as the timeline gives them, timecode starts at 00:00:00:00 at timeline.fps,
// non-drop frame, and a dialogue line's start and end sample positions are each rounded to the
// nearest frame (RationalTime::Rescaled), so back-to-back lines stay back-to-back.
//
// Tracks (all three formats): V1 the shot clips; A1 the dialogue lines; then the episode's
// rendered stems when HandoffMedia names them, each on its own track from frame 0 for the
// episode's length: the dialogue stem on A2, the music stem on A3 (the next free audio tracks).
// As in the OTIO writer, clips that overlap within a kind go to extra tracks of that kind
// (shots to V2 …, lines to A2 …, pushing the stems up) so nothing is lost. Clips with no length
// (frames <= 0, or a line shorter than half a frame) are left out: editors reject them. The
// episode length is timeline.frames, or the end of the last clip if one runs past it.
//
// CMX 3600 EDL (UTF-8 text, LF line endings, final newline), after the layout of the
// OpenTimelineIO CMX 3600 adapter's writer (otio-cmx3600-adapter, cmx_3600_writer.py):
//
//   TITLE: ep001
//   FCM: NON-DROP FRAME
//
//   001  AX       V     C        00:00:00:00 00:00:03:00 00:00:00:00 00:00:03:00
//   * FROM CLIP NAME:  S01.mp4
//   * OTIO REFERENCE FROM: clips/S01.mp4
//   * LOC: 00:00:00:15 RED     HOOK B01
//
//   002  AX       A     C        00:00:00:00 00:00:02:00 00:00:00:15 00:00:02:15
//   * FROM CLIP NAME:  L001.wav
//   * OTIO REFERENCE FROM: voice/L001.wav
//
// - One event per clip, numbered 001 … (more than 999 events widen the number), in record order
//   ("A mode": by record in, then V before A1 before A2 …), a blank line before each. Every
//   event is a cut: source in 00:00:00:00 (each file is made at its timeline length), source
//   out its length, record in/out its place on the timeline.
// - Reel "AX" (the auxiliary-source reel, as Premiere and the adapter's "premiere" style write;
//   reel names are limited to 8 characters, file names are not), so the media is named by the
//   "* FROM CLIP NAME:" comment line with the file name, which is what Resolve and Premiere
//   match media pool clips by. The adapter's Avid style adds "* FROM CLIP: <path>", but its
//   notes say Premiere then names clips UNKNOWN; so the relative path goes in the comment its
//   premiere style uses instead, "* OTIO REFERENCE FROM: <path>", which OTIO's EDL reader
//   takes as the clip's media reference and other readers ignore as a note.
// - Channels: V; A1 "A", A2 "A2"; CMX 3600 has no A3/A4 channel codes, so A3 and up are written
//   as channel "NONE" followed by an "AUD 3" (4, …) line, the CMX form for audio channels 3 and
//   4 (e.g. the CMX EDL description in the Pyramix user manual). EDLs have no frame size.
// - Markers as locator comments "* LOC: <record timecode> <colour padded to 7> <NAME BEAT>"
//   (the Avid locator form the adapter reads and writes; upper-case like its writer). The
//   timecode is the record timecode of the marker's frame (Avid's EDL locators are in record
//   time, OpenTimelineIO issues #169 and #345), so which event carries the line only matters
//   to readers that hang locators on clips: it goes under the V event whose record range holds
//   the frame, else the last V event before it, else the first V event (audio events when there
//   is no video). With no events at all there is nothing to hang them on and they are left out.
//   Colours as in the OTIO export: hook RED, conflict ORANGE, climax PURPLE, cliffhanger
//   MAGENTA, anything else GREEN.
// - Text is made safe for a line-based format: invalid UTF-8 becomes U+FFFD and control
//   characters become spaces. An episode with no name is titled "untitled".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schema/timeline.h"

namespace rw {

// Media the hand-off files point at besides the shot clips and the dialogue lines: the
// episode's rendered audio stems, paths relative to the episode folder (e.g.
// "stems/dialogue.wav"); empty: none.
struct HandoffMedia {
  std::string dialogue_stem, music_stem;
};

std::string WriteEdl(const Timeline& timeline, const HandoffMedia& media);  // CMX 3600

// --- Shared by the hand-off writers (edl.cc, fcpxml.cc) ---------------------------------------

// A clip on an editor track, in frames at the timeline rate.
struct HandoffClip {
  std::string name;       // shot id, line id, "dialogue stem", "music stem"
  std::string path;       // relative to the episode folder, as given
  int64_t start = 0;      // first frame on the timeline
  int64_t frames = 0;     // length on the timeline (> 0)
  int64_t available = 0;  // length of the media file, >= frames (a line's samples rounded up)
  int channels = 0;       // audio channels of the file as Reelwright writes it; 0 for video
};

enum class HandoffRole { kShots, kLines, kDialogueStem, kMusicStem };

struct HandoffTrack {
  HandoffRole role = HandoffRole::kShots;
  std::vector<HandoffClip> clips;  // sorted by start, not overlapping
};

struct HandoffLayout {
  int64_t rate = 30;                       // timeline.fps (at least 1)
  int64_t frames = 0;                      // episode length, covering every clip
  std::vector<HandoffTrack> video;         // V1, V2 … (V1 exists, maybe empty)
  std::vector<HandoffTrack> audio;         // A1 lines (maybe empty), A2 … overflow lines, then stems
  std::vector<TimelineMarker> markers;     // as given
};

HandoffLayout LayOutHandoff(const Timeline& timeline, const HandoffMedia& media);

// "HH:MM:SS:FF" non-drop at `rate` frames per second (negative frames clamp to 0).
std::string HandoffTimecode(int64_t frame, int64_t rate);
// The file name part of a path ("clips/S01.mp4" -> "S01.mp4").
std::string HandoffFileName(std::string_view path);
// Valid UTF-8 (invalid bytes, surrogates and U+FFFE/U+FFFF become U+FFFD) with control
// characters (tab and newlines included) replaced by spaces.
std::string HandoffCleanText(std::string_view text);
// timeline.name, or "untitled" when it is empty.
std::string HandoffTitle(const Timeline& timeline);

}  // namespace rw
