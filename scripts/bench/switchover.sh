#!/usr/bin/env bash
# Switchover benchmark (issue 19), with the agents' defaults (TLS, zstd-stream); on loopback unless --link-rate
# or --rtt-ms puts the datacenters apart (below). A primary and a
# standby that both write a ROW binlog, the link and its reverse (links[].reverse-of) with their four agents,
# and the application: sysbench oltp_write_only at --rate tx/s as an account without admin privileges,
# retrying statements that fail (--mysql-ignore-errors=all: read-only errors), on the server a "VIP" file
# names. Moving the VIP (the post-switchover hook writes the new primary's address there) drops the
# application's connections; sysbench 1.0.20 cannot reconnect (it segfaults on a lost connection, with or
# without prepared statements), so a supervisor loop starts it again on the VIP's server, as an
# application's pod would be, and counts those restarts. Every --interval seconds `qrepl switchover`,
# alternating direction, --switchovers times. Then the load stops, the stream catches up, and every
# sysbench table is compared on both servers (CHECKSUM TABLE ... EXTENDED).
# --link-rate RATE (2mbit, ...; needs root) puts the standby's datacenter in a network namespace behind a veth
# pair shaped by `tc tbf` to RATE each way: the standby, its sink and the reverse link's source live there, both
# links and the command's own connections to the standby cross the shaped pair, and the application runs on the
# side of whichever server the VIP names (in the namespace once the standby is the primary), as an
# application's pods follow the primary to its datacenter. tbf shapes bandwidth only: there is no propagation
# delay (netem is not available here), so the round trip is the queue's.
# --rtt-ms N (loopback, no root) gives the datacenters a round trip of N ms instead: both links' sources reach
# their sinks through scripts/bench/wanproxy.py, which holds each chunk N/2 ms each way, and so does the command
# itself on its way to the standby's server: it runs beside the first primary, as an operator's shell in that
# datacenter would, so every other switchover finds it beside the new primary instead. The agents and the
# application reach their own datacenter's server directly (the application follows the VIP to it).
# Measured: each switchover's write pause (the old primary read-only to the new one writable, from its drill
# record) and its exit code; p50/p99; what the application saw (its restarts, its per-second error counts).
#
#   scripts/bench/switchover.sh [--switchovers 10] [--tables 4] [--table-size 10000] [--rate 500]
#                               [--interval 6] [--link-rate RATE | --rtt-ms N] [--out DIR] [--keep]
# Writes DIR/switchover.tsv and DIR/sysbench.log.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
switchovers=10 tables=4 table_size=10000 rate=500 interval=6 link_rate="" rtt_ms="" out="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --switchovers) switchovers="$2"; shift 2 ;;
    --tables) tables="$2"; shift 2 ;;
    --table-size) table_size="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --interval) interval="$2"; shift 2 ;;
    --link-rate) link_rate="$2"; shift 2 ;;
    --rtt-ms) rtt_ms="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -z "$link_rate" ] || [ -z "$rtt_ms" ] || { echo "--link-rate and --rtt-ms cannot be combined" >&2; exit 2; }
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init switchover
out="${out:-$work/out}"; mkdir -p "$out"
# the primary's datacenter is this host; the standby's is this host too, or the namespace behind the thin link,
# where `sside` runs a command (the standby's server, its sink, the reverse source, the application there)
paddr=127.0.0.1 saddr=127.0.0.1 sside=() pbind=() sbind=()
if [ -n "$link_rate" ]; then
  thin_link_up "$link_rate"
  paddr="$hip" saddr="$nip" sside=(ip netns exec "$ns") pbind=(--bind-address="127.0.0.1,$hip") sbind=(--bind-address="127.0.0.1,$nip")
