#include "app/pipeline.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <map>
#include <optional>

#include "app/control.h"
#include "app/evaluate.h"
#include "app/plate_drawers.h"
#include "app/series.h"
#include "audio/dub.h"
#include "audio/score.h"
#include "audio/voice.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/progress.h"
#include "base/text.h"
#include "base/wav.h"
#include "build/series_lock.h"
#include "post/edl.h"
#include "post/fcpxml.h"
#include "post/otio.h"
#include "post/presets.h"
#include "post/recording.h"
#include "post/render.h"
#include "post/subtitles.h"
#include "post/timeline_builder.h"
#include "post/video_writer.h"
#include "schema/arc.h"
#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/shots.h"
#include "schema/timeline.h"
#include "schema/transcript.h"
#include "schema/timing.h"
#include "schema/translation.h"
#include "schema/voice_track.h"
#include "schema/yaml_io.h"
#include "story/fountain.h"
#include "providers/chat_client.h"
#include "providers/image_client.h"
#include "providers/speech_client.h"
#include "providers/transcription_client.h"
#include "providers/video_client.h"
#include "post/conform.h"
#include "story/genre_pack.h"
#include "story/llm_writer.h"
#include "story/translator.h"
#include "story/writer.h"
#include "visual/lipsync.h"
#include "visual/motion.h"
#include "visual/painter.h"
#include "visual/plate.h"
#include "visual/png.h"
#include "visual/shot_planner.h"

namespace rw {

namespace {

const char kScriptFile[] = "script.fountain";
const char kBeatsFile[] = "beats.yaml";
const char kShotsFile[] = "shots.yaml";
const char kVoiceFile[] = "voice/lines.yaml";
const char kTimelineFile[] = "timeline.json";
const char kMixFile[] = "mix.wav";

std::string Ep(int n, const std::string& file) { return EpisodeDir(n) + "/" + file; }

// A delivery language's files: lang/<L>/… of the series or of an episode.
std::string LangDir(const std::string& lang) { return "lang/" + lang + "/"; }
std::string GlossaryFile(const std::string& lang) { return LangDir(lang) + "glossary.yaml"; }
std::string LinesFile(int n, const std::string& lang) { return Ep(n, LangDir(lang) + "lines.yaml"); }

// Reads a domain file of the series, naming it as the user named the series folder.
template <class T>
Result<T> Load(const fs::path& root, const std::string& rel) {
  return LoadYaml<T>(root / rel, (root / rel).string());
}

Result<Screenplay> LoadScript(const fs::path& root, int episode) {
  std::string rel = Ep(episode, kScriptFile);
  RW_ASSIGN(std::string text, ReadFile(root / rel));
  return ParseFountain(text, (root / rel).string());
}

// Every cue must name a character of the bible.
Status CheckCues(const Screenplay& script, const Bible& bible, const std::string& where) {
  for (const auto& e : script.elements) {
    if (e.kind != ScriptElementKind::kCharacter) continue;
    if (!bible.FindCharacterByName(e.text)) {
      std::string names;
      for (const auto& c : bible.characters) names += (names.empty() ? "" : ", ") + c.name;
      return BadInput(where + ":" + std::to_string(e.line),
                      "'" + e.text + "' is not a character in bible.yaml (characters: " + names +
                          "); fix the name or add the character to the bible");
    }
  }
  return {};
}

// timeline.json is read through the same reader as the YAML files: JSON is YAML.
Result<Timeline> LoadTimeline(const fs::path& root, int episode) { return Load<Timeline>(root, Ep(episode, kTimelineFile)); }

const Location* LocationForScene(const Bible& bible, const std::string& scene, const std::string& fallback) {
  std::string want = ToUpperAscii(scene);
  for (const auto& l : bible.locations)
    if (ToUpperAscii(l.Heading()) == want) return &l;
  for (const auto& l : bible.locations)
    if (!l.name.empty() && want.find(ToUpperAscii(l.name)) != std::string::npos) return &l;
  return bible.FindLocation(fallback);
}

// Lip-sync data for one line, for lip-sync tools: its phonemes and mouth shapes in seconds from
// the start of the line's WAV.
std::string VisemeJson(const std::string& line, const std::vector<Phoneme>& phonemes) {
  Json j = {{"line", line}, {"shapes", "Preston Blair: rest MBP FV WQ U O AI E L etc"}, {"visemes", Json::array()},
            {"phonemes", Json::array()}};
  for (const auto& v : Visemes(phonemes))
    j["visemes"].push_back({{"t", std::round(v.start_s * 1000) / 1000}, {"viseme", v.viseme}});
  for (const auto& p : phonemes) j["phonemes"].push_back({{"t", std::round(p.start_s * 1000) / 1000}, {"phoneme", p.name}});
  return j.dump(1) + "\n";
}

// A character's voice moved by the beat's emotion: arousal quickens it (±10%) and lifts it,
// valence lifts it a little more; a calm neutral beat (valence 0, arousal 0.5) leaves it as is.
VoiceSpec EmotionalVoice(VoiceSpec voice, const Emotion& e) {
  double arousal = std::clamp(e.arousal, 0.0, 1.0) - 0.5, valence = std::clamp(e.valence, -1.0, 1.0);
  if (voice.rate > 0) voice.rate = static_cast<int>(std::lround(voice.rate * (1 + 0.2 * arousal)));
  if (voice.pitch > 0) voice.pitch = std::clamp(static_cast<int>(std::lround(voice.pitch + 12 * arousal + 6 * valence)), 1, 100);
  return voice;
}

std::string ChatProviderName(const ChatProviderSettings& chat) { return "chat " + chat.base_url + " " + chat.model; }

std::string FormatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

// The whole build of one series, as a small object so stages can share what they load.
// The renderer's finished video segments live in the build's content store, found through the
// ledger's item memos: a blob is stored whole before its memo is written, so a killed render
// never leaves a segment that a later one would trust.
class StoreSegmentCache : public SegmentCache {
 public:
  explicit StoreSegmentCache(Builder& builder) : builder_(builder) {}
  fs::path Find(const std::string& key) override {
    auto hash = builder_.ledger().GetMemo(kPrefix + key);
    if (!hash || !builder_.store().Has(*hash)) return {};
    return builder_.store().PathOf(*hash);
  }
  Result<fs::path> Keep(const std::string& key, const fs::path& file) override {
    RW_ASSIGN(std::string hash, builder_.store().PutFile(file));
    RW_TRY(builder_.ledger().PutMemo(kPrefix + key, hash));
    return builder_.store().PathOf(hash);
  }
  // Records the segments `stats` says the render at `output` (series-relative) is made of, so gc
  // keeps them while that render is current (a later render of it records its own).
  Status RecordUse(const std::string& output, const std::vector<std::string>& keys) {
    std::string list;
    for (const auto& key : keys) {
      if (auto hash = builder_.ledger().GetMemo(kPrefix + key)) list += *hash + "\n";
    }
    RW_ASSIGN(std::string blob, builder_.store().Put(list));
    return builder_.ledger().PutMemo(kUsesPrefix + output, blob);
  }
  static constexpr char kUsesPrefix[] = "render/uses:";
  // Through the builder's stat cache, under the name the clips stage recorded the clip by.
  std::string HashOf(const fs::path& file) override {
    const fs::path abs = fs::absolute(file).lexically_normal();
    const fs::path rel = abs.lexically_relative(fs::absolute(builder_.root()).lexically_normal());
    if (rel.empty() || *rel.begin() == "..") return builder_.HashOf(abs.string());
    return builder_.HashOf(rel.string());
  }

 private:
  static constexpr char kPrefix[] = "render/segment:";
  Builder& builder_;
};

// A translator's checked replies, kept in the build's content store through the ledger's memos
// (blob first, then memo, so a killed build never leaves a memo without its reply), by the model
// and the request: an edit to one line asks the server again for its batch only.
class StoreReplyCache : public ReplyCache {
 public:
  StoreReplyCache(Builder& builder, const Json& model) : builder_(builder), model_(model.dump()) {}
  std::optional<std::string> Find(const std::string& request_hash) override {
    auto hash = builder_.ledger().GetMemo(Key(request_hash));
    if (!hash || !builder_.store().Has(*hash)) return std::nullopt;
    Result<std::string> text = ReadFile(builder_.store().PathOf(*hash));
    return text.ok() ? std::optional<std::string>(*text) : std::nullopt;
  }
  void Keep(const std::string& request_hash, const std::string& reply) override {
    // A reply that cannot be kept is asked for again next time; the build goes on.
    if (Result<std::string> hash = builder_.store().Put(reply); hash.ok()) {
      (void)builder_.ledger().PutMemo(Key(request_hash), *hash);
    }
  }

 private:
  std::string Key(const std::string& request_hash) const { return "translate/reply:" + Sha256Hex(model_ + request_hash); }
  Builder& builder_;
  std::string model_;
};

class SeriesBuild {
 public:
  SeriesBuild(fs::path root, Settings settings, RenderPreset preset, GenrePack pack, std::string pack_hash,
              Builder& builder, const BuildRequest& request)
      : root_(std::move(root)),
        settings_(std::move(settings)),
        preset_(std::move(preset)),
        pack_(std::move(pack)),
        pack_hash_(std::move(pack_hash)),
        builder_(builder),
        request_(request) {
    if (Llm() || Translates()) chat_ = std::make_unique<ChatClient>(settings_.providers.chat);
    if (!settings_.providers.images.kind.empty())
      images_ = std::make_unique<ImageClient>(settings_.providers.images, root_);
    if (!settings_.providers.speech.kind.empty()) speech_ = std::make_unique<SpeechClient>(settings_.providers.speech);
    if (!settings_.providers.video.kind.empty()) video_ = std::make_unique<VideoClient>(settings_.providers.video, root_);
    if (!settings_.providers.transcription.kind.empty())
      transcription_ = std::make_unique<TranscriptionClient>(settings_.providers.transcription);
  }

  Status Run(BuildSummary& summary);

 private:
  bool Llm() const { return settings_.writer == "llm"; }
  // Delivery languages are translated by the chat server when one is configured.
  bool Translates() const { return !settings_.languages.empty() && !settings_.providers.chat.base_url.empty(); }
  // A writing stage asks the chat server once when the LLM writes.
  void PlanCalls(StageSpec& spec) const {
    if (!Llm()) return;
    spec.model_calls = 1;
    spec.provider = ChatProviderName(settings_.providers.chat);
  }
  // What shapes a writing stage's output: the pack (built-in) or the server and model (LLM).
  Json WriterSettings() const;
  // Runs an LLM call and records every HTTP attempt it made in the ledger, failed ones too.
  template <class T, class F>
  Result<T> AskModel(StageContext& ctx, F&& ask);

  bool Wanted(const std::string& kind) const;
  // The shots episode `n` plans (0 before the shots stage has run), for what plan shows.
  int ShotCount(int n) const {
    auto shots = Load<Shots>(root_, Ep(n, kShotsFile));
    return shots.ok() ? static_cast<int>(shots->shots.size()) : 0;
  }
  // A stage that asks a media server (`what`: images, video) once a shot: the server's settings
  // and workflow file shape its key, and plan shows the calls.
  template <class Server>
  void AsksPerShot(StageSpec& stage, const std::string& what, const Server& server, int n) const {
    stage.settings[what] = Json::parse(CanonicalJson(server));
    if (!server.workflow.empty()) stage.sources.push_back(server.workflow);
    stage.provider = what + " " + server.kind + " " + server.base_url;
    stage.model_calls = ShotCount(n);
  }
  Status Stage(StageSpec spec, BuildSummary& summary);
  Status Episode(int n, BuildSummary& summary);
  // A delivery language: its glossary once, then per episode translate → voice → subtitles →
  // score (the mix) → render, on the series language's picture and timing.
  Json TranslatorSettings(const std::string& lang) const;
  Json RenderSettings(const std::string& credits) const;
  Status Names(const std::string& lang, BuildSummary& summary);
  Status Dub(int n, const std::string& lang, BuildSummary& summary);
  Status WriteTranslation(StageContext& ctx, int n, const std::string& lang);
  Status WriteScriptCopy(StageContext& ctx, int n, const std::string& lang, const Screenplay& script, const Bible& bible,
                         const Translation& lines);
  Status WriteDubVoice(StageContext& ctx, int n, const std::string& lang);
  Status WriteDubSubtitles(StageContext& ctx, int n, const std::string& lang);
  Status WriteDubMix(StageContext& ctx, int n, const std::string& lang);
  Status Mix(StageContext& ctx, const Timeline& tl, int n, const std::string& music_rel, const std::string& prefix);

