#!/usr/bin/env bash
# Session merge-patch throughput and kill -9 durability (issue 14, BENCHMARKS.md "Session writes"): cold H2,
# hot H2, hot (and cold) PostgreSQL with wrk, then a kill -9 under 64 writers on each database, restart and
# re-read of every acknowledged patch. Installs wrk (Debian package) if missing. PostgreSQL is the tests'
# embedded one unless SWITCHBOARD_TEST_PG_URL (and _USER, _PASSWORD) name another.
# Options as -D properties: bench/sessions.sh -Dbench.seconds=20 -Dbench.jfr=/tmp/cold.jfr -Dbench.databases=h2
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi
. bin/jdk.sh
sb_select_jdk
sb_quiet_maven
uptime
mvn -B -q -pl server test -Dtest=SessionWritesBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dspotless.check.skip=true "$@"
cat server/target/bench-sessions.md
