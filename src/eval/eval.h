// Evaluation: what the craft cares about, scored per episode and for the series, with the
// reasons behind every number (DESIGN.md §5). Each dimension is 0–100, carries its formula as
// text, and says when it is a heuristic. Findings are ranked by the points they cost, so a report
// can lead with "fix these first".
//
// The evaluator reads plain data (EpisodeInput), assembled by the app layer from the series'
// files: beats, the script's lines placed in time (from the voice timeline when it exists,
// estimated otherwise), shots, subtitle cues. It never reads files itself.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "schema/arc.h"
#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/fields.h"
#include "schema/settings.h"

namespace rw {

// ---- input ----

struct EvalLine {
  bool dialogue = false;
  std::string beat;       // B01
  std::string character;  // character id (dialogue), empty for action
  std::string text;
  double start_s = 0, end_s = 0;
};

struct EvalShot {
  std::string id, beat;
  double start_s = 0, duration_s = 0;
  std::vector<std::string> cast;  // character ids
  std::string prompt;             // expanded: the bible's @references resolved
  std::vector<std::string> references;  // reference images the shot carries
};

struct EvalCue {
  std::string text;
  std::vector<std::string> lines;  // as the subtitle writer breaks it
  double start_s = 0, end_s = 0;
};

// A voiced line a transcription server heard differently from its script (transcript.yaml).
struct EvalMisheard {
  std::string line;  // L004
  double start_s = 0;
  std::string script, heard;
  double error = 0;  // word (Chinese: character) error rate
};

struct EpisodeInput {
  int number = 1;
  Beats beats;
  std::vector<EvalLine> lines;  // in script order
  std::vector<EvalShot> shots;  // empty before the shots stage
  std::vector<EvalCue> cues;    // empty: estimated from dialogue lines
  int transcribed_lines = 0;    // lines a transcription server heard back (0: not checked)
  std::vector<EvalMisheard> misheard;  // of those, the ones that do not match their script
  bool timed = false;           // times come from the voice timeline (else estimated)
  double seconds = 0;           // episode length
  std::vector<std::string> cue_names;  // character names as the script spells them, one per dialogue line
  double human_share = -1;      // share of words a person wrote (ledger), -1 unknown
  std::string text;             // what it shows and says (for originality)
};

struct SeriesInput {
  Settings settings;  // rhythm template, lang, paywall
  Bible bible;
  Arc arc;
  std::vector<EpisodeInput> episodes;
  std::vector<std::string> pack_texts;  // the genre pack's template lines (originality), may be empty
};

// ---- output ----

struct Finding {
  double cost = 0;        // points of the overall score it costs; the ranking key
  std::string dimension;  // "rhythm", …
  int episode = 0;        // 0: the series
  std::string message;    // what is wrong and what to do: "hook lands at 4.2 s; the template asks ≤ 3 s: …"
  template <class V> void Fields(V& v) { v("cost", cost); v("dimension", dimension); v("episode", episode); v("message", message); }
};

struct Dimension {
  std::string name;     // rhythm, satisfaction, emotion, characters, plot, subtitles, originality, market, authorship
  double score = 0;     // 0–100
  bool scored = true;   // counts toward the overall score (authorship is reported, not scored)
  std::string formula;  // how the score is computed, in words
  bool heuristic = false;
  std::vector<std::string> reasons;  // what moved the score
  std::map<std::string, double> metrics;  // the measured values ("hook_s": 1.8, …)
  template <class V> void Fields(V& v) {
    v("name", name); v("score", score); v("scored", scored); v("formula", formula); v("heuristic", heuristic); v("reasons", reasons);
    v("metrics", metrics);
  }
};

// Chart data.
struct EmotionPoint {
  double t = 0, valence = 0, arousal = 0;
  template <class V> void Fields(V& v) { v("t", t); v("valence", valence); v("arousal", arousal); }
};
struct BeatMark {
  std::string id, function;
  double start_s = 0, end_s = 0;
  std::string satisfaction;
  template <class V> void Fields(V& v) {
    v("id", id); v("function", function); v("start_s", start_s); v("end_s", end_s); v("satisfaction", satisfaction);
  }
};
struct Landing {  // where a rhythm mark landed against the template
  std::string name;  // hook, conflict, climax, cliffhanger
  double at_s = -1;  // -1: missing
  double limit_s = 0;
  bool at_most = true;  // the mark must land by limit_s (hook, conflict, climax); false: at or after it (cliffhanger)
  bool ok = false;
  template <class V> void Fields(V& v) {
    v("name", name); v("at_s", at_s); v("limit_s", limit_s); v("at_most", at_most); v("ok", ok);
  }
};
struct ScreenTime {
  std::string id, name;
  double seconds = 0;
  int lines = 0;
  template <class V> void Fields(V& v) { v("id", id); v("name", name); v("seconds", seconds); v("lines", lines); }
};

struct EpisodeReport {
  int number = 0;
  std::string title;
  double seconds = 0;
  bool timed = false;
  double overall = 0;  // mean of the scored dimensions (authorship is reported, not scored)
  std::vector<Dimension> dimensions;
  std::vector<Finding> fixes;  // most costly first
  std::vector<EmotionPoint> emotion;
  std::vector<BeatMark> beats;
  std::vector<Landing> landings;
  std::vector<ScreenTime> screen_time;
  template <class V> void Fields(V& v) {
    v("number", number); v("title", title); v("seconds", seconds); v("timed", timed); v("overall", overall);
    v("dimensions", dimensions); v("fixes", fixes); v("emotion", emotion); v("beats", beats); v("landings", landings);
    v("screen_time", screen_time);
  }
  const Dimension* Find(const std::string& name) const;
};

struct SeriesReport {
  static constexpr char kSchema[] = "EvalReport.1";
  std::string title;
  std::string lang;
  double overall = 0;
  std::vector<Dimension> dimensions;  // series-level: plot (dropped characters, paywall), originality
  std::vector<Finding> fixes;         // series findings and every episode's, most costly first
  std::vector<EpisodeReport> episodes;
  template <class V> void Fields(V& v) {
    v("title", title); v("lang", lang); v("overall", overall); v("dimensions", dimensions); v("fixes", fixes);
    v("episodes", episodes);
  }
};

// The dimension names, in report order.
const std::vector<std::string>& DimensionNames();

SeriesReport Evaluate(const SeriesInput& input);

// Self-contained HTML (inline CSS and SVG; no script, no network): one episode's report, and
// the series' with its episodes × dimensions heatmap linking to each episode's report at
// `episode_href(number)`.
std::string EpisodeReportHtml(const SeriesReport& series, const EpisodeReport& episode);
std::string SeriesReportHtml(const SeriesReport& series, const std::function<std::string(int)>& episode_href = {});

}  // namespace rw
