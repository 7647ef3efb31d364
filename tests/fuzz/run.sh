#!/usr/bin/env bash
# A bounded libFuzzer run of every fuzz target (issue 3 §6), as `make test` runs it:
#
#   tests/fuzz/run.sh [BUILD_DIR=build/fuzz] [RUNS=20000]
#
# Builds the targets with clang 14 (ASan + UBSan + libFuzzer) in BUILD_DIR, then runs each over
# the seed corpus for RUNS inputs with a printed seed (ZHIDA_SEED replays a run). A crash fails the
# run and is saved under BUILD_DIR/artifacts; keep it as a regression test by copying it to
# tests/fuzz/regressions/TARGET/<what-it-broke> — the ordinary build's ctest replays that folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/fuzz}
runs=${2:-20000}
seed=${ZHIDA_SEED:-$(( (RANDOM << 15) | RANDOM ))}
targets=(rules_parse rules_eval rules_differential)

echo "fuzz: building ${targets[*]} with clang-14 in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DZHIDA_FUZZ=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}" fuzz_planted_bug >/dev/null

# The negative control first: with a crash planted one mutation away from the seeds, the fuzzer
# must find it (a fixed seed keeps this deterministic). If it does not, no run below means much.
control=$(mktemp -d)
cp "$here"/corpus/rules/* "$control"/
if "$build/tests/fuzz/fuzz_planted_bug" -seed=1 -runs=200000 -max_len=2048 \
    -artifact_prefix="$control/" "$control" >"$build/planted_bug.log" 2>&1; then
  echo "fuzz: the negative control FAILED: the planted bug was not found (log: $build/planted_bug.log)"
  exit 1
fi
grep -q 'check failed: text.find' "$build/planted_bug.log" || { echo "fuzz: control failed for another reason"; \
  tail -20 "$build/planted_bug.log"; exit 1; }
echo "fuzz: negative control: the planted bug was found (at input $(grep -oE '^#[0-9]+' \
  "$build/planted_bug.log" | tail -1))"
rm -rf "$control"

mkdir -p "$build/artifacts"
status=0
for target in "${targets[@]}"; do
  # libFuzzer adds what it finds to the first corpus folder: a scratch copy, not the repository.
  scratch=$(mktemp -d)
  cp "$here"/corpus/rules/* "$scratch"/
  echo "fuzz: $target, $runs inputs, seed $seed (ZHIDA_SEED=$seed replays)"
  if ! "$build/tests/fuzz/fuzz_$target" -seed="$seed" -runs="$runs" -max_len=2048 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" \
      "$scratch" "$here/regressions/$target" >"$build/$target.log" 2>&1; then
    status=1
    grep -E 'ERROR|SUMMARY|Test unit written|ZCHECK|failed' "$build/$target.log" | head -20
    echo "fuzz: $target FAILED (log: $build/$target.log)"
  else
    grep -E '^stat::number_of_executed_units|^Done' "$build/$target.log" | tr '\n' ' '
    echo
  fi
  rm -rf "$scratch"
done
exit $status
