// The storage interface of Zhida: one SQL interface over two backends (DESIGN.md §7).
//
// SQLite (embedded, the default: a file path) and PostgreSQL (a "postgresql://" URL) are used
// through the same calls and the same SQL. Services write portable SQL with `?` placeholders;
// the PostgreSQL backend rewrites them to $1, $2, … . Types at rest are portable: BIGINT for
// integers (money as integer fen), TEXT for strings, dates ("YYYY-MM-DD"), times (RFC 3339 UTC)
// and exact decimals, INTEGER 0/1 for booleans. Nothing may rely on in-process state for
// correctness: several `zhida serve` processes may share one PostgreSQL.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace zhida::store {

enum class Dialect { kSqlite, kPostgres };

// A parameter or column value. Booleans are bound as 0/1, money as integer fen, decimals and dates
// as their canonical text. There is deliberately no floating-point alternative (DESIGN.md §3).
using Value = std::variant<std::monostate, int64_t, std::string>;

inline Value Null() { return std::monostate{}; }
inline Value Opt(const std::optional<std::string>& s) { return s ? Value(*s) : Null(); }
inline Value Opt(const std::optional<int64_t>& i) { return i ? Value(*i) : Null(); }

// One result row. Column access by index; a type mismatch is a programmer error (aborts).
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const;
  // The integer in column i; text that holds an integer (PostgreSQL's text protocol) is parsed.
  int64_t Int(size_t i) const;
  bool Bool(size_t i) const { return Int(i) != 0; }
  // The text of column i ("" for NULL); an integer column is formatted.
  std::string Text(size_t i) const;
  std::optional<int64_t> OptInt(size_t i) const;
  std::optional<std::string> OptText(size_t i) const;
  const Value& value(size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

struct Result {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  int64_t affected_rows = 0;  // for INSERT/UPDATE/DELETE
};

enum class TxMode {
  kRead,   // a consistent snapshot for reads
  kWrite,  // SQLite: BEGIN IMMEDIATE (one writer at a time); PostgreSQL: READ COMMITTED
};

// A transaction on one pooled connection. Not thread-safe: use it from one thread. Rolled back
// on destruction unless committed. Statements are prepared once per connection and cached by
// their SQL text, so repeating an INSERT in a loop is fast.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual Dialect dialect() const = 0;

  // Runs one statement with `?` placeholders bound to `params`. Errors: kAlreadyExists for a
  // unique violation, kFailedPrecondition for other constraint violations, kAborted for a
  // serialization failure or deadlock (retry), kUnavailable for a lost connection, kInternal
  // otherwise. The SQL and the backend's message go to the status message for operators, never
  // to clients (the HTTP layer maps codes, not texts). After a failed statement the transaction
  // can only be rolled back, on both backends (PostgreSQL works so; SQLite is made to match):
  // later Query and Commit calls return the first failure's code. To go on after a conflict,
  // write INSERT … ON CONFLICT … instead of catching kAlreadyExists. A write in a kRead
  // transaction fails (kInternal).
  virtual absl::StatusOr<Result> Query(std::string_view sql, std::span<const Value> params) = 0;
  absl::StatusOr<Result> Query(std::string_view sql, std::initializer_list<Value> params = {}) {
    return Query(sql, std::span<const Value>(params.begin(), params.size()));
  }
  // Like Query, returns the number of rows changed.
  absl::StatusOr<int64_t> Exec(std::string_view sql, std::span<const Value> params);
  absl::StatusOr<int64_t> Exec(std::string_view sql, std::initializer_list<Value> params = {}) {
    return Exec(sql, std::span<const Value>(params.begin(), params.size()));
  }

  virtual absl::Status Commit() = 0;
};

struct OpenOptions {
  int pool_size = 8;               // connections kept open
  int busy_timeout_ms = 10000;     // SQLite: how long a writer waits for the lock
  bool allow_unsafe = false;       // --unsafe-dev: skip the durability check
  bool create_if_missing = true;   // SQLite: create the file
};

class Store {
 public:
  // Opens `url`: a file path (SQLite) or "postgresql://…"/"postgres://…" (libpq). SQLite is set
  // to WAL, synchronous=FULL, foreign_keys=ON and the busy timeout on every connection.
  // Fails with kFailedPrecondition when the durability settings cannot be had, unless
  // `allow_unsafe`.
  static absl::StatusOr<std::unique_ptr<Store>> Open(std::string_view url,
                                                     const OpenOptions& options = {});
  virtual ~Store() = default;

  virtual Dialect dialect() const = 0;
  // Starts a transaction on a pooled connection (blocks while the pool is exhausted, so a thread
  // must not begin a second transaction while it holds pool_size of them). Every transaction must
  // end before the Store is destroyed.
  virtual absl::StatusOr<std::unique_ptr<Tx>> Begin(TxMode mode) = 0;

  // Runs `fn` in a transaction and commits it; retries up to `attempts` times when the backend
  // reports kAborted (serialization failure, deadlock). `fn` must be safe to run again.
  absl::Status InTx(TxMode mode, const std::function<absl::Status(Tx&)>& fn, int attempts = 5);

  // Applies the pending migrations (schema/*.sql, in version order) each in its own transaction.
  // Refuses with kFailedPrecondition when the database has a newer schema than this binary knows.
  absl::Status Migrate();
  // The applied schema version (0 for an empty database) and the newest this binary knows.
  absl::StatusOr<int> SchemaVersion();
  static int LatestSchemaVersion();

  // SQLite: an online backup to `path` (sqlite3_backup). PostgreSQL: kUnimplemented (use pg_dump,
  // see docs/operations.md).
  virtual absl::Status Backup(std::string_view path) = 0;
};

}  // namespace zhida::store
