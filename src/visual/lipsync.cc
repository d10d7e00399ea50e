#include "visual/lipsync.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace rw {

double MouthOpenness(std::string_view viseme) {
  static constexpr std::pair<std::string_view, double> kOpen[] = {
      {"rest", 0}, {"MBP", 0}, {"FV", 0.2}, {"WQ", 0.3}, {"U", 0.35}, {"L", 0.4},
      {"etc", 0.4}, {"E", 0.45}, {"O", 0.75}, {"AI", 1}};
  for (const auto& [name, open] : kOpen)
    if (name == viseme) return open;
  return 0.4;
}

std::vector<uint8_t> MouthTrack(const std::vector<LineMouth>& lines, int frames, int fps) {
  std::vector<uint8_t> track(static_cast<size_t>(std::max(frames, 0)), 0);
  if (fps <= 0) return track;
  for (int i = 0; i < frames; ++i) {
    double t = static_cast<double>(i) / fps;
    for (const auto& line : lines) {
      if (t < line.start_s || t >= line.end_s) continue;
      double open = 0;
      for (const auto& v : line.visemes) {
        if (v.t > t - line.start_s) break;
        open = MouthOpenness(v.viseme);
      }
      // Nearest of the painted openings: below 0.25 closed, below 0.75 half.
      track[static_cast<size_t>(i)] = open < 0.25 ? 0 : (open < 0.75 ? 1 : 2);
      break;
    }
  }
  return track;
}

}  // namespace rw
