#!/usr/bin/env bash
# Verify benchmark (issue 18), on loopback with the agents' defaults (TLS, zstd-stream):
#  1. rows verified per second and link bytes per verified row: `qrepl verify` over sysbench's
#     tables (--tables x --table-size rows) with no other writes, no rate limit;
#  2. the primary's p99 query latency under a steady sysbench oltp_read_write (--rate tx/s, 4 threads)
#     for --seconds, once without and once with `qrepl verify` running in a loop at its default rate;
#  3. false positives: `qrepl verify` while sysbench oltp_write_only writes at full rate (8 threads):
#     every run must find every table equal.
#
#   scripts/bench/verify.sh [--tables 4] [--table-size 250000] [--rate 200] [--seconds 60] [--chunk-rows N]
#                           [--out DIR] [--keep]
# --chunk-rows sets the source's verify.chunk-rows (default: the config's default, 5000 since 2026-12-04).
# Writes DIR/verify.tsv.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
tables=4 table_size=250000 rate=200 seconds=60 chunk_rows="" out="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tables) tables="$2"; shift 2 ;;
    --table-size) table_size="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --chunk-rows) chunk_rows="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init verify
out="${out:-$work/out}"; mkdir -p "$out"
echo "== building"
bench_qrepl
printf 'measure\tvalue\tunit\tcommand\n' > "$out/verify.tsv"
row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" | tee -a "$out/verify.tsv"; }

pport="$(freeport)" tport="$(freeport)"
start_primary "$pport"
start_standby standby "$tport"
sysbench_cmd oltp_read_write "$pport"
echo "== prepare ${tables} x ${table_size} rows"
"${sb[@]}" prepare >/dev/null
start_gtid="$(sql "$pport" "SELECT @@gtid_binlog_pos")"
mariadb-dump --no-defaults -uroot -h127.0.0.1 -P"$pport" --single-transaction --skip-dump-date sbtest \
  | mariadb --no-defaults -uroot -h127.0.0.1 -P"$tport" sbtest
cfgdir="$work/qrepl"
"$qrepl" init --primary "127.0.0.1:$pport" --standby "127.0.0.1:$tport" --user qrepl --password-file "$work/pw" \
  --data-dir "$cfgdir" --link "127.0.0.1:$(freeport)" >/dev/null
cfg="$cfgdir/qreplicator.yaml"
sed -i -e "s|start-position: current|start-position: gtid:$start_gtid|" "$cfg"
[ -z "$chunk_rows" ] || source_keys "$cfg" verify "chunk-rows: $chunk_rows"
"$qrepl" sink run -c "$cfg" > "$cfgdir/sink.log" 2>&1 & pids+=($!)
"$qrepl" source run -c "$cfg" > "$cfgdir/source.log" 2>&1 & pids+=($!)
st="$cfgdir/source/status.properties"
for _ in $(seq 1 600); do [ -n "$(prop "$st" link.acked.seq)" ] && [ "$(prop "$st" link.acked.seq)" != 0 ] && break; nap 0.1; done
wire() { echo $(( $(prop "$st" link.wire-bytes-out) + $(prop "$st" link.wire-bytes-in) )); }

echo "== 1. verify ${tables} x ${table_size} rows, no other writes, no rate limit"
# heartbeats (1/s) cross the link meanwhile: measured alone first, over the same time, and taken off
w0="$(wire)"; t0="$(date +%s.%N)"
"$qrepl" verify -c "$cfg" --tables 'sbtest.*' --max-rate 1000000000 > "$work/verify1.out" 2>"$work/verify1.err" || {
  echo "verify found differences or failed:" >&2; cat "$work/verify1.out" "$work/verify1.err" >&2; exit 1; }
t1="$(date +%s.%N)"; w1="$(wire)"
elapsed="$(python3 -c "print(round($t1 - $t0, 2))")"
nap "$elapsed"; w2="$(wire)"
rows=$((tables * table_size))
row "rows verified per second" "$(python3 -c "print(round($rows / $elapsed))")" "rows/s" "qrepl verify --tables 'sbtest.*' ($rows rows, ${elapsed}s)"
row "link bytes per verified row" "$(python3 -c "print(round(max(0, ($w1 - $w0) - ($w2 - $w1)) / $rows, 3))")" "bytes/row" \
  "wire bytes (both ways, TLS included) during verify minus heartbeats' over as long"
cat "$work/verify1.out"

latency() { # latency LABEL: p99 of sysbench oltp_read_write at $rate tx/s
  "${sb[@]}" --threads=4 --time="$seconds" --rate="$rate" --percentile=99 --report-interval=0 run > "$work/sb-$1.log" 2>&1
  awk '/99th percentile:/ {print $3}' "$work/sb-$1.log"
}
echo "== 2. primary p99 under sysbench oltp_read_write at $rate tx/s, ${seconds}s, without and with verify"
p99_without="$(latency without)"
row "primary p99 without verify" "$p99_without" "ms" "sysbench oltp_read_write --threads=4 --rate=$rate --time=$seconds"
( while :; do "$qrepl" verify -c "$cfg" --tables 'sbtest.*' > /dev/null 2>&1 || true; done ) & loop=$!
p99_with="$(latency with)"
kill "$loop"; wait "$loop" 2>/dev/null || true
row "primary p99 with verify running" "$p99_with" "ms" "same, with qrepl verify in a loop (default max-rate 100,000 rows/s)"

echo "== 3. false positives: verify while sysbench oltp_write_only writes at full rate"
sysbench_cmd oltp_write_only "$pport"
"${sb[@]}" --threads=8 --time=$((seconds * 3)) --report-interval=0 run > "$work/sb-full.log" 2>&1 & sbp=$!
runs=0 differing=0
while kill -0 "$sbp" 2>/dev/null; do
  rc=0; "$qrepl" verify -c "$cfg" --tables 'sbtest.*' --chunks-only > "$work/verify3.out" 2>&1 || rc=$?
  kill -0 "$sbp" 2>/dev/null || [ "$rc" -ne 2 ] || break # the last run may end with the load
  runs=$((runs + 1)); [ "$rc" -eq 0 ] || { differing=$((differing + 1)); cat "$work/verify3.out" >&2; }
done
wait "$sbp" || true
row "verify runs under full write load" "$runs" "runs" "sysbench oltp_write_only --threads=8, no rate limit, $((seconds * 3))s"
row "runs reporting a difference" "$differing" "runs" "(must be 0)"
echo "   sysbench: $(grep -E 'transactions:' "$work/sb-full.log" | xargs)"
echo
column -t -s$'\t' "$out/verify.tsv"
