#!/usr/bin/env bash
# Browser (e2e) test of the web UI against a real `zhida serve` with demo data.
#
#   tests/e2e/run.sh path/to/zhida
#
# Makes a temporary directory T, builds a demo database in it, starts the server
# on a free port serving web/dist, runs tests/e2e/catalog.test.mjs (node --test,
# playwright-core + Debian's /usr/bin/chromium) against it and stops the server.
# Exits with the test's exit code.
#
# Environment:
#   ZHIDA_E2E_ARTIFACTS  where screenshots go (default: a new /tmp/zhida-e2e-artifacts.* dir)
#   ZHIDA_CHROMIUM       chromium binary (default /usr/bin/chromium)
#   ZHIDA_E2E_KEEP=1     keep T (database, server log) for inspection
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 ZHIDA_BINARY" >&2
  exit 2
fi
ZHIDA=$(realpath "$1")
[[ -x "$ZHIDA" ]] || { echo "e2e: not an executable: $1" >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WEB="$ROOT/web"
PASSWORD=e2e-pass-123

T=$(mktemp -d "${TMPDIR:-/tmp}/zhida-e2e.XXXXXX")
SERVER_PID=
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ "${ZHIDA_E2E_KEEP:-}" == 1 ]]; then
    echo "e2e: kept $T"
  else
    rm -rf "$T"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The web build: install from the lock file if needed, rebuild when sources are newer than dist.
if [[ ! -d "$WEB/node_modules/playwright-core" || ! -d "$WEB/node_modules/vite" ]]; then
  echo "e2e: installing web dependencies (npm ci)"
  (cd "$WEB" && npm ci --no-audit --no-fund)
fi
if [[ ! -f "$WEB/dist/index.html" ]] || [[ -n "$(find "$WEB/src" "$WEB/public" "$WEB/index.html" \
      "$WEB/vite.config.js" "$WEB/package-lock.json" -newer "$WEB/dist/index.html" -print -quit 2>/dev/null)" ]]; then
  echo "e2e: building web/dist"
  (cd "$WEB" && npm run build --silent)
fi

echo "e2e: demo database in $T"
if ! "$ZHIDA" demo --db "$T/e2e.db" --enterprises 300 --password "$PASSWORD" >"$T/demo.log" 2>&1; then
  echo "e2e: zhida demo failed:" >&2
  cat "$T/demo.log" >&2
  exit 1
fi

"$ZHIDA" serve --db "$T/e2e.db" --port 0 --port-file "$T/port" --web-root "$WEB/dist" \
  >"$T/serve.log" 2>&1 &
SERVER_PID=$!

PORT=
for _ in $(seq 1 300); do # up to 30 s
  if [[ -s "$T/port" ]]; then
    PORT=$(tr -dc '0-9' <"$T/port")
    [[ -n "$PORT" ]] && break
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "e2e: zhida serve exited before it was ready:" >&2
    tail -n 50 "$T/serve.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z "$PORT" ]]; then
  echo "e2e: zhida serve wrote no port file within 30 s:" >&2
  tail -n 50 "$T/serve.log" >&2
  exit 1
fi

export ZHIDA_URL="http://127.0.0.1:$PORT"
export ZHIDA_E2E_ARTIFACTS="${ZHIDA_E2E_ARTIFACTS:-$(mktemp -d "${TMPDIR:-/tmp}/zhida-e2e-artifacts.XXXXXX")}"
export ZHIDA_E2E_USER=officer ZHIDA_E2E_PASSWORD="$PASSWORD"
echo "e2e: server at $ZHIDA_URL, screenshots in $ZHIDA_E2E_ARTIFACTS"

set +e
(cd "$ROOT" && node --test --test-concurrency=1 "$HERE/catalog.test.mjs")
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
  echo "e2e: failed (exit $rc); last lines of the server log:" >&2
  tail -n 40 "$T/serve.log" >&2
fi
exit $rc
