#include "post/fcpxml.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

namespace rw {

namespace {

// --- A small XML writer: elements on their own lines, 2-space indent. ------------------------

using Attrs = std::vector<std::pair<std::string, std::string>>;

std::string Escape(std::string_view text, bool attribute) {
  std::string clean = HandoffCleanText(text);  // no control characters left, so no &#10; needed
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"':
        if (attribute) {
          out += "&quot;";
          break;
        }
        [[fallthrough]];
      default: out += c;
    }
  }
  return out;
}

class Xml {
 public:
  explicit Xml(std::string_view doctype) {
    out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE ";
    out_ += doctype;
    out_ += ">\n";
  }
  void Open(const std::string& name, const Attrs& attrs = {}) {
    Tag(name, attrs, ">\n");
    stack_.push_back(name);
  }
  void Close() {
    Indent(stack_.size() - 1);
    out_ += "</" + stack_.back() + ">\n";
    stack_.pop_back();
  }
  void Empty(const std::string& name, const Attrs& attrs = {}) { Tag(name, attrs, "/>\n"); }
  void Leaf(const std::string& name, std::string_view text) {
    Indent(stack_.size());
    out_ += "<" + name + ">" + Escape(text, false) + "</" + name + ">\n";
  }
  void Leaf(const std::string& name, int64_t value) { Leaf(name, std::to_string(value)); }
  std::string Finish() { return std::move(out_); }

 private:
  void Indent(size_t depth) { out_.append(2 * depth, ' '); }
  void Tag(const std::string& name, const Attrs& attrs, const char* end) {
    Indent(stack_.size());
    out_ += "<" + name;
    for (const auto& [key, value] : attrs) out_ += " " + key + "=\"" + Escape(value, true) + "\"";
    out_ += end;
  }
  std::string out_;
  std::vector<std::string> stack_;
};

// Percent-encodes a path byte by byte, keeping RFC 3986 unreserved characters and "/". A
// relative path stays a relative URL; an absolute one gets `absolute_prefix` ("file://").
std::string MediaUrl(std::string_view path, std::string_view absolute_prefix) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  if (!path.empty() && path.front() == '/') out += absolute_prefix;
  for (char ch : path) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                c == '_' || c == '~' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

// --- FCPXML ---------------------------------------------------------------------------------

struct Asset {
  std::string id;
  std::string path;
  int64_t frames = 0;  // the longest use
  bool video = false;
  int channels = 0;
};

// One asset per distinct path, in first-use order (video tracks, then audio tracks).
std::vector<Asset> Assets(const HandoffLayout& layout, std::map<std::string, size_t>& index) {
  std::vector<Asset> assets;
  auto add = [&](const HandoffClip& clip, bool video) {
    auto [it, inserted] = index.emplace(clip.path, assets.size());
    if (inserted) assets.push_back(Asset{"r" + std::to_string(assets.size() + 2), clip.path, 0, false, 0});
    Asset& a = assets[it->second];
    a.frames = std::max(a.frames, clip.available);
    a.video = a.video || video;
    a.channels = std::max(a.channels, clip.channels);
  };
  for (const HandoffTrack& t : layout.video)
    for (const HandoffClip& c : t.clips) add(c, true);
  for (const HandoffTrack& t : layout.audio)
    for (const HandoffClip& c : t.clips) add(c, false);
  return assets;
}

// An element of the primary storyline: a V1 shot, or a gap.
struct SpineItem {
  const HandoffClip* clip = nullptr;  // null: gap
  int64_t offset = 0;
  int64_t frames = 0;
  std::vector<std::pair<const HandoffClip*, int>> connected;  // with their lanes
  std::vector<const TimelineMarker*> markers;
};

std::vector<SpineItem> Spine(const HandoffLayout& layout) {
  std::vector<SpineItem> spine;
  int64_t at = 0;
  for (const HandoffClip& c : layout.video.front().clips) {
    if (c.start > at) spine.push_back(SpineItem{nullptr, at, c.start - at, {}, {}});
    spine.push_back(SpineItem{&c, c.start, c.frames, {}, {}});
    at = c.start + c.frames;
  }
  if (layout.frames > at) spine.push_back(SpineItem{nullptr, at, layout.frames - at, {}, {}});
  return spine;
}

// The spine element holding `frame` (clamped into the storyline), or null for an empty spine.
SpineItem* Holder(std::vector<SpineItem>& spine, int64_t frame) {
  if (spine.empty()) return nullptr;
  frame = std::clamp<int64_t>(frame, 0, spine.back().offset + spine.back().frames - 1);
  for (SpineItem& item : spine)
    if (frame < item.offset + item.frames) return &item;
  return &spine.back();
}

std::string AudioRole(HandoffRole role) { return role == HandoffRole::kMusicStem ? "music" : "dialogue"; }

