#include "post/inspect.h"

#include <cstdio>
#include <system_error>

#include "post/ff_util.h"

namespace rw {

Result<MediaInspection> InspectMedia(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return BadInput(file.string(), "no such file");
  AVFormatContext* raw = nullptr;
  if (int rc = avformat_open_input(&raw, file.c_str(), nullptr, nullptr); rc < 0)
    return ff::AvError(rc, "cannot open as a media file", file.string());
  ff::InputFormatPtr input(raw);
  if (int rc = avformat_find_stream_info(input.get(), nullptr); rc < 0)
    return ff::AvError(rc, "cannot read the streams", file.string());

  MediaInspection out;
  out.file = file.string();
  if (input->duration > 0) out.seconds = static_cast<double>(input->duration) / AV_TIME_BASE;
  for (unsigned i = 0; i < input->nb_streams; ++i) {
    const AVStream* s = input->streams[i];
    const AVCodecDescriptor* codec = avcodec_descriptor_get(s->codecpar->codec_id);
    std::string name = codec ? codec->name : "unknown";
    if (s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && out.video_codec.empty()) {
      out.video_codec = name;
      out.width = s->codecpar->width;
      out.height = s->codecpar->height;
      if (s->avg_frame_rate.den > 0) out.fps = av_q2d(s->avg_frame_rate);
    } else if (s->codecpar->codec_type == AVMEDIA_TYPE_AUDIO && out.audio_codec.empty()) {
      out.audio_codec = name;
    }
  }
  const AVDictionaryEntry* tag = nullptr;
  while ((tag = av_dict_get(input->metadata, "", tag, AV_DICT_IGNORE_SUFFIX))) out.tags[tag->key] = tag->value;

  auto found = out.tags.find("AIGC");
  if (found == out.tags.end()) {
    out.aigc_problem = "no AIGC tag: the file carries no implicit AI-content label";
    return out;
  }
  nlohmann::json j = nlohmann::json::parse(found->second, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("AIGC") || !j["AIGC"].is_object()) {
    out.aigc_problem = "the AIGC tag is not the JSON object {\"AIGC\": {…}} GB 45438-2025 Appendix E asks for";
    return out;
  }
  out.aigc = j["AIGC"];
  out.labelled = out.aigc.value("Label", "") == "1";
  if (!out.labelled) out.aigc_problem = "the AIGC tag's Label is not \"1\" (AI-generated)";
  return out;
}

std::string FormatInspection(const MediaInspection& m) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%s\n  %dx%d, %.2f fps, %.1f s, video %s, audio %s\n", m.file.c_str(), m.width, m.height,
                m.fps, m.seconds, m.video_codec.empty() ? "none" : m.video_codec.c_str(),
                m.audio_codec.empty() ? "none" : m.audio_codec.c_str());
  out += line;
  if (m.labelled) {
    out += "  AI-content label (implicit, AIGC tag): AI-generated\n";
  } else {
    out += "  AI-content label: MISSING — " + m.aigc_problem + "\n";
  }
  if (m.aigc.is_object()) {
    for (const char* field : {"Label", "ContentProducer", "ProduceID", "ReservedCode1", "ContentPropagator", "PropagateID",
                              "ReservedCode2"}) {
      auto it = m.aigc.find(field);
      std::string value = it == m.aigc.end() ? "(absent)" : (it->is_string() ? it->get<std::string>() : it->dump());
      out += "    " + std::string(field) + ": " + value + "\n";
    }
  }
  auto tag = [&](const char* key) {
    auto it = m.tags.find(key);
    return it == m.tags.end() ? std::string("(none)") : it->second;
  };
  out += "  authorship: " + tag("authorship") + "\n";
  out += "  title: " + tag("title") + "\n";
  out += "  comment: " + tag("comment") + "\n";
  return out;
}

nlohmann::json InspectionJson(const MediaInspection& m) {
  return {{"file", m.file},           {"seconds", m.seconds},         {"width", m.width},
          {"height", m.height},       {"fps", m.fps},                 {"video_codec", m.video_codec},
          {"audio_codec", m.audio_codec}, {"labelled", m.labelled},   {"aigc", m.aigc},
          {"aigc_problem", m.aigc_problem}, {"tags", m.tags}};
}

}  // namespace rw
