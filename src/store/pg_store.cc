#include "store/pg_store.h"

#include <libpq-fe.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "store/errors.h"
#include "store/limits.h"
#include "store/tx_base.h"
#include "store/pool.h"
#include "store/sql_text.h"
#include "store/statement_cache.h"

namespace zhida::store {

namespace {

// Type OIDs of PostgreSQL's built-in types (src/include/catalog/pg_type.dat); stable across
// versions, and libpq does not export them.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;

struct ClearResult {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ClearResult>;

// A statement prepared on one connection.
struct PgStatement {
  std::string name;              // server-side name, unique on its connection
  std::vector<Oid> param_types;  // as the server inferred them
};

// One connection and its prepared statements (freed by the server when the connection closes).
struct PgConn {
  PGconn* conn = nullptr;
  StatementCache<PgStatement> statements{kStatementCacheSizeMax};
  int64_t statements_prepared = 0;  // names the next statement

  ~PgConn() { PQfinish(conn); }
  bool Healthy() const {
    return PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE;
  }
};

std::string TrimmedMessage(const char* message) {
  return std::string(absl::StripTrailingAsciiWhitespace(message == nullptr ? "" : message));
}

// Maps a failed result (or a null one: out of memory or connection lost) to a status.
absl::Status PgError(PGconn* conn, const PGresult* res, std::string_view sql) {
  const char* sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string state = sqlstate ? sqlstate : "";
  std::string detail = TrimmedMessage(res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  if (detail.empty()) detail = TrimmedMessage(PQerrorMessage(conn));
  if (!state.empty()) detail = absl::StrCat(state, " ", detail);
  if (PQstatus(conn) == CONNECTION_BAD || state.starts_with("08")) {
    return StatementError(kUnavailable, detail, sql);
  }
  if (state == "23505") return StatementError(kUniqueViolation, detail, sql);
  if (state.starts_with("23")) return StatementError(kConstraintViolation, detail, sql);
  if (state == "40001" || state == "40P01") return StatementError(kConflict, detail, sql);
  return StatementError(kDatabaseError, detail, sql);
}

// Runs a statement without parameters (BEGIN, COMMIT, …).
absl::Status ExecSimple(PGconn* conn, const char* sql) {
  PgResult res(PQexec(conn, sql));
  if (res == nullptr || PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
    return PgError(conn, res.get(), sql);
  }
  return absl::OkStatus();
}

void IgnoreNotice(void*, const char*) {}

absl::StatusOr<std::unique_ptr<PgConn>> OpenConnection(const std::string& url) {
  auto conn = std::make_unique<PgConn>();
  conn->conn = PQconnectdb(url.c_str());
  // The URL may hold a password: messages name the failure, never the URL.
  if (conn->conn == nullptr || PQstatus(conn->conn) != CONNECTION_OK) {
    std::string detail = conn->conn ? TrimmedMessage(PQerrorMessage(conn->conn)) : "out of memory";
    return MakeError(absl::StatusCode::kUnavailable, "store.open", {},
                     absl::StrCat("无法连接 PostgreSQL：", detail),
                     absl::StrCat("cannot connect to PostgreSQL: ", detail));
  }
  // Notices ("relation … already exists, skipping") are informational; libpq's default prints
  // them to stderr, which would clutter the server's log. Errors arrive as results, not notices.
  PQsetNoticeProcessor(conn->conn, IgnoreNotice, nullptr);
  if (PQsetClientEncoding(conn->conn, "UTF8") != 0) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "store.open", {},
                     "PostgreSQL 连接无法使用 UTF8 编码", "cannot set client_encoding UTF8");
  }
  // RewritePlaceholders reads '…' strings the standard way, without backslash escapes.
  const char* standard = PQparameterStatus(conn->conn, "standard_conforming_strings");
  if (standard == nullptr || std::string_view(standard) != "on") {
    return MakeError(absl::StatusCode::kFailedPrecondition, "store.open", {},
                     "PostgreSQL 须开启 standard_conforming_strings",
                     "PostgreSQL standard_conforming_strings must be on");
  }
  return conn;
}

class PgTx : public TxBase {
 public:
  PgTx(Pool<PgConn>* pool, std::unique_ptr<PgConn> conn) : pool_(pool), conn_(std::move(conn)) {}

