#!/usr/bin/env bash
# Provisioning over a thin link (issue 18): the standby and its sink agent live in their own network
# namespace behind a veth pair shaped by `tc tbf` (default 2 Mbit/s each way). sysbench's tables
# replicate live while sysbench oltp_write_only writes to them at --rate tx/s; meanwhile
# `qrepl provision --tables sbtest.big` copies a table the standby never had (--big-rows rows, written
# on the primary with sql_log_bin=0, random digits in sysbench's format, so that they compress no better
# than sysbench's own rows). Measured, once a second during the copy: the live stream's lag,
# as the age of the source's heartbeat row on the standby (written every second on the primary; same
# host, same clock); and the copy's rows/s over the link. Goal (issue 18): the lag under 5 s at
# 500 tx/s over 2 Mbit/s.
#
#   scripts/bench/provision-thinlink.sh [--rate 500] [--big-rows 200000] [--link-rate 2mbit] [--parallel 1] [--chunk-rows N]
#                                       [--out DIR] [--keep]
# --chunk-rows N sets the source's provision.chunk-rows (default: the config's default).
# --parallel N splits the rows over N tables (sbtest.big, sbtest.big_2, ...) copied at once
# (qrepl provision --parallel N).
# Writes DIR/provision-thinlink.tsv and DIR/lag-during-copy.csv (with --keep, also both agents' status
# files at each sample in DIR/status, and the work dir). Needs root (ip netns, tc); removes
# what it creates at exit.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
rate=500 big_rows=200000 link_rate=2mbit parallel=1 chunk_rows="" out="" keep=0 tables=4 table_size=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --big-rows) big_rows="$2"; shift 2 ;;
    --link-rate) link_rate="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --chunk-rows) chunk_rows="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init provision-thinlink
out="${out:-$work/out}"; mkdir -p "$out"
thin_link_up "$link_rate"
bench_qrepl
printf 'measure\tvalue\tunit\tcommand\n' > "$out/provision-thinlink.tsv"
row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" | tee -a "$out/provision-thinlink.tsv"; }

pport="$(freeport)" tport="$(freeport)" lport="$(freeport)"
start_primary "$pport" --bind-address="127.0.0.1,$hip" --max-connections=500
DB_NETNS="$ns" start_db standby "$tport" 2 --read-only
nsql "$tport" "CREATE DATABASE sbtest; CREATE USER 'qrepl'@'%' IDENTIFIED BY '$pw'; GRANT ALL PRIVILEGES ON *.* TO 'qrepl'@'%'"
sysbench_cmd oltp_write_only "$pport"
"${sb[@]}" prepare >/dev/null
# N groups of 11 random digits, as sysbench fills its c and pad columns
digits() { local g=() i; for ((i = 0; i < $1; i++)); do g+=("LPAD(FLOOR(RAND() * 1e11), 11, '0')"); done; (IFS=,; echo "${g[*]}"); }
big_tables=() ignore=()
for ((i = 1; i <= parallel; i++)); do
  t=big; [ "$i" = 1 ] || t="big_$i"
  big_tables+=("sbtest.$t"); ignore+=("--ignore-table=sbtest.$t")
  sql "$pport" "SET sql_log_bin = 0; USE sbtest; CREATE TABLE sbtest.$t (id INT PRIMARY KEY, k INT, c CHAR(120), pad CHAR(60));
    INSERT INTO sbtest.$t SELECT seq, seq % 1000, CONCAT_WS('-', $(digits 10)), CONCAT_WS('-', $(digits 5)) FROM seq_1_to_$((big_rows / parallel))"
done
big_list="$(IFS=,; echo "${big_tables[*]}")"
start_gtid="$(sql "$pport" "SELECT @@gtid_binlog_pos")"
mariadb-dump --no-defaults -uroot -h127.0.0.1 -P"$pport" --single-transaction --skip-dump-date sbtest \
  "${ignore[@]}" | nsx mariadb --no-defaults -uroot -h127.0.0.1 -P"$tport" sbtest
