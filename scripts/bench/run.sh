#!/usr/bin/env bash
# The benchmark harness (issues 6 and 21): every scenario, MariaDB's own replication and Qreplicator
# side by side on the same workloads in the same run, then a report.
#
#   scripts/bench/run.sh [--quick] [--out DIR] [--no-docs]
#
# Scenarios (sysbench oltp_write_only, 8 threads; bandwidth also oltp_read_write):
#   1 bandwidth   scripts/bench/link.sh      wire bytes / binlog bytes, byte-counting proxy
#   2 catch-up    scripts/bench/catchup.sh   backlog applied by native (0 and 4 workers) and Qreplicator
#                                            (both agents cold; and the sink restarted after a 60 s outage,
#                                            the source running: time to its first transaction applied)
#     resumption  scripts/bench/catchup.sh   the sink restarted after a 5-minute outage (once: see below)
#   3 thin link   scripts/bench/thinlink.sh  netns + veth + tc tbf 2 Mbit/s: highest steady rate with lag p99 < 2 s
#     resumethin  scripts/bench/resume-thinlink.sh  the sink restarted over that link: time to its first transaction
#   4 latency     scripts/bench/latency.sh   commit on primary -> visible on standby at 500 tx/s, loopback,
#                                            with each stage's share (the agents' latency histograms)
#   5 cost        scripts/bench/latency.sh   CPU seconds and peak RSS of the agents per 100,000 transactions
#                                            at steady 500 (scenario 4), 2,000 and 5,000 tx/s, and the link's
#                                            bytes at those rates; catch-up.sh's for a backlog
#   6 extraction  scripts/bench/extract.sh   row changes/s through the source alone, one core
# Each scenario starts its own mariadbd instances on free loopback ports (and its own namespace),
# and removes everything at exit. Results: DIR/*.tsv, DIR/results.json, DIR/*.svg; unless
# --no-docs, the JSON and charts are copied to docs/bench/ and the generated section of
# docs/benchmarks.md is rewritten.
#
# The full run repeats every scenario three times, in about an hour (the budget issue 21 set),
# except the 5-minute outage, run once: three would take a third of the hour, and what it
# measures (the time from the sink's start to its first transaction applied) no longer depends on
# the outage's length once past the half minute in which a reconnect delay used to reach its cap,
# which the catch-up scenario's 60 s outage, repeated three times, already passes. To fit the
# hour, the scenarios run shorter than the first harness's (20 s of sysbench where it ran 16-20 s,
# the thin link's trials 60 s instead of 120 s, bandwidth on the lz4 and zstd-stream codecs only,
# the plain zstd codec's figures being within 0.1 point of zstd-stream's). --quick takes under 5
# minutes (shorter runs, fewer rates and codecs, one repeat: a smoke test of the harness, not
# figures to quote). Needs root for the thin-link scenario (ip netns, tc); without it that
# scenario is skipped and the report says so.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
quick=0 out="" docs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --repeat-all) shift ;; # the full run repeats every scenario now; kept so older commands still run
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
if [ "$quick" = 1 ]; then
  mode=quick
  extract=(--seconds 6 --repeat 1)
  bandwidth=(--seconds 5 --workloads oltp_write_only --configs "native-compressed qrepl-zstd-stream" --repeat 1)
  catchup=(--seconds 5 --repeat 1 --durable --consumers "native-0 qrepl-sink" --outage 10)
  resumption=()
  latency=(--rates 500 --seconds 8 --warmup 5 --repeat 1)
  cost=()
  thin=(--seconds 10 --settle 2 --rates-native "800" --rates-qrepl "800" --chart-rate 800 --repeat 1)
  resumethin=(--outage 10 --repeat 1)
else
  mode=full
  extract=(--seconds 10 --repeat 3)
  bandwidth=(--seconds 15 --configs "native native-compressed qrepl-lz4 qrepl-zstd-stream" --repeat 3)
  catchup=(--seconds 16 --repeat 3 --durable --consumers "native-0 native-4 qrepl qrepl-sink" --outage 60)
  resumption=(--seconds 16 --repeat 1 --durable --consumers "qrepl-sink-long" --outage 300)
  latency=(--rates 500 --methods "native qrepl" --seconds 20 --warmup 30 --repeat 3)
  cost=(--rates "2000 5000" --methods qrepl --seconds 20 --warmup 30 --repeat 3)
  thin=(--seconds 60 --rates-native "250 400" --rates-qrepl "1000 1200" --chart-rate 1000 --repeat 3)
  resumethin=(--outage 20 --repeat 3)
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
[ ${#resumption[@]} -eq 0 ] || run resumption "$b/catchup.sh" "${resumption[@]}" --out "$out"
run latency "$b/latency.sh" "${latency[@]}" --out "$out"
[ ${#cost[@]} -eq 0 ] || run cost "$b/latency.sh" "${cost[@]}" --out "$out"
if [ "$(id -u)" = 0 ]; then
  run thinlink "$b/thinlink.sh" "${thin[@]}" --out "$out"
  run resumethin "$b/resume-thinlink.sh" "${resumethin[@]}" --out "$out"
else
  log "scenario thinlink skipped: needs root for ip netns and tc"; echo "needs root" > "$out/thinlink.skipped"
  echo "needs root" > "$out/resumethin.skipped"
fi
log "report"
python3 "$b/report.py" "$out" $([ "$docs" = 1 ] && echo "--docs $repo/docs")
log "all done in $(( $(date +%s) - started )) s; results in $out"
