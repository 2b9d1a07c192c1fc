#!/usr/bin/env bash
# Latency and cost benchmark (issue 6, scenarios 4 and 5), on loopback: a steady sysbench
# oltp_write_only rate (--rate, 8 threads) on the primary, and VisibilityProbe inserting one row
# every 20 ms and polling the standby for it: commit-on-primary to visible-on-standby, p50/p99/max,
# after a warm-up (--warmup, 15 s) under the same load once replication has started (both agents start with
# the load and compile their hot code meanwhile: on 2 cores a shorter warm-up measured start-up).
# Once for MariaDB's replica (single-threaded, its defaults) and once for Qreplicator (defaults:
# TLS, zstd-stream, 4 apply workers), each from a fresh standby loaded with a dump, --repeat times.
# For Qreplicator it also records the CPU seconds and peak RSS of the source and sink agents over
# the run (JVM start included), per 100,000 transactions (sysbench's plus the probe's), and their CPU
# seconds over the probe's measured window alone ("warm": what a long-running agent costs); each
# stage's share of the latency over that window, from the agents' qreplicator_stage_latency_seconds
# histograms (DIR/latency-stages.tsv); and the link's bytes per binlog byte at that steady rate,
# from the source's status (DIR/steady-link.tsv).
#
#   scripts/bench/latency.sh [--rates "500 2000"] [--seconds 60] [--warmup 15] [--repeat 3] [--workers N] [--batch-wait D]
#                            [--zstd-level N] [--source-spool-sync batch|none] [--methods "native qrepl"] [--agent-nice N] [--out DIR] [--keep]
# --rate R is --rates R. --workers N sets the sink's apply.workers, --batch-wait D and --zstd-level N the link's,
# --source-spool-sync the source's spool.sync (default: the config template's). Writes DIR/latency.tsv, DIR/cost.tsv, DIR/latency-stages.tsv, DIR/steady-link.tsv.
# --agent-nice N runs both agents under `nice -n N` (negative: ahead of the servers and sysbench for a core).
# DIR/run-delay.tsv: how long each process's threads waited on a run queue for a core over the measured
# window (/proc/PID/task/*/schedstat), per transaction and per time they ran: the primary, the standby,
# and for Qreplicator its two agents.
# QREPL_BENCH_CDS=1 gives each agent an AppCDS archive to write (QREPL_CDS_ARCHIVE, a fresh one per run): with
# -Dqrepl.cds.write-after=PT45S in JAVA_OPTS, written inside the measured window, whose max then shows its pause.
# QREPL_BENCH_JCMD="COMMAND" runs `jcmd PID COMMAND` on each agent at the end of each rate (before it is
# stopped) into DIR/jcmd-AGENT-RATE-REPEAT.txt: with JAVA_OPTS=-XX:NativeMemoryTracking=summary and
# QREPL_BENCH_JCMD="VM.native_memory summary", where an agent's memory goes. QREPL_BENCH_SMAPS=1 copies
# each agent's /proc/PID/smaps there too (DIR/smaps-AGENT-RATE-REPEAT.txt): what it maps (the spool's files).
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
rates=500 seconds=60 repeat=3 out="" keep=0 threads=8 tables=4 table_size=20000 apply_workers="" warmup=15 batch_wait="" zstd_level="" source_sync="" methods="native qrepl" agent_nice=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rate|--rates) rates="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --workers) apply_workers="$2"; shift 2 ;;
    --batch-wait) batch_wait="$2"; shift 2 ;;
    --source-spool-sync) source_sync="$2"; shift 2 ;;
    --zstd-level) zstd_level="$2"; shift 2 ;;
    --methods) methods="$2"; shift 2 ;;
    --agent-nice) agent_nice="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init latency
out="${out:-$work/out}"; mkdir -p "$out"
echo "== building"
cp="$(bench_classpath replicator-sink)"
bench_qrepl

