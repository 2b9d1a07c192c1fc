#!/usr/bin/env bash
# What a spool keeps resident (issue 21, RSS per agent): MIB MiB of 1 KiB records appended with a
# reader following, in a JVM of the agents' packaged heap, through the spool as the agents open it
# (16 MiB blocks, large records in files of their own) and through bare Chronicle queues with 16, 64
# (Chronicle's default, the spool's before) and 256 MiB blocks. Prints one line per 100 MiB:
# configuration, MiB written, VmRSS MiB, VmHWM MiB.
#
#   scripts/bench/spool-rss.sh [--dir DIR] [--mib MIB] [--configs "spool 16 64 256"]
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
dir="$repo/work" mib=400 configs="spool 16 64 256"
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --mib) mib="$2"; shift 2 ;;
    --configs) configs="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$dir"
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
core_bench_classpath "$dir"
printf 'config\tmib_written\trss_mib\thwm_mib\n'
for config in $configs; do
  core_bench -Xmx256m -XX:+UseSerialGC SpoolResidencyBench "$dir" "$config" "$mib"
done
