#!/usr/bin/env bash
# Transport benchmark (issue 4): bytes on the wire per binlog byte, Qreplicator's link (each codec,
# with and without TLS) against MariaDB's own replication (with and without its compressed
# protocol), for the same sysbench run.
#
# For each workload it starts a primary (ROW, binlog_row_metadata=FULL) on a free loopback port,
# loads sysbench tables, dumps them, then runs the workload with a fresh seed. Every consumer then
# starts from the same GTID (the end of the load) on a fresh mariadbd holding the dump, and reads
# the same run-phase binlog; its connection goes through scripts/bench/wanproxy.py, which counts
# every byte both ways (payload, protocol, TLS; not TCP/IP headers). A consumer is done when it has
# received the last GTID of the run: MariaDB's IO thread has it (Gtid_IO_Pos), or the Qreplicator
# sink has acknowledged every record the source spooled up to it.
#
#   scripts/bench/link.sh [--seconds N] [--threads N] [--table-size N] [--workloads "W ..."]
#                         [--configs "C ..."] [--repeat N] [--keep]
# configs: native, native-compressed (slave_compressed_protocol), qrepl-CODEC (TLS) and
#          qrepl-CODEC-plain for CODEC in none lz4 zstd zstd-stream; all by default. Results are
#          printed as a table and, with --out DIR, copied to DIR/bandwidth.tsv. --repeat N runs the whole
#          set N times, each with its own primary, load and sysbench run (column repeat).
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
seconds=20 threads=8 tables=4 table_size=20000 keep=0 out="" repeat=1
workloads="oltp_write_only oltp_read_write"
configs="native native-compressed qrepl-none qrepl-lz4 qrepl-zstd qrepl-zstd-stream qrepl-none-plain qrepl-lz4-plain qrepl-zstd-plain qrepl-zstd-stream-plain"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --table-size) table_size="$2"; shift 2 ;;
    --workloads) workloads="$2"; shift 2 ;;
    --configs) configs="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init linkbench

echo "== building"
bench_qrepl
printf 'workload\tconfig\tbinlog_bytes\twire_bytes\twire_pct\tseconds\tpayload_bytes\tcodec_cpu_ms\trepeat\n' > "$work/results.tsv"

for i in $(seq 1 "$repeat"); do
for workload in $workloads; do
  pport="$(freeport)"
  start_primary "$pport"
  sysbench_cmd "$workload" "$pport"
  echo "== $workload: prepare ${tables} x ${table_size} rows"
  "${sb[@]}" prepare >/dev/null
  mariadb-dump --no-defaults -uroot -h127.0.0.1 -P"$pport" --single-transaction --skip-dump-date sbtest > "$work/dump.sql"
  start_gtid="$(sql "$pport" "SELECT @@gtid_binlog_pos")"
  sql "$pport" "FLUSH BINARY LOGS"
  first="$(sql "$pport" "SHOW MASTER STATUS" | cut -f1)"
  seed="$(date +%s)"
  echo "== $workload, run $i: ${seconds}s, ${threads} threads, seed ${seed}"
  "${sb[@]}" --threads="$threads" --time="$seconds" --rand-seed="$seed" --report-interval=0 run | grep -E "transactions:" || true
  end_gtid="$(sql "$pport" "SELECT @@gtid_binlog_pos")"
  sql "$pport" "FLUSH BINARY LOGS"
  last="$(sql "$pport" "SHOW MASTER STATUS" | cut -f1)"
  binlog=0
  while read -r name size _; do
    if [[ "$name" > "$first" || "$name" == "$first" ]] && [[ "$name" < "$last" ]]; then binlog=$((binlog + size)); fi
  done < <(sql "$pport" "SHOW BINARY LOGS")
  end_seq="$(seq_of "$end_gtid")"
  echo "== $workload: run-phase binlog $binlog bytes, GTID $start_gtid .. $end_gtid"

  for config in $configs; do
    tport="$(freeport)"; proxy_port="$(freeport)"
    start_standby target "$tport"
    mariadb --no-defaults -uroot -h127.0.0.1 -P"$tport" sbtest < "$work/dump.sql"
    counts="$work/counts-$workload-$config-$i"
    started="$(date +%s.%N)"
    payload="" cpu=""
    if [[ "$config" == native* ]]; then
      python3 "$repo/scripts/bench/wanproxy.py" "$proxy_port" 127.0.0.1 "$pport" "$counts" & proxy_pid=$!; pids+=($proxy_pid)
      wait_listen "$proxy_port"
      compressed=OFF; [ "$config" = native-compressed ] && compressed=ON
      sql "$tport" "SET GLOBAL slave_compressed_protocol=$compressed; SET GLOBAL gtid_slave_pos='$start_gtid';
        CHANGE MASTER TO master_host='127.0.0.1', master_port=$proxy_port, master_user='repl', master_password='$pw',
        master_use_gtid=slave_pos; START SLAVE"
      until io="$(slave_status "$tport" | awk '/Gtid_IO_Pos:/ {print $2}')"; [ -n "$io" ] && [ "$(seq_of "$io")" -ge "$end_seq" ] 2>/dev/null; do
        if slave_status "$tport" | grep -q "Last_IO_Error: ."; then slave_status "$tport" >&2; exit 1; fi
        sleep 0.2
      done
      sql "$tport" "STOP SLAVE"
    else
      codec="${config#qrepl-}"; codec="${codec%-plain}"
      sink_port="$(freeport)"
      cfgdir="$work/$workload-$config-$i"
      "$qrepl" init --primary "127.0.0.1:$pport" --standby "127.0.0.1:$tport" --user qrepl --password-file "$work/pw" \
        --data-dir "$cfgdir" --link "127.0.0.1:$sink_port" >/dev/null
      cfg="$cfgdir/qreplicator.yaml"
      sed -i -e "s|start-position: current|start-position: gtid:$start_gtid|" \
             -e "s|heartbeat: {enabled: true|heartbeat: {enabled: false|" \
             -e "s|compression: zstd-stream |compression: $codec |" \
             -e "s|address: 127.0.0.1:$sink_port|address: 127.0.0.1:$proxy_port\n    listen: 127.0.0.1:$sink_port|" "$cfg"
      if [[ "$config" == *-plain ]]; then
        python3 - "$cfg" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r"\n(\s+)tls:.*?\n(\s+)token-file:[^\n]*", r"\n\1plaintext: true", s, flags=re.S)
