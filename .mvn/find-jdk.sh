# shellcheck shell=sh
# Finds a JDK of at least CLAWGATE_MIN_JAVA (default 25) and exports JAVA_HOME to it.
# Sourced by ./mvnw and ./clawgate so the build and the launcher agree on one JDK.
# Order: $JAVA_HOME, the `java` on PATH, then the usual install locations. Prints a clear
# message and exits 1 when none is found.

clawgate_java_major() {
  # $1: a JDK home. Prints its feature version (17, 21, 25, ...) or nothing. Reads JAVA_VERSION
  # from the home's `release` file with shell builtins: starting each candidate's JVM to ask cost
  # ./clawgate ~40 ms per JDK on the machine (docs/decisions/0007-cli-startup.md). Only a home
  # without a `release` file is asked.
  if [ -f "$1/release" ]; then
    while IFS= read -r clawgate_line; do
      case "$clawgate_line" in
        JAVA_VERSION=*)
          clawgate_line="${clawgate_line#JAVA_VERSION=}"
          clawgate_line="${clawgate_line#\"}"
          clawgate_line="${clawgate_line%%[!0-9]*}"
          [ -n "$clawgate_line" ] && printf '%s\n' "$clawgate_line"
          return 0
          ;;
      esac
    done <"$1/release"
    return 0
  fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

clawgate_find_jdk() (
  # A subshell: globbing is switched on here even when the caller runs under `set -f` (mvnw does).
  set +f
  min="${CLAWGATE_MIN_JAVA:-25}"
  for candidate in "${JAVA_HOME:-}" \
    "$(command -v javac >/dev/null 2>&1 && dirname "$(dirname "$(readlink -f "$(command -v javac)")")")" \
    /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* /usr/java/* \
    "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* "$HOME"/.local/share/mise/installs/java/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major="$(clawgate_java_major "$candidate")"
    [ -n "$major" ] && [ "$major" -ge "$min" ] 2>/dev/null || continue
    printf '%s\n' "$candidate"
    return 0
  done
  return 1
)

if clawgate_jdk="$(clawgate_find_jdk)"; then
  JAVA_HOME="$clawgate_jdk"
  export JAVA_HOME
  unset clawgate_jdk
else
  echo "clawgate needs a JDK ${CLAWGATE_MIN_JAVA:-25} or newer and found none." >&2
  echo "Looked at \$JAVA_HOME, javac on PATH, /usr/lib/jvm, /opt/java, ~/.sdkman and ~/.jdks." >&2
  echo "Install one (e.g. Temurin 25) or point JAVA_HOME at it, then run this again." >&2
  exit 1
fi
