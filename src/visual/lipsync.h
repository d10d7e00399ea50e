// Lip-sync for the built-in engines: how open the speaker's mouth is on each frame of a shot,
// from the mouth shapes (visemes, Preston Blair set) the voice stage writes beside each line
// (voice/Lnnn.visemes.json).
//
// The painter draws the mouth at three openings (kMouthOpenings: closed, half, open); a frame
// takes the opening nearest its viseme's. Outside a line the mouth is closed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rw {

inline constexpr double kMouthOpenings[] = {0, 0.5, 1};

// How open a viseme holds the mouth, 0 … 1: rest and MBP closed, FV 0.2, WQ 0.3, U 0.35, L and
// etc 0.4, E 0.45, O 0.75, AI 1. An unknown name counts as etc.
double MouthOpenness(std::string_view viseme);

struct TimedViseme {
  double t = 0;  // seconds from the line's start
  std::string viseme;
};

// A line spoken over a shot, in the shot's seconds.
struct LineMouth {
  double start_s = 0;
  double end_s = 0;
  std::vector<TimedViseme> visemes;  // in time order
};

// One index into kMouthOpenings per frame (frame i is at i / fps seconds into the shot).
std::vector<uint8_t> MouthTrack(const std::vector<LineMouth>& lines, int frames, int fps);

}  // namespace rw
