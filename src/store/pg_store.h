// The PostgreSQL backend of the store (store.h), over libpq: several `zhida serve` processes may
// share one database.
#pragma once

#include <memory>
#include <string_view>

#include "core/status.h"
#include "store/store.h"

namespace zhida::store {

// Opens a pool of connections to `url` ("postgresql://…" or "postgres://…", libpq's URI syntax;
// a unix socket directory goes in the host parameter, e.g.
// "postgresql:///zhida?host=/run/postgresql&user=zhida"). One connection is opened now so that a
// wrong URL fails here; the others are opened on demand, up to `options.pool_size`.
//
// Statements: `?` placeholders are rewritten to $1, $2, … (RewritePlaceholders, sql_text.h: every
// `?` outside quotes and comments is a placeholder, so the jsonb `?` operators cannot be used).
// Each statement is prepared once per connection (PQprepare) and cached by its SQL text.
// The server infers each placeholder's type from its context; where it cannot (`? IS NULL`),
// write a cast: `CAST(? AS TEXT) IS NULL`. Parameters and results use the text protocol, except
// bytea parameters, which are sent as raw bytes. Results: smallint/integer/bigint/oid columns
// come back as int64, boolean as int64 0/1 (as SQLite has them), bytea as its raw bytes, NULL as
// std::monostate, everything else as text
// (numeric, date, …); real/double precision columns are refused (DESIGN.md §3).
// Transactions: kWrite is READ COMMITTED, kRead is REPEATABLE READ READ ONLY.
// Errors: SQLSTATE 23505 → kAlreadyExists, other 23xxx → kFailedPrecondition, 40001 and 40P01
// → kAborted, 08xxx or a lost connection → kUnavailable (the connection is dropped from the
// pool), others → kInternal.
absl::StatusOr<std::unique_ptr<Store>> OpenPgStore(std::string_view url,
                                                   const OpenOptions& options);

}  // namespace zhida::store
