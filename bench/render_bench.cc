// The renderer's reference workload (issue 7) and the commands bench/render_bench.sh times.
//
//   rw_render_bench make DIR     paints 12 stills (1242x2208), writes their push-in plates
//                                (visual/plate) and clips the way the clips stage does (drawn
//                                from the plates, 159 frames each: 5 s and the 0.3 s under the
//                                next shot's cross-fade), 20 voice lines and
//                                a music bed (48 kHz WAV), their mix with the music ducked under
//                                the voices (DIR/mix.wav, as the score stage makes it), the
//                                episode's ASS (20 cues, half Chinese) and DIR/melt.mlt, the same
//                                episode for MLT's melt.
//   rw_render_bench render DIR [--edit] [--out F] [--jobs N] [--x264-threads N] [--no-cache]
//                              [--mix-here] [--decode]
//                                renders the episode (60 s, 1080x1920, 30 fps: 12 shots of 5 s
//                                with 9-frame cross-fades, subtitles, the AIGC label for 2 s,
//                                voice and music mixed with ducking) with libx264 veryfast
//                                CRF 23 + AAC 128k, segments cached in DIR/cache. --edit changes
//                                the text of one cue (cue 8, on screen in the fifth shot only).
//                                The audio is DIR/mix.wav, as in the render stage; --mix-here
//                                mixes the voices and music inside the render instead.
//                                Shots are drawn from their stills through the plates the
//                                make step wrote beside the clips, as in the render stage;
//                                --decode decodes the clips instead.
//
// Prints one line of key=value pairs per command, for the script to read.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "app/plate_drawers.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/progress.h"
#include "base/wav.h"
#include "post/mix.h"
#include "post/presets.h"
#include "post/render.h"
#include "post/subtitles.h"
#include "post/video_writer.h"
#include "visual/motion.h"
#include "visual/painter.h"
#include "visual/plate.h"
#include "visual/png.h"