  Status WriteVoice(StageContext& ctx, int n);
  // A person's recording of line `line` (takes/L003.wav, .flac, .mp3, .m4a, .ogg or .opus), or empty.
  fs::path TakeFor(int n, const std::string& line) const;
  Status WriteShots(StageContext& ctx, int n);
  Status WriteFrames(StageContext& ctx, int n);
  // The panel the painter makes for a shot: the bible's cast and set, the beat's emotion, the
  // series' style.
  PanelSpec FrameSpec(const Bible& bible, const Beats& beats, const Shot& shot) const {
    PanelSpec spec = PanelFor(bible, shot, preset_.width, preset_.height, &beats);
    spec.style = settings_.format.style;
    return spec;
  }
  // How open the speaker's mouth is on each frame of `shot` (kMouthOpenings), from its lines'
  // visemes; empty when no one in frame speaks or the shot is too wide to see a mouth.
  Result<std::vector<uint8_t>> MouthFor(int n, const Shot& shot, const Timeline& tl, int frames) const;
  Plate ShotPlate(const Shot& shot, int frames, const std::string& name, size_t panels,
                  const std::vector<uint8_t>& mouth) const;
  Status WritePlate(StageContext& ctx, const std::string& key, int n, const std::string& shot_id, const std::string& name,
                    Plate plate, const std::string& clip_hash, const std::vector<Image>& panels);
  Result<bool> RestoreClip(StageContext& ctx, const std::string& key, int n, const std::string& shot_id, bool textless);
  Status GenerateFrame(StageContext& ctx, const Bible& bible, const Shot& shot, const std::string& rel);
  void RecordCall(StageContext& ctx, const CallRecord& call);
  Status GenerateClip(StageContext& ctx, const Bible& bible, int n, const Shot& shot, const Shot* next, int frames,
                      const std::string& rel);
  int DialogueLinesIn(int n) const;
  // What every video workflow is told about a shot: its prompt, the series' size and rate, its
  // length in frames and its seed.
  VideoRequest ShotVideoRequest(const Bible& bible, const Shot& shot, int frames) const;
  // Asks `server` for the clip, records its calls, conforms what comes back to the request's size,
  // rate and length at `rel`, and remembers it under `key`. `failed` and `unusable` begin the
  // errors ("cannot make the clip for S001").
  Status FetchClip(StageContext& ctx, VideoClient& server, const VideoRequest& request, const std::string& key,
                   const std::string& rel, const std::string& failed, const std::string& unusable);
  Status WriteClips(StageContext& ctx, int n);
  // One post step over every shot's clip in `from` (a folder of the episode), into clips/<name>/.
  Status WritePostStep(StageContext& ctx, int n, const PostStepSettings& step, const std::string& from);
  Status WriteTimeline(StageContext& ctx, int n);
  Status WriteSubtitles(StageContext& ctx, int n);
  Status WriteTranscript(StageContext& ctx, int n);
  // The stage whose clips the episode plays: the last post step's, else the clips stage.
  std::string ClipsStage(int n) const {
    const auto& post = settings_.providers.post;
    return EpisodeName(n) + (post.empty() ? "/clips" : "/post-" + post.back().name);
  }
  // The series' subtitle look (reelwright.yaml `subtitles`).
  SubtitleStyle SeriesSubtitleStyle() const {
    const SubtitleSettings& s = settings_.subtitles;
    SubtitleStyle style;
    style.font = s.font, style.font_size = s.font_size, style.colour = s.colour, style.outline_colour = s.outline_colour;
    style.outline = s.outline, style.margin_v = s.margin_v, style.margin_l = s.margin_l, style.margin_r = s.margin_r;
    style.max_chars_latin = s.max_chars_latin, style.max_chars_cjk = s.max_chars_cjk;
    return style;
  }
  Status WriteScore(StageContext& ctx, int n);
  Status WriteRender(StageContext& ctx, int n, const std::string& credits, const std::string& lang);

  std::string VideoName(int n, const std::string& lang) const {
    std::string base = EpisodeName(n) + "." + lang;
    return preset_.name == "master" ? base + ".mp4" : base + "." + preset_.name + ".mp4";
  }

