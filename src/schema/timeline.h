// timeline.json: everything the renderer needs, in exact frame and sample positions
// (schema Timeline.1). It is also exported as OpenTimelineIO.
#pragma once

#include <string>
#include <vector>

#include "schema/fields.h"

namespace rw {

struct TimelineVideo {
  std::string shot;  // shot id
  std::string clip;  // path relative to the episode folder
  int64_t start_frame = 0;
  int64_t frames = 0;
  // The item's first fade_in_frames frames cross-fade from what is under them (the item before,
  // which then overlaps this one by at least as many frames, or black). 0: a cut.
  int64_t fade_in_frames = 0;
  template <class V> void Fields(V& v) {
    v("shot", shot); v("clip", clip); v("start_frame", start_frame); v("frames", frames);
    v("fade_in_frames", fade_in_frames);
  }
};

struct TimelineAudio {
  std::string line;  // line id
  std::string wav;   // path relative to the episode folder
  int64_t start_sample = 0;
  int64_t samples = 0;
  template <class V> void Fields(V& v) {
    v("line", line); v("wav", wav); v("start_sample", start_sample); v("samples", samples);
  }
};

struct TimelineCue {
  std::string line;
  std::string character;  // name as spoken
  std::string text;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  template <class V> void Fields(V& v) {
    v("line", line); v("character", character); v("text", text); v("start_ms", start_ms); v("end_ms", end_ms);
  }
};

struct TimelineMarker {
  std::string name;  // hook, conflict, climax, cliffhanger, or a satisfaction point
  std::string beat;
  int64_t frame = 0;
  template <class V> void Fields(V& v) { v("name", name); v("beat", beat); v("frame", frame); }
};

struct Timeline {
  static constexpr char kSchema[] = "Timeline.1";
  std::string name;  // ep001
  int width = 1080;
  int height = 1920;
  int fps = 30;
  int sample_rate = 48000;
  int64_t frames = 0;  // total length
  std::vector<TimelineVideo> video;
  std::vector<TimelineAudio> dialogue;
  std::vector<TimelineCue> cues;
  std::vector<TimelineMarker> markers;
  template <class V> void Fields(V& v) {
    v("name", name); v("width", width); v("height", height); v("fps", fps); v("sample_rate", sample_rate);
    v("frames", frames); v("video", video); v("dialogue", dialogue); v("cues", cues); v("markers", markers);
  }
  double Seconds() const { return fps > 0 ? static_cast<double>(frames) / fps : 0; }
};

}  // namespace rw