namespace rw {
namespace {

namespace fs = std::filesystem;

constexpr int kShots = 12, kShotFrames = 150, kFade = 9, kFps = 30, kCues = 20;
constexpr int kStillW = 1242, kStillH = 2208, kW = 1080, kH = 1920;
constexpr int kRate = 48000;

std::string LineId(int i) {  // built with snprintf: GCC 12 misreads "L" + to_string (-Wrestrict)
  char id[32];
  std::snprintf(id, sizeof id, "L%02d", i + 1);
  return id;
}

std::string ShotId(int i) {
  char id[32];
  std::snprintf(id, sizeof id, "S%02d", i + 1);
  return id;
}

std::string CueText(int i, bool edited) {
  static const char* kChinese[] = {"你怎么会在这里？", "这份合同是假的。", "我早就知道了。", "别让他发现我们。",
                                    "今天就是结束。",   "你欠我一个解释。", "她才是真正的继承人。", "我们走着瞧。",
                                    "我不会再原谅你。", "门外有人。"};
  static const char* kEnglish[] = {"Why are you here?", "The contract is fake.", "I knew it all along.",
                                   "Don't let him see us.", "Today it ends.", "You owe me an explanation.",
                                   "She is the real heir.", "We'll see about that.", "I won't forgive you again.",
                                   "Someone is at the door."};
  if (edited && i == 7) return "We will see about that, then.";
  return i % 2 == 0 ? kChinese[i / 2] : kEnglish[i / 2];
}

// 20 cues of 2.2 s, one every 3 s; cue 7 (21.3–23.5 s) lies inside the fifth shot (20–25 s).
std::vector<TimelineCue> Cues(bool edited) {
  std::vector<TimelineCue> cues;
  for (int i = 0; i < kCues; ++i) {
    cues.push_back({LineId(i), i % 2 ? "LUCAS" : "林晚", CueText(i, edited), 3000 * i + 300, 3000 * i + 2500});
  }
  return cues;
}

Timeline Workload() {
  Timeline t;
  t.name = "bench";
  t.frames = kShots * kShotFrames;
  for (int i = 0; i < kShots; ++i) {
    const bool last = i + 1 == kShots;
    t.video.push_back({ShotId(i), "clips/" + ShotId(i) + ".mp4", int64_t{i} * kShotFrames, kShotFrames + (last ? 0 : kFade),
                       i == 0 ? 0 : kFade});
  }
  for (int i = 0; i < kCues; ++i) {
    t.dialogue.push_back({LineId(i), "voice/" + LineId(i) + ".wav",
                          int64_t{3000 * i + 300} * kRate / 1000, 0});
  }
  t.cues = Cues(false);
  return t;
}

RenderPreset BenchPreset() {
  RenderPreset p;
  p.name = "bench";
  p.crf = 23;
  p.gop_seconds = 2;
  p.audio_bitrate = 128'000;
  p.x264_preset = "veryfast";
  return p;
}

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// A syllable-shaped voice: a gliding tone under a 4 Hz envelope, 2.1 s.
Pcm Voice(int i) {
  Pcm pcm;
  pcm.sample_rate = kRate;
  const int n = kRate * 21 / 10;
  for (int s = 0; s < n; ++s) {
    double t = static_cast<double>(s) / kRate;
    double f = (i % 2 ? 140 : 220) * (1 + 0.1 * std::sin(2 * M_PI * 0.7 * t));
    double env = std::pow(std::sin(M_PI * std::fmod(t * 4, 1.0)), 2);
    pcm.samples.push_back(static_cast<int16_t>(9000 * env * (std::sin(2 * M_PI * f * t) + 0.3 * std::sin(6 * M_PI * f * t))));
  }
  return pcm;
}

// A stereo pad of slow chords, 60 s.
Pcm Music() {
  Pcm pcm;
  pcm.sample_rate = kRate;
  pcm.channels = 2;
  const double chords[4][3] = {{220, 277.2, 329.6}, {196, 246.9, 293.7}, {174.6, 220, 261.6}, {164.8, 207.7, 246.9}};
  const int n = kRate * kShots * kShotFrames / kFps;
  for (int s = 0; s < n; ++s) {
    double t = static_cast<double>(s) / kRate;
    const double* c = chords[static_cast<int>(t / 4) % 4];
    double v = 0;
    for (int k = 0; k < 3; ++k) v += std::sin(2 * M_PI * c[k] * t);
    auto sample = static_cast<int16_t>(3000 * v);
    pcm.samples.push_back(sample);
    pcm.samples.push_back(sample);
  }
  return pcm;
}

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

// The same episode for melt: stills with an affine push-in (zoom 1.00 → 1.12, as visual/motion),
// A/B tracks with 9-frame luma dissolves, the voices and the music mixed (no ducking: MLT has no
// sidechain), the 20 cues and the AI label as text filters.
std::string MeltXml(const fs::path& dir, const Timeline& t) {
  std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<mlt LC_NUMERIC=\"C\">\n";
  x += "<profile description=\"bench\" width=\"1080\" height=\"1920\" progressive=\"1\" sample_aspect_num=\"1\" "
       "sample_aspect_den=\"1\" display_aspect_num=\"9\" display_aspect_den=\"16\" frame_rate_num=\"30\" "
       "frame_rate_den=\"1\" colorspace=\"709\"/>\n";
  const double z = Motion::kMoveZoom;
  const int len = kShotFrames + kFade;
  char rect[160];
  std::snprintf(rect, sizeof rect, "0=0 0 %d %d 1;%d=%.1f %.1f %.1f %.1f 1", kW, kH, len - 1, -kW * (z - 1) / 2,
                -kH * (z - 1) / 2, kW * z, kH * z);
  for (int i = 0; i < kShots; ++i) {
    x += "<producer id=\"still" + std::to_string(i) + "\" in=\"0\" out=\"" + std::to_string(len - 1) + "\">\n"
         "  <property name=\"resource\">" + (dir / "stills" / (ShotId(i) + ".png")).string() + "</property>\n"
         "  <property name=\"length\">" + std::to_string(len) + "</property>\n"
         "  <property name=\"ttl\">1</property>\n"
         "  <filter mlt_service=\"affine\"><property name=\"transition.rect\">" + rect + "</property>"
         "<property name=\"transition.distort\">0</property><property name=\"transition.fill\">1</property></filter>\n"
         "</producer>\n";
  }
  // Shots alternate between two playlists so each dissolve has both sides.
  for (int track = 0; track < 2; ++track) {
    x += "<playlist id=\"video" + std::to_string(track) + "\">\n";
    int64_t at = 0;
    for (int i = track; i < kShots; i += 2) {
      int64_t start = t.video[static_cast<size_t>(i)].start_frame;
      if (start > at) x += "  <blank length=\"" + std::to_string(start - at) + "\"/>\n";
      const int64_t frames = t.video[static_cast<size_t>(i)].frames;
      x += "  <entry producer=\"still" + std::to_string(i) + "\" in=\"0\" out=\"" + std::to_string(frames - 1) + "\"/>\n";
      at = start + frames;
    }
    x += "</playlist>\n";
  }
  x += "<producer id=\"music\"><property name=\"resource\">" + (dir / "music.wav").string() + "</property></producer>\n";
  x += "<playlist id=\"musictrack\"><entry producer=\"music\"/></playlist>\n";
  x += "<playlist id=\"voices\">\n";
  int64_t at = 0;
  for (size_t i = 0; i < t.dialogue.size(); ++i) {
    int64_t start = t.dialogue[i].start_sample * kFps / kRate;
    if (start > at) x += "  <blank length=\"" + std::to_string(start - at) + "\"/>\n";
    x += "  <entry><producer><property name=\"resource\">" + (dir / t.dialogue[i].wav).string() +
         "</property></producer></entry>\n";
    at = start + 63;  // 2.1 s
  }
  x += "</playlist>\n";
  x += "<tractor id=\"episode\" in=\"0\" out=\"" + std::to_string(t.frames - 1) + "\">\n<multitrack>\n"
       "  <track producer=\"video0\"/>\n  <track producer=\"video1\"/>\n  <track producer=\"musictrack\"/>\n"
       "  <track producer=\"voices\"/>\n</multitrack>\n";
  for (size_t i = 1; i < t.video.size(); ++i) {
    const int64_t start = t.video[i].start_frame;
    const bool odd = i % 2 == 1;  // dissolve from the track of shot i-1 to the track of shot i
    x += "<transition mlt_service=\"luma\" in=\"" + std::to_string(start) + "\" out=\"" + std::to_string(start + kFade - 1) +
         "\"><property name=\"a_track\">0</property><property name=\"b_track\">1</property>"
         "<property name=\"reverse\">" + std::string(odd ? "0" : "1") + "</property></transition>\n";
  }
  // Where no dissolve runs, the upper video track is composited over the lower.
  x += "<transition mlt_service=\"composite\" always_active=\"1\"><property name=\"a_track\">0</property>"
       "<property name=\"b_track\">1</property><property name=\"fill\">1</property></transition>\n";
  for (int track : {2, 3}) {
    x += "<transition mlt_service=\"mix\" always_active=\"1\"><property name=\"a_track\">0</property><property "
         "name=\"b_track\">" + std::to_string(track) + "</property><property name=\"combine\">1</property></transition>\n";
  }
  for (const TimelineCue& cue : t.cues) {
    x += "<filter mlt_service=\"text\" in=\"" + std::to_string(cue.start_ms * kFps / 1000) + "\" out=\"" +
         std::to_string(cue.end_ms * kFps / 1000) + "\"><property name=\"argument\">" + XmlEscape(cue.text) +
         "</property><property name=\"family\">Noto Sans CJK SC</property><property name=\"size\">64</property>"
         "<property name=\"geometry\">90 1300 850 200</property><property name=\"halign\">center</property>"
         "<property name=\"valign\">bottom</property><property name=\"olcolor\">black</property>"
         "<property name=\"outline\">3</property></filter>\n";
  }
  x += "<filter mlt_service=\"text\" in=\"0\" out=\"59\"><property name=\"argument\">AI生成 / AI-generated</property>"
       "<property name=\"family\">Noto Sans CJK SC</property><property name=\"size\">65</property>"
       "<property name=\"geometry\">43 43 900 120</property><property name=\"bgcolor\">#80000000</property></filter>\n";
  x += "</tractor>\n</mlt>\n";
  return x;
}

int Make(const fs::path& dir) {
  const auto started = std::chrono::steady_clock::now();
  for (const char* sub : {"stills", "clips", "voice"}) {
    if (!MakeDirs(dir / sub).ok()) return std::fprintf(stderr, "cannot make %s\n", (dir / sub).c_str()), 1;
  }
  Timeline t = Workload();
  double paint_s = 0, clips_s = 0;
  for (int i = 0; i < kShots; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    PanelSpec spec;
    spec.width = kStillW;
    spec.height = kStillH;
    spec.shot_id = ShotId(i);
    spec.type = static_cast<ShotType>(i % 7);
    spec.move = CameraMove::kPushIn;
    spec.location_kind = i % 3 == 0 ? "office" : i % 3 == 1 ? "street" : "home";
    spec.location_name = "LOCATION " + std::to_string(i % 3);
    spec.caption = CueText(i, false);
    spec.seed = 1000 + i;
    Result<Image> still = PaintPanel(spec);
    if (!still.ok()) return std::fprintf(stderr, "%s\n", still.error().ToString().c_str()), 1;
    if (Status s = WritePng(dir / "stills" / (ShotId(i) + ".png"), *still); !s.ok()) {
      return std::fprintf(stderr, "%s\n", s.error().ToString().c_str()), 1;
    }
    paint_s += Since(t0);
    t0 = std::chrono::steady_clock::now();
    // As the clips stage does: the clip holds the frames drawn from the plate, which is written
    // beside it for the renderer.
    const TimelineVideo& item = t.video[static_cast<size_t>(i)];
    const std::string still_rel = "stills/" + ShotId(i) + ".png";
    Plate plate;
    plate.move = CameraMove::kPushIn;
    plate.frames = static_cast<int>(item.frames);
    plate.fps = kFps;
    plate.width = kW;
    plate.height = kH;
    plate.stills = {{still_rel, Sha256File((dir / still_rel).string())}};
    auto drawer = PlateDrawer::FromImages(plate, {&*still}, kW, kH);
    if (!drawer.ok()) return std::fprintf(stderr, "%s\n", drawer.error().ToString().c_str()), 1;
    ZoomScratch scratch;
    auto writer = VideoWriter::Open(dir / item.clip, kW, kH, kFps, ClipEncodeOptions{});
    if (!writer.ok()) return std::fprintf(stderr, "%s\n", writer.error().ToString().c_str()), 1;
    for (int k = 0; k < item.frames; ++k) {
      Status s = (*writer)->WriteDrawn([&](uint8_t* const data[3], const int stride[3]) { drawer->Draw(k, PlanesOf(data, stride), &scratch); });
      if (!s.ok()) return std::fprintf(stderr, "%s\n", s.error().ToString().c_str()), 1;
    }
    if (Status s = (*writer)->Finish(); !s.ok()) return std::fprintf(stderr, "%s\n", s.error().ToString().c_str()), 1;
    plate.clip_sha256 = Sha256File((dir / item.clip).string());
    if (!WriteFileAtomic(PlatePathFor(dir / item.clip), PlateJson(plate)).ok()) return 1;
    clips_s += Since(t0);
  }
  for (int i = 0; i < kCues; ++i) {
    if (!WriteWav(dir / t.dialogue[static_cast<size_t>(i)].wav, Voice(i)).ok()) return 1;
  }
  if (!WriteWav(dir / "music.wav", Music()).ok()) return 1;
  auto t0 = std::chrono::steady_clock::now();
  MixStats mix_stats;
  Result<std::vector<float>> mix = MixEpisode(t, dir, dir / "music.wav", MixSettings{}, int64_t{kRate} * t.frames / kFps, &mix_stats);
  if (!mix.ok()) return std::fprintf(stderr, "%s\n", mix.error().ToString().c_str()), 1;
  if (!WriteWav(dir / "mix.wav", ToPcm(*mix, 2, kRate)).ok()) return 1;
  const double mix_s = Since(t0);
  if (!WriteFileAtomic(dir / "episode.ass", WriteAss(Cues(false), SubtitleStyle{}, "bench")).ok()) return 1;
  if (!WriteFileAtomic(dir / "melt.mlt", MeltXml(dir, t)).ok()) return 1;
  std::printf("made=1 paint_s=%.2f clips_s=%.2f mix_s=%.2f mix_lufs=%.1f total_s=%.2f\n", paint_s, clips_s, mix_s,
              mix_stats.integrated_lufs, Since(started));
  return 0;
}

int Render(const fs::path& dir, bool edit, const fs::path& out, int jobs, int x264_threads, bool cache, bool mix_here,
           bool decode) {
  Timeline t = Workload();
  const fs::path ass = dir / (edit ? "edited.ass" : "episode.ass");
  if (edit && !WriteFileAtomic(ass, WriteAss(Cues(true), SubtitleStyle{}, "bench")).ok()) return 1;
  FolderSegmentCache segments(dir / "cache");
  RenderOptions options;
  options.segments = cache ? &segments : nullptr;
  if (mix_here) {
    options.music_wav = dir / "music.wav";
  } else {
    options.mix_wav = dir / "mix.wav";
  }
  options.label = {"AI生成 / AI-generated", "top-left", 2};
  options.metadata = {{"title", "bench"}, {"AIGC", "{\"Label\":\"1\"}"}};
  options.jobs = jobs;
  options.x264_threads = x264_threads;
  PlateDrawers drawers(dir);
  if (!decode) options.drawers = &drawers;
  Result<RenderStats> stats = RenderEpisode(t, dir, ass, BenchPreset(), out, nullptr, options);
  if (!stats.ok()) return std::fprintf(stderr, "%s\n", stats.error().ToString().c_str()), 1;
  std::printf("frames=%lld seconds=%.2f fps=%.1f segments=%d encoded=%d reused=%d mb=%.1f\n",
              static_cast<long long>(stats->frames), stats->wall_seconds, stats->fps, stats->segments,
              stats->segments_encoded, stats->segments_reused, stats->bytes / 1e6);
  return 0;
}

int Main(int argc, char** argv) {
  Progress::SetMode(false, true);
  if (argc < 3) {
    std::fprintf(stderr, "usage: rw_render_bench make DIR | render DIR [--edit] [--out F] [--jobs N] [--x264-threads N] "
                         "[--no-cache] [--mix-here] [--decode]\n");
    return 2;
  }
  const std::string command = argv[1];
  const fs::path dir = argv[2];
  if (command == "make") return Make(dir);
  if (command != "render") return std::fprintf(stderr, "unknown command %s\n", command.c_str()), 2;
  bool edit = false, cache = true, mix_here = false, decode = false;
  fs::path out = dir / "ours.mp4";
  int jobs = 0, threads = 1;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--edit") edit = true;
    else if (a == "--no-cache") cache = false;
    else if (a == "--mix-here") mix_here = true;
    else if (a == "--decode") decode = true;
    else if (a == "--out" && i + 1 < argc) out = argv[++i];
    else if (a == "--jobs" && i + 1 < argc) jobs = std::atoi(argv[++i]);
    else if (a == "--x264-threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    else return std::fprintf(stderr, "unknown option %s\n", a.c_str()), 2;
  }
  return Render(dir, edit, out, jobs, threads, cache, mix_here, decode);
}

}  // namespace
}  // namespace rw

int main(int argc, char** argv) { return rw::Main(argc, argv); }
