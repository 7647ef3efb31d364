# The harness the command-line test scripts share; each sources it after `set -uo pipefail`:
#   source "$(dirname "$0")/lib.sh"
# It gives the script a temp dir $dir (removed on exit, after stopping $server_pid if the script
# set it), the check/exit_is/contains helpers, and `finish`, which prints the closing
# "N passed, N failed" and fails when any check did.
dir=$(mktemp -d "/tmp/zhida-$(basename "$0" .sh)-XXXXXX")
server_pid=""  # a server the script started in the background and has not stopped yet
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
passed=0 failed=0
check() {  # check NAME COMMAND...: passes when COMMAND succeeds
  local name=$1; shift
  if "$@" >>"$dir/log" 2>&1; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"; tail -20 "$dir/log" | sed 's/^/     /'
  fi
}
exit_is() {  # exit_is CODE COMMAND...: the command exits with CODE
  local want=$1; shift
  "$@" >"$dir/out" 2>"$dir/err"; local got=$?
  [ "$got" = "$want" ] || { echo "exit $got, wanted $want"; cat "$dir/out" "$dir/err"; return 1; }
}
contains() { grep -qF -- "$2" "$1" || { echo "'$2' not in $1:"; head -30 "$1"; return 1; }; }
finish() {  # the last command of a script: its summary line and its exit status
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
}
