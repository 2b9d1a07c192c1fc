# Shell helpers shared by the benchmarks: a work dir cleaned up at exit, mariadbd instances on free
# loopback ports under it, SQL, replica status, GTID arithmetic, agents' status files.
# Source it, then call bench_init NAME (it reads $keep: 1 leaves the work dir).

# bench_init NAME: checks the tools, sets $mariadbd, $work (/tmp/qrepl-NAME-*) and $pids (processes
# to kill at exit), and arranges the cleanup of everything started under $work
bench_init() {
  for tool in mariadbd mariadb mariadb-dump sysbench python3; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "missing $tool: run scripts/test.sh once (it installs mariadb-server and sysbench)" >&2; exit 1; }
  done
  mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
  work="$(mktemp -d "/tmp/qrepl-$1-XXXXXX")"
  pids=()
  trap bench_cleanup EXIT
  mkfifo "$work/nap"; exec 9<>"$work/nap" # nothing ever writes to it: nap reads it with a timeout
}

# Polling loops use the helpers below, which start no process: a fork and exec costs tens of ms of
# CPU on these machines, and a loop spawning a client, tr, awk and grep ten times a second takes
# most of a core from the servers and agents it is timing.
# nap SECONDS: sleeps without spawning sleep
nap() { read -r -t "$1" -u 9 _ || true; }
# poll_open PORT: a long-lived mariadb client for poll (one at a time; the next poll_open replaces it); with
# DB_NETNS=NS, inside that network namespace (a server start_db started there)
poll_open() {
  local pre=()
  poll_close
  [ -n "${DB_NETNS:-}" ] && pre=(ip netns exec "$DB_NETNS")
  rm -f "$work/poll.in" "$work/poll.out"; mkfifo "$work/poll.in" "$work/poll.out"
  "${pre[@]}" mariadb --no-defaults -uroot -h127.0.0.1 -P"$1" -N -B --unbuffered --force < "$work/poll.in" > "$work/poll.out" 2>/dev/null &
  poll_pid=$!
  exec 7>"$work/poll.in" 8<"$work/poll.out"
}
poll_close() { if [ -n "${poll_pid:-}" ]; then exec 7>&- 8<&-; kill "$poll_pid" 2>/dev/null || true; wait "$poll_pid" 2>/dev/null || true; poll_pid=""; fi; }
# poll VAR QUERY: sets VAR to the first line QUERY returns through poll_open's client (empty on an error)
poll() {
  local _pl _pgot="" # names a caller's VAR will not have: printf -v would set the local instead
  printf '%s;\nSELECT '"'"'--end--'"'"';\n' "$2" >&7
  while IFS= read -r -t 30 -u 8 _pl && [ "$_pl" != "--end--" ]; do [ -n "$_pgot" ] || _pgot="$_pl"; done
  printf -v "$1" '%s' "$_pgot"
}
# seq_in VAR GTID_STATE: sets VAR to the sequence number of domain 0 (empty if none), like seq_of
seq_in() {
  local _sg _sparts
  printf -v "$1" '%s' ""
  IFS=, read -r -a _sparts <<<"$2"
  for _sg in "${_sparts[@]}"; do _sg="${_sg// /}"; if [[ "$_sg" == 0-*-* ]]; then printf -v "$1" '%s' "${_sg##*-}"; return 0; fi; done
}
# prop_in VAR FILE KEY: sets VAR to KEY's value in an agent's status file (empty if absent), like prop
prop_in() {
  local _pk _pv
  printf -v "$1" '%s' ""
  [ -f "$2" ] || return 0
  while IFS='=' read -r _pk _pv; do if [ "$_pk" = "$3" ]; then printf -v "$1" '%s' "${_pv//\\:/:}"; return 0; fi; done < "$2"
}
bench_cleanup() {
  poll_close
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for f in "$work"/*/m.pid; do [ -f "$f" ] && { kill -CONT "$(cat "$f")"; kill "$(cat "$f")"; } 2>/dev/null || true; done
  sleep 2
  if [ "${keep:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sql() { local port="$1"; shift; mariadb --no-defaults -uroot -h127.0.0.1 -P"$port" -N -B -e "$*"; }
slave_status() { mariadb --no-defaults -uroot -h127.0.0.1 -P"$1" -e "SHOW SLAVE STATUS\G"; }
# start_db NAME PORT SERVER_ID [mariadbd options...]; with DB_NETNS=NS it runs inside that network namespace
start_db() {
  local name="$1" port="$2" id="$3"; shift 3
  local d="$work/$name" pre=()
  [ -n "${DB_NETNS:-}" ] && pre=(ip netns exec "$DB_NETNS")
  mkdir -p "$d"
  mariadb-install-db --no-defaults --datadir="$d/data" --user="$(id -un)" --auth-root-authentication-method=normal --skip-test-db >/dev/null
  "${pre[@]}" "$mariadbd" --no-defaults --user="$(id -un)" --datadir="$d/data" --socket="$d/s.sock" --pid-file="$d/m.pid" \
    --log-error="$d/err.log" --port="$port" --bind-address=127.0.0.1 --server-id="$id" --skip-name-resolve \
    --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 "$@" >/dev/null 2>&1 &
  for _ in $(seq 1 150); do
    "${pre[@]}" mariadb --no-defaults -uroot -h127.0.0.1 -P"$port" -e 'SELECT 1' >/dev/null 2>&1 && return 0; sleep 0.2
  done
  echo "mariadbd $name did not start; see $d/err.log" >&2; exit 1
}
stop_db() {
  local f="$work/$1/m.pid"
  if [ -f "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; for _ in $(seq 1 100); do [ -f "$f" ] || break; sleep 0.1; done; fi
  rm -rf "$work/$1/data"
}
# bench_password: a fresh password for the benchmark's users, in $work/pw (mode 600) and $pw
bench_password() { echo "pw-$RANDOM$RANDOM" > "$work/pw"; chmod 600 "$work/pw"; pw="$(cat "$work/pw")"; }
# start_primary PORT [mariadbd options...]: a primary logging full ROW images with their metadata,
# the database sbtest, and the users each method replicates as (repl: native, qrepl: Qreplicator)
start_primary() {
  local port="$1"; shift
  start_db primary "$port" 1 --log-bin=mysql-bin --binlog-format=ROW --binlog-row-image=FULL --binlog-row-metadata=FULL "$@"
  sql "$port" "CREATE DATABASE sbtest; CREATE USER 'repl'@'%' IDENTIFIED BY '$pw'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%';
    CREATE USER 'qrepl'@'%' IDENTIFIED BY '$pw'; GRANT ALL PRIVILEGES ON *.* TO 'qrepl'@'%'"
}
# start_standby NAME PORT [mariadbd options...]: a read-only server with the database sbtest and the qrepl user
start_standby() {
  local name="$1" port="$2"; shift 2
  start_db "$name" "$port" 2 --read-only "$@"
  sql "$port" "CREATE DATABASE sbtest; CREATE USER 'qrepl'@'%' IDENTIFIED BY '$pw'; GRANT ALL PRIVILEGES ON *.* TO 'qrepl'@'%'"
}
# sysbench_cmd WORKLOAD PORT: sets the array sb to sysbench WORKLOAD on sbtest at PORT, $tables x $table_size rows
sysbench_cmd() {
  sb=(sysbench "$1" --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$2" --mysql-user=root
      --mysql-db=sbtest --tables="$tables" --table-size="$table_size")
}
# seq_of GTID_STATE: the sequence number of domain 0 (seq_in, printed)
seq_of() { local v; seq_in v "$1"; echo "$v"; }
# waits until something listens on PORT, without connecting (a connection through the proxy would count)
wait_listen() { for _ in $(seq 1 200); do ss -ltn "sport = :$1" | grep -q LISTEN && return 0; sleep 0.05; done; echo "nothing listens on $1" >&2; exit 1; }
# prop FILE KEY: KEY's value in an agent's status file (prop_in, printed)
prop() { local v; prop_in v "$1" "$2"; echo "$v"; }
# cost_row SCENARIO AGENT REPEAT TRANSACTIONS CPU_S PEAK_RSS_MIB: appends an agent's cost, with its CPU seconds
# per 100,000 transactions, to $out/cost.tsv (writing the header first) and prints the row
cost_row() {
  [ -f "$out/cost.tsv" ] || printf 'scenario\tagent\trepeat\ttransactions\tcpu_s\tpeak_rss_mib\tcpu_s_per_100k_tx\n' > "$out/cost.tsv"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$(python3 -c "print(round($5 * 100000 / $4, 1))")" | tee -a "$out/cost.tsv"
}

# proc_cost PID: "CPU_SECONDS PEAK_RSS_MIB" of a running process (user + system time; VmHWM)
proc_cost() {
  local ticks rss
  ticks="$(awk '{ print $14 + $15 }' "/proc/$1/stat")"
  rss="$(awk '/^VmHWM:/ { print $2 }' "/proc/$1/status")"
  python3 -c "print(round($ticks / $(getconf CLK_TCK), 2), round($rss / 1024))"
}
# thread_cpu PID: one line per thread, "ticks name", for thread_cpu_delta
thread_cpu() {
  local t
  for t in /proc/"$1"/task/*; do
    # the name is in parentheses and may hold spaces: take the fields after the last ')'
    awk '{ s = $0; sub(/^.*\) /, "", s); split(s, f, " "); n = $0; sub(/^[^(]*\(/, "", n); sub(/\).*$/, "", n);
      print f[12] + f[13], n }' "$t/stat" 2>/dev/null || true
  done
}
# run_delay PID: "NANOSECONDS SLICES" its threads have waited on a run queue for a core, and the times
# they ran, summed over the threads alive now (/proc/PID/task/*/schedstat: run time, run-queue wait, slices)
run_delay() {
  cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ w += $2; n += $3 } END { printf "%d %d\n", w, n }'
}
# thread_switches PID: one line per thread, "switches name": the times it gave up a core or had it taken
# (voluntary and involuntary context switches), for thread_switch_delta
thread_switches() {
  local t
  for t in /proc/"$1"/task/*; do
    awk -v name="$(cat "$t/comm" 2>/dev/null)" '/^(voluntary|nonvoluntary)_ctxt_switches:/ { n += $2 } END { print n, name }' \
      "$t/status" 2>/dev/null || true
  done
}
# thread_delta BEFORE AFTER DIVISOR [total]: per thread name (numbered pools such as C2 CompilerThread0 or
# GC Thread#1 summed), the growth between two "count name" listings divided by DIVISOR, largest first,
# those under 0.05 left out; with "total", their sum first
thread_delta() {
  python3 - "$1" "$2" "$3" "${4:-}" <<'PY'
import sys, collections
def load(p):
    d = collections.Counter()
    for line in open(p):
        n, _, name = line.strip().partition(" ")
        d[name.rstrip("0123456789")] += int(n or 0)
    return d
a, b, div = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
delta = sorted(((b[k] - a.get(k, 0)) / div, k) for k in b) if div else []
listed = ", ".join(f"{k} {v:.2f}" for v, k in reversed(delta) if v >= 0.05)
print(f"{sum(v for v, _ in delta):.1f} in all: {listed}" if sys.argv[4] == "total" else listed)
PY
}
# thread_switch_delta BEFORE AFTER TRANSACTIONS: context switches per transaction and thread name between two
# thread_switches outputs, most first, and their total
thread_switch_delta() { thread_delta "$1" "$2" "$3" total; }
# thread_cpu_delta BEFORE AFTER: CPU seconds per thread name between two thread_cpu outputs, busiest first
thread_cpu_delta() { thread_delta "$1" "$2" "$(getconf CLK_TCK)"; }
# bench_qrepl: packages the build unless QREPL_BENCH_BUILT is set, sets $qrepl (bin/qrepl) and writes the
# servers' and agents' password file (bench_password: $work/pw, $pw)
bench_qrepl() {
  [ -n "${QREPL_BENCH_BUILT:-}" ] || (cd "$repo" && mvn -B -q -DskipTests package >/dev/null)
  qrepl="$repo/bin/qrepl"
  bench_password
}
# loopback_pair: a primary and a standby on loopback, and `$qrepl init` for them with a link on a free port: sets
# $pport, $tport, $link (ports), $cfgdir and $cfg (the config)
loopback_pair() {
  pport="$(freeport)"; tport="$(freeport)"; link="$(freeport)"
  start_primary "$pport"
  start_standby standby "$tport"
  cfgdir="$work/cfg"
  "$qrepl" init --primary "127.0.0.1:$pport" --standby "127.0.0.1:$tport" --user qrepl --password-file "$work/pw" \
    --data-dir "$cfgdir" --link "127.0.0.1:$link" >/dev/null
  cfg="$cfgdir/qreplicator.yaml"
}
# sink_start_stop QREPL CFG LINK LOG [VAR=value...]: starts `QREPL sink run -c CFG` with that environment, waits
# until its link listens on port LINK and it runs, and stops it cleanly: what writes an AppCDS archive (bin/qrepl's
# QREPL_CDS_ARCHIVE, written by an agent that runs, or -XX:ArchiveClassesAtExit in JAVA_OPTS)
sink_start_stop() {
  local q="$1" c="$2" l="$3" log="$4" p
  shift 4
  env "$@" "$q" sink run -c "$c" > "$log" 2>&1 & p=$!; pids+=($p)
  wait_listen "$l"
  for _ in $(seq 1 200); do grep -q "^.* running$" "$log" && break; sleep 0.05; done
  kill "$p"; wait "$p" 2>/dev/null || true
}
# cds_mapped PID FILE: "yes" if the running JVM PID has mapped the AppCDS archive FILE, else "no". What
# bin/qrepl offered is not enough: the JVM refuses an archive that does not match it, saying so only as a warning
cds_mapped() { if [ -n "$2" ] && grep -qF "$2" "/proc/$1/maps" 2>/dev/null; then echo yes; else echo no; fi; }
# bench_classpath MODULE: builds and prints the test classpath of MODULE (benchmark tools live in test code)
bench_classpath() {
  [ -n "${QREPL_BENCH_BUILT:-}" ] || (cd "$repo" && mvn -B -q -DskipTests install >/dev/null)
  (cd "$repo" && mvn -B -q -pl "$1" dependency:build-classpath -Dmdep.outputFile="$work/cp-$1.txt" >/dev/null)
  echo "$repo/$1/target/test-classes:$repo/$1/target/classes:$(cat "$work/cp-$1.txt")"
}

# core_bench_classpath DIR: compiles replicator-core's tests and sets $core_cp to run the benchmark
# programs among them (io.qreplicator.core.bench); DIR holds the class path's file meanwhile
core_bench_classpath() {
  (cd "$repo" && mvn -B -q -pl replicator-core test-compile dependency:build-classpath -Dmdep.outputFile="$1/.cp.txt" >/dev/null)
  core_cp="$repo/replicator-core/target/test-classes:$repo/replicator-core/target/classes:$(cat "$1/.cp.txt")"
  rm -f "$1/.cp.txt"
}

# core_bench [JVM_FLAG...] CLASS [ARG...]: runs io.qreplicator.core.bench.CLASS on $core_cp with the
# flags Chronicle Queue needs (as bin/qrepl gives them) and quiet logs; flags before CLASS start with -
core_bench() {
  local jvm=()
  while [ "${1#-}" != "$1" ]; do jvm+=("$1"); shift; done
  local class="$1"; shift
  java ${jvm[@]+"${jvm[@]}"} --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
    --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
    --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
    -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -DQREPL_LOG_LEVEL=WARN -cp "$core_cp" "io.qreplicator.core.bench.$class" "$@"
}

# source_keys CFG SECTION "KEY: VALUE[,KEY: VALUE]": gives the source in a config written by qrepl init
# the section SECTION: {KEYS} (beside its chunk-bytes); exits if the config has no place for it
source_keys() {
  sed -i -e "s|^\\( *\\)chunk-bytes: \\(.*\\)$|&\\n\\1$2: {$3}|" "$1"
  grep -q "^ *$2: {$3}" "$1" || { echo "could not set $2: {$3} in $1 (no chunk-bytes: line under sources)" >&2; exit 1; }
}
# link_zstd_level CFG N: every link in a config written by qrepl init compresses at zstd level N; exits if it did not land
link_zstd_level() {
  sed -i -e "s|zstd-level: [0-9]*|zstd-level: $2|" "$1"
  grep -q "zstd-level: $2\$" "$1" || { echo "zstd-level $2 did not land in $1" >&2; exit 1; }
}
# thin_link_up RATE: a network namespace behind a veth pair shaped by `tc tbf` to RATE each way (2mbit, ...),
# for the standby's side of a thin link. Sets $ns (the namespace), $vh (this side's veth), $hip (this side's
# address) and $nip (the namespace's), and nsx/nsql to run a command or SQL inside it. At exit, everything
# running in the namespace is killed, the pair and the namespace are removed, then bench_cleanup runs.
# Needs root (says so and exits without it); call it after bench_init.
thin_link_up() {
  local vn net
  [ "$(id -u)" = 0 ] || { echo "$(basename "$0") needs root for ip netns and tc" >&2; exit 1; }
  ns="qr$$"; vh="qr$$h"; vn="qr$$n"
  net="10.$((RANDOM % 20 + 200)).$((RANDOM % 200 + 20))"; hip="$net.1"; nip="$net.2"
  trap thin_link_down EXIT
  ip netns add "$ns"
  ip link add "$vh" type veth peer name "$vn"
  ip link set "$vn" netns "$ns"
  ip addr add "$hip/30" dev "$vh"; ip link set "$vh" up
  ip netns exec "$ns" ip addr add "$nip/30" dev "$vn"
  ip netns exec "$ns" ip link set "$vn" up
  ip netns exec "$ns" ip link set lo up
  tc qdisc add dev "$vh" root tbf rate "$1" burst 32kbit latency 400ms
  ip netns exec "$ns" tc qdisc add dev "$vn" root tbf rate "$1" burst 32kbit latency 400ms
  echo "== link: $hip (the primary's side) <-> $nip (namespace $ns: the standby's side), tbf $1 each way"
}
thin_link_down() {
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
  sleep 1
  ip link del "$vh" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  bench_cleanup
}
nsx() { ip netns exec "$ns" "$@"; }
nsql() { local port="$1"; shift; nsx mariadb --no-defaults -uroot -h127.0.0.1 -P"$port" -N -B -e "$*"; }
