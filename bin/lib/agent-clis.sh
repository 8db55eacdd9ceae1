#!/usr/bin/env bash
# Installs the pinned agent CLIs (Claude Code, Codex, Gemini CLI) from npm into a cache folder, for
# the tests that drive them headless against a fake model server. Idempotent and quiet: a package
# already installed is not fetched again.
#
# Usage: bin/lib/agent-clis.sh                 install every pinned CLI, print nothing on success
#        bin/lib/agent-clis.sh path NAME       install NAME (claude|codex|gemini) if needed and
#                                              print the path of its executable
# The cache is ${COORDD_AGENT_CLIS:-${XDG_CACHE_HOME:-$HOME/.cache}/coordd/agent-clis}/<pkg>@<version>.
# Only the npm registry is contacted, and only while installing.
set -euo pipefail

# Pinned versions: each runs on Node 20 (Claude Code ships a native binary; Codex a native binary
# behind a Node launcher; Gemini CLI a bundled Node script).
declare -A PACKAGES=(
  [claude]="@anthropic-ai/claude-code@2.1.332"
  [codex]="@openai/codex@0.171.0"
  [gemini]="@google/gemini-cli@0.61.0"
)
declare -A BINS=([claude]=claude [codex]=codex [gemini]=gemini)

cache="${COORDD_AGENT_CLIS:-${XDG_CACHE_HOME:-$HOME/.cache}/coordd/agent-clis}"

die() {
  echo "agent-clis: $*" >&2
  exit 1
}

# install NAME: installs into $cache/<pkg>@<version> unless already there; prints nothing.
install() {
  local name=$1 spec=${PACKAGES[$1]:-}
  [ -n "$spec" ] || die "unknown CLI '$name': use one of ${!PACKAGES[*]}"
  local dir="$cache/${spec//\//+}"
  [ -f "$dir/.installed" ] && return 0
  command -v npm >/dev/null 2>&1 || die "npm is not installed: install Node.js 20+ with npm to get $spec"
  mkdir -p "$cache"
  # Installed beside the final folder, then renamed: a run that dies halfway leaves no folder
  # that looks installed, and two runs at once do not mix their files.
  local tmp
  tmp=$(mktemp -d "$cache/.installing.XXXXXX")
  # One retry, not npm's default two with minute-long back-off: an unreachable registry is said
  # in seconds, not minutes per package.
  if ! npm install --prefix "$tmp" --no-audit --no-fund --no-update-notifier --loglevel=error \
      --fetch-retries=1 --fetch-retry-maxtimeout=10000 "$spec" >"$tmp/npm.log" 2>&1; then
    local log
    log=$(tail -n 20 "$tmp/npm.log")
    rm -rf "$tmp"
    die "npm install $spec failed (is the npm registry reachable?):
$log"
  fi
  [ -x "$tmp/node_modules/.bin/${BINS[$name]}" ] || { rm -rf "$tmp"; die "$spec installed no ${BINS[$name]} executable"; }
  touch "$tmp/.installed"
  if ! mv -T "$tmp" "$dir" 2>/dev/null; then
    rm -rf "$tmp" # another run installed it first
    [ -f "$dir/.installed" ] || die "cannot move the install of $spec to $dir"
  fi
}

case "${1:-all}" in
  all)
    for name in "${!PACKAGES[@]}"; do install "$name"; done
    ;;
  path)
    [ $# -eq 2 ] || die "usage: $0 path claude|codex|gemini"
    install "$2"
    spec=${PACKAGES[$2]}
    echo "$cache/${spec//\//+}/node_modules/.bin/${BINS[$2]}"
    ;;
  *)
    die "usage: $0 [all | path claude|codex|gemini]"
    ;;
esac