  fs::path root_;
  Settings settings_;
  RenderPreset preset_;
  GenrePack pack_;
  std::string pack_hash_;
  Builder& builder_;
  const BuildRequest& request_;
  size_t until_index_ = 0;
  std::unique_ptr<ChatClient> chat_;   // the writer's (writer: llm) and the translator's
  std::map<int, std::string> credits_;  // by episode: who wrote the script's lines
  std::unique_ptr<ImageClient> images_;   // providers.images, when set
  std::unique_ptr<SpeechClient> speech_;  // providers.speech, when set
  std::unique_ptr<VideoClient> video_;    // providers.video, when set
  std::unique_ptr<TranscriptionClient> transcription_;  // providers.transcription, when set
};

Json SeriesBuild::WriterSettings() const {
  Json j = {{"genre", settings_.genre}, {"lang", settings_.lang}, {"seed", settings_.seed}};
  if (!Llm()) {
    j["pack"] = pack_hash_;
    return j;
  }
  const auto& chat = settings_.providers.chat;
  j["writer"] = "llm";
  j["base_url"] = chat.base_url;
  j["model"] = chat.model;
  j["temperature"] = chat.temperature;
  j["json_schema"] = chat.json_schema;
  return j;
}

template <class T, class F>
Result<T> SeriesBuild::AskModel(StageContext& ctx, F&& ask) {
  std::vector<CallRecord> calls;
  std::optional<Result<T>> answer;
  {
    Ticker ticker(ctx.stage_name());
    chat_->SetOnProgress([&ticker](int events) { ticker.SetDetail("the model is writing: " + std::to_string(events) + " tokens"); });
    answer.emplace(ask(calls));
    chat_->SetOnProgress(nullptr);
  }
  Result<T> result = std::move(*answer);
  int tokens = 0;
  double cost = 0;
  for (const auto& c : calls) {
    ctx.RecordCall({c.provider, c.model, c.attempt, c.http_status, c.usage.prompt_tokens, c.usage.completion_tokens,
                    c.latency_s, c.cost, c.outcome});
    tokens += c.usage.prompt_tokens + c.usage.completion_tokens;
    cost += c.cost;
  }
  char line[200];
  std::snprintf(line, sizeof line, "  model %s: %zu call%s, %d tokens, cost %.4f", settings_.providers.chat.model.c_str(),
                calls.size(), calls.size() == 1 ? "" : "s", tokens, cost);
  Say(line);
  return result;
}

bool SeriesBuild::Wanted(const std::string& kind) const {
  const auto& kinds = StageKinds();
  size_t i = static_cast<size_t>(std::find(kinds.begin(), kinds.end(), kind) - kinds.begin());
  return i <= until_index_;
}

Status SeriesBuild::Stage(StageSpec spec, BuildSummary& summary) {
  StageReport r = builder_.Run(spec);
  if (r.outcome == StageOutcome::kRan) {
    ++summary.ran;
    std::string items;
    if (r.items_made + r.items_reused > 0)
      items = "  " + std::to_string(r.items_made) + " made, " + std::to_string(r.items_reused) + " reused";
    char name[40];
    std::snprintf(name, sizeof name, "%-20s", spec.name.c_str());
    Say("  ran   " + std::string(name) + " " + FormatSeconds(r.seconds) + items + "  (" + r.reason + ")");
  } else if (r.outcome == StageOutcome::kFailed) {
    Say("  FAIL  " + spec.name);
  } else if (request_.options.explain) {
    Say("  skip  " + spec.name + ": " + r.reason);
  }
  summary.reports.push_back(r);
  if (r.outcome == StageOutcome::kFailed) {
    Error e;
    e.code = r.error_code;
    e.message = "stage " + spec.name + " failed: " + r.error;
    return e;
  }
  return {};
}

Status SeriesBuild::Run(BuildSummary& summary) {
  const auto& kinds = StageKinds();
  until_index_ = request_.until.empty() ? kinds.size() - 1
                                        : static_cast<size_t>(std::find(kinds.begin(), kinds.end(), request_.until) - kinds.begin());
  Json pack_settings = WriterSettings();
  std::string author = Llm() ? "model:" + settings_.providers.chat.model : "model:builtin";

  StageSpec bible;
  bible.name = "bible";
  bible.kind = "bible";
  bible.settings = pack_settings;
  bible.settings["idea"] = settings_.idea;
  bible.settings["title"] = settings_.title;
  bible.author = author;
  PlanCalls(bible);
  bible.run = [this](StageContext& ctx) -> Status {
    RW_ASSIGN(Bible b, Llm() ? AskModel<Bible>(ctx, [&](auto& calls) { return LlmWriteBible(settings_, *chat_, &calls); })
                             : WriteBible(settings_, pack_));
    return ctx.Write(kBibleFile, ToYaml(b));
  };
  RW_TRY(Stage(bible, summary));
  if (!Wanted("arc")) return {};

  StageSpec arc;
  arc.name = "arc";
  arc.kind = "arc";
  arc.deps = {"bible"};
  arc.settings = pack_settings;
  arc.settings["episodes"] = settings_.episodes;
  arc.settings["paywall_episode"] = settings_.paywall_episode;
  arc.author = author;
  PlanCalls(arc);
  arc.run = [this](StageContext& ctx) -> Status {
    RW_ASSIGN(Bible b, Load<Bible>(root_, kBibleFile));
    if (!Llm()) return ctx.Write(kArcFile, ToYaml(WriteArc(settings_, b, pack_)));
    RW_ASSIGN(Arc a, AskModel<Arc>(ctx, [&](auto& calls) { return LlmWriteArc(settings_, b, *chat_, &calls); }));
    return ctx.Write(kArcFile, ToYaml(a));
  };
  RW_TRY(Stage(arc, summary));

  std::vector<int> episodes = request_.episodes;
  if (episodes.empty())
    for (int i = 1; i <= settings_.episodes; ++i) episodes.push_back(i);
  for (int n : episodes) {
    if (n < 1 || n > settings_.episodes)
      return BadInput(std::to_string(n), "no such episode; the series has episodes 1 to " + std::to_string(settings_.episodes));
  }
  for (int n : episodes) {
    if (!Wanted("beats")) break;
    RW_TRY(Episode(n, summary));
  }
  // Every episode in the series language first: a translation that cannot be made (no server,
  // no person's file) stops the build only after those are done.
  for (const auto& lang : settings_.languages) {
    if (!Wanted("translate")) break;
    RW_TRY(Names(lang, summary));
    for (int n : episodes) RW_TRY(Dub(n, lang, summary));
  }
  if (!Wanted("report")) return {};

  // The evaluation of every episode that has a script, and of the series.
  StageSpec report;
  report.name = "report";
  report.kind = "report";
  report.deps = {"bible", "arc"};
  std::string authorship;
  for (int n = 1; n <= settings_.episodes; ++n) {
    for (const char* kind : {"beats", "script", "shots", "timeline"}) report.deps.push_back(EpisodeName(n) + "/" + kind);
    auto lines = builder_.ledger().LineAuthors(Ep(n, kScriptFile));
    if (!lines.empty()) authorship += EpisodeName(n) + " " + CreditLine(Summarize(lines)) + "\n";
  }
  report.settings = {{"lang", settings_.lang},
                     {"rhythm", Json::parse(CanonicalJson(settings_.rhythm))},
                     {"paywall_episode", settings_.paywall_episode},
                     {"genre", settings_.genre},
                     {"pack", pack_hash_},
                     {"authorship", authorship}};
  report.run = [this](StageContext& ctx) -> Status {
    RW_ASSIGN(SeriesReport evaluated, EvaluateSeries(root_));
    for (const auto& [rel, content] : ReportFiles(evaluated)) RW_TRY(ctx.Write(rel, content));
    char line[96];
    std::snprintf(line, sizeof line, "  report: %zu episode%s, overall %.0f/100 (report.html)", evaluated.episodes.size(),
                  evaluated.episodes.size() == 1 ? "" : "s", evaluated.overall);
    Say(line);
    return {};
  };
  return Stage(report, summary);
}

Status SeriesBuild::Episode(int n, BuildSummary& summary) {
  std::string ep = EpisodeName(n);
  auto spec = [&](const std::string& kind, std::vector<std::string> deps) {
    StageSpec s;
    s.name = ep + "/" + kind;
    s.kind = kind;
    s.deps = std::move(deps);
    return s;
  };

  StageSpec beats = spec("beats", {"bible", "arc"});
  std::string author = Llm() ? "model:" + settings_.providers.chat.model : "model:builtin";
  beats.settings = WriterSettings();
  beats.settings["episode"] = n;
  beats.settings["rhythm"] = Json::parse(CanonicalJson(settings_.rhythm));
  beats.author = author;
  PlanCalls(beats);
  beats.run = [this, n](StageContext& ctx) -> Status {
    RW_ASSIGN(Bible b, Load<Bible>(root_, kBibleFile));
    RW_ASSIGN(Arc a, Load<Arc>(root_, kArcFile));
    if (!Llm()) return ctx.Write(Ep(n, kBeatsFile), ToYaml(WriteBeats(settings_, b, a, n, pack_)));
    RW_ASSIGN(Beats bt, AskModel<Beats>(ctx, [&](auto& calls) { return LlmWriteBeats(settings_, b, a, n, *chat_, &calls); }));
    return ctx.Write(Ep(n, kBeatsFile), ToYaml(bt));
  };
  RW_TRY(Stage(beats, summary));
  if (!Wanted("script")) return {};

  StageSpec script = spec("script", {"bible", ep + "/beats"});
  script.settings = WriterSettings();
  script.author = author;
  PlanCalls(script);
  script.run = [this, n](StageContext& ctx) -> Status {
    RW_ASSIGN(Bible b, Load<Bible>(root_, kBibleFile));
    RW_ASSIGN(Beats bt, Load<Beats>(root_, Ep(n, kBeatsFile)));
    if (!Llm()) return ctx.Write(Ep(n, kScriptFile), WriteScript(settings_, b, bt, pack_));
    RW_ASSIGN(std::string text, AskModel<std::string>(ctx, [&](auto& calls) { return LlmWriteScript(settings_, b, bt, *chat_, &calls); }));
    return ctx.Write(Ep(n, kScriptFile), text);
  };
  RW_TRY(Stage(script, summary));
  // Who wrote each line, against the model's last version: the ledger keeps it, credits and the
  // render's metadata report it.
  std::string credits;
  std::error_code ec;
  if (fs::exists(root_ / Ep(n, kScriptFile), ec)) {
    auto lines = RecordAuthorship(root_, builder_.ledger(), builder_.store(), n);
    if (lines.ok()) credits = CreditLine(Summarize(*lines));
  }
  credits_[n] = credits;
  if (!Wanted("voice")) return {};

  StageSpec voice = spec("voice", {"bible", ep + "/beats", ep + "/script"});
  voice.version = 3;  // lines take their beat's emotion; lip-sync data beside each
  if (speech_) {
    voice.settings = {{"speech", Json::parse(CanonicalJson(settings_.providers.speech))}};
    voice.provider = "speech " + settings_.providers.speech.base_url + " " + settings_.providers.speech.model;
    voice.model_calls = DialogueLinesIn(n);  // at most: lines the cache has cost nothing
  }
  // A person's recordings are sources: dropping one in, or replacing it, re-voices the episode.
  std::error_code takes_ec;
  for (const auto& entry : fs::directory_iterator(root_ / Ep(n, "takes"), takes_ec))
    if (entry.is_regular_file()) voice.sources.push_back(Ep(n, "takes/" + entry.path().filename().string()));
  std::sort(voice.sources.begin(), voice.sources.end());
  voice.run = [this, n](StageContext& ctx) { return WriteVoice(ctx, n); };
  RW_TRY(Stage(voice, summary));
  if (!Wanted("shots")) return {};

  StageSpec shots = spec("shots", {"bible", ep + "/beats", ep + "/script", ep + "/voice"});
  shots.version = 2;  // a wide shot establishes a scene that opens on a line
  shots.settings = {{"fps", settings_.format.fps}, {"seed", settings_.seed}};
  shots.run = [this, n](StageContext& ctx) { return WriteShots(ctx, n); };
  RW_TRY(Stage(shots, summary));
  if (!Wanted("timeline")) return {};

  StageSpec timeline = spec("timeline", {"bible", ep + "/beats", ep + "/shots", ep + "/voice"});
  timeline.version = 2;  // EDL, FCPXML and FCP7 XML beside the OTIO
  timeline.settings = {{"format", Json::parse(CanonicalJson(settings_.format))}, {"music", settings_.music.enabled}};
  if (!settings_.providers.post.empty()) timeline.settings["clips_from"] = settings_.providers.post.back().name;
  timeline.run = [this, n](StageContext& ctx) { return WriteTimeline(ctx, n); };
  RW_TRY(Stage(timeline, summary));
  if (!Wanted("subtitles")) return {};

  StageSpec subtitles = spec("subtitles", {ep + "/timeline"});
  subtitles.settings = {{"lang", settings_.lang}, {"style", Json::parse(CanonicalJson(settings_.subtitles))}};
  subtitles.version = 2;  // Chinese lines break between words
  subtitles.run = [this, n](StageContext& ctx) { return WriteSubtitles(ctx, n); };
  RW_TRY(Stage(subtitles, summary));
  if (transcription_ && Wanted("transcribe")) {
    // Every voiced line heard back by the transcription server and checked against the script.
    StageSpec transcribe = spec("transcribe", {ep + "/voice", ep + "/timeline"});
    transcribe.settings = {{"transcription", Json::parse(CanonicalJson(settings_.providers.transcription))}, {"lang", settings_.lang}};
    transcribe.provider = "transcription " + settings_.providers.transcription.base_url + " " + settings_.providers.transcription.model;
    transcribe.model_calls = DialogueLinesIn(n);
    transcribe.run = [this, n](StageContext& ctx) { return WriteTranscript(ctx, n); };
    RW_TRY(Stage(transcribe, summary));
  }
  if (!Wanted("score")) return {};
  StageSpec score = spec("score", {ep + "/beats", ep + "/shots", ep + "/timeline", ep + "/voice"});
  score.settings = {{"music", Json::parse(CanonicalJson(settings_.music))}, {"seed", settings_.seed}};
  score.run = [this, n](StageContext& ctx) { return WriteScore(ctx, n); };
  RW_TRY(Stage(score, summary));
  if (!Wanted("frames")) return {};

  StageSpec frames = spec("frames", {"bible", ep + "/beats", ep + "/shots"});
  frames.settings = {{"width", preset_.width}, {"height", preset_.height}, {"style", settings_.format.style}};
  if (images_) AsksPerShot(frames, "images", settings_.providers.images, n);
  frames.run = [this, n](StageContext& ctx) { return WriteFrames(ctx, n); };
  RW_TRY(Stage(frames, summary));
  if (!Wanted("clips")) return {};

  StageSpec clips = spec("clips", {"bible", ep + "/beats", ep + "/frames", ep + "/shots", ep + "/timeline", ep + "/voice"});
  clips.version = 4;  // 2: the mouth follows the line; 3: a plate beside each clip; 4: clips drawn from it
  clips.settings = {{"width", preset_.width}, {"height", preset_.height}, {"fps", settings_.format.fps}};
  if (!settings_.languages.empty()) clips.settings["textless"] = true;  // a wordless plate for the dubbed renders
  if (video_) AsksPerShot(clips, "video", settings_.providers.video, n);
  clips.run = [this, n](StageContext& ctx) { return WriteClips(ctx, n); };
  RW_TRY(Stage(clips, summary));
  if (!Wanted("post")) return {};

  // The creator's post steps, in order, each taking the clips the one before made.
  std::string last_clips = clips.name, from = "clips";  // ends at ClipsStage(n)
  for (const PostStepSettings& step : settings_.providers.post) {
    StageSpec post = spec("post", {last_clips, ep + "/shots", ep + "/voice", ep + "/timeline"});
    post.name = ep + "/post-" + step.name;
    post.settings = {{"step", Json::parse(CanonicalJson(step))}, {"width", preset_.width}, {"height", preset_.height},
                     {"fps", settings_.format.fps}};
    post.sources.push_back(step.workflow);
    post.provider = "post " + step.name + " " + step.base_url;
    post.model_calls = ShotCount(n);
    post.run = [this, n, step, from](StageContext& ctx) { return WritePostStep(ctx, n, step, from); };
    RW_TRY(Stage(post, summary));
    last_clips = post.name;
    from = "clips/" + step.name;
  }
  if (!Wanted("render")) return {};

  StageSpec render = spec("render", {ep + "/timeline", ClipsStage(n), ep + "/voice", ep + "/subtitles", ep + "/score"});
  render.name = ep + "/render-" + preset_.name;
  render.settings = RenderSettings(credits);
  render.run = [this, n, credits](StageContext& ctx) { return WriteRender(ctx, n, credits, settings_.lang); };
  return Stage(render, summary);
}

// What shapes a render, in every language (a delivery language's adds its name).
Json SeriesBuild::RenderSettings(const std::string& credits) const {
  return {{"preset", preset_.name},
          {"width", preset_.width},
          {"height", preset_.height},
          {"fps", preset_.fps},
          {"video_bitrate", preset_.video_bitrate},
          {"max_bitrate", preset_.max_bitrate},
          {"gop_seconds", preset_.gop_seconds},
          {"audio_bitrate", preset_.audio_bitrate},
          {"x264_preset", preset_.x264_preset},
          {"credits", credits},
          {"music", Json::parse(CanonicalJson(settings_.music))},
          {"aigc", Json::parse(CanonicalJson(settings_.aigc))}};
}

Json SeriesBuild::TranslatorSettings(const std::string& lang) const {
  Json j = {{"from", settings_.lang}, {"to", lang}};
  if (!chat_) {
    j["translator"] = "none";  // a person's files only
    return j;
  }
  const auto& chat = settings_.providers.chat;
  j["base_url"] = chat.base_url;
  j["model"] = chat.model;
  j["temperature"] = chat.temperature;
  j["json_schema"] = chat.json_schema;
  return j;
}

// The bible's names in `lang`, once for the series (lang/L/glossary.yaml). With no chat server
// the names are kept as written, for a person to fill in.
Status SeriesBuild::Names(const std::string& lang, BuildSummary& summary) {
  StageSpec names;
  names.name = lang + "/translate";
  names.kind = "translate";
  names.deps = {"bible"};
  names.settings = TranslatorSettings(lang);
  if (chat_) {
    names.author = "model:" + settings_.providers.chat.model;
    names.model_calls = 1;
    names.provider = ChatProviderName(settings_.providers.chat);
  }
  names.run = [this, lang](StageContext& ctx) -> Status {
    RW_ASSIGN(Bible bible, Load<Bible>(root_, kBibleFile));
    Glossary glossary;
    glossary.lang = lang;
    if (chat_) {
      RW_ASSIGN(glossary, AskModel<Glossary>(ctx, [&](auto& calls) {
                  return LlmTranslateNames(bible, settings_.lang, lang, *chat_, &calls);
                }));
    } else {
      for (const auto& c : bible.characters) glossary.names.push_back({c.name, ""});
      for (const auto& l : bible.locations) glossary.names.push_back({l.name, ""});
      Say("  " + GlossaryFile(lang) + ": names kept as written (no chat server); write their " + lang + " forms there");
    }
    return ctx.Write(GlossaryFile(lang), ToYaml(glossary));
  };
  return Stage(names, summary);
}

Status SeriesBuild::Dub(int n, const std::string& lang, BuildSummary& summary) {
  std::string ep = EpisodeName(n);
  std::string prefix = ep + "/" + lang + "/";
  auto spec = [&](const std::string& kind, std::vector<std::string> deps) {
    StageSpec s;
    s.name = prefix + kind;
    s.kind = kind;
    s.deps = std::move(deps);
    return s;
  };

  StageSpec translate = spec("translate", {"bible", ep + "/script", lang + "/translate"});
  translate.settings = TranslatorSettings(lang);
  translate.settings["batch"] = kTranslateBatch;
  translate.settings["translate"] = settings_.translate;
  if (chat_) {
    translate.author = "model:" + settings_.providers.chat.model;
    auto batches = [](int units) { return (units + static_cast<int>(kTranslateBatch) - 1) / static_cast<int>(kTranslateBatch); };
    translate.model_calls = batches(DialogueLinesIn(n));
    if (settings_.translate == "script") {
      auto script = LoadScript(root_, n);
      translate.model_calls += script.ok() ? batches(static_cast<int>(ActionsToTranslate(*script).size())) : 0;
    }
    translate.provider = ChatProviderName(settings_.providers.chat);
  }
  translate.run = [this, n, lang](StageContext& ctx) { return WriteTranslation(ctx, n, lang); };
  RW_TRY(Stage(translate, summary));
  if (!Wanted("voice")) return {};

  StageSpec voice = spec("voice", {"bible", ep + "/beats", ep + "/script", ep + "/voice", prefix + "translate"});
  voice.settings = {{"lang", lang}};
  if (speech_) {
    voice.settings["speech"] = Json::parse(CanonicalJson(settings_.providers.speech));
    voice.provider = "speech " + settings_.providers.speech.base_url + " " + settings_.providers.speech.model;
    voice.model_calls = DialogueLinesIn(n);
  }
  voice.run = [this, n, lang](StageContext& ctx) { return WriteDubVoice(ctx, n, lang); };
  RW_TRY(Stage(voice, summary));
  if (!Wanted("subtitles")) return {};

  StageSpec subtitles = spec("subtitles", {"bible", ep + "/timeline", lang + "/translate", prefix + "translate"});
  subtitles.settings = {{"lang", lang}, {"style", Json::parse(CanonicalJson(settings_.subtitles))}};
  subtitles.run = [this, n, lang](StageContext& ctx) { return WriteDubSubtitles(ctx, n, lang); };
  RW_TRY(Stage(subtitles, summary));
  if (!Wanted("score")) return {};

  StageSpec score = spec("score", {ep + "/timeline", ep + "/score", prefix + "voice"});
  score.settings = {{"music", Json::parse(CanonicalJson(settings_.music))}, {"lang", lang}};
  score.run = [this, n, lang](StageContext& ctx) { return WriteDubMix(ctx, n, lang); };
  RW_TRY(Stage(score, summary));
  if (!Wanted("render")) return {};

  StageSpec render = spec("render", {ep + "/timeline", ClipsStage(n), prefix + "subtitles", prefix + "score"});
  render.name = prefix + "render-" + preset_.name;
  // Who wrote the lines heard and read: the script's credits, then the translation's (a person's
  // hand-written or edited lines against the chat server's), which the ledger keeps per line.
  std::string credits = credits_[n];
  if (auto lines = RecordTranslationAuthorship(root_, builder_.ledger(), builder_.store(), n, lang); lines.ok()) {
    credits += "; translation: " + CreditLine(Summarize(*lines));
  }
  render.settings = RenderSettings(credits);
  render.settings["lang"] = lang;
  render.run = [this, n, credits, lang](StageContext& ctx) { return WriteRender(ctx, n, credits, lang); };
  return Stage(render, summary);
}

// The episode's lines in `lang`: from the chat server in batches, or a person's file as it is.
// A person's file (written by hand, or a translation they edited) is never written over: when it
// still matches the script (every line, with the source it was translated from) it is used
// without asking the server. When the script has moved on and a server is set, the server's
// translation goes beside it (variants/lines.yaml) to merge from; with no server, changed lines
// are a warning and missing lines stop the build.
Status SeriesBuild::WriteTranslation(StageContext& ctx, int n, const std::string& lang) {
  RW_ASSIGN(Bible bible, Load<Bible>(root_, kBibleFile));
  RW_ASSIGN(Screenplay script, LoadScript(root_, n));
  std::vector<LineToTranslate> lines = LinesToTranslate(script, bible);
  const std::string rel = LinesFile(n, lang);
  const std::string path = (root_ / rel).string();
  std::error_code ec;
  bool persons = ctx.IsProtected(rel) || (!builder_.ledger().GetArtifact(rel) && fs::exists(root_ / rel, ec));
  if (persons) {
    RW_ASSIGN(Translation mine, Load<Translation>(root_, rel));
    std::string missing;
    int stale = 0;
    for (const auto& l : lines) {
      const TranslatedLine* t = mine.Find(l.id);
      if (!t) missing += (missing.empty() ? "" : ", ") + l.id + " (\"" + l.source + "\")";
      else stale += !t->source.empty() && t->source != l.source;
    }
    if (missing.empty() && stale == 0) {
      RW_TRY(ctx.Keep(rel));
      return WriteScriptCopy(ctx, n, lang, script, bible, mine);
    }
    if (!chat_ && !missing.empty())
      return BadInput(path, "no translation for " + missing + "; add " + (missing.find(',') == std::string::npos ? "it" : "them") +
                                " (id, text), or set providers.chat in reelwright.yaml and delete this file to translate again");
    if (stale > 0)
      Say("  " + rel + ": " + std::to_string(stale) + " line" + (stale == 1 ? "" : "s") +
          " changed in the script since translated; the build uses your translation as it is" +
          (chat_ ? " and puts the server's beside it (variants/lines.yaml)" : ""));
    if (!chat_) {
      RW_TRY(ctx.Keep(rel));
      return WriteScriptCopy(ctx, n, lang, script, bible, mine);
    }
  } else if (!chat_) {
    return BadInput(path, "languages lists '" + lang + "' but there is no translator: set providers.chat (base_url, model) in " +
                              (root_ / kSettingsFile).string() + ", or write this file by hand (schema: Translation.1, lang: " +
                              lang + ", lines: one {id: L001, text: …} per dialogue line in script order) and build again");
  }
  RW_ASSIGN(Glossary glossary, Load<Glossary>(root_, GlossaryFile(lang)));
  StoreReplyCache replies(builder_, TranslatorSettings(lang));
  RW_ASSIGN(Translation made, AskModel<Translation>(ctx, [&](auto& calls) {
              return LlmTranslateLines(bible, settings_.lang, lang, glossary, lines, *chat_, &calls, kTranslateBatch, &replies);
            }));
  RW_TRY(ctx.Write(rel, ToYaml(made)));
  return WriteScriptCopy(ctx, n, lang, script, bible, made);
}

// With `translate: script`, the whole script in `lang` for reading (lang/L/script.fountain): the
// lines as translated, the action through the chat server (as written when there is none).
Status SeriesBuild::WriteScriptCopy(StageContext& ctx, int n, const std::string& lang, const Screenplay& script,
                                    const Bible& bible, const Translation& lines) {
  if (settings_.translate != "script") return {};
  RW_ASSIGN(Glossary glossary, Load<Glossary>(root_, GlossaryFile(lang)));
  Translation actions;
  actions.lang = lang;
  if (chat_) {
    StoreReplyCache replies(builder_, TranslatorSettings(lang));
    RW_ASSIGN(actions, AskModel<Translation>(ctx, [&](auto& calls) {
                return LlmTranslateLines(bible, settings_.lang, lang, glossary, ActionsToTranslate(script), *chat_, &calls,
                                         kTranslateBatch, &replies);
              }));
  } else {
    Say("  " + Ep(n, LangDir(lang) + "script.fountain") + ": the action stays as written (no chat server)");
  }
  return ctx.Write(Ep(n, LangDir(lang) + "script.fountain"), TranslatedFountain(script, bible, glossary, lines, actions));
}

// The translated lines voiced per character, each fitted to its original line's slot (audio/dub.h).
Status SeriesBuild::WriteDubVoice(StageContext& ctx, int n, const std::string& lang) {
  RW_ASSIGN(Bible bible, Load<Bible>(root_, kBibleFile));
  RW_ASSIGN(VoiceTrack original, Load<VoiceTrack>(root_, Ep(n, kVoiceFile)));
  RW_ASSIGN(Translation translation, Load<Translation>(root_, LinesFile(n, lang)));
  RW_ASSIGN(Screenplay script, LoadScript(root_, n));
  std::vector<std::string> beat_of_line;  // dialogue lines in order, as the voice stage numbers them
  for (const auto& u : ScriptUnits(script))
    if (u.kind == ScriptUnit::Kind::kDialogue) beat_of_line.push_back(u.beat);
  std::map<std::string, Emotion> emotion;
  if (auto beats = Load<Beats>(root_, Ep(n, kBeatsFile)); beats.ok())
    for (const auto& b : beats->beats) emotion[b.id] = b.emotion;
  const std::string dir = LangDir(lang) + "voice/";
  Progress progress(EpisodeName(n) + " " + lang + " voice", static_cast<int64_t>(original.lines.size()));
  VoiceTrack track;
  int faster = 0, cut = 0;
  for (size_t i = 0; i < original.lines.size(); ++i) {
    const VoiceLine& v = original.lines[i];
    const TranslatedLine* t = translation.Find(v.id);
    if (!t)
      return BadInput((root_ / LinesFile(n, lang)).string(),
                      "no translation for " + v.id + " (\"" + v.text + "\"); add it, or delete the file to translate again");
    const Character* c = bible.FindCharacter(v.character);
    if (!c)
      return Failed("line " + v.id + " is spoken by " + v.character + ", who is not in bible.yaml; build again",
                    (root_ / Ep(n, kVoiceFile)).string());
    const double slot_s = original.sample_rate > 0 ? static_cast<double>(v.samples) / original.sample_rate : v.duration_s;
    const std::string rel_wav = dir + v.id + ".wav";
    const std::string rel = Ep(n, rel_wav);
    std::string beat = i < beat_of_line.size() ? beat_of_line[i] : "";
    VoiceSpec spec = EmotionalVoice(VoiceForLanguage(c->voice, lang), emotion.count(beat) ? emotion[beat] : Emotion{0, 0.5});
    char slot[32];
    std::snprintf(slot, sizeof slot, "%.4f", slot_s);
    std::string key = "dub/espeak/1:" + Sha256Hex(CanonicalJson(spec) + "\n" + slot + "\n" + t->text);
    if (speech_) {
      const auto& sp = speech_->settings();
      key = "dub/" + sp.kind + "/1:" +
            Sha256Hex(sp.base_url + "\n" + sp.model + "\n" + speech_->VoiceFor(c->id) + "\n" + slot + "\n" + t->text);
    }
    RW_ASSIGN(bool restored, ctx.Restore(key, rel));
    if (!restored && speech_) {
      std::vector<CallRecord> calls;
      auto wav = speech_->Speak(t->text, speech_->VoiceFor(c->id), &calls);
      for (const auto& call : calls) RecordCall(ctx, call);
      if (!wav.ok()) {
        Error e = wav.error();
        e.message = "cannot voice " + v.id + " in " + lang + ": " + e.message;
        return e;
      }
      RW_ASSIGN(Pcm pcm, DecodeSpeechWav(*wav));
      bool was_cut = false;
      const int64_t frames = std::max<int64_t>(1, std::llround(slot_s * pcm.sample_rate));
      Pcm fitted = FitToSlot(std::move(pcm), frames, &was_cut);
      cut += was_cut;
      RW_TRY(WriteWav(ctx.OutputPath(rel), fitted));
      RW_TRY(ctx.Remember(key, rel));
    } else if (!restored) {
      auto spoken = SpeakFitted(spec, t->text, slot_s);
      if (!spoken.ok()) {
        Error e = spoken.error();
        e.where = (root_ / LinesFile(n, lang)).string();
        e.message = "cannot voice " + v.id + " (\"" + t->text + "\"): " + e.message;
        return e;
      }
      faster += spoken->tries > 1;
      cut += spoken->cut;
      RW_TRY(WriteWav(ctx.OutputPath(rel), spoken->pcm));
      RW_TRY(ctx.Remember(key, rel));
    }
    RW_ASSIGN(Pcm pcm, ReadWav(ctx.Abs(rel)));  // a person's recording, when they dropped one in
    VoiceLine line;
    line.id = v.id;
    line.character = c->id;
    line.text = t->text;
    line.wav = rel_wav;
    line.samples = pcm.Frames();
    line.duration_s = pcm.Seconds();
    track.sample_rate = pcm.sample_rate;
    track.lines.push_back(line);
    progress.Add();
  }
  progress.Finish();
  char line[160];
  std::snprintf(line, sizeof line, "  %s %s voice: %zu lines on the original timing, %d spoken faster to fit, %d cut at the slot end",
                EpisodeName(n).c_str(), lang.c_str(), track.lines.size(), faster, cut);
  Say(line);
  return ctx.Write(Ep(n, dir + "lines.yaml"), ToYaml(track));
}

// The translated lines on the original cue times, each cue's speaker named as the glossary says.
Status SeriesBuild::WriteDubSubtitles(StageContext& ctx, int n, const std::string& lang) {
  RW_ASSIGN(Timeline tl, LoadTimeline(root_, n));
  RW_ASSIGN(Bible bible, Load<Bible>(root_, kBibleFile));
  RW_ASSIGN(Translation translation, Load<Translation>(root_, LinesFile(n, lang)));
  RW_ASSIGN(Glossary glossary, Load<Glossary>(root_, GlossaryFile(lang)));
  for (auto& cue : tl.cues) {
    const TranslatedLine* t = translation.Find(cue.line);
    if (!t)
      return BadInput((root_ / LinesFile(n, lang)).string(),
                      "no translation for " + cue.line + " (\"" + cue.text + "\"); add it, or delete the file to translate again");
    cue.text = t->text;
    if (const GlossaryEntry* name = glossary.Find(cue.character)) cue.character = name->Shown();
  }
  SubtitleStyle style = SeriesSubtitleStyle();
  std::string base = EpisodeName(n) + "." + lang;
  RW_TRY(ctx.Write(Ep(n, base + ".srt"), WriteSrt(tl.cues, style)));
  RW_TRY(ctx.Write(Ep(n, base + ".vtt"), WriteVtt(tl.cues, style)));
  std::string title = Trim(settings_.title).empty() ? bible.title : Trim(settings_.title);
  return ctx.Write(Ep(n, base + ".ass"), WriteAss(tl.cues, style, title + " " + EpisodeName(n)));
}

// The same score under the dubbed dialogue: the timeline's lines point at the dub's WAVs.
Status SeriesBuild::WriteDubMix(StageContext& ctx, int n, const std::string& lang) {
  RW_ASSIGN(Timeline tl, LoadTimeline(root_, n));
  RW_ASSIGN(VoiceTrack dub, Load<VoiceTrack>(root_, Ep(n, LangDir(lang) + "voice/lines.yaml")));
  std::map<std::string, std::string> wav_of;
  for (const auto& l : dub.lines) wav_of[l.id] = l.wav;
  for (auto& d : tl.dialogue) {
    auto it = wav_of.find(d.line);
    if (it == wav_of.end())
      return Failed("the " + lang + " voice has no line " + d.line + "; build again", (root_ / Ep(n, LangDir(lang) + "voice/lines.yaml")).string());
    d.wav = it->second;
  }
  std::string music_rel = settings_.music.enabled ? Ep(n, "music/score.wav") : "";
  return Mix(ctx, tl, n, music_rel, LangDir(lang));
}

Status SeriesBuild::WriteVoice(StageContext& ctx, int n) {
  RW_ASSIGN(Bible bible, Load<Bible>(root_, kBibleFile));
  RW_ASSIGN(Screenplay script, LoadScript(root_, n));
  std::string script_path = (root_ / Ep(n, kScriptFile)).string();
  RW_TRY(CheckCues(script, bible, script_path));
  std::vector<ScriptUnit> units = ScriptUnits(script);
  int64_t total = std::count_if(units.begin(), units.end(), [](const ScriptUnit& u) { return u.kind == ScriptUnit::Kind::kDialogue; });
  Progress progress(EpisodeName(n) + " voice", total);
  std::map<std::string, Emotion> emotion;  // by beat id: a heated beat speaks faster and higher
  if (auto beats = Load<Beats>(root_, Ep(n, kBeatsFile)); beats.ok())
    for (const auto& b : beats->beats) emotion[b.id] = b.emotion;
  VoiceTrack track;
  std::vector<std::pair<size_t, fs::path>> takes;  // lines a person recorded: index in track.lines, file
  int index = 0;
  for (const auto& u : units) {
    if (u.kind != ScriptUnit::Kind::kDialogue) continue;
    const Character* c = bible.FindCharacterByName(u.character);
    char id[32];
    std::snprintf(id, sizeof id, "L%03d", ++index);
    std::string rel_wav = "voice/" + std::string(id) + ".wav";
    std::string rel = Ep(n, rel_wav);
    std::string visemes_rel = Ep(n, "voice/" + std::string(id) + ".visemes.json");
    if (fs::path take = TakeFor(n, id); !take.empty()) {
      // Voiced after the loop, at the rate the synthesized lines came at.
      takes.push_back({track.lines.size(), take});
      track.lines.push_back({id, c->id, u.text, rel_wav, 0, 0});
      progress.Add();
      continue;
    }
    VoiceSpec spec = EmotionalVoice(c->voice, emotion.count(u.beat) ? emotion[u.beat] : Emotion{0, 0.5});
    std::string key = "voice/espeak/1:" + Sha256Hex(CanonicalJson(spec) + "\n" + u.text);
    if (speech_) {
      const auto& sp = speech_->settings();
      key = "voice/" + sp.kind + "/1:" + Sha256Hex(sp.base_url + "\n" + sp.model + "\n" + speech_->VoiceFor(c->id) + "\n" + u.text);
    }
    RW_ASSIGN(bool restored, ctx.Restore(key, rel));
    if (!restored && speech_) {
      std::vector<CallRecord> calls;
      auto wav = speech_->Speak(u.text, speech_->VoiceFor(c->id), &calls);
      for (const auto& call : calls) RecordCall(ctx, call);
      if (!wav.ok()) {
        Error e = wav.error();
        e.message = "cannot voice the line at " + script_path + ":" + std::to_string(u.line) + ": " + e.message;
        return e;
      }
      RW_TRY(WriteFileAtomic(ctx.OutputPath(rel), *wav));
      RW_TRY(ctx.Remember(key, rel));
    } else if (!restored) {
      auto spoken = SpeakLineWithPhonemes(spec, u.text);
      if (!spoken.ok()) {
        Error e = spoken.error();
        e.where = script_path + ":" + std::to_string(u.line);
        e.message = "cannot voice this line: " + e.message;
        return e;
      }
      RW_TRY(WriteWav(ctx.OutputPath(rel), spoken->pcm));
      RW_TRY(ctx.Remember(key, rel));
      RW_TRY(ctx.Write(visemes_rel, VisemeJson(id, spoken->phonemes)));
      RW_TRY(ctx.Remember(key + "/visemes", visemes_rel, false));
    }
    if (!speech_ && restored) {
      RW_ASSIGN(bool have, ctx.Restore(key + "/visemes", visemes_rel, false));
      if (!have) {  // a line voiced before lip-sync data was kept: speak it again for its phonemes
        RW_ASSIGN(SpokenLine again, SpeakLineWithPhonemes(spec, u.text));
        RW_TRY(ctx.Write(visemes_rel, VisemeJson(id, again.phonemes)));
        RW_TRY(ctx.Remember(key + "/visemes", visemes_rel, false));
      }
    }
    RW_ASSIGN(Pcm pcm, ReadWav(ctx.Abs(rel)));  // a person's recording, when they dropped one in
    VoiceLine line;
    line.id = id;
    line.character = c->id;
    line.text = u.text;
    line.wav = rel_wav;
    line.samples = pcm.Frames();
    line.duration_s = pcm.Seconds();
    track.sample_rate = pcm.sample_rate;
    track.lines.push_back(line);
    progress.Add();
  }
  progress.Finish();
  // A person's recordings: trimmed to the speech, so the line's timing and subtitle follow it.
  if (takes.size() == track.lines.size()) track.sample_rate = 48000;
  for (const auto& [i, take] : takes) {
    VoiceLine& line = track.lines[i];
    std::string rel = Ep(n, line.wav);
    RW_ASSIGN(std::string bytes, ReadFile(take));
    std::string key = "voice/take/1:" + Sha256Hex(bytes + "\n" + std::to_string(track.sample_rate));
    RW_ASSIGN(bool restored, ctx.Restore(key, rel));
    if (!restored) {
      RW_ASSIGN(Recording recording, PrepareRecording(take, track.sample_rate));
      RW_TRY(WriteWav(ctx.OutputPath(rel), recording.pcm));
      RW_TRY(ctx.Remember(key, rel));
      char note[160];
      std::snprintf(note, sizeof note, "  %s %s: a person's recording, %.2f s of speech (%.2f s trimmed before, %.2f s after)",
                    EpisodeName(n).c_str(), line.id.c_str(), recording.pcm.Seconds(), recording.trimmed_head_s,
                    recording.trimmed_tail_s);
      Say(note);
    }
    RW_ASSIGN(Pcm pcm, ReadWav(ctx.Abs(rel)));
    line.samples = pcm.Frames();
    line.duration_s = pcm.Seconds();
    // The mouth follows the recording's loudness (it has no phonemes).
    Json j = {{"line", line.id}, {"shapes", "Preston Blair: rest MBP FV WQ U O AI E L etc"}, {"source", "loudness of a recording"},
              {"visemes", Json::array()}, {"phonemes", Json::array()}};
    for (const auto& [t, v] : EnvelopeVisemes(pcm)) j["visemes"].push_back({{"t", std::round(t * 1000) / 1000}, {"viseme", v}});
    RW_TRY(ctx.Write(Ep(n, "voice/" + line.id + ".visemes.json"), j.dump(1) + "\n"));
  }
  return ctx.Write(Ep(n, kVoiceFile), ToYaml(track));
}

fs::path SeriesBuild::TakeFor(int n, const std::string& line) const {
  for (const char* ext : {".wav", ".flac", ".mp3", ".m4a", ".ogg", ".opus"}) {
    fs::path take = root_ / Ep(n, "takes/" + line + ext);
    std::error_code ec;
    if (fs::is_regular_file(take, ec)) return take;
  }
  return {};
}

Status SeriesBuild::WriteShots(StageContext& ctx, int n) {
  RW_ASSIGN(Bible bible, Load<Bible>(root_, kBibleFile));
  RW_ASSIGN(Beats beats, Load<Beats>(root_, Ep(n, kBeatsFile)));
  RW_ASSIGN(Screenplay script, LoadScript(root_, n));
  RW_ASSIGN(VoiceTrack voice, Load<VoiceTrack>(root_, Ep(n, kVoiceFile)));
  std::vector<ShotUnit> units;
  size_t line = 0;
  std::map<std::string, std::string> beat_location;
  for (const auto& b : beats.beats) beat_location[b.id] = b.location;
  for (const auto& u : ScriptUnits(script)) {
    ShotUnit s;
    s.beat = u.beat;
    const Location* loc = LocationForScene(bible, u.scene, beat_location[u.beat]);
    s.location = loc ? loc->id : (bible.locations.empty() ? "" : bible.locations[0].id);
    s.text = u.text;
    if (u.kind == ScriptUnit::Kind::kDialogue) {
      if (line >= voice.lines.size())
        return Failed("voice/lines.yaml has fewer lines than the script; build again to re-voice", (root_ / Ep(n, kVoiceFile)).string());
      const VoiceLine& v = voice.lines[line++];
      s.dialogue = true;
      s.speaker = v.character;
      s.line = v.id;
      s.parenthetical = u.parenthetical;
      s.seconds = v.duration_s;
    } else {
      s.seconds = ActionShotSeconds(u.text);
    }
    units.push_back(std::move(s));
  }
  Shots shots = PlanShots(n, bible, beats, units, settings_.format.fps, static_cast<uint64_t>(settings_.seed));
  return ctx.Write(Ep(n, kShotsFile), ToYaml(shots));
}

// Everything a painted panel is made from, for cache keys.
std::string PanelKey(const PanelSpec& spec) {
  Json doc = {{"shot", spec.shot_id}, {"type", EnumName(spec.type)}, {"move", EnumName(spec.move)},
              {"w", spec.width}, {"h", spec.height}, {"loc", spec.location_name}, {"kind", spec.location_kind},
              {"interior", spec.interior}, {"time", spec.time}, {"loc_palette", spec.location_palette},
              {"caption", spec.caption}, {"label", spec.label}, {"seed", spec.seed}, {"style", spec.style},
              {"mirror", spec.mirror}, {"valence", spec.valence}, {"arousal", spec.arousal}};
  if (!spec.text) doc["text"] = false;
  for (const auto& c : spec.cast) doc["cast"].push_back({c.id, c.name, c.gender, c.age, c.palette, c.look, c.speaking, c.mouth});
  return Sha256Hex(doc.dump());
}

Status SeriesBuild::WriteFrames(StageContext& ctx, int n) {
  RW_ASSIGN(Bible bible, Load<Bible>(root_, kBibleFile));
  RW_ASSIGN(Beats beats, Load<Beats>(root_, Ep(n, kBeatsFile)));
  RW_ASSIGN(Shots shots, Load<Shots>(root_, Ep(n, kShotsFile)));
  Progress progress(EpisodeName(n) + " frames", static_cast<int64_t>(shots.shots.size()));
  for (const auto& shot : shots.shots) {
    std::string rel = Ep(n, "frames/" + shot.id + ".png");
    if (images_) {
      RW_TRY(GenerateFrame(ctx, bible, shot, rel));
      progress.Add();
      continue;
    }
    PanelSpec spec = FrameSpec(bible, beats, shot);
    std::string key = "frame/painter/2:" + PanelKey(spec);
    RW_ASSIGN(bool restored, ctx.Restore(key, rel));
    if (!restored) {
      RW_ASSIGN(Image panel, PaintPanel(spec));
      RW_TRY(WritePng(ctx.OutputPath(rel), panel));
      RW_TRY(ctx.Remember(key, rel));
    }
    progress.Add();
  }
  return {};
}

// One frame from the image server: the shot's prompt expanded from the bible, its first
// reference image, the seed of the character it is about. Cached by all of these.
Status SeriesBuild::GenerateFrame(StageContext& ctx, const Bible& bible, const Shot& shot, const std::string& rel) {
  const ImageProviderSettings& im = images_->settings();
  ImageRequest request;
  request.prompt = ExpandPrompt(shot.prompt, bible);
  request.width = preset_.width;
  request.height = preset_.height;
  request.seed = shot.seed;
  if (!shot.cast.empty())
    if (const Character* c = bible.FindCharacter(shot.cast.front()); c && c->seed != 0) request.seed = c->seed;
  if (!shot.references.empty()) {
    auto bytes = ReadFile(root_ / shot.references.front());
    if (!bytes.ok())
      return BadInput((root_ / shot.references.front()).string(),
                      "the reference image for " + shot.id + " (named in bible.yaml) cannot be read: " + bytes.error().message);
    request.reference_png = std::move(*bytes);
  }
  std::string workflow_hash = im.workflow.empty() ? "" : builder_.HashOf(im.workflow);
  Json key_doc = {{"kind", im.kind}, {"url", im.base_url}, {"model", im.model}, {"workflow", workflow_hash},
                  {"negative", im.negative_prompt}, {"steps", im.steps}, {"denoising", im.denoising},
                  {"prompt", request.prompt}, {"w", request.width}, {"h", request.height}, {"seed", request.seed},
                  {"reference", Sha256Hex(request.reference_png)}};
  std::string key = "frame/" + im.kind + "/1:" + Sha256Hex(key_doc.dump());
  RW_ASSIGN(bool restored, ctx.Restore(key, rel));
  if (restored) return {};
  std::vector<CallRecord> calls;
  auto png = images_->Generate(request, &calls);
  for (const auto& call : calls) RecordCall(ctx, call);
  if (!png.ok()) {
    Error e = png.error();
    e.message = "cannot make the frame for " + shot.id + ": " + e.message;
    return e;
  }
  RW_TRY(WriteFileAtomic(ctx.OutputPath(rel), *png));
  return ctx.Remember(key, rel);
}

int SeriesBuild::DialogueLinesIn(int n) const {
  auto script = LoadScript(root_, n);
  if (!script.ok()) return 0;
  int lines = 0;
  for (const auto& u : ScriptUnits(*script)) lines += u.kind == ScriptUnit::Kind::kDialogue;
  return lines;
}

// One clip from the video server: the shot's frame first, the next shot's frame last, the
// shot's prompt; the clip that comes back is conformed to the timeline (size, rate, length).
// Cached by all of these.
Status SeriesBuild::GenerateClip(StageContext& ctx, const Bible& bible, int n, const Shot& shot, const Shot* next, int frames,
                                 const std::string& rel) {
  VideoRequest request = ShotVideoRequest(bible, shot, frames);
  RW_ASSIGN(request.first_frame_png, ReadFile(root_ / Ep(n, "frames/" + shot.id + ".png")));
  if (next) {
    auto last = ReadFile(root_ / Ep(n, "frames/" + next->id + ".png"));
    if (last.ok()) request.last_frame_png = std::move(*last);
  }
  const VideoProviderSettings& vs = video_->settings();
  Json key_doc = {{"url", vs.base_url}, {"workflow", vs.workflow.empty() ? "" : builder_.HashOf(vs.workflow)},
                  {"negative", vs.negative_prompt}, {"first", Sha256Hex(request.first_frame_png)},
                  {"last", Sha256Hex(request.last_frame_png)}, {"prompt", request.prompt}, {"w", request.width},
                  {"h", request.height}, {"fps", request.fps}, {"frames", frames}, {"seed", request.seed}};
  std::string key = "clip/" + vs.kind + "/1:" + Sha256Hex(key_doc.dump());
  RW_ASSIGN(bool restored, ctx.Restore(key, rel));
  if (restored) return {};
  return FetchClip(ctx, *video_, request, key, rel, "cannot make the clip for " + shot.id,
                   "the video server's clip for " + shot.id);
}

VideoRequest SeriesBuild::ShotVideoRequest(const Bible& bible, const Shot& shot, int frames) const {
  VideoRequest request;
  request.prompt = ExpandPrompt(shot.prompt, bible) + "; " + shot.caption;
  request.width = preset_.width;
  request.height = preset_.height;
  request.fps = settings_.format.fps;
  request.frames = frames;
  request.seed = shot.seed;
  return request;
}

Status SeriesBuild::FetchClip(StageContext& ctx, VideoClient& server, const VideoRequest& request, const std::string& key,
                              const std::string& rel, const std::string& failed, const std::string& unusable) {
  std::vector<CallRecord> calls;
  auto clip = server.Generate(request, &calls);
  for (const auto& call : calls) RecordCall(ctx, call);
  if (!clip.ok()) {
    Error e = clip.error();
    e.message = failed + ": " + e.message;
    return e;
  }
  // The server's clip as it came, then conformed: its rate, size and length are the server's.
  fs::path source = TempPathFor(ctx.Abs(rel)).string() + "." + clip->format;
  RW_TRY(WriteFileAtomic(source, clip->bytes));
  auto conformed = ConformClip(source, ctx.OutputPath(rel), request.width, request.height, request.fps, request.frames);
  std::error_code ec;
  fs::remove(source, ec);
  if (!conformed.ok()) {
    Error e = conformed.error();
    e.message = unusable + " cannot be used: " + e.message;
    return e;
  }
  return ctx.Remember(key, rel);
}

void SeriesBuild::RecordCall(StageContext& ctx, const CallRecord& c) {
  ctx.RecordCall({c.provider, c.model, c.attempt, c.http_status, c.usage.prompt_tokens, c.usage.completion_tokens, c.latency_s,
                  c.cost, c.outcome});
}

Status SeriesBuild::WriteClips(StageContext& ctx, int n) {
  RW_ASSIGN(Shots shots, Load<Shots>(root_, Ep(n, kShotsFile)));
  const int fps = settings_.format.fps;
  int64_t total_frames = 0;
  for (const auto& s : shots.shots) total_frames += std::max<int64_t>(1, std::llround(s.duration_s * fps));
  Progress progress(EpisodeName(n) + " clips", total_frames);
  RW_ASSIGN(Bible bible, Load<Bible>(root_, kBibleFile));  // prompts for the server, panels for lip-sync
  RW_ASSIGN(Beats beats, Load<Beats>(root_, Ep(n, kBeatsFile)));
  RW_ASSIGN(Timeline tl, LoadTimeline(root_, n));
  for (const auto& shot : shots.shots) {
    int frames = static_cast<int>(std::max<int64_t>(1, std::llround(shot.duration_s * fps)));
    std::string still_rel = Ep(n, "frames/" + shot.id + ".png");
    std::string still_hash = builder_.HashOf(still_rel);
    if (still_hash.empty())
      return Failed("the frame for " + shot.id + " is missing; build again to repaint it", (root_ / still_rel).string());
    std::string rel = Ep(n, "clips/" + shot.id + ".mp4");
    if (video_) {
      const Shot* next = &shot + 1 < shots.shots.data() + shots.shots.size() ? &shot + 1 : nullptr;
      RW_TRY(GenerateClip(ctx, bible, n, shot, next, frames, rel));
      progress.Add(frames);
      continue;
    }
    RW_ASSIGN(std::vector<uint8_t> mouth, MouthFor(n, shot, tl, frames));
    Json key_doc = {{"still", still_hash}, {"move", EnumName(shot.move)}, {"frames", frames}, {"fps", fps},
                    {"w", preset_.width}, {"h", preset_.height}, {"mouth", std::string(mouth.begin(), mouth.end())}};
    // With delivery languages, a second plate draws the shot without the panel's words (its
    // caption and scene strip are in the series language) for the dubbed renders.
    const bool textless = !settings_.languages.empty();
    if (textless) key_doc["textless"] = true;
    std::string key = "clip/motion/4:" + Sha256Hex(key_doc.dump());
    RW_ASSIGN(bool restored, RestoreClip(ctx, key, n, shot.id, textless));
    if (!restored) {
      RW_ASSIGN(Image still, ReadPng(root_ / still_rel));
      // The speaker's mouth moves with the line, and the words come off for the dubbed renders,
      // only when the still is the painter's own panel (not a person's picture or a server's):
      // the panel is repainted at each mouth opening and each frame takes the one its viseme
      // asks for.
      PanelSpec spec = FrameSpec(bible, beats, shot);
      bool painters = false;
      if (!mouth.empty() || textless) {
        RW_ASSIGN(Image painted, PaintPanel(spec));
        painters = painted.pixels == still.pixels;
      }
      // The panel painted with or without its words: at each mouth opening when the mouth
      // moves, else once.
      auto repaint = [&](bool text) -> Result<std::vector<Image>> {
        PanelSpec s = spec;
        s.text = text;
        std::vector<Image> out;
        for (size_t k = 0; k < (mouth.empty() ? 1 : std::size(kMouthOpenings)); ++k) {
          if (!mouth.empty()) {
            for (auto& c : s.cast) c.mouth = c.speaking ? kMouthOpenings[k] : -1;
          }
          RW_ASSIGN(Image panel, PaintPanel(s));
          out.push_back(std::move(panel));
        }
        return out;
      };
      std::vector<Image> mouths, wordless;  // the panels at each mouth opening; without words
      if (painters && !mouth.empty()) {
        RW_ASSIGN(mouths, repaint(true));
      }
      if (painters && textless) {
        RW_ASSIGN(wordless, repaint(false));
      }
      // The clip holds the frames the render draws from the plate, encoded.
      const Plate plate = ShotPlate(shot, frames, "", mouths.size(), mouth);
      std::vector<const Image*> panels;
      for (const Image& panel : mouths) panels.push_back(&panel);
      if (panels.empty()) panels.push_back(&still);
      RW_ASSIGN(PlateDrawer drawer, PlateDrawer::FromImages(plate, panels, preset_.width, preset_.height));
      ZoomScratch scratch;
      RW_ASSIGN(auto writer, VideoWriter::Open(ctx.OutputPath(rel), preset_.width, preset_.height, fps, ClipEncodeOptions{}));
      for (int i = 0; i < frames; ++i) {
        RW_TRY(writer->WriteDrawn([&](uint8_t* const data[3], const int stride[3]) { drawer.Draw(i, PlanesOf(data, stride), &scratch); }));
        progress.Add();
      }
      RW_TRY(writer->Finish());
      RW_TRY(ctx.Remember(key, rel));
      const std::string clip_hash = Sha256File(ctx.OutputPath(rel).string());
      RW_TRY(WritePlate(ctx, key, n, shot.id, "", plate, clip_hash, mouths));
      if (textless) {
        RW_TRY(WritePlate(ctx, key, n, shot.id, kTextlessPlate, ShotPlate(shot, frames, kTextlessPlate, wordless.size(), mouth),
                          clip_hash, wordless));
      }
    } else {
      progress.Add(frames);
    }
  }
  return {};
}

// The plate of a built-in clip (visual/plate.h) before its hashes: the frame stage's still, or
// `panels` panels beside the clip (named by `name`: "" or kTextlessPlate) and, with more than
// one (the mouth openings), which one each frame shows.
Plate SeriesBuild::ShotPlate(const Shot& shot, int frames, const std::string& name, size_t panels,
                             const std::vector<uint8_t>& mouth) const {
  Plate plate;
  plate.move = shot.move;
  plate.frames = frames;
  plate.fps = settings_.format.fps;
  plate.width = preset_.width;
  plate.height = preset_.height;
  if (panels == 0) plate.stills.push_back({"frames/" + shot.id + ".png", ""});
  const std::string stem = "clips/" + shot.id + (name.empty() ? "" : "." + name);
  for (size_t k = 0; k < panels; ++k) {
    plate.stills.push_back({panels == 1 ? stem + ".png" : stem + ".m" + std::to_string(k) + ".png", ""});
  }
  if (panels > 1) {
    for (uint8_t m : mouth) plate.pick += static_cast<char>('0' + m);
  }
  return plate;
}

// Writes `plate` beside clip `shot_id` with its hashes: the clip's, and each still's (the panels
// in `panels` written first, in the plate's order). The renderer draws the shot from it rather
// than decoding the clip.
Status SeriesBuild::WritePlate(StageContext& ctx, const std::string& key, int n, const std::string& shot_id,
                               const std::string& name, Plate plate, const std::string& clip_hash,
                               const std::vector<Image>& panels) {
  plate.clip_sha256 = clip_hash;
  for (size_t k = 0; k < plate.stills.size(); ++k) {
    const std::string rel = Ep(n, plate.stills[k].path);
    if (k < panels.size()) {
      RW_TRY(WritePng(ctx.OutputPath(rel), panels[k]));
      RW_TRY(ctx.Remember(key + "/" + plate.stills[k].path, rel, false));
      plate.stills[k].sha256 = Sha256File(ctx.OutputPath(rel).string());
    } else {
      plate.stills[k].sha256 = builder_.HashOf(rel);
    }
  }
  const std::string plate_rel = Ep(n, PlatePathFor(fs::path("clips") / (shot_id + ".mp4"), name).string());
  RW_TRY(ctx.Write(plate_rel, PlateJson(plate)));
  return ctx.Remember(key + "/" + plate_rel, plate_rel, false);
}

// The clip made under `key` before, with its plates (and the textless one) and the panels they
// name; false when any of them is not in the cache.
Result<bool> SeriesBuild::RestoreClip(StageContext& ctx, const std::string& key, int n, const std::string& shot_id,
                                      bool textless) {
  RW_ASSIGN(bool restored, ctx.Restore(key, Ep(n, "clips/" + shot_id + ".mp4")));
  if (!restored) return false;
  for (const std::string& name : {std::string(), std::string(kTextlessPlate)}) {
    if (!name.empty() && !textless) continue;
    const std::string plate_rel = Ep(n, PlatePathFor(fs::path("clips") / (shot_id + ".mp4"), name).string());
    RW_ASSIGN(restored, ctx.Restore(key + "/" + plate_rel, plate_rel, false));
    if (!restored) return false;
    RW_ASSIGN(std::string text, ReadFile(ctx.OutputPath(plate_rel)));
    RW_ASSIGN(Plate plate, ParsePlate(text, ctx.OutputPath(plate_rel).string()));
    for (const PlateStill& still : plate.stills) {
      if (still.path.rfind("clips/", 0) != 0) continue;  // the frame stage's still
      RW_ASSIGN(restored, ctx.Restore(key + "/" + still.path, Ep(n, still.path), false));
      if (!restored) return false;
    }
  }
  return true;
}

Result<std::vector<uint8_t>> SeriesBuild::MouthFor(int n, const Shot& shot, const Timeline& tl, int frames) const {
  if (shot.speaker.empty() || shot.lines.empty() || shot.type > ShotType::kMS) return std::vector<uint8_t>{};
  const TimelineVideo* video = nullptr;
  for (const auto& v : tl.video)
    if (v.shot == shot.id) video = &v;
  if (!video || tl.fps <= 0 || tl.sample_rate <= 0) return std::vector<uint8_t>{};
  double shot_start = static_cast<double>(video->start_frame) / tl.fps;
  std::vector<LineMouth> lines;
  for (const auto& d : tl.dialogue) {
    if (std::find(shot.lines.begin(), shot.lines.end(), d.line) == shot.lines.end()) continue;
    std::string rel = Ep(n, "voice/" + d.line + ".visemes.json");
    auto text = ReadFile(root_ / rel);
    if (!text.ok()) continue;  // a person's recording has no lip-sync data: the mouth stays as painted
    Json doc = Json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.contains("visemes")) return Failed("cannot read the lip-sync data", (root_ / rel).string());
    LineMouth line;
    line.start_s = static_cast<double>(d.start_sample) / tl.sample_rate - shot_start;
    line.end_s = line.start_s + static_cast<double>(d.samples) / tl.sample_rate;
    for (const auto& v : doc["visemes"]) line.visemes.push_back({v.value("t", 0.0), v.value("viseme", "")});
    lines.push_back(std::move(line));
  }
  if (lines.empty()) return std::vector<uint8_t>{};
  return MouthTrack(lines, frames, tl.fps);
}

Status SeriesBuild::WritePostStep(StageContext& ctx, int n, const PostStepSettings& step, const std::string& from) {
  RW_ASSIGN(Bible bible, Load<Bible>(root_, kBibleFile));
  RW_ASSIGN(Shots shots, Load<Shots>(root_, Ep(n, kShotsFile)));
  RW_ASSIGN(Timeline tl, LoadTimeline(root_, n));
  VideoClient server(step.Server(), root_);
  RW_ASSIGN(bool lip_sync, server.NeedsVoice());
  const int fps = settings_.format.fps;
  Progress progress(EpisodeName(n) + " " + step.name, static_cast<int64_t>(shots.shots.size()));
  for (const auto& shot : shots.shots) {
    int frames = static_cast<int>(std::max<int64_t>(1, std::llround(shot.duration_s * fps)));
    std::string in_rel = Ep(n, from + "/" + shot.id + ".mp4");
    std::string rel = Ep(n, "clips/" + step.name + "/" + shot.id + ".mp4");
    VideoRequest request = ShotVideoRequest(bible, shot, frames);
    RW_ASSIGN(request.clip_mp4, ReadFile(root_ / in_rel));
    // Lip-sync takes the first line spoken over the shot; a shot without one passes through.
    std::string voice_rel;
    for (const auto& d : tl.dialogue)
      if (!shot.lines.empty() && d.line == shot.lines.front()) voice_rel = Ep(n, d.wav);
    if (lip_sync && !voice_rel.empty()) {
      RW_ASSIGN(request.voice_wav, ReadFile(root_ / voice_rel));
    }
    Json key_doc = {{"step", Json::parse(CanonicalJson(step))}, {"workflow", builder_.HashOf(step.workflow)},
                    {"clip", Sha256Hex(request.clip_mp4)}, {"voice", Sha256Hex(request.voice_wav)},
                    {"prompt", request.prompt}, {"w", request.width}, {"h", request.height}, {"fps", fps},
                    {"frames", frames}, {"seed", request.seed}};
    std::string key = "clip/post/1:" + Sha256Hex(key_doc.dump());
    RW_ASSIGN(bool restored, ctx.Restore(key, rel));
    if (restored) {
      progress.Add();
      continue;
    }
    if (lip_sync && voice_rel.empty()) {
      RW_TRY(ctx.Write(rel, request.clip_mp4));
      RW_TRY(ctx.Remember(key, rel));
      progress.Add();
      continue;
    }
    RW_TRY(FetchClip(ctx, server, request, key, rel, "post step " + step.name + " failed for " + shot.id,
                     "post step " + step.name + "'s clip for " + shot.id));
    progress.Add();
  }
  return {};
}

Status SeriesBuild::WriteTimeline(StageContext& ctx, int n) {
  RW_ASSIGN(Bible bible, Load<Bible>(root_, kBibleFile));
  RW_ASSIGN(Beats beats, Load<Beats>(root_, Ep(n, kBeatsFile)));
  RW_ASSIGN(Shots shots, Load<Shots>(root_, Ep(n, kShotsFile)));
  RW_ASSIGN(VoiceTrack voice, Load<VoiceTrack>(root_, Ep(n, kVoiceFile)));
  Timeline tl = BuildTimeline(EpisodeName(n), shots, voice, beats, bible, settings_.format, kLineLeadSeconds);
  // With post steps the episode plays the last step's clips.
  if (!settings_.providers.post.empty())
    for (auto& v : tl.video) v.clip = "clips/" + settings_.providers.post.back().name + "/" + v.shot + ".mp4";
  RW_TRY(ctx.Write(Ep(n, kTimelineFile), ToJson(tl).dump(2) + "\n"));
  RW_TRY(ctx.Write(Ep(n, EpisodeName(n) + ".otio"), WriteOtio(tl)));
  // The same timeline for the editors people finish in; the stems are made by the score stage.
  HandoffMedia media{"stems/dialogue.wav", settings_.music.enabled ? "stems/music.wav" : ""};
  RW_TRY(ctx.Write(Ep(n, EpisodeName(n) + ".edl"), WriteEdl(tl, media)));
  RW_TRY(ctx.Write(Ep(n, EpisodeName(n) + ".fcpxml"), WriteFcpxml(tl, media)));
  return ctx.Write(Ep(n, EpisodeName(n) + ".xml"), WriteFcp7Xml(tl, media));
}

// What the transcription server heard in each voiced line (recorded or synthesized), against the
// script: transcript.yaml, and a line per mismatch on the terminal. Each line's transcript is
// kept in transcript/Lnnn.txt, cached by the WAV it was heard from.
Status SeriesBuild::WriteTranscript(StageContext& ctx, int n) {
  RW_ASSIGN(VoiceTrack voice, Load<VoiceTrack>(root_, Ep(n, kVoiceFile)));
  RW_ASSIGN(Timeline tl, LoadTimeline(root_, n));
  const TranscriptionProviderSettings& ts = transcription_->settings();
  Transcript out;
  out.episode = n;
  out.model = ts.model;
  out.max_error = ts.max_error;
  Progress progress(EpisodeName(n) + " transcribe", static_cast<int64_t>(voice.lines.size()));
  int mismatches = 0;
  for (const auto& line : voice.lines) {
    RW_ASSIGN(std::string wav, ReadFile(root_ / Ep(n, line.wav)));
    std::string rel = Ep(n, "transcript/" + line.id + ".txt");
    std::string key = "transcript/" + ts.kind + "/1:" + Sha256Hex(ts.base_url + "\n" + ts.model + "\n" + settings_.lang + "\n" + Sha256Hex(wav));
    RW_ASSIGN(bool restored, ctx.Restore(key, rel));
    if (!restored) {
      std::vector<CallRecord> calls;
      auto heard = transcription_->Transcribe(wav, settings_.lang, &calls);
      for (const auto& call : calls) RecordCall(ctx, call);
      if (!heard.ok()) {
        Error e = heard.error();
        e.message = "cannot transcribe " + line.id + " (" + Ep(n, line.wav) + "): " + e.message;
        return e;
      }
      RW_TRY(ctx.Write(rel, *heard + "\n"));
      RW_TRY(ctx.Remember(key, rel));
    }
    RW_ASSIGN(std::string heard, ReadFile(ctx.Abs(rel)));
    TranscriptLine t;
    t.line = line.id;
    t.character = line.character;
    t.script = line.text;
    t.heard = Trim(heard);
    for (const auto& cue : tl.cues)
      if (cue.line == line.id) t.start_s = cue.start_ms / 1000.0;
    t.error = std::round(TranscriptError(t.script, t.heard) * 1000) / 1000;
    t.mismatch = t.error > ts.max_error;
    if (t.mismatch) {
      ++mismatches;
      char at[32];
      std::snprintf(at, sizeof at, "%.1f", t.start_s);
      Say("  " + EpisodeName(n) + " " + t.line + " at " + at + " s: the script says \"" + t.script + "\", the voice says \"" + t.heard + "\"");
    }
    out.lines.push_back(std::move(t));
    progress.Add();
  }
  progress.Finish();
  Say("  " + EpisodeName(n) + " transcribe: " + std::to_string(mismatches) + " of " + std::to_string(out.lines.size()) +
      " lines do not match their script");
  return ctx.Write(Ep(n, "transcript.yaml"), ToYaml(out));
}

Status SeriesBuild::WriteSubtitles(StageContext& ctx, int n) {
  RW_ASSIGN(Timeline tl, LoadTimeline(root_, n));
  SubtitleStyle style = SeriesSubtitleStyle();
  std::string base = EpisodeName(n) + "." + settings_.lang;
  RW_TRY(ctx.Write(Ep(n, base + ".srt"), WriteSrt(tl.cues, style)));
  RW_TRY(ctx.Write(Ep(n, base + ".vtt"), WriteVtt(tl.cues, style)));
  return ctx.Write(Ep(n, base + ".ass"), WriteAss(tl.cues, style, settings_.title + " " + EpisodeName(n)));
}

// The score (when music is on) and the mix: the episode's finished sound, its loudness, and the
// dialogue and music stems for an editor.
Status SeriesBuild::WriteScore(StageContext& ctx, int n) {
  RW_ASSIGN(Timeline tl, LoadTimeline(root_, n));
  std::string music_rel;
  if (settings_.music.enabled) {
    RW_ASSIGN(Beats beats, Load<Beats>(root_, Ep(n, kBeatsFile)));
    RW_ASSIGN(Shots shots, Load<Shots>(root_, Ep(n, kShotsFile)));
    RW_ASSIGN(fs::path soundfont, FindSoundfont(settings_.music.soundfont));
    // Each beat plays from its first shot to its last.
    std::vector<ScoreBeat> spans;
    for (const auto& b : beats.beats) {
      ScoreBeat span{&b, -1, 0};
      for (const auto& s : shots.shots)
        if (s.beat == b.id) {
          span.start_s = span.start_s < 0 ? s.start_s : std::min(span.start_s, s.start_s);
          span.end_s = std::max(span.end_s, s.start_s + s.duration_s);
        }
      if (span.start_s >= 0) spans.push_back(span);
    }
    Score score = ComposeScore(spans, tl.Seconds(), static_cast<uint64_t>(settings_.seed) * 1000 + static_cast<uint64_t>(n));
    RW_TRY(ctx.Write(Ep(n, "music/score.mid"), WriteMidi(score)));
    RW_ASSIGN(Pcm pcm, RenderScore(score, soundfont, kMixSampleRate));
    music_rel = Ep(n, "music/score.wav");
    RW_TRY(WriteWav(ctx.OutputPath(music_rel), pcm));
    char line[128];
    std::snprintf(line, sizeof line, "  %s score: %d bpm, %zu notes, %d stings", EpisodeName(n).c_str(), score.tempo_bpm,
                  score.notes.size(), score.stings);
    Say(line);
  }
  return Mix(ctx, tl, n, music_rel, "");
}

// The mix of a timeline's dialogue and the score, with its dialogue (and music) stems, under
// `prefix` in the episode folder ("" for the series language, "lang/L/" for a dub).
Status SeriesBuild::Mix(StageContext& ctx, const Timeline& tl, int n, const std::string& music_rel, const std::string& prefix) {
  MixSettings mix_settings;
  mix_settings.music_db = settings_.music.music_db;
  mix_settings.duck_db = settings_.music.duck_db;
  mix_settings.target_lufs = settings_.music.target_lufs;
  int64_t total = tl.fps > 0 ? tl.frames * kMixSampleRate / tl.fps : 0;
  MixStats stats;
  MixStems stems;
  RW_ASSIGN(std::vector<float> mix, MixEpisode(tl, root_ / EpisodeDir(n), music_rel.empty() ? fs::path() : root_ / music_rel,
                                               mix_settings, total, &stats, &stems));
  RW_TRY(WriteWav(ctx.OutputPath(Ep(n, prefix + kMixFile)), ToPcm(mix, 2, kMixSampleRate)));
  RW_TRY(WriteWav(ctx.OutputPath(Ep(n, prefix + "stems/dialogue.wav")), ToPcm(stems.dialogue, 2, kMixSampleRate)));
  // The music stem is the same in every language: only the series language's mix keeps one.
  if (prefix.empty() && !stems.music.empty())
    RW_TRY(WriteWav(ctx.OutputPath(Ep(n, "stems/music.wav")), ToPcm(stems.music, 2, kMixSampleRate)));
  char line[160];
  std::string who = EpisodeName(n) + (prefix.empty() ? "" : " " + prefix.substr(5, prefix.size() - 6));  // "ep001 zh"
  std::snprintf(line, sizeof line, "  %s mix: %.1f LUFS, true peak %.1f dBTP%s", who.c_str(), stats.integrated_lufs,
                stats.true_peak_dbtp, stats.music ? ", with the score" : "");
  Say(line);
  return {};
}

Status SeriesBuild::WriteRender(StageContext& ctx, int n, const std::string& credits, const std::string& lang) {
  const bool dub = lang != settings_.lang;
  RW_ASSIGN(Timeline tl, LoadTimeline(root_, n));
  RW_ASSIGN(Bible bible, Load<Bible>(root_, kBibleFile));
  std::string title = Trim(settings_.title).empty() ? bible.title : Trim(settings_.title);
  fs::path ass = root_ / Ep(n, EpisodeName(n) + "." + lang + ".ass");
  Progress progress(EpisodeName(n) + " render", tl.frames);
  RenderOptions options;
  options.metadata = {{"title", title + " " + EpisodeName(n)},
                      {"comment", "Written with Reelwright. Authorship: " + credits},
                      {"authorship", credits}};
  options.mix_wav = root_ / Ep(n, dub ? LangDir(lang) + kMixFile : kMixFile);
  options.label = {settings_.aigc.label, settings_.aigc.position, settings_.aigc.seconds};
  // The implicit label (GB 45438-2025 Appendix E), as an mdta key "AIGC": a content id from what
  // the episode is made of, so the same episode keeps its id.
  std::string content = Sha256Hex(builder_.HashOf(Ep(n, kTimelineFile)) + "|" + preset_.name + "|" + credits + (dub ? "|" + lang : ""));
  Json aigc = {{"AIGC", {{"Label", "1"}, {"ContentProducer", settings_.aigc.producer}, {"ProduceID", content.substr(0, 32)},
                         {"ReservedCode1", content.substr(32)}, {"ContentPropagator", settings_.aigc.producer},
                         {"PropagateID", content.substr(0, 32)}, {"ReservedCode2", ""}}}};
  options.metadata.push_back({"AIGC", aigc.dump()});
  // Shots whose pixels did not change are not encoded again (the timeline writes no
  // cross-fades yet: every item has fade_in_frames 0).
  StoreSegmentCache segments(builder_);
  options.segments = &segments;
  // Shots the built-in clips stage made are drawn from their stills (their plates), not decoded.
  // A dubbed render draws the panels without their words (in the series language).
  PlateDrawers drawers(root_ / EpisodeDir(n), [&segments](const fs::path& file) { return segments.HashOf(file); },
                       dub ? std::vector<std::string>{kTextlessPlate, ""} : std::vector<std::string>{""});
  options.drawers = &drawers;
  RW_ASSIGN(RenderStats stats, RenderEpisode(tl, root_ / EpisodeDir(n), ass, preset_, ctx.OutputPath(Ep(n, VideoName(n, lang))), &progress, options));
  RW_TRY(segments.RecordUse(Ep(n, VideoName(n, lang)), stats.segment_keys));
  progress.Finish();
  ctx.items_made += stats.segments_encoded;
  ctx.items_reused += stats.segments_reused;
  char line[256];
  std::snprintf(line, sizeof line,
                "  %s render: %lld frames in %.1fs (%.1f fps), %d of %d segments encoded, %d of %d shots drawn from their "
                "stills, %.1f MB",
                EpisodeName(n).c_str(), static_cast<long long>(stats.frames), stats.wall_seconds, stats.fps,
                stats.segments_encoded, stats.segments, stats.items_drawn, stats.items, stats.bytes / 1e6);
  Say(line);
  return {};
}

}  // namespace

