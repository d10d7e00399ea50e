#include "post/otio.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/file.h"

namespace rw {
namespace {

using Json = nlohmann::json;

const fs::path kGolden = fs::path(RW_SOURCE_DIR) / "tests/fixtures/post/golden/timeline.otio";

// 10 s at 30 fps: two shots with a 1 s hole between them and 1 s of nothing at the end, two
// dialogue lines (the second one ends half a frame into frame 182), two markers.
Timeline SampleTimeline() {
  Timeline t;
  t.name = "ep001";
  t.width = 1080;
  t.height = 1920;
  t.fps = 30;
  t.sample_rate = 48000;
  t.frames = 300;
  t.video = {
      TimelineVideo{"S01", "clips/S01.mp4", 0, 120},
      TimelineVideo{"S02", "clips/S02.mp4", 150, 120},
  };
  t.dialogue = {
      TimelineAudio{"L001", "voice/L001.wav", 24000, 96000},         // frames 15..75
      TimelineAudio{"L002", "voice/林晚_L002.wav", 192000, 100000},  // 120..182.5 → 120..183
  };
  t.markers = {
      TimelineMarker{"hook", "B01", 15},
      TimelineMarker{"cliffhanger", "B05", 270},
  };
  return t;
}

TEST(Otio, Golden) {
  std::string otio = WriteOtio(SampleTimeline());
  if (const char* update = std::getenv("RW_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
    ASSERT_TRUE(MakeDirs(kGolden.parent_path()).ok());
    ASSERT_TRUE(WriteFileAtomic(kGolden, otio).ok());
  }
  auto expected = ReadFile(kGolden);
  ASSERT_TRUE(expected.ok()) << expected.error().ToString() << " (RW_UPDATE_GOLDEN=1 writes it)";
  EXPECT_EQ(otio, *expected);
}

TEST(Otio, Deterministic) { EXPECT_EQ(WriteOtio(SampleTimeline()), WriteOtio(SampleTimeline())); }

// Every schema object names its schema; name and metadata on all but the two value types;
// metadata is an object. Recurses through everything except metadata dictionaries.
void CheckSchemaObjects(const Json& j, const std::string& path, int& count) {
  if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) CheckSchemaObjects(j[i], path + "[" + std::to_string(i) + "]", count);
    return;
  }
  if (!j.is_object()) return;
  ASSERT_TRUE(j.contains("OTIO_SCHEMA")) << path;
  ++count;
  std::string schema = j["OTIO_SCHEMA"];
  if (schema != "RationalTime.1" && schema != "TimeRange.1") {
    ASSERT_TRUE(j.contains("name") && j["name"].is_string()) << path;
    ASSERT_TRUE(j.contains("metadata") && j["metadata"].is_object()) << path;
  }
  if (schema == "RationalTime.1") {
    EXPECT_TRUE(j["rate"].is_number_float()) << path;
    EXPECT_TRUE(j["value"].is_number_float()) << path;
    EXPECT_EQ(j["rate"].get<double>(), 30.0) << path;
  }
  for (const auto& [key, value] : j.items()) {
    if (key == "metadata") continue;
    if (key == "media_references") {
      for (const auto& [ref_key, ref] : value.items()) CheckSchemaObjects(ref, path + "." + key + "." + ref_key, count);
      continue;
    }
    CheckSchemaObjects(value, path + "." + key, count);
  }
}

int64_t Frames(const Json& range) { return static_cast<int64_t>(range["duration"]["value"].get<double>()); }

TEST(Otio, StructureIsValid) {
  Timeline timeline = SampleTimeline();
  Json root = Json::parse(WriteOtio(timeline));
  int count = 0;
  CheckSchemaObjects(root, "$", count);
  EXPECT_GT(count, 40);

  EXPECT_EQ(root["OTIO_SCHEMA"], "Timeline.1");
  EXPECT_EQ(root["metadata"]["reelwright"]["width"], 1080);
  EXPECT_EQ(root["metadata"]["reelwright"]["height"], 1920);
  EXPECT_EQ(root["metadata"]["reelwright"]["fps"], 30);
  const Json& stack = root["tracks"];
  EXPECT_EQ(stack["OTIO_SCHEMA"], "Stack.1");
  ASSERT_EQ(stack["children"].size(), 2u);
  const Json& v1 = stack["children"][0];
  const Json& a1 = stack["children"][1];
  EXPECT_EQ(v1["name"], "V1");
  EXPECT_EQ(v1["kind"], "Video");
  EXPECT_EQ(a1["name"], "A1");
  EXPECT_EQ(a1["kind"], "Audio");

  for (const Json* track : {&v1, &a1}) {
    int64_t total = 0;
    for (const Json& item : (*track)["children"]) {
      total += Frames(item["source_range"]);
      if (item["OTIO_SCHEMA"] == "Clip.2") {
        std::string key = item["active_media_reference_key"];
        ASSERT_TRUE(item["media_references"].contains(key)) << item.dump();
        const Json& ref = item["media_references"][key];
        EXPECT_EQ(ref["OTIO_SCHEMA"], "ExternalReference.1");
        EXPECT_LE(Frames(item["source_range"]), Frames(ref["available_range"]));  // used range lies inside
      } else {
        EXPECT_EQ(item["OTIO_SCHEMA"], "Gap.1");
      }
    }
    EXPECT_EQ(total, timeline.frames) << (*track)["name"];
  }

  // V1: clip, gap, clip, gap.
  ASSERT_EQ(v1["children"].size(), 4u);
  EXPECT_EQ(v1["children"][0]["media_references"]["DEFAULT_MEDIA"]["target_url"], "clips/S01.mp4");
  EXPECT_EQ(Frames(v1["children"][1]["source_range"]), 30);
  // A1: gap 15, L001 60, gap 45, L002 63 (sample 292000 = frame 182.5 rounds up), gap 117.
  ASSERT_EQ(a1["children"].size(), 5u);
  EXPECT_EQ(Frames(a1["children"][0]["source_range"]), 15);
  EXPECT_EQ(Frames(a1["children"][1]["source_range"]), 60);
  EXPECT_EQ(Frames(a1["children"][2]["source_range"]), 45);
  EXPECT_EQ(Frames(a1["children"][3]["source_range"]), 63);
  EXPECT_EQ(a1["children"][3]["metadata"]["reelwright"]["samples"], 100000);
  EXPECT_EQ(a1["children"][3]["media_references"]["DEFAULT_MEDIA"]["target_url"], "voice/林晚_L002.wav");

  ASSERT_EQ(v1["markers"].size(), 2u);
  EXPECT_EQ(v1["markers"][0]["OTIO_SCHEMA"], "Marker.2");
  EXPECT_EQ(v1["markers"][0]["color"], "RED");
  EXPECT_EQ(v1["markers"][0]["comment"], "B01");
  EXPECT_EQ(v1["markers"][1]["color"], "MAGENTA");
  EXPECT_EQ(v1["markers"][1]["marked_range"]["start_time"]["value"], 270.0);
}

TEST(Otio, MarkerColors) {
  Timeline t = SampleTimeline();
  t.markers = {
      {"hook", "B1", 0}, {"conflict", "B2", 1}, {"climax", "B3", 2}, {"cliffhanger", "B4", 3}, {"reversal", "B5", 4}};
  Json root = Json::parse(WriteOtio(t));
  std::vector<std::string> colors;
  for (const Json& m : root["tracks"]["children"][0]["markers"]) colors.push_back(m["color"]);
  EXPECT_EQ(colors, (std::vector<std::string>{"RED", "ORANGE", "PURPLE", "MAGENTA", "GREEN"}));
}

TEST(Otio, OverlappingLinesGoToASecondTrack) {
  Timeline t = SampleTimeline();
  t.dialogue.push_back(TimelineAudio{"L003", "voice/L003.wav", 48000, 48000});  // inside L001
  Json root = Json::parse(WriteOtio(t));
  const Json& tracks = root["tracks"]["children"];
  ASSERT_EQ(tracks.size(), 3u);
  EXPECT_EQ(tracks[2]["name"], "A2");
  EXPECT_EQ(tracks[2]["kind"], "Audio");
  EXPECT_EQ(tracks[2]["children"][1]["name"], "L003");
  int64_t total = 0;
  for (const Json& item : tracks[2]["children"]) total += Frames(item["source_range"]);
  EXPECT_EQ(total, t.frames);
}

TEST(Otio, EmptyTimelineIsStillValid) {
  Timeline t;
  t.name = "empty";
  t.frames = 90;
  Json root = Json::parse(WriteOtio(t));
  int count = 0;
  CheckSchemaObjects(root, "$", count);
  const Json& v1 = root["tracks"]["children"][0];
  ASSERT_EQ(v1["children"].size(), 1u);
  EXPECT_EQ(v1["children"][0]["OTIO_SCHEMA"], "Gap.1");
  EXPECT_EQ(Frames(v1["children"][0]["source_range"]), 90);
}

}  // namespace
}  // namespace rw
