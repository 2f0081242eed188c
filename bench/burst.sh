#!/usr/bin/env bash
# The S1 benchmark of BENCHMARKS.md: the login burst of field report S1 replayed with the naive client (the
# seeds' retry decorator) and with the client library, each against its own embedded server with the default
# limits (300 requests per minute per access token), one after the other in one run. Prints one JSON line
# per client and a Markdown table. Arguments replace the defaults, e.g. bench/burst.sh --agents 200
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--agents 500 --deadline 10s --clients 1)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for client in naive switchboard; do
  ./switchboard load burst --local --client "$client" --json --quiet "${args[@]}" | tee -a "$out"
done
echo
echo "| client | succeeded (rate) | p50 ms | p99 ms | requests sent | 429s | retries | errors |"
echo "|---|---|---|---|---|---|---|---|"
sed -E 's/.*"client":"([^"]+)","agents":[0-9]+,"succeeded":([0-9]+),"successRate":([0-9.]+),"p50Ms":([0-9.]+),"p95Ms":[0-9.]+,"p99Ms":([0-9.]+),"maxMs":[0-9.]+,"requests":([0-9]+),"throttled":([0-9]+),"retries":([0-9]+),"errors":(.*)}$/| \1 | \2 (\3) | \4 | \5 | \6 | \7 | \8 | \9 |/' "$out"
