#!/bin/sh
# A stand-in for an AI agent CLI in tests of running one: arguments, prompt, timeouts, process
# trees. What each CLI prints is tested from captured output, one test class per output format.
#
# Usage: fake-agent.sh MODE [PROMPT|-] [ARGS...]
#   PROMPT "-" (or no PROMPT) reads the prompt from stdin. Modes that hang write their pid to
#   ./fake-agent.pid first, so a test can find the process tree.
#
# Claude-style output echoes the prompt as "result" and adds "cwd", "argc" and "args" (all the
# arguments after MODE) so a test can see exactly what arrived. "--resume ID" among the arguments
# becomes the session id.

mode=$1
[ $# -gt 0 ] && shift

json_escape() {
  # Backslashes and quotes escaped; lines joined with \n. Tabs and other controls are not handled.
  printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }'
}

args_json() {
  printf '['
  sep=''
  for a in "$@"; do
    printf '%s"%s"' "$sep" "$(json_escape "$a")"
    sep=','
  done
  printf ']'
}

prompt() {
  if [ $# -eq 0 ] || [ "$1" = "-" ]; then
    cat
  else
    printf '%s' "$1"
  fi
}

session_id() {
  sid=sess-new
  while [ $# -gt 0 ]; do
    if [ "$1" = "--resume" ] && [ $# -gt 1 ]; then
      sid=$2
    fi
    shift
  done
  printf '%s' "$sid"
}

claude_result() {
  # $1 = is_error, $2 = subtype, $3 = result text; the rest are the original arguments.
  is_error=$1 subtype=$2 text=$3
  shift 3
  printf '{"type":"result","subtype":"%s","is_error":%s,"result":"%s","session_id":"%s",' \
    "$subtype" "$is_error" "$(json_escape "$text")" "$(session_id "$@")"
  printf '"total_cost_usd":0.0123,"num_turns":3,"duration_ms":4567,"cwd":"%s","argc":%d,"args":%s}\n' \
    "$(json_escape "$(pwd -P)")" "$#" "$(args_json "$@")"
}

write_pid() {
  echo $$ > fake-agent.pid
}

case "$mode" in
  claude)
    p=$(prompt "$@")
    claude_result false success "$p" "$@"
    ;;
  claude-error)
    # As real Claude Code does on its own errors: the error as its JSON result, then exit 1.
    claude_result true error_during_execution "API Error: 401 invalid x-api-key" "$@"
    exit 1
    ;;
  fail)
    echo 'partial output' 
    echo 'boom: rate limited, try later' >&2
    exit 3
    ;;
  hang)
    write_pid
    echo 'thinking...'
    sleep 1000 &
    sleep 1000
    exit 0
    ;;
  flood)
    write_pid
    (yes 'an error line that goes on and on' | head -c 3000000 >&2) &
    yes 'a line of output that goes on and on' | head -c 3000000
    sleep 1000
    exit 0
    ;;
  silent)
    write_pid
    echo 'one line, then nothing'
    sleep 1000
    exit 0
    ;;
  trickle)
    # Output every 100 ms for ~1.2 s, then a result: alive and talking, never idle for long.
    p=$(prompt "$@")
    i=0
    while [ $i -lt 12 ]; do
      echo '{"type":"assistant","message":{"content":[]}}'
      sleep 0.1
      i=$((i + 1))
    done
    claude_result false success "$p" "$@"
    ;;
  *)
    echo "fake-agent: unknown mode '$mode'" >&2
    exit 64
    ;;
esac
