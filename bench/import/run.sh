#!/usr/bin/env bash
# Import benchmark (issue 2 §5): 1,000,000 enterprises with their facts through
# `zhida import enterprises` into a fresh SQLite database, side by side with the sqlite3 shell's
# raw `.import` of the same file into an untyped table (no validation, no history: a floor, not a
# competitor). Prints rows/s for both and the ratio. Target: Zhida under 20 s on 2 cores.
#
#   bench/import/run.sh [ROWS] [ZHIDA]
#
# Data: ../shared/bench/gen.mjs (seed 1) when it is beside the project, else `zhida generate
# enterprises` (the project's own generator, same columns plus contact and bank columns).
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000000}
zhida=${2:-build/zhida}
work=$(mktemp -d /tmp/zhida-bench-import-XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ -f ../shared/bench/gen.mjs ]; then
  echo "data: ../shared/bench/gen.mjs --enterprises $rows --seed 1"
  node ../shared/bench/gen.mjs --enterprises "$rows" --policies 1 --seed 1 --out "$work" >/dev/null
else
  echo "data: zhida generate enterprises --count $rows --seed 1"
  "$zhida" generate enterprises --count "$rows" --seed 1 --out "$work/enterprises.csv" >/dev/null
fi
csv=$work/enterprises.csv
echo "file: $(du -h "$csv" | cut -f1), $(($(wc -l <"$csv") - 1)) rows"

"$zhida" migrate --db "$work/zhida.db" >/dev/null
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/zhida.mem" "$zhida" import enterprises "$csv" --db "$work/zhida.db" \
  --source 350500.szb >"$work/zhida.out"
end=$(date +%s.%N)
zhida_s=$(echo "$end - $start" | bc)

start=$(date +%s.%N)
sqlite3 "$work/raw.db" "PRAGMA journal_mode=WAL;" "PRAGMA synchronous=FULL;" ".mode csv" \
  ".import '$csv' raw" >/dev/null
end=$(date +%s.%N)
raw_s=$(echo "$end - $start" | bc)

printf "zhida import:   %6.2f s  %9.0f rows/s  peak %d MB  (%s)\n" "$zhida_s" \
  "$(echo "$rows / $zhida_s" | bc -l)" "$(($(cat "$work/zhida.mem") / 1024))" "$(head -1 "$work/zhida.out")"
printf "sqlite3 .import: %5.2f s  %9.0f rows/s  (raw text, no validation)\n" "$raw_s" \
  "$(echo "$rows / $raw_s" | bc -l)"
printf "ratio zhida / sqlite3 .import: %.2f× the time\n" "$(echo "$zhida_s / $raw_s" | bc -l)"
