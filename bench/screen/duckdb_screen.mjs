// The DuckDB side of bench/screen (issue 3 §5): the same screening as `zhida screen`, from the
// policies' SQL translations (`sql_where`, `sql_award`), over the same enterprises.csv loaded with
// exact DECIMAL(18,2) money columns. Writes the same CSV (policy_id,uscc,award sorted by
// policy_id then uscc, award half-up to two decimals) and prints its timings as JSON on stdout:
//
//   node duckdb_screen.mjs --enterprises F.csv --policies P.json --out R.csv [--threads 2]
//
// load: CSV → table. screen: every policy's query, the union sorted into a result table.
// write: the result table → CSV.
import { readFileSync } from 'node:fs';
import { DuckDBInstance, version } from '@duckdb/node-api';

function args() {
  const out = { threads: '2' };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const key of ['enterprises', 'policies', 'out']) {
    if (!out[key]) throw new Error(`missing --${key}`);
  }
  return out;
}

// The columns of DATASET.md, typed: money as DECIMAL(18,2), established as DATE.
const COLUMNS = {
  uscc: 'VARCHAR', name: 'VARCHAR', region: 'VARCHAR', industry: 'VARCHAR', scale: 'VARCHAR',
  established: 'DATE', employees: 'BIGINT', insured_employees: 'BIGINT',
  revenue: 'DECIMAL(18,2)', revenue_prev: 'DECIMAL(18,2)', tax_paid: 'DECIMAL(18,2)',
  tax_paid_prev: 'DECIMAL(18,2)', rd_expense: 'DECIMAL(18,2)', rd_expense_prev: 'DECIMAL(18,2)',
  export_value: 'DECIMAL(18,2)', export_value_prev: 'DECIMAL(18,2)',
  fixed_asset_investment: 'DECIMAL(18,2)', high_tech: 'BOOLEAN', specialized_sme: 'BOOLEAN',
  listed: 'BOOLEAN', tax_credit_grade: 'VARCHAR', dishonest: 'BOOLEAN', loan_default: 'BOOLEAN',
};

const sql = (s) => `'${s.replaceAll("'", "''")}'`;

async function main() {
  const a = args();
  const instance = await DuckDBInstance.create(':memory:', { threads: String(a.threads) });
  const db = await instance.connect();
  const columns = Object.entries(COLUMNS).map(([k, t]) => `${sql(k)}: ${sql(t)}`).join(', ');

  let t = performance.now();
  await db.run(`CREATE TABLE enterprises AS SELECT * FROM read_csv(${sql(a.enterprises)},
      header = true, delim = ',', quote = '"', columns = {${columns}})`);
  const load_ms = performance.now() - t;

  const policies = JSON.parse(readFileSync(a.policies, 'utf8'));
  t = performance.now();
  const selects = policies.map((p) =>
    `SELECT ${sql(p.id)} AS policy_id, uscc,
            CAST(ROUND(${p.sql_award}, 2) AS DECIMAL(18,2)) AS award
       FROM enterprises WHERE ${p.sql_where}`);
  await db.run(`CREATE TABLE result AS ${selects.join('\nUNION ALL\n')} ORDER BY policy_id, uscc`);
  const screen_ms = performance.now() - t;

  t = performance.now();
  await db.run(`COPY result TO ${sql(a.out)} (HEADER, DELIMITER ',')`);
  const write_ms = performance.now() - t;
  const rows = (await (await db.run('SELECT count(*) FROM result')).getRows())[0][0];

  console.log(JSON.stringify({
    load_ms: Math.round(load_ms), screen_ms: Math.round(screen_ms),
    write_ms: Math.round(write_ms), rows: Number(rows), duckdb: version(),
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
