#include "audio/score.h"

#include <fluidsynth.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "base/rng.h"

namespace rw {

namespace {

enum class Mood { kFury, kGrief, kTriumph, kTender };

Mood MoodOf(const Emotion& e) {
  bool heated = e.arousal >= 0.6;
  if (e.valence < 0) return heated ? Mood::kFury : Mood::kGrief;
  return heated ? Mood::kTriumph : Mood::kTender;
}

// General MIDI programs (0-based) per mood: a pad under everything, an arpeggio on top.
struct Voicing {
  int pad, arpeggio, bass;
  bool drums;
  int subdivision;  // arpeggio notes a beat
};
Voicing VoicingFor(Mood m) {
  switch (m) {
    case Mood::kFury: return {48, 45, 43, true, 2};     // strings, pizzicato, contrabass; drums
    case Mood::kGrief: return {42, 0, 32, false, 1};    // cello, piano, acoustic bass
    case Mood::kTriumph: return {61, 48, 43, true, 2};  // brass, strings, contrabass; drums
    case Mood::kTender: return {89, 0, 32, false, 2};   // warm pad, piano, acoustic bass
  }
  return {48, 0, 32, false, 1};
}

// Chord roots as scale degrees (semitones above the key), four chords a phrase.
const std::vector<int>& Progression(bool minor, int variant) {
  static const std::vector<std::vector<int>> kMinor = {{0, 8, 3, 10}, {0, 5, 8, 7}, {0, 10, 8, 7}};
  static const std::vector<std::vector<int>> kMajor = {{0, 7, 9, 5}, {0, 5, 7, 0}, {0, 9, 5, 7}};
  return minor ? kMinor[static_cast<size_t>(variant) % kMinor.size()] : kMajor[static_cast<size_t>(variant) % kMajor.size()];
}

// The triad on `root` (semitones above the key) in the key's mode: its third follows the scale.
std::vector<int> Triad(int root, bool minor) {
  static const int kMinorScale[] = {0, 2, 3, 5, 7, 8, 10};
  static const int kMajorScale[] = {0, 2, 4, 5, 7, 9, 11};
  const int* scale = minor ? kMinorScale : kMajorScale;
  int degree = 0;
  for (int i = 0; i < 7; ++i)
    if (scale[i] == ((root % 12) + 12) % 12) degree = i;
  auto at = [&](int steps) {
    int d = degree + steps;
    return scale[d % 7] + 12 * (d / 7);
  };
  return {at(0), at(2), at(4)};
}

}  // namespace

Score ComposeScore(const std::vector<ScoreBeat>& beats, double seconds, uint64_t seed) {
  Score score;
  score.seconds = seconds;
  Rng rng = Rng(seed).Fork("score");
  double arousal = 0;
  for (const auto& b : beats) arousal += b.beat->emotion.arousal;
  arousal = beats.empty() ? 0.5 : arousal / static_cast<double>(beats.size());
  score.tempo_bpm = static_cast<int>(std::lround(72 + 48 * std::clamp(arousal, 0.0, 1.0)));
  const double beat_s = 60.0 / score.tempo_bpm;
  const int key = 45 + rng.Range(0, 11);  // the tonic, around A2..G#3
  const int variant = rng.Range(0, 2);

  for (const auto& b : beats) {
    Mood mood = MoodOf(b.beat->emotion);
    Voicing v = VoicingFor(mood);
    bool minor = b.beat->emotion.valence < 0;
    double a = std::clamp(b.beat->emotion.arousal, 0.0, 1.0);
    int velocity = static_cast<int>(std::lround(50 + 50 * a));
    score.programs.push_back({b.start_s, 0, v.pad});
    score.programs.push_back({b.start_s, 1, v.bass});
    score.programs.push_back({b.start_s, 2, v.arpeggio});
    // One chord a bar (4 beats), walking the progression.
    const auto& progression = Progression(minor, variant);
    int bar = 0;
    for (double t = b.start_s; t < b.end_s - 0.05; t += 4 * beat_s, ++bar) {
      double bar_end = std::min(b.end_s, t + 4 * beat_s);
      int root = progression[static_cast<size_t>(bar) % progression.size()];
      auto triad = Triad(root, minor);
      for (int note : triad) score.notes.push_back({t, bar_end - t, 0, key + 12 + note, velocity - 25});
      for (double q = t; q < bar_end - 0.01; q += 2 * beat_s)
        score.notes.push_back({q, std::min(2 * beat_s, bar_end - q) * 0.9, 1, key - 12 + triad[0], velocity - 10});
      int step = 0;
      for (double q = t; q < bar_end - 0.01; q += beat_s / v.subdivision, ++step) {
        int note = triad[static_cast<size_t>(step) % 3] + (step / 3 % 2) * 12;
        score.notes.push_back({q, beat_s / v.subdivision * 0.8, 2, key + 24 + note, velocity - 20});
      }
      if (v.drums)
        for (int k = 0; k < 4 && t + k * beat_s < bar_end - 0.01; ++k) {
          score.notes.push_back({t + k * beat_s, 0.1, 9, k % 2 == 0 ? 36 : 38, velocity - (k % 2 == 0 ? 10 : 30)});
        }
    }
    // A sting where the audience is paid, and on the cliffhanger.
    bool sting = !b.beat->satisfaction.empty() || b.beat->function == BeatFunction::kCliffhanger;
    if (sting) {
      ++score.stings;
      score.programs.push_back({b.start_s, 3, 55});  // orchestra hit
      for (int note : Triad(0, minor)) score.notes.push_back({b.start_s, 1.2, 3, key + 12 + note, 112});
      score.notes.push_back({b.start_s, 1.5, 9, 49, 100});  // crash cymbal
      if (b.beat->function == BeatFunction::kCliffhanger) score.notes.push_back({b.start_s, 1.5, 9, 47, 90});  // a tom under it
    }
  }
  // Nothing sounds past the end.
  std::vector<ScoreNote> kept;
  for (auto n : score.notes) {
    if (n.start_s >= seconds) continue;
    n.duration_s = std::min(n.duration_s, seconds - n.start_s);
    n.velocity = std::clamp(n.velocity, 1, 127);
    kept.push_back(n);
  }
  score.notes = std::move(kept);
  return score;
}

std::string WriteMidi(const Score& score) {
  constexpr int kTicks = 480;
  const double ticks_per_second = kTicks * score.tempo_bpm / 60.0;
  struct Event {
    int64_t tick;
    int order;  // at one tick: program changes, then note-offs, then note-ons
    std::string bytes;
  };
  std::vector<Event> events;
  auto tick = [&](double s) { return static_cast<int64_t>(std::llround(s * ticks_per_second)); };
  for (const auto& p : score.programs)
    events.push_back({tick(p.at_s), 0, {static_cast<char>(0xC0 | p.channel), static_cast<char>(p.program)}});
  for (const auto& n : score.notes) {
    events.push_back({tick(n.start_s), 2, {static_cast<char>(0x90 | n.channel), static_cast<char>(n.key), static_cast<char>(n.velocity)}});
    events.push_back({tick(n.start_s + n.duration_s), 1, {static_cast<char>(0x80 | n.channel), static_cast<char>(n.key), 0}});
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.tick != b.tick ? a.tick < b.tick : a.order < b.order; });
  auto varlen = [](int64_t v) {
    std::string out(1, static_cast<char>(v & 0x7F));
    while ((v >>= 7) > 0) out.insert(out.begin(), static_cast<char>((v & 0x7F) | 0x80));
    return out;
  };
  std::string track;
  int tempo_us = static_cast<int>(60000000 / score.tempo_bpm);
  track += std::string("\x00\xFF\x51\x03", 4);
  track += static_cast<char>((tempo_us >> 16) & 0xFF);
  track += static_cast<char>((tempo_us >> 8) & 0xFF);
  track += static_cast<char>(tempo_us & 0xFF);
  int64_t last = 0;
  for (const auto& e : events) {
    track += varlen(e.tick - last);
    track += e.bytes;
    last = e.tick;
  }
  track += std::string("\x00\xFF\x2F\x00", 4);
  auto be32 = [](uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
  };
  std::string out = "MThd" + be32(6) + std::string("\x00\x00\x00\x01", 4);
  out += static_cast<char>(kTicks >> 8);
  out += static_cast<char>(kTicks & 0xFF);
  out += "MTrk" + be32(static_cast<uint32_t>(track.size())) + track;
  return out;
}