pport="$(freeport)"
start_primary "$pport"
sysbench_cmd oltp_write_only "$pport"
echo "== prepare ${tables} x ${table_size} rows"
"${sb[@]}" prepare >/dev/null
[ -f "$out/latency.tsv" ] || printf 'method\trepeat\trate\tsamples\tp50_ms\tp99_ms\tmax_ms\n' > "$out/latency.tsv"

# metrics_of PORT FILE: the agent's stage latency histograms, as served
metrics_of() { curl -s --max-time 5 "http://127.0.0.1:$1/metrics" | grep '^qreplicator_stage_latency_seconds' > "$2" || true; }
[ -f "$out/latency-stages.tsv" ] || printf 'repeat\trate\tagent\tstage\tcount\tmean_ms\tp50_ms_at_most\tp99_ms_at_most\n' > "$out/latency-stages.tsv"
[ -f "$out/run-delay.tsv" ] || printf 'method\trepeat\trate\tprocess\tagent_nice\ttransactions\twait_ms\twait_us_per_tx\tslices_per_tx\twait_us_per_slice\n' > "$out/run-delay.tsv"
nice_cmd=(); [ -z "$agent_nice" ] || nice_cmd=(nice -n "$agent_nice")
[ -f "$out/steady-link.tsv" ] || printf 'repeat\trate\ttransactions\tachieved_tps\tbinlog_bytes\twire_bytes\twire_ratio\tbatches\ttx_per_batch\n' > "$out/steady-link.tsv"

