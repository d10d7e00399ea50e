// A seeded random generator whose output is the same on every machine and standard library.
//
// std::mt19937 is portable but std::uniform_int_distribution is not, and "same seed, same
// files" is a promise we make; so the generator (SplitMix64) and the few draws we need are ours.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace rw {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // A generator for a named sub-task, independent of how many draws the parent made.
  Rng Fork(std::string_view name) const;

  uint64_t Next();
  // Uniform in [0, n); n > 0.
  uint64_t Below(uint64_t n);
  // Uniform in [lo, hi].
  int Range(int lo, int hi);
  // Uniform in [0, 1).
  double Unit();
  bool Chance(double p) { return Unit() < p; }

  template <class T>
  const T& Pick(const std::vector<T>& items) { return items[Below(items.size())]; }
  template <class T>
  void Shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[Below(i)]);
  }

 private:
  uint64_t state_;
};

// A stable 64-bit hash of text (FNV-1a), for deriving seeds from names.
uint64_t StableHash64(std::string_view text);

}  // namespace rw
