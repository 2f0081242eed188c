#!/bin/bash
# Runs CrashDurabilityIT repeatedly (already test-compiled classes, surefire:test only) and
# prints one line per run: the "h2: N creates acknowledged ..., M lost" lines and the verdict.
# usage: bench/h2-crash-loop.sh RUNS [extra mvn -D options, e.g. -Dh2.version=2.3.232]
# Add CPU pressure yourself (e.g. `taskset -c 0 sh -c 'while :; do :; done' &`), bounded in time.
set -u
runs=${1:-10}; shift || true
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow"
cd "$(dirname "$0")/.."
for i in $(seq 1 "$runs"); do
  rm -f server/target/surefire-reports/*CrashDurabilityIT*
  out=$(mvn -B -o -pl server surefire:test -Dtest='CrashDurabilityIT' \
    -Dsurefire.failIfNoSpecifiedTests=false "$@" 2>&1)
  lines=$(grep -hE "^(h2|postgres): " server/target/surefire-reports/*CrashDurabilityIT-output.txt \
    2>/dev/null | tr '\n' ' ')
  if grep -q "BUILD SUCCESS" <<<"$out"; then v=PASS; else v=FAIL; fi
  echo "run $i $(date -u +%T) load=$(cut -d' ' -f1 /proc/loadavg) $v $lines"
  [ "$v" = FAIL ] && grep -E "missing|Tests run|ERROR\]" <<<"$out" | head -5
done
