#!/usr/bin/env bash
# What a standby spends applying a backlog as BINLOG statements (row events, as MariaDB's own
# replica applies them) instead of SQL: the floor a sink that re-encodes its records as row events
# could reach. Not a scenario of run.sh; it informs the design (docs/benchmarks.md).
#
# Writes an oltp_write_only backlog on a primary, turns its binlog into BINLOG statements with
# mariadb-binlog, and feeds them with the mariadb client to a fresh standby holding the dump, twice:
# one standby transaction per source transaction, and --per-commit source transactions per standby
# transaction (row events of --per-statement transactions in one BINLOG statement). Prints the
# standby's CPU seconds and the wall time of each.
#
#   scripts/bench/binlog-apply.sh [--seconds N] [--threads N] [--per-commit N] [--per-statement N] [--keep]
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
seconds=8 threads=8 tables=4 table_size=20000 per_commit=200 per_statement=50 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --per-commit) per_commit="$2"; shift 2 ;;
    --per-statement) per_statement="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init binlog-apply
bench_password
pport="$(freeport)"
start_primary "$pport"
sysbench_cmd oltp_write_only "$pport"
"${sb[@]}" prepare >/dev/null
mariadb-dump --no-defaults -uroot -h127.0.0.1 -P"$pport" --single-transaction --skip-dump-date sbtest > "$work/dump.sql"
sql "$pport" "FLUSH BINARY LOGS"
first="$(sql "$pport" "SHOW MASTER STATUS" | cut -f1)"
echo "== backlog: oltp_write_only ${seconds}s, ${threads} threads"
"${sb[@]}" --threads="$threads" --time="$seconds" --rand-seed="$(date +%s)" --report-interval=0 run | grep -E "transactions:" || true
sql "$pport" "FLUSH BINARY LOGS"
mariadb-binlog --no-defaults "$work/primary/data/$first" > "$work/events.sql"
python3 - "$work/events.sql" "$work" "$per_commit" "$per_statement" <<'PY'
import base64, re, sys
text, work, per_commit, per_statement = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
items = []  # event bytes of each BINLOG statement, None at each COMMIT
for m in re.finditer(r"^BINLOG '\n(.*?)\n'/\*!\*/;|^COMMIT/\*!\*/;", open(text).read(), re.M | re.S):
    items.append(None if m.group(0).startswith("COMMIT") else base64.b64decode("".join(m.group(1).split())))
fde, events = items[0], items[1:]  # the first is the format description event the others need
def write(name, commit_every, statement_every):
    out, buf, n = ["BINLOG '" + base64.b64encode(fde).decode() + "';", "BEGIN;"], [], 0
    def flush():
        if buf:
            out.append("BINLOG '" + base64.b64encode(b"".join(buf)).decode() + "';")
            buf.clear()
    for e in events:
        if e is not None:
            buf.append(e)
            continue
        n += 1
        if n % statement_every == 0 or n % commit_every == 0:
            flush()
        if n % commit_every == 0:
            out.append("COMMIT; BEGIN;")
    flush()
    out.append("COMMIT;")
    open(f"{work}/{name}.sql", "w").write("\n".join(out) + "\n")
    print(f"== {name}: {n} transactions in {len(out)} statements")
write("per-transaction", 1, 1)
write("merged", per_commit, per_statement)
PY
for f in per-transaction merged; do
  tport="$(freeport)"
  start_standby "$f" "$tport"
  mariadb --no-defaults -uroot -h127.0.0.1 -P"$tport" sbtest < "$work/dump.sql"
  pid="$(cat "$work/$f/m.pid")"
  read -r cpu0 _ < <(proc_cost "$pid"); t0="$(date +%s.%N)"
  mariadb --no-defaults -uroot -h127.0.0.1 -P"$tport" < "$work/$f.sql"
  t1="$(date +%s.%N)"; read -r cpu1 _ < <(proc_cost "$pid")
  echo "$f: standby $(python3 -c "print(round($cpu1 - $cpu0, 2))") CPU s, $(python3 -c "print(round($t1 - $t0, 2))") s"
  stop_db "$f"
done
