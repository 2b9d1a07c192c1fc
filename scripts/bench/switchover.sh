#!/usr/bin/env bash
# Switchover benchmark (issue 19), on loopback with the agents' defaults (TLS, zstd-stream). A primary and a
# standby that both write a ROW binlog, the link and its reverse (links[].reverse-of) with their four agents,
# and the application: sysbench oltp_write_only at --rate tx/s as an account without admin privileges,
# retrying statements that fail (--mysql-ignore-errors=all: read-only errors), on the server a "VIP" file
# names. Moving the VIP (the post-switchover hook writes the new primary's port there) drops the
# application's connections; sysbench 1.0.20 cannot reconnect (it segfaults on a lost connection, with or
# without prepared statements), so a supervisor loop starts it again on the VIP's server, as an
# application's pod would be, and counts those restarts. Every --interval seconds `qrepl switchover`,
# alternating direction, --switchovers times. Then the load stops, the stream catches up, and every
# sysbench table is compared on both servers (CHECKSUM TABLE ... EXTENDED).
# Measured: each switchover's write pause (the old primary read-only to the new one writable, from its drill
# record) and its exit code; p50/p99; what the application saw (its restarts, its per-second error counts).
#
#   scripts/bench/switchover.sh [--switchovers 10] [--tables 4] [--table-size 10000] [--rate 500]
#                               [--interval 6] [--out DIR] [--keep]
# Writes DIR/switchover.tsv and DIR/sysbench.log.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
switchovers=10 tables=4 table_size=10000 rate=500 interval=6 out="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --switchovers) switchovers="$2"; shift 2 ;;
    --tables) tables="$2"; shift 2 ;;
    --table-size) table_size="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --interval) interval="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init switchover
out="${out:-$work/out}"; mkdir -p "$out"
echo "== building"
bench_qrepl
binlog=(--log-bin=mysql-bin --binlog-format=ROW --binlog-row-image=FULL --binlog-row-metadata=FULL)
pport="$(freeport)" tport="$(freeport)"
start_primary "$pport"
start_standby standby "$tport" "${binlog[@]}"
for port in "$pport" "$tport"; do
  sql "$port" "SET sql_log_bin=0; CREATE USER 'app'@'%' IDENTIFIED BY '$pw'; GRANT SELECT, INSERT, UPDATE, DELETE ON sbtest.* TO 'app'@'%'"
done
sysbench_cmd oltp_write_only "$pport"
"${sb[@]}" prepare >/dev/null
start_gtid="$(sql "$pport" "SELECT @@gtid_binlog_pos")"
mariadb-dump --no-defaults -uroot -h127.0.0.1 -P"$pport" --single-transaction --skip-dump-date sbtest \
  | mariadb --no-defaults -uroot -h127.0.0.1 -P"$tport" sbtest

cfgdir="$work/qrepl"
"$qrepl" init --primary "127.0.0.1:$pport" --standby "127.0.0.1:$tport" --user qrepl --password-file "$work/pw" \
  --data-dir "$cfgdir" --link "127.0.0.1:$(freeport)" >/dev/null
cfg="$cfgdir/qreplicator.yaml"
"$qrepl" certs create --dir "$cfgdir/back-tls" --source shard0-back-source --sink shard0-back-sink >/dev/null
echo "$pport" > "$work/vip-target"
cat > "$work/move-vip.sh" <<EOF
#!/bin/sh
echo "\${QREPL_NEW_PRIMARY_ADDRESS##*:}" > "$work/vip-target"
kill "\$(cat "$work/app.pid")" 2>/dev/null || true
EOF
chmod +x "$work/move-vip.sh"
python3 - "$cfg" "$cfgdir" "$(freeport)" "$start_gtid" "$work/move-vip.sh" <<'EOF'
import sys
cfg, d, port, gtid, hook = sys.argv[1:]
s = open(cfg).read()
s = s.replace("start-position: current", "start-position: gtid:" + gtid)
s = s.replace("\nsinks:", "\n  - name: shard0-back-source\n    node: standby\n    data-dir: %s/back-source\n\nsinks:" % d)
s = s.replace("\nlinks:", "\n  - name: shard0-back-sink\n    node: primary\n    data-dir: %s/back-sink\n\nlinks:" % d)
s = s.replace("  - source: shard0-source\n", "  - name: shard0\n    source: shard0-source\n")
t = d + "/back-tls/"
s += ("\n  - name: shard0-back\n    reverse-of: shard0\n    source: shard0-back-source\n    sink: shard0-back-sink\n"
      "    address: 127.0.0.1:%s\n    tls: {ca: %sca.pem, source-cert: %sshard0-back-source.pem, source-key: %sshard0-back-source-key.pem,"
      " sink-cert: %sshard0-back-sink.pem, sink-key: %sshard0-back-sink-key.pem}\n    token-file: %slink.token\n"
      "\nhooks:\n  post-switchover: %s\n") % (port, t, t, t, t, t, t, hook)
