#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench_load.sh: the review queue endpoint under a fixed request rate while `vigie ingest`
# writes a generated world into the same store, beside the same load without ingest (the
# baseline, measured first in the same run). Loopback only, bounded in time and count.
#   bench/bench_load.sh [VIGIE] [--endpoint PATH] [--rate N] [--seconds S] [--reports N]
#                       [--threads N] [--nice-ingest N] [--client c|node] [--full]
# Defaults: GET /api/v1/cases (the queue: 100 cases per answer, ordered by lane and priority),
# 1,000 requests/s for 10 s over 16 keep-alive connections (an open-loop client, latency counted
# from when each request was due: bench/load_paced.c, built beside vigie, or with --client node
# bench/load_paced.mjs), 3,000 reports filed first (each opens a case),
# and a world of 40,000 accounts over 5 days ingested with the shipped model (it outlasts the
# load). --full: 30 s and 5,000 reports.
# The server runs with 4 worker threads (--threads); client, server and ingest share the cores.
# --nice-ingest N runs the ingest at that nice level (a batch job below the interactive server,
# as a deployment on shared cores would run it; default 0, the same priority).
# Prints one JSON line per phase and a summary line.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
vigie=""; endpoint="/api/v1/cases"; rate=1000; seconds=10; reports=3000; conns=16; threads=4
nice_ingest=0; client=c
while (($#)); do
  case "$1" in
    --endpoint) endpoint=$2; shift ;;
    --rate) rate=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --reports) reports=$2; shift ;;
    --threads) threads=$2; shift ;;
    --nice-ingest) nice_ingest=$2; shift ;;
    --client) client=$2; shift ;;
    --full) seconds=30; reports=5000 ;;
    -*) echo "usage: bench/bench_load.sh [VIGIE] [--endpoint PATH] [--rate N] [--seconds S] [--reports N] [--threads N] [--nice-ingest N] [--client c|node] [--full]" >&2; exit 2 ;;
    *) vigie=$1 ;;
  esac
  shift
done
if [[ -z "$vigie" ]]; then
  for c in "$here/build/release/vigie" "$here/build/dev/vigie"; do
    [[ -x "$c" ]] && { vigie=$c; break; }
  done
fi
[[ -x "$vigie" ]] || { echo "bench_load: no vigie binary (build first)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench_load: wrk is not installed (tools/install-deps)" >&2; exit 2; }
case "$client" in
  c)
    paced=$(dirname "$vigie")/bench/load_paced
    [[ -x "$paced" ]] || { echo "bench_load: no $paced (build the bench targets)" >&2; exit 2; } ;;
  node)
    command -v node >/dev/null || { echo "bench_load: node is not installed (tools/install-deps)" >&2; exit 2; } ;;
  *) echo "bench_load: --client is c or node" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
pid=""; ingest=""
cleanup() {
  [[ -n "$ingest" ]] && kill "$ingest" 2>/dev/null && wait "$ingest" 2>/dev/null
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
db=$tmp/load.db
token=$("$vigie" token add --db "$db" --name load --role reviewer | grep -o 'vgt_[A-Za-z0-9_-]*')
"$vigie" serve --db "$db" --listen 127.0.0.1:0 --threads "$threads" >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$tmp/serve.out" && break; sleep 0.1; done
base=http://$(grep -o '"listening":"[^"]*"' "$tmp/serve.out" | cut -d'"' -f4)

# The reports, filed through the API by wrk one second at a time until there are enough.
cat >"$tmp/file.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"target_type":"account","target":"acct-' .. n .. '","reason":"load test: an account that posts propaganda"}')
end
LUA
count() { sqlite3 "$db" "SELECT count(*) FROM intake_reports"; }
for _ in $(seq 60); do
  (( $(count) >= reports )) && break
  wrk -t2 -c4 -d1s -s "$tmp/file.lua" "$base/api/v1/reports" >/dev/null
done
stored=$(count)

# The world to ingest, generated before anything is measured.
"$vigie" sim --seed 7 --accounts 40000 --days 5 --set supporter_share=0.005 --quiet --out "$tmp/world" \
  >"$tmp/sim.out"
events=$(grep -o '"events":[0-9]*' "$tmp/sim.out" | cut -d: -f2)
model=()
[[ -f "$here/models/vigie-propaganda.vgm" ]] && model=(--model "$here/models/vigie-propaganda.vgm")

load() {
  if [[ $client == c ]]; then
    "$paced" "$base$endpoint" "$token" "$rate" "$seconds" "$conns"
  else
    node "$here/bench/load_paced.mjs" "$base$endpoint" "$token" "$rate" "$seconds" "$conns"
  fi
}
phase() { # name json
  echo "{\"phase\":\"$1\",${2#\{}"
}
phase baseline "$(load)"
start=$(date +%s.%N)
nice -n "$nice_ingest" "$vigie" ingest --db "$db" --quiet "${model[@]}" "$tmp/world/events.jsonl" \
  >"$tmp/ingest.out" 2>"$tmp/ingest.err" &
ingest=$!
sleep 0.5
during=$(load)
running=false; kill -0 "$ingest" 2>/dev/null && running=true
phase during_ingest "$during"
wait "$ingest"; irc=$?; ingest=""
end=$(date +%s.%N)
accepted=$(grep -o '"accepted":[0-9]*' "$tmp/ingest.out" | tail -1 | cut -d: -f2)
verify=$("$vigie" audit verify --db "$db" | grep -o '"ok":[a-z]*' | cut -d: -f2)
echo "{\"summary\":\"bench_load\",\"endpoint\":\"$endpoint\",\"reports_stored\":$stored,\"world_events\":${events:-null},\"ingest_accepted\":${accepted:-null},\"ingest_exit\":$irc,\"ingest_seconds\":$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}'),\"ingest_still_running_when_load_ended\":$running,\"audit_chain_ok\":$verify,\"server_threads\":$threads,\"client\":\"$client\",\"ingest_nice\":$nice_ingest,\"nproc\":$(nproc),\"loadavg\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
