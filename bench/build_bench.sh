#!/usr/bin/env bash
# Whole-command benchmark: one episode built from nothing, built again with nothing changed,
# and built again after one dialogue line is edited. Prints the times measured in this run
# and their ratios to the full build; asserts nothing.
#   bench/build_bench.sh [build-dir] [preset]
set -euo pipefail
bin="${1:-build}/reelwright"
preset="${2:-master}"
dir="$(mktemp -d)/series"
trap 'rm -rf "$(dirname "$dir")"' EXIT

now() { date +%s.%N; }
"$bin" new "$dir" -q --idea "A disowned heiress returns as the investor who owns her family firm." --episodes 1 > /dev/null

t0=$(now); "$bin" build "$dir" --preset "$preset" 2> "$dir.log" > "$dir.out"; t1=$(now)
"$bin" build "$dir" --preset "$preset" -q > /dev/null; t2=$(now)
script="$dir/episodes/ep001/script.fountain"
# Replace the first spoken line (the line after the first character cue) with a new one.
awk 'BEGIN{done=0} { if (!done && prev ~ /^[A-Z][A-Z .'"'"']+$/ && $0 !~ /^\(/ && $0 != "") { print "A line I rewrote by hand."; done=1 } else print; prev=$0 }' "$script" > "$script.new" && mv "$script.new" "$script"
t3=$(now); "$bin" build "$dir" --preset "$preset" -q > /dev/null; t4=$(now)

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
full=$(calc "$t1 - $t0"); noop=$(calc "$t2 - $t1"); edit=$(calc "$t4 - $t3")

# A long season, written by the built-in engine through the command (bible to 100 scripts).
long="$(dirname "$dir")/long"
"$bin" new "$long" -q --idea "A betrayed heir returns to take back everything." --episodes 100 > /dev/null
t5=$(now); "$bin" build "$long" -q --until script > /dev/null; t6=$(now)
written=$(calc "$t6 - $t5")
echo "preset $preset, one episode: $(grep -o 'ep001 render: [0-9]* frames in [0-9.]*s ([0-9.]* fps)' "$dir.log")"
grep -o 'peak memory [0-9]* MB' "$dir.out" | sed 's/^/full build /'
printf 'full build          %8.2f s\n' "$full"
printf 'no-op rebuild       %8.3f s   ratio to full %.4f\n' "$noop" "$(calc "$noop / $full")"
printf 'one line edited     %8.2f s   ratio to full %.3f\n' "$edit" "$(calc "$edit / $full")"
printf '100 episodes written %7.2f s   (bible, arc, 100 beat sheets and scripts)\n' "$written"
