#!/usr/bin/env bash
# Resumption over a thin link (issue 21): how soon the standby applies its first transaction after its
# sink agent starts again, when the link between the datacenters is thin. The standby and its sink agent
# live in their own network namespace behind a veth pair shaped by `tc tbf` (default 2 Mbit/s each way),
# as in provision-thinlink.sh. The agents replicate sysbench's tables (defaults: TLS, zstd-stream); then,
# --repeat times: the sink agent is stopped (SIGTERM, as systemd stops it), sysbench oltp_write_only
# writes at --rate tx/s for --outage seconds, and the sink agent is started again, cold, with bin/qrepl's
# QREPL_CDS_ARCHIVE as the packaged units set it (the archive its first run wrote; --no-cds: none).
# Measured each time, from the sink's start: its first transaction applied (the standby's checkpoint row
# past where the outage began) and the whole backlog applied (the checkpoint at the primary's last GTID).
# The standby is polled from inside its namespace, so the polls do not queue behind the backlog on the link.
#
#   scripts/bench/resume-thinlink.sh [--rate 500] [--outage 30] [--repeat 3] [--link-rate 2mbit] [--no-cds]
#                                    [--reconnect-min D] [--out DIR] [--keep]
# --reconnect-min D sets the link's reconnect.min-delay (default: the agents' default).
# Writes DIR/resume-thinlink.tsv. Needs root (ip netns, tc); removes what it creates at exit.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
rate=500 outage=30 repeat=3 link_rate=2mbit cds=1 reconnect_min="" out="" keep=0 tables=4 table_size=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --outage) outage="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --link-rate) link_rate="$2"; shift 2 ;;
    --no-cds) cds=0; shift ;;
    --reconnect-min) reconnect_min="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init resume-thinlink
out="${out:-$work/out}"; mkdir -p "$out"
thin_link_up "$link_rate"
bench_qrepl
printf 'repeat\tbacklog_transactions\tfirst_applied_s\tbacklog_applied_s\tcds_archive\tcommand\n' > "$out/resume-thinlink.tsv"

pport="$(freeport)" tport="$(freeport)" lport="$(freeport)"
start_primary "$pport" --bind-address="127.0.0.1,$hip"
DB_NETNS="$ns" start_db standby "$tport" 2 --read-only
nsql "$tport" "CREATE DATABASE sbtest; CREATE USER 'qrepl'@'%' IDENTIFIED BY '$pw'; GRANT ALL PRIVILEGES ON *.* TO 'qrepl'@'%'"
sysbench_cmd oltp_write_only "$pport"
"${sb[@]}" prepare >/dev/null
start_gtid="$(sql "$pport" "SELECT @@gtid_binlog_pos")"
mariadb-dump --no-defaults -uroot -h127.0.0.1 -P"$pport" --single-transaction --skip-dump-date sbtest \
  | nsx mariadb --no-defaults -uroot -h127.0.0.1 -P"$tport" sbtest
cfgdir="$work/qrepl"
"$qrepl" init --primary "127.0.0.1:$pport" --standby "127.0.0.1:$tport" --user qrepl --password-file "$work/pw" \
  --data-dir "$cfgdir" --link "$nip:$lport" >/dev/null
cfg="$cfgdir/qreplicator.yaml"
sed -i -e "s|start-position: current|start-position: gtid:$start_gtid|" "$cfg"
if [ -n "$reconnect_min" ]; then # beside the link's batch-wait
  sed -i -e "s|^\( *\)batch-wait: \(.*\)$|&\n\1reconnect: {min-delay: $reconnect_min}|" "$cfg"
  grep -q "^ *reconnect: {min-delay: $reconnect_min}" "$cfg" || { echo "could not set the link's reconnect.min-delay in $cfg" >&2; exit 1; }
fi
archive=""; [ "$cds" = 0 ] || archive="$work/sink.jsa" # written by the first run (a minute in, or at its stop), as the packaged units do
# ip netns exec and bin/qrepl exec: $sink_pid is the JVM's (not in $pids: thin_link_down kills what runs in the namespace)
start_sink() { QREPL_CDS_ARCHIVE="$archive" ip netns exec "$ns" "$qrepl" sink run -c "$cfg" >> "$cfgdir/sink.log" 2>&1 & sink_pid=$!; }
start_sink
"$qrepl" source run -c "$cfg" > "$cfgdir/source.log" 2>&1 & pids+=($!)
checkpoint="SELECT gtid_state FROM qreplicator.checkpoint"
DB_NETNS="$ns" poll_open "$tport"
# caught_up SEQ: waits until the standby has applied domain 0's SEQ
caught_up() {
  local began="$SECONDS" g applied
  until poll g "$checkpoint" && seq_in applied "$g" && [ "${applied:-0}" -ge "$1" ]; do
    [ $((SECONDS - began)) -lt 600 ] || { echo "the standby did not reach seq $1 within 600 s" >&2; tail -20 "$cfgdir/sink.log" >&2; exit 1; }
    nap 0.05
  done
}
caught_up "$(seq_of "$(sql "$pport" "SELECT @@gtid_binlog_pos")")"
echo "== replicating; $repeat times: the sink stopped, $outage s of sysbench at $rate tx/s, the sink started again"
for i in $(seq 1 "$repeat"); do
  kill "$sink_pid"; wait "$sink_pid" 2>/dev/null || true # a clean stop (the first one writes the AppCDS archive if its run had not yet)
  if ip netns pids "$ns" | xargs -r -n1 ps -o args= -p | grep "sink run" >/dev/null; then echo "the sink agent did not stop" >&2; exit 1; fi
  from_seq="$(seq_of "$(sql "$pport" "SELECT @@gtid_binlog_pos")")"
  "${sb[@]}" --threads=4 --rate="$rate" --time="$outage" --report-interval=0 run > "$work/sysbench-$i.log" 2>&1
  end_seq="$(seq_of "$(sql "$pport" "SELECT @@gtid_binlog_pos")")"
  started="$(date +%s.%N)"
  start_sink
  first_at=""
  began="$SECONDS"
  until poll g "$checkpoint" && seq_in applied "$g" && [ "${applied:-0}" -ge "$end_seq" ]; do
    if [ -z "$first_at" ] && [ "${applied:-0}" -gt "$from_seq" ]; then first_at="$(date +%s.%N)"; fi
    kill -0 "$sink_pid" 2>/dev/null || { echo "sink stopped:" >&2; tail -20 "$cfgdir/sink.log" >&2; exit 1; }
    [ $((SECONDS - began)) -lt 600 ] || { echo "the backlog was not applied within 600 s" >&2; exit 1; }
    nap 0.02
  done
  done_at="$(date +%s.%N)"; first_at="${first_at:-$done_at}"
  used="$(cds_mapped "$sink_pid" "$archive")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$((end_seq - from_seq))" "$(python3 -c "print(round($first_at - $started, 2))")" \
    "$(python3 -c "print(round($done_at - $started, 2))")" "$used" \
    "resume-thinlink.sh --rate $rate --outage $outage --link-rate $link_rate$([ "$cds" = 1 ] || echo " --no-cds")${reconnect_min:+ --reconnect-min $reconnect_min}" \
    | tee -a "$out/resume-thinlink.tsv"
done
echo
column -t -s$'\t' "$out/resume-thinlink.tsv"
