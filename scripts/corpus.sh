#!/usr/bin/env bash
# The broad run of issue 17's differential test: MariaDB's own mysql-test files (Debian's
# mariadb-test package, /usr/share/mysql/mysql-test) replayed through a real primary, both agents
# and a standby; after each file every table is compared row by row. Writes work/corpus/report.md
# (a markdown table: file, result, reason/detail), rewritten after every file.
#
# It runs CorpusIT through Maven with -Dcorpus.selection=broad (the same runner as the short
# selection that scripts/test.sh runs):
#
#   scripts/corpus.sh [SUITES] [LIMIT] [MINUTES] [FROM]
#     SUITES   comma-separated: main and/or folders under suite/ (default: main,gcol,vcol,versioning,
#              sql_sequence,parts,innodb,json,period,maria,heap,compat/oracle,innodb_fts,innodb_gis,rpl),
#              taken in turn so that a limited run covers each
#     LIMIT    at most this many files (default: all)
#     MINUTES  start no file after this many minutes (default 15)
#     FROM     leave out each suite's first FROM files in name order (default 0): a limited run goes on
#              where an earlier one stopped
#
#   e.g. scripts/corpus.sh main,gcol 200 10
#
#   CORPUS_BIG_TESTS=true runs the files marked big_test too (mysql-test-run's --big-test; they are
#   skipped otherwise).
#
# Results: equal, differs (table and first differing row), stopped (an agent exited: its reason),
# stuck (the standby did not catch up), skipped (the file reached a mysqltest command or statement
# the runner does not model; what ran before was compared), error (the runner failed). The exit code
# is Maven's: non-zero when any file differs, stopped an agent (unless known in CorpusIT), was stuck
# or errored. Needs mariadb-server and mariadb-test (scripts/test.sh installs both).
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
suites="${1:-}"
limit="${2:-1000000}"
minutes="${3:-15}"
from="${4:-0}"
[ -d /usr/share/mysql/mysql-test/main ] || { echo "corpus.sh: install Debian's mariadb-test package (apt-get install mariadb-test)" >&2; exit 1; }

mkdir -p "$repo/work/corpus"
report="$repo/work/corpus/report.md"
cd "$repo"
set +e
mvn -B -q -pl replicator-cli -am verify -Dit.test=CorpusIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dcorpus.selection=broad -Dcorpus.suites="$suites" \
  -Dcorpus.limit="$limit" -Dcorpus.minutes="$minutes" -Dcorpus.from="$from" -Dcorpus.report="$report" \
  -Dcorpus.big-tests="${CORPUS_BIG_TESTS:-false}"
rc=$?
set -e
if [ -f "$report" ]; then
  echo "corpus.sh: report in $report"
  sed -n 3p "$report"
else
  echo "corpus.sh: no report written (see replicator-cli/target/failsafe-reports)" >&2
fi
exit $rc