open(cfg, "w").write(s)
EOF
"$qrepl" config check -c "$cfg" >/dev/null
for agent in "source shard0-source" "sink shard0-sink" "source shard0-back-source" "sink shard0-back-sink"; do
  set -- $agent
  "$qrepl" "$1" run -c "$cfg" --name "$2" > "$cfgdir/$2.log" 2>&1 & pids+=($!)
done
st="$cfgdir/source/status.properties"
for _ in $(seq 1 600); do [ "$(prop "$st" link.connected)" = true ] && break; nap 0.1; done
nap 3
echo "== sysbench oltp_write_only at $rate tx/s on the VIP's server; $switchovers switchovers every $interval s"
application() { # sysbench on the VIP's server, started again whenever it ends, until $work/app-stop exists
  while [ ! -f "$work/app-stop" ]; do
    sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$(cat "$work/vip-target")" \
      --mysql-user=app --mysql-password="$pw" --mysql-db=sbtest --tables="$tables" --table-size="$table_size" \
      --mysql-ignore-errors=all --threads=4 --rate="$rate" --time=0 --report-interval=1 run >> "$out/sysbench.log" 2>&1 &
    echo $! > "$work/app.pid"
    wait $! 2>/dev/null || true
    [ -f "$work/app-stop" ] || echo "restart $(date +%s.%N)" >> "$out/app-restarts"
  done
}
application & app_loop=$!; pids+=($app_loop)
printf 'n\tnew_primary\texit\twrite_pause_ms\tstandby_apply_ms\toutcome\n' > "$out/switchover.tsv"
for n in $(seq 1 "$switchovers"); do
  nap "$interval"
  rc=0
  "$qrepl" switchover -c "$cfg" --json > "$out/switchover-$n.json" 2> "$out/switchover-$n.err" || rc=$?
  python3 - "$out/switchover-$n.json" "$n" "$rc" >> "$out/switchover.tsv" <<'EOF'
import json, sys
f, n, rc = sys.argv[1:]
try:
    r = json.load(open(f))
except ValueError:
    print("%s\t?\t%s\t\t\tno record" % (n, rc)); sys.exit()
apply_ms = next((s["ms"] for s in r["steps"] if s["step"] == "the standby applies up to it"), "")
print("%s\t%s\t%s\t%s\t%s\t%s" % (n, r.get("new-primary", "?").split()[0], rc, r.get("write-pause-ms", ""), apply_ms,
                                  r.get("rolled-back-because", "switched")))
EOF
  tail -1 "$out/switchover.tsv"
done
nap "$interval"
touch "$work/app-stop"; kill "$(cat "$work/app.pid")" 2>/dev/null || true; wait "$app_loop" 2>/dev/null || true
echo "== the stream catches up; every table compared on both servers"
equal=no
for _ in $(seq 1 120); do
  a="$(sql "$pport" "CHECKSUM TABLE $(seq -s, -f 'sbtest.sbtest%g' 1 "$tables") EXTENDED" | cut -f2 | tr '\n' ' ')"
  b="$(sql "$tport" "CHECKSUM TABLE $(seq -s, -f 'sbtest.sbtest%g' 1 "$tables") EXTENDED" | cut -f2 | tr '\n' ' ')"
  if [ "$a" = "$b" ]; then equal=yes; break; fi
  nap 1
done
echo
column -t -s$'\t' "$out/switchover.tsv"
python3 - "$out/switchover.tsv" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
p = sorted(int(r[3]) for r in rows if r[2] == "0" and r[3])
if p:
    def q(x): return p[min(len(p) - 1, int(round(x * (len(p) - 1))))]
    print("write pause over %d switchovers: p50 %d ms, p99 %d ms, max %d ms" % (len(p), q(0.5), q(0.99), p[-1]))
print("exit codes:", " ".join(r[2] for r in rows))
EOF
python3 - "$out/sysbench.log" "$out/app-restarts" <<'EOF'
import re, sys, os
tx = err = 0.0
for l in open(sys.argv[1]):
    m = re.search(r"tps: ([0-9.]+) .* err/s: ([0-9.]+)", l)
    if m:
        tx += float(m.group(1)); err += float(m.group(2))
restarts = sum(1 for _ in open(sys.argv[2])) if os.path.exists(sys.argv[2]) else 0
print("application: about %d transactions committed, %d statements failed and retried (read-only), %d restarts"
      " after a dropped or killed connection" % (tx, err, restarts))
EOF
echo "every table equal on both servers after the last switchover: $equal (CHECKSUM TABLE ... EXTENDED, $tables tables)"
[ "$equal" = yes ]
