#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench_server.sh: requests/s and p99 latency of `vigie serve` for authenticated GET endpoints
# and for filing a report (POST: a write with its audit entry), beside GET /healthz (no authentication, no store query) as the baseline measured in the same
# run, with wrk on the same machine. Prints one JSON line per endpoint and a summary line.
#   bench/bench_server.sh [VIGIE] [--full]
# VIGIE defaults to build/release/vigie, else build/dev/vigie. Short by default (3 s per
# endpoint, 16 connections); --full runs 15 s with 64 connections. The server gets 2 worker
# threads; wrk 2 threads. Client and server share the machine's cores: the figures are a
# floor for a dedicated server, and the ratios are what to compare between runs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
vigie=""
dur=3; conns=16
for a in "$@"; do
  case "$a" in
    --full) dur=15; conns=64 ;;
    *) vigie=$a ;;
  esac
done
if [[ -z "$vigie" ]]; then
  for c in "$here/build/release/vigie" "$here/build/dev/vigie"; do
    [[ -x "$c" ]] && { vigie=$c; break; }
  done
fi
[[ -x "$vigie" ]] || { echo "bench_server: no vigie binary (build first)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench_server: wrk is not installed" >&2; exit 2; }

tmp=$(mktemp -d)
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
db=$tmp/bench.db
token=$("$vigie" token add --db "$db" --name bench --role reviewer | grep -o 'vgt_[A-Za-z0-9_-]*')
"$vigie" serve --db "$db" --listen 127.0.0.1:0 --threads 2 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$tmp/serve.out" && break; sleep 0.1; done
base=http://$(grep -o '"listening":"[^"]*"' "$tmp/serve.out" | cut -d'"' -f4)
# Twenty reports so that the list endpoint reads and writes real rows.
for i in $(seq 20); do
  curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"target_type\":\"post\",\"target\":\"p-$i\",\"reason\":\"bench\"}" "$base/api/v1/reports"
done

# wrk's latency distribution prints "99%" in us, ms or s: convert to ms.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.3f", v}'; }
cat >"$tmp/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"target_type":"post","target":"p-bench","reason":"bench"}'
wrk.headers["Content-Type"] = "application/json"
LUA
run() { # name path [header] [wrk script]
  local out
  local -a extra=()
  [[ -n "${3:-}" ]] && extra+=(-H "$3")
  [[ -n "${4:-}" ]] && extra+=(-s "$4")
  out=$(wrk -t2 -c"$conns" -d"${dur}s" --latency "${extra[@]}" "$base$2")
  local rps p99 non2xx
  rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}' | to_ms)
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "$1 $rps $p99 ${non2xx:-0}"
}
results=()
results+=("$(run healthz /healthz)")
results+=("$(run me /api/v1/me "Authorization: Bearer $token")")
results+=("$(run reports '/api/v1/reports?limit=20' "Authorization: Bearer $token")")
# Writes: each POST stores a report and its audit entry in one transaction (fsync per commit
# in WAL mode with synchronous=NORMAL happens at checkpoints, not per commit).
results+=("$(run reports_post /api/v1/reports "Authorization: Bearer $token" "$tmp/post.lua")")
base_rps=$(echo "${results[0]}" | awk '{print $2}')
for r in "${results[@]}"; do
  read -r name rps p99 bad <<<"$r"
  ratio=$(awk -v a="$rps" -v b="$base_rps" 'BEGIN {printf "%.3f", a / b}')
  echo "{\"endpoint\":\"$name\",\"requests_per_s\":$rps,\"p99_ms\":$p99,\"non_2xx\":$bad,\"vs_healthz\":$ratio}"
done
reports=$(sqlite3 "$db" "SELECT count(*) FROM intake_reports" 2>/dev/null || echo null)
verify=$("$vigie" audit verify --db "$db" | grep -o '"ok":[a-z]*' | cut -d: -f2)
echo "{\"summary\":\"bench_server\",\"reports_stored\":$reports,\"audit_chain_ok\":$verify,\"seconds_each\":$dur,\"connections\":$conns,\"server_threads\":2,\"nproc\":$(nproc)}"
