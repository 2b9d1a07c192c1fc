#!/usr/bin/env bash
# Start-up benchmark (issue 21): how long a cold agent and the CLI take to start, with the JVM's
# defaults and with what might make them quicker: an AppCDS archive of the classes they load
# (-XX:SharedArchiveFile, written by a training run with -XX:ArchiveClassesAtExit) and tiered
# compilation stopping at C1 (-XX:TieredStopAtLevel=1); and "auto", bin/qrepl's QREPL_CDS_ARCHIVE as the
# packaged units set it (an archive written at the first clean stop, used afterwards; the CLI's status
# command is timed without it, as operators run it). For each setting, --repeat times:
#   cli:  wall time of `qrepl status -c FILE` (a JVM start, the config, two servers asked);
#   sink: wall time from starting `qrepl sink run` to its link listening (config, spool, standby
#         checks, checkpoint), with a fresh sink data dir each time.
#
#   scripts/bench/startup.sh [--repeat 5] [--out DIR] [--keep]
# Writes DIR/startup.tsv (setting, what, repeat, seconds).
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
repeat=5 out="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) repeat="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init startup
out="${out:-$work/out}"; mkdir -p "$out"
bench_qrepl
loopback_pair
jsa="$work/qrepl.jsa"
# the training run: a sink started and stopped, its loaded classes archived at exit
sink_start_stop "$qrepl" "$cfg" "$link" "$work/train.log" JAVA_OPTS="-XX:ArchiveClassesAtExit=$jsa"
[ -s "$jsa" ] || { echo "no archive written:" >&2; tail -5 "$work/train.log" >&2; exit 1; }
[ -f "$out/startup.tsv" ] || printf 'setting\twhat\trepeat\tseconds\n' > "$out/startup.tsv"
for i in $(seq 1 "$repeat"); do
  for setting in default appcds c1 appcds-c1 auto; do
    cds=""
    case "$setting" in
      default) opts="" ;;
      auto) opts="" cds="$work/auto.jsa" ;; # bin/qrepl's QREPL_CDS_ARCHIVE, as the packaged units set it
      appcds) opts="-XX:SharedArchiveFile=$jsa" ;;
      c1) opts="-XX:TieredStopAtLevel=1" ;;
      appcds-c1) opts="-XX:SharedArchiveFile=$jsa -XX:TieredStopAtLevel=1" ;;
    esac
    if [ "$setting" = auto ] && [ ! -s "$cds" ]; then # its first start writes the archive at its clean stop
      sink_start_stop "$qrepl" "$cfg" "$link" "$work/auto-train.log" QREPL_CDS_ARCHIVE="$cds" JAVA_OPTS="$opts"
      rm -rf "$cfgdir/sink"
    fi
    t0="$(date +%s.%N)"
    JAVA_OPTS="$opts" "$qrepl" status -c "$cfg" > /dev/null 2>&1 || true # exit 2: the agents are not running
    t1="$(date +%s.%N)"
    printf '%s\tcli status\t%s\t%s\n' "$setting" "$i" "$(python3 -c "print(round($t1 - $t0, 3))")" | tee -a "$out/startup.tsv"
    rm -rf "$cfgdir/sink"
    t0="$(date +%s.%N)"
    QREPL_CDS_ARCHIVE="$cds" JAVA_OPTS="$opts" "$qrepl" sink run -c "$cfg" > "$work/sink-$setting-$i.log" 2>&1 & p=$!
    wait_listen "$link"
    t1="$(date +%s.%N)"
    kill "$p"; wait "$p" 2>/dev/null || true
    printf '%s\tsink to listening\t%s\t%s\n' "$setting" "$i" "$(python3 -c "print(round($t1 - $t0, 3))")" | tee -a "$out/startup.tsv"
  done
done
python3 - "$out/startup.tsv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("| setting | what | median s | min-max s |")
print("| --- | --- | --- | --- |")
for key in dict.fromkeys((r["setting"], r["what"]) for r in rows):
    v = [float(r["seconds"]) for r in rows if (r["setting"], r["what"]) == key]
    print(f"| {key[0]} | {key[1]} | {statistics.median(v):.2f} | {min(v):.2f}-{max(v):.2f} (n={len(v)}) |")
PY
