#!/usr/bin/env bash
# Extraction benchmark (issue 3): how fast the source turns sysbench oltp_write_only binlogs into
# spooled records on ONE core, and how many bytes those records and their zstd batches take
# compared with the binlog. Starts its own mariadbd on a free loopback port in a temp dir, loads
# sysbench tables, runs the workload with a fresh seed, then streams the binlogs of the run phase
# from the server, as the agent does, through ExtractionBench (decode, assemble, shape, encode,
# Chronicle append) pinned to core 0 with taskset (the server may use the other core). Each JVM
# makes 3 passes; the first includes JIT warm-up.
#
#   scripts/bench/extract.sh [--seconds N] [--threads N] [--table-size N] [--repeat N] [--out DIR] [--keep]
# --out DIR keeps ExtractionBench's result lines in DIR/extract.log.
# --keep leaves the work dir (binlogs, server stopped) for profiling.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
seconds=30 threads=8 tables=4 table_size=20000 repeat=3 keep=0 out=/dev/null
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --table-size) table_size="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --out) mkdir -p "$2"; out="$2/extract.log"; : > "$out"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in mariadbd sysbench taskset; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "missing $tool: run scripts/test.sh once (it installs mariadb-server and sysbench)" >&2; exit 1; }
done
mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"

work="$(mktemp -d /tmp/qrepl-bench-XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() {
  [ -f "$work/m.pid" ] && kill "$(cat "$work/m.pid")" 2>/dev/null && sleep 2
  if [ "$keep" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "== building"
[ -n "${QREPL_BENCH_BUILT:-}" ] || (cd "$repo" && mvn -B -q -DskipTests install >/dev/null)
(cd "$repo" && mvn -B -q -pl replicator-source dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
cp="$repo/replicator-source/target/test-classes:$repo/replicator-source/target/classes:$(cat "$work/cp.txt")"

echo "== starting mariadbd on 127.0.0.1:$port ($work)"
mariadb-install-db --no-defaults --datadir="$work/data" --user="$(id -un)" --auth-root-authentication-method=normal --skip-test-db >/dev/null
"$mariadbd" --no-defaults --user="$(id -un)" --datadir="$work/data" --socket="$work/s.sock" --pid-file="$work/m.pid" \
  --log-error="$work/err.log" --port="$port" --bind-address=127.0.0.1 --server-id=1 --log-bin="$work/data/mysql-bin" \
  --binlog-format=ROW --binlog-row-image=FULL --binlog-row-metadata=FULL --innodb-buffer-pool-size=512M \
  --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 >/dev/null 2>&1 &
for _ in $(seq 1 100); do mariadb --no-defaults -uroot -h127.0.0.1 -P"$port" -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
sql() { mariadb --no-defaults -uroot -h127.0.0.1 -P"$port" -N -B -e "$1"; }
sql "CREATE DATABASE sbtest"
sb=(sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$port" --mysql-user=root
    --mysql-db=sbtest --tables="$tables" --table-size="$table_size")
echo "== sysbench prepare (${tables} tables x ${table_size} rows)"
"${sb[@]}" prepare >/dev/null
sql "FLUSH BINARY LOGS"
first="$(sql "SHOW MASTER STATUS" | cut -f1)"
seed="$(date +%s)"
echo "== sysbench run: ${seconds}s, ${threads} threads, seed ${seed}"
"${sb[@]}" --threads="$threads" --time="$seconds" --rand-seed="$seed" --report-interval=0 run | grep -E "transactions:|queries:" || true
sql "FLUSH BINARY LOGS"
last="$(sql "SHOW MASTER STATUS" | cut -f1)"
files=()
while read -r name _; do
  if [[ "$name" > "$first" || "$name" == "$first" ]] && [[ "$name" < "$last" ]]; then files+=("$work/data/$name"); fi
done < <(sql "SHOW BINARY LOGS")
written="$(du -cb "${files[@]}" | tail -1 | cut -f1)"
echo "== run-phase binlogs: ${files[*]##*/} ($written bytes)"
java_flags=(--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED -Dchronicle.analytics.disable=true
  -Dchronicle.announcer.disable=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -DQREPL_LOG_LEVEL=WARN -XX:ActiveProcessorCount=1 -Xmx512m)
for mode in minimal full; do
  for i in $(seq 1 "$repeat"); do
    echo "-- run $i, row images $mode (taskset -c 0)"
    taskset -c 0 java "${java_flags[@]}" -Dpasses=3 -Dbinlog.file.bytes="$written" -Djava.util.logging.config.file=/dev/null \
      -cp "$cp" io.qreplicator.source.bench.ExtractionBench "$mode" server 127.0.0.1 "$port" "${files[0]##*/}" "$last" 2>/dev/null | tee -a "$out"
  done
done
echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(mariadbd --version | cut -d' ' -f2-4)"
