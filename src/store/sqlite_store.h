// The SQLite backend of the store (store.h): the embedded default, one database file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/store.h"

namespace zhida::store {

// Opens the SQLite database at `url`: a file path, or a "file:" URI (SQLite's URI syntax, e.g.
// "file:/var/zhida.db?mode=rw"). Each pooled connection runs without SQLite's own mutex (a
// connection is used by one thread at a time) and is set to journal_mode=WAL, synchronous=FULL,
// foreign_keys=ON and `options.busy_timeout_ms`; the settings are read back and checked with
// CheckSqliteSettings. An in-memory database (":memory:") cannot do WAL, so it is refused unless
// `options.allow_unsafe`, and then uses a single connection (each connection would otherwise
// see its own empty database).
// Transactions: kWrite is BEGIN IMMEDIATE (writers serialize at BEGIN, waiting up to the busy
// timeout, then kAborted); kRead is a deferred BEGIN on a connection with PRAGMA query_only, so
// that writes fail as in PostgreSQL's READ ONLY. SQLITE_BUSY/LOCKED map to kAborted.
// Errors: kUnavailable when the file cannot be opened, kFailedPrecondition from the check.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(std::string_view url,
                                                       const OpenOptions& options);

// The settings of one connection as read back after opening.
struct SqliteSettings {
  std::string journal_mode;  // as PRAGMA journal_mode reports it, e.g. "wal", "memory"
  int64_t synchronous = 0;   // PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
  int64_t foreign_keys = 0;  // PRAGMA foreign_keys: 1 when enforced
};

// Checks `settings` for durability: WAL (readers never block the writer, and a crash never leaves
// a torn database) and synchronous FULL or EXTRA (a committed transaction survives power loss,
// DESIGN.md §3 "a crash never loses an accepted order"). `allow_unsafe` (--unsafe-dev) waives
// these two, never foreign_keys, which is correctness, not durability.
// Errors: kFailedPrecondition naming the setting that is wrong.
absl::Status CheckSqliteSettings(const SqliteSettings& settings, bool allow_unsafe);

}  // namespace zhida::store
