#!/usr/bin/env bash
# `zhida ledger …` and `zhida funds …` on the demo database (issue 4 §2, §7): verify passes, and
# fails naming the discrepancy on a planted bug (negative control); balances, settlement,
# reconciliation, maker-checker at the command line, batch export.
# Prints one line per check and a closing "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
zhida=$(realpath "$1")
source "$(dirname "$0")/lib.sh" || exit 1

db=$dir/zhida.db
year=$(date +%Y)
check "demo builds with this year's funds" exit_is 0 "$zhida" demo --db "$db" --enterprises 300 --password cli-pass-123
check "ledger verify passes on the demo" exit_is 0 "$zhida" ledger verify --db "$db"
check "…and says what it checked" contains "$dir/out" "核验通过"
check "ledger balance lists the quotas" exit_is 0 "$zhida" ledger balance --db "$db" --fund KJCX --year "$year" --kind quota
check "…with the city's science bureau" contains "$dir/out" "泉州市科学技术局"
check "settlement report balances" exit_is 0 "$zhida" funds settlement --db "$db" --fund KJCX --year "$year"
check "…and has no unbalanced row" bash -c "! grep -q '不平' '$dir/out'"
check "reconciliation lists the lost answer (exit 2)" exit_is 2 "$zhida" funds reconcile --db "$db" --fund GYZZ --year "$year"
check "…as an unknown batch" contains "$dir/out" "unknown_batch"
check "pending requests are listed" exit_is 0 "$zhida" funds requests --db "$db" --fund GYZZ --year "$year" --status pending
id=$(awk -F'\t' 'NR==1 {print $1}' "$dir/out")
check "the maker cannot approve their own request" exit_is 1 "$zhida" funds approve "$id" --db "$db" --as finance
check "…the message says why" contains "$dir/err" "不能审批自己提交的申请"
check "a second officer approves it" exit_is 0 "$zhida" funds approve "$id" --db "$db" --as finance2 --note 同意
check "batch 1 exports as CSV with a BOM" exit_is 0 "$zhida" funds export --db "$db" --batch 1 --out "$dir/b1.csv"
check "…starting with the BOM" bash -c "head -c 3 '$dir/b1.csv' | od -An -tx1 | grep -q 'ef bb bf'"
check "…and a checksum line" contains "$dir/b1.csv" "SHA-256,"
check "batch 1 exports as XLSX" exit_is 0 "$zhida" funds export --db "$db" --batch 1 --format xlsx --out "$dir/b1.xlsx"
check "ledger verify still passes" exit_is 0 "$zhida" ledger verify --db "$db"
# Negative control: an order marked paid behind the ledger's back must be named.
sqlite3 "$db" "UPDATE payment_orders SET status = 'paid' WHERE status = 'created'"
check "ledger verify fails on a planted discrepancy" exit_is 1 "$zhida" ledger verify --db "$db"
check "…naming it" contains "$dir/err" "不属于任何有效的方案预留或支付指令"

finish
