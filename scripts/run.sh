#!/usr/bin/env bash
# `make run`: creates the demo database when absent, then serves the platform.
set -euo pipefail
cd "$(dirname "$0")/.."
zhida=$1 db=$2 port=$3
mkdir -p "$(dirname "$db")"
if [ ! -f "$db" ]; then
  echo "run: creating the demo database $db (this takes a little while)"
  "$zhida" demo --db "$db" --password "${ZHIDA_DEMO_PASSWORD:-zhida-demo-2026}" | tee "${db%.db}.accounts.txt"
else
  echo "run: using the existing database $db; demo accounts:"
  cat "${db%.db}.accounts.txt" 2>/dev/null || echo "  (see zhida user list --db $db)"
fi
echo "run: serving http://127.0.0.1:$port (Ctrl-C stops)"
exec "$zhida" serve --db "$db" --port "$port"
