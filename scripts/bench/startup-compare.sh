#!/usr/bin/env bash
# Start-up of two builds side by side (issue 21: what a change to the start path buys). Each build is a
# checkout built with `mvn -B -q -DskipTests package` (e.g. a git worktree of the commit before a change:
# git worktree add /tmp/before HEAD~1 && (cd /tmp/before && mvn -B -q -DskipTests package)). One primary and
# one standby on loopback; --repeat times, alternating the builds (A B, then B A: neither always goes first):
#   sink: wall time from `qrepl sink run` to its link listening (fresh sink data dir each time);
#   cli:  wall time of `qrepl status -c FILE` (the agents not running: its JVM, config and two servers).
# --cds: each build's sink with its own AppCDS archive (QREPL_CDS_ARCHIVE, written by one start and clean
# stop first, as the packaged units do; a run whose JVM did not map it fails). The CLI never uses one.
#
#   scripts/bench/startup-compare.sh BUILD_A BUILD_B [--repeat 8] [--cds] [--out DIR] [--keep]
# Writes DIR/startup-compare.tsv (build, repeat, sink_to_listening_s, cli_status_s) and prints medians.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
repeat=8 cds=0 out="" keep=0 builds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) repeat="$2"; shift 2 ;;
    --cds) cds=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) builds+=("$(cd "$1" && pwd)"); shift ;;
  esac
done
[ "${#builds[@]}" = 2 ] || { echo "usage: $0 BUILD_A BUILD_B [--repeat N] [--cds] [--out DIR] [--keep]" >&2; exit 2; }
for b in "${builds[@]}"; do
  ls "$b"/replicator-cli/target/lib/*.jar >/dev/null 2>&1 || { echo "$b is not built: cd $b && mvn -B -q -DskipTests package" >&2; exit 2; }
done
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init startup-compare
out="${out:-$work/out}"; mkdir -p "$out"
QREPL_BENCH_BUILT=1 bench_qrepl # the password file
qrepl="${builds[1]}/bin/qrepl" # B writes the config (the newer build, as a rule: it reads what it writes)
loopback_pair
archive() { [ "$cds" = 1 ] && echo "$work/archive-$1.jsa" || true; }
if [ "$cds" = 1 ]; then
  for i in 0 1; do
    rm -rf "$cfgdir/sink"
    sink_start_stop "${builds[$i]}/bin/qrepl" "$cfg" "$link" "$work/train-$i.log" QREPL_CDS_ARCHIVE="$(archive $i)"
  done
fi
printf 'build\trepeat\tsink_to_listening_s\tcli_status_s\n' > "$out/startup-compare.tsv"
for r in $(seq 1 "$repeat"); do
  order="0 1"; [ $((r % 2)) = 1 ] || order="1 0"
  for i in $order; do
    rm -rf "$cfgdir/sink"
    t0="$(date +%s.%N)"
    QREPL_CDS_ARCHIVE="$(archive $i)" "${builds[$i]}/bin/qrepl" sink run -c "$cfg" > "$work/sink-$i.log" 2>&1 & p=$!; pids+=($p)
    wait_listen "$link"
    t1="$(date +%s.%N)"
    if [ "$cds" = 1 ] && [ "$(cds_mapped "$p" "$(archive $i)")" != yes ]; then
      echo "${builds[$i]}: the sink's JVM did not map its archive" >&2; exit 1
    fi
    kill "$p"; wait "$p" 2>/dev/null || true
    t2="$(date +%s.%N)"
    "${builds[$i]}/bin/qrepl" status -c "$cfg" > /dev/null 2>&1 || true # exit 2: the agents are not running
    t3="$(date +%s.%N)"
    printf '%s\t%s\t%s\t%s\n' "${builds[$i]}" "$r" "$(python3 -c "print(round($t1 - $t0, 3))")" \
      "$(python3 -c "print(round($t3 - $t2, 3))")" | tee -a "$out/startup-compare.tsv"
  done
done
python3 - "$out/startup-compare.tsv" "$cds" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print(f"| build | sink to listening{' (AppCDS)' if sys.argv[2] == '1' else ''}, median (min-max) | `qrepl status`, median (min-max) |")
print("| --- | --- | --- |")
for b in dict.fromkeys(r["build"] for r in rows):
    s = [float(r["sink_to_listening_s"]) for r in rows if r["build"] == b]
    c = [float(r["cli_status_s"]) for r in rows if r["build"] == b]
    print(f"| {b} | {statistics.median(s):.2f} s ({min(s):.2f}-{max(s):.2f}, n={len(s)}) | {statistics.median(c):.2f} s ({min(c):.2f}-{max(c):.2f}) |")
PY
