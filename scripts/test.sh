#!/usr/bin/env bash
# Runs the whole test suite: unit tests (*Test) and integration tests against real mariadbd
# processes (*IT). Installs what the tests need first (MariaDB server, sysbench, the mariadb-test
# corpus, Chromium, promtool) when missing.
# Extra arguments go to Maven, e.g. scripts/test.sh -pl replicator-sink -Dit.test=ApplyIT
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"

missing=()
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
command -v mariadb-binlog >/dev/null || missing+=(mariadb-client)
command -v sysbench >/dev/null || missing+=(sysbench)
# MariaDB's own test files: the corpus CorpusIT replays (it fails, not skips, without them)
[ -d /usr/share/mysql/mysql-test/main ] || missing+=(mariadb-test)
# headless Chromium renders the audit report's HTML for AuditReportIT's screenshot
[ -x /usr/bin/chromium ] || missing+=(chromium)
# promtool checks the Prometheus alerting rules in conf/prometheus (AlertRulesTest)
[ -x /usr/bin/promtool ] || missing+=(prometheus)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} from Debian packages"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "test.sh: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v mvn >/dev/null || { echo "test.sh: mvn is missing: apt-get install maven" >&2; exit 1; }

cd "$repo"
exec mvn -B verify "$@"