for i in $(seq 1 "$repeat"); do
 for rate in $rates; do
  for method in $methods; do
    tport="$(freeport)"
    start_standby standby "$tport"
    start_gtid="$(sql "$pport" "SELECT @@gtid_binlog_pos")"
    mariadb-dump --no-defaults -uroot -h127.0.0.1 -P"$pport" --single-transaction --skip-dump-date sbtest \
      | mariadb --no-defaults -uroot -h127.0.0.1 -P"$tport" sbtest
    source_pid="" sink_pid=""
    if [ "$method" = native ]; then
      sql "$tport" "SET GLOBAL gtid_slave_pos='$start_gtid'; CHANGE MASTER TO master_host='127.0.0.1', master_port=$pport,
        master_user='repl', master_password='$pw', master_use_gtid=slave_pos; START SLAVE"
    else
      cfgdir="$work/qrepl-$i-$rate"
      "$qrepl" init --primary "127.0.0.1:$pport" --standby "127.0.0.1:$tport" --user qrepl --password-file "$work/pw" \
        --data-dir "$cfgdir" --link "127.0.0.1:$(freeport)" >/dev/null
      # no heartbeat writes: the primary's workload is the same for both methods (and the dump, taken
      # from sbtest only, holds no heartbeat rows for them to update)
      sed -i -e "s|start-position: current|start-position: gtid:$start_gtid|" \
             -e "s|heartbeat: {enabled: true|heartbeat: {enabled: false|" "$cfgdir/qreplicator.yaml"
      [ -z "$apply_workers" ] || sed -i -e "s|apply: {workers: [0-9]*|apply: {workers: $apply_workers|" "$cfgdir/qreplicator.yaml"
      [ -z "$zstd_level" ] || link_zstd_level "$cfgdir/qreplicator.yaml" "$zstd_level"
      [ -z "$batch_wait" ] || sed -i -e "s|batch-wait: [0-9a-z]*|batch-wait: $batch_wait|" "$cfgdir/qreplicator.yaml"
      if [ -n "$source_sync" ]; then # the first spool section is the source's
        sed -i -e "0,/spool: {max-age/s//spool: {sync: $source_sync, max-age/" "$cfgdir/qreplicator.yaml"
        grep -q "spool: {sync: $source_sync," "$cfgdir/qreplicator.yaml" || { echo "spool.sync did not land in the config" >&2; exit 1; }
      fi
      # each agent's metrics endpoint, for the stage breakdown
      src_metrics="$(freeport)" snk_metrics="$(freeport)"
      sed -i -e "s|^    node: primary$|    node: primary\n    monitoring: {listen: 127.0.0.1:$src_metrics, tls: false}|" \
             -e "s|^    node: standby$|    node: standby\n    monitoring: {listen: 127.0.0.1:$snk_metrics, tls: false}|" "$cfgdir/qreplicator.yaml"
      sink_cds=() source_cds=() # QREPL_BENCH_CDS=1: each agent writes its AppCDS archive as the units' do, during the run
      [ -z "${QREPL_BENCH_CDS:-}" ] || { sink_cds=("QREPL_CDS_ARCHIVE=$cfgdir/sink.jsa"); source_cds=("QREPL_CDS_ARCHIVE=$cfgdir/source.jsa"); }
      "${nice_cmd[@]}" env "${sink_cds[@]}" "$qrepl" sink run -c "$cfgdir/qreplicator.yaml" > "$cfgdir/sink.log" 2>&1 & sink_pid=$!; pids+=($sink_pid)
      "${nice_cmd[@]}" env "${source_cds[@]}" "$qrepl" source run -c "$cfgdir/qreplicator.yaml" > "$cfgdir/source.log" 2>&1 & source_pid=$!; pids+=($source_pid)
    fi
    seq0="$(seq_of "$(sql "$pport" "SELECT @@gtid_binlog_pos")")"
    seed="$(date +%s%N | cut -c8-16)"
    "${sb[@]}" --threads="$threads" --time="$((seconds + warmup + 10))" --rate="$rate" --rand-seed="$seed" --report-interval=0 run \
      > "$work/sysbench-$method-$i-$rate.log" 2>&1 & sb_pid=$!
    echo "== $method, run $i: ${rate} tx/s, probe for ${seconds}s"
    java -cp "$cp" io.qreplicator.sink.bench.VisibilityProbe \
      "jdbc:mariadb://127.0.0.1:$pport/?user=root" "jdbc:mariadb://127.0.0.1:$tport/?user=root" "$seconds" 20 "$warmup" \
      > "$work/probe-$method-$i-$rate.out" 2>&1 & probe_pid=$!
    # run-queue waits over the measured window: the servers (both methods) and the agents
    procs=("primary:$(cat "$work/primary/m.pid")" "standby:$(cat "$work/standby/m.pid")")
    [ -z "$source_pid" ] || procs+=("source:$source_pid" "sink:$sink_pid")
    nap "$warmup"
    delay_seq0="$(seq_of "$(sql "$pport" "SELECT @@gtid_binlog_pos")")"
    delays0=(); for p in "${procs[@]}"; do delays0+=("$(run_delay "${p#*:}")"); done
    if [ -n "$source_pid" ]; then # the agents' cost once warm: over the probe's measured window
      warm_seq0="$(seq_of "$(sql "$pport" "SELECT @@gtid_binlog_pos")")"; window0="$(date +%s.%N)"
      read -r source_cpu0 _ < <(proc_cost "$source_pid"); read -r sink_cpu0 _ < <(proc_cost "$sink_pid")
      thread_cpu "$source_pid" > "$work/threads-source0"; thread_cpu "$sink_pid" > "$work/threads-sink0"
      thread_switches "$source_pid" > "$work/switches-source0"; thread_switches "$sink_pid" > "$work/switches-sink0"
      metrics_of "$src_metrics" "$work/stages-source0"; metrics_of "$snk_metrics" "$work/stages-sink0"
      st="$cfgdir/source/status.properties"
      link0="$(prop "$st" source.binlog-bytes) $(prop "$st" link.wire-bytes-out) $(prop "$st" link.wire-bytes-in) $(prop "$st" link.batches)"
    fi
    wait "$probe_pid" || { echo "the probe failed:" >&2; tail -20 "$work/probe-$method-$i-$rate.out" >&2; exit 1; }
    delay_txs=$(( $(seq_of "$(sql "$pport" "SELECT @@gtid_binlog_pos")") - delay_seq0 ))
    for k in "${!procs[@]}"; do
      read -r w0 n0 <<< "${delays0[$k]}"; read -r w1 n1 < <(run_delay "${procs[$k]#*:}")
      python3 -c "import sys; m,i,r,p,nc,t,w,n=sys.argv[1:]; t,w,n=int(t),int(w),int(n)
print('\t'.join(map(str,[m,i,r,p,nc or 0,t,round(w/1e6,1),round(w/1e3/t,1) if t else '',round(n/t,2) if t else '',round(w/1e3/n,1) if n else ''])))" \
        "$method" "$i" "$rate" "${procs[$k]%%:*}" "$agent_nice" "$delay_txs" "$((w1 - w0))" "$((n1 - n0))" >> "$out/run-delay.tsv"
    done
    grep -P "^$method\t$i\t$rate\t" "$out/run-delay.tsv" | sed 's/^/   waited for a core: /'
    if [ -n "$source_pid" ]; then
      warm_txs=$(( $(seq_of "$(sql "$pport" "SELECT @@gtid_binlog_pos")") - warm_seq0 ))
      metrics_of "$src_metrics" "$work/stages-source1"; metrics_of "$snk_metrics" "$work/stages-sink1"
      window1="$(date +%s.%N)"
      sleep 1.2 # the status file is published every second: the window's last second in it
      link1="$(prop "$st" source.binlog-bytes) $(prop "$st" link.wire-bytes-out) $(prop "$st" link.wire-bytes-in) $(prop "$st" link.batches)"
      python3 - "$i" "$rate" "$warm_txs" "$link0" "$link1" "$(python3 -c "print($window1 - $window0)")" >> "$out/steady-link.tsv" <<'PY'
import sys
i, rate, txs, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[6])
b0, o0, n0, k0 = map(int, sys.argv[4].split()); b1, o1, n1, k1 = map(int, sys.argv[5].split())
binlog, wire, batches = b1 - b0, (o1 - o0) + (n1 - n0), k1 - k0
print("\t".join(map(str, [i, rate, txs, round(txs / secs), binlog, wire, round(wire / binlog, 4) if binlog else "", batches,
                          round(txs / batches, 2) if batches else ""])))
PY
      echo "   steady link: $(tail -1 "$out/steady-link.tsv")"
      for agent in source sink; do
        python3 - "$i" "$rate" "$agent" "$work/stages-${agent}0" "$work/stages-${agent}1" >> "$out/latency-stages.tsv" <<'PY'
import re, sys
i, rate, agent, before, after = sys.argv[1:6]
def load(p):
    d = {}
    for line in open(p):
        m = re.match(r'qreplicator_stage_latency_seconds_(bucket|sum|count)\{([^}]*)\} (\S+)', line)
        if not m:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
        key = (labels["stage"], m.group(1), labels.get("le", ""))
        d[key] = float(m.group(3))
    return d
a, b = load(before), load(after)
for stage in sorted({k[0] for k in b}):
    n = b.get((stage, "count", ""), 0) - a.get((stage, "count", ""), 0)
    if n <= 0:
        continue
    mean = (b.get((stage, "sum", ""), 0) - a.get((stage, "sum", ""), 0)) / n * 1000
    buckets = sorted(((float(k[2]), b[k] - a.get(k, 0)) for k in b if k[0] == stage and k[1] == "bucket"))
    def q(p):
        for le, c in buckets:  # cumulative counts
            if c >= p * n:
                return "inf" if le == float("inf") else round(le * 1000, 2)
    print("\t".join(map(str, [i, rate, agent, stage, int(n), round(mean, 3), q(0.5), q(0.99)])))
PY
      done
      grep -P "^$i\t$rate\t" "$out/latency-stages.tsv" | sed 's/^/   stage: /' || true # no stage when a scrape failed
      for agent in source sink; do
        pid="$source_pid" cpu0="$source_cpu0"; [ "$agent" = sink ] && pid="$sink_pid" cpu0="$sink_cpu0"
        read -r cpu rss < <(proc_cost "$pid")
        thread_cpu "$pid" > "$work/threads-${agent}1"; thread_switches "$pid" > "$work/switches-${agent}1"
        echo "   $agent threads over the window (CPU s): $(thread_cpu_delta "$work/threads-${agent}0" "$work/threads-${agent}1")"
        echo "   $agent context switches per transaction: $(thread_switch_delta "$work/switches-${agent}0" "$work/switches-${agent}1" "$warm_txs")"
        cost_row "steady $rate tx/s, warm" "$agent" "$i" "$warm_txs" "$(python3 -c "print(round($cpu - $cpu0, 2))")" "$rss"
      done
    fi
    result="$(grep '^{' "$work/probe-$method-$i-$rate.out" | tail -1)" # the driver logs its warnings to stdout too
    echo "   $result"
    python3 -c "import json,sys; r=json.loads(sys.argv[1]); print('\t'.join(map(str, ['$method', $i, $rate, r['samples'], r['p50_ms'], r['p99_ms'], r['max_ms']])))" "$result" >> "$out/latency.tsv"
    wait "$sb_pid" || true
    if [ -n "$source_pid" ]; then
      txs=$(( $(seq_of "$(sql "$pport" "SELECT @@gtid_binlog_pos")") - seq0 ))
      for agent in source sink; do
        pid="$source_pid"; [ "$agent" = sink ] && pid="$sink_pid"
        kill -0 "$pid" 2>/dev/null || { echo "the $agent agent stopped:" >&2; tail -20 "$cfgdir/$agent.log" >&2; exit 1; }
        read -r cpu rss < <(proc_cost "$pid")
        cost_row "steady $rate tx/s" "$agent" "$i" "$txs" "$cpu" "$rss"
      done
      st="$cfgdir/source/status.properties"
      # batches and codec CPU per minute, one file a day
      echo "   link codec: $(awk -F, 'FNR > 1 {b += $2; c += $9}
        END {if (b) printf "%.1f µs of CPU per batch (minutes written so far)", c / b; else printf "no minute written yet"}' \
        "$cfgdir"/source/accounting/link-out-*.csv)"
      echo "   link: $(prop "$st" link.batches) batches, $(prop "$st" link.wire-bytes-out) bytes out and $(prop "$st" link.wire-bytes-in) in on the socket for $txs transactions"
      if [ -n "${QREPL_BENCH_JCMD:-}" ]; then
        # shellcheck disable=SC2086 # the command and its arguments, as given
        jcmd "$source_pid" $QREPL_BENCH_JCMD > "$out/jcmd-source-$rate-$i.txt" 2>&1 || true
        # shellcheck disable=SC2086
        jcmd "$sink_pid" $QREPL_BENCH_JCMD > "$out/jcmd-sink-$rate-$i.txt" 2>&1 || true
      fi
      if [ -n "${QREPL_BENCH_SMAPS:-}" ]; then
        cp "/proc/$source_pid/smaps" "$out/smaps-source-$rate-$i.txt" || true
        cp "/proc/$sink_pid/smaps" "$out/smaps-sink-$rate-$i.txt" || true
      fi
      kill "$source_pid" "$sink_pid"; wait "$source_pid" "$sink_pid" 2>/dev/null || true
      grep -h "ERROR" "$cfgdir/sink.log" "$cfgdir/source.log" | head -5 >&2 || true
      grep -h "class archive written" "$cfgdir/sink.log" "$cfgdir/source.log" | sed 's/^/   /' || true
    else
      sql "$tport" "STOP SLAVE"
    fi
    stop_db standby
  done
 done
done
echo
column -t -s$'\t' "$out/latency.tsv"
column -t -s$'\t' "$out/cost.tsv"
column -t -s$'\t' "$out/latency-stages.tsv"
column -t -s$'\t' "$out/steady-link.tsv"
column -t -s$'\t' "$out/run-delay.tsv"
echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(mariadbd --version | cut -d' ' -f2-4)"
