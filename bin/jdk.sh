# Sourced by ./switchboard, ./run-tests and .ci/run: selects a JDK 21+ into JAVA_HOME, or fails clearly.
# Order: JAVA_HOME if it is 21+, then Temurin 25 where this project's machines keep it, then `java` on PATH.
sb_java_major() {
  "$1" -version 2>&1 | sed -n -E '1s/.*version "([0-9]+)(\.[^"]*)?".*/\1/p'
}

sb_select_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ]; then
      major=$(sb_java_major "$candidate/bin/java")
      if [ -n "$major" ] && [ "$major" -ge 21 ]; then
        export JAVA_HOME="$candidate"
        return 0
      fi
    fi
  done
  if command -v java >/dev/null 2>&1; then
    major=$(sb_java_major "$(command -v java)")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
      export JAVA_HOME
      return 0
    fi
  fi
  echo "switchboard: needs a JDK 21 or newer. Set JAVA_HOME to one (found: ${JAVA_HOME:-none}; java on PATH: $(java -version 2>&1 | head -1 || echo none))." >&2
  return 1
}

# Maven's bundled Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every build; the warning is
# Maven's, not ours, so keep it off the console.
sb_quiet_maven() {
  local major
  major=$(sb_java_major "$JAVA_HOME/bin/java")
  if [ -n "$major" ] && [ "$major" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}

# Options for running our own jar: protobuf (pulled in by CEL and Tink) still calls sun.misc.Unsafe, which
# JDK 24+ warns about on stderr at the first CEL or crypto use; allow it quietly.
sb_runtime_opts() {
  local major
  major=$(sb_java_major "$JAVA_HOME/bin/java")
  if [ -n "$major" ] && [ "$major" -ge 24 ]; then echo "--sun-misc-unsafe-memory-access=allow"; fi
}