  ~PgTx() override {
    PGconn* c = conn_->conn;
    if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE) {
      PgResult res(PQexec(c, "ROLLBACK"));
    }
    if (conn_->Healthy()) {
      pool_->Release(std::move(conn_));
    } else {
      pool_->Discard(std::move(conn_));
    }
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  absl::Status CommitNow() override {
    PgResult res(PQexec(conn_->conn, "COMMIT"));
    if (res == nullptr || PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      return PgError(conn_->conn, res.get(), "COMMIT");
    }
    // A transaction the server had aborted answers COMMIT with "ROLLBACK"; the failure rule
    // should have caught that first, so this is a safety net.
    if (std::string_view(PQcmdStatus(res.get())) != "COMMIT") {
      return StatementError(kDatabaseError, PQcmdStatus(res.get()), "COMMIT");
    }
    return absl::OkStatus();
  }

 private:

  // The cached statement for `sql`, prepared (and described, for its parameter types) on first
  // use. The least recently used statement past the cache bound is deallocated on the server.
  absl::StatusOr<const PgStatement*> Prepare(std::string_view sql) {
    if (const PgStatement* cached = conn_->statements.Find(sql)) return cached;
    PGconn* c = conn_->conn;
    int count = 0;
    std::string rewritten = RewritePlaceholders(sql, &count);
    PgStatement statement;
    statement.name = absl::StrCat("zhida_", ++conn_->statements_prepared);
    PgResult prepared(PQprepare(c, statement.name.c_str(), rewritten.c_str(), 0, nullptr));
    if (prepared == nullptr || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
      return PgError(c, prepared.get(), sql);
    }
    PgResult described(PQdescribePrepared(c, statement.name.c_str()));
    if (described == nullptr || PQresultStatus(described.get()) != PGRES_COMMAND_OK) {
      return PgError(c, described.get(), sql);
    }
    for (int i = 0; i < PQnparams(described.get()); ++i) {
      statement.param_types.push_back(PQparamtype(described.get(), i));
    }
    if (auto evicted = conn_->statements.Insert(sql, std::move(statement))) {
      std::string deallocate = absl::StrCat("DEALLOCATE ", evicted->second.name);
      RETURN_IF_ERROR(ExecSimple(c, deallocate.c_str()));
    }
    return conn_->statements.Find(sql);
  }

  // Reads column `col` of row `row`.
  static absl::StatusOr<Value> Column(const PGresult* res, int row, int col, std::string_view sql) {
    if (PQgetisnull(res, row, col)) return Null();
    const char* text = PQgetvalue(res, row, col);
    int length = PQgetlength(res, row, col);
    switch (PQftype(res, col)) {
      case kInt2Oid:
      case kInt4Oid:
      case kInt8Oid:
      case kOidOid: {
        int64_t n = 0;
        if (!absl::SimpleAtoi(absl::string_view(text, length), &n)) {
          return StatementError(kDatabaseError, absl::StrCat("bad integer ", text), sql);
        }
        return Value(n);
      }
      case kBoolOid:
        return Value(int64_t{text[0] == 't' ? 1 : 0});
      case kByteaOid: {
        size_t size = 0;
        unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size);
        if (bytes == nullptr) return StatementError(kDatabaseError, "bad bytea", sql);
        std::string value(reinterpret_cast<const char*>(bytes), size);
        PQfreemem(bytes);
        return Value(std::move(value));
      }
      case kFloat4Oid:
      case kFloat8Oid:
        // Floating point never carries our data (DESIGN.md §3): refuse rather than round.
        return StatementError(kDatabaseError,
                              absl::StrCat("column ", col, " (", PQfname(res, col),
                                           ") is floating point; the schema holds none"),
                              sql);
    }
    return Value(std::string(text, length));
  }

