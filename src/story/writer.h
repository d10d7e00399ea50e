// The built-in writer: idea → bible → arc → beats → script, offline, from a genre pack.
//
// Deterministic: the same settings (seed) and pack give byte-identical files. Every draw comes
// from rw::Rng forked by name ("bible", "arc", "episode/3", "episode/3/beat/2"…), so one
// episode's content never depends on another's draws, and episodes can be written alone.
//
// Beats and script agree by construction. A beat's content is a stream of blocks (an action
// paragraph or a dialogue exchange) that depends only on the seed, the episode, the beat's
// position, function and location; the beat uses the first k blocks of its stream. WriteBeats
// sizes every beat (choosing k) against the rhythm template, estimating screen time with the
// shot planner's own functions (EstimateSpeechSeconds at the speaker's rate + kLinePadSeconds
// per line, ActionShotSeconds per action paragraph), and stores the estimate in estimate_s.
// WriteScript regenerates each beat's stream and takes the k whose estimate matches estimate_s,
// so an untouched beat sheet gives exactly the content it was timed on, and a person who edits
// estimate_s, location or a cliffhanger summary in beats.yaml sees the script follow. The
// cliffhanger beat's summary is its closing action.
//
// Rhythm (settings.rhythm): the first beat is a hook at 0 s whose first unit ends by hook_by_s;
// a conflict beat starts by conflict_by_s; a climax beat starts by climax_by_s; the last beat is a
// cliffhanger that starts within the last cliffhanger_window_s; the total is close to
// target_episode_s and inside min_episode_s..max_episode_s.
#pragma once

#include <string>

#include "base/result.h"
#include "schema/arc.h"
#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/settings.h"
#include "story/genre_pack.h"

namespace rw {

// The series bible: one character per pack archetype (C01 protagonist, C02 antagonist, C03 ally,
// …) with distinct espeak-ng voices, 2–4 locations, a logline built from settings.idea. Fails
// when the pack's language differs from settings.lang.
Result<Bible> WriteBible(const Settings& settings, const GenrePack& pack);

// One ArcEpisode per settings.episodes; episode 10 (when it exists) is the paywall and ends on
// the pack's paywall cliffhanger.
Arc WriteArc(const Settings& settings, const Bible& bible, const GenrePack& pack);

// The beat sheet of episode `episode` (1-based) on the rhythm template.
Beats WriteBeats(const Settings& settings, const Bible& bible, const Arc& arc, int episode, const GenrePack& pack);

// The episode's screenplay as Fountain: a title page, then per beat a "# Bxx function" section,
// a scene heading whenever the location changes, action and dialogue.
std::string WriteScript(const Settings& settings, const Bible& bible, const Beats& beats, const GenrePack& pack);

// The name a character's cue carries: upper case for Latin names, as written otherwise.
// Moves a voice for a character's age: lower and slower past 35, higher and quicker below.
void AgeVoice(VoiceSpec& voice, int age);

std::string CueName(const Character& character);

}  // namespace rw
