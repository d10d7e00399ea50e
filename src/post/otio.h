// OpenTimelineIO export of an episode timeline (.otio, UTF-8 JSON), for editors that read it
// (DaVinci Resolve imports .otio; Premiere goes through FCP7 XML instead).
//
// Shape (schemas and field lists as in OpenTimelineIO's serialized schema; every object carries
// OTIO_SCHEMA, name and metadata, keys in a fixed order, 2-space indent, final newline):
//
//   Timeline.1 name=timeline.name, global_start_time = 0 (so editor timecode matches the
//     subtitle files), metadata {"reelwright": {"width", "height", "fps", "sample_rate"}}
//     (OTIO has no canvas size)
//   └ Stack.1 "tracks"
//     ├ Track.1 "V1" kind Video: one Clip.2 per TimelineVideo (name = shot id) with
//     │   ExternalReference.1 target_url = the clip path relative to the episode folder, as
//     │   given; available_range = source_range = [0, frames) (each shot's clip file is made at
//     │   its timeline length); Gap.1 where the video has holes and after the last clip up to
//     │   timeline.frames, so V1 lasts exactly timeline.frames. Markers (Marker.2) for
//     │   timeline.markers sit on V1: name = marker name, comment = beat id, zero-length range at
//     │   the marker's frame, colour hook RED, conflict ORANGE, climax PURPLE, cliffhanger
//     │   MAGENTA, anything else GREEN.
//     └ Track.1 "A1" kind Audio: one Clip.2 per dialogue line (name = line id, target_url = the
//         wav path) with Gap.1 between lines, also filled up to timeline.frames.
//
// Time: every RationalTime is at rate = timeline.fps, audio included, because editors place
// clips on frames and Resolve's importer expects the timeline rate. A line's start and end
// sample positions are each rounded to the nearest frame, so back-to-back lines stay
// back-to-back; its available_range is its length rounded up, so the used range always lies
// inside it. The exact samples are kept in the clip's metadata {"reelwright": {"line",
// "start_sample", "samples", "sample_rate"}}; video clips carry {"reelwright": {"shot"}}.
//
// Clips are expected not to overlap within a kind; if some do, the later one goes to the next
// track of that kind (V2, A2, …), so nothing is lost.
#pragma once

#include <string>

#include "schema/timeline.h"

namespace rw {

std::string WriteOtio(const Timeline& timeline);

}  // namespace rw
