#include "post/timeline_builder.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace rw {

Timeline BuildTimeline(const std::string& name, const Shots& shots, const VoiceTrack& voice, const Beats& beats,
                       const Bible& bible, const FormatSettings& format, double lead_seconds) {
  Timeline tl;
  tl.name = name;
  tl.width = format.width;
  tl.height = format.height;
  tl.fps = format.fps;
  tl.sample_rate = voice.sample_rate;

  std::map<std::string, const VoiceLine*> lines;
  for (const auto& l : voice.lines) lines[l.id] = &l;
  std::map<std::string, const Beat*> beat_by_id;
  for (const auto& b : beats.beats) beat_by_id[b.id] = &b;

  int64_t frame = 0;
  std::string last_beat;
  for (const auto& shot : shots.shots) {
    int64_t frames = std::max<int64_t>(1, std::llround(shot.duration_s * format.fps));
    tl.video.push_back({shot.id, "clips/" + shot.id + ".mp4", frame, frames});

    int64_t line_start = static_cast<int64_t>(frame) * voice.sample_rate / format.fps +
                         std::llround(lead_seconds * voice.sample_rate);
    for (const auto& id : shot.lines) {
      auto it = lines.find(id);
      if (it == lines.end()) continue;
      const VoiceLine& l = *it->second;
      tl.dialogue.push_back({l.id, l.wav, line_start, l.samples});
      const Character* c = bible.FindCharacter(l.character);
      int64_t start_ms = line_start * 1000 / voice.sample_rate;
      int64_t end_ms = (line_start + l.samples) * 1000 / voice.sample_rate;
      tl.cues.push_back({l.id, c ? c->name : l.character, l.text, start_ms, std::max(end_ms, start_ms + 800)});
      line_start += l.samples;
    }

    if (shot.beat != last_beat) {
      last_beat = shot.beat;
      auto b = beat_by_id.find(shot.beat);
      if (b != beat_by_id.end()) {
        const Beat& beat = *b->second;
        switch (beat.function) {
          case BeatFunction::kHook:
          case BeatFunction::kConflict:
          case BeatFunction::kClimax:
          case BeatFunction::kCliffhanger:
            tl.markers.push_back({EnumName(beat.function), beat.id, frame});
            break;
          default:
            break;
        }
        if (!beat.satisfaction.empty()) tl.markers.push_back({"satisfaction: " + beat.satisfaction, beat.id, frame});
      }
    }
    frame += frames;
  }
  tl.frames = frame;
  // A cue never runs into the next one.
  for (size_t i = 0; i + 1 < tl.cues.size(); ++i)
    tl.cues[i].end_ms = std::min(tl.cues[i].end_ms, tl.cues[i + 1].start_ms - 1);
  int64_t total_ms = tl.frames * 1000 / tl.fps;
  if (!tl.cues.empty()) tl.cues.back().end_ms = std::min(tl.cues.back().end_ms, total_ms);
  return tl;
}

}  // namespace rw
