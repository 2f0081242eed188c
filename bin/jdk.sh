# Sourced by ./switchboard, ./run-tests, .ci/run and bench/*.sh: selects a JDK 21+ into JAVA_HOME, or fails with
# one line naming what to install. JAVA_HOME wins when it is a JDK 21+ (the user chose it); otherwise the newest
# JDK 21+ among /usr/lib/jvm/*, /opt/java*, /opt/java/*, ~/.sdkman/candidates/java/* and `java` on the PATH.
# A JDK (with javac), not a JRE: Maven compiles.

# The feature version of the JDK at $1 (its home), or nothing when it is not a usable JDK.
sb_jdk_major() {
  local home="$1" version=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    version=$(sed -n -E 's/^JAVA_VERSION="([^"]*)".*/\1/p' "$home/release")
  fi
  [ -n "$version" ] || version=$("$home/bin/java" -version 2>&1 | sed -n -E '1s/.*version "([^"]*)".*/\1/p')
  version=${version#1.}
  echo "${version%%[.+-]*}"
}

sb_select_jdk() {
  local candidate major best="" best_major=0 seen=""
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(sb_jdk_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then export JAVA_HOME; return 0; fi
  fi
  local on_path=""
  if command -v java >/dev/null 2>&1; then
    on_path=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  fi
  for candidate in /usr/lib/jvm/* /opt/java* /opt/java/* "${HOME:-/nonexistent}"/.sdkman/candidates/java/* "$on_path"; do
    [ -n "$candidate" ] && [ -d "$candidate" ] || continue
    candidate=$(readlink -f "$candidate")
    case " $seen " in *" $candidate "*) continue ;; esac
    seen="$seen $candidate"
    major=$(sb_jdk_major "$candidate")
    [ -n "$major" ] && [ "$major" -gt "$best_major" ] && best="$candidate" && best_major="$major"
  done
  if [ "$best_major" -ge 21 ]; then
    export JAVA_HOME="$best"
    return 0
  fi
  echo "switchboard: no JDK 21 or newer found (newest: ${best_major/#0/none}${best:+ at $best}); install a JDK 21+ (Temurin 21/25, or Debian trixie's openjdk-21-jdk) and set JAVA_HOME." >&2
  return 1
}

# Maven's bundled Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every build; the warning is
# Maven's, not ours, so keep it off the console.
sb_quiet_maven() {
  local major
  major=$(sb_jdk_major "$JAVA_HOME")
  if [ -n "$major" ] && [ "$major" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}

# Options for running our own jar: protobuf (pulled in by CEL and Tink) still calls sun.misc.Unsafe, which
# JDK 24+ warns about on stderr at the first CEL or crypto use; allow it quietly.
sb_runtime_opts() {
  local major
  major=$(sb_jdk_major "$JAVA_HOME")
  if [ -n "$major" ] && [ "$major" -ge 24 ]; then echo "--sun-misc-unsafe-memory-access=allow"; fi
}
