#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "store/errors.h"
#include "store/limits.h"
#include "store/tx_base.h"
#include "store/pool.h"
#include "store/sql_text.h"
#include "store/statement_cache.h"

namespace zhida::store {

namespace {

// Maps a SQLite result code (extended codes are on) to a status for statement `sql`.
absl::Status SqliteError(sqlite3* db, int rc, std::string_view sql) {
  std::string detail = absl::StrCat(sqlite3_errstr(rc), ": ", db ? sqlite3_errmsg(db) : "");
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return StatementError(kUniqueViolation, detail, sql);
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return StatementError(kConstraintViolation, detail, sql);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StatementError(kConflict, detail, sql);
  }
  return StatementError(kDatabaseError, detail, sql);
}

// One connection and its statements. Closing finalizes the statements first.
struct SqliteConn {
  sqlite3* db = nullptr;
  bool query_only = false;  // PRAGMA query_only, on while the connection serves kRead
  StatementCache<sqlite3_stmt*> statements{kStatementCacheSizeMax};

  ~SqliteConn() {
    statements.Clear([](sqlite3_stmt* stmt) { sqlite3_finalize(stmt); });
    sqlite3_close_v2(db);
  }
};

// Runs a statement without parameters or result (BEGIN, COMMIT, PRAGMA x=y).
absl::Status ExecSimple(sqlite3* db, const char* sql) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteError(db, rc, sql);
}

// The first column of the first row of `sql` as text ("" when there is no row).
absl::StatusOr<std::string> QueryText(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, sql);
  std::string text;
  rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    const unsigned char* p = sqlite3_column_text(stmt, 0);
    if (p != nullptr) text.assign(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt, 0));
    rc = SQLITE_DONE;
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return SqliteError(db, rc, sql);
  return text;
}

absl::StatusOr<int64_t> QueryInt(sqlite3* db, const char* sql) {
  ASSIGN_OR_RETURN(std::string text, QueryText(db, sql));
  int64_t n = 0;
  if (!absl::SimpleAtoi(Absl(text), &n)) {
    return StatementError(kDatabaseError, absl::StrCat("not an integer: ", Absl(text)), sql);
  }
  return n;
}

// Opens and configures one connection; `*in_memory` tells whether the database has no file.
absl::StatusOr<std::unique_ptr<SqliteConn>> OpenConnection(const std::string& url,
                                                           const OpenOptions& options,
                                                           bool* in_memory) {
  auto conn = std::make_unique<SqliteConn>();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  if (options.create_if_missing) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(url.c_str(), &conn->db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = conn->db ? sqlite3_errmsg(conn->db) : sqlite3_errstr(rc);
    return MakeError(absl::StatusCode::kUnavailable, "store.open", {},
                     absl::StrCat("无法打开数据库 ", url, "：", detail),
                     absl::StrCat("cannot open database ", url, ": ", detail));
  }
  sqlite3_extended_result_codes(conn->db, 1);
  sqlite3_busy_timeout(conn->db, options.busy_timeout_ms);
  const char* file = sqlite3_db_filename(conn->db, "main");
  *in_memory = file == nullptr || file[0] == '\0';
  // journal_mode reports the mode it ended up in; it is read back below like the others.
  RETURN_IF_ERROR(QueryText(conn->db, "PRAGMA journal_mode=WAL").status());
  RETURN_IF_ERROR(ExecSimple(conn->db, "PRAGMA synchronous=FULL"));
  RETURN_IF_ERROR(ExecSimple(conn->db, "PRAGMA foreign_keys=ON"));
  RETURN_IF_ERROR(ExecSimple(
      conn->db, absl::StrCat("PRAGMA cache_size=-", kSqliteCacheKib).c_str()));
  SqliteSettings settings;
  ASSIGN_OR_RETURN(settings.journal_mode, QueryText(conn->db, "PRAGMA journal_mode"));
  ASSIGN_OR_RETURN(settings.synchronous, QueryInt(conn->db, "PRAGMA synchronous"));
  ASSIGN_OR_RETURN(settings.foreign_keys, QueryInt(conn->db, "PRAGMA foreign_keys"));
  absl::Status status = CheckSqliteSettings(settings, options.allow_unsafe);
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat(url, "：", status.message()));
  }
  return conn;
}

class SqliteTx : public TxBase {
 public:
  SqliteTx(Pool<SqliteConn>* pool, std::unique_ptr<SqliteConn> conn)
      : pool_(pool), conn_(std::move(conn)) {}

