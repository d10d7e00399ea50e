#include "post/ff_ass.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <string>

#include "base/file.h"

namespace rw::ff {

namespace {

// libass reports font lookups and the like at levels above 1; only errors are worth a line.
void AssMessage(int level, const char* format, va_list args, void* /*data*/) {
  if (level > 1) return;
  std::fputs("libass: ", stderr);
  std::vfprintf(stderr, format, args);
  std::fputc('\n', stderr);
}

struct Yuv {
  int y, u, v;
};

// ASS colours are RGB (the scripts we write say "YCbCr Matrix: None"); the output is BT.709
// limited range.
Yuv ToYuv709(uint32_t rgba) {
  double r = (rgba >> 24) & 0xFF, g = (rgba >> 16) & 0xFF, b = (rgba >> 8) & 0xFF;
  double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  double u = (b - y) / 1.8556;
  double v = (r - y) / 1.5748;
  auto clamp = [](double x) { return std::clamp(static_cast<int>(x + 0.5), 0, 255); };
  return Yuv{clamp(16 + y * 219 / 255), clamp(128 + u * 224 / 255), clamp(128 + v * 224 / 255)};
}

inline uint8_t Mix(uint8_t dst, int value, int k) {  // k: coverage 0..255
  return static_cast<uint8_t>((dst * (255 - k) + value * k + 127) / 255);
}

void BlendImage(const ASS_Image& img, AVFrame* frame) {
  const int opacity = 255 - static_cast<int>(img.color & 0xFF);
  if (opacity == 0 || img.w <= 0 || img.h <= 0) return;
  const Yuv c = ToYuv709(img.color);
  // Luma, one pixel at a time.
  for (int row = 0; row < img.h; ++row) {
    const uint8_t* src = img.bitmap + static_cast<ptrdiff_t>(row) * img.stride;
    uint8_t* dst = frame->data[0] + static_cast<ptrdiff_t>(img.dst_y + row) * frame->linesize[0] + img.dst_x;
    for (int x = 0; x < img.w; ++x) {
      if (src[x] == 0) continue;
      int k = (src[x] * opacity + 127) / 255;
      dst[x] = Mix(dst[x], c.y, k);
    }
  }
  // Chroma, per 2×2 block, weighted by the block's mean coverage (pixels outside the bitmap
  // count as uncovered).
  const int cx0 = img.dst_x / 2, cx1 = (img.dst_x + img.w - 1) / 2;
  const int cy0 = img.dst_y / 2, cy1 = (img.dst_y + img.h - 1) / 2;
  for (int cy = cy0; cy <= cy1; ++cy) {
    uint8_t* du = frame->data[1] + static_cast<ptrdiff_t>(cy) * frame->linesize[1];
    uint8_t* dv = frame->data[2] + static_cast<ptrdiff_t>(cy) * frame->linesize[2];
    const int ly0 = cy * 2 - img.dst_y;  // bitmap rows ly0 and ly0+1
    for (int cx = cx0; cx <= cx1; ++cx) {
      const int lx0 = cx * 2 - img.dst_x;
      int sum = 0;
      for (int dy = 0; dy < 2; ++dy) {
        int ly = ly0 + dy;
        if (ly < 0 || ly >= img.h) continue;
        const uint8_t* src = img.bitmap + static_cast<ptrdiff_t>(ly) * img.stride;
        if (lx0 >= 0) sum += src[lx0];
        if (lx0 + 1 < img.w) sum += src[lx0 + 1];
      }
      if (sum == 0) continue;
      int k = (sum * opacity + 2 * 255) / (4 * 255);
      du[cx] = Mix(du[cx], c.u, k);
      dv[cx] = Mix(dv[cx], c.v, k);
    }
  }
}

// Override tags that change an event while it is on (fades, moves, transforms, karaoke).
bool MovesInTime(const std::string& text) {
  for (const char* tag : {"\\fad", "\\move", "\\t(", "\\k", "\\K"}) {
    if (text.find(tag) != std::string::npos) return true;
  }
  return false;
}

bool IsBlank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char ch) { return ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t'; });
}

}  // namespace

Result<std::unique_ptr<AssBurner>> AssBurner::Open(const std::filesystem::path& ass_file, int width, int height) {
  RW_ASSIGN(std::string text, ReadFile(ass_file));
  return FromScript(text, width, height, ass_file.string());
}

Result<std::unique_ptr<AssBurner>> AssBurner::FromScript(const std::string& text, int width, int height, const std::string& where) {
  std::unique_ptr<AssBurner> b(new AssBurner());
  if (IsBlank(text)) return b;

  b->library_.reset(ass_library_init());
  if (!b->library_) return Failed("cannot start libass", where);
  ass_set_message_cb(b->library_.get(), AssMessage, nullptr);
  b->renderer_.reset(ass_renderer_init(b->library_.get()));
  if (!b->renderer_) return Failed("cannot create the libass renderer", where);
  ass_set_frame_size(b->renderer_.get(), width, height);
  ass_set_storage_size(b->renderer_.get(), width, height);
  ass_set_fonts(b->renderer_.get(), nullptr, "Noto Sans CJK SC", ASS_FONTPROVIDER_AUTODETECT, nullptr, 1);
  std::string copy = text;  // ass_read_memory takes a mutable buffer
  b->track_.reset(ass_read_memory(b->library_.get(), copy.data(), copy.size(), nullptr));
  if (!b->track_) return BadInput(where, "libass cannot read this subtitle file (is it ASS/SSA?)");
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (text.compare(at, 9, "Dialogue:") != 0) b->header_.append(text, at, end - at).push_back('\n');
    at = end + 1;
  }
  return b;
}

void AssBurner::Burn(AVFrame* frame, int64_t ms) {
  if (!track_) return;
  int changed = 0;
  for (ASS_Image* img = ass_render_frame(renderer_.get(), track_.get(), ms, &changed); img != nullptr;
       img = img->next) {
    BlendImage(*img, frame);
  }
}

std::string AssBurner::Fingerprint(const std::vector<int64_t>& frame_ms) const {
  if (!track_) return "";
  std::string events;
  // In file order, which is what decides who yields when events collide.
  for (int i = 0; i < track_->n_events; ++i) {
    const ASS_Event& e = track_->events[i];
    const std::string text = e.Text ? e.Text : "", effect = e.Effect ? e.Effect : "";
    const bool moves = !effect.empty() || MovesInTime(text);
    std::string on;  // the frames it is on, and for a moving event how long it has been on
    for (size_t j = 0; j < frame_ms.size(); ++j) {
      const int64_t t = frame_ms[j];
      if (t < e.Start || t >= e.Start + e.Duration) continue;
      on += std::to_string(j);
      if (moves) {
        on += '@';
        on += std::to_string(t - e.Start);
      }
      on += ' ';
    }
    if (on.empty()) continue;
    events += std::to_string(e.Layer) + "," + std::to_string(e.Style) + "," + std::to_string(e.MarginL) + "," +
              std::to_string(e.MarginR) + "," + std::to_string(e.MarginV) + "," + (e.Name ? e.Name : "") + "," + effect +
              "," + text + " | " + on + "\n";
  }
  return events.empty() ? events : header_ + events;
}

}  // namespace rw::ff
