# Sourced by bin/ scripts and .ci/run: exports JAVA_HOME pointing at a JDK >= 21.
# Order: $JAVA_HOME if new enough, the java on PATH, then /usr/lib/jvm/* (newest first).
coordd_jdk_major() { # $1 = a JDK home; prints its feature version or nothing
  local rel="$1/release"
  [ -x "$1/bin/javac" ] && [ -f "$rel" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"
}
coordd_pick_jdk() {
  local candidates=() home major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${home%/}"); done
  for home in "${candidates[@]}"; do
    major=$(coordd_jdk_major "$home")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$home"
      return 0
    fi
  done
  echo "coordd needs a JDK 21 or newer; none found in JAVA_HOME, PATH or /usr/lib/jvm." >&2
  echo "Install one (e.g. Temurin 21+) and set JAVA_HOME." >&2
  return 1
}
coordd_pick_jdk
