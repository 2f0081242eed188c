#!/usr/bin/env bash
# The README's two commands on a fresh clone, as a new user runs them, with no PostgreSQL or Redis tools reachable:
#   bench/fresh-clone.sh [SOURCE] [--fresh-m2]
# SOURCE is a repository path or URL (default: this repository). --fresh-m2 also starts from an empty Maven
# repository (everything downloaded from Maven Central, as on a new machine); by default ~/.m2 is reused.
#
# It clones SOURCE into a temporary directory, then
#   1. runs `./switchboard serve --demo` (on --port 0: 8080 may be taken), waits for it, and with the printed
#      credentials gets a token and makes a call (asserted 200); SIGTERM must stop it with exit 0 and "stopped";
#   2. runs `./run-tests` with a PATH that has no psql, pg_ctl, postgres, initdb or redis-server and without
#      SWITCHBOARD_TEST_PG_URL, and asserts it passes and that the PostgreSQL tests ran on the embedded server.
# The machine's own PostgreSQL/Redis cannot be stopped from here; instead the script asserts that no test source
# names a loopback 5432 or 6379 outside a comment, so the tests cannot be using them.
# Prints the timings: first build, first request (from the launcher's start), test suite.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_repo="$here"
fresh_m2=0
for arg in "$@"; do
  case "$arg" in
    --fresh-m2) fresh_m2=1 ;;
    *) source_repo="$arg" ;;
  esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-fresh.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -TERM "$server_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT
fail() { echo "fresh-clone: FAILED: $*" >&2; echo "fresh-clone: logs in $work" >&2; exit 1; }

echo "fresh-clone: cloning $source_repo into $work/switchboard"
git clone -q "$source_repo" "$work/switchboard"
cd "$work/switchboard"

# A PATH without PostgreSQL or Redis programs: every other command of the machine stays reachable.
nobin="$work/path"
mkdir -p "$nobin"
IFS=: read -r -a path_dirs <<< "$PATH"
for dir in "${path_dirs[@]}"; do
  [ -d "$dir" ] || continue
  for f in "$dir"/*; do
    name=$(basename "$f")
    case "$name" in
      redis-* | psql | pg_* | postgres | initdb | createdb | dropdb) continue ;;
    esac
    [ -e "$nobin/$name" ] || ln -s "$f" "$nobin/$name"
  done
done
export PATH="$nobin"
for tool in psql pg_ctl postgres initdb redis-server; do
  if command -v "$tool" >/dev/null 2>&1; then fail "$tool is still on the PATH"; fi
done
unset SWITCHBOARD_TEST_PG_URL SWITCHBOARD_TEST_PG_USER SWITCHBOARD_TEST_PG_PASSWORD SWITCHBOARD_TEST_REDIS_SERVER
if [ "$fresh_m2" = 1 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} -Dmaven.repo.local=$work/m2"
  echo "fresh-clone: empty Maven repository $work/m2"
fi

# No test names the machine's PostgreSQL or Redis port (comments, such as an example URL, aside).
named=$(grep -rnE '(localhost|127\.0\.0\.1):(5432|6379)' --include='*.java' --include='*.yml' --include='*.yaml' \
  --include='*.properties' server/src/test client/src/test cli/src/test 2>/dev/null \
  | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|//)' || true)
[ -z "$named" ] || fail "test code names 5432/6379: $named"

# 1. ./switchboard serve --demo
echo "fresh-clone: ./switchboard serve --demo"
started=$(date +%s.%N)
./switchboard serve --demo --port 0 --data "$work/data" > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 1800); do
  [ -f "$work/data/server.json" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "the server exited early: $(tail -20 "$work/serve.log")"
  sleep 0.2
done
[ -f "$work/data/server.json" ] || fail "no server.json after 6 minutes"
base_url=$(sed -E 's/.*"baseUrl": *"([^"]+)".*/\1/' "$work/data/server.json")
# The credentials exactly as printed: the first "curl -s -u ID:SECRET" line.
credentials=$(sed -n -E 's/.*curl -s -u ([^ ]+) -d grant_type.*/\1/p' "$work/serve.log" | head -1)
[ -n "$credentials" ] || fail "no credentials printed: $(tail -20 "$work/serve.log")"
token=$(curl -sf -u "$credentials" -d grant_type=client_credentials "$base_url/oauth/token" \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
[ -n "$token" ] || fail "no token from $base_url/oauth/token"
status=$(curl -s -o "$work/clients.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$base_url/api/v2/oauth/clients")
[ "$status" = 200 ] || fail "GET /api/v2/oauth/clients answered $status"
first_request=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
build_line=$(grep -E '^  BUILD SUCCESS \([0-9]+s\)' "$work/serve.log" | tail -1 || true)
first_build=$(echo "$build_line" | sed -n -E 's/.*\(([0-9]+)s\).*/\1/p')
echo "fresh-clone: the demo answered (token and GET /api/v2/oauth/clients: 200)"

kill -TERM "$server_pid"
set +e
wait "$server_pid"
serve_status=$?
set -e
server_pid=""
[ "$serve_status" = 0 ] || fail "SIGTERM: exit $serve_status, not 0"
[ "$(tail -1 "$work/serve.log")" = stopped ] || fail "SIGTERM: the last line is not 'stopped'"
[ ! -f "$work/data/server.json" ] || fail "SIGTERM: server.json is still there"

# 2. ./run-tests
echo "fresh-clone: ./run-tests (log: $work/tests.log)"
suite_started=$(date +%s)
if ! ./run-tests > "$work/tests.log" 2>&1; then
  grep -E 'Tests run:|FAIL|ERROR' "$work/tests.log" | tail -20 >&2 || true
  fail "./run-tests failed"
fi
suite=$(($(date +%s) - suite_started))
grep -q 'BUILD SUCCESS' "$work/tests.log" || fail "no BUILD SUCCESS in the test log"
grep -lq 'postmaster started' server/target/surefire-reports/*-output.txt 2>/dev/null \
  || fail "the PostgreSQL tests did not run on the embedded PostgreSQL"
tests=$(grep -E '^\[(INFO|WARNING)\] Tests run: [0-9]+, Failures: 0, Errors: 0' "$work/tests.log" \
  | grep -v ' -- in ' | sed -E 's/.*Tests run: ([0-9]+).*/\1/' | awk '{ n += $1 } END { print n }')

echo
echo "fresh-clone: PASSED on $(uname -sr), $(nproc) cores, Maven repository: $([ "$fresh_m2" = 1 ] && echo empty || echo reused)"
printf '  first build (./switchboard, up to BUILD SUCCESS)  %ss\n' "${first_build:-?}"
printf '  first request (launcher start to the 200)        %ss\n' "$first_request"
printf '  test suite (./run-tests, %s tests)              %ss\n' "${tests:-?}" "$suite"
rm -rf "$work"