open(p, "w").write(s)
PY
      fi
      python3 "$repo/scripts/bench/wanproxy.py" "$proxy_port" 127.0.0.1 "$sink_port" "$counts" & proxy_pid=$!; pids+=($proxy_pid)
      wait_listen "$proxy_port"
      "$qrepl" sink run -c "$cfg" > "$cfgdir/sink.log" 2>&1 & sink_pid=$!; pids+=($sink_pid)
      "$qrepl" source run -c "$cfg" > "$cfgdir/source.log" 2>&1 & source_pid=$!; pids+=($source_pid)
      st="$cfgdir/source/status.properties"
      while true; do
        kill -0 "$source_pid" 2>/dev/null || { echo "source stopped:" >&2; tail -20 "$cfgdir/source.log" >&2; exit 1; }
        g="$(prop "$st" source.spooled.gtid)"; spooled="$(prop "$st" source.spooled.seq)"; acked="$(prop "$st" link.acked.seq)"
        if [ -n "$g" ] && [ "$(seq_of "$g" || echo 0)" -ge "$end_seq" ] 2>/dev/null && [ "$acked" = "$spooled" ]; then break; fi
        sleep 0.2
      done
      kill "$source_pid" "$sink_pid"; wait "$source_pid" "$sink_pid" 2>/dev/null || true
      read -r payload cpu < <(awk -F, 'FNR > 1 { p += $4; c += $9 } END { printf "%d %d\n", p, c / 1000 }' "$cfgdir"/source/accounting/link-out-*.csv)
    fi
    elapsed="$(python3 -c "print(round($(date +%s.%N) - $started, 1))")"
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
    read -r upb downb < "$counts"
    wire=$((upb + downb))
    pct="$(python3 -c "print(round(100.0 * $wire / $binlog, 2))")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$workload" "$config" "$binlog" "$wire" "$pct" "$elapsed" "${payload:--}" "${cpu:--}" "$i" \
      | tee -a "$work/results.tsv"
    stop_db target
  done
  stop_db primary
done
done

echo
echo "| workload | consumer | binlog bytes | wire bytes | wire / binlog | seconds to receive | link payload bytes | codec CPU ms | run |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
tail -n +2 "$work/results.tsv" | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s%% | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
echo
echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(mariadbd --version | cut -d' ' -f2-4)"
if [ -n "$out" ]; then mkdir -p "$out"; cp "$work/results.tsv" "$out/bandwidth.tsv"; fi