fi
ssql() { "${sside[@]}" mariadb --no-defaults -uroot -h127.0.0.1 -P"$1" -N -B -e "$2"; } # SQL on the standby's side
echo "== building"
bench_qrepl
binlog=(--log-bin=mysql-bin --binlog-format=ROW --binlog-row-image=FULL --binlog-row-metadata=FULL)
pport="$(freeport)" tport="$(freeport)"
start_primary "$pport" "${pbind[@]}"
DB_NETNS="${ns:-}" start_db standby "$tport" 2 --read-only "${binlog[@]}" "${sbind[@]}"
ssql "$tport" "CREATE DATABASE sbtest; CREATE USER 'qrepl'@'%' IDENTIFIED BY '$pw'; GRANT ALL PRIVILEGES ON *.* TO 'qrepl'@'%'"
app_user="SET sql_log_bin=0; CREATE USER 'app'@'%' IDENTIFIED BY '$pw'; GRANT SELECT, INSERT, UPDATE, DELETE ON sbtest.* TO 'app'@'%'"
sql "$pport" "$app_user"; ssql "$tport" "$app_user"
sysbench_cmd oltp_write_only "$pport"
"${sb[@]}" prepare >/dev/null
start_gtid="$(sql "$pport" "SELECT @@gtid_binlog_pos")"
mariadb-dump --no-defaults -uroot -h127.0.0.1 -P"$pport" --single-transaction --skip-dump-date sbtest \
  | "${sside[@]}" mariadb --no-defaults -uroot -h127.0.0.1 -P"$tport" sbtest

cfgdir="$work/qrepl"
"$qrepl" init --primary "$paddr:$pport" --standby "$saddr:$tport" --user qrepl --password-file "$work/pw" \
  --data-dir "$cfgdir" --link "$saddr:$(freeport)" >/dev/null
cfg="$cfgdir/qreplicator.yaml"
"$qrepl" certs create --dir "$cfgdir/back-tls" --source shard0-back-source --sink shard0-back-sink >/dev/null
echo "$paddr:$pport" > "$work/vip-target"
cat > "$work/move-vip.sh" <<EOF
#!/bin/sh
echo "\$QREPL_NEW_PRIMARY_ADDRESS" > "$work/vip-target"
kill "\$(cat "$work/app.pid")" 2>/dev/null || true
EOF
chmod +x "$work/move-vip.sh"
python3 - "$cfg" "$cfgdir" "$paddr:$(freeport)" "$start_gtid" "$work/move-vip.sh" <<'EOF'
import sys
cfg, d, address, gtid, hook = sys.argv[1:]
s = open(cfg).read()
s = s.replace("start-position: current", "start-position: gtid:" + gtid)
s = s.replace("\nsinks:", "\n  - name: shard0-back-source\n    node: standby\n    data-dir: %s/back-source\n\nsinks:" % d)
s = s.replace("\nlinks:", "\n  - name: shard0-back-sink\n    node: primary\n    data-dir: %s/back-sink\n\nlinks:" % d)
s = s.replace("  - source: shard0-source\n", "  - name: shard0\n    source: shard0-source\n")
t = d + "/back-tls/"
s += ("\n  - name: shard0-back\n    reverse-of: shard0\n    source: shard0-back-source\n    sink: shard0-back-sink\n"
      "    address: %s\n    tls: {ca: %sca.pem, source-cert: %sshard0-back-source.pem, source-key: %sshard0-back-source-key.pem,"
      " sink-cert: %sshard0-back-sink.pem, sink-key: %sshard0-back-sink-key.pem}\n    token-file: %slink.token\n"
      "\nhooks:\n  post-switchover: %s\n") % (address, t, t, t, t, t, t, hook)
open(cfg, "w").write(s)
EOF
"$qrepl" config check -c "$cfg" >/dev/null
cli_cfg="$cfg" # the command's view of the servers: with --rtt-ms, the standby's is across a proxy
if [ -n "$rtt_ms" ]; then
  cli_port="$(freeport)" cli_cfg="$cfgdir/operator.yaml"
  # each link's sink listens where its address said; its source connects to a proxy in front of it.
  # Prints "PROXY_PORT TARGET_PORT" per proxy: the two links', then the command's way to the standby
  proxies="$(python3 - "$cfg" "$cli_cfg" "$tport" "$cli_port" <<'PY'
