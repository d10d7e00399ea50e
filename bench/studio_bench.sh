#!/usr/bin/env bash
# The studio's answers while it builds: the median time of GET /health and GET /api/series on an
# idle server, and again while a build runs (a master render of one episode, queued through
# POST /api/build). Prints the times measured in this run and their ratios; asserts nothing.
#   bench/studio_bench.sh [build-dir]
set -euo pipefail
bin="${1:-build}/reelwright"
dir="$(mktemp -d)/series"
server=""
# The server is killed outright at the end, mid-build: a killed build leaves nothing half-written.
trap '[ -n "$server" ] && kill -KILL "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$(dirname "$dir")"' EXIT

"$bin" new "$dir" -q --idea "A disowned heiress returns as the investor who owns her family firm." --episodes 1 --preset preview > /dev/null
"$bin" build "$dir" -q > /dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve "$dir" --port "$port" --token bench > "$dir.serve" 2>&1 &
server=$!
url="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$url/health" > /dev/null && break; sleep 0.1; done

# Median of n timed GETs, in milliseconds.
median() {
  for _ in $(seq "$2"); do curl -s -o /dev/null -w '%{time_total}\n' "$url$1"; done |
    sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", 1000 * v[int((NR + 1) / 2)] }'
}
idle_health=$(median /health 40)
idle_series=$(median /api/series 10)
curl -s -X POST -H 'X-Reelwright-Token: bench' "$url/api/build" -d '{"preset": "master"}' > /dev/null
busy_health=$(median /health 40)
busy_series=$(median /api/series 10)
busy=$(curl -s "$url/health" | grep -o '"busy":[a-z]*')
ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
printf 'GET /health      idle %7.2f ms   building %7.2f ms   ratio %s\n' "$idle_health" "$busy_health" "$(ratio "$busy_health" "$idle_health")"
printf 'GET /api/series  idle %7.2f ms   building %7.2f ms   ratio %s\n' "$idle_series" "$busy_series" "$(ratio "$busy_series" "$idle_series")"
echo "still building after the timed requests: $busy"
