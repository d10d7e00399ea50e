// reelwright.yaml: a series' settings (schema Settings.1).
//
// Written by `reelwright new`, edited by the creator. Every number of the rhythm template is a
// setting (DESIGN.md §5). Keys for model servers never live here, only names of env variables.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "schema/fields.h"
#include "schema/yaml_doc.h"

namespace rw {

struct FormatSettings {
  int width = 1080;
  int height = 1920;
  int fps = 30;
  std::string style = "storyboard";  // the series' look, one for the whole series: storyboard, noir, warm, cool, pastel
  template <class V> void Fields(V& v) { v("width", width); v("height", height); v("fps", fps); v("style", style); }
};

struct RhythmSettings {
  double hook_by_s = 3;            // the hook lands inside the first seconds
  double conflict_by_s = 30;       // the central conflict is on screen by then
  double climax_by_s = 60;         // the climax lands by then
  double cliffhanger_window_s = 10;  // the cliffhanger sits in the last seconds
  double min_episode_s = 60;
  double max_episode_s = 120;
  double target_episode_s = 80;
  double satisfaction_every_s = 30;  // at most this long without a satisfaction point
  template <class V> void Fields(V& v) {
    v("hook_by_s", hook_by_s); v("conflict_by_s", conflict_by_s); v("climax_by_s", climax_by_s);
    v("cliffhanger_window_s", cliffhanger_window_s); v("min_episode_s", min_episode_s);
    v("max_episode_s", max_episode_s); v("target_episode_s", target_episode_s);
    v("satisfaction_every_s", satisfaction_every_s);
  }
};

// An OpenAI-compatible /v1/chat/completions server (llama-server, Ollama, vLLM, DeepSeek,
// Qwen compatible mode, OpenAI). The key is read from the environment variable named here;
// it is never written into the series folder.
struct ChatProviderSettings {
  std::string base_url;     // "http://127.0.0.1:8080/v1"; empty: no server configured
  std::string model;
  std::string api_key_env;  // e.g. "OPENAI_API_KEY"; empty: no Authorization header
  bool json_schema = true;  // the server takes response_format json_schema; else json_object + validation
  bool stream = true;       // ask for server-sent events, so progress shows while the model writes
  double timeout_s = 120;
  int max_retries = 4;             // on 429, 5xx, timeouts and dropped connections, with backoff
  int max_validation_retries = 2;  // re-asks with the validation errors when the JSON is wrong
  double temperature = 0.8;
  double price_input_per_mtok = 0;   // currency units per million prompt tokens
  double price_output_per_mtok = 0;  // per million completion tokens
  template <class V> void Fields(V& v) {
    v("base_url", base_url); v("model", model); v("api_key_env", api_key_env); v("json_schema", json_schema); v("stream", stream);
    v("timeout_s", timeout_s); v("max_retries", max_retries); v("max_validation_retries", max_validation_retries);
    v("temperature", temperature); v("price_input_per_mtok", price_input_per_mtok);
    v("price_output_per_mtok", price_output_per_mtok);
  }
};

// An image server for the frames stage (kind empty: the built-in storyboard painter).
//   openai   POST {base_url}/images/generations (b64_json), e.g. http://127.0.0.1:8000/v1
//   a1111    Automatic1111: POST {base_url}/sdapi/v1/txt2img, or img2img with a reference image
//   comfyui  ComfyUI: an API-format workflow file (relative to the series folder) whose inputs
//            are marked "{{prompt}}", "{{negative}}", "{{seed}}", "{{width}}", "{{height}}",
//            "{{reference}}"; uploaded, queued, followed, downloaded
struct ImageProviderSettings {
  std::string kind;
  std::string base_url;
  std::string model;        // openai: the model name; a1111: a checkpoint to switch to (optional)
  std::string api_key_env;  // the environment variable holding the key; never the key
  std::string workflow;     // comfyui
  std::string negative_prompt = "blurry, deformed, extra fingers, text, watermark";
  int steps = 20;           // a1111
  double denoising = 0.55;  // a1111 img2img: how far from the reference
  double timeout_s = 300;
  int max_retries = 3;      // on 429, 5xx, timeouts and dropped connections, with backoff
  int concurrency = 1;      // requests at once to this server
  double price_per_image = 0;
  template <class V> void Fields(V& v) {
    v("kind", kind); v("base_url", base_url); v("model", model); v("api_key_env", api_key_env); v("workflow", workflow);
    v("negative_prompt", negative_prompt); v("steps", steps); v("denoising", denoising); v("timeout_s", timeout_s);
    v("max_retries", max_retries); v("concurrency", concurrency); v("price_per_image", price_per_image);
  }
};

// A speech server for the voice stage (kind empty: the built-in espeak-ng voices).
//   openai   POST {base_url}/audio/speech (response_format wav), a voice per character
struct SpeechProviderSettings {
  std::string kind;
  std::string base_url;
  std::string model = "tts-1";
  std::string api_key_env;
  std::map<std::string, std::string> voices;  // character id → the server's voice name; default_voice otherwise
  std::string default_voice = "alloy";
  double timeout_s = 120;
  int max_retries = 3;
  int concurrency = 2;
  double price_per_mchar = 0;  // currency units per million characters of input
  template <class V> void Fields(V& v) {
    v("kind", kind); v("base_url", base_url); v("model", model); v("api_key_env", api_key_env); v("voices", voices);
    v("default_voice", default_voice); v("timeout_s", timeout_s); v("max_retries", max_retries);
    v("concurrency", concurrency); v("price_per_mchar", price_per_mchar);
  }
};

// A transcription server (kind "openai": POST {base_url}/audio/transcriptions, as OpenAI and
// whisper.cpp's and faster-whisper's servers serve it). When set, every voiced line is
// transcribed and checked against its script line (the transcribe stage).
struct TranscriptionProviderSettings {
  std::string kind;
  std::string base_url;
  std::string model = "whisper-1";
  std::string api_key_env;
  double timeout_s = 120;
  int max_retries = 3;
  int concurrency = 2;
  double price_per_minute = 0;  // currency units per minute of audio
  double max_error = 0.25;      // a line whose word (Chinese: character) error rate is above this is a mismatch
  template <class V> void Fields(V& v) {
    v("kind", kind); v("base_url", base_url); v("model", model); v("api_key_env", api_key_env); v("timeout_s", timeout_s);
    v("max_retries", max_retries); v("concurrency", concurrency); v("price_per_minute", price_per_minute);
    v("max_error", max_error);
  }
};

// AI-content labels (China: GB 45438-2025 from 2025-09-01; EU AI Act Art. 50 from 2026-08).
struct AigcSettings {
  std::string label = "AI生成 / AI-generated";  // the visible mark; empty: none (the metadata stays)
  std::string position = "top-left";           // top-left, top-right, bottom-left, bottom-right
  double seconds = 2;                          // on screen from the start; 0: throughout
  std::string producer = "reelwright";         // ContentProducer in the AIGC metadata: your provider code
  template <class V> void Fields(V& v) {
    v("label", label); v("position", position); v("seconds", seconds); v("producer", producer);
  }
};

// The series' subtitle look, in a 1080×1920 frame (ASS PlayRes; other sizes scale). The margins
// keep text out of the vertical apps' buttons: at least 288 px (15%) from the bottom and 130 px
// (12%) from the right.
struct SubtitleSettings {
  std::string font = "Noto Sans CJK SC";  // installed by fonts-noto-cjk; covers Latin and CJK
  int font_size = 64;
  std::string colour = "#FFFFFF";          // the text
  std::string outline_colour = "#000000";
  int outline = 4;                         // px
  int margin_v = 420;                      // bottom of the text above the frame's bottom
  int margin_l = 90;
  int margin_r = 140;
  int max_chars_latin = 32;                // per line, at most 2 lines
  int max_chars_cjk = 14;
  template <class V> void Fields(V& v) {
    v("font", font); v("font_size", font_size); v("colour", colour); v("outline_colour", outline_colour);
    v("outline", outline); v("margin_v", margin_v); v("margin_l", margin_l); v("margin_r", margin_r);
    v("max_chars_latin", max_chars_latin); v("max_chars_cjk", max_chars_cjk);
  }
};

// The score and the mix (built-in: FluidSynth and a General MIDI soundfont; libebur128).
struct MusicSettings {
  bool enabled = true;
  std::string soundfont;     // a .sf2 file; empty: TimGM6mb or the Debian default GM soundfont
  double music_db = -14;     // the score's level against the dialogue
  double duck_db = -12;      // how far it drops while someone speaks
  double target_lufs = -14;  // delivery loudness, integrated (true peak held at -1 dBTP)
  template <class V> void Fields(V& v) {
    v("enabled", enabled); v("soundfont", soundfont); v("music_db", music_db); v("duck_db", duck_db);
    v("target_lufs", target_lufs);
  }
};

// A video server for the clips stage (kind empty: built-in motion over the frame).
//   comfyui  an image-to-video API-format workflow file (relative to the series folder) whose
//            inputs are marked "{{first_frame}}", optionally "{{last_frame}}", "{{frames}}",
//            "{{fps}}", "{{seed}}", "{{prompt}}", "{{negative}}", "{{width}}", "{{height}}"
struct VideoProviderSettings {
  std::string kind;
  std::string base_url;
  std::string workflow;
  std::string api_key_env;
  std::string negative_prompt = "blurry, distorted, flicker, watermark";
  double timeout_s = 900;
  int max_retries = 2;
  int concurrency = 1;
  double price_per_clip = 0;
  template <class V> void Fields(V& v) {
    v("kind", kind); v("base_url", base_url); v("workflow", workflow); v("api_key_env", api_key_env);
    v("negative_prompt", negative_prompt); v("timeout_s", timeout_s); v("max_retries", max_retries);
    v("concurrency", concurrency); v("price_per_clip", price_per_clip);
  }
};

// A step every shot's clip passes through after the clips stage, in the order listed: a ComfyUI
// API-format workflow (kind comfyui) that takes the clip ("{{clip}}") and saves a clip — frame
// interpolation (RIFE), matting, stylization, or lip-sync when it also takes the line's WAV
// ("{{voice}}"; shots without a line then pass through unchanged). Each step is its own cached
// stage, post-<name>, writing episodes/epNNN/clips/<name>/Sxxx.mp4; the timeline plays the last
// step's clips. The server settings are a video server's.
struct PostStepSettings {
  std::string name;  // a-z, 0-9, '-': names the stage and the folder
  std::string kind = "comfyui";
  std::string base_url;
  std::string workflow;
  std::string api_key_env;
  double timeout_s = 900;
  int max_retries = 2;
  int concurrency = 1;
  double price_per_clip = 0;
  template <class V> void Fields(V& v) {
    v.Required("name", name); v("kind", kind); v("base_url", base_url); v.Required("workflow", workflow);
    v("api_key_env", api_key_env); v("timeout_s", timeout_s); v("max_retries", max_retries);
    v("concurrency", concurrency); v("price_per_clip", price_per_clip);
  }
  VideoProviderSettings Server() const {
    VideoProviderSettings s;
    s.kind = kind, s.base_url = base_url, s.workflow = workflow, s.api_key_env = api_key_env;
    s.timeout_s = timeout_s, s.max_retries = max_retries, s.concurrency = concurrency, s.price_per_clip = price_per_clip;
    return s;
  }
};

struct ProviderSettings {
  ChatProviderSettings chat;
  ImageProviderSettings images;
  SpeechProviderSettings speech;
  VideoProviderSettings video;
  std::vector<PostStepSettings> post;
  TranscriptionProviderSettings transcription;
  template <class V> void Fields(V& v) {
    v("chat", chat); v("images", images); v("speech", speech); v("video", video); v("post", post);
    v("transcription", transcription);
  }
};

struct Settings {
  static constexpr char kSchema[] = "Settings.1";
  std::string title;
  std::string idea;
  std::string genre = "revenge";
  std::string lang = "en";
  // Delivery languages besides `lang` (en, zh): each gets translated lines (episodes/epNNN/lang/L/
  // lines.yaml, through providers.chat or written by a person), a dub, subtitles and a render
  // (ep001.L.mp4), on the picture and timing of `lang`.
  std::vector<std::string> languages;
  // What is translated for them: "lines" (the dialogue: subtitles and dub) or "script" (also the
  // action and scene headings, as a reading copy: episodes/epNNN/lang/L/script.fountain).
  std::string translate = "lines";
  int episodes = 3;
  int seed = 1;
  std::string preset = "master";  // the render preset a plain `build` uses
  std::string writer = "builtin";  // "builtin" (genre packs, offline) or "llm" (providers.chat)
  int paywall_episode = 10;        // ends on the season's strongest cliffhanger (5-20)
  // What one build may spend on paid providers (prices above) before it stops and asks for
  // `build --approve <plan id>`; 0 means any paid spend needs approval.
  double budget = 0;
  FormatSettings format;
  RhythmSettings rhythm;
  MusicSettings music;
  AigcSettings aigc;
  SubtitleSettings subtitles;
  ProviderSettings providers;

  template <class V> void Fields(V& v) {
    v.Required("title", title); v.Required("idea", idea); v.Required("genre", genre); v.Required("lang", lang);
    v("languages", languages); v("translate", translate); v.Required("episodes", episodes); v("seed", seed); v("preset", preset); v("writer", writer);
    v("paywall_episode", paywall_episode); v("budget", budget); v("format", format); v("rhythm", rhythm); v("music", music); v("aigc", aigc);
    v("subtitles", subtitles); v("providers", providers);
  }
  Status Validate(const YamlDoc& doc) const;
};

}  // namespace rw
