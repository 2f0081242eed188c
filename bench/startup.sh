#!/usr/bin/env bash
# Issue 14's start-up benchmark (BENCHMARKS.md, "Memory, start-up and Redis limits"): the time from starting
# `serve` (a separate JVM, -Xmx512m) to the first 200 of /health, and the CPU the process used by then, on an
# empty database and on a restart; with and without a class-data-sharing archive (as ./switchboard runs).
# With a PostgreSQL URL as the first argument it measures PostgreSQL too (a fresh schema per run, dropped
# afterwards), e.g. the shared machine's: bench/startup.sh 'jdbc:postgresql://127.0.0.1:5432/test?user=postgres'
# Further arguments go to the command (--runs N, --demo).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
args=(--cds)
if [ $# -gt 0 ] && [[ $1 == jdbc:postgresql:* ]]; then args+=(--pg "$1"); shift; fi
exec ./switchboard bench startup "${args[@]}" "$@"