  absl::StatusOr<Result> Run(std::string_view sql, std::span<const Value> params) override {
    ASSIGN_OR_RETURN(const PgStatement* statement, Prepare(sql));
    size_t count = statement->param_types.size();
    if (count != params.size()) {
      return StatementError(kDatabaseError,
                            absl::StrCat(count, " placeholders, ", params.size(), " parameters"),
                            sql);
    }
    std::vector<std::string> numbers(count);  // the text of integer parameters
    std::vector<const char*> values(count, nullptr);
    std::vector<int> lengths(count, 0);
    std::vector<int> formats(count, 0);
    for (size_t i = 0; i < count; ++i) {
      if (const int64_t* n = std::get_if<int64_t>(&params[i])) {
        numbers[i] = absl::StrCat(*n);
        values[i] = numbers[i].c_str();
      } else if (const std::string* s = std::get_if<std::string>(&params[i])) {
        values[i] = s->data();
        lengths[i] = static_cast<int>(s->size());
        if (statement->param_types[i] == kByteaOid) {
          formats[i] = 1;  // raw bytes: bytea's binary format is the bytes themselves
        } else if (s->find('\0') != std::string::npos) {
          return StatementError(kDatabaseError, absl::StrCat("parameter ", i + 1, " holds NUL"),
                                sql);
        } else {
          values[i] = s->c_str();  // text format: NUL-terminated
        }
      }
    }
    PgResult res(PQexecPrepared(conn_->conn, statement->name.c_str(), static_cast<int>(count),
                                values.data(), lengths.data(), formats.data(), 0));
    ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      return PgError(conn_->conn, res.get(), sql);
    }
    return ReadResult(res.get(), sql);
  }

  static absl::StatusOr<Result> ReadResult(const PGresult* res, std::string_view sql) {
    Result result;
    int columns = PQnfields(res);
    for (int c = 0; c < columns; ++c) result.columns.emplace_back(PQfname(res, c));
    int rows = PQntuples(res);
    result.rows.reserve(rows);
    for (int r = 0; r < rows; ++r) {
      std::vector<Value> values;
      values.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        ASSIGN_OR_RETURN(Value v, Column(res, r, c, sql));
        values.push_back(std::move(v));
      }
      result.rows.emplace_back(std::move(values));
    }
    std::string_view command = PQcmdStatus(const_cast<PGresult*>(res));
    if (command.starts_with("INSERT") || command.starts_with("UPDATE") ||
        command.starts_with("DELETE") || command.starts_with("MERGE")) {
      int64_t affected = 0;
      if (absl::SimpleAtoi(PQcmdTuples(const_cast<PGresult*>(res)), &affected)) {
        result.affected_rows = affected;
      }
    }
    return result;
  }

  Pool<PgConn>* const pool_;
  std::unique_ptr<PgConn> conn_;
};

class PgStore : public Store {
 public:
  PgStore(int pool_size, std::string url)
      : pool_(pool_size, [url = std::move(url)] { return OpenConnection(url); }) {}

  void AddConnection(std::unique_ptr<PgConn> conn) { pool_.Add(std::move(conn)); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  absl::StatusOr<std::unique_ptr<Tx>> Begin(TxMode mode) override {
    const char* begin = mode == TxMode::kWrite ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                               : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    absl::Status status;
    for (int attempt = 0; attempt < kPgBeginAttemptsMax; ++attempt) {
      ASSIGN_OR_RETURN(std::unique_ptr<PgConn> conn, pool_.Acquire());
      status = ExecSimple(conn->conn, begin);
      if (status.ok()) return std::unique_ptr<Tx>(new PgTx(&pool_, std::move(conn)));
      if (conn->Healthy()) {
        pool_.Release(std::move(conn));
        return status;
      }
      pool_.Discard(std::move(conn));  // e.g. closed by a server restart: try a fresh one
    }
    return status;
  }

  absl::Status Backup(std::string_view path) override {
    return MakeError(absl::StatusCode::kUnimplemented, "store.backup", {},
                     "PostgreSQL 数据库请用 pg_dump 备份（见 docs/operations.md）",
                     "back up PostgreSQL with pg_dump (see docs/operations.md)");
  }

 private:
  Pool<PgConn> pool_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenPgStore(std::string_view url,
                                                   const OpenOptions& options) {
  ZCHECK(options.pool_size >= 1);
  ASSIGN_OR_RETURN(std::unique_ptr<PgConn> first, OpenConnection(std::string(url)));
  auto store = std::make_unique<PgStore>(options.pool_size, std::string(url));
  store->AddConnection(std::move(first));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace zhida::store