PanelSpec PanelFor(const Bible& bible, const Shot& shot, int width, int height, const Beats* beats) {
  PanelSpec spec;
  if (beats)
    for (const auto& b : beats->beats)
      if (b.id == shot.beat) spec.valence = b.emotion.valence, spec.arousal = b.emotion.arousal;
  spec.width = width;
  spec.height = height;
  spec.shot_id = shot.id;
  spec.type = shot.type;
  spec.move = shot.move;
  if (const Location* l = bible.FindLocation(shot.location)) {
    spec.location_name = l->name;
    spec.location_kind = l->kind;
    spec.interior = l->interior;
    spec.time = l->time;
    spec.location_palette = l->palette;
  }
  for (const auto& id : shot.cast) {
    const Character* c = bible.FindCharacter(id);
    if (!c) continue;
    spec.cast.push_back({c->id, c->name, c->gender, c->age, c->palette, c->look, id == shot.speaker});
  }
  spec.caption = shot.caption;
  spec.label = shot.id + " · " + EnumName(shot.type) + " · " + EnumName(shot.move) + " · " + FormatSeconds(shot.duration_s);
  spec.seed = shot.seed;
  return spec;
}

const std::vector<std::string>& StageKinds() {
  static const std::vector<std::string> kKinds = {"bible", "arc", "beats", "script", "translate", "voice", "shots",
                                                  "timeline", "subtitles", "transcribe", "score", "frames", "clips", "post", "render", "report"};
  return kKinds;
}

