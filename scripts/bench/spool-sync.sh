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
(cd "$repo" && mvn -B -q -pl replicator-core test-compile dependency:build-classpath -Dmdep.outputFile="$dir/.cp.txt" >/dev/null)
cp="$repo/replicator-core/target/test-classes:$repo/replicator-core/target/classes:$(cat "$dir/.cp.txt")"
echo "file system of $dir: $(df -T "$dir" | awk 'NR==2 {print $2}')"
java --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -DQREPL_LOG_LEVEL=WARN -cp "$cp" io.qreplicator.core.bench.SpoolSyncBench "$dir" "$rounds" "$batch"
rm -f "$dir/.cp.txt"
