#!/usr/bin/env bash
# Cluster mode, proven (issue 14): N Switchboard nodes on one PostgreSQL and one Redis behind HAProxy, all on
# loopback and free ports, then
#   1. the S1 burst through the balancer while `load cluster checks` proves the cluster-wide behaviour
#      (one rate limit, idempotency keys, revocation, published-script and limit changes, notifications,
#      flow traces) node against node;
#   2. faults under write load (`load cluster writes`): kill -9 of a node, a PostgreSQL restart, Redis stopped
#      and started (with `load cluster limit` before, during and after);
# and prints the numbers. Everything it starts is stopped on exit (trap), its files are in one temporary
# directory, removed at the end (kept with KEEP=1). Bounded: every phase has a fixed length or a timeout;
# 7 to 12 minutes on the loaded 2-core test machine, mostly node start-ups and the burst's setup.
#
#   bench/cluster.sh              # 2 nodes
#   NODES=3 bench/cluster.sh      # more nodes (the checks use the first two)
#   AGENTS=200 bench/cluster.sh   # a smaller burst
#
# Needs: a JDK 21+ and Maven (./switchboard builds the jar), PostgreSQL's server binaries (initdb, pg_ctl:
# Debian's postgresql package), redis-server, HAProxy (installed with apt-get when missing), curl, python3.
# PostgreSQL is a private instance (initdb into the temporary directory) so that the script can stop and start
# it; the machine's own PostgreSQL, if any, is not touched.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
NODES=${NODES:-2}
AGENTS=${AGENTS:-500}
QUOTA=${QUOTA:-60}
[ "$NODES" -ge 2 ] || { echo "NODES must be at least 2" >&2; exit 2; }

