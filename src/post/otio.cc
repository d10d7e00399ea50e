#include "post/otio.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/rational_time.h"

namespace rw {

namespace {

using Json = nlohmann::ordered_json;

Json Time(int64_t value, int64_t rate) {
  return Json{
      {"OTIO_SCHEMA", "RationalTime.1"}, {"rate", static_cast<double>(rate)}, {"value", static_cast<double>(value)}};
}

Json Range(int64_t start, int64_t duration, int64_t rate) {
  return Json{{"OTIO_SCHEMA", "TimeRange.1"}, {"start_time", Time(start, rate)}, {"duration", Time(duration, rate)}};
}

Json Gap(int64_t frames, int64_t rate) {
  return Json{{"OTIO_SCHEMA", "Gap.1"},
              {"name", ""},
              {"metadata", Json::object()},
              {"enabled", true},
              {"source_range", Range(0, frames, rate)},
              {"effects", Json::array()},
              {"markers", Json::array()}};
}

Json ExternalReference(const std::string& path, int64_t available_frames, int64_t rate) {
  return Json{{"OTIO_SCHEMA", "ExternalReference.1"},
              {"name", std::filesystem::path(path).filename().string()},
              {"metadata", Json::object()},
              {"target_url", path},
              {"available_range", Range(0, available_frames, rate)},
              {"available_image_bounds", nullptr}};
}

Json Clip(const std::string& name, Json metadata, int64_t frames, Json reference, int64_t rate) {
  return Json{{"OTIO_SCHEMA", "Clip.2"},
              {"name", name},
              {"metadata", std::move(metadata)},
              {"enabled", true},
              {"source_range", Range(0, frames, rate)},
              {"effects", Json::array()},
              {"markers", Json::array()},
              {"media_references", Json{{"DEFAULT_MEDIA", std::move(reference)}}},
              {"active_media_reference_key", "DEFAULT_MEDIA"}};
}

Json Track(const std::string& name, const std::string& kind, Json markers, Json children) {
  return Json{{"OTIO_SCHEMA", "Track.1"},
              {"name", name},
              {"metadata", Json::object()},
              {"enabled", true},
              {"source_range", nullptr},
              {"effects", Json::array()},
              {"markers", std::move(markers)},
              {"children", std::move(children)},
              {"kind", kind}};
}

std::string MarkerColor(const std::string& name) {
  if (name == "hook") return "RED";
  if (name == "conflict") return "ORANGE";
  if (name == "climax") return "PURPLE";
  if (name == "cliffhanger") return "MAGENTA";
  return "GREEN";
}

Json Marker(const TimelineMarker& marker, int64_t rate) {
  return Json{{"OTIO_SCHEMA", "Marker.2"},
              {"name", marker.name},
              {"metadata", Json::object()},
              {"color", MarkerColor(marker.name)},
              {"marked_range", Range(marker.frame, 0, rate)},
              {"comment", marker.beat}};
}

// A clip placed on the timeline: [start, end) in frames.
struct Placed {
  int64_t start = 0;
  int64_t end = 0;
  Json clip;
};

// Lays clips out on as few tracks as needed (one when nothing overlaps), with gaps between
// them and after the last one up to `total_frames`.
std::vector<Json> Lanes(std::vector<Placed> placed, int64_t total_frames, int64_t rate) {
  std::stable_sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) { return a.start < b.start; });
  std::vector<Json> lanes(1, Json::array());
  std::vector<int64_t> lane_end(1, 0);
  for (Placed& p : placed) {
    size_t lane = 0;
    while (lane < lanes.size() && lane_end[lane] > p.start) ++lane;
    if (lane == lanes.size()) {
      lanes.push_back(Json::array());
      lane_end.push_back(0);
    }
    if (p.start > lane_end[lane]) lanes[lane].push_back(Gap(p.start - lane_end[lane], rate));
    lanes[lane].push_back(std::move(p.clip));
    lane_end[lane] = p.end;
  }
  for (size_t lane = 0; lane < lanes.size(); ++lane)
    if (total_frames > lane_end[lane]) lanes[lane].push_back(Gap(total_frames - lane_end[lane], rate));
  return lanes;
}

// "V1", "A2", …: built by appending, which also sidesteps a GCC 12 -Wrestrict false positive
// on `"V" + std::to_string(n)`.
std::string TrackName(char kind, size_t index) {
  std::string name(1, kind);
  name += std::to_string(index + 1);
  return name;
}

}  // namespace

std::string WriteOtio(const Timeline& timeline) {
  const int64_t rate = std::max(timeline.fps, 1);
  const int64_t sample_rate = std::max(timeline.sample_rate, 1);

  std::vector<Placed> video;
  for (const TimelineVideo& v : timeline.video) {
    Json metadata{{"reelwright", Json{{"shot", v.shot}}}};
    Json reference = ExternalReference(v.clip, v.frames, rate);
    video.push_back({v.start_frame, v.start_frame + v.frames,
                     Clip(v.shot, std::move(metadata), v.frames, std::move(reference), rate)});
  }

  std::vector<Placed> audio;
  for (const TimelineAudio& a : timeline.dialogue) {
    int64_t start = RationalTime{a.start_sample, sample_rate}.Rescaled(rate).value;
    int64_t end = RationalTime{a.start_sample + a.samples, sample_rate}.Rescaled(rate).value;
    int64_t available = (a.samples * rate + sample_rate - 1) / sample_rate;  // rounded up
    Json metadata{{"reelwright", Json{{"line", a.line},
                                      {"start_sample", a.start_sample},
                                      {"samples", a.samples},
                                      {"sample_rate", timeline.sample_rate}}}};
    Json reference = ExternalReference(a.wav, available, rate);
    audio.push_back({start, end, Clip(a.line, std::move(metadata), end - start, std::move(reference), rate)});
  }

  Json markers = Json::array();
  for (const TimelineMarker& m : timeline.markers) markers.push_back(Marker(m, rate));

  Json children = Json::array();
  std::vector<Json> video_lanes = Lanes(std::move(video), timeline.frames, rate);
  for (size_t i = 0; i < video_lanes.size(); ++i)
    children.push_back(
        Track(TrackName('V', i), "Video", i == 0 ? std::move(markers) : Json::array(), std::move(video_lanes[i])));
  std::vector<Json> audio_lanes = Lanes(std::move(audio), timeline.frames, rate);
  for (size_t i = 0; i < audio_lanes.size(); ++i)
    children.push_back(Track(TrackName('A', i), "Audio", Json::array(), std::move(audio_lanes[i])));

  Json stack{{"OTIO_SCHEMA", "Stack.1"},   {"name", "tracks"},
             {"metadata", Json::object()}, {"enabled", true},
             {"source_range", nullptr},    {"effects", Json::array()},
             {"markers", Json::array()},   {"children", std::move(children)}};
  Json metadata{{"reelwright", Json{{"width", timeline.width},
                                    {"height", timeline.height},
                                    {"fps", timeline.fps},
                                    {"sample_rate", timeline.sample_rate}}}};
  Json root{{"OTIO_SCHEMA", "Timeline.1"},
            {"name", timeline.name},
            {"metadata", std::move(metadata)},
            {"global_start_time", Time(0, rate)},
            {"tracks", std::move(stack)}};
  // Invalid UTF-8 in a name becomes U+FFFD instead of an exception.
  return root.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace rw
