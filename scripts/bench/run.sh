#!/usr/bin/env bash
# The benchmark harness (issue 6): every scenario, MariaDB's own replication and Qreplicator side
# by side on the same workloads in the same run, then a report.
#
#   scripts/bench/run.sh [--quick] [--repeat-all] [--out DIR] [--no-docs]
#
# Scenarios (sysbench oltp_write_only, 8 threads; bandwidth also oltp_read_write):
#   1 bandwidth   scripts/bench/link.sh      wire bytes / binlog bytes, byte-counting proxy
#   2 catch-up    scripts/bench/catchup.sh   backlog applied by native (0 and 4 workers) and Qreplicator
#                                            (both agents cold; and the sink restarted, the source running)
#   3 thin link   scripts/bench/thinlink.sh  netns + veth + tc tbf 2 Mbit/s: highest steady rate with lag p99 < 2 s
#   4 latency     scripts/bench/latency.sh   commit on primary -> visible on standby at 500 tx/s, loopback
#   5 cost        catchup.sh + latency.sh    CPU seconds and peak RSS of the agents per 100,000 transactions
#   6 extraction  scripts/bench/extract.sh   row changes/s through the source alone, one core
# Each scenario starts its own mariadbd instances on free loopback ports (and its own namespace),
# and removes everything at exit. Results: DIR/*.tsv, DIR/results.json, DIR/*.svg; unless
# --no-docs, the JSON and charts are copied to docs/bench/ and the generated section of
# docs/benchmarks.md is rewritten. --quick takes under 5 minutes (shorter runs, fewer rates and
# codecs, one repeat: a smoke test of the harness, not figures to quote); the full run under 30.
# The full run repeats catch-up and latency three times; bandwidth, extraction and the thin link
# (whose ladder alone takes 11-14 minutes) once. --repeat-all runs those three times too, as the
# benchmark's rule asks, in about an hour; the report then gives medians and spreads throughout.
# Needs root for the thin-link scenario (ip netns, tc); without it that scenario is skipped and
# the report says so.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
quick=0 out="" docs=1 all=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --repeat-all) all=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --no-docs) docs=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
out="${out:-$repo/work/bench-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
b="$repo/scripts/bench"
started="$(date +%s)"
log() { echo "[$(( $(date +%s) - started ))s] $*"; }

log "building once for every scenario"
(cd "$repo" && mvn -B -q -DskipTests install >/dev/null)
export QREPL_BENCH_BUILT=1
# repeats: "few" for the scenarios the full run repeats, "once" for the others; --repeat-all: 3 for all
if [ "$quick" = 1 ]; then few=1; else few=3; fi
if [ "$all" = 1 ]; then few=3 once=3; else once=1; fi
if [ "$quick" = 1 ]; then
  mode=quick
  extract=(--seconds 6 --repeat "$once")
  bandwidth=(--seconds 5 --workloads oltp_write_only --configs "native-compressed qrepl-zstd-stream" --repeat "$once")
  catchup=(--seconds 5 --repeat "$few" --durable --consumers "native-0 qrepl")
  latency=(--seconds 8 --warmup 5 --repeat "$few")
  thin=(--seconds 10 --settle 2 --rates-native "800" --rates-qrepl "800" --chart-rate 800 --repeat "$once")
else
  mode=full
  extract=(--seconds 20 --repeat "$once")
  bandwidth=(--seconds 20 --configs "native native-compressed qrepl-lz4 qrepl-zstd qrepl-zstd-stream" --repeat "$once")
  catchup=(--seconds 16 --repeat "$few" --durable --consumers "native-0 native-4 qrepl qrepl-sink")
  latency=(--seconds 20 --repeat "$few")
  thin=(--seconds 120 --rates-native "250 400" --rates-qrepl "1000 1200" --chart-rate 1000 --repeat "$once")
fi
echo "$mode" > "$out/mode"
run() { # run NAME COMMAND...: a scenario's output goes to DIR/NAME.log; a failing scenario is reported, not fatal
  local name="$1"; shift
  log "scenario $name: $*"
  local a cmd="" # the command as one could paste it: arguments with spaces in double quotes
  for a in "$@"; do case "$a" in *" "*) cmd+="\"$a\" " ;; *) cmd+="$a " ;; esac; done
  echo "${cmd% }" > "$out/$name.cmd"
  if "$@" > "$out/$name.log" 2>&1; then log "scenario $name done"; else log "scenario $name FAILED (see $out/$name.log)"; echo failed > "$out/$name.failed"; fi
}
run extraction "$b/extract.sh" "${extract[@]}" --out "$out"
run bandwidth "$b/link.sh" "${bandwidth[@]}" --out "$out"
run catchup "$b/catchup.sh" "${catchup[@]}" --out "$out"
run latency "$b/latency.sh" "${latency[@]}" --out "$out"
if [ "$(id -u)" = 0 ]; then
  run thinlink "$b/thinlink.sh" "${thin[@]}" --out "$out"
else
  log "scenario thinlink skipped: needs root for ip netns and tc"; echo "needs root" > "$out/thinlink.skipped"
fi
log "report"
python3 "$b/report.py" "$out" $([ "$docs" = 1 ] && echo "--docs $repo/docs")
log "all done in $(( $(date +%s) - started )) s; results in $out"
