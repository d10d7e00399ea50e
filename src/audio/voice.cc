#include "audio/voice.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
}

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

#include "base/text.h"

namespace rw {

namespace {

// A sample counts as speech when its magnitude exceeds this (about -44 dBFS); espeak's speech
// peaks are in the thousands, its pauses are exact zeros or a few units of ringing.
constexpr int kSilenceThreshold = 200;

// One phoneme event as a child sends it: when (ms into the utterance) and espeak's mnemonic.
struct WirePhoneme {
  int32_t ms = 0;
  char name[8] = {};
};

// Where the synth callback appends samples and phonemes. Only ever set inside a synthesis child.
std::vector<int16_t>* g_sink = nullptr;
std::vector<WirePhoneme>* g_phonemes = nullptr;

int CollectSamples(short* wav, int count, espeak_EVENT* events) {
  if (wav != nullptr && count > 0 && g_sink != nullptr) g_sink->insert(g_sink->end(), wav, wav + count);
  for (espeak_EVENT* e = events; e != nullptr && e->type != espeakEVENT_LIST_TERMINATED; ++e) {
    if (e->type != espeakEVENT_PHONEME || g_phonemes == nullptr) continue;
    WirePhoneme p;
    p.ms = e->audio_position;
    std::memcpy(p.name, e->id.string, sizeof p.name);
    p.name[sizeof p.name - 1] = 0;
    g_phonemes->push_back(p);
  }
  return 0;  // continue
}

std::string StatusMessage(espeak_ng_STATUS status) {
  char buf[512] = {};
  espeak_ng_GetStatusCodeMessage(status, buf, sizeof buf);
  return buf;
}

struct ErrorContextFree {
  void operator()(espeak_ng_ERROR_CONTEXT* context) const { espeak_ng_ClearErrorContext(context); }
};

struct Engine {
  int sample_rate = 0;             // espeak's native rate (22050)
  std::filesystem::path data_dir;  // espeak-ng-data
};

// Initializes espeak-ng once, in synchronous mode, and never synthesizes in this process after
// that: every line is spoken in a fork of this pristine state (see SpeakInChild).
Result<Engine> InitEspeak() {
  // espeak_Initialize rather than espeak_ng_Initialize: espeak-ng 1.51 turns phoneme events on
  // (for lip-sync) only through its options.
  int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_PHONEME_EVENTS);
  if (rate <= 0)
    return Failed("espeak-ng failed to start (is espeak-ng-data installed? ESPEAK_DATA_PATH overrides its location)");
  espeak_SetSynthCallback(CollectSamples);
  Engine engine;
  engine.sample_rate = espeak_ng_GetSampleRate();
  const char* path = nullptr;
  espeak_Info(&path);
  if (path != nullptr) engine.data_dir = path;
  return engine;
}

const Result<Engine>& EspeakEngine() {
  static const Result<Engine> engine = InitEspeak();  // thread-safe, once
  return engine;
}

bool IsPlainName(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return c != '/' && c != '\\' && c != '+'; });
}

constexpr char kListVoicesHint[] =
    "list installed voices with `espeak-ng --voices` (variants: `espeak-ng --voices=variant`)";

// What a synthesis child reports before its samples.
struct ChildHeader {
  uint32_t failed_step = 0;  // 0 = ok, else one of the kStep* below
  uint32_t status = ENS_OK;  // espeak_ng_STATUS of that step
  uint32_t phonemes = 0;     // WirePhonemes after the header, before the samples
};
constexpr uint32_t kStepVoice = 1;
constexpr uint32_t kStepParameter = 2;
constexpr uint32_t kStepSynthesize = 3;
constexpr uint32_t kStepWrite = 4;
constexpr unsigned kChildRandSeed = 20240601;  // espeak's breath noise uses rand()
constexpr int kChildTimeoutMs = 120000;