class FcpxmlWriter {
 public:
  explicit FcpxmlWriter(const Timeline& timeline, const HandoffMedia& media)
      : timeline_(timeline), layout_(LayOutHandoff(timeline, media)), xml_("fcpxml") {}

  std::string Write() {
    assets_ = Assets(layout_, asset_index_);
    spine_ = Spine(layout_);
    Connect();
    xml_.Open("fcpxml", {{"version", "1.9"}});
    Resources();
    std::string name = HandoffTitle(timeline_);
    xml_.Open("library");
    xml_.Open("event", {{"name", name}});
    xml_.Open("project", {{"name", name}});
    Sequence();
    xml_.Close();
    xml_.Close();
    xml_.Close();
    xml_.Close();
    return xml_.Finish();
  }

 private:
  std::string Time(int64_t frames) const { return std::to_string(frames) + "/" + std::to_string(layout_.rate) + "s"; }

  // Hangs every clip off V1 and the markers on the spine elements.
  void Connect() {
    for (size_t lane = 1; lane < layout_.video.size(); ++lane)
      for (const HandoffClip& c : layout_.video[lane].clips)
        if (SpineItem* holder = Holder(spine_, c.start)) holder->connected.emplace_back(&c, static_cast<int>(lane));
    for (size_t track = 0; track < layout_.audio.size(); ++track)
      for (const HandoffClip& c : layout_.audio[track].clips)
        if (SpineItem* holder = Holder(spine_, c.start))
          holder->connected.emplace_back(&c, -static_cast<int>(track + 1));
    for (const TimelineMarker& m : layout_.markers)
      if (SpineItem* holder = Holder(spine_, m.frame)) holder->markers.push_back(&m);
  }

  void Resources() {
    xml_.Open("resources");
    xml_.Empty("format", {{"id", "r1"},
                          {"frameDuration", Time(1)},
                          {"width", std::to_string(timeline_.width)},
                          {"height", std::to_string(timeline_.height)}});
    for (const Asset& a : assets_) {
      Attrs attrs{{"id", a.id}, {"name", HandoffFileName(a.path)}, {"start", Time(0)}, {"duration", Time(a.frames)}};
      if (a.video) {
        attrs.emplace_back("hasVideo", "1");
        attrs.emplace_back("format", "r1");
      }
      if (a.channels > 0) {
        attrs.emplace_back("hasAudio", "1");
        attrs.emplace_back("audioSources", "1");
        attrs.emplace_back("audioChannels", std::to_string(a.channels));
        attrs.emplace_back("audioRate", std::to_string(timeline_.sample_rate));
      }
      xml_.Open("asset", attrs);
      xml_.Empty("media-rep", {{"kind", "original-media"}, {"src", MediaUrl(a.path, "file://")}});
      xml_.Close();
    }
    xml_.Close();
  }

  void Sequence() {
    Attrs attrs{{"format", "r1"}, {"duration", Time(layout_.frames)}, {"tcStart", Time(0)}, {"tcFormat", "NDF"},
                {"audioLayout", "stereo"}};
    if (std::string rate = SequenceAudioRate(); !rate.empty()) attrs.emplace_back("audioRate", rate);
    xml_.Open("sequence", attrs);
    xml_.Open("spine");
    for (const SpineItem& item : spine_) SpineElement(item);
    xml_.Close();
    xml_.Close();
  }

  // The DTD's audioHz values; other rates leave the attribute out.
  std::string SequenceAudioRate() const {
    static const std::pair<int, const char*> kRates[] = {{32000, "32k"},   {44100, "44.1k"},   {48000, "48k"},
                                                         {88200, "88.2k"}, {96000, "96k"},     {176400, "176.4k"},
                                                         {192000, "192k"}};
    for (const auto& [hz, name] : kRates)
      if (timeline_.sample_rate == hz) return name;
    return "";
  }

  const std::string& AssetId(const HandoffClip& clip) const { return assets_[asset_index_.at(clip.path)].id; }

  void SpineElement(const SpineItem& item) {
    Attrs attrs;
    std::string element = item.clip != nullptr ? "asset-clip" : "gap";
    if (item.clip != nullptr) {
      attrs = {{"ref", AssetId(*item.clip)}, {"offset", Time(item.offset)}, {"name", item.clip->name},
               {"start", Time(0)},           {"duration", Time(item.frames)}, {"format", "r1"},
               {"tcFormat", "NDF"}};
    } else {
      attrs = {{"name", "Gap"}, {"offset", Time(item.offset)}, {"start", Time(0)}, {"duration", Time(item.frames)}};
    }
    if (item.connected.empty() && item.markers.empty()) {
      xml_.Empty(element, attrs);
      return;
    }
    xml_.Open(element, attrs);
    // The DTD's order: anchored items, then markers.
    for (const auto& [clip, lane] : item.connected) Connected(*clip, lane, item.offset);
    for (const TimelineMarker* m : item.markers) Marker(*m, item);
    xml_.Close();
  }