say() { printf '\n== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }
need() { command -v "$1" >/dev/null 2>&1; }

# --- prerequisites ---------------------------------------------------------------------------------------------
if ! need haproxy; then
  echo "HAProxy is missing: apt-get install -y haproxy"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q haproxy >/dev/null; else sudo apt-get install -y -q haproxy >/dev/null; fi
fi
need redis-server || { echo "redis-server is missing (apt-get install redis-server)" >&2; exit 1; }
need python3 || { echo "python3 is missing" >&2; exit 1; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL's initdb/pg_ctl are missing (apt-get install postgresql)" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

work=$(mktemp -d "${TMPDIR:-/tmp}/sb-cluster.XXXXXX")
chmod 755 "$work"
pids=()
node_pid=()
redis_pid=
haproxy_pid=
pg_as=()
# PostgreSQL refuses to run as root: then it runs as the postgres user.
if [ "$(id -u)" = 0 ]; then pg_as=(runuser -u postgres --); fi

cleanup() {
  set +e
  for p in "${node_pid[@]}" "$redis_pid" "$haproxy_pid" "${pids[@]}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null
  done
  [ -d "$work/pg" ] && "${pg_as[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1
  # Nodes stop cleanly on SIGTERM (in-flight requests finish, then exit 0): up to 10 s, then kill -9.
  for _ in $(seq 100); do
    alive=0
    for p in "${node_pid[@]}" "$redis_pid" "$haproxy_pid" "${pids[@]}"; do
      [ -n "$p" ] && kill -0 "$p" 2>/dev/null && alive=1
    done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for p in "${node_pid[@]}" "$redis_pid" "$haproxy_pid" "${pids[@]}"; do
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null
  done
  if [ "${KEEP:-0}" = 1 ]; then echo "files kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the jar ---------------------------------------------------------------------------------------------------
./switchboard --version >/dev/null
. bin/jdk.sh
sb_select_jdk
java=("$JAVA_HOME/bin/java" $(sb_runtime_opts))
jar="$root/cli/target/switchboard.jar"
sb() { "${java[@]}" -jar "$jar" "$@"; }

# --- PostgreSQL (private), Redis --------------------------------------------------------------------------------
pg_port=$(free_port); redis_port=$(free_port); lb_port=$(free_port); stats_port=$(free_port)
say "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"
mkdir -p "$work/pg" && chown "$([ ${#pg_as[@]} -gt 0 ] && echo postgres || id -un)" "$work/pg"
"${pg_as[@]}" "$pgbin/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 >/dev/null
pg_start() {
  "${pg_as[@]}" "$pgbin/pg_ctl" -D "$work/pg" -w -t 30 -l "$work/pg/server.log" \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200" start >/dev/null
}
pg_stop() { "${pg_as[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null; }
pg_start
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c 'CREATE DATABASE switchboard' >/dev/null

redis_start() {
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --logfile "$work/redis.log" &
  redis_pid=$!
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "redis did not start" >&2; exit 1
}
redis_stop() { kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; redis_pid=; }
redis_start

# --- the settings every node shares ----------------------------------------------------------------------------
export SWITCHBOARD_STORAGE_USER=postgres
export SWITCHBOARD_CRYPTO_KEY
SWITCHBOARD_CRYPTO_KEY=$(head -c 32 /dev/urandom | base64)
db_url="jdbc:postgresql://127.0.0.1:$pg_port/switchboard"
redis_url="redis://127.0.0.1:$redis_port"

say "org (offline, on the shared database)"
org_json=$(sb org create cluster --json --data "$work/admin" --db "$db_url")
client_id=$(echo "$org_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["clientId"])')
client_secret=$(echo "$org_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["clientSecret"])')
echo "org $(echo "$org_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["orgId"])'), admin client $client_id"

# --- nodes -----------------------------------------------------------------------------------------------------
node_port=()
for i in $(seq "$NODES"); do node_port[$i]=$(free_port); done
node_start() {
  local i=$1
  "${java[@]}" -Xmx512m -jar "$jar" serve --host 127.0.0.1 --port "${node_port[$i]}" \
    --data "$work/node$i" --db "$db_url" --redis "$redis_url" >>"$work/node$i.log" 2>&1 &
  node_pid[$i]=$!
}
wait_health() {
  local url=$1 seconds=${2:-60}
  for _ in $(seq $((seconds * 10))); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/health")" = 200 ] && return 0
    sleep 0.1
  done
  echo "$url/health not 200 after ${seconds}s" >&2; return 1
}
say "$NODES nodes"
started=$SECONDS
for i in $(seq "$NODES"); do node_start "$i"; done
for i in $(seq "$NODES"); do wait_health "http://127.0.0.1:${node_port[$i]}"; echo "node$i http://127.0.0.1:${node_port[$i]} ready"; done
echo "all nodes ready in $((SECONDS - started)) s"

# --- HAProxy ---------------------------------------------------------------------------------------------------
servers=""
for i in $(seq "$NODES"); do servers+="    server node$i 127.0.0.1:${node_port[$i]} check"$'\n'; done
python3 - "$root/bench/cluster/haproxy.cfg.tmpl" "$work/haproxy.cfg" <<PY
import re, sys
t = open(sys.argv[1]).read()
t = t.replace("@LB_PORT@", "$lb_port").replace("@STATS_PORT@", "$stats_port")
t = t.replace("@ERRORS@", "$root/bench/cluster/errors")
t = re.sub(r"^@SERVERS@$", lambda m: """$servers""".rstrip("\n"), t, flags=re.M)
open(sys.argv[2], "w").write(t)
PY
haproxy -c -q -f "$work/haproxy.cfg"
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!
lb="http://127.0.0.1:$lb_port"
wait_health "$lb" 10
echo "balancer $lb (stats http://127.0.0.1:$stats_port/stats)"
a="http://127.0.0.1:${node_port[1]}"
b="http://127.0.0.1:${node_port[2]}"
target=(--balancer "$lb" --client-id "$client_id" --client-secret "$client_secret")
for i in $(seq "$NODES"); do target+=(--node "http://127.0.0.1:${node_port[$i]}"); done

# Sessions served per node, from the balancer's statistics (CSV: pxname, svname, ..., stot is column 8).
per_node() { curl -s "http://127.0.0.1:$stats_port/stats;csv" | awk -F, '$1=="nodes" && $2 ~ /^node/ {printf "%s %s (%s) ", $2, $8, $18} END {print ""}'; }
status=0
# Waits until a `load cluster writes` run (its output file) has done its setup and is writing.
writing() { for _ in $(seq 1200); do grep -q 'setup done' "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no writes started" >&2; return 1; }

# --- 1. S1 burst + cluster-wide checks -------------------------------------------------------------------------
say "1. S1 burst ($AGENTS agents) through the balancer, cluster-wide checks node against node meanwhile"
sb load burst --base-url "$lb" --client-id "$client_id" --client-secret "$client_secret" \
  --agents "$AGENTS" --json --quiet >"$work/burst.json" 2>"$work/burst.err" &
burst_pid=$!; pids+=("$burst_pid")
sb load cluster checks "${target[@]}" --quota "$QUOTA" || status=1
wait "$burst_pid" || status=1
echo "burst: $(cat "$work/burst.json")"
[ -s "$work/burst.json" ] || tail -3 "$work/burst.err"
echo "requests per node so far: $(per_node)"

# --- 2. kill -9 a node under write load ------------------------------------------------------------------------
say "2. kill -9 node2 under write load (20 s), started again 2 s later"
sb load cluster writes "${target[@]}" --duration 20s --label kill9 >"$work/kill9.out" 2>"$work/kill9.err" &
writes_pid=$!; pids+=("$writes_pid")
writing "$work/kill9.out"
sleep 6
kill -9 "${node_pid[2]}" 2>/dev/null; killed_at=$SECONDS
wait "${node_pid[2]}" 2>/dev/null || true
echo "killed node2 (kill -9) 6 s into the writes"
sleep 2
node_start 2
wait "$writes_pid" || status=1
cat "$work/kill9.out"
echo "balancer: $(per_node)"
grep -E 'Server nodes/node2 is (DOWN|UP)' "$work/haproxy.log" | tail -2 | sed 's/^/  haproxy: /' | cut -c1-160
wait_health "$b" 120 && echo "node2 answers /health 200 again $((SECONDS - killed_at)) s after the kill (restart + start-up)"

# --- 3. PostgreSQL restart under write load --------------------------------------------------------------------
say "3. PostgreSQL stopped for 5 s under write load (20 s)"
sb load cluster writes "${target[@]}" --duration 20s --label pg-restart >"$work/pg.out" 2>"$work/pg.err" &
writes_pid=$!; pids+=("$writes_pid")
writing "$work/pg.out"
sleep 5
pg_stop; pg_down=$(date +%s%N); echo "PostgreSQL stopped 5 s into the writes"
for i in 1 2; do echo "  node$i /health while down: $(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:${node_port[$i]}/health")"; done
sleep 2 # the balancer's checks see it (3 failures, 500 ms apart)
echo "  balancer /health while down: $(curl -s -m 5 -D - -o /dev/null "$lb/health" | tr -d '\r' | grep -E '^(HTTP|Retry-After)' | tr '\n' ' ')"
sleep 1
pg_start; echo "PostgreSQL started again, down for $(( ($(date +%s%N) - pg_down) / 1000000 )) ms"
wait "$writes_pid" || status=1
cat "$work/pg.out"
for i in $(seq "$NODES"); do echo "node$i log lines with ERROR during the run: $(grep -c ' ERROR ' "$work/node$i.log" || true)"; done

# --- 4. Redis stopped and started ------------------------------------------------------------------------------
say "4. Redis: shared limit, stopped (per-node fallback), started again (shared)"
redis_metric() { curl -s "$1/metrics" | grep -E '^switchboard_ratelimit_redis_(available|fallbacks_total)' | tr '\n' ' '; }
redis_stop; echo "Redis stopped"
sb load cluster writes "${target[@]}" --duration 8s --writers 8 --label redis-down >"$work/redis.out" 2>"$work/redis.err" &
writes_pid=$!; pids+=("$writes_pid")
sb load cluster limit "${target[@]}" --quota "$QUOTA" --expect per-node || status=1
wait "$writes_pid" || status=1
cat "$work/redis.out"
for i in 1 2; do echo "  node$i: $(redis_metric "http://127.0.0.1:${node_port[$i]}")"; done
for i in 1 2; do echo "  node$i log: $(grep -E 'FailoverBackend' "$work/node$i.log" | tail -2 | cut -c1-200 | tr '\n' '|')"; done
redis_start; echo "Redis started again"
sleep 2
sb load cluster limit "${target[@]}" --quota "$QUOTA" --expect shared || status=1
for i in 1 2; do echo "  node$i: $(redis_metric "http://127.0.0.1:${node_port[$i]}")"; done

say "sizing: per node after the run (-Xmx512m)"
for i in $(seq "$NODES"); do
  heap=$(curl -s "http://127.0.0.1:${node_port[$i]}/metrics" | awk '/^jvm_memory_used_bytes\{.*area="heap"/ {s += $NF} END {printf "%.0f", s / 1048576}')
  rss=$(ps -o rss= -p "${node_pid[$i]}" 2>/dev/null | awk '{printf "%.0f", $1 / 1024}')
  echo "node$i: heap used ${heap} MiB, resident ${rss} MiB"
done
echo "PostgreSQL connections: $(psql -At -h 127.0.0.1 -p "$pg_port" -U postgres -c 'select count(*) from pg_stat_activity where datname = $$switchboard$$' 2>/dev/null)"

say "done: $([ $status = 0 ] && echo 'all checks passed' || echo 'SOME CHECKS FAILED') in $SECONDS s"
exit $status
