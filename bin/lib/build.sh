# Sourced by bin/coordd: is the cli jar stale, and build it once, quietly, under a lock.

# True when $2 (the jar, or the archive) is missing or older than a pom or a main source of the
# checkout $1 (dist/src or bench/src too when COORDD_BUILD_MODULES names that module). One find
# that stops at the first newer file: a few milliseconds on this tree.
coordd_stale() {
  [ ! -f "$2" ] && return 0
  local extra=()
  [ "${COORDD_BUILD_MODULES:-cli}" = dist ] && extra=("$1/dist/src")
  [ "${COORDD_BUILD_MODULES:-cli}" = bench ] && extra=("$1/bench/src/main")
  [ -n "$(find "$1/pom.xml" "$1"/*/pom.xml "$1"/client/src/main "$1"/daemon/src/main \
    "$1"/cli/src/main "${extra[@]}" -newer "$2" -print -quit 2>/dev/null)" ]
}

# Builds the cli module (or COORDD_BUILD_MODULES, and what it needs) for checkout $1 until $2 is
# fresh. Concurrent first runs take a lock on
# cli/target/.build.lock: the second waits, then finds the jar fresh and does not build again.
# Maven's output goes to cli/target/build.log; the terminal gets one line, or the log's tail on
# failure.
coordd_build() {
  local root="$1" jar="$2" log="$1/cli/target/build.log" start=$SECONDS
  mkdir -p "$root/cli/target"
  exec 9>"$root/cli/target/.build.lock"
  if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
    echo "coordd: another coordd is building this checkout; waiting for it..." >&2
    flock 9
  fi
  if coordd_stale "$root" "$jar"; then
    local modules="${COORDD_BUILD_MODULES:-cli}"
    echo -n "coordd: building $modules (first run or sources changed)..." >&2
    local maven_opts="${MAVEN_OPTS:-}"
    # Maven's own libraries use sun.misc.Unsafe, which JDK 24+ warns about on every build.
    if [ "$(coordd_jdk_major "$JAVA_HOME")" -ge 24 ]; then
      maven_opts="$maven_opts --sun-misc-unsafe-memory-access=allow"
    fi
    if ! (cd "$root" && MAVEN_OPTS="$maven_opts" mvn -B -q --no-transfer-progress \
      -Dstyle.color=never -DskipTests package -pl "$modules" -am) >"$log" 2>&1; then
      echo " failed; the end of $log:" >&2
      tail -n 40 "$log" >&2
      exec 9>&-
      exit 1
    fi
    # Maven leaves an up-to-date jar untouched: without this, a pom or source newer than the jar
    # that changes nothing in it (another module's pom) would rebuild on every run.
    touch "$jar"
    echo " done in $((SECONDS - start)) s" >&2
  fi
  exec 9>&-
}
