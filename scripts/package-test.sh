#!/usr/bin/env bash
# Installs, runs, upgrades and removes the Debian package on this machine, as root:
#   1. dpkg -i: launcher, libraries, units, docs, the system user, directories with owners and modes;
#      systemd-analyze verify and security on the installed units
#   2. two local mariadbd (primary, read-only standby), qrepl init into /etc/qreplicator, both agents
#      started from their units (scripts/package/unit-exec.sh where systemd is not PID 1), a write
#      replicated, qrepl status OK
#   3. upgrade to the same build under a higher version: conffile edits kept, agents restarted, still replicating
#   4. dpkg -r (binaries gone, config and data kept), dpkg --purge (config gone, data and user kept)
# Leaves the machine as it found it, but for /var/lib/qreplicator.package-test-* (the data purge keeps).
#   sudo scripts/package-test.sh [--no-build] [--help]
set -euo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  ''|--no-build) ;;
  *) echo "package-test: unknown option $1 (use --no-build or --help)" >&2; exit 2 ;;
esac
repo="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
[ "$(id -u)" -eq 0 ] || { echo "package-test: run as root (it installs a package)" >&2; exit 2; }
dpkg -s qreplicator >/dev/null 2>&1 && { echo "package-test: qreplicator is installed already; remove it first (dpkg --purge qreplicator)" >&2; exit 2; }
user_existed=""; getent passwd qreplicator >/dev/null && user_existed=1
[ -e /var/lib/qreplicator ] && { echo "package-test: /var/lib/qreplicator exists (a real install's data?); move it aside first" >&2; exit 2; }
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf 'package-test: FAILED: %s\n' "$*" >&2; exit 1; }
check() { local what="$1"; shift; if "$@"; then echo "   ok: $what"; else fail "$what"; fi; }

if [ "${1:-}" != --no-build ]; then
  say "building the package (mvn package, tests skipped)"
  (cd "$repo" && mvn -B -q -DskipTests package)
fi
deb="" # the newest build (no `ls -t | head`: its SIGPIPE under pipefail ended the test without a word)
for f in "$repo"/replicator-dist/target/qreplicator_*_all.deb; do { [ -z "$deb" ] || [ "$f" -nt "$deb" ]; } && deb="$f"; done
[ -f "$deb" ] || fail "no .deb in replicator-dist/target"