  void Connected(const HandoffClip& clip, int lane, int64_t parent_offset) {
    Attrs attrs{{"ref", AssetId(clip)},
                {"lane", std::to_string(lane)},
                {"offset", Time(clip.start - parent_offset)},
                {"name", clip.name},
                {"start", Time(0)},
                {"duration", Time(clip.frames)}};
    if (lane > 0) {
      attrs.emplace_back("format", "r1");
      attrs.emplace_back("tcFormat", "NDF");
    } else {
      attrs.emplace_back("audioRole", AudioRole(layout_.audio[static_cast<size_t>(-lane - 1)].role));
    }
    xml_.Empty("asset-clip", attrs);
  }

  void Marker(const TimelineMarker& m, const SpineItem& item) {
    int64_t frame = std::clamp<int64_t>(m.frame, item.offset, item.offset + item.frames - 1);
    Attrs attrs{{"start", Time(frame - item.offset)}, {"duration", Time(1)}, {"value", m.name}};
    if (!m.beat.empty()) attrs.emplace_back("note", m.beat);
    xml_.Empty("marker", attrs);
  }

  const Timeline& timeline_;
  HandoffLayout layout_;
  Xml xml_;
  std::vector<Asset> assets_;
  std::map<std::string, size_t> asset_index_;
  std::vector<SpineItem> spine_;
};

// --- FCP7 XML -------------------------------------------------------------------------------

class Fcp7Writer {
 public:
  Fcp7Writer(const Timeline& timeline, const HandoffMedia& media)
      : timeline_(timeline), layout_(LayOutHandoff(timeline, media)), xml_("xmeml") {}

  std::string Write() {
    xml_.Open("xmeml", {{"version", "5"}});
    xml_.Open("sequence", {{"id", "sequence-1"}, {"explodedTracks", "true"}});
    xml_.Leaf("name", HandoffTitle(timeline_));
    xml_.Leaf("duration", layout_.frames);
    Rate();
    Timecode();
    xml_.Open("media");
    Video();
    Audio();
    xml_.Close();
    for (const TimelineMarker& m : layout_.markers) Marker(m);
    xml_.Close();
    xml_.Close();
    return xml_.Finish();
  }

 private:
  void Rate() {
    xml_.Open("rate");
    xml_.Leaf("timebase", layout_.rate);
    xml_.Leaf("ntsc", "FALSE");
    xml_.Close();
  }

  void Timecode() {
    xml_.Open("timecode");
    Rate();
    xml_.Leaf("string", HandoffTimecode(0, layout_.rate));
    xml_.Leaf("frame", 0);
    xml_.Leaf("displayformat", "NDF");
    xml_.Close();
  }

  void VideoCharacteristics() {
    xml_.Open("samplecharacteristics");
    Rate();
    xml_.Leaf("width", timeline_.width);
    xml_.Leaf("height", timeline_.height);
    xml_.Leaf("anamorphic", "FALSE");
    xml_.Leaf("pixelaspectratio", "square");
    xml_.Leaf("fielddominance", "none");
    xml_.Close();
  }

  void AudioCharacteristics() {
    xml_.Open("samplecharacteristics");
    xml_.Leaf("depth", 16);
    xml_.Leaf("samplerate", timeline_.sample_rate);
    xml_.Close();
  }

  void Video() {
    xml_.Open("video");
    xml_.Open("format");
    VideoCharacteristics();
    xml_.Close();
    for (const HandoffTrack& track : layout_.video) {
      xml_.Open("track");
      for (const HandoffClip& c : track.clips) {
        xml_.Open("clipitem", {{"id", NextClipId()}});
        ClipTiming(c);
        File(c, /*video=*/true);
        xml_.Close();
      }
      TrackEnd();
      xml_.Close();
    }
    xml_.Close();
  }

  // One xmeml track per audio channel: mono tracks for the lines, an exploded pair per stereo stem.
  struct AudioTrack {
    const HandoffTrack* track = nullptr;
    int channel = 0;  // 0: mono; 1 or 2: the left or right of a stereo pair
  };

