// reelwright: the command. A thin shell over the app library: each subcommand parses its
// options, calls one library function, and prints what happened. Exit codes: 0 done,
// 1 failed, 2 bad usage or bad input.
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "app/pipeline.h"
#include "app/revise.h"
#include "app/series.h"
#include "base/progress.h"
#include "post/presets.h"
#include "story/convert.h"

namespace {

int Fail(const rw::Error& e) {
  std::fprintf(stderr, "error: %s\n", e.ToString().c_str());
  return e.ExitCode();
}

void PrintSummary(const rw::BuildSummary& s) {
  std::printf("\n%-8s %9s %6s %6s  %s\n", "episode", "duration", "shots", "lines", "files");
  for (const auto& e : s.episodes) {
    std::string files;
    for (const auto& f : e.files) files += (files.empty() ? "" : "  ") + f;
    if (files.empty()) files = "(not built yet)";
    std::printf("%-8s %8.1fs %6d %6d  %s\n", rw::EpisodeName(e.number).c_str(), e.seconds, e.shots, e.lines,
                files.c_str());
  }
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  double peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  if (s.ran == 0)
    std::printf("\nNothing to do: every stage is up to date (%.2fs).\n", s.seconds);
  else
    std::printf("\n%d stage%s ran in %.1fs; peak memory %.0f MB.\n", s.ran, s.ran == 1 ? "" : "s", s.seconds, peak_mb);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Reelwright makes vertical micro-short drama series from an idea: bible, arc, beats, Fountain script,\n"
      "voices, shots, storyboard frames, clips, subtitles and rendered MP4s, all as plain files you can edit.\n"
      "A build is incremental: only what changed is redone, and your edits are never overwritten.",
      "reelwright"};
  app.set_version_flag("--version", RW_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global flags such as --quiet may follow the subcommand
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "Print no progress, only results and errors");

  // new
  auto* cmd_new = app.add_subcommand("new", "Start a series in a new folder: writes reelwright.yaml with your idea and settings");
  std::string new_dir;
  rw::Settings settings;
  double episode_seconds = 0;
  cmd_new->add_option("folder", new_dir, "Folder to create the series in (new or empty)")->required();
  cmd_new->add_option("--idea", settings.idea, "The premise, in a sentence or two")->required();
  cmd_new->add_option("--title", settings.title, "Series title (default: the writer picks one)");
  cmd_new->add_option("--genre", settings.genre, "Genre pack under data/genres/")->capture_default_str();
  cmd_new->add_option("--lang", settings.lang, "Language of the script and voices")->check(CLI::IsMember({"en", "zh"}))->capture_default_str();
  cmd_new->add_option("--episodes", settings.episodes, "Number of episodes")->check(CLI::Range(1, 200))->capture_default_str();
  cmd_new->add_option("--seed", settings.seed, "Seed: the same seed writes the same series")->capture_default_str();
  cmd_new->add_option("--preset", settings.preset, "Render preset a plain `build` uses: " + [] {
    std::string s;
    for (const auto& p : rw::PresetNames()) s += (s.empty() ? "" : ", ") + p;
    return s;
  }())->capture_default_str();
  cmd_new->add_option("--writer", settings.writer, "Who writes bible, arc, beats and script: builtin (genre packs, offline) or llm")
      ->check(CLI::IsMember({"builtin", "llm"}))->capture_default_str();
  cmd_new->add_option("--llm-url", settings.providers.chat.base_url,
                      "OpenAI-compatible server for --writer llm, e.g. http://127.0.0.1:8080/v1 (llama-server, Ollama, vLLM…)");
  cmd_new->add_option("--llm-model", settings.providers.chat.model, "Model name the server knows");
  cmd_new->add_option("--llm-key-env", settings.providers.chat.api_key_env,
                      "Name of the environment variable holding the API key (the key itself is never stored)");
  cmd_new->add_option("--paywall", settings.paywall_episode, "Paywall episode (5-20)")->check(CLI::Range(5, 20))->capture_default_str();
  cmd_new->add_option("--episode-seconds", episode_seconds, "Target episode length in seconds (60-120)")->check(CLI::Range(60.0, 120.0));

  // build
  auto* cmd_build = app.add_subcommand("build", "Build the series: run every stage whose inputs changed, then print what it made");
  std::string build_dir;
  rw::BuildRequest request;
  cmd_build->add_option("folder", build_dir, "The series folder")->required();
  cmd_build->add_option("--preset", request.preset, "Render preset (master 1080x1920, preview 540x960); default: the series' setting");
  std::string until_help = "Stop after this stage, e.g. `--until beats` to edit beats.yaml before the script is written. Stages:";
  for (const auto& k : rw::StageKinds()) until_help += " " + k;
  cmd_build->add_option("--until", request.until, until_help);
  cmd_build->add_option("--episode", request.episodes, "Only these episode numbers (repeatable)");
  cmd_build->add_flag("--explain", request.options.explain, "Print why each stage runs or is skipped");
  cmd_build->add_flag("--force", request.options.force, "Run every stage again and overwrite edits (careful)");

  // check
  auto* cmd_check = app.add_subcommand("check", "Read and check every editable file of a series; report the first problem as file:line");
  std::string check_dir;
  cmd_check->add_option("folder", check_dir, "The series folder")->required();

