#!/usr/bin/env bash
# Regenerates the README's pictures of the pages (docs/images/*.png): runs the browser tests (*BrowserIT)
# with their screenshots sent to a scratch directory, then copies the chosen ones. Needs chromium and
# chromedriver (bin/ensure-browser.sh). Extra arguments go to Maven, e.g. bench/screenshots.sh -o
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=../bin/jdk.sh
. bin/jdk.sh
sb_select_jdk
bin/ensure-browser.sh
shots="$(mktemp -d)"
trap 'rm -rf "$shots"' EXIT
mvn -B -q -Dstyle.color=never -pl server test -Dtest='*BrowserIT' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dspotless.check.skip=true -Dscreenshots.dir="$shots" "$@"
mkdir -p docs/images
# name in the tests' screenshots -> picture in docs/images
for name in agent-panel console; do
  if [ -f "$shots/$name.png" ]; then
    cp "$shots/$name.png" "docs/images/$name.png"
    echo "docs/images/$name.png"
  fi
done
