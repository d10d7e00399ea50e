#!/usr/bin/env bash
# The renderer against its targets (issue 7), measured side by side in one run on the reference
# workload (bench/render_bench.cc: 60 s, 1080x1920, 30 fps, 12 push-in shots with 0.3 s
# cross-fades, 20 cues half Chinese, voice and music with ducking; libx264 veryfast CRF 23 + AAC
# 128k):
#   (a) baseline  the ffmpeg program encoding the same 1800 frames (raw yuv420p decoded from our
#                 render, read from the page cache) with the same x264 settings, video only
#   (b) full      our render with an empty segment cache, drawing each shot from its still through
#                 the plate beside its clip, as the render stage does; its audio is the episode's
#                 mix, made beforehand as the score stage makes it (the make line prints what it took)
#   (b2) decoded  the same, decoding the clips instead of drawing from the plates (for comparison:
#                 what a shot from a video server or a person's clip costs)
#   (c) edit      our render again after one cue's text changed
#   (d) melt      MLT's melt rendering the same episode from the stills (affine push-in, luma
#                 dissolves, text filters for the cues and label, voice and music mixed without
#                 ducking) to the same codecs; skipped when melt is not installed
#   (e) peak RSS  of (b), from /usr/bin/time
# Wall and CPU (user + system) seconds are printed for each; on a shared machine the CPU ratio is
# the steadier one. Not part of the tests: it takes a few minutes.
#
# Usage: bench/render_bench.sh [build-dir] [work-dir]     (defaults: build, /tmp/rw_render_bench)
# Build first: cmake --build build --target rw_render_bench
set -euo pipefail

BUILD=${1:-build}
WORK=${2:-/tmp/rw_render_bench}
BIN=$BUILD/bench/rw_render_bench
if [[ ! -x $BIN ]]; then
  echo "no $BIN: build it with cmake --build $BUILD --target rw_render_bench" >&2
  exit 1
fi
for tool in ffmpeg ffprobe /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: sudo apt-get install ffmpeg time" >&2; exit 1; }
done

rm -rf "$WORK"
mkdir -p "$WORK"
echo "making the workload in $WORK (stills, push-in clips, voices, music, subtitles, melt.mlt)..."
"$BIN" make "$WORK"

# Runs a command under /usr/bin/time; sets WALL, CPU (seconds) and RSS (MB).
timed() {
  local log=$WORK/time.txt
  /usr/bin/time -o "$log" -f "%e %U %S %M" "$@"
  read -r WALL user sys rss_kb <"$log"
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  RSS=$(awk -v k="$rss_kb" 'BEGIN { printf "%.0f", k / 1024 }')
}

frames_of() {
  ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$1"
}

echo "(b) our full render..."
timed "$BIN" render "$WORK" --out "$WORK/ours.mp4" >"$WORK/full.txt"
FULL_WALL=$WALL FULL_CPU=$CPU FULL_RSS=$RSS
cat "$WORK/full.txt"

echo "(b2) our full render, decoding the clips..."
timed "$BIN" render "$WORK" --decode --no-cache --out "$WORK/decoded.mp4" >"$WORK/decoded.txt"
DEC_WALL=$WALL DEC_CPU=$CPU DEC_RSS=$RSS
cat "$WORK/decoded.txt"

echo "(c) our render after one cue's text changed..."
timed "$BIN" render "$WORK" --edit --out "$WORK/edited.mp4" >"$WORK/edit.txt"
EDIT_WALL=$WALL EDIT_CPU=$CPU EDIT_RSS=$RSS
cat "$WORK/edit.txt"

echo "(a) baseline: ffmpeg encoding the same 1800 frames..."
ffmpeg -v error -y -i "$WORK/ours.mp4" -f rawvideo -pix_fmt yuv420p "$WORK/frames.yuv"
cat "$WORK/frames.yuv" >/dev/null  # into the page cache: the baseline times the encoder, not the disk
timed ffmpeg -v error -y -f rawvideo -pix_fmt yuv420p -s 1080x1920 -framerate 30 -i "$WORK/frames.yuv" \
  -c:v libx264 -preset veryfast -crf 23 -profile:v high -pix_fmt yuv420p -g 60 -bf 2 -flags +cgop \
  -x264-params open-gop=0 -an "$WORK/baseline.mp4"
