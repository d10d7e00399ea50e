// XML editor hand-offs for an episode: FCPXML 1.9 (DaVinci Resolve, Final Cut Pro 10.4.9 and
// later) and Final Cut Pro 7 XML, xmeml version 5 (Premiere Pro, which does not read .fcpxml).
// Track layout, timing, clip names and what is left out are shared with the EDL and described
// in post/edl.h. Both files are UTF-8, 2-space indented, LF line endings, final newline, with
// no dates or generated ids (ids are numbered in document order), so equal timelines give
// equal bytes. Text goes through HandoffCleanText (control characters become spaces, invalid
// UTF-8 becomes U+FFFD) and is XML-escaped (& < > and " in attributes).
//
// Media URLs: the path as given (relative to the episode folder) percent-encoded byte by byte
// (everything but A-Z a-z 0-9 - . _ ~ and "/"), so "voice/林晚 1.wav" becomes
// "voice/%E6%9E%97%E6%99%9A%201.wav". Both files must therefore be written in the episode
// folder: a relative URL resolves against the document's own location. (A path starting with
// "/" is written as an absolute file URL instead.)
//
// FCPXML 1.9 — after Apple's FCPXML reference (DTD, "Story Elements", media-rep, "Associating
// Ratings, Keywords, Markers, and Metadata with Media"):
//
//   <?xml version="1.0" encoding="UTF-8"?>
//   <!DOCTYPE fcpxml>
//   <fcpxml version="1.9">
//     <resources>
//       <format id="r1" frameDuration="1/30s" width="1080" height="1920"/>
//       <asset id="r2" name="S01.mp4" start="0/30s" duration="90/30s" hasVideo="1" format="r1">
//         <media-rep kind="original-media" src="clips/S01.mp4"/>
//       </asset>
//       <asset id="r3" name="L001.wav" start="0/30s" duration="61/30s" hasAudio="1"
//              audioSources="1" audioChannels="1" audioRate="48000"> <media-rep …/> </asset>
//     </resources>
//     <library><event name="ep001"><project name="ep001">
//       <sequence format="r1" duration="300/30s" tcStart="0/30s" tcFormat="NDF"
//                 audioLayout="stereo" audioRate="48k">
//         <spine>
//           <asset-clip ref="r2" offset="0/30s" name="S01" start="0/30s" duration="90/30s"
//                       format="r1" tcFormat="NDF">
//             <asset-clip ref="r3" lane="-1" offset="15/30s" name="L001" start="0/30s"
//                         duration="60/30s" audioRole="dialogue"/>
//             <marker start="10/30s" duration="1/30s" value="hook" note="B01"/>
//           </asset-clip>
//           <gap name="Gap" offset="150/30s" start="0/30s" duration="30/30s"/>
//           …
//         </spine>
//       </sequence>
//     </project></event></library>
//   </fcpxml>
//
// - One custom format (no preset name: a vertical raster has none) carrying the frame size and
//   frameDuration 1/fps; one asset per distinct media file (first use order; name = file name,
//   duration = the longest use) with a media-rep, which FCPXML 1.9 requires in place of the
//   asset's old src attribute; its src is the relative URL above ("a relative URL based on the
//   location of the FCPXML document itself", media-rep reference).
// - Every time is a whole number of frames written "N/fps s" (e.g. "45/30s"), as times must be
//   multiples of frameDuration. The sequence starts at timecode 0 (tcStart), non-drop.
// - The primary storyline (spine) is V1: an asset-clip per shot with a gap for every hole and
//   after the last shot, so it spans the whole episode. Everything else is a connected clip
//   (asset-clip with a lane; a storyline element's anchored items and markers use its local
//   time, which starts at its start "0/30s", so a connected clip's offset is its timeline frame
//   minus the parent's offset). It hangs on the spine element under its first frame: overflow
//   shots on lanes 1, 2 … (V2 …); audio below the storyline, lane -1 for A1 (the lines,
//   audioRole "dialogue"), -2, -3 … for the following audio tracks (dialogue stem, role
//   "dialogue"; music stem, role "music").
// - Markers sit on the spine element (clip or gap) holding their frame, since a marker belongs
//   to a story element and lies in its range: start = local time of the frame, duration one
//   frame (how FCPXML writes a point marker), value = marker name, note = beat id. Frames past
//   the end go on the last frame; an episode of no length has no spine element to carry them,
//   so they are left out. FCPXML markers have no colour.
//
// FCP7 XML (xmeml v5) — after Apple's "Final Cut Pro XML Interchange Format" (elements catalog)
// and the shapes Premiere itself exports (OpenTimelineIO FCP XML adapter test data):
//
//   <?xml version="1.0" encoding="UTF-8"?>
//   <!DOCTYPE xmeml>
//   <xmeml version="5">
//     <sequence id="sequence-1" explodedTracks="true">
//       <name>ep001</name> <duration>300</duration> <rate><timebase>30</timebase><ntsc>FALSE</ntsc></rate>
//       <timecode> rate, <string>00:00:00:00</string> <frame>0</frame> <displayformat>NDF</displayformat> </timecode>
//       <media>
//         <video>
//           <format><samplecharacteristics> rate, <width>1080</width> <height>1920</height>,
//             anamorphic FALSE, pixelaspectratio square, fielddominance none </samplecharacteristics></format>
//           <track> <clipitem id="clipitem-1"> name, enabled, duration (of the file), rate,
//             <start>0</start> <end>90</end> <in>0</in> <out>90</out>,
//             <file id="file-1"> name, <pathurl>clips/S01.mp4</pathurl>, rate, duration,
//               timecode, media/video/samplecharacteristics </file> </clipitem> …
//             <enabled>TRUE</enabled> <locked>FALSE</locked> </track>
//         </video>
//         <audio>
//           <numOutputChannels>2</numOutputChannels> <format> depth 16, samplerate </format>
//           <outputs> two one-channel groups </outputs>
//           <track premiereTrackType="Mono" …> line clipitems (premiereChannelType="mono", the
//             file's media/audio with channelcount 1, <sourcetrack> audio 1) </track>
//           <track premiereTrackType="Stereo" currentExplodedTrackIndex="0" …> dialogue stem, left </track>
//           <track premiereTrackType="Stereo" currentExplodedTrackIndex="1" …> dialogue stem, right </track>
//           … the music stem the same way
//         </audio>
//       </media>
//       <marker> <name>hook</name> <comment>B01</comment> <in>10</in> <out>-1</out> </marker> …
//     </sequence>
//   </xmeml>
//
// - Frames everywhere (start/end on the timeline, in/out in the file), at timebase fps, ntsc
//   FALSE. A file is described in full where it is first used and by <file id="file-N"/> after.
// - Stereo stems follow Premiere's own form: an xmeml track is one channel, so a stereo stem is
//   two "exploded" tracks (currentExplodedTrackIndex 0/1 of totalExplodedTrackCount 2,
//   outputchannelindex 1/2) holding one clipitem each (sourcetrack channel 1 and 2) linked as a
//   pair. Premiere shows the pair as one stereo track, so its tracks read A1 lines, A2 dialogue
//   stem, A3 music stem; FCP7 and Resolve show each channel as its own track (A2/A3 dialogue
//   stem left/right, A4/A5 music stem). The premiere* attributes are Premiere's extensions;
//   other readers ignore them.
// - Sequence markers: <in> the frame, <out> -1 (a point), name = marker name, comment = beat.
#pragma once

#include <string>

#include "post/edl.h"
#include "schema/timeline.h"

namespace rw {

std::string WriteFcpxml(const Timeline& timeline, const HandoffMedia& media);   // FCPXML 1.9
std::string WriteFcp7Xml(const Timeline& timeline, const HandoffMedia& media);  // FCP7 XML / xmeml v5

}  // namespace rw
