#!/usr/bin/env bash
# The browser tests (*BrowserIT) drive Debian's chromium through its chromedriver, at these paths exactly
# (Selenium Manager never downloads a browser). Installs both with apt-get when either is missing; as root
# (CI), or says what to run otherwise.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-browser: the browser tests need /usr/bin/chromium and /usr/bin/chromedriver;" \
    "install them as root: apt-get install chromium chromium-driver" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
