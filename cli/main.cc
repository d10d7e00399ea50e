// reelwright: the command. A thin shell over the app library: each subcommand parses its
// options, calls one library function, and prints what happened. Exit codes: 0 done,
// 1 failed, 2 bad usage or bad input.
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <thread>
#include <ctime>
#include <map>
#include <iostream>

#include "app/control.h"
#include "app/evaluate.h"
#include "app/export.h"
#include "app/pipeline.h"
#include "app/revise.h"
#include "app/series.h"
#include "post/inspect.h"
#include "base/progress.h"
#include "post/presets.h"
#include "story/convert.h"
#include "studio/server.h"

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

std::string Seconds(double s) {
  char buf[32];
  if (s >= 90)
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  else
    std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

std::string When(int64_t at) {
  if (at == 0) return "-";
  std::time_t t = static_cast<std::time_t>(at);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
  return buf;
}

void PrintPlan(const std::string& series, const rw::BuildPlan& plan) {
  if (plan.stages.empty()) {
    std::printf("Nothing to do: every stage is up to date (plan %s).\n", plan.id.c_str());
    return;
  }
  std::printf("Plan %s for %s: %zu stage%s would run.\n\n", plan.id.c_str(), series.c_str(), plan.stages.size(),
              plan.stages.size() == 1 ? "" : "s");
  std::printf("%-22s %5s %9s %9s  %s\n", "stage", "calls", "cost", "time", "why");
  std::map<std::string, std::pair<int, double>> by_provider;
  bool defaults = false;
  for (const auto& p : plan.stages) {
    std::printf("%-22s %5d %9.4f %9s  %s\n", p.name.c_str(), p.calls, p.cost, (Seconds(p.seconds) + (p.from_history ? "" : "*")).c_str(),
                p.reason.c_str());
    defaults |= !p.from_history;
    if (!p.provider.empty()) {
      by_provider[p.provider].first += p.calls;
      by_provider[p.provider].second += p.cost;
    }
  }
  std::printf("\n");
  for (const auto& [provider, totals] : by_provider)
    std::printf("Model calls to %s: %d, estimated cost %.4f.\n", provider.c_str(), totals.first, totals.second);
  if (by_provider.empty()) std::printf("No model server calls: built-in engines only.\n");
  std::printf("Estimated total: cost %.4f, time %s.%s\n", plan.cost, Seconds(plan.seconds).c_str(),
              defaults ? " (* no past run of this series to go by: a default figure)" : "");
  if (plan.needs_approval)
    std::printf("\nThis is over the series' budget of %.4f: approve it with\n  reelwright build %s --approve %s\n", plan.budget,
                series.c_str(), plan.id.c_str());
}

void PrintStatus(const std::vector<rw::StageStatus>& stages) {
  // One row per episode (and one for the series), one column per stage kind.
  std::vector<std::string> rows;
  std::map<std::string, std::map<std::string, const rw::StageStatus*>> grid;
  for (const auto& s : stages) {
    auto slash = s.name.rfind('/');  // "ep001/voice"; a delivery language's "ep001/zh/voice" has a row of its own
    std::string row = slash == std::string::npos ? "series" : s.name.substr(0, slash);
    std::string kind = slash == std::string::npos ? s.name : s.name.substr(slash + 1);
    if (kind.rfind("render-", 0) == 0) kind = "render";
    if (!grid.count(row)) rows.push_back(row);
    grid[row][kind] = &s;
  }
  std::printf("%-8s", "");
  for (const auto& k : rw::StageKinds()) std::printf(" %-11s", k.c_str());
  std::printf("\n");
  for (const auto& row : rows) {
    std::printf("%-8s", row.c_str());
    for (const auto& k : rw::StageKinds()) {
      auto it = grid[row].find(k);
      std::string cell = it == grid[row].end() ? "" : rw::StateName(it->second->state);
      if (it != grid[row].end() && !it->second->persons.empty()) cell += "+edit";
      std::printf(" %-11s", cell.c_str());
    }
    std::printf("\n");
  }
  std::vector<std::string> notes;
  for (const auto& s : stages) {
    if (s.state == rw::StageState::kStale) notes.push_back(s.name + ": stale, " + s.reason);
    if (s.state == rw::StageState::kFailed) notes.push_back(s.name + ": failed last time: " + s.reason);
    for (const auto& p : s.persons) notes.push_back(p + ": a person's (edited or chosen); the build reads it and never writes over it");
    for (const auto& p : s.locked) notes.push_back(p + ": locked");
  }
  if (!notes.empty()) std::printf("\n");
  for (const auto& n : notes) std::printf("%s\n", n.c_str());
  std::printf("\nok up to date · stale inputs changed · new never built · failed · locked pinned · +edit holds a person's file\n");
}

void PrintEval(const rw::SeriesReport& r) {
  std::printf("%s: overall %.0f/100\n\n%-8s %7s", r.title.c_str(), r.overall, "episode", "overall");
  for (const auto& name : rw::DimensionNames()) std::printf(" %5.5s", name.c_str());
  std::printf("  %s\n", "times");
  for (const auto& e : r.episodes) {
    std::printf("%-8s %7.0f", rw::EpisodeName(e.number).c_str(), e.overall);
    for (const auto& name : rw::DimensionNames()) {
      const rw::Dimension* d = e.Find(name);
      std::printf(" %5.0f", d ? d->score : 0.0);
    }
    std::printf("  %s\n", e.timed ? "measured" : "estimated");
  }
  for (const auto& d : r.dimensions) std::printf("series %s: %.0f/100\n", d.name.c_str(), d.score);
  std::printf("\nFix these first:\n");
  int shown = 0;
  for (const auto& f : r.fixes) {
    if (shown++ == 12) break;
    std::string where = f.episode ? rw::EpisodeName(f.episode) : std::string("series");
    std::printf("  %-6s %-12s -%.1f  %s\n", where.c_str(), f.dimension.c_str(), f.cost, f.message.c_str());
  }
  if (r.fixes.empty()) std::printf("  nothing: every dimension is at its best\n");
  std::printf("\nEach score's formula and reasons: reelwright eval --json, or report.html after a build.\n");
}

// Ctrl-C and SIGTERM become a byte on this pipe: a handler may run on any thread (a library's
// too), and writing a byte is all it may safely do.
int g_stop_pipe[2] = {-1, -1};
extern "C" void OnStopSignal(int) {
  char c = 1;
  ssize_t ignored = ::write(g_stop_pipe[1], &c, 1);
  (void)ignored;
}

// Waits for a stop signal; false when `timeout_ms` (-1: none) passes first.
bool WaitStopSignal(int timeout_ms) {
  pollfd p{g_stop_pipe[0], POLLIN, 0};
  int n;
  while ((n = ::poll(&p, 1, timeout_ms)) < 0 && errno == EINTR) {
  }
  if (n <= 0) return false;
  char c;
  ssize_t ignored = ::read(g_stop_pipe[0], &c, 1);
  (void)ignored;
  return true;
}

// Serves until Ctrl-C or SIGTERM; a build the studio started finishes first, unless a second
// signal comes (a build stopped midway leaves nothing half-written).
int Serve(const std::string& folder, rw::studio::StudioOptions options) {
  if (::pipe(g_stop_pipe) != 0) return Fail(rw::Failed("cannot make a pipe for signals"));
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  options.root = folder;
  rw::studio::Studio studio(options);
  if (auto s = studio.Start(); !s.ok()) return Fail(s.error());
  std::printf("Studio for %s at %s\n", folder.c_str(), studio.Url().c_str());
  if (rw::studio::IsLoopback(options.host))
    std::printf("Scripts that change things send the header X-Reelwright-Token: %s\n", studio.token().c_str());
  std::printf("Press Ctrl-C to stop.\n");
  std::fflush(stdout);
  WaitStopSignal(-1);
  if (studio.Busy())
    std::printf("Stopping the studio once the running build ends (Ctrl-C again stops now; a build stopped "
                "midway leaves nothing half-written).\n");
  else
    std::printf("Stopping the studio.\n");
  std::fflush(stdout);
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    studio.Stop();
    stopped = true;
  });
  while (!stopped) {
    if (WaitStopSignal(200)) std::_Exit(128 + SIGINT);
  }
  stopper.join();
  return 0;
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
  cmd_new->add_option("--languages", settings.languages,
                      "Other languages to deliver, translated (through --llm-url, or by hand) and dubbed: en, zh")
      ->check(CLI::IsMember({"en", "zh"}));
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
  cmd_build->add_option("--preset", request.preset, "Render preset: " + [] {
    std::string s;
    for (const auto& p : rw::PresetNames()) s += (s.empty() ? "" : ", ") + p;
    return s;
  }() + "; default: the series' setting");
  std::string until_help = "Stop after this stage, e.g. `--until beats` to edit beats.yaml before the script is written. Stages:";
  for (const auto& k : rw::StageKinds()) until_help += " " + k;
  cmd_build->add_option("--until", request.until, until_help);
  cmd_build->add_option("--episode", request.episodes, "Only these episode numbers (repeatable)");
  cmd_build->add_flag("--explain", request.options.explain, "Print why each stage runs or is skipped");
  cmd_build->add_flag("--force", request.options.force, "Run every stage again and overwrite edits (careful)");
  cmd_build->add_option("--approve", request.approve, "Run a build that is over the budget: the plan id `reelwright plan` printed");

  // plan
  auto* cmd_plan = app.add_subcommand("plan", "Print what a build would do, and what it would cost, without doing it");
  std::string plan_dir;
  rw::BuildRequest plan_request;
  cmd_plan->add_option("folder", plan_dir, "The series folder")->required();
  cmd_plan->add_option("--preset", plan_request.preset, "Render preset, as for build");
  cmd_plan->add_option("--until", plan_request.until, "Last stage, as for build");
  cmd_plan->add_option("--episode", plan_request.episodes, "Only these episode numbers (repeatable)");

  // status
  auto* cmd_status = app.add_subcommand("status", "Per episode and stage: up to date, stale (and why), edited by a person, locked, failed");
  std::string status_dir;
  rw::BuildRequest status_request;
  cmd_status->add_option("folder", status_dir, "The series folder")->required();
  cmd_status->add_option("--preset", status_request.preset, "Render preset to report on (default: the series' setting)");

  // lock / unlock
  std::string lock_dir;
  std::vector<std::string> lock_files;
  auto* cmd_lock = app.add_subcommand("lock", "Pin artifacts: a stage whose outputs are all locked does not run again");
  cmd_lock->add_option("folder", lock_dir, "The series folder")->required();
  cmd_lock->add_option("artifact", lock_files, "Files a build made, e.g. episodes/ep001/script.fountain")->required();
  auto* cmd_unlock = app.add_subcommand("unlock", "Unpin artifacts locked with `lock`");
  cmd_unlock->add_option("folder", lock_dir, "The series folder")->required();
  cmd_unlock->add_option("artifact", lock_files, "Locked files")->required();

  // log / restore / gc
  auto* cmd_log = app.add_subcommand("log", "List the versions of an artifact: who or what made each, when, and from what");
  std::string log_dir, log_file;
  bool log_inputs = false;
  cmd_log->add_option("folder", log_dir, "The series folder")->required();
  cmd_log->add_option("artifact", log_file, "A file of the series, e.g. episodes/ep001/script.fountain")->required();
  cmd_log->add_flag("--inputs", log_inputs, "Also list the input files (and their hashes) each version was made from");
  auto* cmd_restore = app.add_subcommand("restore", "Bring back an old version of an artifact (the current one is kept as a version)");
  std::string restore_dir, restore_file;
  int restore_version = 0;
  cmd_restore->add_option("folder", restore_dir, "The series folder")->required();
  cmd_restore->add_option("artifact", restore_file, "A file of the series")->required();
  cmd_restore->add_option("version", restore_version, "Version number from `reelwright log`")->required();
  auto* cmd_gc = app.add_subcommand("gc", "Remove old versions and cached per-item results; keeps every current file's version");
  std::string gc_dir;
  cmd_gc->add_option("folder", gc_dir, "The series folder")->required();

  // variants / diff / pick
  auto* cmd_variants = app.add_subcommand(
      "variants", "Make alternatives of a bible, arc, beats, script or frame beside it (variants/<name>.vN), with other seeds");
  std::string variants_dir, variants_file;
  int variants_n = 3;
  cmd_variants->add_option("folder", variants_dir, "The series folder")->required();
  cmd_variants->add_option("artifact", variants_file, "e.g. episodes/ep001/script.fountain or episodes/ep001/frames/S003.png")->required();
  cmd_variants->add_option("-n", variants_n, "How many")->capture_default_str();
  std::string variants_writer;
  cmd_variants->add_option("--writer", variants_writer, "Who writes text variants: builtin (other seeds) or llm (the chat server); default: the series' writer")
      ->check(CLI::IsMember({"builtin", "llm"}));
  auto* cmd_diff = app.add_subcommand("diff", "Show an artifact's variants against the current file");
  std::string diff_dir, diff_file;
  cmd_diff->add_option("folder", diff_dir, "The series folder")->required();
  cmd_diff->add_option("artifact", diff_file, "A file with variants")->required();
  auto* cmd_pick = app.add_subcommand("pick", "Make a variant the current file; it becomes yours (a source), and the old one a version");
  std::string pick_dir, pick_file, pick_name;
  cmd_pick->add_option("folder", pick_dir, "The series folder")->required();
  cmd_pick->add_option("artifact", pick_file, "A file with variants")->required();
  cmd_pick->add_option("variant", pick_name, "Which: v2 (or 2), tighten, regenerated")->required();

  // eval
  auto* cmd_eval = app.add_subcommand(
      "eval", "Score episodes and the series: rhythm, satisfaction, emotion, characters, plot, subtitles, originality, market, authorship");
  std::string eval_dir;
  std::vector<int> eval_episodes;
  bool eval_json = false;
  cmd_eval->add_option("folder", eval_dir, "The series folder")->required();
  cmd_eval->add_option("episodes", eval_episodes, "Episode numbers (default: every episode with a script)");
  cmd_eval->add_flag("--json", eval_json, "Print the whole report as JSON (schema EvalReport.1, see docs/eval-json.md)");

  // reference
  auto* cmd_reference = app.add_subcommand(
      "reference", "Make a reference image for a character or location once (image server, else the painter) and keep it");
  std::string reference_dir, reference_id;
  bool reference_force = false;
  cmd_reference->add_option("folder", reference_dir, "The series folder")->required();
  cmd_reference->add_option("id", reference_id, "A character (C01) or location (L01) of bible.yaml")->required();
  cmd_reference->add_flag("--force", reference_force, "Make another even if one is set");

  // export
  auto* cmd_export = app.add_subcommand(
      "export", "Make a delivery folder: episodes, covers, subtitles, stems, scripts (Fountain, FDX), editor hand-off, manifest with checksums");
  std::string export_dir, export_to, export_preset;
  cmd_export->add_option("folder", export_dir, "The series folder")->required();
  cmd_export->add_option("--to", export_to, "The folder to fill (new, empty, or an earlier export)")->required();
  cmd_export->add_option("--preset", export_preset, "Which renders to deliver (default: the series' preset)");

  // credits
  auto* cmd_credits = app.add_subcommand("credits", "Who wrote an episode: the share of lines and words a person wrote, and each model's");
  std::string credits_dir;
  int credits_episode = 0;
  bool credits_lines = false;
  cmd_credits->add_option("folder", credits_dir, "The series folder")->required();
  cmd_credits->add_option("episode", credits_episode, "Episode number")->required();
  cmd_credits->add_flag("--lines", credits_lines, "List every line with its author");

  // inspect
  auto* cmd_inspect = app.add_subcommand(
      "inspect", "Read back what an MP4 says about itself: its AI-content label (the AIGC tag) and authorship record");
  std::string inspect_file;
  bool inspect_json = false;
  cmd_inspect->add_option("file", inspect_file, "The video file (an episode render, or any MP4)")->required();
  cmd_inspect->add_flag("--json", inspect_json, "Print JSON: size, codecs, the label's fields, every tag");

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

  // serve
  auto* cmd_serve = app.add_subcommand(
      "serve", "Open the studio in a browser: episodes, bible, script editor, storyboard, player, plan and build, on this series");
  std::string serve_dir;
  rw::studio::StudioOptions serve_options;
  cmd_serve->add_option("folder", serve_dir, "The series folder")->required();
  cmd_serve->add_option("--host", serve_options.host,
                        "Address to listen on; anything but loopback (127.0.0.1, localhost, ::1) needs the token")
      ->capture_default_str();
  cmd_serve->add_option("--port", serve_options.port, "Port to listen on (0: any free port)")->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd_serve->add_option("--token", serve_options.token,
                        "Secret that requests must carry (made up at random when not given); printed in the address when "
                        "the host is not loopback");

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
    for (const auto& l : settings.languages)
      if (l == settings.lang) {
        std::fprintf(stderr, "error: --languages lists %s, the series language (--lang); list only the other languages\n", l.c_str());
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
  if (cmd_plan->parsed()) {
    auto plan = rw::PlanBuild(plan_dir, plan_request);
    if (!plan.ok()) return Fail(plan.error());
    PrintPlan(plan_dir, *plan);
    return 0;
  }
  if (cmd_status->parsed()) {
    auto status = rw::SeriesStatus(status_dir, status_request);
    if (!status.ok()) return Fail(status.error());
    PrintStatus(*status);
    return 0;
  }
  if (cmd_lock->parsed() || cmd_unlock->parsed()) {
    bool lock = cmd_lock->parsed();
    for (const auto& f : lock_files) {
      if (auto s = rw::SetLocked(lock_dir, f, lock); !s.ok()) return Fail(s.error());
      std::printf("%s %s\n", lock ? "Locked" : "Unlocked", f.c_str());
    }
    return 0;
  }
  if (cmd_log->parsed()) {
    auto versions = rw::ArtifactLog(log_dir, log_file);
    if (!versions.ok()) return Fail(versions.error());
    std::printf("%-4s %-19s %-26s %-20s %-12s %s\n", "ver", "when", "author", "stage", "sha256", "");
    for (const auto& v : *versions) {
      std::string note = v.current ? "current" : "";
      if (!v.available) note += std::string(note.empty() ? "" : ", ") + "removed by gc";
      std::printf("%-4d %-19s %-26s %-20s %-12s %s\n", v.number, When(v.record.at).c_str(), v.record.author.c_str(),
                  v.record.stage.c_str(), v.record.hash.substr(0, 12).c_str(), note.c_str());
      if (!v.record.made_from.empty()) {
        auto from = rw::Json::parse(v.record.made_from, nullptr, false);
        if (!from.is_discarded() && from.contains("inputs")) {
          std::string inputs;
          for (const auto& [path, hash] : from["inputs"].items())
            inputs += (inputs.empty() ? "" : ", ") + path + (log_inputs ? "@" + hash.get<std::string>().substr(0, 8) : "");
          std::printf("     made from: %s\n", inputs.empty() ? "(settings only)" : inputs.c_str());
        }
      }
    }
    return 0;
  }
  if (cmd_restore->parsed()) {
    if (auto s = rw::RestoreVersion(restore_dir, restore_file, restore_version); !s.ok()) return Fail(s.error());
    std::printf("Restored version %d of %s; it is yours now (a source). The file it replaced is a version in `reelwright log`.\n",
                restore_version, restore_file.c_str());
    return 0;
  }
  if (cmd_gc->parsed()) {
    auto r = rw::CollectGarbage(gc_dir);
    if (!r.ok()) return Fail(r.error());
    std::printf("Removed %d cached blob%s (%.1f MB); kept %d (the current version of every file).\n", r->removed,
                r->removed == 1 ? "" : "s", r->freed_bytes / 1e6, r->kept);
    return 0;
  }
  if (cmd_variants->parsed()) {
    auto made = rw::MakeVariants(variants_dir, variants_file, variants_n, variants_writer);
    if (!made.ok()) return Fail(made.error());
    for (const auto& m : *made) std::printf("Wrote %s\n", m.c_str());
    std::printf("Compare: reelwright diff %s %s\nChoose:  reelwright pick %s %s v1\n", variants_dir.c_str(), variants_file.c_str(),
                variants_dir.c_str(), variants_file.c_str());
    return 0;
  }
  if (cmd_diff->parsed()) {
    auto diff = rw::DiffVariants(diff_dir, diff_file);
    if (!diff.ok()) return Fail(diff.error());
    std::printf("%s", diff->c_str());
    return 0;
  }
  if (cmd_pick->parsed()) {
    if (auto s = rw::PickVariant(pick_dir, pick_file, pick_name); !s.ok()) return Fail(s.error());
    std::printf("Picked %s for %s; it is yours now (a source). The file it replaced is a version in `reelwright log`.\n",
                pick_name.c_str(), pick_file.c_str());
    return 0;
  }
  if (cmd_eval->parsed()) {
    auto report = rw::EvaluateSeries(eval_dir, eval_episodes);
    if (!report.ok()) return Fail(report.error());
    if (eval_json) {
      std::printf("%s\n", rw::ToJson(*report).dump(2).c_str());
      return 0;
    }
    PrintEval(*report);
    return 0;
  }
  if (cmd_reference->parsed()) {
    auto made = rw::MakeReference(reference_dir, reference_id, reference_force);
    if (!made.ok()) return Fail(made.error());
    std::printf("Wrote %s and named it in bible.yaml for %s; every shot that shows it will carry it after the next build.\n",
                made->c_str(), reference_id.c_str());
    return 0;
  }
  if (cmd_export->parsed()) {
    auto r = rw::ExportSeries(export_dir, export_to, export_preset);
    if (!r.ok()) return Fail(r.error());
    std::printf("Exported %d episode%s to %s: %d files, %.1f MB; manifest.json lists them with SHA-256 checksums.\n", r->episodes,
                r->episodes == 1 ? "" : "s", export_to.c_str(), r->files, r->bytes / 1e6);
    return 0;
  }
  if (cmd_credits->parsed()) {
    auto credits = rw::EpisodeCredits(credits_dir, credits_episode);
    if (!credits.ok()) return Fail(credits.error());
    const auto& c = *credits;
    std::printf("%s: %d lines, %d words.\n", rw::EpisodeName(credits_episode).c_str(), c.lines, c.words);
    std::printf("  written by a person: %d lines (%d edited from a model's), %d words\n", c.human_lines, c.edited_lines, c.human_words);
    for (const auto& [model, share] : c.models)
      std::printf("  written by %s: %d lines, %d words\n", model.c_str(), share.lines, share.words);
    std::printf("%s\n", rw::CreditLine(c).c_str());
    return 0;
  }
  if (cmd_inspect->parsed()) {
    auto m = rw::InspectMedia(inspect_file);
    if (!m.ok()) return Fail(m.error());
    if (inspect_json) {
      std::printf("%s\n", rw::InspectionJson(*m).dump(2).c_str());
    } else {
      std::printf("%s", rw::FormatInspection(*m).c_str());
    }
    return m->labelled ? 0 : 1;
  }
  if (cmd_serve->parsed()) return Serve(serve_dir, serve_options);
  if (cmd_check->parsed()) {
    if (auto s = rw::CheckSeries(check_dir); !s.ok()) return Fail(s.error());
    std::printf("%s: every file reads cleanly.\n", check_dir.c_str());
    return 0;
  }
  return 2;
}
