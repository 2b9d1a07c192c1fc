#!/usr/bin/env bash
# Qreplicator quickstart: a local primary and a read-only standby (two mariadbd processes on
# loopback ports), the source and sink agents between them, a small workload, and the proof that
# it arrived. Safe to run again: it stops what a previous run left and resumes from its data.
#
#   scripts/quickstart.sh          set up (if needed), start everything, write a workload, show it
#   scripts/quickstart.sh stop     stop the agents and both servers (data is kept)
#   scripts/quickstart.sh clean    stop, then delete the work dir
#
# Environment: QREPL_WORK (default: <repo>/work/quickstart), QREPL_PRIMARY_PORT (33061),
# QREPL_STANDBY_PORT (33062), QREPL_LINK_PORT (4750).
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
work="${QREPL_WORK:-$repo/work/quickstart}"
pport="${QREPL_PRIMARY_PORT:-33061}"
sport="${QREPL_STANDBY_PORT:-33062}"
lport="${QREPL_LINK_PORT:-4750}"
qrepl="$repo/bin/qrepl"
cfg="$work/qreplicator.yaml"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'quickstart: %s\n' "$*" >&2; exit 1; }

stop_pid() { # name pidfile
  local f="$2"
  [ -f "$f" ] || return 0
  local pid; pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && { echo "   $1 did not stop in 30 s; killing it"; kill -KILL "$pid" 2>/dev/null || true; }
    echo "   stopped $1 (pid $pid)"
  fi
  rm -f "$f"
}

stop_all() {
  stop_pid "source agent" "$work/run/source.pid"
  stop_pid "sink agent" "$work/run/sink.pid"
  stop_pid "primary mariadbd" "$work/primary/m.pid"
  stop_pid "standby mariadbd" "$work/standby/m.pid"
}

case "${1:-start}" in
  stop) say "stopping the quickstart in $work"; stop_all; exit 0 ;;
  clean) say "stopping and removing $work"; stop_all; rm -rf "$work"; exit 0 ;;
  start) ;;
  *) die "unknown command '$1' (use: start, stop, clean)" ;;
esac

need_root_for_install() {
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "$1 is missing and installing it needs root; install it or run as root"
    echo sudo
  fi
}

if ! command -v mariadbd >/dev/null && [ ! -x /usr/sbin/mariadbd ]; then
  say "installing MariaDB from Debian packages"
  s="$(need_root_for_install mariadb-server)"
  $s apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $s apt-get install -y -qq mariadb-server mariadb-client >/dev/null
fi
command -v java >/dev/null || die "java is missing: install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
command -v mvn >/dev/null || die "mvn is missing: apt-get install maven"
mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
mariadb_cli="$(command -v mariadb || command -v mysql)"

say "building Qreplicator (mvn package, tests skipped here: scripts/test.sh runs them)"
(cd "$repo" && mvn -B -q -DskipTests package)

say "stopping anything a previous run left"
stop_all
mkdir -p "$work/run" "$work/logs"

start_server() { # name port extra-options...
  local name="$1" port="$2"; shift 2
  local d="$work/$name"
  if [ ! -d "$d/data/mysql" ]; then
    mkdir -p "$d"
    mariadb-install-db --no-defaults --datadir="$d/data" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$d/install.log" 2>&1 \
      || die "mariadb-install-db failed for $name: see $d/install.log"
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is in use by another program; set QREPL_${name^^}_PORT to a free port"
  fi
  "$mariadbd" --no-defaults --user="$(id -un)" --datadir="$d/data" --socket="$d/s.sock" --pid-file="$d/m.pid" \
    --log-error="$d/err.log" --port="$port" --bind-address=127.0.0.1 --skip-name-resolve "$@" \
    >"$d/stdout.log" 2>&1 &
  for _ in $(seq 1 120); do
    "$mariadb_cli" --no-defaults -uroot -h127.0.0.1 -P"$port" -e 'SELECT 1' >/dev/null 2>&1 && { echo "   $name mariadbd on 127.0.0.1:$port"; return 0; }
    sleep 0.25
  done
  die "$name mariadbd did not start: see $d/err.log"
}

say "starting the primary (ROW binlog) and the read-only standby"
start_server primary "$pport" --server-id=1 --log-bin=mysql-bin --binlog-format=ROW --binlog-row-image=FULL --binlog-row-metadata=FULL
start_server standby "$sport" --server-id=2 --read-only --max-allowed-packet=64M  # four times the primary's: docs/install.md

