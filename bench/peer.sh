#!/usr/bin/env bash
# Issue 14's peer benchmark (BENCHMARKS.md, "Hot reads"): the demo's published script served by Switchboard,
# by WireMock standalone, by a bare Javalin handler (every ratio's baseline) and by a bare Jetty handler (no
# servlet, no Javalin) on the same bytes, plus the draft-script and session GETs, measured with wrk in one run (interleaved rounds), on loopback. Installs wrk (Debian package) if it is
# missing and fetches WireMock's standalone jar from Maven Central into target/peer (not committed).
# Extra arguments go to the command, e.g. bench/peer.sh --rounds 3 --duration 10 --jfr target/peer/jfr
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bin/jdk.sh
sb_select_jdk
if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi
version=3.13.2
jar="target/peer/wiremock-standalone-$version.jar"
if [ ! -f "$jar" ]; then
  mvn -B -q -N dependency:copy -Dartifact="org.wiremock:wiremock-standalone:$version" -DoutputDirectory=target/peer
fi
exec ./switchboard bench peer --wiremock-jar "$jar" "$@"
