#!/usr/bin/env bash
# The zhida command line as an operator uses it: demo, catalog, imports (good, bad, strict,
# GB18030), users, backup, migrations, and the server's start, health and graceful stop.
# Prints one line per check and a closing "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
zhida=$(realpath "$1")
source "$(dirname "$0")/lib.sh" || exit 1

db=$dir/demo.db
check "help lists the commands" bash -c "'$zhida' --help | grep -q import"
check "no command is a usage error" bash -c "! '$zhida' >/dev/null 2>&1"
check "demo builds" exit_is 0 "$zhida" demo --db "$db" --enterprises 300 --password cli-pass-123
check "demo prints every demo account" bash -c "for u in sysadmin secadmin auditadmin officer officer-jj finance reviewer-credit reviewer-tax reviewer-court reviewer-police reviewer-bank leader ent1 ent2; do grep -q \"^  \$u \" '$dir/out' || { echo missing \$u; exit 1; }; done"
check "demo refuses a database with users" exit_is 1 "$zhida" demo --db "$db" --password cli-pass-123
check "…and says why" contains "$dir/err" "已有用户"
check "policy list shows the demo catalog" exit_is 0 "$zhida" policy list --db "$db" --size 100
check "…at least 20 published policies" bash -c "n=\$(sed -n 's/^共 \([0-9]*\) 项/\1/p' '$dir/out'); [ \"\$n\" -ge 20 ]"
check "search finds 研发" exit_is 0 "$zhida" policy list --db "$db" -q 研发
check "…and every hit is about it" bash -c "tail -n +2 '$dir/out' | grep -q 研发 && [ \$(tail -n +2 '$dir/out' | wc -l) -ge 1 ]"
check "policy show by id" exit_is 0 "$zhida" policy show --db "$db" 1
check "…prints the policy JSON" contains "$dir/out" '"eligibility"'
check "policy show unknown" exit_is 1 "$zhida" policy show --db "$db" no-such-policy

cat >"$dir/bad.csv" <<'CSV'
uscc,name,region,industry,scale,revenue
91350581133456810F,甲公司,350581,G5437,micro,100.00
91350581133456810E,乙公司,350581,G5437,micro,100.00
913505038728481487,丙公司,350503,F5131,micro,12x
CSV
check "import with bad rows is partial (exit 2)" exit_is 2 "$zhida" import enterprises "$dir/bad.csv" --db "$db"
check "…names line 3 and its column" contains "$dir/out" "第 3 行“uscc”列"
check "…names line 4 and its column" contains "$dir/out" "第 4 行“revenue”列"
check "strict import of the same file changes nothing (exit 1)" exit_is 1 "$zhida" import enterprises "$dir/bad.csv" --db "$db" --strict
printf 'uscc,name,region,industry,scale\n913505038728481487,\xC8\xAA\xD6\xDD\xBC\xD7\xC9\xCC\xC3\xB3,350503,F5131,small\n' >"$dir/gb.csv"
check "GB18030 import" exit_is 0 "$zhida" import enterprises "$dir/gb.csv" --db "$db"
check "…is detected" contains "$dir/out" "gb18030"
check "unknown column is refused" bash -c "printf 'uscc,colour\n' > '$dir/col.csv'; '$zhida' import facts '$dir/col.csv' --db '$db' 2>&1 | grep -q colour"
check "missing file is an error" exit_is 105 "$zhida" import enterprises "$dir/none.csv" --db "$db"

check "user add with a bad role" exit_is 1 "$zhida" user add --db "$db" --username new-user --name 新用户 --kind staff --password abc-12345 --role wizard@350500
check "user add" exit_is 0 "$zhida" user add --db "$db" --username new-user --name 新用户 --kind staff --password abc-12345 --role leader@350582
check "user list shows it" bash -c "'$zhida' user list --db '$db' | grep -q 'new-user.*leader@350582'"