BASE_WALL=$WALL BASE_CPU=$CPU BASE_RSS=$RSS
rm -f "$WORK/frames.yuv"

MELT_WALL="" MELT_CPU="" MELT_RSS=""
if command -v melt >/dev/null; then
  echo "(d) melt..."
  timed melt -silent "$WORK/melt.mlt" -consumer "avformat:$WORK/melt.mp4" vcodec=libx264 preset=veryfast crf=23 \
    g=60 bf=2 acodec=aac ab=128k ar=48000 channels=2 real_time=-2 >"$WORK/melt.log" 2>&1
  MELT_WALL=$WALL MELT_CPU=$CPU MELT_RSS=$RSS
else
  echo "(d) melt is not installed (sudo apt-get install melt): its comparison is skipped"
fi

echo
printf "%-34s %8s %8s %8s %7s\n" "run" "wall s" "cpu s" "RSS MB" "frames"
printf "%-34s %8s %8s %8s %7s\n" "(a) ffmpeg x264 alone (baseline)" "$BASE_WALL" "$BASE_CPU" "$BASE_RSS" "$(frames_of "$WORK/baseline.mp4")"
printf "%-34s %8s %8s %8s %7s\n" "(b) reelwright full render" "$FULL_WALL" "$FULL_CPU" "$FULL_RSS" "$(frames_of "$WORK/ours.mp4")"
printf "%-34s %8s %8s %8s %7s\n" "(b2) reelwright, clips decoded" "$DEC_WALL" "$DEC_CPU" "$DEC_RSS" "$(frames_of "$WORK/decoded.mp4")"
printf "%-34s %8s %8s %8s %7s\n" "(c) reelwright after a cue edit" "$EDIT_WALL" "$EDIT_CPU" "$EDIT_RSS" "$(frames_of "$WORK/edited.mp4")"
if [[ -n $MELT_WALL ]]; then
  printf "%-34s %8s %8s %8s %7s\n" "(d) melt" "$MELT_WALL" "$MELT_CPU" "$MELT_RSS" "$(frames_of "$WORK/melt.mp4")"
fi
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == "le") ? r <= t : r >= t; print ok ? "met" : "NOT met" }'; }
r=$(ratio "$FULL_WALL" "$BASE_WALL"); c=$(ratio "$FULL_CPU" "$BASE_CPU")
echo "full / baseline:     wall $r, cpu $c   (target <= 1.15: wall $(verdict "$r" 1.15 le), cpu $(verdict "$c" 1.15 le))"
r=$(ratio "$DEC_WALL" "$BASE_WALL"); c=$(ratio "$DEC_CPU" "$BASE_CPU")
echo "decoded / baseline:  wall $r, cpu $c   (for comparison: shots that arrive as clips)"
r=$(ratio "$EDIT_WALL" "$FULL_WALL"); c=$(ratio "$EDIT_CPU" "$FULL_CPU")
echo "edit / full:         wall $r, cpu $c   (target <= 0.15: wall $(verdict "$r" 0.15 le), cpu $(verdict "$c" 0.15 le))"
if [[ -n $MELT_WALL ]]; then
  r=$(ratio "$MELT_WALL" "$FULL_WALL"); c=$(ratio "$MELT_CPU" "$FULL_CPU")
  echo "melt / full:         wall $r, cpu $c   (target >= 2: wall $(verdict "$r" 2 ge), cpu $(verdict "$c" 2 ge))"
fi
echo "peak RSS (full):     $FULL_RSS MB   (target <= 600: $(verdict "$FULL_RSS" 600 le))"
echo "(the clips, made once by the clips stage and not part of a render, are in the 'made=' line above)"
