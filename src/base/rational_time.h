// Time as a rational {value, rate}: `value` ticks of 1/rate seconds. One type for the timeline,
// subtitles and the renderer, so frame and sample positions are exact and never drift the way
// sums of floating-point seconds do.
#pragma once

#include <cstdint>
#include <string>

namespace rw {

struct RationalTime {
  int64_t value = 0;
  int64_t rate = 1;

  double Seconds() const { return static_cast<double>(value) / static_cast<double>(rate); }
  // The same instant at another rate, rounded to the nearest tick.
  RationalTime Rescaled(int64_t new_rate) const;
  int64_t Milliseconds() const { return Rescaled(1000).value; }

  static RationalTime FromSeconds(double seconds, int64_t rate);

  friend bool operator==(const RationalTime& a, const RationalTime& b) {
    return a.value * b.rate == b.value * a.rate;
  }
  friend bool operator<(const RationalTime& a, const RationalTime& b) {
    return a.value * b.rate < b.value * a.rate;
  }
};

// "HH:MM:SS,mmm" (SRT) or with '.' (WebVTT).
std::string FormatClock(int64_t milliseconds, char fraction_separator);
// "H:MM:SS.cc" (ASS centiseconds).
std::string FormatAssClock(int64_t milliseconds);

}  // namespace rw
