-- 0003: the double-entry ledger of funds (DESIGN.md §3, src/ledger, docs/funds.md).
-- Money is integer fen. Transfers are append-only: no statement of the product updates or deletes
-- a row of ledger_transfers; resolving a pending transfer is a new row naming it in pending_id.

-- One account per fund, fiscal year, kind and holder. The four totals are the running sums of the
-- account's transfers (src/ledger/account.h); they are updated only by the ledger, in the same
-- transaction as the transfers that change them, and `zhida ledger verify` recomputes them.
CREATE TABLE ledger_accounts (
  id {{ID}},
  fund TEXT NOT NULL,
  fiscal_year INTEGER NOT NULL,
  kind TEXT NOT NULL,                 -- appropriation, budget, quota, commitment, payable, paid, receivable
  holder TEXT NOT NULL DEFAULT '',    -- dept or region code, plan id, USCC; '' when the kind has none
  flags INTEGER NOT NULL,             -- 1 debits must not exceed credits, 2 credits must not exceed debits
  debits_pending BIGINT NOT NULL DEFAULT 0,
  debits_posted BIGINT NOT NULL DEFAULT 0,
  credits_pending BIGINT NOT NULL DEFAULT 0,
  credits_posted BIGINT NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (fund, fiscal_year, kind, holder),
  -- A second line of defence behind the ledger's own checks: the database itself refuses a row
  -- in which a limited account is overspent (counting pending) or a total is negative.
  CHECK (debits_pending >= 0 AND debits_posted >= 0 AND credits_pending >= 0
         AND credits_posted >= 0),
  CHECK ((flags & 1) = 0 OR debits_pending + debits_posted <= credits_posted),
  CHECK ((flags & 2) = 0 OR credits_pending + credits_posted <= debits_posted)
);

-- Every transfer the ledger accepted, and every one it refused for a reason of state (result is
-- then the failure's code, e.g. exceeds_credits): a refused id stays refused (src/ledger/result.h).
-- Account ids are not foreign keys because a refused row may name an account that does not exist.
CREATE TABLE ledger_transfers (
  seq {{ID}},                         -- order of acceptance; the cursor of an account's history
  id TEXT NOT NULL UNIQUE,            -- client-chosen idempotency key (UUID, voucher number)
  debit_account_id BIGINT NOT NULL,
  credit_account_id BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL,
  flags INTEGER NOT NULL,             -- 1 linked, 2 pending, 4 post pending, 8 void pending
  pending_id TEXT,                    -- the pending transfer a post or void resolves, else NULL
  code TEXT NOT NULL,                 -- business event, e.g. quota.allocate
  reason TEXT NOT NULL,               -- 摘要
  user_name TEXT NOT NULL,            -- the actor
  result TEXT NOT NULL,               -- 'ok' or the stored failure's code
  created_at TEXT NOT NULL
);
-- A pending transfer is resolved (posted or voided) at most once, whatever the code above does.
CREATE UNIQUE INDEX ledger_transfers_resolved_once ON ledger_transfers (pending_id)
  WHERE result = 'ok';
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account_id, seq);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account_id, seq);
