#!/usr/bin/env bash
# Lints the Dockerfile (there is no container engine on the test machine, so the image is linted,
# not built). Two passes, and any finding of either fails:
#   1. dockerfile-utils (npm; the linter of the Dockerfile language server in editors): syntax,
#      flags, arguments; its warnings count as errors here.
#   2. house rules a generic linter does not know: base images pinned to a tag (never :latest), the
#      final stage runs as a non-root user, a HEALTHCHECK, ENTRYPOINT in exec (JSON) form.
# hadolint would be the usual choice but ships no npm or Debian package, and prebuilt binaries
# cannot be fetched here. dockerfilelint (npm) was tried: version 1.8.0 (2020) does not know
# HEALTHCHECK --start-period and reports it as a bug.
#
# Usage: bin/lib/lint-dockerfile.sh [DOCKERFILE]      (default: the repository's Dockerfile)
# The linter is installed once into ${COORDD_NPM_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/coordd/npm-tools}.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
file="${1:-$root/Dockerfile}"
spec="dockerfile-utils@0.16.3"
cache="${COORDD_NPM_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/coordd/npm-tools}"
dir="$cache/$spec"

die() {
  echo "lint-dockerfile: $*" >&2
  exit 1
}

[ -f "$file" ] || die "no Dockerfile at $file"

# Installed beside its final folder, then renamed, as bin/lib/agent-clis.sh does.
if [ ! -f "$dir/.installed" ]; then
  command -v npm >/dev/null 2>&1 || die "npm is not installed: install Node.js 20+ with npm to get $spec"
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.installing.XXXXXX")
  if ! npm install --prefix "$tmp" --no-audit --no-fund --no-update-notifier --loglevel=error \
      --fetch-retries=1 --fetch-retry-maxtimeout=10000 "$spec" >"$tmp/npm.log" 2>&1; then
    log=$(tail -n 20 "$tmp/npm.log")
    rm -rf "$tmp"
    die "npm install $spec failed (is the npm registry reachable?):
$log"
  fi
  touch "$tmp/.installed"
  mv -T "$tmp" "$dir" 2>/dev/null || { rm -rf "$tmp"; [ -f "$dir/.installed" ] || die "cannot install into $dir"; }
fi

failed=0
# 1. The linter: every diagnostic, error or warning, fails.
if ! out=$("$dir/node_modules/.bin/dockerfile-utils" lint --json "$file" 2>&1); then
  : # exit 1 on errors; the JSON below says what
fi
if [ "$out" != "[]" ]; then
  "$dir/node_modules/.bin/dockerfile-utils" lint "$file" >&2 || true
  [ -n "$out" ] || echo "dockerfile-utils printed nothing" >&2
  failed=1
fi

# 2. House rules.
rule() {
  echo "$file: $*" >&2
  failed=1
}
while read -r image; do
  case "$image" in
    *@sha256:*) ;;
    *:latest) rule "FROM $image: pin a tag instead of :latest" ;;
    *:*) ;;
    *) rule "FROM $image: pin a tag (FROM $image:TAG), or builds change under you" ;;
  esac
done < <(grep -iE '^FROM[[:space:]]' "$file" | awk '{print $2}')
last_stage=$(awk 'toupper($1)=="FROM"{n=NR} END{print n}' "$file")
last_user=$(awk -v s="$last_stage" 'NR>s && toupper($1)=="USER"{u=$2} END{print u}' "$file")
case "$last_user" in
  "" | root | 0 | 0:*) rule "the final stage must switch to a non-root USER" ;;
esac
grep -qiE '^HEALTHCHECK[[:space:]]' "$file" || rule "no HEALTHCHECK: say how to tell the daemon answers"
if grep -iE '^ENTRYPOINT[[:space:]]' "$file" | grep -vqE '^ENTRYPOINT[[:space:]]+\['; then
  rule "ENTRYPOINT must be in exec form ([\"coordd\", …]) so the daemon gets SIGTERM"
fi

if [ "$failed" -ne 0 ]; then
  die "$file has problems (above)"
fi
echo "lint-dockerfile: $file ok ($spec and house rules)"