  // revise
  auto* cmd_revise = app.add_subcommand(
      "revise", "Revise one episode's script (offline, or one beat through the chat server); the result is written beside it as a variant with a diff, never over it");
  std::string revise_dir;
  int revise_episode = 0;
  double tighten = 0;
  std::string hook_type;
  bool reveal_earlier = false;
  cmd_revise->add_option("folder", revise_dir, "The series folder")->required();
  cmd_revise->add_option("episode", revise_episode, "Episode number")->required();
  auto* opt_tighten = cmd_revise->add_option("--tighten", tighten, "Cut the episode to this many seconds (middle beats only)");
  auto* opt_hook = cmd_revise->add_option("--hook", hook_type, "Open cold on a flash-forward hook of this type")
                       ->check(CLI::IsMember({"decision", "crisis", "information", "emotion"}));
  auto* opt_reveal = cmd_revise->add_flag("--reveal-earlier", reveal_earlier, "Move the first reveal (payoff or reversal) before the conflict in front of it");
  std::string revise_beat, revise_ask;
  auto* opt_beat = cmd_revise->add_option("--beat", revise_beat, "With --ask: the beat to rewrite, by id (B03) or function (hook)");
  auto* opt_ask = cmd_revise->add_option("--ask", revise_ask, "Rewrite --beat through the series' chat server as this says")->needs(opt_beat);
  opt_beat->needs(opt_ask);
  opt_tighten->excludes(opt_hook)->excludes(opt_reveal)->excludes(opt_ask);
  opt_hook->excludes(opt_reveal)->excludes(opt_ask);
  opt_reveal->excludes(opt_ask);

  // convert
  auto* cmd_convert = app.add_subcommand(
      "convert", "Convert a screenplay by extension: .fountain to .fdx (Final Draft), or to normalised .fountain");
  std::string convert_in, convert_out;
  cmd_convert->add_option("input", convert_in, "A Fountain screenplay (.fountain), inside a series or not")->required();
  cmd_convert->add_option("output", convert_out, "The file to write: .fdx or .fountain")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  rw::Progress::SetMode(::isatty(STDERR_FILENO) != 0, quiet);

  if (cmd_new->parsed()) {
    if (episode_seconds > 0) settings.rhythm.target_episode_s = episode_seconds;
    if (settings.writer == "llm" && settings.providers.chat.base_url.empty()) {
      std::fprintf(stderr, "error: --writer llm needs --llm-url (and usually --llm-model)\n");
      return 2;
    }
    if (auto s = rw::CreateSeries(new_dir, settings); !s.ok()) return Fail(s.error());
    std::printf("Made a new series in %s (genre %s, %s, %d episodes, seed %d).\nNext: reelwright build %s\n",
                new_dir.c_str(), settings.genre.c_str(), settings.lang.c_str(), settings.episodes, settings.seed,
                new_dir.c_str());
    return 0;
  }
  if (cmd_build->parsed()) {
    auto summary = rw::BuildSeries(build_dir, request);
    if (!summary.ok()) return Fail(summary.error());
    PrintSummary(*summary);
    if (summary->calls.calls > 0)
      std::printf("Model calls this build: %d, %lld prompt + %lld completion tokens, cost %.4f.\n", summary->calls.calls,
                  static_cast<long long>(summary->calls.prompt_tokens), static_cast<long long>(summary->calls.completion_tokens),
                  summary->calls.cost);
    return 0;
  }
  if (cmd_revise->parsed() && *opt_ask) {
    auto out = rw::ReviseBeatWithModel(revise_dir, revise_episode, revise_beat, revise_ask);
    if (!out.ok()) return Fail(out.error());
    std::printf("%s%s\n\nWrote %s (and the diff beside it). The current script is unchanged.\n", out->diff.c_str(),
                out->summary.c_str(), out->variant.c_str());
    return 0;
  }
  if (cmd_revise->parsed()) {
    rw::RevisionRequest request;
    if (*opt_tighten) {
      request.kind = rw::RevisionKind::kTighten;
      request.target_seconds = tighten;
    } else if (*opt_hook) {
      request.kind = rw::RevisionKind::kHook;
      request.hook_type = hook_type;
    } else if (reveal_earlier) {
      request.kind = rw::RevisionKind::kRevealEarlier;
    } else {
      std::fprintf(stderr, "error: say what to revise: --tighten SECONDS, --hook TYPE, --reveal-earlier, or --beat B --ask TEXT\n");
      return 2;
    }
    auto out = rw::ReviseEpisode(revise_dir, revise_episode, request);
    if (!out.ok()) return Fail(out.error());
    std::printf("%s%s\n\nWrote %s (and the diff beside it). The current script is unchanged.\n", out->diff.c_str(),
                out->summary.c_str(), out->variant.c_str());
    return 0;
  }
  if (cmd_convert->parsed()) {
    if (auto s = rw::ConvertScreenplay(convert_in, convert_out); !s.ok()) return Fail(s.error());
    std::printf("Wrote %s\n", convert_out.c_str());
    return 0;
  }
  if (cmd_check->parsed()) {
    if (auto s = rw::CheckSeries(check_dir); !s.ok()) return Fail(s.error());
    std::printf("%s: every file reads cleanly.\n", check_dir.c_str());
    return 0;
  }
  return 2;
}
