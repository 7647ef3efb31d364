-- 0001: the foundation — departments, accounts and sessions, the enterprise registry with its
-- field schema and fact history, the versioned policy catalog with its search terms, the audit log.
-- Portable SQL for SQLite and PostgreSQL ({{ID}} is replaced per backend; see store/migrate.cc).
-- Times are RFC 3339 UTC text, dates YYYY-MM-DD text, money integer fen, booleans 0/1.

CREATE TABLE departments (
  code TEXT PRIMARY KEY,              -- region code + '.' + kind, e.g. 350582.gxj
  region TEXT NOT NULL,
  kind TEXT NOT NULL,                 -- gxj, czj, kjj, … (services/reference.cc)
  name TEXT NOT NULL,
  review_kind TEXT                    -- credit, tax, court, police, bank for review departments
);
CREATE INDEX departments_region ON departments (region);

CREATE TABLE enterprises (
  uscc TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  industry TEXT NOT NULL,             -- GB/T 4754-2017 class, e.g. C1951
  scale TEXT NOT NULL,                -- micro, small, medium, large
  established TEXT,
  contact_name TEXT,
  contact_phone TEXT,
  bank_name TEXT,
  bank_account TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX enterprises_region ON enterprises (region, uscc);

-- The field schema is data, not code (DESIGN.md §5).
CREATE TABLE fields (
  code TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  type TEXT NOT NULL,                 -- bool, int, decimal, string, date
  unit TEXT NOT NULL DEFAULT '',
  source_kind TEXT NOT NULL,          -- department kind that provides it
  description TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL
);

-- One import (or connector delivery) of facts: where they came from, for which period, as of when.
CREATE TABLE fact_batches (
  id {{ID}},
  source TEXT NOT NULL,               -- department code or 'import'
  period TEXT NOT NULL,               -- e.g. 2025 (the year the figures describe)
  as_of TEXT NOT NULL,                -- when the source stated them (RFC 3339)
  file_name TEXT NOT NULL DEFAULT '',
  rows_ok INTEGER NOT NULL DEFAULT 0,
  rows_failed INTEGER NOT NULL DEFAULT 0,
  imported_by BIGINT,
  created_at TEXT NOT NULL
);

-- The facts of one enterprise as delivered by one batch: a JSON object field code → canonical
-- text value. A field absent from the object is unknown in that batch. A later batch never
-- overwrites an earlier one: the current value of a field is the one of the latest batch that
-- has it (services/registry.cc), and the history stays.
CREATE TABLE fact_records (
  uscc TEXT NOT NULL REFERENCES enterprises (uscc),
  batch_id BIGINT NOT NULL REFERENCES fact_batches (id),
  facts TEXT NOT NULL,
  PRIMARY KEY (uscc, batch_id)
);

CREATE TABLE users (
  id {{ID}},
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  kind TEXT NOT NULL,                 -- staff, enterprise
  password_hash TEXT NOT NULL,        -- libsodium crypto_pwhash_str (argon2id)
  enterprise_uscc TEXT REFERENCES enterprises (uscc),
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

CREATE TABLE user_roles (
  user_id BIGINT NOT NULL REFERENCES users (id),
  role TEXT NOT NULL,
  region TEXT NOT NULL,
  dept TEXT NOT NULL DEFAULT '',      -- '' when the role is not tied to a department
  PRIMARY KEY (user_id, role, region, dept)
);

-- Server-side sessions; the cookie carries the token, the table only its hash.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A policy and the columns of its display version (the published one, else the latest draft),
-- kept here so that catalog lists and filters read one table.
CREATE TABLE policies (
  id {{ID}},
  key TEXT UNIQUE,
  status TEXT NOT NULL,               -- draft, published, suspended, expired
  current_version INTEGER,            -- the published version, NULL before the first publication
  latest_version INTEGER NOT NULL,
  title TEXT NOT NULL,
  level TEXT NOT NULL,
  region TEXT NOT NULL,
  owner_dept TEXT NOT NULL REFERENCES departments (code),
  mode TEXT NOT NULL,
  industries TEXT NOT NULL,           -- ' C F51 ' (space-separated, padded for LIKE)
  effective_from TEXT NOT NULL,
  effective_to TEXT,
  published_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX policies_region ON policies (region, status);

-- Every version of every policy. A published version is never changed again.
CREATE TABLE policy_versions (
  policy_id BIGINT NOT NULL REFERENCES policies (id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,               -- draft, published, superseded
  body TEXT NOT NULL,                 -- the policy's elements as JSON (services/policy.cc)
  created_by BIGINT,
  created_at TEXT NOT NULL,
  published_by BIGINT,
  published_at TEXT,
  PRIMARY KEY (policy_id, version)
);

-- Search terms of each policy's display version: CJK unigrams and bigrams, lower-cased
-- alphanumeric words; weight 3 title, 2 basis, 1 summary and beneficiaries.
CREATE TABLE policy_terms (
  term TEXT NOT NULL,
  policy_id BIGINT NOT NULL REFERENCES policies (id),
  weight INTEGER NOT NULL,
  PRIMARY KEY (term, policy_id)
);
CREATE INDEX policy_terms_policy ON policy_terms (policy_id);

-- Who did what, when: every write of a service records one line.
CREATE TABLE audit_log (
  id {{ID}},
  at TEXT NOT NULL,
  user_id BIGINT,
  username TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,               -- e.g. policy.publish
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
