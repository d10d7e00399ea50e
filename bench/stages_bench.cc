// Per-item costs of the built-in engines at the master size (1080x1920): painting a
// storyboard panel, one frame of motion, one voiced line, hashing a clip-sized file.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "audio/voice.h"
#include "base/file.h"
#include "base/hash.h"
#include "visual/motion.h"
#include "visual/yuv_picture.h"
#include "visual/painter.h"

namespace rw {
namespace {

PanelSpec SamplePanel(ShotType type) {
  PanelSpec spec;
  spec.shot_id = "S001";
  spec.type = type;
  spec.location_name = "BOARDROOM";
  spec.location_kind = "office";
  spec.time = "NIGHT";
  spec.cast = {{"C01", "Rosalind", "female", 27, {"#8E0F24", "#EDE6DA"}, {"sleek black bob"}, true},
               {"C02", "Lucas", "male", 40, {"#2E3440", "#C9A227"}, {"slicked-back hair"}, false}};
  spec.caption = "Rosalind slams the contract on his desk.";
  spec.label = "S001 · MS · push-in · 3.2s";
  return spec;
}

void BM_PaintPanel(benchmark::State& state) {
  PanelSpec spec = SamplePanel(static_cast<ShotType>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(PaintPanel(spec));
}
BENCHMARK(BM_PaintPanel)->Arg(static_cast<int>(ShotType::kCU))->Arg(static_cast<int>(ShotType::kWS))->Unit(benchmark::kMillisecond);

void BM_MotionFrame(benchmark::State& state) {
  auto still = PaintPanel(SamplePanel(ShotType::kMS));
  Motion motion(*still, static_cast<CameraMove>(state.range(0)), 1080, 1920, 90);
  Image out(1080, 1920);
  int i = 0;
  for (auto _ : state) motion.Render(i++ % 90, &out);
}
BENCHMARK(BM_MotionFrame)->Arg(static_cast<int>(CameraMove::kPushIn))->Arg(static_cast<int>(CameraMove::kPanLeft))->Unit(benchmark::kMillisecond);

// The same camera drawn straight into 4:2:0 planes, as the renderer draws a shot from its still.
void BM_ZoomFrame(benchmark::State& state) {
  auto still = PaintPanel(SamplePanel(ShotType::kMS));
  Motion motion(*still, CameraMove::kPushIn, 1080, 1920, 90);
  YuvPicture picture = YuvPicture::FromImage(*still);
  std::vector<uint8_t> planes(1080 * 1920 * 3 / 2);
  YuvPlanes out;
  out.data[0] = planes.data(), out.data[1] = planes.data() + 1080 * 1920, out.data[2] = out.data[1] + 540 * 960;
  out.stride[0] = 1080, out.stride[1] = out.stride[2] = 540;
  ZoomScratch scratch;
  int i = 0;
  for (auto _ : state) {
    Motion::View v = motion.ViewAt(i++ % 90);
    if (state.range(0)) {
      DrawZoomed(picture, {v.zoom, v.center_x, v.center_y}, out, &scratch);
    } else {
      DrawZoomedPortable(picture, {v.zoom, v.center_x, v.center_y}, out, &scratch);
    }
  }
}
BENCHMARK(BM_ZoomFrame)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

void BM_SpeakLine(benchmark::State& state) {
  VoiceSpec voice;
  voice.variant = "f3";
  for (auto _ : state) benchmark::DoNotOptimize(SpeakLine(voice, "You signed the contract without reading it, again."));
}
BENCHMARK(BM_SpeakLine)->Unit(benchmark::kMillisecond);

void BM_HashFile(benchmark::State& state) {
  std::filesystem::path path = std::filesystem::temp_directory_path() / "rw_bench_hash.bin";
  (void)WriteFileAtomic(path, std::string(static_cast<size_t>(state.range(0)) << 20, 'x'));
  for (auto _ : state) benchmark::DoNotOptimize(Sha256File(path.string()));
  state.SetBytesProcessed(state.iterations() * (state.range(0) << 20));
  std::filesystem::remove(path);
}
BENCHMARK(BM_HashFile)->Arg(32)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rw
