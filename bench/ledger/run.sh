#!/usr/bin/env bash
# bench/ledger/run.sh [BENCH=build/src/ledger/ledger_bench] [TRANSFERS=100000]
# Durable transfers per second on SQLite (a fresh file) and on a private PostgreSQL 15 server
# (tests/pg/with_pg.sh: fsync and synchronous_commit on). Figures, never pass/fail.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bench=${1:-build/src/ledger/ledger_bench}
transfers=${2:-100000}
[ -x "$bench" ] || { echo "run.sh: no $bench (cmake --build build --target ledger_bench)" >&2; exit 2; }
bench=$(cd "$(dirname "$bench")" && pwd)/$(basename "$bench")

echo "== SQLite (WAL, synchronous=FULL)"
"$bench" --transfers "$transfers"
echo "== PostgreSQL 15 (fsync=on, synchronous_commit=on, unix socket)"
"$here/../../tests/pg/with_pg.sh" bash -c "ZHIDA_PG_URL=\"\$ZHIDA_TEST_PG\" \"$bench\" --transfers $transfers"