Status CheckSeries(const fs::path& root) {
  RW_ASSIGN(Settings settings, LoadSettings(root));
  std::error_code ec;
  std::optional<Bible> bible;
  if (fs::exists(root / kBibleFile, ec)) {
    RW_ASSIGN(Bible b, Load<Bible>(root, kBibleFile));
    bible = std::move(b);
  }
  if (fs::exists(root / kArcFile, ec)) RW_TRY(Load<Arc>(root, kArcFile));
  for (int n = 1; n <= settings.episodes; ++n) {
    if (fs::exists(root / Ep(n, kBeatsFile), ec)) RW_TRY(Load<Beats>(root, Ep(n, kBeatsFile)));
    if (fs::exists(root / Ep(n, kScriptFile), ec)) {
      RW_ASSIGN(Screenplay script, LoadScript(root, n));
      if (bible) RW_TRY(CheckCues(script, *bible, (root / Ep(n, kScriptFile)).string()));
    }
    if (fs::exists(root / Ep(n, kShotsFile), ec)) RW_TRY(Load<Shots>(root, Ep(n, kShotsFile)));
    for (const auto& lang : settings.languages)
      if (fs::exists(root / LinesFile(n, lang), ec)) RW_TRY(Load<Translation>(root, LinesFile(n, lang)));
  }
  for (const auto& lang : settings.languages)
    if (fs::exists(root / GlossaryFile(lang), ec)) RW_TRY(Load<Glossary>(root, GlossaryFile(lang)));
  return {};
}

