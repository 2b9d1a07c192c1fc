#!/usr/bin/env bash
# Failover benchmark (issue 19), on loopback with the agents' defaults (TLS, zstd-stream). Each repeat
# starts a fresh primary and standby, loads sysbench (--tables x --table-size), runs the agents and
# sysbench oltp_write_only at --rate tx/s, then kill -9 of the primary's mariadbd while it writes, and
# `qrepl failover` at once:
#  caught-up: the stream keeps up until the kill;
#  backlog:   a reader holds FLUSH TABLES WITH READ LOCK on the standby for --backlog-seconds before
#             the kill, so the sink has received but not applied that many seconds of writes; the lock
#             goes just before the command.
# Measured: time from the command to a writable standby (from its drill record), from the kill to
# writable, and the loss: the old primary is started again and `qrepl failover report` lists what it
# committed that the standby lacks; that must equal the difference of the two GTID positions.
#
#   scripts/bench/failover.sh [--repeats 3] [--tables 4] [--table-size 10000] [--rate 500]
#                             [--seconds 20] [--backlog-seconds 15] [--out DIR] [--keep]
# Writes DIR/failover.tsv.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
repeats=3 tables=4 table_size=10000 rate=500 seconds=20 backlog_seconds=15 out="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --repeats) repeats="$2"; shift 2 ;;
    --tables) tables="$2"; shift 2 ;;
    --table-size) table_size="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --backlog-seconds) backlog_seconds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init failover
out="${out:-$work/out}"; mkdir -p "$out"
echo "== building"
bench_qrepl
printf 'scenario\trepeat\tcommand_to_writable_ms\tkill_to_writable_ms\tunapplied_at_kill\tlost_listed\theartbeats_listed\tlost_by_gtid\tequal\n' > "$out/failover.tsv"

one() { # one SCENARIO REPEAT
  local scenario="$1" n="$2" pport tport cfgdir cfg sbp lockp t_kill t_cmd wr rec standby_gtid old_gtid listed hb by_gtid unapplied
  pport="$(freeport)" tport="$(freeport)"
  start_primary "$pport"
  start_standby standby "$tport"
  sysbench_cmd oltp_write_only "$pport"
  "${sb[@]}" prepare >/dev/null
  local start_gtid; start_gtid="$(sql "$pport" "SELECT @@gtid_binlog_pos")"
  mariadb-dump --no-defaults -uroot -h127.0.0.1 -P"$pport" --single-transaction --skip-dump-date sbtest \
    | mariadb --no-defaults -uroot -h127.0.0.1 -P"$tport" sbtest
  cfgdir="$work/qrepl-$scenario-$n"
  "$qrepl" init --primary "127.0.0.1:$pport" --standby "127.0.0.1:$tport" --user qrepl --password-file "$work/pw" \
    --data-dir "$cfgdir" --link "127.0.0.1:$(freeport)" >/dev/null
  cfg="$cfgdir/qreplicator.yaml"
  sed -i -e "s|start-position: current|start-position: gtid:$start_gtid|" "$cfg"
  "$qrepl" sink run -c "$cfg" > "$cfgdir/sink.log" 2>&1 & pids+=($!)
  "$qrepl" source run -c "$cfg" > "$cfgdir/source.log" 2>&1 & pids+=($!)
  local st="$cfgdir/source/status.properties" sk="$cfgdir/sink/status.properties"
  for _ in $(seq 1 600); do [ "$(prop "$st" link.connected)" = true ] && break; nap 0.1; done
  "${sb[@]}" --threads=4 --rate="$rate" --time=$((seconds * 3)) --report-interval=0 run > "$cfgdir/sysbench.log" 2>&1 & sbp=$!
  if [ "$scenario" = backlog ]; then
    nap $((seconds - backlog_seconds))
    # a reader holding a global read lock: the sink keeps receiving, cannot apply
    mariadb --no-defaults -uroot -h127.0.0.1 -P"$tport" -e "FLUSH TABLES WITH READ LOCK; SELECT SLEEP($backlog_seconds + 30)" >/dev/null 2>&1 & lockp=$!
    nap "$backlog_seconds"
  else
    nap "$seconds"
  fi
  unapplied=$(( $(prop "$sk" link.received.seq) - $(prop "$sk" sink.applied.seq) ))
  kill -9 "$(cat "$work/primary/m.pid")"; t_kill="$(date +%s%N)"
  if [ "$scenario" = backlog ]; then # the lock goes at once: its session is killed on the server
    sql "$tport" "SELECT CONCAT('KILL CONNECTION ', id, ';') FROM information_schema.PROCESSLIST WHERE info LIKE 'SELECT SLEEP%'" \
      | while read -r k; do sql "$tport" "$k" || true; done
    wait "$lockp" 2>/dev/null || true
  fi
  t_cmd="$(date +%s%N)"
  "$qrepl" failover -c "$cfg" --timeout 300s > "$cfgdir/failover.out" 2>&1 || { echo "qrepl failover failed:" >&2; cat "$cfgdir/failover.out" >&2; exit 1; }
  wait "$sbp" 2>/dev/null || true
  rec="$(ls "$cfgdir"/sink/drills/failover-*.json | tail -1)"
  wr="$(python3 -c "import json,sys; print(json.load(open('$rec'))['write-unavailable-ms-from-command'])")"
  standby_gtid="$(python3 -c "import json; print(json.load(open('$rec'))['applied-gtid'])")"
  # the old primary comes back
  rm -f "$work/primary/m.pid"
  "$mariadbd" --no-defaults --user="$(id -un)" --datadir="$work/primary/data" --socket="$work/primary/s.sock" \
    --pid-file="$work/primary/m.pid" --log-error="$work/primary/err.log" --port="$pport" --bind-address=127.0.0.1 \
    --server-id=1 --skip-name-resolve --log-bin=mysql-bin --binlog-format=ROW --binlog-row-image=FULL \
    --binlog-row-metadata=FULL --read-only >/dev/null 2>&1 &
  for _ in $(seq 1 150); do sql "$pport" "SELECT 1" >/dev/null 2>&1 && break; nap 0.2; done
  old_gtid="$(sql "$pport" "SELECT @@gtid_binlog_pos")"
  "$qrepl" failover report -c "$cfg" --old-primary "127.0.0.1:$pport" --json > "$cfgdir/report.json" 2>"$cfgdir/report.err" || true
  listed="$(python3 -c "import json; print(json.load(open('$cfgdir/report.json'))['lost-transactions'])")"
  hb="$(python3 -c "import json; print(json.load(open('$cfgdir/report.json'))['lost-heartbeats'])")"
  by_gtid="$(python3 -c "
a = {d: int(s) for d, _, s in (g.split('-') for g in '$standby_gtid'.split(',') if g)}
b = {d: int(s) for d, _, s in (g.split('-') for g in '$old_gtid'.split(',') if g)}
print(sum(max(0, s - a.get(d, 0)) for d, s in b.items()))")"
  local equal=no; [ $((listed + hb)) -eq "$by_gtid" ] && equal=yes
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$n" "$wr" $(( (t_cmd - t_kill) / 1000000 + wr )) "$unapplied" \
    "$listed" "$hb" "$by_gtid" "$equal" | tee -a "$out/failover.tsv"
  # everything of this repeat goes
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  pids=()
  stop_db primary; stop_db standby
}

for scenario in caught-up backlog; do
  for n in $(seq 1 "$repeats"); do
    echo "== $scenario, repeat $n"
    one "$scenario" "$n"
  done
done
echo
column -t -s$'\t' "$out/failover.tsv"