cfgdir="$work/qrepl"
"$qrepl" init --primary "127.0.0.1:$pport" --standby "127.0.0.1:$tport" --user qrepl --password-file "$work/pw" \
  --data-dir "$cfgdir" --link "$nip:$lport" >/dev/null
cfg="$cfgdir/qreplicator.yaml"
sed -i -e "s|start-position: current|start-position: gtid:$start_gtid|" "$cfg"
[ -z "$chunk_rows" ] || source_keys "$cfg" provision "chunk-rows: $chunk_rows"
nsx "$qrepl" sink run -c "$cfg" > "$cfgdir/sink.log" 2>&1 & pids+=($!)
"$qrepl" source run -c "$cfg" > "$cfgdir/source.log" 2>&1 & pids+=($!)
st="$cfgdir/source/status.properties" sk="$cfgdir/sink/status.properties"
for _ in $(seq 1 600); do [ "$(prop "$st" link.connected)" = true ] && break; nap 0.1; done
heartbeat_age() { nsql "$tport" "SELECT ROUND(TIMESTAMPDIFF(MICROSECOND, ts, UTC_TIMESTAMP(6)) / 1e6, 2) FROM qreplicator.heartbeat" 2>/dev/null || echo ""; }
for _ in $(seq 1 600); do a="$(heartbeat_age)"; [ -n "$a" ] && python3 -c "import sys; sys.exit(0 if $a < 3 else 1)" && break; nap 0.2; done

echo "== sysbench oltp_write_only at $rate tx/s; after 20 s, qrepl provision --tables $big_list --parallel $parallel ($big_rows rows)"
"${sb[@]}" --threads=8 --rate="$rate" --time=3600 --report-interval=0 run > "$work/sysbench.log" 2>&1 & sbp=$!
nap 20
t0="$(date +%s.%N)"
"$qrepl" provision -c "$cfg" --tables "$big_list" --parallel "$parallel" --run thin > "$work/provision.out" 2> "$work/provision.err" & pp=$!
echo "seconds,lag_s" > "$out/lag-during-copy.csv"; n=0
while kill -0 "$pp" 2>/dev/null; do
  case "$(prop "$sk" sink.provision)" in "ended thin:"*) break ;; esac
  printf '%s,%s\n' "$(python3 -c "print(round($(date +%s.%N) - $t0, 1))")" "$(heartbeat_age)" >> "$out/lag-during-copy.csv"
  [ "$keep" = 0 ] || { mkdir -p "$out/status"; n=$((n + 1)); cp "$st" "$out/status/source-$n"; cp "$sk" "$out/status/sink-$n"; }
  nap 1
done
t1="$(date +%s.%N)"
wait "$pp" || { echo "qrepl provision failed:" >&2; cat "$work/provision.out" "$work/provision.err" >&2; exit 1; }
kill "$sbp" 2>/dev/null || true; wait "$sbp" 2>/dev/null || true
copy_s="$(python3 -c "print(round($t1 - $t0, 1))")"
read -r p50 p99 mx n <<< "$(python3 - "$out/lag-during-copy.csv" <<'EOF'
import csv, sys
v = sorted(float(r["lag_s"]) for r in csv.DictReader(open(sys.argv[1])) if r["lag_s"])
q = lambda p: v[min(len(v) - 1, int(p * len(v)))]
print(q(0.5), q(0.99), v[-1], len(v))
EOF
)"
row "copy time over the link" "$copy_s" "s" "qrepl provision --tables $big_list --parallel $parallel ($big_rows rows) while sysbench writes at $rate tx/s"
row "copy rate over the link" "$(python3 -c "print(round($big_rows / $copy_s))")" "rows/s" "tbf $link_rate each way"
row "live lag during the copy, p50" "$p50" "s" "heartbeat age on the standby, sampled each second ($n samples)"
row "live lag during the copy, p99" "$p99" "s" "(goal: under 5 s)"
row "live lag during the copy, max" "$mx" "s" ""
tail -n 4 "$work/provision.out"
echo
column -t -s$'\t' "$out/provision-thinlink.tsv"
