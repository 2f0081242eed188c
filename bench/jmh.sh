#!/usr/bin/env bash
# JMH microbenchmarks of hot code (BENCHMARKS.md). Builds the benchmarks module and runs it; extra arguments
# go to JMH, e.g. bench/jmh.sh TokenVerification
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/bin/jdk.sh"
sb_select_jdk
sb_quiet_maven
(cd "$here" && mvn -B -q -DskipTests -pl benchmarks -am package)
exec "$JAVA_HOME/bin/java" -jar "$here/benchmarks/target/benchmarks.jar" "$@"