work="$(mktemp -d /tmp/qrepl-package-test.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for d in primary standby; do [ -f "$work/$d/m.pid" ] && kill -TERM "$(cat "$work/$d/m.pid")" 2>/dev/null || true; done
  sleep 1
  dpkg -s qreplicator >/dev/null 2>&1 && dpkg --purge qreplicator >/dev/null 2>&1 || true
  # the purge keeps the data dir by design: move the test's aside
  [ -d /var/lib/qreplicator ] && mv /var/lib/qreplicator "/var/lib/qreplicator.package-test-$(date +%s)"
  # purge keeps the user that owns the data; the test created it, so the test removes it
  if [ -z "$user_existed" ] && getent passwd qreplicator >/dev/null; then userdel qreplicator 2>/dev/null || true; fi
  getent group qreplicator >/dev/null && [ -z "$user_existed" ] && { groupdel qreplicator 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

say "1. install $(basename "$deb")"
dpkg -i "$deb" >"$work/dpkg-install.log" 2>&1 || { cat "$work/dpkg-install.log"; fail "dpkg -i"; }
check "qrepl on the PATH prints its version" bash -c 'qrepl --version | grep -q "^qrepl .* (commit "'
check "qrepl status --help exits 0 on stdout" bash -c 'qrepl status --help | grep -q "^Usage: qrepl status"'
check "system user qreplicator" getent passwd qreplicator
check "/var/lib/qreplicator owned by qreplicator, 0750" bash -c '[ "$(stat -c "%U:%G %a" /var/lib/qreplicator)" = "qreplicator:qreplicator 750" ]'
check "/etc/qreplicator root:qreplicator, 0750" bash -c '[ "$(stat -c "%U:%G %a" /etc/qreplicator)" = "root:qreplicator 750" ]'
check "units installed" test -f /lib/systemd/system/qrepl-source@.service -a -f /lib/systemd/system/qrepl-sink@.service
check "docs installed" test -f /usr/share/doc/qreplicator/install.md
check "alert rules and dashboard installed" test -f /usr/share/qreplicator/conf/prometheus/qreplicator-alerts.yml
for u in qrepl-source@shard0-source.service qrepl-sink@shard0-sink.service; do
  check "systemd-analyze verify $u" bash -c "systemd-analyze verify /lib/systemd/system/${u%%@*}@.service 2>&1 | grep -v '^$' | (! grep -q .)"
  score="$(systemd-analyze security --offline=yes "/lib/systemd/system/${u%%@*}@.service" 2>/dev/null | tail -n1)"
  echo "   $score"
  check "$u rated OK or better" bash -c "echo '$score' | grep -Eq ' (OK|SAFE) '"
done

say "2. a primary and a standby, qrepl init, both agents from their units"
mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pport="$(free_port)"; sport="$(free_port)"; lport="$(free_port)"
start_server() {
  local d="$work/$1" port="$2"; shift 2
  mkdir -p "$d"
  mariadb-install-db --no-defaults --datadir="$d/data" --user=root --auth-root-authentication-method=normal --skip-test-db >"$d/install.log" 2>&1
  "$mariadbd" --no-defaults --user=root --datadir="$d/data" --socket="$d/s.sock" --pid-file="$d/m.pid" --log-error="$d/err.log" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve "$@" >/dev/null 2>&1 &
  for _ in $(seq 1 120); do mariadb --no-defaults -uroot -h127.0.0.1 -P"$port" -e 'SELECT 1' >/dev/null 2>&1 && return 0; sleep 0.25; done
  fail "mariadbd $d did not start"
}
start_server primary "$pport" --server-id=1 --log-bin=mysql-bin --binlog-format=ROW --binlog-row-image=FULL --binlog-row-metadata=FULL
start_server standby "$sport" --server-id=2 --read-only
head -c 18 /dev/urandom | base64 | tr -d '/+=' > /etc/qreplicator/db.password
chgrp qreplicator /etc/qreplicator/db.password; chmod 0640 /etc/qreplicator/db.password
pw="$(cat /etc/qreplicator/db.password)"
for port in "$pport" "$sport"; do
  mariadb --no-defaults -uroot -h127.0.0.1 -P"$port" -e "CREATE USER 'qrepl'@'127.0.0.1' IDENTIFIED BY '$pw'; GRANT ALL ON *.* TO 'qrepl'@'127.0.0.1'"
done
setpriv --reuid=qreplicator --regid=qreplicator --init-groups -- qrepl init --primary "127.0.0.1:$pport" --standby "127.0.0.1:$sport" \
  --user qrepl --password-file /etc/qreplicator/db.password --data-dir /var/lib/qreplicator --link "127.0.0.1:$lport" \
  --output /var/lib/qreplicator/qreplicator.yaml >"$work/init.log" 2>&1 || { cat "$work/init.log"; fail "qrepl init as qreplicator"; }
install -o root -g qreplicator -m 0640 /var/lib/qreplicator/qreplicator.yaml /etc/qreplicator/qreplicator.yaml
check "config check" bash -c 'qrepl config check -c /etc/qreplicator/qreplicator.yaml >/dev/null'
start_agents() {
  "$repo/scripts/package/unit-exec.sh" /lib/systemd/system/qrepl-sink@.service shard0-sink >>"$work/sink.log" 2>&1 &
  pids+=($!)
  "$repo/scripts/package/unit-exec.sh" /lib/systemd/system/qrepl-source@.service shard0-source >>"$work/source.log" 2>&1 &
  pids+=($!)
}
stop_agents() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
replicated() { # value: a row written on the primary arrives on the standby
  mariadb --no-defaults -uroot -h127.0.0.1 -P"$pport" -e "CREATE DATABASE IF NOT EXISTS pt; CREATE TABLE IF NOT EXISTS pt.t (v VARCHAR(40) PRIMARY KEY); INSERT INTO pt.t VALUES ('$1')"
  for _ in $(seq 1 240); do
    [ "$(mariadb --no-defaults -uroot -h127.0.0.1 -P"$sport" -N -e "SELECT COUNT(*) FROM pt.t WHERE v = '$1'" 2>/dev/null)" = 1 ] && return 0
    sleep 0.25
  done
  tail -n 20 "$work/source.log" "$work/sink.log" >&2
  return 1
}
attached() { # the source chose its start position: what the primary writes from now on reaches the standby
  for _ in $(seq 1 240); do
    grep -q '^source.spooled.seq=[1-9]' /var/lib/qreplicator/source/status.properties 2>/dev/null && return 0
    sleep 0.25
  done
  return 1
}
start_agents
check "the source attached" attached
check "a row replicates through the installed agents" replicated first
check "the agents run as qreplicator" bash -c "ps -o user= -C java | grep -q qreplicator"
check "the agents log their version at start" grep -q "starting: qrepl" "$work/source.log"
check "qrepl status exits 0" bash -c 'qrepl status -c /etc/qreplicator/qreplicator.yaml >/dev/null'
archives_written() { # by the running agents, a minute after they began to run: a crash after that leaves one
  for _ in $(seq 1 120); do
    grep -q "class archive written after 60 s running" "$work/source.log" && grep -q "class archive written after 60 s running" "$work/sink.log" \
      && test -s /var/lib/qreplicator/cds/source-shard0-source.jsa -a -s /var/lib/qreplicator/cds/sink-shard0-sink.jsa && return 0
    sleep 1
  done
  return 1
}
check "each agent wrote its AppCDS archive while running" archives_written

say "3. upgrade to a higher version of the same build"
printf '# edited by the operator\nQREPL_LOG_LEVEL=info\n' >> /etc/qreplicator/qrepl.env
mkdir -p "$work/repack"
dpkg-deb -R "$deb" "$work/repack/root"
old="$(dpkg-deb -f "$deb" Version)"
sed -i "s/^Version: .*/Version: ${old}+upgrade1/" "$work/repack/root/DEBIAN/control"
# a package keeps its build's mtimes: this one was built an hour ago, before the agents' archives
# below were written (the AppCDS archive of the old jars must not look fresh to the new version)
find "$work/repack/root" -path "$work/repack/root/DEBIAN" -prune -o -exec touch -h -d '1 hour ago' {} +
dpkg-deb -b "$work/repack/root" "$work/repack/upgrade.deb" >/dev/null
DEBIAN_FRONTEND=noninteractive dpkg -i --force-confold "$work/repack/upgrade.deb" >"$work/dpkg-upgrade.log" 2>&1 || { cat "$work/dpkg-upgrade.log"; fail "upgrade"; }
# systemd's postinst try-restarts the agents once the new files are in place; the stand-in does it by
# hand. These agents wrote an archive of the jars they started with, the old ones.
stop_agents
check "each agent's AppCDS archive of the old jars is there at the upgrade's restart" test -s /var/lib/qreplicator/cds/source-shard0-source.jsa \
  -a -s /var/lib/qreplicator/cds/sink-shard0-sink.jsa
check "version is the upgrade's" bash -c "[ \"\$(dpkg-query -W -f='\${Version}' qreplicator)\" = '${old}+upgrade1' ]"
check "the operator's edit of qrepl.env kept" grep -q "edited by the operator" /etc/qreplicator/qrepl.env
check "the config kept" test -f /etc/qreplicator/qreplicator.yaml
start_agents
check "replication resumes after the upgrade" replicated second
check "the launcher offered no agent the archive of the old jars (it removed both, to write them again)" \
  bash -c "for a in /var/lib/qreplicator/cds/source-shard0-source.jsa /var/lib/qreplicator/cds/sink-shard0-sink.jsa; do \
      test ! -e \$a -o \$a -nt \$a.inputs || exit 1; done && kill -0 ${pids[0]} ${pids[1]} && ! grep -q 'cds/.*\.jsa' /proc/${pids[0]}/maps /proc/${pids[1]}/maps"
check "no JVM refused an archive (it warns: Unable to use shared archive)" \
  bash -c "! grep -h 'Unable to use shared archive' '$work/source.log' '$work/sink.log'"
stop_agents
start_agents
check "replication resumes after a restart" replicated third
check "each agent's JVM maps the archive written again" \
  bash -c "grep -q cds/source-shard0-source.jsa /proc/${pids[1]}/maps && grep -q cds/sink-shard0-sink.jsa /proc/${pids[0]}/maps"
stop_agents

say "4. remove, then purge"
dpkg -r qreplicator >"$work/dpkg-remove.log" 2>&1 || { cat "$work/dpkg-remove.log"; fail "dpkg -r"; }
check "qrepl gone" bash -c '! command -v qrepl >/dev/null'
check "config kept after remove" test -f /etc/qreplicator/qreplicator.yaml
check "data kept after remove" test -d /var/lib/qreplicator/source/spool
dpkg --purge qreplicator >"$work/dpkg-purge.log" 2>&1 || { cat "$work/dpkg-purge.log"; fail "dpkg --purge"; }
check "config gone after purge" test ! -e /etc/qreplicator
check "user kept after purge (it owns the data kept)" getent passwd qreplicator
check "data kept after purge" test -d /var/lib/qreplicator/source/spool
echo "   (the test's data dir is moved to /var/lib/qreplicator.package-test-* on exit)"
say "package test passed"
