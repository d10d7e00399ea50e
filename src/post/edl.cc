#include "post/edl.h"

#include <algorithm>
#include <cstdio>

#include "base/rational_time.h"
#include "base/text.h"

namespace rw {

namespace {

// A placed clip before it is given a track.
struct Placed {
  int64_t start = 0;
  int64_t end = 0;
  HandoffClip clip;
};

// Lays clips out on as few tracks as needed (one when nothing overlaps), as the OTIO writer
// does: each clip goes to the first track that is free at its start. Always returns one track.
std::vector<HandoffTrack> Lanes(std::vector<Placed> placed, HandoffRole role) {
  std::stable_sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) { return a.start < b.start; });
  std::vector<HandoffTrack> lanes(1, HandoffTrack{role, {}});
  std::vector<int64_t> lane_end(1, 0);
  for (Placed& p : placed) {
    size_t lane = 0;
    while (lane < lanes.size() && lane_end[lane] > p.start) ++lane;
    if (lane == lanes.size()) {
      lanes.push_back(HandoffTrack{role, {}});
      lane_end.push_back(0);
    }
    lanes[lane].clips.push_back(std::move(p.clip));
    lane_end[lane] = p.end;
  }
  return lanes;
}

// A stem spanning the whole episode, or nothing when there is no stem or no episode.
void AddStem(const std::string& path, const char* name, HandoffRole role, int64_t frames,
             std::vector<HandoffTrack>& audio) {
  if (path.empty() || frames <= 0) return;
  HandoffClip clip{name, path, 0, frames, frames, 2};  // the mix writes its stems in stereo
  audio.push_back(HandoffTrack{role, {std::move(clip)}});
}

}  // namespace

HandoffLayout LayOutHandoff(const Timeline& timeline, const HandoffMedia& media) {
  HandoffLayout layout;
  layout.rate = std::max(timeline.fps, 1);
  const int64_t rate = layout.rate;
  const int64_t sample_rate = std::max(timeline.sample_rate, 1);
  int64_t end = std::max<int64_t>(timeline.frames, 0);

  std::vector<Placed> video;
  for (const TimelineVideo& v : timeline.video) {
    if (v.frames <= 0) continue;
    video.push_back({v.start_frame, v.start_frame + v.frames, HandoffClip{v.shot, v.clip, v.start_frame, v.frames, v.frames, 0}});
    end = std::max(end, v.start_frame + v.frames);
  }

  std::vector<Placed> lines;
  for (const TimelineAudio& a : timeline.dialogue) {
    int64_t start = RationalTime{a.start_sample, sample_rate}.Rescaled(rate).value;
    int64_t stop = RationalTime{a.start_sample + a.samples, sample_rate}.Rescaled(rate).value;
    if (stop <= start) continue;
    int64_t available = std::max(stop - start, (a.samples * rate + sample_rate - 1) / sample_rate);  // rounded up
    lines.push_back({start, stop, HandoffClip{a.line, a.wav, start, stop - start, available, 1}});  // TTS lines are mono
    end = std::max(end, stop);
  }

  layout.frames = end;
  layout.video = Lanes(std::move(video), HandoffRole::kShots);
  layout.audio = Lanes(std::move(lines), HandoffRole::kLines);
  AddStem(media.dialogue_stem, "dialogue stem", HandoffRole::kDialogueStem, end, layout.audio);
  AddStem(media.music_stem, "music stem", HandoffRole::kMusicStem, end, layout.audio);
  layout.markers = timeline.markers;
  return layout;
}

std::string HandoffTimecode(int64_t frame, int64_t rate) {
  frame = std::max<int64_t>(frame, 0);
  rate = std::max<int64_t>(rate, 1);
  int64_t seconds = frame / rate;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60),
                static_cast<long long>(frame % rate));
  return buf;
}

std::string HandoffFileName(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string HandoffCleanText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : DecodeUtf8(text)) {
    if (c < 0x20 || c == 0x7F) c = U' ';
    if ((c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF || c > 0x10FFFF) c = 0xFFFD;
    AppendUtf8(out, c);
  }
  return out;
}

std::string HandoffTitle(const Timeline& timeline) {
  return timeline.name.empty() ? std::string("untitled") : timeline.name;
}

