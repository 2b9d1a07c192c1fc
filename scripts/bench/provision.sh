#!/usr/bin/env bash
# Provision benchmark (issue 18), on loopback with the agents' defaults (TLS, zstd-stream):
#  1. rows copied per second and wire bytes: `qrepl provision` of sysbench's tables (--tables x
#     --table-size rows) onto an empty standby, no other writes, no bandwidth limit; the copy's time
#     is until the sink has the run's end (the verify that the command runs afterwards is not in it,
#     but it must find every table equal);
#  2. the same data the classic ways, bytes as they would cross a link: mariadb-dump
#     --single-transaction | zstd, and mariadb-backup --backup --stream=xbstream | zstd;
#  3. the primary's p99 query latency under sysbench oltp_read_write (--rate tx/s, 4 threads) for
#     --seconds, once alone and once while `qrepl provision --force` copies the same tables again.
#
#   scripts/bench/provision.sh [--tables 4] [--table-size 250000] [--rate 200] [--seconds 60] [--parallel 1] [--charset CS]
#                              [--chunk-rows N] [--max-unapplied-bytes SIZE] [--data sysbench|public] [--zstd-level N] [--out DIR] [--keep]
# --data public copies, instead of sysbench's tables, the public data sets that scripts/bench/public-data.py
# loads from Debian's mariadb-test package (world, US ZIP codes, Unicode's collation table: data nobody here
# wrote, unlike sysbench's random digits) and runs parts 1 and 2 only (part 3 needs sysbench's tables);
# --tables, --table-size, --rate and --seconds are then not used.
# --chunk-rows and --max-unapplied-bytes set the source's provision.chunk-rows and
# provision.max-unapplied-bytes (default: the config's defaults); --zstd-level N the link's links[].zstd-level.
# --parallel N is passed to qrepl provision (tables copied at once); --charset CS starts both servers
# with --character-set-server=CS (default: the server's own default, latin1), which sysbench's tables take.
# Writes DIR/provision.tsv. Installs mariadb-backup (Debian package) when it is missing.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
tables=4 table_size=250000 rate=200 seconds=60 parallel=1 charset="" chunk_rows="" max_unapplied_bytes="" data=sysbench zstd_level="" out="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tables) tables="$2"; shift 2 ;;
    --table-size) table_size="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --charset) charset="$2"; shift 2 ;;
    --chunk-rows) chunk_rows="$2"; shift 2 ;;
    --max-unapplied-bytes) max_unapplied_bytes="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --zstd-level) zstd_level="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$data" in sysbench) db=sbtest ;; public) db=pubdata ;; *) echo "--data takes sysbench or public, not $data" >&2; exit 2 ;; esac
if ! command -v mariadb-backup >/dev/null; then
  echo "== installing mariadb-backup"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq mariadb-backup zstd >/dev/null
fi
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init provision
out="${out:-$work/out}"; mkdir -p "$out"
echo "== building"
bench_qrepl
printf 'measure\tvalue\tunit\tcommand\n' > "$out/provision.tsv"
row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" | tee -a "$out/provision.tsv"; }

pport="$(freeport)" tport="$(freeport)"
server_opts=()
[ -z "$charset" ] || server_opts=(--character-set-server="$charset")
start_primary "$pport" "${server_opts[@]}"
start_standby standby "$tport" "${server_opts[@]}"
if [ "$data" = sysbench ]; then
  sysbench_cmd oltp_read_write "$pport"
  echo "== prepare ${tables} x ${table_size} rows"
  "${sb[@]}" prepare >/dev/null
  rows=$((tables * table_size))
else
  echo "== load the public data sets"
  python3 "$repo/scripts/bench/public-data.py" | mariadb --no-defaults --default-character-set=utf8mb4 -uroot -h127.0.0.1 -P"$pport" >/dev/null
  rows="$(sql "$pport" "SELECT (SELECT COUNT(*) FROM pubdata.Country) + (SELECT COUNT(*) FROM pubdata.City)
    + (SELECT COUNT(*) FROM pubdata.CountryLanguage) + (SELECT COUNT(*) FROM pubdata.zips) + (SELECT COUNT(*) FROM pubdata.uca_keys)")"
fi
cfgdir="$work/qrepl"
"$qrepl" init --primary "127.0.0.1:$pport" --standby "127.0.0.1:$tport" --user qrepl --password-file "$work/pw" \
  --data-dir "$cfgdir" --link "127.0.0.1:$(freeport)" >/dev/null
