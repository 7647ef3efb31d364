-- 0004: the funds services on the ledger (issue 4 §2–§4, src/services/funds*.cc, docs/funds.md):
-- budgets, maker-checker change requests, plan reservations, payment orders and their batches,
-- the treasury's return files, notices to officers and recoveries. Money is integer fen; the
-- money itself lives in the ledger (0003): these tables say why it moved and what is in flight.
--
-- `regions` columns hold the regions a row concerns, space-padded (' 350500 350582 '), so that
-- county staff can be limited to their county's rows with one LIKE.

-- A fund's budget for one fiscal year (预算批复): the ledger's appropriation → budget transfer.
CREATE TABLE funds (
  code TEXT NOT NULL,
  fiscal_year INTEGER NOT NULL,
  name TEXT NOT NULL,
  region TEXT NOT NULL,               -- the level that owns the budget: 350500 or a county
  budget_fen BIGINT NOT NULL,
  basis TEXT NOT NULL DEFAULT '',     -- the approving document, e.g. 泉财预〔2026〕1号
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (code, fiscal_year)
);

-- Every ledger account the funds services opened, so that a fund's accounts can be listed (the
-- ledger looks accounts up by key or id only).
CREATE TABLE fund_accounts (
  account_id BIGINT PRIMARY KEY,
  fund TEXT NOT NULL,
  fiscal_year INTEGER NOT NULL,
  kind TEXT NOT NULL,
  holder TEXT NOT NULL,
  region TEXT NOT NULL                -- whose staff may see it ('' for the fund's own accounts)
);
CREATE INDEX fund_accounts_fund ON fund_accounts (fund, fiscal_year, kind);

-- A change that needs a second person (maker-checker): quota allocation, adjustment, return and
-- the corrections. `detail` is JSON (services/fund_requests.cc). Status: pending → approved (its
-- transfers took effect) | failed (the ledger refused them; result = the code) | rejected.
CREATE TABLE fund_requests (
  id {{ID}},
  fund TEXT NOT NULL,
  fiscal_year INTEGER NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  amount_fen BIGINT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  regions TEXT NOT NULL,
  maker TEXT NOT NULL,
  created_at TEXT NOT NULL,
  checker TEXT,
  decided_at TEXT,
  decision_reason TEXT,
  result TEXT
);
CREATE INDEX fund_requests_fund ON fund_requests (fund, fiscal_year, status);

-- A plan's reservation against one or more quotas (pending quota → commitment, linked when
-- shared). Status: reserved → confirmed (posted: the plan is final) → closed (rest released) |
-- released (voided before confirmation) | refused (the ledger refused it; result = the code).
CREATE TABLE plan_reservations (
  id {{ID}},
  plan_id TEXT NOT NULL,
  fund TEXT NOT NULL,
  fiscal_year INTEGER NOT NULL,
  status TEXT NOT NULL,
  amount_fen BIGINT NOT NULL,
  shares TEXT NOT NULL,               -- JSON [{"quota": holder, "amount_fen": n}]
  regions TEXT NOT NULL,
  reason TEXT NOT NULL,
  result TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  resolved_by TEXT,
  resolved_at TEXT,
  resolve_reason TEXT
);
-- One live reservation per plan: amending a plan releases the old one and reserves anew.
CREATE UNIQUE INDEX plan_reservations_live ON plan_reservations (plan_id)
  WHERE status IN ('reserved', 'confirmed');

-- A payment order (国库授权支付): the voucher number is its idempotency key and the stem of its
-- ledger transfer ids. Status: created → batched → sent | unknown → paid | failed; created or
-- batched → cancelled; paid → reversed; refused when the ledger refused its reservation of money.
CREATE TABLE payment_orders (
  voucher TEXT PRIMARY KEY,
  reservation_id BIGINT NOT NULL REFERENCES plan_reservations (id),
  plan_id TEXT NOT NULL,
  fund TEXT NOT NULL,
  fiscal_year INTEGER NOT NULL,
  payee_uscc TEXT NOT NULL,
  payee_name TEXT NOT NULL,
  bank_name TEXT NOT NULL,
  bank_account TEXT NOT NULL,
  amount_fen BIGINT NOT NULL,
  policy_id BIGINT NOT NULL,
  policy_version INTEGER NOT NULL,
  memo TEXT NOT NULL,
  legs TEXT NOT NULL,                 -- JSON [{"quota": holder, "amount_fen": n}]
  regions TEXT NOT NULL,
  status TEXT NOT NULL,
  result TEXT NOT NULL,
  batch_id BIGINT,
  replaces TEXT,                      -- the voucher this one re-issues (correction)
  bank_serial TEXT,
  paid_at TEXT,
  fail_reason TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX payment_orders_status ON payment_orders (fund, fiscal_year, status);
CREATE INDEX payment_orders_batch ON payment_orders (batch_id);
CREATE INDEX payment_orders_plan ON payment_orders (plan_id);

-- A batch of orders as one file for the treasury. Status: ready → unknown (handed to the
-- treasury, answer not yet known: a crash or a time-out leaves it so) → sent (accepted).
-- A batch leaves `ready` once and never returns: an order is never sent twice.
CREATE TABLE payment_batches (
  id {{ID}},
  fund TEXT NOT NULL,
  fiscal_year INTEGER NOT NULL,
  status TEXT NOT NULL,
  orders INTEGER NOT NULL,
  total_fen BIGINT NOT NULL,
  checksum TEXT NOT NULL,             -- SHA-256 (hex) of the file's order lines
  regions TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_by TEXT,
  sent_at TEXT,
  send_note TEXT
);

-- The bank's return files, each line with what importing it did.
CREATE TABLE return_files (
  id {{ID}},
  sha256 TEXT NOT NULL UNIQUE,
  file_name TEXT NOT NULL,
  lines INTEGER NOT NULL,
  imported_by TEXT NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE TABLE return_lines (
  file_id BIGINT NOT NULL REFERENCES return_files (id),
  line_no INTEGER NOT NULL,
  voucher TEXT NOT NULL,
  status TEXT NOT NULL,               -- paid, failed
  amount_fen BIGINT NOT NULL,
  bank_serial TEXT NOT NULL,
  paid_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  outcome TEXT NOT NULL,              -- applied, duplicate, conflict, unknown_voucher, amount_mismatch, not_sent
  PRIMARY KEY (file_id, line_no)
);
CREATE INDEX return_lines_voucher ON return_lines (voucher);

-- Messages for finance officers (a failed payment, a refused request).
CREATE TABLE fund_notices (
  id {{ID}},
  fund TEXT NOT NULL,
  fiscal_year INTEGER NOT NULL,
  regions TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,              -- a voucher or request id
  message TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- Recoveries (追回): an amount claimed back from an enterprise, a receivable until repaid.
CREATE TABLE recoveries (
  id {{ID}},
  voucher TEXT NOT NULL REFERENCES payment_orders (voucher),
  fund TEXT NOT NULL,
  fiscal_year INTEGER NOT NULL,
  payee_uscc TEXT NOT NULL,
  quota TEXT NOT NULL,                -- where the repaid money goes back
  amount_fen BIGINT NOT NULL,
  status TEXT NOT NULL,               -- claimed, repaid
  regions TEXT NOT NULL,
  claimed_at TEXT NOT NULL,
  repaid_at TEXT
);
