#!/usr/bin/env bash
# The JavaScript SDK test (compat/GenesysJsSdkIT) runs the official Genesys JS SDK with node and installs it
# with npm. Installs Debian's nodejs and npm with apt-get when either is missing; as root (CI), or says what
# to run otherwise.
set -euo pipefail
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-node: the JavaScript SDK test needs node (18 or later) and npm on the PATH;" \
    "install them as root: apt-get install nodejs npm" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
