#!/usr/bin/env bash
# Issue 14's memory benchmark (BENCHMARKS.md, "Memory, start-up and Redis limits"): starts `serve --demo` as a
# separate process with -Xmx512m, creates 10,000 active script sessions and opens 1,000 notification sockets
# (each subscribed to one session's topic), forces a GC (jcmd GC.run) and prints the heap in use after it
# (jstat -gc); then runs the S1 burst (load burst) and S1 through the flows (load burst --through-flow)
# against that process, sockets still open, and says whether it came through without an OutOfMemoryError
# or a 5xx. Loopback only; every count is bounded. Exit 0 when the heap is within 256 MiB and the bursts
# passed. Arguments replace or add to the defaults, e.g.
#   bench/memory.sh --histogram 20                  # also the top of jcmd GC.class_histogram at each reading
#   bench/memory.sh --pg 'jdbc:postgresql://127.0.0.1:5432/test?user=postgres'   # on PostgreSQL (own schema)
#   bench/memory.sh --no-burst --sessions 2000 --sockets 200
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec ./switchboard bench memory "$@"
