#include "post/mix.h"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "base/wav.h"
#include "post/ff_util.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>
#include <libswresample/swresample.h>
}

namespace rw {

namespace {

constexpr int kSampleRate = kMixSampleRate;

double DbToGain(double db) { return std::pow(10.0, db / 20.0); }

struct Ebur128Deleter {
  void operator()(ebur128_state* s) const { ebur128_destroy(&s); }
};

// 16-bit PCM at any rate to 48 kHz, channels as they are.
Result<std::vector<int16_t>> ResampleTo48k(const Pcm& pcm, const std::string& where) {
  AVChannelLayout layout;
  av_channel_layout_default(&layout, pcm.channels);
  SwrContext* raw = nullptr;
  int rc = swr_alloc_set_opts2(&raw, &layout, AV_SAMPLE_FMT_S16, kSampleRate, &layout, AV_SAMPLE_FMT_S16,
                               pcm.sample_rate, 0, nullptr);
  ff::SwrPtr swr(raw);
  if (rc < 0) return ff::AvError(rc, "cannot set up resampling to 48 kHz", where);
  rc = swr_init(swr.get());
  if (rc < 0) return ff::AvError(rc, "cannot set up resampling to 48 kHz", where);
  const int in_frames = static_cast<int>(pcm.Frames());
  const int capacity = swr_get_out_samples(swr.get(), in_frames) + 64;
  std::vector<int16_t> out(static_cast<size_t>(capacity) * pcm.channels);
  uint8_t* out_planes[1] = {reinterpret_cast<uint8_t*>(out.data())};
  const uint8_t* in_planes[1] = {reinterpret_cast<const uint8_t*>(pcm.samples.data())};
  int got = swr_convert(swr.get(), out_planes, capacity, in_planes, in_frames);
  if (got < 0) return ff::AvError(got, "cannot resample to 48 kHz", where);
  out_planes[0] = reinterpret_cast<uint8_t*>(out.data() + static_cast<size_t>(got) * pcm.channels);
  int tail = swr_convert(swr.get(), out_planes, capacity - got, nullptr, 0);
  if (tail < 0) return ff::AvError(tail, "cannot resample to 48 kHz", where);
  out.resize(static_cast<size_t>(got + tail) * pcm.channels);
  return out;
}

// A dialogue line resampled to 48 kHz and placed on the output's sample axis.
struct DialogueLine {
  int64_t start = 0;  // in 48 kHz samples
  int channels = 1;
  std::vector<int16_t> samples;  // interleaved, 48 kHz
};

Result<std::vector<DialogueLine>> LoadDialogue(const Timeline& timeline, const std::filesystem::path& episode_dir) {
  const int timeline_rate = timeline.sample_rate > 0 ? timeline.sample_rate : kSampleRate;
  std::vector<DialogueLine> lines;
  for (const TimelineAudio& entry : timeline.dialogue) {
    const std::filesystem::path file = episode_dir / entry.wav;
    const std::string where = file.string();
    auto pcm = ReadWav(file);
    if (!pcm.ok()) {
      Error e = pcm.error();
      e.message = "dialogue line " + entry.line + ": " + e.message;
      if (e.where.empty()) e.where = where;
      return e;
    }
    DialogueLine line;
    line.channels = pcm->channels;
    line.start = av_rescale(entry.start_sample, kSampleRate, timeline_rate);
    if (pcm->sample_rate == kSampleRate) {
      line.samples = std::move(pcm->samples);
    } else {
      RW_ASSIGN(line.samples, ResampleTo48k(*pcm, where));
    }
    if (entry.samples > 0) {
      size_t limit = static_cast<size_t>(av_rescale(entry.samples, kSampleRate, timeline_rate)) * line.channels;
      if (line.samples.size() > limit) line.samples.resize(limit);
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

// Loudness of one line (mono or stereo 16-bit); -inf when too short to measure.
double LineLoudness(const std::vector<int16_t>& samples, int channels) {
  std::unique_ptr<ebur128_state, Ebur128Deleter> st(ebur128_init(static_cast<unsigned>(channels), kSampleRate, EBUR128_MODE_I));
  if (!st) return -HUGE_VAL;
  if (channels == 1) ebur128_set_channel(st.get(), 0, EBUR128_DUAL_MONO);  // a voice in both ears
  ebur128_add_frames_short(st.get(), samples.data(), samples.size() / static_cast<size_t>(channels));
  double lufs = -HUGE_VAL;
  if (ebur128_loudness_global(st.get(), &lufs) != EBUR128_SUCCESS) return -HUGE_VAL;
  return lufs;
}

// Holds every sample under `ceiling` (linear) with a short look-ahead and a smooth release, so
// peaks are turned down without clicks.
void Limit(std::vector<float>& audio, double ceiling) {
  const size_t frames = audio.size() / 2;
  if (frames == 0) return;
  const double attack = 1.0 / (0.002 * kSampleRate), release = 1.0 / (0.08 * kSampleRate);
  std::vector<float> gain(frames);
  for (size_t i = 0; i < frames; ++i) {
    double peak = std::max(std::fabs(audio[2 * i]), std::fabs(audio[2 * i + 1]));
    gain[i] = static_cast<float>(peak > ceiling ? ceiling / peak : 1.0);
  }
  for (size_t i = frames - 1; i-- > 0;) gain[i] = std::min(gain[i], static_cast<float>(gain[i + 1] + attack));
  for (size_t i = 1; i < frames; ++i) gain[i] = std::min(gain[i], static_cast<float>(gain[i - 1] + release));
  for (size_t i = 0; i < frames; ++i) {
    audio[2 * i] *= gain[i];
    audio[2 * i + 1] *= gain[i];
  }
}

void Scale(std::vector<float>& audio, double gain) {
  for (float& s : audio) s = static_cast<float>(s * gain);
}

}  // namespace

Result<std::pair<double, double>> MeasureLoudness(const std::vector<float>& interleaved, int channels, int sample_rate) {
  std::unique_ptr<ebur128_state, Ebur128Deleter> st(
      ebur128_init(static_cast<unsigned>(channels), static_cast<unsigned long>(sample_rate), EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK));
  if (!st) return Failed("cannot set up the loudness meter (libebur128)");
  if (ebur128_add_frames_float(st.get(), interleaved.data(), interleaved.size() / static_cast<size_t>(channels)) != EBUR128_SUCCESS)
    return Failed("the loudness meter could not read the mix");
  double lufs = -HUGE_VAL, peak = 0;
  ebur128_loudness_global(st.get(), &lufs);
  for (int c = 0; c < channels; ++c) {
    double p = 0;
    ebur128_true_peak(st.get(), static_cast<unsigned>(c), &p);
    peak = std::max(peak, p);
  }
  return std::pair{lufs, peak > 0 ? 20 * std::log10(peak) : -HUGE_VAL};
}

Result<std::vector<float>> MixEpisode(const Timeline& timeline, const std::filesystem::path& episode_dir,
                                      const std::filesystem::path& music_wav, const MixSettings& settings,
                                      int64_t total_samples, MixStats* stats, MixStems* stems) {
  MixStats local;
  MixStats& out = stats ? *stats : local;
  std::vector<float> mix(static_cast<size_t>(std::max<int64_t>(0, total_samples)) * 2, 0.0f);
  std::vector<float> music_bus;  // kept apart when stems are wanted

  // Dialogue: each line at the same loudness; where it plays, the score makes room.
  RW_ASSIGN(std::vector<DialogueLine> dialogue, LoadDialogue(timeline, episode_dir));
  std::vector<char> speaking(static_cast<size_t>(std::max<int64_t>(0, total_samples)), 0);
  for (const auto& line : dialogue) {
    double lufs = LineLoudness(line.samples, line.channels);
    double gain = std::isfinite(lufs) ? DbToGain(std::clamp(settings.dialogue_lufs - lufs, -12.0, 12.0)) : 1.0;
    const int64_t frames = static_cast<int64_t>(line.samples.size()) / line.channels;
    for (int64_t s = 0; s < frames; ++s) {
      int64_t at = line.start + s;
      if (at < 0 || at >= total_samples) continue;
      const int16_t* src = line.samples.data() + s * line.channels;
      mix[static_cast<size_t>(at) * 2] += static_cast<float>(src[0] / 32768.0 * gain);
      mix[static_cast<size_t>(at) * 2 + 1] += static_cast<float>(src[line.channels - 1] / 32768.0 * gain);
    }
    // The score dips a little before the line and comes back after it.
    int64_t from = std::max<int64_t>(0, line.start - kSampleRate / 8), to = std::min(total_samples, line.start + frames + kSampleRate / 4);
    for (int64_t at = from; at < to; ++at) speaking[static_cast<size_t>(at)] = 1;
  }

  std::error_code ec;
  if (!music_wav.empty() && std::filesystem::exists(music_wav, ec)) {
    RW_ASSIGN(Pcm music, ReadWav(music_wav));
    std::vector<int16_t> samples;
    if (music.sample_rate == kSampleRate) {
      samples = std::move(music.samples);
    } else {
      RW_ASSIGN(samples, ResampleTo48k(music, music_wav.string()));
    }
    const double level = DbToGain(settings.music_db), ducked = DbToGain(settings.music_db + settings.duck_db);
    const double step = (level - ducked) / (0.15 * kSampleRate);  // 150 ms ramps
    double gain = level;
    const int64_t frames = std::min<int64_t>(total_samples, static_cast<int64_t>(samples.size()) / music.channels);
    for (int64_t at = 0; at < frames; ++at) {
      double want = speaking[static_cast<size_t>(at)] ? ducked : level;
      gain += std::clamp(want - gain, -step, step);
      const int16_t* src = samples.data() + at * music.channels;
      if (stems && music_bus.empty()) music_bus.assign(mix.size(), 0.0f);
      float left = static_cast<float>(src[0] / 32768.0 * gain), right = static_cast<float>(src[music.channels - 1] / 32768.0 * gain);
      mix[static_cast<size_t>(at) * 2] += left;
      mix[static_cast<size_t>(at) * 2 + 1] += right;
      if (stems) {
        music_bus[static_cast<size_t>(at) * 2] = left;
        music_bus[static_cast<size_t>(at) * 2 + 1] = right;
      }
    }
    out.music = true;
  }
  if (stems) {
    // The dialogue bus is the mix less the music, before any gain.
    stems->dialogue = mix;
    if (!music_bus.empty())
      for (size_t i = 0; i < mix.size(); ++i) stems->dialogue[i] -= music_bus[i];
    stems->music = std::move(music_bus);
  }

  // Delivery loudness: bring the whole to the target, then hold the true peak under the ceiling;
  // limiting lowers the loudness a little, so measure and correct again.
  RW_ASSIGN(auto measured, MeasureLoudness(mix, 2, kSampleRate));
  if (!std::isfinite(measured.first)) {  // silence: nothing to normalise
    out.integrated_lufs = measured.first;
    out.true_peak_dbtp = measured.second;
    return mix;
  }
  double ceiling = settings.ceiling_dbtp - 0.5;  // sample peaks, a margin under the true-peak ceiling
  for (int pass = 0; pass < 4; ++pass) {
    double gain_db = settings.target_lufs - measured.first;
    Scale(mix, DbToGain(gain_db));
    out.gain_db += gain_db;
    Limit(mix, DbToGain(ceiling));
    RW_ASSIGN(measured, MeasureLoudness(mix, 2, kSampleRate));
    if (measured.second > settings.ceiling_dbtp) ceiling -= measured.second - settings.ceiling_dbtp + 0.1;
    if (std::fabs(measured.first - settings.target_lufs) < 0.3 && measured.second <= settings.ceiling_dbtp) break;
  }
  out.integrated_lufs = measured.first;
  out.true_peak_dbtp = measured.second;
  if (stems) {
    Scale(stems->dialogue, DbToGain(out.gain_db));
    Scale(stems->music, DbToGain(out.gain_db));
  }
  return mix;
}

Pcm ToPcm(const std::vector<float>& interleaved, int channels, int sample_rate) {
  Pcm pcm;
  pcm.sample_rate = sample_rate;
  pcm.channels = channels;
  pcm.samples.reserve(interleaved.size());
  for (float s : interleaved) pcm.samples.push_back(static_cast<int16_t>(std::lround(std::clamp(s, -1.0f, 1.0f) * 32767)));
  return pcm;
}

Result<std::vector<float>> ReadMixWav(const std::filesystem::path& wav, int64_t total_samples) {
  RW_ASSIGN(Pcm pcm, ReadWav(wav));
  if (pcm.sample_rate != kSampleRate || pcm.channels != 2)
    return Failed("the episode's mix must be 48 kHz stereo; build again to remake it", wav.string());
  std::vector<float> out(static_cast<size_t>(std::max<int64_t>(0, total_samples)) * 2, 0.0f);
  size_t n = std::min(out.size(), pcm.samples.size());
  for (size_t i = 0; i < n; ++i) out[i] = pcm.samples[i] / 32768.0f;
  return out;
}

}  // namespace rw