import re, socket, sys
cfg, cli, tport, cli_port = sys.argv[1:]
s = open(cfg).read()
taken = set(re.findall(r"\d+", s))  # the servers' and links' ports: a freed port may be handed out again
def freeport():
    while True:
        so = socket.socket(); so.bind(("127.0.0.1", 0)); p = so.getsockname()[1]; so.close()
        if str(p) not in taken and str(p) != cli_port:
            taken.add(str(p)); return p
out = []
def via_proxy(m):
    p = freeport(); out.append("%d %s" % (p, m.group(2)))
    return "%saddress: 127.0.0.1:%d\n%slisten: 127.0.0.1:%s" % (m.group(1), p, m.group(1), m.group(2))
s, n = re.subn(r"(?m)^( +)address: 127\.0\.0\.1:(\d+)", via_proxy, s)
assert n == 2, "expected two links' addresses, found %d" % n
open(cfg, "w").write(s)
c, n = re.subn(r"(?m)^(    port: )%s$" % tport, r"\g<1>%s" % cli_port, s)
assert n == 1, "expected the standby's port once, found %d" % n
open(cli, "w").write(c)
out.append("%s %s" % (cli_port, tport))
print("\n".join(out))
PY
)"
  while read -r from to; do
    python3 "$repo/scripts/bench/wanproxy.py" "$from" 127.0.0.1 "$to" "$work/proxy-$from.counts" "$(python3 -c "print($rtt_ms / 2)")" &
    pids+=($!)
  done <<< "$proxies"
  "$qrepl" config check -c "$cfg" >/dev/null; "$qrepl" config check -c "$cli_cfg" >/dev/null
  # the hook is told the command's address of the new primary; the application reaches that server directly
  cat > "$work/move-vip.sh" <<EOF
#!/bin/sh
echo "\$QREPL_NEW_PRIMARY_ADDRESS" | sed 's/:$cli_port\$/:$tport/' > "$work/vip-target"
kill "\$(cat "$work/app.pid")" 2>/dev/null || true
EOF
  echo "== round trip between the datacenters: $rtt_ms ms (both links, and the command's connections to the standby)"
fi
for agent in "source shard0-source" "sink shard0-sink" "source shard0-back-source" "sink shard0-back-sink"; do
  set -- $agent
  side=() # the standby's agents run on its side
  case "$2" in shard0-sink|shard0-back-source) side=("${sside[@]}") ;; esac
  "${side[@]}" "$qrepl" "$1" run -c "$cfg" --name "$2" > "$cfgdir/$2.log" 2>&1 & pids+=($!)
done
st="$cfgdir/source/status.properties"
for _ in $(seq 1 600); do [ "$(prop "$st" link.connected)" = true ] && break; nap 0.1; done
nap 3
echo "== sysbench oltp_write_only at $rate tx/s on the VIP's server; $switchovers switchovers every $interval s"
application() { # sysbench on the VIP's server, from its side, started again whenever it ends, until $work/app-stop exists
  local vip side
  while [ ! -f "$work/app-stop" ]; do
    vip="$(cat "$work/vip-target")"; side=()
    [ "${vip%:*}" = "$saddr" ] && [ "$saddr" != "$paddr" ] && side=("${sside[@]}")
    "${side[@]}" sysbench oltp_write_only --db-driver=mysql --mysql-host="${vip%:*}" --mysql-port="${vip##*:}" \
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
  "$qrepl" switchover -c "$cli_cfg" --json > "$out/switchover-$n.json" 2> "$out/switchover-$n.err" || rc=$?
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
  b="$(ssql "$tport" "CHECKSUM TABLE $(seq -s, -f 'sbtest.sbtest%g' 1 "$tables") EXTENDED" | cut -f2 | tr '\n' ' ')"
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