bool WriteAll(int fd, const void* data, size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// The child: select the voice, set every parameter we use from the spec, speak, send the
// header and the samples down `fd`, and leave without running any of the parent's exit code.
[[noreturn]] void RunChild(int fd, const std::string& voice_name, const VoiceSpec& spec, const std::string& text) {
  std::srand(kChildRandSeed);
  std::vector<int16_t> samples;
  std::vector<WirePhoneme> phonemes;
  g_sink = &samples;
  g_phonemes = &phonemes;
  ChildHeader header;
  espeak_ng_STATUS status = espeak_ng_SetVoiceByName(voice_name.c_str());
  if (status != ENS_OK) header = {kStepVoice, static_cast<uint32_t>(status)};
  // Punctuation and capitals stay at espeak's defaults: we never set them, and espeak-ng 1.51
  // answers EINVAL to setting them in synchronous mode.
  const std::pair<espeak_PARAMETER, int> params[] = {
      {espeakRATE, std::clamp(spec.rate, 80, 450)},
      {espeakPITCH, std::clamp(spec.pitch, 0, 100)},
      {espeakRANGE, 50},
      {espeakVOLUME, 100},
      {espeakWORDGAP, 0},
  };
  for (const auto& [param, value] : params) {
    if (header.failed_step != 0) break;
    status = espeak_ng_SetParameter(param, value, 0);
    if (status != ENS_OK) header = {kStepParameter, static_cast<uint32_t>(status)};
  }
  if (header.failed_step == 0) {
    status =
        espeak_ng_Synthesize(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
    if (status != ENS_OK) header = {kStepSynthesize, static_cast<uint32_t>(status)};
  }
  if (header.failed_step != 0) samples.clear(), phonemes.clear();
  header.phonemes = static_cast<uint32_t>(phonemes.size());
  bool ok = WriteAll(fd, &header, sizeof header) && WriteAll(fd, phonemes.data(), phonemes.size() * sizeof(WirePhoneme)) &&
            WriteAll(fd, samples.data(), samples.size() * sizeof(int16_t));
  _exit(ok ? 0 : static_cast<int>(kStepWrite));
}

class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

std::string ErrnoText(int err) { return std::strerror(err); }

// Reads everything from `fd` until EOF, giving up at `timeout_ms`.
Result<std::string> ReadUntilEof(int fd, int timeout_ms) {
  std::string bytes;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[65536];
  for (;;) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0)
      return Failed("espeak-ng took longer than " + std::to_string(timeout_ms / 1000) + " s to speak a line");
    pollfd pfd{fd, POLLIN, 0};
    int ready = poll(&pfd, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Failed("poll: " + ErrnoText(errno));
    if (ready == 0) continue;  // the deadline check above ends it
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Failed("reading from the espeak-ng process: " + ErrnoText(errno));
    if (n == 0) return bytes;
    bytes.append(buf, static_cast<size_t>(n));
  }
}

// espeak-ng 1.51 carries synthesis state from one utterance into the next (glottal phase,
// flutter position, sample counters, rand()), so the same line spoken twice in one process
// comes out different, and there is no public call that resets it (espeak_ng_Terminate cannot
// be followed by a new espeak_ng_Initialize). So this process initializes espeak once and never
// speaks itself; each line is spoken by a fork of that pristine state, which sends its samples
// back through a pipe. The child touches nothing but espeak and the pipe and leaves with _exit.
// Cost: one fork per line (milliseconds). Bonus: lines may be spoken in parallel.
Result<std::vector<int16_t>> SpeakInChild(const VoiceSpec& spec, const std::string& text, std::vector<WirePhoneme>* phonemes) {
  std::string voice_name = EspeakVoiceName(spec, text);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Failed("pipe: " + ErrnoText(errno));
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  pid_t pid = fork();
  if (pid < 0) return Failed("fork: " + ErrnoText(errno));
  if (pid == 0) {
    read_end.Reset();
    RunChild(write_end.get(), voice_name, spec, text);
  }
  write_end.Reset();
  Result<std::string> bytes = ReadUntilEof(read_end.get(), kChildTimeoutMs);
  if (!bytes.ok()) kill(pid, SIGKILL);
  int wait_status = 0;
  pid_t waited;
  while ((waited = waitpid(pid, &wait_status, 0)) < 0 && errno == EINTR) {
  }
  // waited < 0 (ECHILD) when the host reaps children itself; then the bytes alone tell.
  bool child_ok = waited < 0 || (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
  if (!bytes.ok()) return bytes.error();
  if (!child_ok || bytes->size() < sizeof(ChildHeader))
    return Failed("espeak-ng crashed while speaking \"" + text + "\" with voice \"" + voice_name + "\"");

  ChildHeader header;
  std::memcpy(&header, bytes->data(), sizeof header);
  auto status = static_cast<espeak_ng_STATUS>(header.status);
  if (header.failed_step == kStepVoice) {
    if (status == ENS_VOICE_NOT_FOUND)
      return BadInput("", "unknown espeak-ng voice \"" + voice_name + "\"; " + kListVoicesHint);
    return Failed("espeak-ng cannot load voice \"" + voice_name + "\": " + StatusMessage(status));
  }
  if (header.failed_step == kStepParameter) return Failed("espeak-ng rejected a parameter: " + StatusMessage(status));
  if (header.failed_step != 0) return Failed("espeak-ng failed to speak \"" + text + "\": " + StatusMessage(status));
  size_t events = sizeof header + header.phonemes * sizeof(WirePhoneme);
  if (bytes->size() < events) return Failed("espeak-ng sent a short reply while speaking \"" + text + "\"");
  if (phonemes) {
    phonemes->resize(header.phonemes);
    if (header.phonemes > 0) std::memcpy(phonemes->data(), bytes->data() + sizeof header, header.phonemes * sizeof(WirePhoneme));
  }
  std::vector<int16_t> samples((bytes->size() - events) / sizeof(int16_t));
  std::memcpy(samples.data(), bytes->data() + events, samples.size() * sizeof(int16_t));
  return samples;
}

// Checks the names before any process is forked. espeak silently ignores a variant it cannot
// find, so we look for its file ourselves.
Status CheckNames(const VoiceSpec& spec, const Engine& engine) {
  if (!IsPlainName(spec.voice))
    return BadInput("", "unknown espeak-ng voice \"" + spec.voice + "\"; " + kListVoicesHint);
  if (!spec.variant.empty()) {
    std::error_code ec;
    if (!IsPlainName(spec.variant) ||
        !std::filesystem::is_regular_file(engine.data_dir / "voices" / "!v" / spec.variant, ec))
      return BadInput("", "unknown espeak-ng voice variant \"" + spec.variant + "\"; " + kListVoicesHint);
  }
  return {};
}

struct SwrFree {
  void operator()(SwrContext* ctx) const { swr_free(&ctx); }
};

std::string AvErrorText(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

// Mono s16 at `in_rate` → mono s16 at `out_rate`, flushed.
Result<std::vector<int16_t>> Resample(const std::vector<int16_t>& in, int in_rate, int out_rate) {
  if (in_rate == out_rate) return in;
  AVChannelLayout mono;
  av_channel_layout_default(&mono, 1);
  SwrContext* raw = nullptr;
  int err =
      swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_S16, out_rate, &mono, AV_SAMPLE_FMT_S16, in_rate, 0, nullptr);
  std::unique_ptr<SwrContext, SwrFree> swr(raw);
  if (err < 0 || !swr) return Failed("libswresample: cannot configure resampler: " + AvErrorText(err));
  if ((err = swr_init(swr.get())) < 0) return Failed("libswresample: " + AvErrorText(err));

  std::vector<int16_t> out(
      static_cast<size_t>(av_rescale_rnd(static_cast<int64_t>(in.size()), out_rate, in_rate, AV_ROUND_UP)) + 4096);
  size_t written = 0;
  auto convert = [&](const int16_t* src, int src_count) -> Status {
    for (;;) {
      int room = static_cast<int>(out.size() - written);
      if (room < 1024) {
        out.resize(out.size() + 8192);
        room = static_cast<int>(out.size() - written);
      }
      auto* dst = reinterpret_cast<uint8_t*>(out.data() + written);
      const auto* src_bytes = reinterpret_cast<const uint8_t*>(src);
      int got = swr_convert(swr.get(), &dst, room, src != nullptr ? &src_bytes : nullptr, src_count);
      if (got < 0) return Failed("libswresample: " + AvErrorText(got));
      written += static_cast<size_t>(got);
      // Input is fully consumed by one call (the context buffers what does not fit); when
      // flushing, repeat until nothing more comes out.
      if (src != nullptr || got == 0) return {};
    }
  };
  RW_TRY(convert(in.data(), static_cast<int>(in.size())));
  RW_TRY(convert(nullptr, 0));
  out.resize(written);
  return out;
}

// Keeps at most `keep` samples of silence before the first and after the last audible sample;
// returns how many samples came off the front.
size_t TrimSilence(std::vector<int16_t>& samples, size_t keep) {
  auto loud = [](int16_t s) { return std::abs(static_cast<int>(s)) > kSilenceThreshold; };
  auto first = std::find_if(samples.begin(), samples.end(), loud);
  if (first == samples.end()) {
    samples.resize(std::min(samples.size(), 2 * keep));
    return 0;
  }
  auto last = std::find_if(samples.rbegin(), samples.rend(), loud);
  size_t begin = static_cast<size_t>(first - samples.begin());
  size_t end = samples.size() - static_cast<size_t>(last - samples.rbegin());  // one past the last loud sample
  begin = begin > keep ? begin - keep : 0;
  end = std::min(samples.size(), end + keep);
  samples = std::vector<int16_t>(samples.begin() + static_cast<std::ptrdiff_t>(begin),
                                 samples.begin() + static_cast<std::ptrdiff_t>(end));
  return begin;
}

}  // namespace

std::string EspeakVoiceName(const VoiceSpec& spec, const std::string& text) {
  std::string name = spec.voice;
  std::string lower = ToLowerAscii(name);
  if ((lower == "cmn" || lower == "zh" || lower == "zh-cmn") && HasCjk(text)) name = "cmn-latn-pinyin";
  if (!spec.variant.empty()) name += "+" + spec.variant;
  return name;
}

Result<SpokenLine> SpeakLineWithPhonemes(const VoiceSpec& voice, const std::string& text) {
  if (Trim(text).empty()) return BadInput("", "nothing to speak: the line's text is empty");
  const Result<Engine>& engine = EspeakEngine();
  if (!engine.ok()) return engine.error();
  RW_TRY(CheckNames(voice, *engine));
  std::vector<WirePhoneme> events;
  RW_ASSIGN(std::vector<int16_t> native, SpeakInChild(voice, text, &events));
  RW_ASSIGN(std::vector<int16_t> samples, Resample(native, engine->sample_rate, kVoiceSampleRate));
  size_t cut = TrimSilence(samples, static_cast<size_t>(kVoiceSampleRate) * kVoiceMaxEdgeSilenceMs / 1000);
  SpokenLine line;
  line.pcm.sample_rate = kVoiceSampleRate;
  line.pcm.channels = 1;
  line.pcm.samples = std::move(samples);
  double length = line.pcm.Seconds(), shift = static_cast<double>(cut) / kVoiceSampleRate;
  for (const auto& e : events) {
    double t = e.ms / 1000.0 - shift;
    if (t > length) break;
    line.phonemes.push_back({std::max(0.0, t), e.name});
  }
  return line;
}

Result<Pcm> SpeakLine(const VoiceSpec& voice, const std::string& text) {
  RW_ASSIGN(SpokenLine line, SpeakLineWithPhonemes(voice, text));
  return std::move(line.pcm);
}

std::string VisemeOf(const std::string& phoneme) {
  if (phoneme.empty() || phoneme[0] == '_' || phoneme[0] == ' ') return "rest";
  char c = phoneme[0];
  switch (c) {
    case 'm': case 'b': case 'p': return "MBP";
    case 'f': case 'v': return "FV";
    case 'w': return "WQ";
    case 'u': case 'U': return "U";
    case 'o': case 'O': return "O";
    case 'a': case 'A': case '@': case 'V': case '3': case '&': return "AI";
    case 'e': case 'E': case 'i': case 'I': case 'y': return "E";
    case 'l': return "L";
    default: return "etc";
  }
}

std::vector<Viseme> Visemes(const std::vector<Phoneme>& phonemes) {
  std::vector<Viseme> out;
  for (const auto& p : phonemes) {
    std::string v = VisemeOf(p.name);
    if (!out.empty() && out.back().viseme == v) continue;  // a mouth shape held across phonemes
    out.push_back({p.start_s, v, p.name});
  }
  return out;
}

}  // namespace rw
