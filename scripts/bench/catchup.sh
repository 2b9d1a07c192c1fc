#!/usr/bin/env bash
# Catch-up benchmark (issue 5): how fast a standby that is behind by a sysbench oltp_write_only
# backlog catches up, MariaDB's own replica with 0 and 4 parallel workers against Qreplicator
# (source + link + sink, defaults: minimal row images, zstd-stream, TLS, merged apply).
#
# Starts a primary on a free loopback port, loads sysbench tables, dumps them, then writes the
# backlog (sysbench for --seconds, fresh seed). Each consumer then starts from the end of the load
# on a fresh mariadbd holding the dump, and is timed until it has APPLIED the backlog's last GTID:
# native by @@gtid_slave_pos, Qreplicator by the standby's checkpoint row. Qreplicator's time
# includes starting its two JVMs. Each of these runs also gives the rate over its last three quarters
# (clock from the moment its applied position passed a quarter of the backlog): catch-up once
# running, without start-up and JIT warm-up, measured the same way for every consumer.
# All standbys run with innodb_flush_log_at_trx_commit=2, or with --durable =1 (a log flush per
# commit, as a production standby would). The polling loops start no process (see lib.sh).
#
# Consumers ending in -local time the apply of a backlog that is already on the standby's side and
# with every process warm, the usual case after the standby or its applier was stopped. Native: the
# IO thread alone fetches the backlog into the relay log (the server is warm: the dump was just
# loaded), then the clock runs from START SLAVE SQL_THREAD to the last transaction applied.
# Qreplicator: both agents start and apply the first fifth of the backlog (JIT warm-up), then the
# standby's mariadbd is frozen (SIGSTOP) while the sink receives the rest into its spool; the clock
# runs from SIGCONT to the last transaction applied, for what was left to apply. (A FLUSH TABLES
# WITH READ LOCK would hold the applier too, but with several workers it can only get in when the
# applier's lock waits time out: it waits for a statement that waits, through the commit order, on
# a statement it blocks.)
#
#   scripts/bench/catchup.sh [--seconds N] [--threads N] [--repeat N] [--consumers "native-0 native-4 qrepl"]
#                            [--workers N] [--durable] [--out DIR] [--keep]
# --workers N sets the sink's apply.workers (default: the config template's); a consumer name
# ending in -wN (qrepl-local-w1) sets it for that consumer alone.
# Writes DIR/catchup.tsv and, for qrepl, the agents' CPU seconds and peak RSS to DIR/cost.tsv.
# consumer qrepl-source times the source alone (extraction into its spool, no sink): where the time goes.
# consumer qrepl-sink times a restart of the standby's agent: the source agent, running through the outage,
# has spooled the backlog before the clock starts; the clock starts with the sink's cold JVM. The outage
# lasts --outage SECONDS at least (from the source's start; default 0: as long as spooling the backlog
# takes), with the link's default reconnect settings, and first_applied_s says when the sink had
# applied its first transaction, counted from its start. --cds-archive FILE starts that sink with bin/qrepl's
# QREPL_CDS_ARCHIVE=FILE, as the packaged units do (an archive scripts/bench/startup.sh --keep leaves: auto.jsa;
# bin/qrepl uses it only if it was written with this build and these JAVA_OPTS; the output says whether the JVM did);
# --cds-archive auto does what the packaged units do on a new host: the first repeat's sink starts without an
# archive and writes one a minute into its run or at its clean stop (with the classes its run loaded), the later repeats use it.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
seconds=15 threads=8 tables=4 table_size=20000 repeat=1 keep=0 out="" apply_workers="" target_opts=() flush=2
consumers="native-0 native-4 qrepl native-0-local native-4-local qrepl-local"
outage=0 cds_archive=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --consumers) consumers="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --workers) apply_workers="$2"; shift 2 ;;
    --outage) outage="$2"; shift 2 ;;
    --cds-archive) cds_archive="$2"; shift 2 ;;
    --durable) target_opts=(--innodb-flush-log-at-trx-commit=1); flush=1; shift ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -n "$cds_archive" ] && [ "$cds_archive" != auto ] && [ ! -s "$cds_archive.inputs" ]; then
  # bin/qrepl would discard an archive it did not write (it cannot tell what it was made from): the run would
  # measure a start without one
  echo "--cds-archive $cds_archive: no $cds_archive.inputs beside it, so bin/qrepl would not use it; give an archive" \
    "bin/qrepl wrote (scripts/bench/startup.sh --keep leaves auto.jsa), or --cds-archive auto" >&2
  exit 2
