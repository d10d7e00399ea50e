#include "visual/yuv_picture.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#define RW_HAVE_SSSE3_PATH 1
#endif

namespace rw {

namespace {

// BT.709 limited range, 16-bit fixed point (coefficients x 65536).
constexpr int kYr = 11966, kYg = 40254, kYb = 4064;
constexpr int kUr = -6596, kUg = -22189, kUb = 28785;
constexpr int kVr = 28785, kVg = -26145, kVb = -2640;

uint8_t Clamp8(int v) { return static_cast<uint8_t>(std::clamp(v, 0, 255)); }

// One group of 16 output pixels of a horizontal pass: both taps of pixel k are at
// base + mask[k] and base + mask[k] + 1, weighted (64 - w, w), stored interleaved as
// pmaddubsw wants them.
struct Group {
  int32_t base;
  uint8_t mask[16];
  int8_t weights[32];
};

// The left source tap and the right tap's weight (0..64) of every output pixel on one axis.
void Taps(double center, double zoom, int out_n, int src_n, int* tap, uint8_t* weight) {
  for (int i = 0; i < out_n; ++i) {
    double s = center + (i + 0.5 - out_n / 2.0) / zoom - 0.5;
    s = std::clamp(s, -1.0, src_n - 1.0);
    int f = static_cast<int>(std::floor(s));
    int w = static_cast<int>(std::lround((s - f) * 64));
    if (w == 64) ++f, w = 0;
    tap[i] = f;
    weight[i] = static_cast<uint8_t>(w);
  }
}

// Groups for the SSSE3 horizontal pass; false when some group's taps span more than a shuffle
// reaches (zoom below 1).
bool MakeGroups(const int* tap, const uint8_t* weight, int out_n, Group* groups) {
  const int count = (out_n + 15) / 16;
  for (int g = 0; g < count; ++g) {
    Group& group = groups[g];
    group.base = tap[16 * g];
    for (int k = 0; k < 16; ++k) {
      const int i = std::min(16 * g + k, out_n - 1);
      const int offset = tap[i] - group.base;
      if (offset < 0 || offset > 15) return false;
      group.mask[k] = static_cast<uint8_t>(offset);
      group.weights[2 * k] = static_cast<int8_t>(64 - weight[i]);
      group.weights[2 * k + 1] = static_cast<int8_t>(weight[i]);
    }
  }
  return true;
}

void HorizontalPortable(const uint8_t* row, const int* tap, const uint8_t* weight, int out_n, uint8_t* out) {
  for (int i = 0; i < out_n; ++i) {
    const int w = weight[i];
    out[i] = static_cast<uint8_t>((row[tap[i]] * (64 - w) + row[tap[i] + 1] * w + 32) >> 6);
  }
}

void VerticalPortable(const uint8_t* a, const uint8_t* b, int w, int n, uint8_t* out) {
  for (int i = 0; i < n; ++i) out[i] = static_cast<uint8_t>((a[i] * (64 - w) + b[i] * w + 32) >> 6);
}

#if RW_HAVE_SSSE3_PATH
__attribute__((target("ssse3"))) void HorizontalSsse3(const uint8_t* row, const Group* groups, int out_n, uint8_t* out) {
  const __m128i round = _mm_set1_epi16(32);
  const int count = (out_n + 15) / 16;
  for (int g = 0; g < count; ++g) {
    const Group& group = groups[g];
    const __m128i mask = _mm_loadu_si128(reinterpret_cast<const __m128i*>(group.mask));
    __m128i left = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + group.base));
    __m128i right = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + group.base + 1));
    left = _mm_shuffle_epi8(left, mask);
    right = _mm_shuffle_epi8(right, mask);
    __m128i lo = _mm_maddubs_epi16(_mm_unpacklo_epi8(left, right),
                                   _mm_loadu_si128(reinterpret_cast<const __m128i*>(group.weights)));
    __m128i hi = _mm_maddubs_epi16(_mm_unpackhi_epi8(left, right),
                                   _mm_loadu_si128(reinterpret_cast<const __m128i*>(group.weights + 16)));
    lo = _mm_srli_epi16(_mm_add_epi16(lo, round), 6);
    hi = _mm_srli_epi16(_mm_add_epi16(hi, round), 6);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16 * g), _mm_packus_epi16(lo, hi));
  }
}

__attribute__((target("ssse3"))) void VerticalSsse3(const uint8_t* a, const uint8_t* b, int w, int n, uint8_t* out) {
  const __m128i round = _mm_set1_epi16(32);
  const __m128i weights = _mm_set1_epi16(static_cast<int16_t>((w << 8) | (64 - w)));
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i));
    const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    __m128i lo = _mm_maddubs_epi16(_mm_unpacklo_epi8(x, y), weights);
    __m128i hi = _mm_maddubs_epi16(_mm_unpackhi_epi8(x, y), weights);
    lo = _mm_srli_epi16(_mm_add_epi16(lo, round), 6);
    hi = _mm_srli_epi16(_mm_add_epi16(hi, round), 6);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_packus_epi16(lo, hi));
  }
  VerticalPortable(a + i, b + i, w, n - i, out + i);
}

bool HaveSsse3() {
  static const bool have = __builtin_cpu_supports("ssse3");
  return have;
}
#endif

