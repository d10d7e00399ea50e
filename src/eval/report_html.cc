// HTML reports for the evaluation (DESIGN.md §5): one page per episode and one for the series.
// Each page is self-contained — inline CSS and inline SVG, no script, no external resource — so
// a creator can open it offline or print it. Every piece of text from the report is escaped, so
// the only '<' and '>' on a page are the ones of its own markup.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "eval/eval.h"

namespace rw {
namespace {

// ---- text and numbers ----

// Escapes text for element content and quoted attribute values. UTF-8 passes through untouched;
// C0 control characters other than tab and newline are dropped (they are invalid in HTML).
std::string Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t':
      case '\n': out += c; break;
      case '\r': out += '\n'; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
    }
  }
  return out;
}

// A number with up to `decimals` decimals, trailing zeros trimmed: 1.5, 2, 0.25. "–" when not finite.
std::string Num(double v, int decimals = 2) {
  if (!std::isfinite(v)) return "–";
  v = std::clamp(v, -1e12, 1e12);
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  if (n <= 0) return "–";
  std::string s(buf);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// An SVG coordinate or length (one decimal; 0 when not finite).
std::string Coord(double v) { return Num(std::isfinite(v) ? v : 0, 1); }

double Clamp01(double v) { return std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : 0; }

std::string Plural(int n, const char* one, const char* many) {
  std::string out = std::to_string(n);
  out += ' ';
  out += n == 1 ? one : many;
  return out;
}

// ---- score colours: < 50 red, 50–74 amber, >= 75 green ----
// The band follows the printed (rounded) number, so a cell showing 75 is never amber.

enum class Band { kNone, kRed, kAmber, kGreen };

Band ScoreBand(double score) {
  if (!std::isfinite(score)) return Band::kNone;
  double shown = std::round(score);
  if (shown < 50) return Band::kRed;
  if (shown < 75) return Band::kAmber;
  return Band::kGreen;
}

// CSS class of a band: s-red, s-amber, s-green (defined in kCss), s-none.
const char* ScoreClass(double score) {
  switch (ScoreBand(score)) {
    case Band::kRed: return "s-red";
    case Band::kAmber: return "s-amber";
    case Band::kGreen: return "s-green";
    case Band::kNone: break;
  }
  return "s-none";
}

// The strong colour of a band, for bars and SVG marks.
const char* ScoreColour(double score) {
  switch (ScoreBand(score)) {
    case Band::kRed: return "#d64541";
    case Band::kAmber: return "#e0a018";
    case Band::kGreen: return "#2e9d57";
    case Band::kNone: break;
  }
  return "#9e9e9e";
}

std::string ScoreText(double score) { return std::isfinite(score) ? Num(std::round(score), 0) : "–"; }

// One colour per beat function; grey for anything else.
const char* FunctionColour(const std::string& function) {
  static const std::pair<const char*, const char*> kColours[] = {
      {"hook", "#7e57c2"},   {"setup", "#78909c"},  {"conflict", "#ef6c00"},   {"reversal", "#00897b"},
      {"payoff", "#43a047"}, {"climax", "#c62828"}, {"cliffhanger", "#1e66c8"},
  };
  for (const auto& [name, colour] : kColours)
    if (function == name) return colour;
  return "#9e9e9e";
}
constexpr const char* kFunctions[] = {"hook", "setup", "conflict", "reversal", "payoff", "climax", "cliffhanger"};

// ---- page frame ----

// No child combinators, no url(), no comments with slashes: the page must hold no '>' of its own
// outside tags and nothing that looks like a link.
constexpr char kCss[] = R"(
:root { --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 24px 32px 48px; max-width: 1200px; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif; }
h1 { font-size: 26px; margin: 4px 0; line-height: 1.25; }
h2 { font-size: 19px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 0; }
.series { color: var(--muted); font-size: 14px; margin: 0; }
.meta { color: var(--muted); margin: 4px 0 0; }
header.top { display: flex; justify-content: space-between; align-items: center; gap: 24px; }
.overall { text-align: center; min-width: 130px; padding: 8px 16px; border-radius: 12px; border: 3px solid; }
.overall .num { display: block; font-size: 48px; font-weight: 700; line-height: 1.1; }
.overall .lbl { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; }
.s-red { background: #fbe3e1; color: #8e1b12; border-color: #d64541; }
.s-amber { background: #fdf0cf; color: #6b4600; border-color: #e0a018; }
.s-green { background: #d9f0e1; color: #17512d; border-color: #2e9d57; }
.s-none { background: #eee; color: #555; border-color: #9e9e9e; }
.legend-scores { font-size: 13px; color: var(--muted); margin-top: 8px; }
.chip { display: inline-block; padding: 0 8px; border-radius: 8px; margin-right: 6px; border: 1px solid; }
ol.fixes { padding-left: 28px; margin: 0; }
ol.fixes li { margin: 6px 0; }
.cost { display: inline-block; min-width: 64px; font-weight: 600; color: #8e1b12; font-variant-numeric: tabular-nums; }
.tag { display: inline-block; font-size: 12px; padding: 0 7px; border-radius: 8px; background: var(--bg);
  border: 1px solid var(--line); color: var(--muted); margin-right: 6px; }
.empty-note { color: var(--muted); font-style: italic; }
figure { margin: 0 0 20px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg.chart { display: block; width: 100%; max-width: 960px; height: auto; background: #fff; }
.card { border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; margin: 0 0 12px; break-inside: avoid; }
.dim-head { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.dim-head h3 { min-width: 110px; }
.bar { flex: 0 0 240px; height: 12px; background: #eceff1; border-radius: 6px; overflow: hidden; }
.bar span { display: block; height: 100%; }
.score { font-weight: 700; font-size: 18px; padding: 0 10px; border-radius: 8px; border: 1px solid; font-variant-numeric: tabular-nums; }
.badge { font-size: 12px; padding: 1px 8px; border-radius: 8px; background: #ede7f6; color: #4527a0; border: 1px solid #b39ddb; }
.formula { color: var(--muted); font-size: 14px; margin: 6px 0; }
ul.reasons { margin: 4px 0; padding-left: 22px; }
details { margin-top: 6px; font-size: 14px; }
summary { cursor: pointer; color: var(--muted); }
table { border-collapse: collapse; }
table.metrics td { padding: 1px 12px 1px 0; }
table.metrics td.v { text-align: right; font-variant-numeric: tabular-nums; }
table.heat { width: 100%; font-size: 14px; }
table.heat th, table.heat td { border: 1px solid #fff; padding: 4px 6px; }
table.heat th { background: var(--bg); font-weight: 600; text-align: left; }
table.heat th.dimname { text-align: center; font-size: 12px; }
table.heat td.cell { text-align: center; font-weight: 600; font-variant-numeric: tabular-nums; min-width: 56px; }
table.heat td.blank { background: #fafafa; }
table.heat td.num { text-align: right; }
.print-only { display: none; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print {
  body { max-width: none; padding: 0; font-size: 12px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  details { display: none; }
  .print-only { display: block; }
  a { color: inherit; text-decoration: none; }
}
)";

void PageOpen(std::string& out, const std::string& title, const std::string& lang) {
  out += "<!DOCTYPE html>\n<html";
  if (!lang.empty()) {
    out += " lang=\"";
    out += Escape(lang);
    out += '"';
  }
  out += ">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  out += Escape(title);
  out += "</title>\n<style>";
  out += kCss;
  out += "</style>\n</head>\n<body>\n";
}

void PageClose(std::string& out) {
  out += "<footer>Reelwright evaluation report (";
  out += SeriesReport::kSchema;
  out += "). Scores are 0–100: below 50 red, 50–74 amber, 75 and up green.</footer>\n</body>\n</html>\n";
}

void OverallBox(std::string& out, double score) {
  out += "<div class=\"overall ";
  out += ScoreClass(score);
  out += "\"><span class=\"num\">";
  out += ScoreText(score);
  out += "</span><span class=\"lbl\">overall</span></div>\n";
}

void ScoreLegend(std::string& out) {
  out += "<div class=\"legend-scores\">Scores: <span class=\"chip s-red\">below 50</span>"
         "<span class=\"chip s-amber\">50–74</span><span class=\"chip s-green\">75 and up</span></div>\n";
}

// ---- fixes ----

void Fixes(std::string& out, const std::vector<Finding>& fixes, size_t limit, bool show_episode) {
  out += "<h2>Fix these first</h2>\n";
  if (fixes.empty()) {
    out += "<p class=\"empty-note\">Nothing to fix.</p>\n";
    return;
  }
  out += "<ol class=\"fixes\">\n";
  for (size_t i = 0; i < fixes.size() && i < limit; ++i) {
    const Finding& f = fixes[i];
    out += "<li><span class=\"cost\" title=\"points of the overall score it costs\">−";
    out += Num(f.cost, 1);
    out += " pts</span> ";
    if (show_episode && f.episode != 0) {
      out += "<span class=\"tag\">Ep ";
      out += std::to_string(f.episode);
      out += "</span>";
    }
    out += "<span class=\"tag\">";
    out += Escape(f.dimension);
    out += "</span>";
    out += Escape(f.message);
    out += "</li>\n";
  }
  out += "</ol>\n";
  if (fixes.size() > limit) {
    out += "<p class=\"empty-note\">and ";
    out += std::to_string(fixes.size() - limit);
    out += " smaller ones.</p>\n";
  }
}

// ---- dimension cards ----

void MetricsTable(std::string& out, const std::map<std::string, double>& metrics) {
  out += "<table class=\"metrics\">";
  for (const auto& [key, value] : metrics) {
    out += "<tr><td>";
    out += Escape(key);
    out += "</td><td class=\"v\">";
    out += Num(value, 2);
    out += "</td></tr>";
  }
  out += "</table>";
}

void DimensionCard(std::string& out, const Dimension& d) {
  out += "<section class=\"card dim\">\n<div class=\"dim-head\"><h3>";
  out += Escape(d.name);
  out += "</h3><div class=\"bar\"><span style=\"width:";
  out += Num(std::isfinite(d.score) ? std::clamp(d.score, 0.0, 100.0) : 0, 1);
  out += "%;background:";
  out += d.scored ? ScoreColour(d.score) : "#5b7fa6";
  out += "\"></span></div><span class=\"score ";
  out += d.scored ? ScoreClass(d.score) : "s-none";
  out += "\">";
  out += ScoreText(d.score);
  out += "</span>";
  if (d.heuristic) out += "<span class=\"badge\" title=\"an approximation, not a measurement\">heuristic</span>";
  if (!d.scored) out += "<span class=\"badge\" title=\"not part of the overall score\">reported, not scored</span>";
  out += "</div>\n";
  if (!d.formula.empty()) {
    out += "<p class=\"formula\">";
    out += Escape(d.formula);
    out += "</p>\n";
  }
  if (!d.reasons.empty()) {
    out += "<ul class=\"reasons\">";
    for (const auto& r : d.reasons) {
      out += "<li>";
      out += Escape(r);
      out += "</li>";
    }
    out += "</ul>\n";
  }
  if (!d.metrics.empty()) {
    out += "<details><summary>metrics (";
    out += std::to_string(d.metrics.size());
    out += ")</summary>";
    MetricsTable(out, d.metrics);
    out += "</details>\n<div class=\"print-only\">";  // details stay closed in print: repeat the table
    MetricsTable(out, d.metrics);
    out += "</div>\n";
  }
  out += "</section>\n";
}

void Dimensions(std::string& out, const std::vector<Dimension>& dimensions, const char* heading) {
  out += "<h2>";
  out += heading;
  out += "</h2>\n";
  if (dimensions.empty()) out += "<p class=\"empty-note\">No dimensions scored.</p>\n";
  for (const auto& d : dimensions) DimensionCard(out, d);
}

// ---- SVG ----

// A small SVG writer: every method appends one element; text is escaped here.
class Svg {
 public:
  Svg(int width, int height, const std::string& label) {
    out_ += "<svg class=\"chart\" viewBox=\"0 0 ";
    out_ += std::to_string(width);
    out_ += ' ';
    out_ += std::to_string(height);
    out_ += "\" width=\"";
    out_ += std::to_string(width);
    out_ += "\" height=\"";
    out_ += std::to_string(height);
    out_ += "\" role=\"img\" aria-label=\"";
    out_ += Escape(label);
    out_ += "\" font-size=\"12\">\n";
  }

  void Line(double x1, double y1, double x2, double y2, const char* stroke, double width = 1,
            const char* dash = nullptr) {
    out_ += "<line";
    Attr("x1", x1);
    Attr("y1", y1);
    Attr("x2", x2);
    Attr("y2", y2);
    Attr("stroke", stroke);
    Attr("stroke-width", width);
    if (dash) Attr("stroke-dasharray", dash);
    out_ += "/>\n";
  }

  // A rectangle; `tooltip` (escaped) becomes its <title>. `extra` adds raw attributes.
  void Rect(double x, double y, double w, double h, const char* fill, const std::string& tooltip = {},
            const char* extra = "") {
    out_ += "<rect";
    Attr("x", x);
    Attr("y", y);
    Attr("width", std::max(w, 0.0));
    Attr("height", std::max(h, 0.0));
    Attr("fill", fill);
    out_ += extra;
    Close("rect", tooltip);
  }

  void Circle(double cx, double cy, double r, const char* fill, const char* stroke, const std::string& tooltip = {}) {
    out_ += "<circle";
    Attr("cx", cx);
    Attr("cy", cy);
    Attr("r", r);
    Attr("fill", fill);
    Attr("stroke", stroke);
    Attr("stroke-width", 1.5);
    Close("circle", tooltip);
  }

  // A five-pointed star centred on (cx, cy).
  void Star(double cx, double cy, double r, const char* fill, const std::string& tooltip) {
    std::vector<std::pair<double, double>> pts;
    for (int i = 0; i < 10; ++i) {
      double a = -std::numbers::pi / 2 + i * std::numbers::pi / 5;
      double ri = i % 2 == 0 ? r : r * 0.45;
      pts.emplace_back(cx + ri * std::cos(a), cy + ri * std::sin(a));
    }
    out_ += "<polygon";
    Attr("points", Points(pts));
    Attr("fill", fill);
    Attr("stroke", "#7a5a00");
    Close("polygon", tooltip);
  }

  void Polyline(const std::vector<std::pair<double, double>>& pts, const char* stroke, double width) {
    if (pts.empty()) return;
    out_ += "<polyline";
    Attr("points", Points(pts));
    Attr("fill", "none");
    Attr("stroke", stroke);
    Attr("stroke-width", width);
    Attr("stroke-linejoin", "round");
    out_ += "/>\n";
  }

  // Text at (x, y). anchor: start, middle, end. `attrs` adds raw attributes (fill, transform, …).
  void Text(double x, double y, const std::string& text, const char* anchor = "start", const std::string& attrs = {}) {
    out_ += "<text";
    Attr("x", x);
    Attr("y", y);
    Attr("text-anchor", anchor);
    if (!attrs.empty()) {
      out_ += ' ';
      out_ += attrs;
    }
    out_ += '>';
    out_ += Escape(text);
    out_ += "</text>\n";
  }

  std::string Done() {
    out_ += "</svg>\n";
    return std::move(out_);
  }

 private:
  void Attr(const char* name, std::string_view value) {
    out_ += ' ';
    out_ += name;
    out_ += "=\"";
    out_ += Escape(value);
    out_ += '"';
  }
  void Attr(const char* name, const char* value) { Attr(name, std::string_view(value)); }
  void Attr(const char* name, double value) { Attr(name, Coord(value)); }

  static std::string Points(const std::vector<std::pair<double, double>>& pts) {
    std::string out;
    for (const auto& [x, y] : pts) {
      if (!out.empty()) out += ' ';
      out += Coord(x);
      out += ',';
      out += Coord(y);
    }
    return out;
  }

  void Close(const char* tag, const std::string& tooltip) {
    if (tooltip.empty()) {
      out_ += "/>\n";
      return;
    }
    out_ += "><title>";
    out_ += Escape(tooltip);
    out_ += "</title></";
    out_ += tag;
    out_ += ">\n";
  }

  std::string out_;
};

std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out += p;
  return out;
}

// A transform attribute rotating by `degrees` around (x, y).
std::string Rotate(double degrees, double x, double y) {
  return Cat({"transform=\"rotate(", Num(degrees, 0), " ", Coord(x), " ", Coord(y), ")\""});
}

constexpr char kHalo[] = "paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\"";

// The time span a chart covers: the episode's length, else what the data reaches, else 10 s.
double TimeSpan(const EpisodeReport& e) {
  if (std::isfinite(e.seconds) && e.seconds > 0) return e.seconds;
  double span = 0;
  auto reach = [&span](double t) {
    if (std::isfinite(t)) span = std::max(span, t);
  };
  for (const auto& p : e.emotion) reach(p.t);
  for (const auto& b : e.beats) reach(b.end_s);
  for (const auto& l : e.landings) {
    reach(l.at_s);
    reach(l.limit_s);
  }
  return span > 0 ? span : 10;
}

// Time axis: a tick every 10 s; labels thinned so that at most ~24 are printed.
void TimeAxis(Svg& svg, double span, double x0, double width, double y, double label_y) {
  int ticks = static_cast<int>(std::floor(span / 10 + 1e-9)) + 1;
  int every = std::max(1, (ticks + 23) / 24);
  for (int i = 0; i < ticks; ++i) {
    double x = x0 + (i * 10.0 / span) * width;
    bool labelled = i % every == 0;
    svg.Line(x, y, x, y + (labelled ? 6 : 3), "#59636e");
    if (labelled) svg.Text(x, label_y, std::to_string(i * 10), "middle", "fill=\"#59636e\"");
  }
}

// a. Valence and arousal over time, with the beats as dashed lines.
std::string EmotionChart(const EpisodeReport& e) {
  constexpr double W = 960, H = 330, L = 60, R = 60, T = 34, B = 76;
  constexpr double pw = W - L - R, ph = H - T - B;
  const double span = TimeSpan(e);
  auto X = [&](double t) { return L + Clamp01(t / span) * pw; };
  auto Yv = [&](double v) { return T + (1 - Clamp01((v + 1) / 2)) * ph; };
  auto Ya = [&](double a) { return T + (1 - Clamp01(a)) * ph; };
  const char* kValence = "#2f6fd0";
  const char* kArousal = "#e0762b";

  Svg svg(W, H, "Emotion curve: valence and arousal over time, with beat starts");
  svg.Rect(L, T, pw, ph, "#fbfcfd", {}, " stroke=\"#d8dee4\"");
  for (int i = 0; i <= 4; ++i) {  // valence −1, −0.5, 0, +0.5, +1 — arousal 0, .25, .5, .75, 1
    double y = T + ph - i * ph / 4;
    svg.Line(L, y, L + pw, y, i == 2 ? "#b0b8c0" : "#e6eaee", 1, i == 2 ? "2 2" : nullptr);
    static const char* kValenceLabels[] = {"−1", "−0.5", "0", "+0.5", "+1"};
    static const char* kArousalLabels[] = {"0", "0.25", "0.5", "0.75", "1"};
    svg.Text(L - 6, y + 4, kValenceLabels[i], "end", Cat({"fill=\"", kValence, "\""}));
    svg.Text(L + pw + 6, y + 4, kArousalLabels[i], "start", Cat({"fill=\"", kArousal, "\""}));
  }
  TimeAxis(svg, span, L, pw, T + ph, T + ph + 20);
  svg.Text(L + pw / 2, T + ph + 38, "time (s)", "middle", "fill=\"#59636e\"");
  svg.Text(16, T + ph / 2, "valence (−1 … +1)", "middle", Cat({"fill=\"", kValence, "\" ", Rotate(-90, 16, T + ph / 2)}));
  svg.Text(W - 12, T + ph / 2, "arousal (0 … 1)", "middle",
           Cat({"fill=\"", kArousal, "\" ", Rotate(90, W - 12, T + ph / 2)}));

  for (const auto& b : e.beats) {
    double x = X(b.start_s);
    svg.Line(x, T, x, T + ph, "#6b7580", 1, "4 3");
    std::string label = b.id;
    label += ' ';
    label += b.function;
    svg.Text(x + 3, T + 4, label, "start", Cat({"fill=\"#3d444d\" font-size=\"11\" ", kHalo, " ", Rotate(90, x + 3, T + 4)}));
    if (!b.satisfaction.empty()) {
      std::string tip = b.id;
      tip += " satisfaction: ";
      tip += b.satisfaction;
      svg.Star(x, T - 12, 8, "#f5b400", tip);
    }
  }

  std::vector<EmotionPoint> points = e.emotion;
  std::stable_sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
  std::vector<std::pair<double, double>> valence, arousal;
  for (const auto& p : points) {
    valence.emplace_back(X(p.t), Yv(p.valence));
    arousal.emplace_back(X(p.t), Ya(p.arousal));
  }
  svg.Polyline(arousal, kArousal, 2);
  svg.Polyline(valence, kValence, 2.5);
  if (points.size() == 1) {  // a single point draws no line
    svg.Circle(valence[0].first, valence[0].second, 3, kValence, kValence);
    svg.Circle(arousal[0].first, arousal[0].second, 3, kArousal, kArousal);
  }
  if (points.empty()) svg.Text(L + pw / 2, T + ph / 2, "no emotion data", "middle", "fill=\"#8c959f\" font-size=\"14\"");

  double ly = H - 12;  // legend
  svg.Line(L, ly - 4, L + 24, ly - 4, kValence, 2.5);
  svg.Text(L + 30, ly, "valence");
  svg.Line(L + 110, ly - 4, L + 134, ly - 4, kArousal, 2);
  svg.Text(L + 140, ly, "arousal");
  svg.Line(L + 220, ly - 10, L + 220, ly + 2, "#6b7580", 1, "4 3");
  svg.Text(L + 228, ly, "beat start");
  svg.Star(L + 324, ly - 4, 7, "#f5b400", "");
  svg.Text(L + 336, ly, "satisfaction beat (hover for its type)");
  return svg.Done();
}

// b. The beats as segments on a 0..seconds bar, and where each rhythm mark landed.
std::string RhythmChart(const EpisodeReport& e) {
  constexpr double W = 960, L = 130, R = 20, Y0 = 12, BH = 30, kRow = 26;
  constexpr double pw = W - L - R;
  const double span = TimeSpan(e);
  auto X = [&](double t) { return L + Clamp01(t / span) * pw; };
  const double rows_y = Y0 + BH + 52;
  const double legend_y = rows_y + std::max<size_t>(e.landings.size(), 1) * kRow + 14;
  const double H = legend_y + 14;

  Svg svg(W, static_cast<int>(H), "Rhythm: beats on the time line and where the rhythm marks landed");
  svg.Rect(L, Y0, pw, BH, "#eceff1");
  svg.Text(L - 10, Y0 + BH / 2 + 4, "beats", "end", "font-weight=\"600\"");
  for (const auto& b : e.beats) {
    double x1 = X(b.start_s), x2 = X(b.end_s);
    std::string tip = b.id;
    tip += ' ';
    tip += b.function;
    tip += ": ";
    tip += Num(b.start_s, 1);
    tip += "–";
    tip += Num(b.end_s, 1);
    tip += " s";
    if (!b.satisfaction.empty()) {
      tip += ", satisfaction: ";
      tip += b.satisfaction;
    }
    svg.Rect(x1, Y0, std::max(x2 - x1, 1.0), BH, FunctionColour(b.function), tip, " stroke=\"#fff\"");
    if (x2 - x1 >= 30) svg.Text((x1 + x2) / 2, Y0 + BH / 2 + 4, b.id, "middle", "fill=\"#fff\" font-size=\"11\"");
  }
  if (e.beats.empty()) svg.Text(L + pw / 2, Y0 + BH / 2 + 4, "no beats", "middle", "fill=\"#8c959f\"");
  TimeAxis(svg, span, L, pw, Y0 + BH, Y0 + BH + 18);
  svg.Text(L - 10, Y0 + BH + 18, "time (s)", "end", "fill=\"#59636e\"");

  if (e.landings.empty())
    svg.Text(L + pw / 2, rows_y + 4, "no rhythm marks", "middle", "fill=\"#8c959f\"");
  for (size_t i = 0; i < e.landings.size(); ++i) {
    const Landing& l = e.landings[i];
    double y = rows_y + i * kRow;
    double xl = X(l.limit_s);
    bool missing = !(l.at_s >= 0);
    svg.Text(L - 10, y + 4, l.name, "end", "font-weight=\"600\"");
    svg.Line(xl, Y0, xl, y, "#8c959f", 1, "2 3");  // the limit, carried up through the bar
    svg.Line(xl, y - 9, xl, y + 9, "#1f2328", 2);
    std::string detail;
    double xa = xl;
    if (missing) {
      detail = "missing";
    } else {
      xa = X(l.at_s);
      svg.Line(std::min(xa, xl), y, std::max(xa, xl), y, "#b0b8c0", 1.5);
      const char* colour = l.ok ? "#2e9d57" : "#d64541";
      detail = Num(l.at_s, 1) + " s";
      svg.Circle(xa, y, 6, colour, "#fff", l.name + " at " + detail + (l.ok ? " (ok)" : " (off the template)"));
    }
    detail += l.at_most ? " · limit ≤ " : " · limit ≥ ";
    detail += Num(l.limit_s, 1);
    detail += " s";
    if (!missing) detail += l.ok ? " · ok" : " · off";
    double right = std::max(xa, xl) + 12, left = std::min(xa, xl) - 12;
    const char* fill = missing || !l.ok ? "fill=\"#8e1b12\"" : "fill=\"#17512d\"";
    if (right < W - 190)
      svg.Text(right, y + 4, detail, "start", fill);
    else
      svg.Text(left, y + 4, detail, "end", fill);
  }

  double x = L;  // legend: functions, then the landing marks
  for (const char* f : kFunctions) {
    svg.Rect(x, legend_y - 9, 12, 12, FunctionColour(f));
    svg.Text(x + 16, legend_y + 1, f);
    x += 24 + 7.0 * std::string_view(f).size();
  }
  x += 10;
  svg.Line(x, legend_y - 10, x, legend_y + 4, "#1f2328", 2);
  svg.Text(x + 6, legend_y + 1, "limit");
  svg.Circle(x + 52, legend_y - 3, 5, "#2e9d57", "#fff");
  svg.Text(x + 60, legend_y + 1, "landed ok");
  svg.Circle(x + 134, legend_y - 3, 5, "#d64541", "#fff");
  svg.Text(x + 142, legend_y + 1, "off");
  return svg.Done();
}

// A step giving at most ~8 ticks over 0..max: 1, 2, 5, 10, 20, 50, …
double NiceStep(double max) {
  double step = 1;
  while (max / step > 8) {
    if (max / (step * 2) <= 8) return step * 2;
    if (max / (step * 5) <= 8) return step * 5;
    step *= 10;
  }
  return step;
}

// c. Seconds on screen per character.
std::string ScreenTimeChart(const EpisodeReport& e) {
  constexpr double W = 960, L = 190, R = 170, kRow = 26, T = 10;
  constexpr double pw = W - L - R;
  const size_t rows = std::max<size_t>(e.screen_time.size(), 1);
  const double axis_y = T + rows * kRow + 4;
  const double H = axis_y + 40;
  double max = 0;
  for (const auto& s : e.screen_time)
    if (std::isfinite(s.seconds)) max = std::max(max, s.seconds);
  if (max <= 0) max = 10;
  auto X = [&](double s) { return L + Clamp01(s / max) * pw; };

  Svg svg(W, static_cast<int>(H), "Screen time per character, in seconds");
  if (e.screen_time.empty()) svg.Text(L + pw / 2, T + kRow / 2 + 4, "no dialogue lines", "middle", "fill=\"#8c959f\"");
  for (size_t i = 0; i < e.screen_time.size(); ++i) {
    const ScreenTime& s = e.screen_time[i];
    double y = T + i * kRow;
    svg.Text(L - 10, y + kRow / 2 + 4, s.name.empty() ? s.id : s.name, "end", "font-weight=\"600\"");
    std::string label = Num(s.seconds, 1) + " s · " + Plural(s.lines, "line", "lines");
    double x2 = X(s.seconds);
    svg.Rect(L, y + 5, std::max(x2 - L, 1.0), kRow - 10, "#5c7cfa", s.id + ": " + label);
    svg.Text(x2 + 8, y + kRow / 2 + 4, label, "start", "fill=\"#3d444d\"");
  }
  svg.Line(L, axis_y, L + pw, axis_y, "#8c959f");
  double step = NiceStep(max);
  for (double v = 0; v <= max + 1e-9; v += step) {
    svg.Line(X(v), axis_y, X(v), axis_y + 5, "#59636e");
    svg.Text(X(v), axis_y + 18, Num(v, 1), "middle", "fill=\"#59636e\"");
  }
  svg.Text(L - 10, axis_y + 18, "seconds", "end", "fill=\"#59636e\"");
  return svg.Done();
}

void Figure(std::string& out, const char* caption, const std::string& svg) {
  out += "<figure><figcaption>";
  out += caption;
  out += "</figcaption>\n";
  out += svg;
  out += "</figure>\n";
}

std::string EpisodeHeading(const EpisodeReport& e) {
  std::string out = "Episode ";
  out += std::to_string(e.number);
  if (!e.title.empty()) {
    out += " — ";
    out += e.title;
  }
  return out;
}

}  // namespace

std::string EpisodeReportHtml(const SeriesReport& series, const EpisodeReport& episode) {
  std::string out;
  std::string page_title = series.title.empty() ? std::string("Reelwright") : series.title;
  page_title += " · ";
  page_title += EpisodeHeading(episode);
  PageOpen(out, page_title, series.lang);

  out += "<header class=\"top\">\n<div>\n<p class=\"series\">";
  out += Escape(series.title);
  out += "</p>\n<h1>";
  out += Escape(EpisodeHeading(episode));
  out += "</h1>\n<p class=\"meta\">";
  out += Num(episode.seconds, 1);
  out += " s · ";
  out += episode.timed ? "times measured (from the voice timeline)" : "times estimated (no voice timeline yet)";
  out += "</p>\n";
  ScoreLegend(out);
  out += "</div>\n";
  OverallBox(out, episode.overall);
  out += "</header>\n";

  Fixes(out, episode.fixes, 10, false);

  out += "<h2>Charts</h2>\n";
  Figure(out, "Emotion curve", EmotionChart(episode));
  Figure(out, "Rhythm", RhythmChart(episode));
  Figure(out, "Screen time per character", ScreenTimeChart(episode));

  Dimensions(out, episode.dimensions, "Dimensions");
  PageClose(out);
  return out;
}

std::string SeriesReportHtml(const SeriesReport& series, const std::function<std::string(int)>& episode_href) {
  std::string out;
  PageOpen(out, series.title.empty() ? std::string("Reelwright series report") : series.title, series.lang);

  out += "<header class=\"top\">\n<div>\n<p class=\"series\">Series report</p>\n<h1>";
  out += Escape(series.title);
  out += "</h1>\n<p class=\"meta\">";
  if (!series.lang.empty()) {
    out += "language ";
    out += Escape(series.lang);
    out += " · ";
  }
  out += Plural(static_cast<int>(series.episodes.size()), "episode", "episodes");
  out += "</p>\n";
  ScoreLegend(out);
  out += "</div>\n";
  OverallBox(out, series.overall);
  out += "</header>\n";

  Dimensions(out, series.dimensions, "Series dimensions");

  out += "<h2>Episodes × dimensions</h2>\n";
  if (series.episodes.empty()) {
    out += "<p class=\"empty-note\">No episodes yet.</p>\n";
  } else {
    out += "<table class=\"heat\">\n<thead><tr><th>Ep</th><th>Title</th><th class=\"dimname\">overall</th>";
    for (const auto& name : DimensionNames()) {
      out += "<th class=\"dimname\">";
      out += Escape(name);
      out += "</th>";
    }
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& e : series.episodes) {
      out += "<tr class=\"ep\"><td class=\"num\">";
      std::string number = std::to_string(e.number);
      std::string href = episode_href ? episode_href(e.number) : std::string();
      if (!href.empty()) {
        out += "<a href=\"";
        out += Escape(href);
        out += "\">";
        out += number;
        out += "</a>";
      } else {
        out += number;
      }
      out += "</td><td>";
      out += Escape(e.title);
      out += "</td><td class=\"cell ";
      out += ScoreClass(e.overall);
      out += "\">";
      out += ScoreText(e.overall);
      out += "</td>";
      for (const auto& name : DimensionNames()) {
        const Dimension* d = e.Find(name);
        if (!d) {
          out += "<td class=\"cell blank\"></td>";
          continue;
        }
        out += "<td class=\"cell ";
        out += d->scored ? ScoreClass(d->score) : "s-none";
        out += "\" title=\"";
        out += Escape(name);
        out += "\">";
        out += ScoreText(d->score);
        out += "</td>";
      }
      out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
  }

  Fixes(out, series.fixes, 20, true);
  PageClose(out);
  return out;
}

}  // namespace rw