Result<std::filesystem::path> FindSoundfont(const std::string& preferred) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!preferred.empty()) {
    if (fs::is_regular_file(preferred, ec)) return fs::path(preferred);
    return BadInput(preferred, "the soundfont named in reelwright.yaml (music.soundfont) does not exist");
  }
  for (const char* candidate : {"/usr/share/sounds/sf2/TimGM6mb.sf2", "/usr/share/sounds/sf2/default-GM.sf2",
                                "/usr/share/sounds/sf2/FluidR3_GM.sf2"})
    if (fs::is_regular_file(candidate, ec)) return fs::path(candidate);
  return Failed("no General MIDI soundfont found; install one with `apt-get install timgm6mb-soundfont` or name a .sf2 "
                "file in reelwright.yaml (music.soundfont)");
}

namespace {

struct SynthDeleter {
  void operator()(fluid_synth_t* s) const { delete_fluid_synth(s); }
};
struct SettingsDeleter {
  void operator()(fluid_settings_t* s) const { delete_fluid_settings(s); }
};

}  // namespace

Result<Pcm> RenderScore(const Score& score, const std::filesystem::path& soundfont, int sample_rate) {
  // FluidSynth logs to stderr by default; its errors reach the caller as results instead.
  for (int level = FLUID_PANIC; level <= FLUID_DBG; ++level) fluid_set_log_function(level, nullptr, nullptr);
  std::unique_ptr<fluid_settings_t, SettingsDeleter> settings(new_fluid_settings());
  if (!settings) return Failed("cannot create FluidSynth settings");
  fluid_settings_setnum(settings.get(), "synth.sample-rate", sample_rate);
  fluid_settings_setint(settings.get(), "synth.cpu-cores", 1);  // one thread: the same samples every run
  fluid_settings_setnum(settings.get(), "synth.gain", 0.5);
  std::unique_ptr<fluid_synth_t, SynthDeleter> synth(new_fluid_synth(settings.get()));
  if (!synth) return Failed("cannot create the FluidSynth synthesizer");
  if (fluid_synth_sfload(synth.get(), soundfont.c_str(), 1) == FLUID_FAILED)
    return Failed("FluidSynth cannot load the soundfont", soundfont.string());

  struct Event {
    int64_t frame;
    int order;  // program, off, on
    int channel, a, b;
  };
  std::vector<Event> events;
  auto frame = [&](double s) { return static_cast<int64_t>(std::llround(s * sample_rate)); };
  for (const auto& p : score.programs) events.push_back({frame(p.at_s), 0, p.channel, p.program, 0});
  for (const auto& n : score.notes) {
    events.push_back({frame(n.start_s), 2, n.channel, n.key, n.velocity});
    events.push_back({frame(n.start_s + n.duration_s), 1, n.channel, n.key, 0});
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.frame != b.frame ? a.frame < b.frame : a.order < b.order; });

  Pcm pcm;
  pcm.sample_rate = sample_rate;
  pcm.channels = 2;
  const int64_t total = frame(score.seconds);
  pcm.samples.resize(static_cast<size_t>(total) * 2);
  constexpr int kBlock = 64;
  std::vector<float> left(kBlock), right(kBlock);
  size_t next = 0;
  for (int64_t at = 0; at < total; at += kBlock) {
    for (; next < events.size() && events[next].frame <= at; ++next) {
      const Event& e = events[next];
      if (e.order == 0) fluid_synth_program_change(synth.get(), e.channel, e.a);
      else if (e.order == 1) fluid_synth_noteoff(synth.get(), e.channel, e.a);
      else fluid_synth_noteon(synth.get(), e.channel, e.a, e.b);
    }
    int n = static_cast<int>(std::min<int64_t>(kBlock, total - at));
    if (fluid_synth_write_float(synth.get(), n, left.data(), 0, 1, right.data(), 0, 1) != FLUID_OK)
      return Failed("FluidSynth failed while rendering the score");
    for (int i = 0; i < n; ++i) {
      pcm.samples[static_cast<size_t>(at + i) * 2] = static_cast<int16_t>(std::lround(std::clamp(left[static_cast<size_t>(i)], -1.0f, 1.0f) * 32767));
      pcm.samples[static_cast<size_t>(at + i) * 2 + 1] = static_cast<int16_t>(std::lround(std::clamp(right[static_cast<size_t>(i)], -1.0f, 1.0f) * 32767));
    }
  }
  return pcm;
}

}  // namespace rw
