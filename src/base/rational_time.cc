#include "base/rational_time.h"

#include <cmath>
#include <cstdio>

namespace rw {

RationalTime RationalTime::Rescaled(int64_t new_rate) const {
  if (new_rate == rate) return *this;
  // Round half away from zero, in integers.
  __int128 num = static_cast<__int128>(value) * new_rate;
  __int128 q = (num * 2 + (num >= 0 ? rate : -rate)) / (2 * static_cast<__int128>(rate));
  return RationalTime{static_cast<int64_t>(q), new_rate};
}

RationalTime RationalTime::FromSeconds(double seconds, int64_t rate) {
  return RationalTime{static_cast<int64_t>(std::llround(seconds * static_cast<double>(rate))), rate};
}

std::string FormatClock(int64_t ms, char sep) {
  if (ms < 0) ms = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld%c%03lld", static_cast<long long>(ms / 3600000),
                static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60), sep,
                static_cast<long long>(ms % 1000));
  return buf;
}

std::string FormatAssClock(int64_t ms) {
  if (ms < 0) ms = 0;
  int64_t cs = (ms + 5) / 10;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld.%02lld", static_cast<long long>(cs / 360000),
                static_cast<long long>(cs / 6000 % 60), static_cast<long long>(cs / 100 % 60),
                static_cast<long long>(cs % 100));
  return buf;
}

}  // namespace rw
