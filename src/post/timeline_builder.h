// Assembles an episode's timeline from its shot list and measured voice: every shot's clip at
// an exact frame, every line's WAV at an exact sample, a subtitle cue per line, and markers at
// the beats the rhythm template watches (hook, conflict, climax, cliffhanger) and at every
// satisfaction point.
#pragma once

#include <string>

#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/settings.h"
#include "schema/shots.h"
#include "schema/timeline.h"
#include "schema/voice_track.h"

namespace rw {

// `lead_seconds`: where in its shot a line starts.
Timeline BuildTimeline(const std::string& name, const Shots& shots, const VoiceTrack& voice, const Beats& beats,
                       const Bible& bible, const FormatSettings& format, double lead_seconds);

}  // namespace rw
