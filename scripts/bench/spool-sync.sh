#!/usr/bin/env bash
# What spool.sync: batch costs (issue 17): the latency of forcing the spool to disk after each batch,
# next to the batch's appends, on the file system of DIR (default: work/ under the repo, where the
# agents' data dirs usually live on a test host; /tmp is often tmpfs, where fsync costs nothing).
#
#   scripts/bench/spool-sync.sh [--dir DIR] [--rounds N] [--batch RECORDS]
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
dir="$repo/work" rounds=2000 batch=8
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$dir"
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
core_bench_classpath "$dir"
echo "file system of $dir: $(df -T "$dir" | awk 'NR==2 {print $2}')"
core_bench SpoolSyncBench "$dir" "$rounds" "$batch"