namespace {

// The build's passes share everything up to running the stages.
Result<BuildSummary> RunPipeline(const fs::path& root, const BuildRequest& request) {
  auto started = std::chrono::steady_clock::now();
  RW_ASSIGN(Settings settings, LoadSettings(root));
  RW_ASSIGN(RenderPreset preset, FindPreset(request.preset.empty() ? settings.preset : request.preset));
  if (!request.until.empty() && std::find(StageKinds().begin(), StageKinds().end(), request.until) == StageKinds().end()) {
    std::string names;
    for (const auto& k : StageKinds()) names += (names.empty() ? "" : ", ") + k;
    return BadInput("--until", "'" + request.until + "' is not a stage; stages are: " + names);
  }
  const bool dry = request.options.dry_run;
  std::unique_ptr<SeriesLock> lock;
  if (!dry) {
    RW_ASSIGN(lock, SeriesLock::Acquire(root / kStateDir));
    SweepTempFiles(root);
  }
  RW_TRY(CheckSeries(root));

  fs::path genres = DataDir() / "genres";
  GenrePack pack;
  if (settings.writer == "builtin") {
    RW_ASSIGN(GenrePack loaded, LoadGenrePack(genres, settings.genre, settings.lang));
    pack = std::move(loaded);
  }
  std::error_code ec;
  fs::create_directories(root / kStateDir, ec);
  RW_ASSIGN(auto ledger, Ledger::Open(root / kStateDir / "ledger.sqlite"));
  ContentStore store(root / kStateDir / "cache");
  Builder builder(root, *ledger, store, request.options);
  std::string pack_hash =
      settings.writer == "builtin" ? builder.HashOf((genres / settings.genre / settings.lang / "pack.yaml").string()) : "";

  BuildSummary summary;
  int64_t build_started = static_cast<int64_t>(std::time(nullptr));
  SeriesBuild build(root, settings, preset, std::move(pack), pack_hash, builder, request);
  RW_TRY(build.Run(summary));
  if (dry) return summary;

  std::vector<int> episodes = request.episodes;
  if (episodes.empty())
    for (int i = 1; i <= settings.episodes; ++i) episodes.push_back(i);
  for (int n : episodes) {
    EpisodeSummary e;
    e.number = n;
    if (auto tl = LoadTimeline(root, n); tl.ok()) {
      e.seconds = tl->Seconds();
      e.shots = static_cast<int>(tl->video.size());
      e.lines = static_cast<int>(tl->dialogue.size());
    }
    std::vector<std::string> langs = {settings.lang};
    langs.insert(langs.end(), settings.languages.begin(), settings.languages.end());
    for (const auto& lang : langs) {
      std::string base = EpisodeName(n) + "." + lang;
      std::string video = preset.name == "master" ? base + ".mp4" : base + "." + preset.name + ".mp4";
      for (const auto& f : {video, base + ".srt", base + ".ass"})
        if (fs::exists(root / Ep(n, f), ec)) e.files.push_back(Ep(n, f));
    }
    if (fs::exists(root / Ep(n, EpisodeName(n) + ".otio"), ec)) e.files.push_back(Ep(n, EpisodeName(n) + ".otio"));
    summary.episodes.push_back(e);
  }
  summary.calls = ledger->Totals(build_started);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

// Seconds a stage of this kind takes when the series has no history of it: rough figures
// measured on a 2-core machine for a 70 s episode at 1080x1920.
double DefaultSeconds(const std::string& kind) {
  static const std::map<std::string, double> kSeconds = {{"voice", 4}, {"shots", 0.2}, {"timeline", 0.2}, {"score", 3},
                                                         {"subtitles", 0.1}, {"frames", 12}, {"clips", 30},
                                                         {"render", 32}};
  auto it = kSeconds.find(kind);
  return it == kSeconds.end() ? 0.1 : it->second;
}

// Tokens of one call when the series has none recorded: prompt, completion.
std::pair<double, double> DefaultTokens(const std::string& kind) {
  if (kind == "bible") return {900, 1200};
  if (kind == "arc") return {1600, 2500};
  if (kind == "beats") return {2200, 1600};
  if (kind == "translate") return {1500, 900};  // a batch of 20 lines with context
  return {2600, 2800};  // script
}

std::string Money(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

std::string KindOf(const std::string& stage) {
  std::string kind = stage.substr(stage.rfind('/') == std::string::npos ? 0 : stage.rfind('/') + 1);
  if (kind.rfind("render-", 0) == 0) kind = "render";
  if (kind.rfind("post-", 0) == 0) kind = "post";
  return kind;
}

}  // namespace

Result<BuildSummary> DryRun(const fs::path& root, const BuildRequest& request) {
  BuildRequest dry = request;
  dry.options.dry_run = true;
  dry.options.explain = false;
  return RunPipeline(root, dry);
}

Result<BuildPlan> PlanBuild(const fs::path& root, const BuildRequest& request) {
  RW_ASSIGN(Settings settings, LoadSettings(root));
  RW_ASSIGN(BuildSummary dry, DryRun(root, request));
  RW_ASSIGN(auto ledger, Ledger::Open(root / kStateDir / "ledger.sqlite"));
  const auto& chat = settings.providers.chat;
  BuildPlan plan;
  plan.budget = settings.budget;
  std::string id_doc;
  for (const auto& r : dry.reports) {
    if (r.outcome != StageOutcome::kWouldRun) continue;
    PlannedStage p;
    p.name = r.name;
    p.reason = r.reason;
    p.provider = r.provider;
    p.calls = r.planned_calls;
    std::string kind = KindOf(r.name);
    auto means = ledger->StageMeans(kind);
    p.from_history = means.n > 0;
    p.seconds = means.n > 0 ? means.seconds : DefaultSeconds(kind);
    if (p.calls > 0 && p.provider.rfind("chat ", 0) == 0) {
      auto calls = ledger->CallMeans(kind);
      auto [prompt, completion] = calls.n > 0 ? std::pair{calls.prompt_tokens, calls.completion_tokens} : DefaultTokens(kind);
      p.tokens = p.calls * (prompt + completion);
      p.cost = p.calls * (prompt * chat.price_input_per_mtok + completion * chat.price_output_per_mtok) / 1e6;
      if (means.n == 0) p.seconds = p.calls * (calls.n > 0 ? calls.seconds : 20.0);
    } else if (p.calls > 0 && p.provider.rfind("images ", 0) == 0) {
      p.cost = p.calls * settings.providers.images.price_per_image;
      if (means.n == 0) p.seconds = p.calls * 15.0;
    } else if (p.calls > 0 && p.provider.rfind("video ", 0) == 0) {
      p.cost = p.calls * settings.providers.video.price_per_clip;
      if (means.n == 0) p.seconds = p.calls * 90.0;
    } else if (p.calls > 0 && p.provider.rfind("speech ", 0) == 0) {
      p.cost = p.calls * 60.0 * settings.providers.speech.price_per_mchar / 1e6;  // about 60 characters a line
      if (means.n == 0) p.seconds = p.calls * 1.5;
    }
    plan.cost += p.cost;
    plan.seconds += p.seconds;
    id_doc += r.name + "|" + r.key + "|" + r.reason + "\n";
    plan.stages.push_back(std::move(p));
  }
  char cost[32];
  std::snprintf(cost, sizeof cost, "%.6f", plan.cost);
  plan.id = Sha256Hex(id_doc + cost).substr(0, 12);
  plan.needs_approval = plan.cost > 0 && plan.cost > settings.budget;
  return plan;
}

Result<BuildSummary> BuildSeries(const fs::path& root, const BuildRequest& request) {
  if (!request.options.dry_run && !request.options.force) {
    RW_ASSIGN(Settings settings, LoadSettings(root));
    const auto& pr = settings.providers;
    bool chats = settings.writer == "llm" || (!settings.languages.empty() && !pr.chat.base_url.empty());
    bool paid = (chats && (pr.chat.price_input_per_mtok > 0 || pr.chat.price_output_per_mtok > 0)) ||
                (!pr.images.kind.empty() && pr.images.price_per_image > 0) || (!pr.speech.kind.empty() && pr.speech.price_per_mchar > 0) ||
                (!pr.video.kind.empty() && pr.video.price_per_clip > 0);
    if (paid || !request.approve.empty()) {
      RW_ASSIGN(BuildPlan plan, PlanBuild(root, request));
      if (plan.needs_approval && request.approve != plan.id) {
        std::string series = root.string();
        if (!request.approve.empty())
          return BadInput("--approve", "the series changed since plan " + request.approve + " was approved (the plan is now " + plan.id +
                                           ", about " + Money(plan.cost) + "); look at `reelwright plan " + series +
                                           "` again and approve the new plan");
        return BadInput((root / kSettingsFile).string(),
                        "this build would spend about " + Money(plan.cost) + " on paid providers, over the series' budget of " +
                            Money(plan.budget) + "; see what it would do with `reelwright plan " + series +
                            "`, then run `reelwright build " + series + " --approve " + plan.id + "` (or raise budget)");
      }
    }
  }
  return RunPipeline(root, request);
}

}  // namespace rw
