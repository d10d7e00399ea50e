// The episode's sound, mixed before it is encoded: every dialogue line brought to one loudness,
// the score under it (ducked while anyone speaks), and the whole normalised for delivery —
// about −14 LUFS integrated with the true peak at most −1 dBTP — as measured by libebur128
// (ITU-R BS.1770 / EBU R128).
#pragma once

#include <filesystem>
#include <vector>

#include "base/result.h"
#include "base/wav.h"
#include "schema/timeline.h"

namespace rw {

struct MixSettings {
  double dialogue_lufs = -20;  // each line's loudness before the mix
  double music_db = -14;       // the score's gain under dialogue level (before ducking)
  double duck_db = -12;        // how far the score drops while someone speaks
  double target_lufs = -14;    // delivery loudness, integrated
  double ceiling_dbtp = -1.5;  // true-peak ceiling before AAC (which adds a few tenths)
};

struct MixStats {
  double integrated_lufs = 0;
  double true_peak_dbtp = 0;
  double gain_db = 0;  // applied to reach the target
  bool music = false;
};

inline constexpr int kMixSampleRate = 48000;

// The two buses of the mix, each with the mix's delivery gain (before the limiter), so an editor
// who lays them side by side hears the mix: interleaved stereo float at 48 kHz.
struct MixStems {
  std::vector<float> dialogue, music;
};

// Interleaved stereo float at 48 kHz, `total_samples` frames long. `music_wav` may be empty (no
// score); otherwise a stereo or mono 16-bit WAV at any rate, from the start of the episode.
// `stems` may be null.
Result<std::vector<float>> MixEpisode(const Timeline& timeline, const std::filesystem::path& episode_dir,
                                      const std::filesystem::path& music_wav, const MixSettings& settings,
                                      int64_t total_samples, MixStats* stats, MixStems* stems = nullptr);

// Float audio to 16-bit PCM (rounded, clipped).
Pcm ToPcm(const std::vector<float>& interleaved, int channels, int sample_rate);
Result<std::vector<float>> ReadMixWav(const std::filesystem::path& wav, int64_t total_samples);

// Integrated loudness (LUFS) and true peak (dBTP) of interleaved float audio.
Result<std::pair<double, double>> MeasureLoudness(const std::vector<float>& interleaved, int channels, int sample_rate);

}  // namespace rw