// Draws plane `p` of `picture` (and, for chroma, plane 3 - p with the same taps).
void DrawPlanes(const YuvPicture& picture, const ZoomView& view, const YuvPlanes& out, ZoomScratch* scratch,
                bool chroma, bool simd) {
  const int first = chroma ? 1 : 0;
  const int w = picture.PlaneWidth(first), h = picture.PlaneHeight(first);
  const double scale = chroma ? 0.5 : 1.0;
  const int padded = (w + 15) / 16 * 16;
  scratch->columns.resize(static_cast<size_t>(w) + h);
  scratch->weights.resize(static_cast<size_t>(w) + h);
  int* col = scratch->columns.data();
  uint8_t* col_w = scratch->weights.data();
  int* row_tap = col + w;
  uint8_t* row_w = col_w + w;
  Taps(view.center_x * scale, view.zoom, w, w, col, col_w);
  Taps(view.center_y * scale, view.zoom, h, h, row_tap, row_w);

  const Group* groups = nullptr;
#if RW_HAVE_SSSE3_PATH
  if (simd) {
    scratch->tables.resize(sizeof(Group) * static_cast<size_t>(padded / 16));
    auto* g = reinterpret_cast<Group*>(scratch->tables.data());
    if (MakeGroups(col, col_w, w, g)) groups = g;
  }
#else
  simd = false;
#endif
  scratch->rows.resize(2 * static_cast<size_t>(padded));
  for (int p = first; p <= (chroma ? 2 : 0); ++p) {
    uint8_t* slot[2] = {scratch->rows.data(), scratch->rows.data() + padded};
    int held[2] = {-1, -1};  // the source row each slot holds
    auto resampled = [&](int r) -> const uint8_t* {
      for (int s = 0; s < 2; ++s) {
        if (held[s] == r) return slot[s];
      }
      // Replace the slot holding the lower row: rows only move down the picture.
      const int s = held[0] < held[1] ? 0 : 1;
      held[s] = r;
#if RW_HAVE_SSSE3_PATH
      if (groups != nullptr) {
        HorizontalSsse3(picture.Row(p, r), groups, w, slot[s]);
        return slot[s];
      }
#endif
      HorizontalPortable(picture.Row(p, r), col, col_w, w, slot[s]);
      return slot[s];
    };
    for (int y = 0; y < h; ++y) {
      const int r0 = std::clamp(row_tap[y], 0, h - 1), r1 = std::clamp(row_tap[y] + 1, 0, h - 1);
      const uint8_t* a = resampled(r0);
      const uint8_t* b = row_w[y] == 0 ? a : resampled(r1);
      uint8_t* dst = out.data[p] + static_cast<ptrdiff_t>(y) * out.stride[p];
#if RW_HAVE_SSSE3_PATH
      if (simd) {
        VerticalSsse3(a, b, row_w[y], w, dst);
        continue;
      }
#endif
      VerticalPortable(a, b, row_w[y], w, dst);
    }
  }
}

}  // namespace

void YuvPicture::Allocate(int width, int height) {
  width_ = width;
  height_ = height;
  for (int p = 0; p < 3; ++p) {
    strides_[p] = static_cast<size_t>(kPadLeft + PlaneWidth(p) + kPadRight);
    planes_[p].assign(strides_[p] * PlaneHeight(p), 0);
  }
}

void YuvPicture::PadRows() {
  for (int p = 0; p < 3; ++p) {
    const int w = PlaneWidth(p);
    for (int y = 0; y < PlaneHeight(p); ++y) {
      uint8_t* row = Row(p, y);
      std::memset(row - kPadLeft, row[0], kPadLeft);
      std::memset(row + w, row[w - 1], kPadRight);
    }
  }
}

YuvPicture YuvPicture::FromImage(const Image& image) {
  YuvPicture out;
  out.Allocate(image.width, image.height);
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* src = image.Row(y);
    uint8_t* dst = out.Row(0, y);
    for (int x = 0; x < image.width; ++x) {
      const int b = src[4 * x], g = src[4 * x + 1], r = src[4 * x + 2];
      dst[x] = Clamp8(16 + ((kYr * r + kYg * g + kYb * b + 32768) >> 16));
    }
  }
  // Chroma from each 2x2 block's mean colour.
  for (int y = 0; y < image.height / 2; ++y) {
    const uint8_t* top = image.Row(2 * y);
    const uint8_t* bottom = image.Row(2 * y + 1);
    uint8_t* u = out.Row(1, y);
    uint8_t* v = out.Row(2, y);
    for (int x = 0; x < image.width / 2; ++x) {
      const int i = 8 * x;
      const int b = top[i] + top[i + 4] + bottom[i] + bottom[i + 4];
      const int g = top[i + 1] + top[i + 5] + bottom[i + 1] + bottom[i + 5];
      const int r = top[i + 2] + top[i + 6] + bottom[i + 2] + bottom[i + 6];
      u[x] = Clamp8(128 + ((kUr * r + kUg * g + kUb * b + 131072) >> 18));
      v[x] = Clamp8(128 + ((kVr * r + kVg * g + kVb * b + 131072) >> 18));
    }
  }
  out.PadRows();
  return out;
}

void DrawZoomed(const YuvPicture& picture, const ZoomView& view, const YuvPlanes& out, ZoomScratch* scratch) {
#if RW_HAVE_SSSE3_PATH
  const bool simd = HaveSsse3();
#else
  const bool simd = false;
#endif
  DrawPlanes(picture, view, out, scratch, false, simd);
  DrawPlanes(picture, view, out, scratch, true, simd);
}

void DrawZoomedPortable(const YuvPicture& picture, const ZoomView& view, const YuvPlanes& out, ZoomScratch* scratch) {
  DrawPlanes(picture, view, out, scratch, false, false);
  DrawPlanes(picture, view, out, scratch, true, false);
}

}  // namespace rw
