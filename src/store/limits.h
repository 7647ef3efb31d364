// Limits of the store layer, each with the reason for its value (STYLE.md "a limits.h per
// subsystem").
#pragma once

#include <cstddef>

namespace zhida::store {

// Prepared statements kept per connection. Services use a fixed set of SQL texts (a few hundred
// at most across all services), so 256 keeps all hot statements prepared; the bound only matters
// for code that builds SQL text dynamically (e.g. an IN list of varying length), which would
// otherwise grow each connection's memory (a few KB per statement) and, on PostgreSQL, the
// server's per-session memory without limit. The least recently used statement is finalized.
inline constexpr size_t kStatementCacheSizeMax = 256;

// SQLite page cache per connection, in KiB (PRAGMA cache_size=-N). SQLite's default (2 MiB) makes
// a large import spill B-tree pages to the WAL over and over: a 1,000,000-row import touches
// four indexes of ~100 MB each. 64 MiB holds their upper levels and the working set of an import
// batch; it is an upper bound, allocated only as pages are used, so an idle pool costs nothing.
inline constexpr int kSqliteCacheKib = 64 * 1024;

// PostgreSQL: attempts at starting a transaction. A pooled connection may have been closed by the
// server (restart, idle timeout) without libpq noticing until it is used; nothing has happened in
// the transaction yet, so it is safe to drop it and try once more on a fresh connection.
inline constexpr int kPgBeginAttemptsMax = 2;

// Store::InTx backoff between attempts after kAborted: the first wait is about 2 ms, doubling each
// attempt, with random jitter so that two transactions that collided do not collide again in
// lock step; capped at 100 ms so that five attempts stay well under a second.
inline constexpr int kRetryBackoffBaseMs = 2;
inline constexpr int kRetryBackoffMaxMs = 100;

// SQLite online backup: how long Backup sleeps when the source is momentarily locked before it
// tries again (a checkpoint or a writer in a non-WAL database); short against a backup's duration.
inline constexpr int kBackupBusySleepMs = 10;

}  // namespace zhida::store
