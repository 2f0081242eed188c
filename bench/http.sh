#!/usr/bin/env bash
# The foundation benchmark of BENCHMARKS.md: installs wrk (Debian package) if it is missing, then measures an
# authenticated GET against a bare Javalin handler in one run, on loopback. Extra arguments go to the command,
# e.g. bench/http.sh --duration 20 --connections 64
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi
exec ./switchboard bench http "$@"
