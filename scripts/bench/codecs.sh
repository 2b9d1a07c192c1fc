#!/usr/bin/env bash
# Codec benchmark (issue 4): payload bytes and CPU of each link codec over a real source spool,
# cut into batches of N records (1..4096), i.e. from a quiet primary to a catch-up. Makes the
# spool with one plain-TCP run of scripts/bench/link.sh (sysbench oltp_write_only; its run 1), then runs
# CodecBench over it on one core.
#
#   scripts/bench/codecs.sh [--seconds N] [--levels "1 3"]
# --levels: the zstd levels to compare (default 3), for links[].zstd-level.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
seconds=10 levels=3
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --levels) levels="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
log="$(mktemp /tmp/qrepl-codecs-XXXXXX.log)"
"$repo/scripts/bench/link.sh" --seconds "$seconds" --workloads oltp_write_only --configs qrepl-none-plain --keep | tee "$log"
work="$(awk '/^kept / {print $2}' "$log")"
trap 'rm -rf "$work" "$log"' EXIT
(cd "$repo" && mvn -B -q -pl replicator-transport dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
cp="$repo/replicator-transport/target/test-classes:$repo/replicator-transport/target/classes:$(cat "$work/cp.txt")"
taskset -c 0 java --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -DQREPL_LOG_LEVEL=WARN -XX:ActiveProcessorCount=1 -Xmx1g \
  -cp "$cp" io.qreplicator.transport.bench.CodecBench "$work/oltp_write_only-qrepl-none-plain-1/source/spool" \
  --levels "${levels// /,}"