  ~SqliteTx() override {
    sqlite3* db = conn_->db;
    if (!committed() && !sqlite3_get_autocommit(db)) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    // A connection still inside a transaction cannot be reused: close it.
    if (sqlite3_get_autocommit(db)) {
      pool_->Release(std::move(conn_));
    } else {
      pool_->Discard(std::move(conn_));
    }
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  absl::Status CommitNow() override { return ExecSimple(conn_->db, "COMMIT"); }

 private:

  // The cached statement for `sql`, prepared on first use.
  absl::StatusOr<sqlite3_stmt*> Prepare(std::string_view sql) {
    if (sqlite3_stmt** cached = conn_->statements.Find(sql)) return *cached;
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(conn_->db, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return SqliteError(conn_->db, rc, sql);
    if (stmt == nullptr) {
      return StatementError(kDatabaseError, "empty statement", sql);
    }
    std::string_view rest(tail, sql.data() + sql.size() - tail);
    if (!IsBlankSql(rest)) {
      sqlite3_finalize(stmt);
      return StatementError(kDatabaseError, "one statement per call", sql);
    }
    if (auto evicted = conn_->statements.Insert(sql, stmt)) sqlite3_finalize(evicted->second);
    return stmt;
  }

  absl::Status Bind(sqlite3_stmt* stmt, std::span<const Value> params, std::string_view sql) {
    int count = sqlite3_bind_parameter_count(stmt);
    if (count != static_cast<int>(params.size())) {
      return StatementError(kDatabaseError,
                            absl::StrCat(count, " placeholders, ", params.size(), " parameters"),
                            sql);
    }
    for (int i = 0; i < count; ++i) {
      const Value& v = params[i];
      int rc = SQLITE_OK;
      if (const int64_t* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, i + 1, *n);
      } else if (const std::string* s = std::get_if<std::string>(&v)) {
        // SQLITE_STATIC: `params` outlives the statement's run, and Run clears the bindings.
        rc = sqlite3_bind_text64(stmt, i + 1, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(stmt, i + 1);
      }
      if (rc != SQLITE_OK) return SqliteError(conn_->db, rc, sql);
    }
    return absl::OkStatus();
  }

  // Reads column `i` of the current row of `stmt`.
  static absl::StatusOr<Value> Column(sqlite3_stmt* stmt, int i, std::string_view sql) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER:
        return Value(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
      case SQLITE_TEXT:
        return Value(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                                 sqlite3_column_bytes(stmt, i)));
      case SQLITE_BLOB: {
        const char* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
        return Value(p == nullptr ? std::string() : std::string(p, sqlite3_column_bytes(stmt, i)));
      }
      case SQLITE_NULL:
        return Null();
    }
    // Floating point never carries our data (DESIGN.md §3): refuse rather than round.
    return StatementError(kDatabaseError,
                          absl::StrCat("column ", i, " (", sqlite3_column_name(stmt, i),
                                       ") is REAL; the schema holds no floating point"),
                          sql);
  }

  absl::StatusOr<Result> Run(std::string_view sql, std::span<const Value> params) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    // Leaves the cached statement ready for its next use on every path out of here.
    struct Reset {
      sqlite3_stmt* stmt;
      ~Reset() {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
      }
    } reset{stmt};
    RETURN_IF_ERROR(Bind(stmt, params, sql));
    Result result;
    int64_t total_changes_before = sqlite3_total_changes64(conn_->db);
    int columns = sqlite3_column_count(stmt);
    for (int i = 0; i < columns; ++i) result.columns.emplace_back(sqlite3_column_name(stmt, i));
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return SqliteError(conn_->db, rc, sql);
      std::vector<Value> values;
      values.reserve(columns);
      for (int i = 0; i < columns; ++i) {
        ASSIGN_OR_RETURN(Value v, Column(stmt, i, sql));
        values.push_back(std::move(v));
      }
      result.rows.emplace_back(std::move(values));
    }
    // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE: report it only when
    // this statement changed something.
    if (sqlite3_total_changes64(conn_->db) != total_changes_before) {
      result.affected_rows = sqlite3_changes64(conn_->db);
    }
    return result;
  }

  Pool<SqliteConn>* const pool_;
  std::unique_ptr<SqliteConn> conn_;
};

class SqliteStore : public Store {
 public:
  SqliteStore(int pool_size, Pool<SqliteConn>::Opener open) : pool_(pool_size, std::move(open)) {}

  void AddConnection(std::unique_ptr<SqliteConn> conn) { pool_.Add(std::move(conn)); }

  Dialect dialect() const override { return Dialect::kSqlite; }