sql() { "$mariadb_cli" --no-defaults -uroot -h127.0.0.1 -P"$1" -N -B -e "$2"; }

pwfile="$work/qrepl.password"
[ -f "$pwfile" ] || { head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$pwfile"; chmod 600 "$pwfile"; }
pw="$(head -n1 "$pwfile")"
for port in "$pport" "$sport"; do
  sql "$port" "SET sql_log_bin=0; CREATE USER IF NOT EXISTS 'qrepl'@'127.0.0.1' IDENTIFIED BY '$pw';
    ALTER USER 'qrepl'@'127.0.0.1' IDENTIFIED BY '$pw';
    GRANT ALL PRIVILEGES ON *.* TO 'qrepl'@'127.0.0.1';"
done

say "writing the config with qrepl init"
"$qrepl" init --primary "127.0.0.1:$pport" --standby "127.0.0.1:$sport" --user qrepl --password-file "$pwfile" \
  --data-dir "$work" --link "127.0.0.1:$lport" --cluster quickstart --output "$cfg" --force
"$qrepl" config check -c "$cfg" >/dev/null

say "starting the sink and source agents (logs in $work/logs)"
nohup "$qrepl" sink run -c "$cfg" >>"$work/logs/sink.log" 2>&1 &
echo $! >"$work/run/sink.pid"
nohup "$qrepl" source run -c "$cfg" >>"$work/logs/source.log" 2>&1 &
echo $! >"$work/run/source.pid"
for _ in $(seq 1 120); do
  [ -f "$work/sink/status.properties" ] && [ -f "$work/source/status.properties" ] && break
  kill -0 "$(cat "$work/run/sink.pid")" 2>/dev/null || { tail -n 20 "$work/logs/sink.log"; die "the sink agent stopped"; }
  kill -0 "$(cat "$work/run/source.pid")" 2>/dev/null || { tail -n 20 "$work/logs/source.log"; die "the source agent stopped"; }
  sleep 0.5
done

say "writing a small workload on the primary"
run="$(date +%s)"
sql "$pport" "CREATE DATABASE IF NOT EXISTS demo;
  CREATE TABLE IF NOT EXISTS demo.payments (id BIGINT PRIMARY KEY AUTO_INCREMENT, run BIGINT NOT NULL,
    amount DECIMAL(12,2) NOT NULL, currency CHAR(3) NOT NULL, note VARCHAR(100), created DATETIME(6) NOT NULL);
  USE demo;
  INSERT INTO demo.payments (run, amount, currency, note, created)
    SELECT $run, seq * 1.25, ELT(1 + seq % 3, 'EUR', 'USD', 'CHF'), CONCAT('payment ', seq), NOW(6) FROM seq_1_to_1000;
  UPDATE demo.payments SET note = CONCAT(note, ' (settled)') WHERE run = $run AND id % 10 = 0;
  DELETE FROM demo.payments WHERE run = $run AND id % 7 = 0;"
want="$(sql "$pport" "SELECT COUNT(*), COALESCE(SUM(amount),0) FROM demo.payments")"
echo "   primary: rows, sum(amount) = $want"
for _ in $(seq 1 120); do
  got="$(sql "$sport" "SELECT COUNT(*), COALESCE(SUM(amount),0) FROM demo.payments" 2>/dev/null || true)"
  [ "$got" = "$want" ] && break
  sleep 0.5
done
echo "   standby: rows, sum(amount) = ${got:-nothing yet}"
[ "$got" = "$want" ] || { "$qrepl" status -c "$cfg"; die "the standby did not catch up within 60 s; see $work/logs"; }

say "qrepl status"
"$qrepl" status -c "$cfg"

cat <<MSG

The primary (127.0.0.1:$pport) replicates to the standby (127.0.0.1:$sport) through Qreplicator.
  Try it:   mariadb -uroot -h127.0.0.1 -P$pport -e "INSERT INTO demo.payments (run, amount, currency, created) VALUES (0, 9.99, 'EUR', NOW(6))"
            mariadb -uroot -h127.0.0.1 -P$sport -e "SELECT COUNT(*) FROM demo.payments"
  Status:   bin/qrepl status -c $cfg
  Logs:     $work/logs/source.log, $work/logs/sink.log
  Stop all: scripts/quickstart.sh stop      (scripts/quickstart.sh clean also deletes $work)
MSG
