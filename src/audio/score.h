// The score: music composed per episode from its beats' emotion, written as a Standard MIDI
// File and rendered with FluidSynth through a General MIDI soundfont (DESIGN.md §1, audio).
//
// Each beat's mood (valence, arousal) picks its harmony (minor when dark, major when bright),
// its instruments and how busy it is; the episode's mean arousal sets the tempo. A sting (an
// orchestra hit, a cymbal) marks every satisfaction point and the cliffhanger. The same beats
// and seed give the same notes, and FluidSynth renders them to the same samples.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/wav.h"
#include "schema/beats.h"

namespace rw {

struct ScoreBeat {
  const Beat* beat = nullptr;
  double start_s = 0, end_s = 0;  // where it plays in the episode
};

struct ScoreNote {
  double start_s = 0, duration_s = 0;
  int channel = 0;  // 0 pad, 1 bass, 2 arpeggio, 3 sting, 9 drums
  int key = 60;
  int velocity = 80;
};
struct ScoreProgram {
  double at_s = 0;
  int channel = 0;
  int program = 0;  // General MIDI program number, 0-based
};
struct Score {
  int tempo_bpm = 90;
  double seconds = 0;
  std::vector<ScoreProgram> programs;
  std::vector<ScoreNote> notes;
  int stings = 0;
};

Score ComposeScore(const std::vector<ScoreBeat>& beats, double seconds, uint64_t seed);

// A format-0 Standard MIDI File, 480 ticks a quarter note.
std::string WriteMidi(const Score& score);

// The General MIDI soundfont to render with: `preferred` when given, else the first of
// TimGM6mb, the Debian default-GM and FluidR3_GM under /usr/share/sounds/sf2.
Result<std::filesystem::path> FindSoundfont(const std::string& preferred);

// Stereo 16-bit PCM at `sample_rate`, `score.seconds` long (plus nothing: notes past the end are cut).
Result<Pcm> RenderScore(const Score& score, const std::filesystem::path& soundfont, int sample_rate);

}  // namespace rw
