#!/usr/bin/env bash
# What reading information_schema.TRIGGERS costs on a server with many tables (issue 17): the
# source reads the primary's triggers at each stream start (all schemas) and after a DDL (the schemas
# it names), and the sink looks at the standby's every 30 s. Creates SCHEMAS schemas of TABLES
# tables each (InnoDB), with one trigger per schema, then times each query ROUNDS times in one
# client session, less as many SELECT 1 (the client's own round trip).
#
#   scripts/bench/trigger-catalog.sh [--schemas N] [--tables N] [--rounds N]
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
schemas=10 tables=1000 rounds=20
while [ $# -gt 0 ]; do
  case "$1" in
    --schemas) schemas="$2"; shift 2 ;;
    --tables) tables="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=scripts/bench/lib.sh
. "$repo/scripts/bench/lib.sh"
bench_init trigger-catalog
port="$(freeport)"
start_db primary "$port" 1 --table-open-cache=2000
for s in $(seq 1 "$schemas"); do
  {
    echo "CREATE DATABASE s$s;"
    for t in $(seq 1 "$tables"); do echo "CREATE TABLE s$s.t$t (id INT PRIMARY KEY, v INT);"; done
    echo "CREATE TRIGGER s$s.t1_bi BEFORE INSERT ON s$s.t1 FOR EACH ROW SET NEW.v = 1;"
  } | mariadb --no-defaults -uroot -h127.0.0.1 -P"$port"
done
echo "tables: $(sql "$port" "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE 's%'"), triggers: $(sql "$port" "SELECT COUNT(*) FROM information_schema.TRIGGERS")"
# time_ms SQL: milliseconds per run of SQL, ROUNDS runs in one session, less the same number of SELECT 1
time_ms() {
  local q="$1" a b c
  a=$(date +%s%N)
  for _ in $(seq 1 "$rounds"); do echo "$q;"; done | mariadb --no-defaults -uroot -h127.0.0.1 -P"$port" -N -B >/dev/null
  b=$(date +%s%N)
  for _ in $(seq 1 "$rounds"); do echo "SELECT 1;"; done | mariadb --no-defaults -uroot -h127.0.0.1 -P"$port" -N -B >/dev/null
  c=$(date +%s%N)
  echo $(( ((b - a) - (c - b)) / rounds / 1000000 ))
}
echo "source, all schemas (stream start):    $(time_ms "SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER") ms"
echo "source, one schema (after a DDL):      $(time_ms "SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = 's1' ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER") ms"
echo "sink, the 30 s look (all schemas):     $(time_ms "SELECT COUNT(*), COALESCE(MAX(CREATED), '') FROM information_schema.TRIGGERS") ms"
echo "sink, the 30 s look (one schema):      $(time_ms "SELECT COUNT(*), COALESCE(MAX(CREATED), '') FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = 's1'") ms"
