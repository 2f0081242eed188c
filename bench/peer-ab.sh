#!/usr/bin/env bash
# Before/after of a change on the peer benchmark (bench/peer.sh): checks out REV (default HEAD~1) as a
# worktree in target/peer-ab/before, builds it, then runs bench/peer.sh of that checkout and of this one
# alternately, RUNS times each (default 3), and prints each run's medians. A change of a few percent of a
# request's CPU is inside one run's noise on a 2-core machine; alternating runs keeps drift out of the
# comparison. Raw output per run in target/peer-ab/. Extra arguments go to bench/peer.sh.
#   bench/peer-ab.sh [REV] [RUNS] [peer.sh arguments...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rev="${1:-HEAD~1}"
runs="${2:-3}"
shift $(( $# > 2 ? 2 : $# ))
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--targets same-request,published --rounds 5 --duration 3 --warmup 20)
out="$here/target/peer-ab"
before="$out/before"
mkdir -p "$out"
# A worktree left by an interrupted run (or one whose folder a clean removed) is dropped first.
git -C "$here" worktree prune
if [ -d "$before" ]; then git -C "$here" worktree remove --force "$before"; fi
git -C "$here" worktree add -q --detach "$before" "$rev"
trap 'git -C "$here" worktree remove --force "$before" 2>/dev/null || true' EXIT
# WireMock's jar, when this checkout has fetched it already (else the other checkout's peer.sh fetches it).
mkdir -p "$before/target/peer"
cp "$here"/target/peer/wiremock-standalone-*.jar "$before/target/peer/" 2>/dev/null || true
. "$here/bin/jdk.sh"
sb_select_jdk
sb_quiet_maven
(cd "$before" && mvn -B -q -DskipTests package)
# Each section's medians: the ratio to the bare handler, the CPU ratio, and the ratio given the same request.
summary() {
  awk '/^ratio to the bare handler, per round/ {s="to bare:"} /^server CPU per request/ {s="; cpu:"}
       /^ratio to the bare handler given/ {s="; given the same request:"}
       /median/ && s != "" {printf "%s %s %s", s, $1, $NF; s=""; next}
       /median/ {printf ", %s %s", $1, $NF}' "$1"
}
for i in $(seq 1 "$runs"); do
  for side in before after; do
    dir="$here"; [ "$side" = before ] && dir="$before"
    log="$out/$side-$i.txt"
    (cd "$dir" && bench/peer.sh "${args[@]}") > "$log" 2>&1 || { echo "$side run $i failed: $log" >&2; exit 1; }
    echo "$side ($( [ "$side" = before ] && echo "$rev" || echo "this checkout")) run $i: $(summary "$log")"
  done
done