  void Audio() {
    std::vector<AudioTrack> tracks;
    for (const HandoffTrack& t : layout_.audio) {
      if (t.role == HandoffRole::kLines) {
        tracks.push_back({&t, 0});
      } else {
        tracks.push_back({&t, 1});
        tracks.push_back({&t, 2});
      }
    }
    // Clip ids up front, so a stereo pair's two clipitems can link to each other.
    std::vector<std::vector<std::string>> ids(tracks.size());
    for (size_t i = 0; i < tracks.size(); ++i)
      for (size_t k = 0; k < tracks[i].track->clips.size(); ++k) ids[i].push_back(NextClipId());

    xml_.Open("audio");
    xml_.Leaf("numOutputChannels", 2);
    xml_.Open("format");
    AudioCharacteristics();
    xml_.Close();
    Outputs();
    for (size_t i = 0; i < tracks.size(); ++i) {
      const AudioTrack& t = tracks[i];
      bool stereo = t.channel > 0;
      xml_.Open("track", {{"premiereTrackType", stereo ? "Stereo" : "Mono"},
                          {"currentExplodedTrackIndex", std::to_string(stereo ? t.channel - 1 : 0)},
                          {"totalExplodedTrackCount", stereo ? "2" : "1"}});
      for (size_t k = 0; k < t.track->clips.size(); ++k) {
        const HandoffClip& c = t.track->clips[k];
        xml_.Open("clipitem", {{"id", ids[i][k]}, {"premiereChannelType", stereo ? "stereo" : "mono"}});
        ClipTiming(c);
        File(c, /*video=*/false);
        xml_.Open("sourcetrack");
        xml_.Leaf("mediatype", "audio");
        xml_.Leaf("trackindex", stereo ? t.channel : 1);
        xml_.Close();
        if (stereo) {
          size_t left = t.channel == 1 ? i : i - 1;  // the pair is tracks left, left + 1
          for (size_t side = 0; side < 2; ++side) Link(ids[left + side][k], left + side + 1, k + 1);
        }
        xml_.Close();
      }
      TrackEnd();
      if (stereo) xml_.Leaf("outputchannelindex", t.channel);
      xml_.Close();
    }
    xml_.Close();
  }

  void Outputs() {
    xml_.Open("outputs");
    for (int channel = 1; channel <= 2; ++channel) {
      xml_.Open("group");
      xml_.Leaf("index", channel);
      xml_.Leaf("numchannels", 1);
      xml_.Leaf("downmix", 0);
      xml_.Open("channel");
      xml_.Leaf("index", channel);
      xml_.Close();
      xml_.Close();
    }
    xml_.Close();
  }

  void Link(const std::string& id, size_t track_index, size_t clip_index) {
    xml_.Open("link");
    xml_.Leaf("linkclipref", id);
    xml_.Leaf("mediatype", "audio");
    xml_.Leaf("trackindex", static_cast<int64_t>(track_index));
    xml_.Leaf("clipindex", static_cast<int64_t>(clip_index));
    xml_.Leaf("groupindex", 1);
    xml_.Close();
  }

  void ClipTiming(const HandoffClip& c) {
    xml_.Leaf("name", c.name);
    xml_.Leaf("enabled", "TRUE");
    xml_.Leaf("duration", c.available);
    Rate();
    xml_.Leaf("start", c.start);
    xml_.Leaf("end", c.start + c.frames);
    xml_.Leaf("in", 0);
    xml_.Leaf("out", c.frames);
  }

  void File(const HandoffClip& c, bool video) {
    auto [it, inserted] = file_ids_.emplace(c.path, "file-" + std::to_string(file_ids_.size() + 1));
    if (!inserted) {
      xml_.Empty("file", {{"id", it->second}});
      return;
    }
    xml_.Open("file", {{"id", it->second}});
    xml_.Leaf("name", HandoffFileName(c.path));
    xml_.Leaf("pathurl", MediaUrl(c.path, "file://localhost"));
    Rate();
    xml_.Leaf("duration", c.available);
    Timecode();
    xml_.Open("media");
    if (video) {
      xml_.Open("video");
      VideoCharacteristics();
      xml_.Close();
    } else {
      xml_.Open("audio");
      AudioCharacteristics();
      xml_.Leaf("channelcount", c.channels);
      xml_.Close();
    }
    xml_.Close();
    xml_.Close();
  }

  void TrackEnd() {
    xml_.Leaf("enabled", "TRUE");
    xml_.Leaf("locked", "FALSE");
  }

  void Marker(const TimelineMarker& m) {
    xml_.Open("marker");
    xml_.Leaf("name", m.name);
    xml_.Leaf("comment", m.beat);
    xml_.Leaf("in", std::max<int64_t>(m.frame, 0));
    xml_.Leaf("out", -1);
    xml_.Close();
  }

  std::string NextClipId() { return "clipitem-" + std::to_string(++clip_count_); }

  const Timeline& timeline_;
  HandoffLayout layout_;
  Xml xml_;
  std::map<std::string, std::string> file_ids_;
  int clip_count_ = 0;
};

}  // namespace

std::string WriteFcpxml(const Timeline& timeline, const HandoffMedia& media) {
  return FcpxmlWriter(timeline, media).Write();
}

std::string WriteFcp7Xml(const Timeline& timeline, const HandoffMedia& media) {
  return Fcp7Writer(timeline, media).Write();
}

}  // namespace rw