namespace {

std::string LocatorColor(const std::string& name) {
  if (name == "hook") return "RED";
  if (name == "conflict") return "ORANGE";
  if (name == "climax") return "PURPLE";
  if (name == "cliffhanger") return "MAGENTA";
  return "GREEN";
}

struct Event {
  HandoffClip clip;
  size_t order = 0;     // track order: V tracks first, then audio tracks
  bool video = false;
  std::string channel;  // "V", "A", "A2", "NONE"
  int aud = 0;          // audio channel for an "AUD n" line (3 and up), 0: none
  std::vector<const TimelineMarker*> markers;
};

std::vector<Event> Events(const HandoffLayout& layout) {
  std::vector<Event> events;
  size_t order = 0;
  for (const HandoffTrack& track : layout.video) {
    for (const HandoffClip& clip : track.clips) events.push_back(Event{clip, order, true, "V", 0, {}});
    ++order;
  }
  for (size_t i = 0; i < layout.audio.size(); ++i, ++order) {
    std::string channel = i == 0 ? "A" : i == 1 ? "A2" : "NONE";
    int aud = i >= 2 ? static_cast<int>(i + 1) : 0;
    for (const HandoffClip& clip : layout.audio[i].clips) events.push_back(Event{clip, order, false, channel, aud, {}});
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.clip.start != b.clip.start ? a.clip.start < b.clip.start : a.order < b.order;
  });
  return events;
}

// The event a locator line goes under (see the header), or null when there are no events.
Event* LocatorHost(std::vector<Event>& events, int64_t frame) {
  bool any_video = std::any_of(events.begin(), events.end(), [](const Event& e) { return e.video; });
  Event* first = nullptr;
  Event* before = nullptr;
  for (Event& e : events) {
    if (any_video && !e.video) continue;
    if (first == nullptr) first = &e;
    if (frame >= e.clip.start && frame < e.clip.start + e.clip.frames) return &e;
    if (e.clip.start <= frame) before = &e;
  }
  return before != nullptr ? before : first;
}

std::string Padded(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string EventNumber(size_t number) {
  std::string digits = std::to_string(number);
  if (digits.size() < 3) digits.insert(0, 3 - digits.size(), '0');
  return digits;
}

std::string LocatorLine(const TimelineMarker& marker, int64_t rate) {
  std::string comment = ToUpperAscii(HandoffCleanText(marker.name));
  if (!marker.beat.empty()) {
    comment += ' ';
    comment += ToUpperAscii(HandoffCleanText(marker.beat));
  }
  return "* LOC: " + HandoffTimecode(marker.frame, rate) + " " + Padded(LocatorColor(marker.name), 7) + " " + comment;
}

void AppendEvent(const Event& e, size_t number, int64_t rate, std::string& out) {
  const HandoffClip& c = e.clip;
  out += "\n";
  out += EventNumber(number) + "  " + Padded("AX", 8) + " " + Padded(e.channel, 5) + " C        ";
  out += HandoffTimecode(0, rate) + " " + HandoffTimecode(c.frames, rate) + " ";
  out += HandoffTimecode(c.start, rate) + " " + HandoffTimecode(c.start + c.frames, rate) + "\n";
  if (e.aud > 0) out += "AUD " + std::to_string(e.aud) + "\n";
  // Avid writes two spaces after "FROM CLIP NAME:" and the adapter matches it.
  out += "* FROM CLIP NAME:  " + HandoffCleanText(HandoffFileName(c.path)) + "\n";
  out += "* OTIO REFERENCE FROM: " + HandoffCleanText(c.path) + "\n";
  for (const TimelineMarker* m : e.markers) out += LocatorLine(*m, rate) + "\n";
}

}  // namespace

std::string WriteEdl(const Timeline& timeline, const HandoffMedia& media) {
  HandoffLayout layout = LayOutHandoff(timeline, media);
  std::vector<Event> events = Events(layout);

  std::vector<const TimelineMarker*> markers;
  for (const TimelineMarker& m : layout.markers) markers.push_back(&m);
  std::stable_sort(markers.begin(), markers.end(),
                   [](const TimelineMarker* a, const TimelineMarker* b) { return a->frame < b->frame; });
  for (const TimelineMarker* m : markers)
    if (Event* host = LocatorHost(events, m->frame)) host->markers.push_back(m);

  std::string out = "TITLE: " + HandoffCleanText(HandoffTitle(timeline)) + "\nFCM: NON-DROP FRAME\n";
  for (size_t i = 0; i < events.size(); ++i) AppendEvent(events[i], i + 1, layout.rate, out);
  return out;
}

}  // namespace rw