cfg="$cfgdir/qreplicator.yaml"
[ -z "$zstd_level" ] || link_zstd_level "$cfg" "$zstd_level"
keys=""
provision_keys=()
[ -z "$chunk_rows" ] || provision_keys+=("chunk-rows: $chunk_rows")
[ -z "$max_unapplied_bytes" ] || provision_keys+=("max-unapplied-bytes: $max_unapplied_bytes")
if [ ${#provision_keys[@]} -gt 0 ]; then
  keys="$(IFS=,; echo "${provision_keys[*]}")"
  source_keys "$cfg" provision "$keys"
fi
"$qrepl" sink run -c "$cfg" > "$cfgdir/sink.log" 2>&1 & pids+=($!)
"$qrepl" source run -c "$cfg" > "$cfgdir/source.log" 2>&1 & pids+=($!)
st="$cfgdir/source/status.properties" sk="$cfgdir/sink/status.properties"
for _ in $(seq 1 600); do [ "$(prop "$st" link.connected)" = true ] && break; nap 0.1; done
wire() { echo $(( $(prop "$st" link.wire-bytes-out) + $(prop "$st" link.wire-bytes-in) )); }

# provision RUN [--force]: runs qrepl provision in the background; sets $copy_s (until the sink has
# the run's end) and fails the benchmark if the command (with its verify) does not exit 0
provision() {
  local run="$1"; shift
  local t0 t1 rc=0 p ended
  t0="$(date +%s.%N)"
  "$qrepl" provision -c "$cfg" --tables "$db.*" --parallel "$parallel" --run "$run" "$@" > "$work/$run.out" 2> "$work/$run.err" & p=$!
  while :; do
    ended="$(prop "$sk" sink.provision)"
    case "$ended" in "ended $run:"*) break ;; esac
    kill -0 "$p" 2>/dev/null || break
    nap 0.05
  done
  t1="$(date +%s.%N)"
  wait "$p" || rc=$?
  [ "$rc" -eq 0 ] || { echo "qrepl provision exited $rc:" >&2; cat "$work/$run.out" "$work/$run.err" >&2; exit 1; }
  copy_s="$(python3 -c "print(round($t1 - $t0, 2))")"
}

echo "== 1. provision ${rows} rows onto an empty standby"
logical="$(mariadb-dump --no-defaults -uroot -h127.0.0.1 -P"$pport" --single-transaction --skip-dump-date "$db" | wc -c)"
data_length="$(sql "$pport" "SELECT SUM(data_length) FROM information_schema.tables WHERE table_schema='$db'")"
w0="$(wire)"
provision copy1
w1="$(wire)"
cat "$work/copy1.out"
gb="$(python3 -c "print($logical / 1e9)")"
row "rows copied per second" "$(python3 -c "print(round($rows / $copy_s))")" "rows/s" \
  "qrepl provision --tables '$db.*' --parallel $parallel ($rows rows, ${copy_s}s to the sink's end of the run${keys:+; provision: {$keys\}}${zstd_level:+; links[].zstd-level $zstd_level})"
row "logical data size" "$logical" "bytes" "mariadb-dump --single-transaction $db | wc -c (InnoDB data_length: $data_length)"
row "qrepl provision on the wire" "$((w1 - w0))" "bytes" "link wire bytes both ways, TLS included (heartbeats included)"
row "qrepl provision per GB of logical data" "$(python3 -c "print(round(($w1 - $w0) / $gb / 1e6, 1))")" "MB/GB" \
  "wire bytes / logical size (goal: at most 250 MB/GB, a quarter)"

echo "== 2. the classic ways, compressed with zstd (level 3, its default)"
dump="$(mariadb-dump --no-defaults -uroot -h127.0.0.1 -P"$pport" --single-transaction --skip-dump-date "$db" | zstd -q -3 -c | wc -c)"
row "mariadb-dump | zstd" "$dump" "bytes" "mariadb-dump --single-transaction $db | zstd -3 | wc -c"
row "mariadb-dump | zstd per GB of logical data" "$(python3 -c "print(round($dump / $gb / 1e6, 1))")" "MB/GB" ""
backup="$(mariadb-backup --no-defaults --backup --stream=xbstream --user=root --host=127.0.0.1 --port="$pport" \
  --socket="$work/primary/s.sock" --datadir="$work/primary/data" --target-dir="$work/backup-tmp" \
  --databases="$db" 2>"$work/backup.err" | zstd -q -3 -c | wc -c)"
row "mariadb-backup --stream | zstd" "$backup" "bytes" \
  "mariadb-backup --backup --stream=xbstream --databases=$db | zstd -3 | wc -c (carries InnoDB's system files too)"
row "mariadb-backup | zstd per GB of logical data" "$(python3 -c "print(round($backup / $gb / 1e6, 1))")" "MB/GB" ""

if [ "$data" = public ]; then echo; column -t -s$'\t' "$out/provision.tsv"; exit 0; fi

latency() { # latency LABEL: p99 of sysbench oltp_read_write at $rate tx/s
  "${sb[@]}" --threads=4 --time="$seconds" --rate="$rate" --percentile=99 --report-interval=0 run > "$work/sb-$1.log" 2>&1
  awk '/99th percentile:/ {print $3}' "$work/sb-$1.log"
}
echo "== 3. primary p99 under sysbench oltp_read_write at $rate tx/s, ${seconds}s, alone and during a copy"
row "primary p99 without provisioning" "$(latency without)" "ms" \
  "sysbench oltp_read_write --threads=4 --rate=$rate --time=$seconds"
# copies follow one another during the window; the one running at its end is let finish, and checked
( n=2; while [ ! -e "$work/stop-copies" ]; do provision "copy$n" --force >/dev/null; n=$((n + 1)); done; echo "$n" > "$work/copies" ) & loop=$!
p99_with="$(latency with)"
touch "$work/stop-copies"
wait "$loop" || { echo "a copy under load failed (see $work/copy*.out)" >&2; exit 1; }
row "primary p99 during provisioning" "$p99_with" "ms" \
  "same, with qrepl provision --tables 'sbtest.*' --force one after another ($(( $(cat "$work/copies") - 2 )) copies, each verified equal)"
echo
column -t -s$'\t' "$out/provision.tsv"