  absl::StatusOr<std::unique_ptr<Tx>> Begin(TxMode mode) override {
    ASSIGN_OR_RETURN(std::unique_ptr<SqliteConn> conn, pool_.Acquire());
    // A read transaction refuses writes, as PostgreSQL's READ ONLY does, so that a service that
    // writes in kRead fails on both backends. SQLite's own query_only enforces it exactly (a
    // statement-level check could not tell a PRAGMA that reads from one that writes).
    bool query_only = mode == TxMode::kRead;
    if (conn->query_only != query_only) {
      absl::Status status =
          ExecSimple(conn->db, query_only ? "PRAGMA query_only=1" : "PRAGMA query_only=0");
      if (!status.ok()) {
        pool_.Discard(std::move(conn));
        return status;
      }
      conn->query_only = query_only;
    }
    // IMMEDIATE takes the write lock now (waiting up to busy_timeout), so two writers serialize
    // at BEGIN instead of failing later when a deferred transaction tries to upgrade.
    absl::Status status =
        ExecSimple(conn->db, mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
    if (!status.ok()) {
      pool_.Release(std::move(conn));  // BEGIN failed: still outside a transaction
      return status;
    }
    return std::unique_ptr<Tx>(new SqliteTx(&pool_, std::move(conn)));
  }

  absl::Status Backup(std::string_view path) override;

 private:
  Pool<SqliteConn> pool_;
};

// Copies the database of `source` into a new file `path`: the copy is written to `path`.partial,
// synced, and renamed, so that `path` is either the old file or a complete backup.
absl::Status BackupTo(sqlite3* source, const std::string& path) {
  std::string partial = path + ".partial";
  std::error_code ignored;
  std::filesystem::remove(partial, ignored);
  sqlite3* dest = nullptr;
  int rc =
      sqlite3_open_v2(partial.c_str(), &dest,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  struct Close {
    sqlite3* db;
    ~Close() { sqlite3_close_v2(db); }
  } close_dest{dest};
  if (rc != SQLITE_OK) return SqliteError(dest, rc, "backup: open " + partial);
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", source, "main");
  if (backup == nullptr) return SqliteError(dest, sqlite3_errcode(dest), "backup: init");
  // All pages in one step: in WAL mode this is one read transaction, which never blocks writers
  // and, unlike a step-wise copy, never restarts when a writer commits meanwhile.
  while (true) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(kBackupBusySleepMs));
  }
  int finish_rc = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return SqliteError(dest, rc, "backup: step");
  if (finish_rc != SQLITE_OK) return SqliteError(dest, finish_rc, "backup: finish");
  // The copy's commit was synced (synchronous defaults to FULL); make the rename durable too.
  close_dest.db = nullptr;
  sqlite3_close_v2(dest);
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    return MakeError(absl::StatusCode::kInternal, "store.backup", {},
                     absl::StrCat("无法将备份改名为 ", path),
                     absl::StrCat("cannot rename to ", path));
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::Backup(std::string_view path) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConn> conn, pool_.Acquire());
  absl::Status status = BackupTo(conn->db, std::string(path));
  pool_.Release(std::move(conn));
  return status;
}

}  // namespace

absl::Status CheckSqliteSettings(const SqliteSettings& settings, bool allow_unsafe) {
  if (settings.foreign_keys != 1) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "store.unsafe", {},
                     "SQLite 未能启用外键约束（foreign_keys）",
                     "SQLite foreign_keys could not be enabled");
  }
  if (allow_unsafe) return absl::OkStatus();
  if (absl::AsciiStrToLower(Absl(settings.journal_mode)) != "wal") {
    return MakeError(
        absl::StatusCode::kFailedPrecondition, "store.unsafe", {},
        absl::StrCat("SQLite 无法启用 WAL 日志模式（实际为 ", Absl(settings.journal_mode),
                     "），数据库所在的文件系统可能不支持；仅供开发时可用 --unsafe-dev"),
        absl::StrCat("SQLite journal_mode is ", Absl(settings.journal_mode),
                     ", not wal; use --unsafe-dev only for development"));
  }
  if (settings.synchronous < 2) {
    return MakeError(
        absl::StatusCode::kFailedPrecondition, "store.unsafe", {},
        absl::StrCat("SQLite synchronous 为 ", settings.synchronous,
                     "，低于 FULL(2)，断电可能丢失已提交的事务"),
        absl::StrCat("SQLite synchronous is ", settings.synchronous, ", below FULL (2)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(std::string_view url,
                                                       const OpenOptions& options) {
  ZCHECK(options.pool_size >= 1);
  std::string path(url);
  bool in_memory = false;
  // The first connection is opened here so that a bad path or unsafe settings fail Open.
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConn> first, OpenConnection(path, options, &in_memory));
  int pool_size = in_memory ? 1 : options.pool_size;
  auto store = std::make_unique<SqliteStore>(pool_size, [path, options] {
    bool ignored = false;
    return OpenConnection(path, options, &ignored);
  });
  store->AddConnection(std::move(first));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace zhida::store
