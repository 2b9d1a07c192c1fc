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
(cd "$repo" && mvn -B -q -pl replicator-core test-compile dependency:build-classpath -Dmdep.outputFile="$dir/.cp.txt" >/dev/null)
cp="$repo/replicator-core/target/test-classes:$repo/replicator-core/target/classes:$(cat "$dir/.cp.txt")"
printf 'config\tmib_written\trss_mib\thwm_mib\n'
for config in $configs; do
  java -Xmx256m -XX:+UseSerialGC --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
    --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
    --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
    -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -DQREPL_LOG_LEVEL=WARN -cp "$cp" io.qreplicator.core.bench.SpoolResidencyBench "$dir" "$config" "$mib"
done
rm -f "$dir/.cp.txt"
