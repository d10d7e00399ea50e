#include "app/evaluate.h"

#include <algorithm>

#include "app/series.h"
#include "base/file.h"
#include "build/ledger.h"
#include "post/subtitles.h"
#include "schema/shots.h"
#include "schema/timeline.h"
#include "schema/transcript.h"
#include "schema/timing.h"
#include "schema/voice_track.h"
#include "schema/yaml_io.h"
#include "story/authorship.h"
#include "story/fountain.h"
#include "story/genre_pack.h"
#include "visual/shot_planner.h"

namespace rw {

namespace {

template <class T>
Result<T> Load(const fs::path& root, const std::string& rel) {
  return LoadYaml<T>(root / rel, (root / rel).string());
}

bool Exists(const fs::path& root, const std::string& rel) {
  std::error_code ec;
  return fs::exists(root / rel, ec);
}

// Every line of the pack's templates: what a formula would say.
std::vector<std::string> PackTexts(const GenrePack& pack) {
  std::vector<std::string> out;
  auto exchanges = [&](const std::vector<std::vector<std::string>>& list) {
    for (const auto& exchange : list)
      for (const auto& raw : exchange) {
        ExchangeLine line;
        out.push_back(ParseExchangeLine(raw, &line) ? line.text : raw);
      }
  };
  for (const auto& [function, name] : EnumNames<BeatFunction>::kNames) {
    const BeatTemplates& t = pack.beats.For(function);
    out.insert(out.end(), t.summaries.begin(), t.summaries.end());
    out.insert(out.end(), t.actions.begin(), t.actions.end());
    exchanges(t.exchanges);
    for (const auto& [mood, mood_name] : EnumNames<Mood>::kNames) {
      const MoodTemplates& m = t.moods.For(mood);
      out.insert(out.end(), m.actions.begin(), m.actions.end());
      exchanges(m.exchanges);
    }
  }
  out.insert(out.end(), pack.cliffhangers.begin(), pack.cliffhangers.end());
  return out;
}

Result<EpisodeInput> ReadEpisode(const fs::path& root, const Settings& settings, const Bible& bible, Ledger* ledger, int n) {
  std::string dir = EpisodeDir(n);
  EpisodeInput ep;
  ep.number = n;
  RW_ASSIGN(ep.beats, Load<Beats>(root, dir + "/beats.yaml"));
  RW_ASSIGN(std::string text, ReadFile(root / (dir + "/script.fountain")));
  RW_ASSIGN(Screenplay script, ParseFountain(text, (root / (dir + "/script.fountain")).string()));
  ep.text = SpokenAndShown(script);
  auto units = ScriptUnits(script);

  // Measured times: the shot list has one shot per script unit, timed from the voices, and an
  // establishing shot ("E007") before a scene that opens on a line.
  std::optional<Shots> shots;
  std::vector<const Shot*> unit_shots;
  if (Exists(root, dir + "/shots.yaml") && Exists(root, dir + "/timeline.json")) {
    auto loaded = Load<Shots>(root, dir + "/shots.yaml");
    if (loaded.ok()) {
      shots = std::move(*loaded);
      for (const auto& s : shots->shots)
        if (s.id.empty() || s.id[0] != 'E') unit_shots.push_back(&s);
      if (unit_shots.size() != units.size()) shots.reset();
    }
  }
  double t = 0;
  for (size_t i = 0; i < units.size(); ++i) {
    const ScriptUnit& u = units[i];
    EvalLine line;
    line.dialogue = u.kind == ScriptUnit::Kind::kDialogue;
    line.beat = u.beat;
    line.text = u.text;
    const Character* who = line.dialogue ? bible.FindCharacterByName(u.character) : nullptr;
    if (who) line.character = who->id;
    if (line.dialogue) ep.cue_names.push_back(u.character);
    double seconds = 0;
    if (shots) {
      line.start_s = unit_shots[i]->start_s;
      seconds = unit_shots[i]->duration_s;
    } else {
      line.start_s = t;
      seconds = line.dialogue ? kLineLeadSeconds + EstimateSpeechSeconds(u.text, who ? who->voice.rate : 165) + kLinePadSeconds
                              : std::max(ActionShotSeconds(u.text), 1.0);
    }
    line.end_s = line.start_s + seconds;
    t = line.end_s;
    ep.lines.push_back(std::move(line));
  }
  ep.seconds = t;
  if (shots) {
    ep.timed = true;
    for (const auto& s : shots->shots)
      ep.shots.push_back({s.id, s.beat, s.start_s, s.duration_s, s.cast, ExpandPrompt(s.prompt, bible), s.references});
    auto timeline = Load<Timeline>(root, dir + "/timeline.json");
    if (timeline.ok()) {
      ep.seconds = timeline->Seconds();
      SubtitleStyle style;
      style.max_chars_latin = settings.subtitles.max_chars_latin;
      style.max_chars_cjk = settings.subtitles.max_chars_cjk;
      for (const auto& c : timeline->cues)
        ep.cues.push_back({c.text, BreakSubtitleLines(c.text, style), c.start_ms / 1000.0, c.end_ms / 1000.0});
    }
  }
  if (Exists(root, dir + "/transcript.yaml")) {
    RW_ASSIGN(Transcript heard, Load<Transcript>(root, dir + "/transcript.yaml"));
    ep.transcribed_lines = static_cast<int>(heard.lines.size());
    for (const auto& l : heard.lines)
      if (l.mismatch) ep.misheard.push_back({l.line, l.start_s, l.script, l.heard, l.error});
  }
  if (ledger) {
    auto lines = ledger->LineAuthors(dir + "/script.fountain");
    if (!lines.empty()) {
      Credits credits = Summarize(lines);
      ep.human_share = credits.words > 0 ? static_cast<double>(credits.human_words) / credits.words : 0;
    }
  }
  return ep;
}

}  // namespace

Result<SeriesReport> EvaluateSeries(const fs::path& root, const std::vector<int>& episodes) {
  SeriesInput input;
  RW_ASSIGN(input.settings, LoadSettings(root));
  if (!Exists(root, kBibleFile)) return BadInput(root.string(), "nothing to evaluate yet: build the series (at least --until script) first");
  RW_ASSIGN(input.bible, Load<Bible>(root, kBibleFile));
  if (Exists(root, kArcFile)) {
    RW_ASSIGN(input.arc, Load<Arc>(root, kArcFile));
  }
  auto pack = LoadGenrePack(DataDir() / "genres", input.settings.genre, input.settings.lang);
  if (pack.ok()) input.pack_texts = PackTexts(*pack);
  std::unique_ptr<Ledger> ledger;
  if (Exists(root, std::string(kStateDir) + "/ledger.sqlite")) {
    auto opened = Ledger::Open(root / kStateDir / "ledger.sqlite");
    if (opened.ok()) ledger = std::move(*opened);
  }
  std::vector<int> wanted = episodes;
  for (int n : wanted)
    if (n < 1 || n > input.settings.episodes)
      return BadInput(std::to_string(n), "no such episode; the series has episodes 1 to " + std::to_string(input.settings.episodes));
  if (wanted.empty())
    for (int n = 1; n <= input.settings.episodes; ++n)
      if (Exists(root, EpisodeDir(n) + "/beats.yaml") && Exists(root, EpisodeDir(n) + "/script.fountain")) wanted.push_back(n);
  for (int n : wanted) {
    if (!Exists(root, EpisodeDir(n) + "/script.fountain"))
      return BadInput(EpisodeDir(n), "has no script yet: build it (--until script) before evaluating it");
    RW_ASSIGN(EpisodeInput ep, ReadEpisode(root, input.settings, input.bible, ledger.get(), n));
    input.episodes.push_back(std::move(ep));
  }
  return Evaluate(input);
}

std::vector<std::pair<std::string, std::string>> ReportFiles(const SeriesReport& report) {
  std::vector<std::pair<std::string, std::string>> out;
  out.push_back({"report.html", SeriesReportHtml(report, [](int n) { return EpisodeDir(n) + "/report.html"; })});
  out.push_back({"report.json", ToJson(report).dump(2) + "\n"});
  for (const auto& e : report.episodes) out.push_back({EpisodeDir(e.number) + "/report.html", EpisodeReportHtml(report, e)});
  return out;
}

}  // namespace rw
