#include "app/export.h"

#include <algorithm>

#include "app/series.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/progress.h"
#include "post/presets.h"
#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/fields.h"
#include "schema/shots.h"
#include "schema/yaml_io.h"
#include "story/fdx.h"
#include "story/fountain.h"
#include "visual/cover.h"
#include "visual/png.h"

namespace rw {

namespace {

template <class T>
Result<T> Load(const fs::path& root, const std::string& rel) {
  return LoadYaml<T>(root / rel, (root / rel).string());
}

// One file of the delivery: copied, or made (bytes), at `rel` under the export folder.
struct Item {
  std::string rel;
  fs::path source;    // copy this file, or
  std::string bytes;  // write these
  std::string kind;   // video, cover, subtitles, stem, script, editing, media
};

}  // namespace

Result<ExportReport> ExportSeries(const fs::path& root, const fs::path& to, const std::string& preset_name) {
  RW_ASSIGN(Settings settings, LoadSettings(root));
  RW_ASSIGN(RenderPreset preset, FindPreset(preset_name.empty() ? settings.preset : preset_name));
  RW_ASSIGN(Bible bible, Load<Bible>(root, kBibleFile));
  std::error_code ec;
  if (fs::exists(to, ec) && !fs::is_empty(to, ec) && !fs::exists(to / "manifest.json", ec))
    return BadInput(to.string(), "this folder has files in it and is not an earlier export: export into a new or empty folder");
  if (fs::weakly_canonical(to, ec).string().rfind(fs::weakly_canonical(root, ec).string() + "/", 0) == 0)
    return BadInput(to.string(), "export outside the series folder, not into it");

  std::vector<Item> items;
  Json episodes = Json::array();
  for (int n = 1; n <= settings.episodes; ++n) {
    std::string ep = EpisodeName(n), dir = EpisodeDir(n), base = ep + "." + settings.lang;
    std::string video = dir + "/" + (preset.name == "master" ? base + ".mp4" : base + "." + preset.name + ".mp4");
    if (!fs::exists(root / video, ec))
      return BadInput(video, "episode " + std::to_string(n) + " has no render at the " + preset.name +
                                 " preset; run `reelwright build " + root.string() + " --preset " + preset.name + "` first");
    Json entry = {{"number", n}, {"video", "episodes/" + base + ".mp4"}};
    items.push_back({"episodes/" + base + ".mp4", root / video, "", "video"});
    for (const char* ext : {".srt", ".vtt", ".ass"})
      if (fs::exists(root / (dir + "/" + base + ext), ec)) items.push_back({"subtitles/" + base + ext, root / (dir + "/" + base + ext), "", "subtitles"});
    // Each delivery language that was rendered: its episode, subtitles and dialogue stem.
    for (const auto& lang : settings.languages) {
      std::string lbase = ep + "." + lang;
      std::string lvideo = dir + "/" + (preset.name == "master" ? lbase + ".mp4" : lbase + "." + preset.name + ".mp4");
      if (!fs::exists(root / lvideo, ec)) continue;
      entry["languages"][lang] = "episodes/" + lbase + ".mp4";
      items.push_back({"episodes/" + lbase + ".mp4", root / lvideo, "", "video"});
      for (const char* ext : {".srt", ".vtt", ".ass"})
        if (fs::exists(root / (dir + "/" + lbase + ext), ec)) items.push_back({"subtitles/" + lbase + ext, root / (dir + "/" + lbase + ext), "", "subtitles"});
      std::string stem = dir + "/lang/" + lang + "/stems/dialogue.wav";
      if (fs::exists(root / stem, ec)) items.push_back({"stems/" + lbase + ".dialogue.wav", root / stem, "", "stem"});
    }
    for (const char* stem : {"dialogue", "music"}) {
      std::string rel = dir + "/stems/" + stem + ".wav";
      if (fs::exists(root / rel, ec)) items.push_back({"stems/" + ep + "." + stem + ".wav", root / rel, "", "stem"});
    }
    // Scripts: the Fountain as written, and Final Draft.
    RW_ASSIGN(std::string fountain, ReadFile(root / (dir + "/script.fountain")));
    RW_ASSIGN(Screenplay script, ParseFountain(fountain, (root / (dir + "/script.fountain")).string()));
    items.push_back({"scripts/" + ep + ".fountain", root / (dir + "/script.fountain"), "", "script"});
    items.push_back({"scripts/" + ep + ".fdx", {}, WriteFdx(script), "script"});
    // The cover: the first shot's frame under the title.
    auto beats = Load<Beats>(root, dir + "/beats.yaml");
    std::string title = beats.ok() ? beats->title : std::string();
    auto shots = Load<Shots>(root, dir + "/shots.yaml");
    if (shots.ok() && !shots->shots.empty()) {
      RW_ASSIGN(Image frame, ReadPng(root / (dir + "/frames/" + shots->shots.front().id + ".png")));
      std::string line = settings.lang == "zh" ? "第" + std::to_string(n) + "集" + (title.empty() ? "" : " · " + title)
                                               : "Episode " + std::to_string(n) + (title.empty() ? "" : " · " + title);
      RW_ASSIGN(Image cover, PaintCover(frame, bible.title, line));
      std::string png_path = (to / ("covers/" + ep + ".png.tmp-encode")).string();
      RW_TRY(MakeDirs(to / "covers"));
      RW_TRY(WritePng(png_path, cover));
      RW_ASSIGN(std::string png, ReadFile(png_path));
      fs::remove(png_path, ec);
      items.push_back({"covers/" + ep + ".png", {}, std::move(png), "cover"});
      entry["cover"] = "covers/" + ep + ".png";
    }
    // The editor hand-off with the media it names, at the same relative paths.
    for (const char* file : {".otio", ".edl", ".fcpxml", ".xml"})
      if (fs::exists(root / (dir + "/" + ep + file), ec)) items.push_back({"editing/" + ep + "/" + ep + file, root / (dir + "/" + ep + file), "", "editing"});
    for (const char* sub : {"clips", "voice", "stems"}) {
      for (const auto& f : fs::directory_iterator(root / (dir + "/" + sub), ec)) {
        if (!f.is_regular_file()) continue;
        std::string name = f.path().filename().string();
        if (name.find(".tmp") != std::string::npos) continue;
        // The clips' plates and mouth panels are the renderer's, not media for an editor.
        if (std::string(sub) == "clips" && f.path().extension() != ".mp4") continue;
        items.push_back({"editing/" + ep + "/" + sub + "/" + name, f.path(), "", "media"});
      }
    }
    entry["title"] = title;
    episodes.push_back(entry);
  }

  Progress progress("export", static_cast<int64_t>(items.size()));
  ExportReport report;
  Json files = Json::array();
  for (const Item& item : items) {
    fs::path dest = to / item.rel;
    RW_TRY(MakeDirs(dest.parent_path()));
    if (item.source.empty()) {
      RW_TRY(WriteFileAtomic(dest, item.bytes));
    } else {
      RW_TRY(CopyFileAtomic(item.source, dest));
    }
    auto size = static_cast<int64_t>(fs::file_size(dest, ec));
    files.push_back({{"path", item.rel}, {"kind", item.kind}, {"bytes", size}, {"sha256", Sha256File(dest.string())}});
    report.bytes += size;
    ++report.files;
    progress.Add();
  }
  progress.Finish();
  Json manifest = {{"schema", "Export.1"},
                   {"series", bible.title},
                   {"lang", settings.lang},
                   {"preset", preset.name},
                   {"aigc", {{"label", settings.aigc.label}, {"producer", settings.aigc.producer}}},
                   {"episodes", episodes},
                   {"files", files}};
  RW_TRY(WriteFileAtomic(to / "manifest.json", manifest.dump(2) + "\n"));  // last: an export without it is unfinished
  report.episodes = settings.episodes;
  return report;
}

}  // namespace rw
