#!/bin/sh
# A stand-in for an AI agent CLI (Claude Code, Codex, Gemini CLI) in tests.
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
  claude-stream)
    p=$(prompt "$@")
    echo '{"type":"system","subtype":"init","session_id":"sess-new","tools":["Bash"]}'
    echo 'a stray log line that is not JSON'
    echo '{"type":"assistant","message":{"content":[{"type":"text","text":"working on it"}]}}'
    claude_result false success "$p" "$@"
    echo
    ;;
  claude-verbose)
    p=$(prompt "$@")
    printf '[{"type":"system","subtype":"init"},\n'
    claude_result false success "$p" "$@"
    printf ']\n'
    ;;
  claude-error)
    claude_result true success "API Error: 529 overloaded" "$@"
    ;;
  claude-max-turns)
    printf '{"type":"result","subtype":"error_max_turns","is_error":false,"session_id":"sess-7","num_turns":10}\n'
    ;;
  no-result)
    echo '{"type":"system","subtype":"init","session_id":"sess-new"}'
    echo '{"type":"assistant","message":{"content":[{"type":"text","text":"halfway"}]}}'
    ;;
  garbage)
    echo 'Segmentation fault (core dumped) {not json'
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
  codex)
    cat <<'EOF'
{"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}
{"type":"turn.started"}
{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Looking at the repo**"}}
{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"First I will look around."}}
{"type":"item.started","item":{"id":"item_2","type":"command_execution","command":"bash -lc ls","aggregated_output":"","exit_code":null,"status":"in_progress"}}
{"type":"item.completed","item":{"id":"item_2","type":"command_execution","command":"bash -lc ls","aggregated_output":"README.md\n","exit_code":0,"status":"completed"}}
{"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"The repo has a README."}}
{"type":"turn.completed","usage":{"input_tokens":24763,"cached_input_tokens":24448,"output_tokens":122}}
EOF
    ;;
  codex-legacy)
    cat <<'EOF'
{"model":"o4-mini","provider":"openai","sandbox":"read-only"}
{"prompt":"say hi"}
{"id":"0","msg":{"type":"session_configured","session_id":"5973b6c0-94b8-487b-a530-2aeb6098ae0e","model":"o4-mini"}}
{"id":"0","msg":{"type":"task_started"}}
{"id":"0","msg":{"type":"agent_reasoning","text":"greeting"}}
{"id":"0","msg":{"type":"agent_message","message":"Hi there."}}
{"id":"0","msg":{"type":"task_complete","last_agent_message":"Hi there."}}
EOF
    ;;
  codex-failed)
    cat <<'EOF'
{"type":"thread.started","thread_id":"0199a213-0000-7800-8aa1-bbab2a035a53"}
{"type":"turn.started"}
{"type":"turn.failed","error":{"message":"stream disconnected before completion"}}
EOF
    ;;
  codex-silent)
    cat <<'EOF'
{"type":"thread.started","thread_id":"0199a213-0000-7800-8aa1-bbab2a035a53"}
{"type":"turn.started"}
EOF
    ;;
  gemini)
    cat <<'EOF'
{
  "response": "Gemini says hello.",
  "stats": {
    "models": {"gemini-2.5-pro": {"api": {"totalRequests": 1}, "tokens": {"total": 1234}}},
    "tools": {"totalCalls": 0}
  }
}
EOF
    ;;
  gemini-error)
    printf '{"error":{"type":"FatalAuthenticationError","message":"not logged in","code":41}}\n'
    ;;
  json)
    echo 'loading...'
    echo '{"answer": 42, "why": "it is known"}'
    ;;
  text)
    p=$(prompt "$@")
    printf 'Line one.\nYou said: %s\n\n' "$p"
    ;;
  *)
    echo "fake-agent: unknown mode '$mode'" >&2
    exit 64
    ;;
esac
