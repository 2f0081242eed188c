#!/usr/bin/env bash
# The external-API engine benchmark (docs/bench/externalapis.md): engine overhead per call against an instant
# loopback endpoint vs a bare java.net.http.HttpClient in the same run, then 1000 concurrent calls to a 2 s
# endpoint. Loopback only, bounded. Optional argument: calls per overhead row (default 20000).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/bin/jdk.sh"
sb_select_jdk
sb_quiet_maven
(cd "$here" && mvn -B -q -pl server test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt)
cd "$here/server"
exec "$JAVA_HOME/bin/java" -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" io.switchboard.server.externalapis.EngineBenchmark "$@"