check "backup" exit_is 0 "$zhida" backup --db "$db" --to "$dir/backup.db"
check "…is a readable database" bash -c "[ \"\$(sqlite3 '$dir/backup.db' 'PRAGMA integrity_check')\" = ok ]"
check "…with the same enterprises" bash -c "[ \"\$(sqlite3 '$dir/backup.db' 'SELECT COUNT(*) FROM enterprises')\" = \"\$(sqlite3 '$db' 'SELECT COUNT(*) FROM enterprises')\" ]"
check "backup never overwrites" exit_is 1 "$zhida" backup --db "$db" --to "$dir/backup.db"

sample=$(dirname "$0")/../data/bench-sample
check "screen the bench sample" exit_is 0 "$zhida" screen --enterprises "$sample/enterprises.csv" --policies "$sample/policies.json" --out "$dir/screen.csv" --as-of 2026-11-30
check "…byte-identical to the expected result" cmp "$dir/screen.csv" "$sample/expected.csv"
check "…and reports its counts" contains "$dir/err" "符合 13157"

cat > "$dir/params.json" <<'JSON'
[{"code": "rate_rd", "label": "研发经费增加额奖补比例", "type": "decimal",
  "versions": [{"from": "2025-10-01", "value": "0.06", "basis": "闽政办〔2025〕若干措施 第一条"},
               {"from": "2026-07-01", "value": "0.08", "basis": "试算"}]}]
JSON
sed 's/"rate_rd"/"revenue"/' "$dir/params.json" > "$dir/clash.json"
check "rules check with a draft's parameters" exit_is 0 "$zhida" rules check --db "$db" --kind award --parameters "$dir/params.json" "rd_expense * rate_rd"
check "…and without them the name is unknown" exit_is 1 "$zhida" rules check --db "$db" --kind award "rd_expense * rate_rd"
check "…at its column" contains "$dir/err" "第 1 行第 14 列"
check "a parameter named like a field is refused" exit_is 1 "$zhida" rules check --db "$db" --parameters "$dir/clash.json" "revenue > 1"
check "…naming its path" contains "$dir/err" "parameters[0].code"
check "simulate with a changed parameter" exit_is 0 "$zhida" simulate --db "$db" --policy 1 --as-of 2026-11-30 --parameters "$dir/params.json"
check "…is marked as a what-if" contains "$dir/out" "试算修改"

cp "$db" "$dir/newer.db"
sqlite3 "$dir/newer.db" "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '2030-01-01T00:00:00Z')"
check "a newer schema is refused" exit_is 1 "$zhida" migrate --db "$dir/newer.db"
check "…and says so" contains "$dir/err" "999"
check "migrate is idempotent" exit_is 0 "$zhida" migrate --db "$db"

"$zhida" serve --db "$db" --port 0 --port-file "$dir/port" --web-root "$dir/no-web" 2>"$dir/server.log" &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
port=$(cat "$dir/port" 2>/dev/null)
check "serve writes its port" test -n "$port"
check "healthz" bash -c "curl -sf http://127.0.0.1:$port/healthz | grep -q '\"status\":\"ok\"'"
check "a request is logged as a JSON line" bash -c "sleep 0.3; grep '\"msg\":\"request\"' '$dir/server.log' | tail -1 | python3 -c 'import json,sys; l=json.loads(sys.stdin.readline()); assert l[\"status\"]==200 and \"request_id\" in l and \"duration_ms\" in l'"
check "login as officer over HTTP" bash -c "curl -sf -c '$dir/jar' -H 'Content-Type: application/json' -d '{\"username\":\"officer\",\"password\":\"cli-pass-123\"}' http://127.0.0.1:$port/api/v1/auth/login | grep -q 林晓东"
kill -TERM "$server_pid"; wait "$server_pid"; stop_code=$?; server_pid=""
check "SIGTERM stops the server cleanly (exit 0)" test "$stop_code" = 0
check "…and logs the stop" contains "$dir/server.log" '"msg":"stopped"'

finish
