// The storyboard painter: the embedded default of the "frames" stage (DESIGN.md §1). It paints
// one panel per shot with Cairo and Pango, offline and fast, so an episode can be cut, timed and
// reviewed before any image model runs.
//
// What a panel shows, so a person reads it at a glance:
// - a backdrop from the location kind (office, street, hall, home, hospital, rooftop,
//   restaurant, car, garden, bedroom, other), interior/exterior, time of day (DAY bright,
//   NIGHT dark and blue with lit windows, DUSK orange, DAWN pink) and the location palette;
// - the cast as stylized figures, facing each other when two or more share the frame (to the
//   camera when alone), their faces showing the beat's emotion (brows and mouth), the speaker's
//   mouth open by `mouth` (the clips stage animates it from the line's visemes); hair shape and colour from gender and look tokens ("long
//   black hair", "silver hair", "glasses", "trench coat", "银发"…), clothes in palette[0],
//   accent (tie, scarf, belt) in palette[1], a simple face; the speaker is lit, others a shade
//   darker;
// - framing by shot type: ECU eyes and nose fill the width; CU head and shoulders, head ~45% of
//   the height, speaker only; MCU chest up; MS waist up, at most two; MLS knees up, at most
//   three; LS full bodies with the set around them; WS tiny figures in a big set, names under
//   them. In a car the camera cannot stand back, so MLS/LS/WS are painted as MS;
// - the caption in a rounded translucent box in the upper third (subtitles go at the bottom
//   later), "Noto Sans CJK SC" so English and Chinese both render, wrapped, at most five lines
//   with an ellipsis; the shot label top-left and a location strip ("INT. OFFICE — NIGHT").
//
// Everything is laid out in a 1080-wide logical space scaled by width/1080, so 540x960 is the
// same picture at half size. Deterministic: the same spec gives identical pixels (small
// details such as lit windows and skyline heights come from rw::Rng seeded by spec.seed and the
// location name).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/image.h"
#include "base/result.h"
#include "schema/shots.h"

namespace rw {

struct PanelCharacter {
  std::string id;       // C01
  std::string name;     // shown small under the figure in wide shots
  std::string gender;   // "female" | "male" | other
  int age = 30;
  std::vector<std::string> palette;  // "#RRGGBB", main colour first (clothes), then accent (hair/tie)
  std::vector<std::string> look;     // tokens, e.g. "silver hair", "crimson trench coat"
  bool speaking = false;
  double mouth = -1;  // how open the mouth is, 0 (closed) … 1 (wide); < 0: open (0.6) while speaking
};

struct PanelSpec {
  int width = 1080, height = 1920;
  std::string shot_id;                 // "S007", drawn in the corner label
  ShotType type = ShotType::kMS;       // ECU, CU, MCU, MS, MLS, LS, WS
  CameraMove move = CameraMove::kStatic;
  std::string location_name;           // "PENTHOUSE OFFICE"
  std::string location_kind;           // office|street|hall|home|hospital|rooftop|restaurant|car|garden|bedroom|other
  bool interior = true;
  std::string time = "NIGHT";          // DAY, NIGHT, DUSK, DAWN
  std::vector<std::string> location_palette;
  std::vector<PanelCharacter> cast;    // speaker first
  std::string caption;                 // the shot's action or line, any language (English, Chinese…)
  std::string label;                   // e.g. "S007 · CU · push-in · 3.2s" corner label
  uint32_t seed = 0;                   // varies small details deterministically
  bool mirror = false;                 // the reverse angle: set and cast flipped left to right, text not
  std::string style = "storyboard";    // the series' look: storyboard, noir, warm, cool, pastel (PanelStyles)
  bool text = true;                    // false: no caption, corner label or scene strip (a picture for
                                       // an episode dubbed into another language)
  // The beat's emotion (beats.yaml), read on every face: valence -1 (despair) … +1 (triumph) bends
  // the mouth down or up; dark and heated knits the brows, dark and calm lifts their inner ends,
  // bright and heated raises them.
  double valence = 0, arousal = 0.5;
};

// The looks a series can have; each is a colour grade over the painted panel.
const std::vector<std::string>& PanelStyles();

// Paints a storyboard panel. Deterministic: same spec -> identical pixels.
// Fails (kBadInput) only for a size outside 16..8192 pixels a side.
Result<Image> PaintPanel(const PanelSpec& spec);

// How the caption of a panel `panel_width` pixels wide lays out, with the same font, size,
// width and line limit PaintPanel uses. For tests and for warnings ("caption cut", "no glyph
// for …").
struct CaptionLayoutInfo {
  int lines = 0;           // lines shown (at most kMaxCaptionLines)
  int unknown_glyphs = 0;  // characters no installed font could draw (tofu boxes)
  bool ellipsized = false; // the text did not fit and ends in "…"
  int height_px = 0;       // height of the caption box in panel pixels (0 when the caption is empty)
};
inline constexpr int kMaxCaptionLines = 5;
CaptionLayoutInfo MeasureCaption(const std::string& caption, int panel_width);

}  // namespace rw