fi
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init catchup
[ "$cds_archive" != auto ] || cds_archive="$work/sink-auto.jsa" # written by the first repeat's sink (a minute into its run, or at its stop)
out="${out:-$work/out}"; mkdir -p "$out"
now() { date +%s.%N; }
# record N: appends this consumer's row to catchup.tsv: N transactions applied between $started and $finished
record() {
  local secs rate tail_n="" tail_rate=""
  secs="$(python3 -c "print(round($finished - $started, 2))")"
  rate="$(python3 -c "print(round($1 / ($finished - $started)))")"
  if [ -n "$warm_at" ]; then
    tail_n=$((end_seq - warm_seq)); tail_rate="$(python3 -c "print(round($tail_n / ($finished - $warm_at)))")"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$consumer" "$i" "$1" "$secs" "$rate" "$flush" "$tail_n" "$tail_rate" \
    "${first_at:+$(python3 -c "print(round($first_at - $started, 2))")}" \
    | tee -a "$out/catchup.tsv"
}
# first SEQ: notes the time the consumer's applied position first passes the backlog's start (always true)
first() { if [ -z "$first_at" ] && [ "${1:-0}" -gt "$start_seq" ]; then first_at="$(now)"; fi; return 0; }
# passed SEQ: notes the time a cold consumer's applied position first reaches warm_seq (a quarter of the backlog)
passed() { if [ -z "$warm_at" ] && [ "${1:-0}" -ge "$warm_seq" ]; then warm_at="$(now)"; fi; }
# spool_backlog: starts the source agent alone ($cfg, $cfgdir) and waits until it has spooled the backlog's last transaction
spool_backlog() {
  "$qrepl" source run -c "$cfg" > "$cfgdir/source.log" 2>&1 & source_pid=$!; pids+=($source_pid)
  until prop_in g "$cfgdir/source/status.properties" source.spooled.gtid && seq_in spooled "$g" \
      && [ "${spooled:-0}" -ge "$end_seq" ]; do
    kill -0 "$source_pid" 2>/dev/null || { echo "source stopped:" >&2; tail -20 "$cfgdir/source.log" >&2; exit 1; }
    in_time; nap 0.1
  done
}
checkpoint="SELECT gtid_state FROM qreplicator.checkpoint" # the standby's applied position (an error before the sink made it)
# in_time: stops the run once the current consumer has taken 10 minutes (a stuck one fails the run instead of hanging it)
in_time() { [ $((SECONDS - began)) -lt 600 ] || { echo "$consumer did not finish within 600 s" >&2; exit 1; }; }

echo "== building"
bench_qrepl

pport="$(freeport)"
start_primary "$pport"
sysbench_cmd oltp_write_only "$pport"
echo "== prepare ${tables} x ${table_size} rows"
"${sb[@]}" prepare >/dev/null
mariadb-dump --no-defaults -uroot -h127.0.0.1 -P"$pport" --single-transaction --skip-dump-date sbtest > "$work/dump.sql"
start_gtid="$(sql "$pport" "SELECT @@gtid_binlog_pos")"
seed="$(date +%s)"
echo "== backlog: oltp_write_only ${seconds}s, ${threads} threads, seed ${seed}"
"${sb[@]}" --threads="$threads" --time="$seconds" --rand-seed="$seed" --report-interval=0 run | grep -E "transactions:" || true
end_gtid="$(sql "$pport" "SELECT @@gtid_binlog_pos")"
start_seq="$(seq_of "$start_gtid")"; end_seq="$(seq_of "$end_gtid")"
backlog=$((end_seq - start_seq))
warm_seq=$((start_seq + backlog / 4))
echo "== backlog of $backlog transactions ($start_gtid .. $end_gtid)"
[ -f "$out/catchup.tsv" ] || printf 'consumer\trepeat\ttransactions\tseconds\ttx_per_s\tstandby_flush\tlast_3q_transactions\tlast_3q_tx_per_s\tfirst_applied_s\n' > "$out/catchup.tsv"

for i in $(seq 1 "$repeat"); do
  for consumer in $consumers; do
    tport="$(freeport)"
    start_standby target "$tport" "${target_opts[@]}"
    mariadb --no-defaults -uroot -h127.0.0.1 -P"$tport" sbtest < "$work/dump.sql"
    timed="$backlog" warm_at="" first_at="" began="$SECONDS"
    if [[ "$consumer" == native-*-local ]]; then
      workers="${consumer#native-}"; workers="${workers%-local}"
      sql "$tport" "SET GLOBAL slave_parallel_threads=$workers; SET GLOBAL slave_parallel_mode='optimistic';
        SET GLOBAL gtid_slave_pos='$start_gtid'; CHANGE MASTER TO master_host='127.0.0.1', master_port=$pport,
        master_user='repl', master_password='$pw', master_use_gtid=slave_pos; START SLAVE IO_THREAD"
      until io="$(slave_status "$tport" | awk '/Gtid_IO_Pos:/ {print $2}')" && [ "$(seq_of "$io")" -ge "$end_seq" ] 2>/dev/null; do
        if slave_status "$tport" | grep -qE "Last_(IO|SQL)_Error: ."; then slave_status "$tport" >&2; exit 1; fi
        sleep 0.1
      done
      applied0="$(seq_of "$(sql "$tport" "SELECT @@gtid_slave_pos")")"; timed=$((end_seq - applied0))
      started="$(now)"
      poll_open "$tport"
      sql "$tport" "START SLAVE SQL_THREAD"
      until poll g "SELECT @@gtid_slave_pos" && seq_in applied "$g" && [ "${applied:-0}" -ge "$end_seq" ]; do in_time; nap 0.05; done
      finished="$(now)"
      sql "$tport" "STOP SLAVE"
    elif [[ "$consumer" == native-* ]]; then
      workers="${consumer#native-}"
      sql "$tport" "SET GLOBAL slave_parallel_threads=$workers; SET GLOBAL slave_parallel_mode='optimistic';
        SET GLOBAL gtid_slave_pos='$start_gtid'; CHANGE MASTER TO master_host='127.0.0.1', master_port=$pport,
        master_user='repl', master_password='$pw', master_use_gtid=slave_pos"
      poll_open "$tport"
      started="$(now)" polls=0
      sql "$tport" "START SLAVE"
      until poll g "SELECT @@gtid_slave_pos" && seq_in applied "$g" && passed "$applied" && [ "${applied:-0}" -ge "$end_seq" ]; do
        if [ $((polls++ % 20)) = 19 ] && slave_status "$tport" | grep -qE "Last_(IO|SQL)_Error: ."; then slave_status "$tport" >&2; exit 1; fi
        in_time; nap 0.05
      done
      finished="$(now)"
      sql "$tport" "STOP SLAVE"
    else
      cfgdir="$work/$consumer-$i"
      "$qrepl" init --primary "127.0.0.1:$pport" --standby "127.0.0.1:$tport" --user qrepl --password-file "$work/pw" \
        --data-dir "$cfgdir" --link "127.0.0.1:$(freeport)" >/dev/null
      cfg="$cfgdir/qreplicator.yaml"
      sed -i -e "s|start-position: current|start-position: gtid:$start_gtid|" \
             -e "s|heartbeat: {enabled: true|heartbeat: {enabled: false|" "$cfg"
      n="$apply_workers"; [[ "$consumer" =~ -w([0-9]+)$ ]] && n="${BASH_REMATCH[1]}"
      [ -z "$n" ] || sed -i -e "s|apply: {workers: [0-9]*|apply: {workers: $n|" "$cfg"
      if [[ "$consumer" == qrepl-local* ]]; then
        first_fifth=$((start_seq + backlog / 5))
        "$qrepl" sink run -c "$cfg" > "$cfgdir/sink.log" 2>&1 & sink_pid=$!; pids+=($sink_pid)
        "$qrepl" source run -c "$cfg" > "$cfgdir/source.log" 2>&1 & source_pid=$!; pids+=($source_pid)
        poll_open "$tport"
        until poll g "$checkpoint" && seq_in applied "$g" && [ "${applied:-0}" -ge "$first_fifth" ]; do
          kill -0 "$sink_pid" 2>/dev/null || { echo "sink stopped:" >&2; tail -20 "$cfgdir/sink.log" >&2; exit 1; }
          in_time; nap 0.05
        done
        target_pid="$(cat "$work/target/m.pid")"
        kill -STOP "$target_pid"
        last_seq=""
        until [ -n "$last_seq" ] && prop_in received "$cfgdir/sink/status.properties" link.received.seq \
            && [ "${received:-0}" -ge "$last_seq" ]; do
          prop_in g "$cfgdir/source/status.properties" source.spooled.gtid; seq_in spooled "$g"
          if [ -z "$last_seq" ] && [ "${spooled:-0}" -ge "$end_seq" ]; then
            prop_in last_seq "$cfgdir/source/status.properties" source.spooled.seq
          fi
          in_time; nap 0.1
        done
        sleep 1.5 # the status file (rewritten every second) then shows what the frozen standby committed
        applied0="$(seq_of "$(prop "$cfgdir/sink/status.properties" sink.applied.gtid)")"; timed=$((end_seq - applied0))
        read -r sink_cpu0 _ < <(proc_cost "$sink_pid"); read -r db_cpu0 _ < <(proc_cost "$target_pid")
        thread_cpu "$sink_pid" > "$work/threads0"
        started="$(now)"
        kill -CONT "$target_pid"
        until poll g "$checkpoint" && seq_in applied "$g" && [ "${applied:-0}" -ge "$end_seq" ]; do in_time; nap 0.05; done
        finished="$(now)"
        read -r sink_cpu1 _ < <(proc_cost "$sink_pid"); read -r db_cpu1 _ < <(proc_cost "$(cat "$work/target/m.pid")")
        thread_cpu "$sink_pid" > "$work/threads1"
        echo "   while applying: sink $(python3 -c "print(round($sink_cpu1 - $sink_cpu0, 2))") CPU s, standby mariadbd $(python3 -c "print(round($db_cpu1 - $db_cpu0, 2))") CPU s"
        echo "   sink threads (CPU s): $(thread_cpu_delta "$work/threads0" "$work/threads1")"
        kill "$source_pid" "$sink_pid"; wait "$source_pid" "$sink_pid" 2>/dev/null || true
        record "$timed"
        stop_db target
        continue
      fi
      if [[ "$consumer" == qrepl-sink* ]]; then
        # the standby's agent restarted after an outage: the source agent ran through it and has the backlog
        # in its spool. The clock starts with the sink's JVM (cold) and runs to the last transaction applied;
        # it includes the link's reconnect, with the link's default settings.
        outage_from="$(now)"
        spool_backlog
        left="$(python3 -c "print(max(0, round($outage - ($(now) - $outage_from), 1)))")"
        [ "$left" = 0 ] || { echo "   the sink stays down $left s more (--outage $outage)"; nap "$left"; }
        poll_open "$tport"
        started="$(now)"
        QREPL_CDS_ARCHIVE="$cds_archive" "$qrepl" sink run -c "$cfg" > "$cfgdir/sink.log" 2>&1 & sink_pid=$!; pids+=($sink_pid)
        until poll g "$checkpoint" && seq_in applied "$g" && passed "$applied" && first "$applied" && [ "${applied:-0}" -ge "$end_seq" ]; do
          kill -0 "$sink_pid" 2>/dev/null || { echo "sink stopped:" >&2; tail -20 "$cfgdir/sink.log" >&2; exit 1; }
          in_time; nap 0.02
        done
        [ -z "$first_at" ] || echo "   first transaction applied $(python3 -c "print(round($first_at - $started, 2))") s after the sink started"
        if [ -n "$cds_archive" ]; then
          if [ "$(cds_mapped "$sink_pid" "$cds_archive")" = yes ]; then echo "   the sink's JVM used the AppCDS archive $cds_archive"
          else echo "   the sink's JVM ran without an AppCDS archive (bin/qrepl writes $cds_archive a minute into its run or at its stop)"; fi
        fi
        finished="$(now)"
        thread_cpu "$sink_pid" > "$work/threads-sink"
        read -r cpu rss < <(proc_cost "$sink_pid")
        echo "   sink: $cpu CPU s, peak RSS $rss MiB; threads (CPU s): $(thread_cpu_delta /dev/null "$work/threads-sink")"
        kill "$source_pid" "$sink_pid"; wait "$source_pid" "$sink_pid" 2>/dev/null || true
        record "$backlog"
        stop_db target
        continue
      fi
      started="$(now)"
      if [ "$consumer" = qrepl-source ]; then
        # extraction alone: the source reads the backlog into its spool with no sink running
        spool_backlog
        finished="$(now)"
        kill "$source_pid"; wait "$source_pid" 2>/dev/null || true
        record "$backlog"
        stop_db target
        continue
      fi
      "$qrepl" sink run -c "$cfg" > "$cfgdir/sink.log" 2>&1 & sink_pid=$!; pids+=($sink_pid)
      "$qrepl" source run -c "$cfg" > "$cfgdir/source.log" 2>&1 & source_pid=$!; pids+=($source_pid)
      spooled_at="" received_at=""
      poll_open "$tport"
      until poll g "$checkpoint" && seq_in applied "$g" && passed "$applied" && [ "${applied:-0}" -ge "$end_seq" ]; do
        kill -0 "$sink_pid" 2>/dev/null || { echo "sink stopped:" >&2; tail -20 "$cfgdir/sink.log" >&2; exit 1; }
        kill -0 "$source_pid" 2>/dev/null || { echo "source stopped:" >&2; tail -20 "$cfgdir/source.log" >&2; exit 1; }
        # where the time goes (status files are rewritten about once a second)
        prop_in g "$cfgdir/source/status.properties" source.spooled.gtid; seq_in spooled "$g"
        if [ -z "$spooled_at" ] && [ "${spooled:-0}" -ge "$end_seq" ]; then
          spooled_at="$(now)"; prop_in last_seq "$cfgdir/source/status.properties" source.spooled.seq
        fi
        prop_in received "$cfgdir/sink/status.properties" link.received.seq
        if [ -n "$spooled_at" ] && [ -z "$received_at" ] && [ "${received:-0}" -ge "$last_seq" ]; then
          received_at="$(now)"
        fi
        in_time; nap 0.05
      done
      finished="$(now)"
      echo "   source had spooled the backlog after $(python3 -c "print(round(${spooled_at:-$finished} - $started, 1))") s, the sink had received it after $(python3 -c "print(round(${received_at:-$finished} - $started, 1))") s"
      st="$cfgdir/sink/status.properties"
      echo "   sink: $(prop "$st" sink.transactions) transactions in $(prop "$st" sink.commits) standby commits (status of the last second)"
      for agent in source sink; do
        pid="$source_pid"; [ "$agent" = sink ] && pid="$sink_pid"
        thread_cpu "$pid" > "$work/threads-$agent"
        echo "   $agent threads (CPU s): $(thread_cpu_delta /dev/null "$work/threads-$agent")"
        read -r cpu rss < <(proc_cost "$pid")
        cost_row catch-up "$agent" "$i" "$backlog" "$cpu" "$rss" > /dev/null
        echo "   $agent: $cpu CPU s, peak RSS $rss MiB"
      done
      kill "$source_pid" "$sink_pid"; wait "$source_pid" "$sink_pid" 2>/dev/null || true
    fi
    record "$timed"
    stop_db target
  done
done

echo
echo "| consumer | run | backlog (transactions) | seconds to apply | transactions/s | transactions/s, last 3 quarters |"
echo "| --- | --- | --- | --- | --- | --- |"
tail -n +2 "$out/catchup.tsv" | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $8 }'
echo
echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(mariadbd --version | cut -d' ' -f2-4)"
